"""Tests of the chapter 04 checkers: each accepts the right answer, rejects wrong ones with a hint that
does not give the answer away, reminds about None, and refuses an answer of the wrong type.
"""

import re

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch04

# --- check_l1l2_identifier ------------------------------------------------------------------------

RIGHT_IDENTIFIERS = [
    {"class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.01}},
    {"class_name": "l1l2", "config": {"l1": 0.001, "l2": 0.01}},  # the lower-case name Keras accepts
    {"class_name": "L1L2", "config": {"l2": 0.01, "l1": 1e-3}},
    {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.01}},
    keras.regularizers.serialize(keras.regularizers.L1L2(l1=0.001, l2=0.01)),
]

WRONG_IDENTIFIERS = {
    # a string: refused, or a class with its default strengths
    "l1_l2": "refuses",
    "L1L2": "default strengths",
    "l1l2": "default strengths",
    "l2": "default strengths",
    "no such thing": "refuses",
    # dicts that Keras refuses
    "dict with a bad class name": ({"class_name": "l1_l2", "config": {"l1": 0.001, "l2": 0.01}}, "refuses"),
    "dict without a class name": ({"l1": 0.001, "l2": 0.01}, "refuses"),
    "dict with a string strength": ({"class_name": "L1L2", "config": {"l1": "0.001", "l2": 0.01}}, "refuses"),
    "dict with a negative strength": (
        {"class_name": "L1L2", "config": {"l1": -0.001, "l2": 0.01}},
        "refuses",
    ),
    "dict with an unknown argument": ({"class_name": "L1L2", "config": {"lambda": 0.01}}, "refuses"),
    # dicts Keras accepts, with the wrong class or strengths
    "only L1": ({"class_name": "L1", "config": {"l1": 0.001}}, "only an L1"),
    "only L2": ({"class_name": "L2", "config": {"l2": 0.01}}, "only an L2"),
    "both strengths missing": ({"class_name": "L1L2", "config": {}}, "Both strengths are 0"),
    "swapped": ({"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.001}}, "swapped"),
    "l2 missing": ({"class_name": "L1L2", "config": {"l1": 0.001}}, "Check each strength"),
    "ten times too large": ({"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.1}}, "Check each strength"),
    "orthogonal": ({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.01}}, "no L1 and L2"),
}


def _identifier_cases():
    for label, case in WRONG_IDENTIFIERS.items():
        if isinstance(case, str):
            yield pytest.param(label, case, id=f"string {label!r}")
        else:
            yield pytest.param(case[0], case[1], id=label)


# What the right answer looks like: its structure must never appear in a wrong answer's message.
IDENTIFIER_SECRETS = [r"L1L2", r"(?i)l1l2", r"class_name", r"\bconfig\b", r"\{"]


@pytest.mark.parametrize("answer", RIGHT_IDENTIFIERS)
def test_check_l1l2_identifier_accepts_the_right_answer(answer):
    feedback = ch04.check_l1l2_identifier(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


@pytest.mark.parametrize(("answer", "hint"), list(_identifier_cases()))
def test_check_l1l2_identifier_rejects_wrong_answers_with_a_hint(answer, hint):
    feedback = ch04.check_l1l2_identifier(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in IDENTIFIER_SECRETS:
        assert not re.search(secret, feedback.message), (answer, feedback.message)


def test_check_l1l2_identifier_does_not_echo_what_keras_says():
    # Keras's error message repeats the identifier, which may hold the right strengths.
    answer = {"class_name": "l1_l2", "config": {"l1": 0.001, "l2": 0.01}}
    message = ch04.check_l1l2_identifier(answer).message
    assert "ValueError" in message
    assert "0.001" not in message
    assert "l1_l2" not in message


def test_check_l1l2_identifier_none_means_not_answered():
    assert ch04.check_l1l2_identifier(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer",
    [
        keras.regularizers.L1L2(l1=0.001, l2=0.01),  # an object is not plain data
        keras.regularizers.L1L2,
        0.01,
        (0.001, 0.01),
        ["L1L2", 0.001, 0.01],
        True,
        b"l1_l2",
    ],
    ids=["object", "class", "float", "tuple", "list", "bool", "bytes"],
)
def test_check_l1l2_identifier_rejects_a_wrong_type(answer):
    with pytest.raises(TypeError, match="answer"):
        ch04.check_l1l2_identifier(answer)


# --- check_losses_count ---------------------------------------------------------------------------


def _exercise_model():
    """The model of the exercise, built as the notebook builds it, called on two batches."""
    first = keras.layers.Dense(
        5, kernel_regularizer="l2", bias_regularizer="l2", activity_regularizer="l1", name="first"
    )
    second = keras.layers.Dense(
        2, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.01), name="second"
    )
    model = keras.Sequential([keras.Input((6,)), first, second])
    rng = np.random.default_rng(0)
    model(rng.normal(size=(4, 6)))
    model(rng.normal(size=(7, 6)))
    return model


def test_check_losses_count_matches_what_keras_holds():
    count = len(_exercise_model().losses)
    assert ch04.check_losses_count(count).correct
    assert ch04.check_losses_count(np.int64(count)).correct


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (3, "Too few"),  # forgot the bias or the activity penalty
        (2, "Too few"),
        (0, "Too few"),
        (1, "Too few"),
        (5, "Too many"),  # L1L2 counted twice, or the activity penalty of both calls
        (6, "Too many"),
        (100, "Too many"),
        (-1, "negative"),
    ],
)
def test_check_losses_count_rejects_wrong_answers_with_a_hint(answer, hint):
    feedback = ch04.check_losses_count(answer)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    assert not re.search(r"(?i)\b(4|four)\b", feedback.message), feedback.message


def test_check_losses_count_none_means_not_answered():
    assert ch04.check_losses_count(None) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [4.0, "4", True, [4], np.float64(4.0), np.array([4])])
def test_check_losses_count_rejects_a_wrong_type(answer):
    with pytest.raises(TypeError, match="answer"):
        ch04.check_losses_count(answer)
