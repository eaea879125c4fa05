"""Tests of the chapter 07 checkers: each accepts the right answer, rejects wrong ones without giving
the right one away, reminds about None, and refuses an answer of the wrong type.
"""

import re

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch07

# --- check_survivor_scale: Dropout(0.2) scales the kept units by 1 / 0.8 ------------------------

SCALE_RIGHT = [1.25, 5 / 4, 1 / (1 - 0.2), np.float32(1.25), np.float64(1.25), 1.2501]
SCALE_WRONG = [0.8, 0.2, 5.0, 2.0, 1.0, 1.2, 0.0, -1.25, 1.3, 1.24, 4, float("nan"), float("inf")]
SCALE_SECRETS = [r"1[.,]25", r"5\s*/\s*4", r"1\s*/\s*0?[.,]8", r"1\s*/\s*\(\s*1\s*-"]

# --- check_keras_rate: the paper keeps with p = 0.8, so Keras drops with rate 0.2 ---------------

RATE_RIGHT = [0.2, 1 - 0.8, np.float32(0.2), np.float64(0.2), 0.2001]
RATE_WRONG = [0.8, 1.25, 1.0, 1, 0, -0.2, 5.0, 0.5, 0.25, 0.21, float("nan"), float("inf")]
RATE_SECRETS = [r"0?[.,]2\b", r"1\s*-\s*(p|0?[.,]8)", r"\b20\s*%"]

CHECKERS = {
    "check_survivor_scale": (ch07.check_survivor_scale, SCALE_RIGHT, SCALE_WRONG, SCALE_SECRETS),
    "check_keras_rate": (ch07.check_keras_rate, RATE_RIGHT, RATE_WRONG, RATE_SECRETS),
}
WRONG_TYPES = ["1.25", "0.2", True, False, [1.25], np.array([0.2]), 0.2j, {"rate": 0.2}]


@pytest.mark.parametrize("name", CHECKERS)
def test_the_right_answer_is_accepted(name):
    check, right, _, _ = CHECKERS[name]
    for answer in right:
        feedback = check(answer)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is True, (answer, feedback)
        assert feedback.message


@pytest.mark.parametrize("name", CHECKERS)
def test_wrong_answers_are_rejected_with_a_hint(name):
    check, _, wrong, _ = CHECKERS[name]
    for answer in wrong:
        feedback = check(answer)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is False, (answer, feedback)
        assert feedback.message
        assert feedback != NOT_ANSWERED


@pytest.mark.parametrize("name", CHECKERS)
def test_a_wrong_answer_never_shows_the_right_one(name):
    check, _, wrong, secrets = CHECKERS[name]
    for answer in wrong:
        message = check(answer).message
        for secret in secrets:
            assert not re.search(secret, message), (answer, message)


@pytest.mark.parametrize("name", CHECKERS)
def test_none_means_not_answered(name):
    check = CHECKERS[name][0]
    assert check(None) == NOT_ANSWERED


@pytest.mark.parametrize("name", CHECKERS)
@pytest.mark.parametrize("answer", WRONG_TYPES, ids=repr)
def test_an_answer_of_the_wrong_type_raises(name, answer):
    check = CHECKERS[name][0]
    with pytest.raises(TypeError, match="answer"):
        check(answer)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (0.8, "fraction of units kept"),
        (0.2, "fraction dropped"),
        (5.0, "fraction dropped"),
        (2.0, "Dropout(0.5)"),
        (1.0, "inference"),
        (1.2, "approximation"),
        (-1.0, "positive"),
        (3.0, "batch of ones"),
    ],
)
def test_check_survivor_scale_hints(answer, hint):
    assert hint in ch07.check_survivor_scale(answer).message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (0.8, "paper's p"),
        (1.25, "scaled"),
        (1.0, "every unit"),
        (-0.2, "between 0 and 1"),
        (0.5, "kept or dropped"),
    ],
)
def test_check_keras_rate_hints(answer, hint):
    assert hint in ch07.check_keras_rate(answer).message


def test_the_scale_answer_is_what_keras_does():
    """The accepted factor is the value Keras's Dropout(0.2) gives the units it keeps."""
    outputs = keras.ops.convert_to_numpy(
        keras.layers.Dropout(ch07.SCALE_RATE, seed=0)(np.ones((50, 40), dtype="float32"), training=True)
    )
    kept = np.unique(outputs[outputs != 0])
    assert kept.size == 1
    assert ch07.check_survivor_scale(float(kept[0])).correct


def test_the_rate_answer_drops_the_fraction_the_paper_does_not_keep():
    """With the accepted rate, Keras keeps about the paper's p of the units."""
    outputs = keras.ops.convert_to_numpy(
        keras.layers.Dropout(1 - ch07.PAPER_KEEP, seed=0)(np.ones((200, 100), dtype="float32"), training=True)
    )
    assert np.mean(outputs != 0) == pytest.approx(ch07.PAPER_KEEP, abs=0.01)
