"""Checkers of the chapter 02 exercises: the penalty formulas, the one-weight optimum and one SGD step."""

from __future__ import annotations

import math
from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close

# --- a penalty function ---------------------------------------------------------------------------


def check_l1l2_function(answer: Callable[[np.ndarray, float, float], float] | None) -> Feedback:
    """Chapter 02: a NumPy function ``f(w, l1, l2)`` that returns what ``keras.regularizers.L1L2`` does."""
    if answer is None:
        return NOT_ANSWERED
    if not callable(answer):
        raise TypeError(f"answer must be a function f(w, l1, l2), got {type(answer).__name__}")
    rng = np.random.default_rng(2)
    for shape, l1, l2 in [((3,), 0.0, 0.1), ((4, 5), 0.2, 0.0), ((2, 3, 3), 0.05, 0.3)]:
        w = rng.normal(size=shape).astype(np.float32)
        expected = float(keras.regularizers.L1L2(l1=l1, l2=l2)(w))
        try:
            raw = answer(w, l1, l2)
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
        if raw is None:
            return Feedback(False, "Your function returned None: is a `return` missing?")
        try:
            if isinstance(raw, str | bytes):
                raise TypeError(type(raw).__name__)
            got = float(raw)
        except (TypeError, ValueError):
            return Feedback(False, f"Your function must return a number, got {type(raw).__name__}.")
        if close(got, expected):
            continue
        if close(got, l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(np.square(w).sum())):
            return Feedback(False, "Your L2 part has a factor 1/2. Does Keras's L2 have one?")
        if close(got, l1 * float(w.sum()) + l2 * float(np.square(w).sum())):
            return Feedback(False, "The L1 part must not let positive and negative weights cancel out.")
        if close(got, l1 * float(np.abs(w).sum()) + l2 * float(np.sqrt(np.square(w).sum()))):
            return Feedback(False, "Keras's L2 uses the squared norm, not the norm itself.")
        return Feedback(False, f"Wrong value for weights of shape {shape}, l1={l1}, l2={l2}.")
    return Feedback(True, "Your function agrees with keras.regularizers.L1L2 on three random tensors.")


# --- the one-weight problem with both penalties ----------------------------------------------------


def _one_weight_cases() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Random ``(a, l1, l2)`` triples, with each penalty alone, ``a = 0`` and weights held at 0."""
    rng = np.random.default_rng(202)
    n = 200
    a = rng.uniform(-3.0, 3.0, n)
    l1 = rng.uniform(0.0, 3.0, n)
    l2 = rng.uniform(0.0, 2.0, n)
    l1[:20] = 0.0  # L2 alone
    l2[20:40] = 0.0  # L1 alone
    a[40:45] = 0.0
    a[45:60] = rng.uniform(-0.5, 0.5, 15) * l1[45:60]  # |a| < l1/2: the optimum is 0
    return a, l1, l2


def _one_weight_objective(w: float, a: float, l1: float, l2: float) -> float:
    return (w - a) ** 2 + l1 * abs(w) + l2 * w**2


def _l1l2_optimum(
    a: NDArray[np.float64], l1: NDArray[np.float64], l2: NDArray[np.float64]
) -> NDArray[np.float64]:
    threshold: NDArray[np.float64] = np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + l2)
    return threshold


def _same(got: NDArray[np.float64], expected: NDArray[np.float64]) -> NDArray[np.bool_]:
    agree: NDArray[np.bool_] = np.isclose(got, expected, rtol=1e-5, atol=1e-7)
    return agree


def check_one_weight_l1l2(answer: Callable[[float, float, float], float] | None) -> Feedback:
    """Chapter 02: a function ``f(a, l1, l2)`` that returns the minimiser of ``(w - a)² + l1·|w| + l2·w²``.

    The checker calls it on 200 random triples of Python floats (with ``l1`` or ``l2`` zero, ``a`` zero
    and ``|a|`` small among them) and compares it with the exact minimiser. A wrong answer gets a hint
    that names a classic mistake, or an input where the learner's ``w`` is not the minimiser, but never
    the right value or formula.
    """
    if answer is None:
        return NOT_ANSWERED
    if not callable(answer):
        raise TypeError(f"answer must be a function f(a, l1, l2), got {type(answer).__name__}")
    a, l1, l2 = _one_weight_cases()
    got = np.empty_like(a)
    for index, (a_i, l1_i, l2_i) in enumerate(zip(a, l1, l2, strict=True)):
        try:
            raw = answer(float(a_i), float(l1_i), float(l2_i))
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
        if raw is None:
            return Feedback(False, "Your function returned None: is a `return` missing?")
        try:
            if isinstance(raw, str | bytes):
                raise TypeError(type(raw).__name__)
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return Feedback(False, f"Your function must return a number, got {type(raw).__name__}.")
        if value.size != 1:
            return Feedback(
                False, f"Your function must return one number, got an array of shape {value.shape}."
            )
        got[index] = float(value.reshape(()))
    if not np.all(np.isfinite(got)):
        return Feedback(
            False, "Your function returned NaN or an infinity: is there a division by |a|, or by 0?"
        )
    right = _same(got, _l1l2_optimum(a, l1, l2))
    if right.all():
        return Feedback(True, f"Your function gives the exact minimiser for all {a.size} random (a, l1, l2).")
    mistakes = [
        (a, "Your function returns a: the penalties must move the optimum towards 0."),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1, 0.0) / (1.0 + l2),
            "Your threshold is too large. At w = 0, compare the jump of l1·|w| with the slope of "
            "(w − a)², which is 2(w − a): differentiate it carefully.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1, 0.0) / (1.0 + 2.0 * l2),
            "That is the minimiser of ½(w − a)² + l1·|w| + l2·w². The objective here has no ½.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0),
            "Your function ignores l2: the weights that survive the threshold feel the L2 part too.",
        ),
        (
            a / (1.0 + l2),
            "Your function is never exactly 0 when a is not: for small |a| the kink of l1·|w| holds the "
            "weight at 0.",
        ),
        (
            (a - np.sign(a) * l1 / 2) / (1.0 + l2),
            "For small |a| your weight crosses 0 to the other side of it. Can the optimum have the "
            "opposite sign of a? Where must it stop?",
        ),
        (
            np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + l2),
            "Your function is right for a ≥ 0 only. The problem is symmetric: what is the optimum for −a?",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) / (1.0 + l2) - l1 / 2, 0.0),
            "You shrink a and then apply the threshold (or the other way round, with the wrong "
            "scale). Solve for w > 0 directly, with both penalties in the derivative.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + 2.0 * l2),
            "The L2 part is too strong. Set the derivative of the whole objective to 0 for w > 0 "
            "and solve again.",
        ),
    ]
    for candidate, hint in mistakes:
        if _same(got, candidate).all():
            return Feedback(False, hint)
    only = [
        (a >= 0, "It is right for a ≥ 0 but not for every a < 0: is the problem symmetric in your code?"),
        (l2 == 0, "It is right when l2 = 0 but not when both penalties act."),
        (l1 == 0, "It is right when l1 = 0 but not when both penalties act."),
    ]
    for subset, hint in only:
        if right[subset].all():
            return Feedback(False, hint)
    first = int(np.flatnonzero(~right)[0])
    w, a_i, l1_i, l2_i = got[first], a[first], l1[first], l2[first]
    below = "exactly 0" if w == 0 else f"w = {w:.4g}"
    return Feedback(
        False,
        f"For a = {a_i:.4g}, l1 = {l1_i:.4g}, l2 = {l2_i:.4g} your function gives {below}, and "
        f"(w − a)² + l1·|w| + l2·w² is lower elsewhere: evaluate it on a fine grid of w to see where.",
    )


# --- one SGD step ----------------------------------------------------------------------------------


def _keras_sgd_step(
    w: NDArray[np.float32], grad: NDArray[np.float32], lr: float, l1: float, l2: float
) -> NDArray[np.float64]:
    """One ``keras.optimizers.SGD`` step on ``sum(grad·w) + L1L2(l1, l2)(w)`` (data gradient ``grad``)."""
    variable = keras.Variable(w)
    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    with tf.GradientTape() as tape:
        loss = keras.ops.sum(keras.ops.convert_to_tensor(grad) * variable) + regularizer(variable)
    optimizer.apply_gradients([(tape.gradient(loss, variable), variable)])
    return np.array(variable.numpy(), dtype=np.float64)


def _sgd_cases() -> list[tuple[NDArray[np.float32], NDArray[np.float32], float, float, float]]:
    rng = np.random.default_rng(2002)
    cases = []
    for shape, lr, l1, l2 in [
        ((6,), 0.1, 0.0, 0.3),  # L2 alone
        ((3, 4), 0.05, 0.4, 0.0),  # L1 alone
        ((2, 3, 2), 0.2, 0.15, 0.25),
        ((5, 2), 0.01, 0.5, 0.05),
    ]:
        w = rng.normal(size=shape).astype(np.float32)
        w.flat[0] = 0.0  # where |w| has no derivative
        grad = rng.normal(size=shape).astype(np.float32)
        cases.append((w, grad, lr, l1, l2))
    return cases


def check_sgd_step(answer: Callable[..., object] | None) -> Feedback:
    """Chapter 02: a function ``f(w, grad, lr, l1, l2)`` that returns the weights after one plain SGD step.

    The loss is the data loss, whose gradient at ``w`` is ``grad``, plus ``L1L2(l1=l1, l2=l2)`` on ``w``.
    The checker compares the function, on random float32 arrays of several shapes (with a weight at 0
    in each), with what ``keras.optimizers.SGD(learning_rate=lr)`` does to a ``keras.Variable``.
    """
    if answer is None:
        return NOT_ANSWERED
    if not callable(answer):
        raise TypeError(f"answer must be a function f(w, grad, lr, l1, l2), got {type(answer).__name__}")
    for w, grad, lr, l1, l2 in _sgd_cases():
        expected = _keras_sgd_step(w, grad, lr, l1, l2)
        where = f"shape {w.shape}, lr={lr}, l1={l1}, l2={l2}"
        try:
            raw = answer(w.copy(), grad.copy(), lr, l1, l2)
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
        if raw is None:
            return Feedback(False, "Your function returned None: is a `return` missing?")
        try:
            if isinstance(raw, str | bytes):
                raise TypeError(type(raw).__name__)
            got = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return Feedback(False, f"Your function must return an array, got {type(raw).__name__}.")
        if got.shape != w.shape:
            return Feedback(False, f"For weights of {where}, your function returns shape {got.shape}.")
        if not np.all(np.isfinite(got)):
            return Feedback(
                False,
                "Your step gives NaN or an infinity, for a weight that is exactly 0? The slope of |w| "
                "has no value there; TensorFlow uses the subgradient 0.",
            )

        def matches(candidate: NDArray[np.float64], got: NDArray[np.float64] = got) -> bool:
            return bool(np.allclose(got, candidate, rtol=1e-5, atol=1e-6))

        if matches(expected):
            continue
        w64, g64 = w.astype(np.float64), grad.astype(np.float64)
        sign = np.sign(w64)
        mistakes = [
            (
                w64 - lr * (g64 + l1 * sign + l2 * w64),
                "Your L2 part is half of Keras's (a factor 1 − lr·l2 on w?). Does Keras's L2 have a ½?",
            ),
            (
                w64 - lr * (g64 + l1 * w64 + 2 * l2 * w64),
                "Your L1 part grows with w. The slope of l1·|w| has the same size for every w ≠ 0.",
            ),
            (
                w64 + lr * (g64 + l1 * sign + 2 * l2 * w64),
                "Your step goes uphill: gradient descent subtracts.",
            ),
            (w64 - lr * (l1 * sign + 2 * l2 * w64), "Your step ignores grad, the gradient of the data loss."),
            (
                w64 - lr * g64 - (l1 * sign + 2 * l2 * w64),
                "The learning rate multiplies the whole gradient, the penalty's part too.",
            ),
            (w64 - lr * g64, "Your step ignores the penalty: its gradient is part of the loss's."),
        ]
        for candidate, hint in mistakes:
            if matches(candidate):
                return Feedback(False, hint)
        wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-6)
        if np.all(w[wrong] == 0):
            return Feedback(
                False,
                "Your step is right except for the weights that are exactly 0. What slope of |w| "
                "does TensorFlow take at 0?",
            )
        if math.isclose(l1, 0.0) or math.isclose(l2, 0.0):
            penalty = "L2" if math.isclose(l1, 0.0) else "L1"
            return Feedback(False, f"Your step differs from Keras's SGD with {penalty} alone ({where}).")
        return Feedback(False, f"Your step differs from Keras's SGD for weights of {where}: check each part.")
    return Feedback(True, "Your step agrees with keras.optimizers.SGD on four random layers.")
