"""Checkers of the chapter 01 exercises: overfitting."""

from __future__ import annotations

import numpy as np

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback
from course_utils.training import TrainingLog


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
        return Feedback(False, "That epoch does not exist in this run: use one of its epoch numbers.")
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
        return Feedback(False, "Answer with one of the two words the exercise offers.")
    if choice == "validation":
        return Feedback(True, "Right: an overfitting model does better on what it has seen than on new data.")
    return Feedback(False, "Look at the two curves after the first few epochs: which one keeps falling?")
