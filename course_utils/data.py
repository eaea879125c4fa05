"""Data sets of the course: the digits bundled with scikit-learn and seeded synthetic sets (chapter 01).

Nothing is downloaded: scikit-learn ships the 1,797 8×8 digit images inside its wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.datasets import load_digits as _sklearn_digits
from sklearn.model_selection import train_test_split

from course_utils._validation import float_array, non_negative_float, one_of, positive_int

Form = Literal["flat", "image"]


@dataclass(frozen=True)
class Split:
    """Inputs and targets, split into training, validation and test parts (chapter 01)."""

    x_train: NDArray[np.float32]
    y_train: NDArray[np.generic]
    x_val: NDArray[np.float32]
    y_val: NDArray[np.generic]
    x_test: NDArray[np.float32]
    y_test: NDArray[np.generic]

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The shape of one input example."""
        return tuple(int(n) for n in self.x_train.shape[1:])

    def sizes(self) -> dict[str, int]:
        """Return the number of examples in each part."""
        return {"train": len(self.x_train), "val": len(self.x_val), "test": len(self.x_test)}


def load_digits(form: Form = "flat", n_train: int | None = None, seed: int = 0) -> Split:
    """Load the digits with fixed, stratified splits: 60 % train, 20 % validation, 20 % test (chapter 01).

    Pixel values are scaled from 0..16 to 0..1. Labels are the integers 0..9.

    Args:
        form: ``"flat"`` gives 64-long vectors (for ``Dense``); ``"image"`` gives 8×8×1 images
            (for ``Conv2D``).
        n_train: if given, keep only this many training examples (stratified), which makes
            overfitting easy to see: from 10 up to the full training size less 10, or the full
            size itself. Validation and test sets are unchanged.
        seed: seed of the shuffles; the same seed always gives the same split.

    Raises:
        ValueError: for an unknown ``form``, or an ``n_train`` out of range.
    """
    one_of(form, "form", ("flat", "image"))
    positive_int(seed, "seed", minimum=0)
    bunch = _sklearn_digits()
    x = (np.asarray(bunch.data, dtype=np.float32) / 16.0).astype(np.float32)
    y = np.asarray(bunch.target, dtype=np.int64)
    x_rest, x_test, y_rest, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=seed)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=seed
    )
    if n_train is not None:
        positive_int(n_train, "n_train", minimum=10)
        full = len(x_train)
        if n_train > full or full - 10 < n_train < full:  # a stratified subset must leave a few out
            raise ValueError(f"n_train must be at most {full - 10}, or exactly {full}; got {n_train}")
        if n_train < full:
            x_train, _, y_train, _ = train_test_split(
                x_train, y_train, train_size=n_train, stratify=y_train, random_state=seed
            )
    if form == "image":
        x_train, x_val, x_test = (part.reshape(-1, 8, 8, 1) for part in (x_train, x_val, x_test))
    return Split(x_train, y_train, x_val, y_val, x_test, y_test)


@dataclass(frozen=True)
class SparseProblem:
    """A synthetic regression problem whose informative inputs are known (chapter 01)."""

    split: Split
    true_weights: NDArray[np.float64]

    @property
    def informative(self) -> NDArray[np.bool_]:
        """A mask over the inputs: true where the input really affects the target."""
        mask: NDArray[np.bool_] = self.true_weights != 0
        return mask


def make_sparse_regression(
    n_samples: int = 300,
    n_informative: int = 4,
    n_irrelevant: int = 16,
    noise: float = 0.5,
    seed: int = 0,
) -> SparseProblem:
    """Make a linear regression problem with a few informative and many irrelevant inputs (chapter 01).

    Inputs are standard normal. The target is ``x @ true_weights + noise * N(0, 1)``, where the
    first ``n_informative`` weights are drawn from ±(1..3) and the rest are exactly zero. The
    examples are split 60/20/20 into training, validation and test parts.

    Raises:
        TypeError/ValueError: for counts that are not positive integers or a negative noise.
    """
    positive_int(n_samples, "n_samples", minimum=10)
    positive_int(n_informative, "n_informative")
    positive_int(n_irrelevant, "n_irrelevant", minimum=0)
    noise = non_negative_float(noise, "noise")
    positive_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    n_features = n_informative + n_irrelevant
    weights = np.zeros(n_features)
    weights[:n_informative] = rng.choice([-1.0, 1.0], n_informative) * rng.uniform(1.0, 3.0, n_informative)
    x = rng.standard_normal((n_samples, n_features))
    y = x @ weights + noise * rng.standard_normal(n_samples)
    x32, y32 = x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    n_test = n_val = n_samples // 5
    n_fit = n_samples - n_val - n_test
    split = Split(
        x32[:n_fit],
        y32[:n_fit],
        x32[n_fit : n_fit + n_val],
        y32[n_fit : n_fit + n_val],
        x32[n_fit + n_val :],
        y32[n_fit + n_val :],
    )
    return SparseProblem(split, weights)


def shuffle_inputs(problem: SparseProblem, seed: int = 0) -> SparseProblem:
    """Return ``problem`` with its inputs (columns) put in a seeded random order (chapter 03).

    :func:`make_sparse_regression` puts the informative inputs first. Shuffling hides them, for
    exercises where the learner has to find them. The examples, their order and the targets are
    unchanged; ``true_weights`` is reordered with the inputs, so ``informative`` stays right.

    Raises:
        TypeError/ValueError: if ``problem`` is not a SparseProblem, or ``seed`` is not an int >= 0.
    """
    if not isinstance(problem, SparseProblem):
        raise TypeError(f"problem must be a SparseProblem, got {type(problem).__name__}")
    positive_int(seed, "seed", minimum=0)
    order = np.random.default_rng(seed).permutation(problem.true_weights.size)
    old = problem.split
    split = Split(
        old.x_train[:, order], old.y_train, old.x_val[:, order], old.y_val, old.x_test[:, order], old.y_test
    )
    return SparseProblem(split, problem.true_weights[order])


@dataclass(frozen=True)
class KnownTruthProblem(SparseProblem):
    """A linear regression problem with known true weights and noise level (chapter 03).

    ``true_weights`` may be sparse or dense; ``informative`` marks its non-zero entries. ``noise`` is
    the standard deviation of the noise added to the targets, so ``noise**2`` is the lowest mean
    squared error any model can reach on new data.
    """

    noise: float


def _three_parts(x: NDArray[np.float64], y: NDArray[np.float64], n_train: int, n_val: int) -> Split:
    """Cut examples, in order, into training, validation and test parts (float32, y as a column)."""
    x32, y32 = x.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    cut = n_train + n_val
    return Split(x32[:n_train], y32[:n_train], x32[n_train:cut], y32[n_train:cut], x32[cut:], y32[cut:])


def make_linear_regression(
    true_weights: ArrayLike,
    n_train: int,
    n_val: int,
    n_test: int,
    noise: float = 1.0,
    seed: int = 0,
) -> KnownTruthProblem:
    """Draw a linear regression data set from given true weights (chapter 03).

    Every input is an independent standard normal, ``x ~ N(0, I)``, and the target is
    ``y = x @ true_weights + noise * N(0, 1)``, with no intercept. Because the inputs are standard
    normal and independent, a linear model with kernel ``w`` and bias ``b`` has the expected squared
    error on new data ``||w - true_weights||² + b² + noise²`` exactly, without a test set.

    The same ``seed`` always gives the same examples; ``true_weights`` can be sparse (a few non-zero
    entries), dense, or longer than ``n_train`` (more inputs than examples).

    Args:
        true_weights: the weight of each input, a 1-D array of finite numbers.
        n_train: the number of training examples (at least 2).
        n_val: the number of validation examples (at least 1).
        n_test: the number of test examples (0 for none).
        noise: the standard deviation of the noise on the targets.
        seed: seeds the draw.

    Raises:
        TypeError/ValueError: naming the argument, for weights that are not a finite 1-D array,
            counts that are not ints in range, or a negative noise.
    """
    weights = float_array(true_weights, "true_weights")
    if weights.ndim != 1:
        raise ValueError(f"true_weights must be 1-D (one weight per input), got shape {weights.shape}")
    positive_int(n_train, "n_train", minimum=2)
    positive_int(n_val, "n_val")
    positive_int(n_test, "n_test", minimum=0)
    sigma = non_negative_float(noise, "noise")
    positive_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    x = rng.standard_normal((n, weights.size))
    y = x @ weights + sigma * rng.standard_normal(n)
    return KnownTruthProblem(_three_parts(x, y, n_train, n_val), weights.copy(), sigma)


def make_twin_regression(
    n_train: int,
    n_val: int,
    n_test: int = 0,
    twin_weight: float = 1.5,
    n_irrelevant: int = 8,
    twin_noise: float = 0.03,
    noise: float = 1.0,
    seed: int = 0,
) -> KnownTruthProblem:
    """Draw a regression problem whose first two inputs are near-copies of each other (chapter 03).

    A hidden standard normal ``z`` is measured twice: ``x[:, 0] = z + twin_noise * e0`` and
    ``x[:, 1] = z + twin_noise * e1``, so the two "twins" have the correlation
    ``1 / (1 + twin_noise²)`` (0.9991 by default). The other ``n_irrelevant`` inputs are independent
    standard normals with true weight 0. The target is ``y = twin_weight * (x[:, 0] + x[:, 1]) +
    noise * N(0, 1)``: the true weights are ``(twin_weight, twin_weight, 0, ..., 0)``. The problem is
    symmetric in the twins, so nothing in the data prefers one of them.

    Raises:
        TypeError/ValueError: naming the argument, for counts that are not ints in range, or a
            negative or non-finite weight or noise.
    """
    positive_int(n_train, "n_train", minimum=2)
    positive_int(n_val, "n_val")
    positive_int(n_test, "n_test", minimum=0)
    if isinstance(twin_weight, bool) or not isinstance(twin_weight, int | float | np.integer | np.floating):
        raise TypeError(f"twin_weight must be a number, got {type(twin_weight).__name__}")
    weight = float(twin_weight)
    if not np.isfinite(weight):
        raise ValueError(f"twin_weight must be finite, got {weight}")
    positive_int(n_irrelevant, "n_irrelevant", minimum=0)
    tau = non_negative_float(twin_noise, "twin_noise")
    sigma = non_negative_float(noise, "noise")
    positive_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    n = n_train + n_val + n_test
    z = rng.standard_normal(n)
    twins = z[:, None] + tau * rng.standard_normal((n, 2))
    x = np.column_stack([twins, rng.standard_normal((n, n_irrelevant))])
    weights = np.zeros(2 + n_irrelevant)
    weights[:2] = weight
    y = x @ weights + sigma * rng.standard_normal(n)
    return KnownTruthProblem(_three_parts(x, y, n_train, n_val), weights, sigma)


__all__ = [
    "Form",
    "KnownTruthProblem",
    "SparseProblem",
    "Split",
    "load_digits",
    "make_linear_regression",
    "make_sparse_regression",
    "make_twin_regression",
    "shuffle_inputs",
]
