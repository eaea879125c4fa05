"""Checkers of the chapter 04 exercises: the Keras API."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close

#: The strengths the identifier exercise asks for.
TARGET_L1 = 0.001
TARGET_L2 = 0.01

#: Tensors in ``model.losses`` of the exercise model after two calls: the first layer's kernel, bias and
#: (latest) activity penalty, and the second layer's kernel penalty.
_LOSSES_COUNT = 4


def check_l1l2_identifier(answer: str | dict[str, Any] | None) -> Feedback:
    """Chapter 04: plain data that ``keras.regularizers.get`` turns into L1 0.001 plus L2 0.01.

    The answer must be a string or a dict (the kind of identifier a layer argument or a config file
    can hold), not a regularizer object.
    """
    if answer is None:
        return NOT_ANSWERED
    if not isinstance(answer, str | dict):
        raise TypeError(
            "answer must be a string or a dict (plain data, not a regularizer object), "
            f"got {type(answer).__name__}"
        )
    try:
        regularizer = keras.regularizers.get(answer)
    except Exception as error:  # the learner's identifier: say that Keras refused it, not why in detail
        return Feedback(
            False,
            f"keras.regularizers.get refuses this identifier ({type(error).__name__}). "
            "Try it in a cell, and compare it with the working examples of this chapter.",
        )
    if isinstance(answer, str):
        return Feedback(
            False,
            "A string only names a class, which Keras then builds with its default strengths. "
            "You need an identifier that carries the strengths too.",
        )
    if not isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2 | keras.regularizers.L1L2):
        return Feedback(
            False, f"That builds a {type(regularizer).__name__}, which has no L1 and L2 strengths."
        )
    config = regularizer.get_config()
    l1, l2 = float(config.get("l1", 0.0)), float(config.get("l2", 0.0))
    if close(l1, TARGET_L1) and close(l2, TARGET_L2):  # only L1L2 can have both strengths above 0
        return Feedback(True, "Right: a dict names the class and carries its arguments, like a saved model.")
    if isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2):
        kind = "L1" if isinstance(regularizer, keras.regularizers.L1) else "L2"
        return Feedback(False, f"That gives only an {kind} penalty. Which class holds both?")
    if l1 == 0.0 and l2 == 0.0:
        return Feedback(
            False, "Both strengths are 0: Keras used the class defaults. Did the strengths arrive?"
        )
    if close(l1, TARGET_L2) and close(l2, TARGET_L1):
        return Feedback(False, "The two strengths are swapped.")
    return Feedback(False, f"Keras built l1={l1:.3g}, l2={l2:.3g}. Check each strength against the task.")


def check_losses_count(answer: int | None) -> Feedback:
    """Chapter 04: how many tensors ``model.losses`` holds for the exercise model after two calls.

    The model: ``Dense(5)`` with ``kernel_regularizer="l2"``, ``bias_regularizer="l2"`` and
    ``activity_regularizer="l1"``, then ``Dense(2)`` with an ``L1L2`` kernel regularizer; it has
    been called on two different batches.
    """
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        raise TypeError(f"answer must be an int (a count), got {type(answer).__name__}")
    count = int(answer)
    if count == _LOSSES_COUNT:
        return Feedback(
            True, "Right: one tensor per regularized weight, plus the activity penalty of the last call."
        )
    if count < 0:
        return Feedback(False, "A count cannot be negative.")
    if count < _LOSSES_COUNT:
        return Feedback(
            False,
            "Too few. Count one tensor per regularized weight (kernels *and* biases), and remember that "
            "the model has been called on data.",
        )
    return Feedback(
        False,
        "Too many. An L1L2 regularizer gives one tensor, not two, and Keras keeps only the activity "
        "penalty of the latest call.",
    )
