"""Checkers of the chapter 02 exercises: the penalty formulas."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number


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
            got = float(answer(w, l1, l2))
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
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


def check_lambda_for_target(answer: float | None) -> Feedback:
    """Chapter 02: the L2 strength that makes the penalty of ``w = [3, 4]`` equal exactly 1."""
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    if close(value, 1 / 25):
        return Feedback(True, "Right: the penalty grows with the *square* of each weight.")
    if close(value, 1 / 5):
        return Feedback(False, "That uses the length of w. Keras's L2 sums the squares.")
    if close(value, 2 / 25):
        return Feedback(False, "That assumes a factor 1/2 in the penalty. Keras has none.")
    if value < 0:
        return Feedback(False, "Keras refuses a negative strength. Try again.")
    return Feedback(False, "Not quite. Write the penalty of [3, 4] as λ times a number and solve for λ.")
