"""Checkers of the chapter 03 exercises: L1 versus L2."""

from __future__ import annotations

from collections.abc import Collection

import keras
import numpy as np

from course_utils._validation import built_model, non_negative_float
from course_utils.data import SparseProblem
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback
from course_utils.weights import input_importance, selected_inputs


def check_kept_inputs(answer: int | None, model: keras.Model, threshold: float) -> Feedback:
    """Chapter 03: how many inputs ``model`` keeps, i.e. whose importance is above ``threshold``.

    The importance of an input is the norm of its weights in the first layer
    (``weights.input_importance``), as in the chapter.
    """
    built_model(model, "model")
    limit = non_negative_float(threshold, "threshold")
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        raise TypeError(f"answer must be an int (a number of inputs), got {type(answer).__name__}")
    importance = input_importance(model)
    kept = len(selected_inputs(importance, limit))
    n_inputs = importance.size
    if answer == kept:
        return Feedback(True, "Right: every other input's weight is at or below the threshold.")
    if not 0 <= answer <= n_inputs:
        return Feedback(False, "The answer is a count of inputs: between 0 and the model's number of inputs.")
    if answer == n_inputs - kept:
        return Feedback(False, "That counts the inputs the model drops. How many does it keep?")
    if answer == n_inputs:
        return Feedback(
            False, "That is every input. Count only those whose importance is above the threshold."
        )
    return Feedback(
        False, "Not quite. Compute weights.input_importance(model) and count the values above the threshold."
    )


def check_informative_inputs(answer: Collection[int] | None, problem: SparseProblem) -> Feedback:
    """Chapter 03: the indices (counted from 0) of the inputs that really affect ``problem``'s target."""
    if not isinstance(problem, SparseProblem):
        raise TypeError(f"problem must be a course_utils.data.SparseProblem, got {type(problem).__name__}")
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, str | bytes) or not isinstance(answer, Collection):
        raise TypeError(f"answer must be a collection of input indices, got {type(answer).__name__}")
    items = list(np.asarray(answer).ravel()) if isinstance(answer, np.ndarray) else list(answer)
    if any(isinstance(item, bool) or not isinstance(item, int | np.integer) for item in items):
        raise TypeError("answer must hold integer input indices")
    chosen = {int(item) for item in items}
    truth = {int(index) for index in np.flatnonzero(problem.informative)}
    if chosen == truth:
        return Feedback(True, "Right: these are the inputs with a non-zero true weight.")
    n_inputs = problem.informative.size
    if any(not 0 <= index < n_inputs for index in chosen):
        return Feedback(False, f"Some of those inputs do not exist: there are {n_inputs}, counted from zero.")
    if {index - 1 for index in chosen} == truth:
        return Feedback(False, "Close: Python counts inputs from 0, not from 1.")
    if chosen > truth:
        return Feedback(False, "All the informative inputs are there, but so are some irrelevant ones.")
    if chosen < truth:
        return Feedback(
            False, "Every input you list is informative, but some informative inputs are missing."
        )
    return Feedback(False, "Not quite. Which inputs keep a large weight in the L1 model?")
