"""Exercise checkers: each answers ✓, or gives a hint, and never reveals the answer (chapter 01).

A checker returns a :class:`Feedback`, which Jupyter shows as one line. ``None`` stands for
"not answered yet" and gets a reminder instead of an error; an answer of the wrong type raises a
``TypeError`` naming ``answer``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np

from course_utils.training import TrainingLog


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: whether the answer is right, and a message (chapter 01)."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return f"{'✓' if self.correct else '✗'} {self.message}"

    __str__ = __repr__


NOT_ANSWERED = Feedback(False, "Not answered yet: replace None with your answer and run the cell again.")


def _number(answer: object) -> float:
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.integer | np.floating):
        raise TypeError(f"answer must be a number, got {type(answer).__name__}")
    return float(answer)


def _close(answer: float, expected: float, rtol: float = 1e-3) -> bool:
    return math.isclose(answer, expected, rel_tol=rtol, abs_tol=1e-9)


def check_best_epoch(answer: int | None, log: TrainingLog) -> Feedback:
    """Chapter 01: the epoch (counted from 1) at which ``log``'s validation data loss is lowest."""
    if not isinstance(log, TrainingLog):
        raise TypeError(f"log must be a TrainingLog, got {type(log).__name__}")
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        raise TypeError(f"answer must be an int (an epoch number), got {type(answer).__name__}")
    best = log.best_epoch("val_data_loss")
    if answer == best:
        return Feedback(True, "Right: after this epoch, more training only fits the training set better.")
    if not 1 <= answer <= log.epochs:
        return Feedback(False, f"Epochs are counted from 1 to {log.epochs}.")
    if answer == log.best_epoch("data_loss"):
        return Feedback(False, "That is where the *training* loss is lowest. Look at the validation curve.")
    if answer == best - 1:
        return Feedback(False, "Close. Epochs are counted from 1, but Python arrays from 0.")
    return Feedback(False, "Not quite. Use log.val_data_loss and find where it is smallest (np.argmin).")


def check_gap_sign(answer: str | None) -> Feedback:
    """Chapter 01: once a model overfits, which loss is larger, the training or the validation one."""
    if answer is None:
        return NOT_ANSWERED
    if not isinstance(answer, str):
        raise TypeError(f"answer must be a string, got {type(answer).__name__}")
    choice = answer.strip().lower()
    if choice not in {"training", "validation"}:
        return Feedback(False, "Answer with one word: 'training' or 'validation'.")
    if choice == "validation":
        return Feedback(True, "Right: an overfitting model does better on what it has seen than on new data.")
    return Feedback(False, "Look at the two curves after the first few epochs: which one keeps falling?")


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
        if _close(got, expected):
            continue
        if _close(got, l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(np.square(w).sum())):
            return Feedback(False, "Your L2 part has a factor 1/2. Does Keras's L2 have one?")
        if _close(got, l1 * float(w.sum()) + l2 * float(np.square(w).sum())):
            return Feedback(False, "The L1 part must not let positive and negative weights cancel out.")
        if _close(got, l1 * float(np.abs(w).sum()) + l2 * float(np.sqrt(np.square(w).sum()))):
            return Feedback(False, "Keras's L2 uses the squared norm, not the norm itself.")
        return Feedback(False, f"Wrong value for weights of shape {shape}, l1={l1}, l2={l2}.")
    return Feedback(True, "Your function agrees with keras.regularizers.L1L2 on three random tensors.")


def check_lambda_for_target(answer: float | None) -> Feedback:
    """Chapter 02: the L2 strength that makes the penalty of ``w = [3, 4]`` equal exactly 1."""
    if answer is None:
        return NOT_ANSWERED
    value = _number(answer)
    if _close(value, 1 / 25):
        return Feedback(True, "Right: the penalty grows with the *square* of each weight.")
    if _close(value, 1 / 5):
        return Feedback(False, "That uses the length of w. Keras's L2 sums the squares.")
    if _close(value, 2 / 25):
        return Feedback(False, "That assumes a factor 1/2 in the penalty. Keras has none.")
    if value < 0:
        return Feedback(False, "Keras refuses a negative strength. Try again.")
    return Feedback(False, "Not quite. Write the penalty of [3, 4] as λ times a number and solve for λ.")
