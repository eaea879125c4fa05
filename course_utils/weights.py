"""What trained weights look like: sparsity, and which inputs a model still uses (chapter 03)."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from numpy.typing import ArrayLike, NDArray

from course_utils._validation import built_model, float_array, non_negative_float


@dataclass(frozen=True)
class Sparsity:
    """How many weights are exactly zero, and how many are near zero (chapter 03)."""

    total: int
    near_zero: int
    exactly_zero: int
    tolerance: float

    @property
    def near_zero_fraction(self) -> float:
        """Fraction of weights with ``|w| <= tolerance``."""
        return self.near_zero / self.total

    @property
    def exactly_zero_fraction(self) -> float:
        """Fraction of weights equal to 0.0."""
        return self.exactly_zero / self.total


def sparsity(weights: ArrayLike, tolerance: float = 1e-3) -> Sparsity:
    """Count the weights that are exactly zero and those within ``tolerance`` of zero (chapter 03).

    Raises:
        TypeError/ValueError: if ``weights`` is not a non-empty finite array or ``tolerance`` < 0.
    """
    w = float_array(weights, "weights")
    tol = non_negative_float(tolerance, "tolerance")
    return Sparsity(int(w.size), int(np.sum(np.abs(w) <= tol)), int(np.sum(w == 0.0)), tol)


def kernels(model: keras.Model) -> dict[str, NDArray[np.float64]]:
    """Return the kernel of every layer that has one, by layer name (chapter 03).

    Raises:
        TypeError/ValueError: if ``model`` is not a built ``keras.Model``.
    """
    found = {}
    for variable in built_model(model, "model").weights:  # in layer order, nested models included
        parts = variable.path.split("/")
        if parts[-1] == "kernel" and len(parts) > 1:
            found[parts[-2]] = np.asarray(variable.numpy(), dtype=np.float64)
    return found


def input_importance(model: keras.Model) -> NDArray[np.float64]:
    """Return, per input feature, the Euclidean norm of its outgoing weights in the first layer (chapter 03).

    For a linear model this is the absolute value of each coefficient. An input whose importance is
    zero is ignored by the model: L1 can drive whole inputs there (feature selection).

    Raises:
        TypeError/ValueError: if ``model`` is not built or its first weighted layer is not 2-D (Dense).
    """
    first = next(iter(kernels(model).values()), None)
    if first is None or first.ndim != 2:
        raise ValueError("model must start with a Dense layer: its first kernel must be 2-D")
    importance: NDArray[np.float64] = np.linalg.norm(first, axis=1)
    return importance


def selected_inputs(importance: ArrayLike, threshold: float) -> NDArray[np.int64]:
    """Return the indices of the inputs whose importance is above ``threshold`` (chapter 03).

    Raises:
        TypeError/ValueError: for a bad ``importance`` array or a negative ``threshold``.
    """
    values = float_array(importance, "importance")
    if values.ndim != 1:
        raise ValueError(f"importance must be 1-D (one value per input), got shape {values.shape}")
    return np.flatnonzero(values > non_negative_float(threshold, "threshold")).astype(np.int64)
