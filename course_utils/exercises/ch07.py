"""Checkers of the chapter 07 exercises: dropout."""

from __future__ import annotations

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number

#: The rate of the layer in the scaling exercise.
SCALE_RATE = 0.2
#: The paper's keep probability in the rate exercise.
PAPER_KEEP = 0.8


def check_survivor_scale(answer: float | None) -> Feedback:
    """Chapter 07: the factor by which ``keras.layers.Dropout(0.2)`` scales the units it keeps in training."""
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    if close(value, 1 / (1 - SCALE_RATE)):
        return Feedback(True, "Right: the kept units are scaled up so that the expected sum stays the same.")
    if close(value, 1 - SCALE_RATE):
        return Feedback(False, "That is the fraction of units kept. Does a kept unit get smaller, or larger?")
    if close(value, SCALE_RATE):
        return Feedback(
            False, "That is the rate, the fraction dropped. Kept units are scaled, not set to it."
        )
    if close(value, 1 / SCALE_RATE):
        return Feedback(False, "That divides by the fraction dropped. Divide by the fraction kept instead.")
    if close(value, 2.0):
        return Feedback(False, "That is the factor of Dropout(0.5). Here the layer drops fewer units.")
    if close(value, 1.0):
        return Feedback(
            False, "In training Keras does scale the kept units; only at inference is the layer a no-op."
        )
    if close(value, 1 + SCALE_RATE):
        return Feedback(
            False, "Close, but 1 + rate is only an approximation. What keeps the expected sum equal?"
        )
    if not value > 0:
        return Feedback(False, "A kept unit keeps its sign: the factor is a positive number.")
    return Feedback(
        False,
        "Not quite. Call keras.layers.Dropout(0.2) on a batch of ones with training=True "
        "and look at the values that are not 0.",
    )


def check_keras_rate(answer: float | None) -> Feedback:
    """Chapter 07: the Keras ``rate`` that keeps each unit with probability p = 0.8, as in the paper."""
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    if close(value, 1 - PAPER_KEEP):
        return Feedback(
            True, "Right: Keras's rate is the probability of dropping a unit, the paper's p of keeping it."
        )
    if close(value, PAPER_KEEP):
        return Feedback(
            False, "That is the paper's p, the probability of keeping a unit. Keras's rate is the other one."
        )
    if close(value, 1 / PAPER_KEEP):
        return Feedback(False, "That is the factor the kept units are scaled by in training, not the rate.")
    if close(value, 1.0):
        return Feedback(False, "A rate of 1 drops every unit: nothing would reach the next layer.")
    if not 0 <= value < 1:
        return Feedback(False, "The rate is a probability of dropping a unit, so it lies between 0 and 1.")
    return Feedback(False, "Not quite. Each unit is either kept or dropped: how likely is it to be dropped?")
