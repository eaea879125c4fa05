"""Reference weight penalties in NumPy, and where a Keras model's penalty comes from (chapter 02).

The formulas are the ones the installed Keras uses (checked against ``keras.regularizers`` by the
unit tests and in chapter 02)::

    L1(w)   = l1 * sum(|w|)
    L2(w)   = l2 * sum(w**2)            # no factor 1/2
    L1L2(w) = l1 * sum(|w|) + l2 * sum(w**2)
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from numpy.typing import ArrayLike, NDArray

from course_utils._validation import built_model, float_array, non_negative_float


def l1_penalty(weights: ArrayLike, l1: float) -> float:
    """Return ``l1 * sum(|w|)`` (chapter 02).

    Raises:
        TypeError/ValueError: if ``weights`` is not a non-empty finite array, or ``l1`` is not a
            finite number >= 0.
    """
    w = float_array(weights, "weights")
    return non_negative_float(l1, "l1") * float(np.sum(np.abs(w)))


def l2_penalty(weights: ArrayLike, l2: float) -> float:
    """Return ``l2 * sum(w**2)``, without a factor 1/2, as Keras computes it (chapter 02).

    Raises:
        TypeError/ValueError: as :func:`l1_penalty`, naming ``l2``.
    """
    w = float_array(weights, "weights")
    return non_negative_float(l2, "l2") * float(np.sum(np.square(w)))


def l1l2_penalty(weights: ArrayLike, l1: float, l2: float) -> float:
    """Return ``l1 * sum(|w|) + l2 * sum(w**2)`` (chapter 02)."""
    return l1_penalty(weights, l1) + l2_penalty(weights, l2)


def penalty_gradient(weights: ArrayLike, l1: float = 0.0, l2: float = 0.0) -> NDArray[np.float64]:
    """Return the (sub)gradient ``l1 * sign(w) + 2 * l2 * w`` of the L1L2 penalty (chapter 02).

    At ``w == 0`` the L1 part is not differentiable; like TensorFlow's ``abs``, this returns the
    subgradient 0 there.
    """
    w = float_array(weights, "weights")
    return non_negative_float(l1, "l1") * np.sign(w) + 2.0 * non_negative_float(l2, "l2") * w


def regularizer_strengths(regularizer: keras.regularizers.Regularizer) -> tuple[float, float]:
    """Return the ``(l1, l2)`` strengths of a Keras ``L1``, ``L2`` or ``L1L2`` regularizer (chapter 02).

    Raises:
        TypeError: if ``regularizer`` is not one of those three classes.
    """
    if not isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2 | keras.regularizers.L1L2):
        raise TypeError(
            f"regularizer must be a keras L1, L2 or L1L2 regularizer, got {type(regularizer).__name__}"
        )
    config = regularizer.get_config()
    return float(config.get("l1", 0.0)), float(config.get("l2", 0.0))


def reference_penalty(regularizer: keras.regularizers.Regularizer, weights: ArrayLike) -> float:
    """Compute with NumPy the penalty that ``regularizer`` puts on ``weights`` (chapter 02)."""
    l1, l2 = regularizer_strengths(regularizer)
    return l1l2_penalty(weights, l1, l2)


@dataclass(frozen=True)
class PenaltyTerm:
    """One weight penalty of a model: which layer, which weight, and its value (chapter 02)."""

    layer: str
    weight: str
    regularizer: str
    value: float
    size: int


def penalty_breakdown(model: keras.Model) -> list[PenaltyTerm]:
    """List every weight penalty of a built model, one per regularized weight (chapter 02).

    Like Keras, it goes through ``model.trainable_weights`` and asks each variable for its
    ``regularizer``, so it finds kernels, biases, embeddings, normalization scales and recurrent
    kernels alike, and skips frozen layers. Activity regularizers are not listed: they penalize a
    layer's outputs, so they have a value only for a given batch.

    Raises:
        TypeError: if ``model`` is not a ``keras.Model``.
        ValueError: if ``model`` is not built.
    """
    terms = []
    for variable in built_model(model, "model").trainable_weights:
        regularizer = getattr(variable, "regularizer", None)
        if regularizer is None:
            continue
        parts = variable.path.split("/")
        layer = parts[-2] if len(parts) > 1 else parts[-1]
        value = float(keras.ops.convert_to_numpy(regularizer(variable.value)))
        size = int(np.prod(variable.shape))
        terms.append(PenaltyTerm(layer, variable.name, type(regularizer).__name__, value, size))
    return terms


def total_penalty(model: keras.Model) -> float:
    """Return the sum of all weight penalties of ``model``: what ``fit`` adds to the data loss (chapter 02).

    It equals ``sum(model.losses)`` unless the model has activity regularizers, whose losses
    ``model.losses`` also holds for the last batch the model saw.
    """
    return float(sum(term.value for term in penalty_breakdown(model)))
