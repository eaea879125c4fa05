"""Checkers of the chapter 05 exercises: the four layer examples."""

from __future__ import annotations

import math

import keras
import numpy as np
from numpy.typing import NDArray

from course_utils._validation import built_model
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number
from course_utils.penalties import penalty_breakdown, regularizer_strengths

#: The weights of a layer that a ``<name>_regularizer`` can cover.
_WEIGHTS = ("kernel", "bias")


def _array(variable: object) -> NDArray[np.float64]:
    """Return a Keras variable's values as a float64 NumPy array."""
    return np.asarray(variable, dtype=np.float64)


def _penalty_of(layer: keras.layers.Layer, name: str) -> float:
    """Return the penalty of weight ``name`` of ``layer`` as Keras computes it (0 without a regularizer)."""
    regularizer, variable = getattr(layer, f"{name}_regularizer", None), getattr(layer, name, None)
    if regularizer is None or variable is None:
        return 0.0
    return float(keras.ops.convert_to_numpy(regularizer(variable)))


def _regularized_layer(layer: object) -> keras.layers.Layer:
    """Return ``layer`` if it is a built Keras layer with at least one weight regularizer."""
    if not isinstance(layer, keras.layers.Layer):
        raise TypeError(f"layer must be a keras layer, got {type(layer).__name__}")
    if not layer.built:
        raise ValueError("layer is not built: put it in a model with a keras.Input first")
    if not any(
        getattr(layer, f"{name}_regularizer", None) is not None and getattr(layer, name, None) is not None
        for name in _WEIGHTS
    ):
        raise ValueError("layer has no kernel_regularizer or bias_regularizer: it adds no penalty")
    return layer


def _wrong_penalty_hint(value: float, layer: keras.layers.Layer) -> str | None:
    """Name the usual slip that gives ``value`` for the kernel penalty of ``layer``, if one does."""
    regularizer = getattr(layer, "kernel_regularizer", None)
    kernel = getattr(layer, "kernel", None)
    if regularizer is None or kernel is None:
        return None
    try:
        l1, l2 = regularizer_strengths(regularizer)
    except TypeError:  # a custom regularizer: no formula to compare slips with
        return None
    w = _array(kernel)
    l1_part, l2_part = l1 * float(np.abs(w).sum()), l2 * float(np.square(w).sum())
    rest = _penalty_of(layer, "bias")
    slips = []
    if l1 > 0 and l2 > 0:
        slips += [
            (l1_part + rest, "That is only the L1 part. The regularizer has an L2 part as well."),
            (l2_part + rest, "That is only the L2 part. The regularizer has an L1 part as well."),
        ]
    if l2 > 0:
        slips += [
            (l1_part + 0.5 * l2_part + rest, "Your L2 part has a factor 1/2. Does Keras's L2 have one?"),
            (
                l1_part + l2 * float(np.sqrt(np.square(w).sum())) + rest,
                "Keras's L2 uses the squared norm, not the norm itself.",
            ),
        ]
    if l1 > 0:
        slips.append(
            (
                l1 * float(w.sum()) + l2_part + rest,
                "The L1 part must not let positive and negative weights cancel out.",
            )
        )
    slips.append(
        (
            (float(np.abs(w).sum()) if l1 > 0 else 0.0)
            + (float(np.square(w).sum()) if l2 > 0 else 0.0)
            + rest,
            "Each sum must be multiplied by its strength λ.",
        )
    )
    bias = getattr(layer, "bias", None)
    if getattr(layer, "bias_regularizer", None) is None and bias is not None:
        b = _array(bias)
        with_bias = l1_part + l2_part + l1 * float(np.abs(b).sum()) + l2 * float(np.square(b).sum())
        slips.append(
            (with_bias, "You penalized the bias too. Which weights does this layer's regularizer cover?")
        )
    for slip, hint in slips:
        if close(value, slip):
            return hint
    return None


def check_layer_penalty(answer: float | None, layer: keras.layers.Layer) -> Feedback:
    """Chapter 05: the penalty that ``layer`` adds to the loss with its current weights, worked out by hand.

    The expected value is the sum of the layer's kernel and bias penalties, ``sum(layer.losses)``
    for a layer without an activity regularizer.

    Raises:
        TypeError: if ``answer`` is not a number, or ``layer`` is not a Keras layer.
        ValueError: if ``layer`` is not built or has no kernel or bias regularizer.
    """
    _regularized_layer(layer)
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    expected = sum(_penalty_of(layer, name) for name in _WEIGHTS)
    if close(value, expected):
        return Feedback(True, "Right: your NumPy sum is exactly what Keras adds to this layer's loss.")
    if not math.isfinite(value):
        return Feedback(False, "Your answer is not a finite number. Did a sum overflow, or divide by zero?")
    if value < 0:
        return Feedback(False, "A penalty sums |w| and w² times strengths λ ≥ 0: it is never negative.")
    hint = _wrong_penalty_hint(value, layer)
    if hint is not None:
        return Feedback(False, hint)
    return Feedback(
        False,
        "Not quite. Read the strengths from the layer's regularizer, then sum λ1·|w| + λ2·w² over every "
        "entry of each weight that has a regularizer.",
    )


def check_penalized_count(answer: int | None, model: keras.Model) -> Feedback:
    """Chapter 05: how many numbers (weights and biases) the penalties of ``model`` cover.

    Raises:
        TypeError: if ``answer`` is not an integer, or ``model`` is not a ``keras.Model``.
        ValueError: if ``model`` is not built or has no weight regularizer.
    """
    terms = penalty_breakdown(built_model(model, "model"))
    if not terms:
        raise ValueError("model has no kernel_regularizer or bias_regularizer: it penalizes no weights")
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        raise TypeError(f"answer must be an int (a count of numbers), got {type(answer).__name__}")
    expected = sum(term.size for term in terms)
    if answer == expected:
        return Feedback(True, "Right: every entry of every regularized weight tensor is in the penalty.")
    if answer <= 0:
        return Feedback(False, "A count of numbers is a positive whole number.")
    kernels = sum(term.size for term in terms if term.weight == "kernel")
    if answer == kernels:
        return Feedback(False, "That counts the kernel only. Is it the only weight with a regularizer?")
    if answer == len(terms):
        return Feedback(False, "That is the number of penalty terms. Count the numbers each term sums over.")
    if answer == model.count_params():
        return Feedback(False, "That counts every parameter of the model, also those without a regularizer.")
    return Feedback(
        False,
        "Not quite. Find the weights that have a regularizer (kernel_regularizer, bias_regularizer) and "
        "multiply out their shapes.",
    )
