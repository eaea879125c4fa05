"""Tests of the chapter 07 checkers: each accepts the right answer, rejects wrong ones without giving
the right one away, reminds about None, and refuses an answer of the wrong type.

check_paper_rate reads what the learner trained (the Dropout rates of the models, the logged
validation losses), so its tests build models and Histories as fit would leave them.
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

CHECKERS = {
    "check_survivor_scale": (ch07.check_survivor_scale, SCALE_RIGHT, SCALE_WRONG, SCALE_SECRETS),
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


def test_the_scale_answer_is_what_keras_does():
    """The accepted factor is the value Keras's Dropout(0.2) gives the units it keeps."""
    outputs = keras.ops.convert_to_numpy(
        keras.layers.Dropout(ch07.SCALE_RATE, seed=0)(np.ones((50, 40), dtype="float32"), training=True)
    )
    kept = np.unique(outputs[outputs != 0])
    assert kept.size == 1
    assert ch07.check_survivor_scale(float(kept[0])).correct


# --- check_paper_rate: rate=0.8 pasted from a paper underfits; the paper's p = 0.8 is rate 0.2 ----


def run(rate, data_loss, epochs=5, val=True):
    """A History as fit leaves it: its model (with two Dropout layers) and its logged losses."""
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dropout(rate),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dropout(rate),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    history = keras.callbacks.History()
    history.set_model(model)
    logged = {"loss": [data_loss] * epochs, "data_loss": [data_loss] * epochs}
    if val:
        logged["val_data_loss"] = [data_loss + 0.1] * epochs
    history.history = logged
    return history


@pytest.fixture(scope="module")
def reference():
    return [run(0.5, 0.1) for _ in range(3)]


@pytest.fixture(scope="module")
def pasted():
    return [run(0.8, 1.5) for _ in range(3)]


PAPER_RATE_RIGHT = [0.2, 1 - 0.8, np.float32(0.2), 0.2001]
PAPER_RATE_WRONG = [
    (0.8, "pasted"),
    (1.25, "scaled"),
    (1.0, "every unit"),
    (-0.2, "between 0 and 1"),
    (5.0, "between 0 and 1"),
    (0.5, "kept or dropped"),
    (0.25, "kept or dropped"),
]
PAPER_RATE_SECRETS = [r"0?[.,]2\b", r"1\s*-\s*(p|0?[.,]8)", r"\b20\s*%"]


def test_check_paper_rate_accepts_the_experiment_and_the_right_rate(pasted, reference):
    for answer in PAPER_RATE_RIGHT:
        feedback = ch07.check_paper_rate(pasted, answer, reference)
        assert feedback.correct is True, (answer, feedback)
        assert "1.600" in feedback.message  # the best validation loss of the pasted runs


@pytest.mark.parametrize(("answer", "hint"), PAPER_RATE_WRONG)
def test_check_paper_rate_rejects_a_wrong_rate_without_giving_it(pasted, reference, answer, hint):
    feedback = ch07.check_paper_rate(pasted, answer, reference)
    assert feedback.correct is False
    assert hint in feedback.message
    for secret in PAPER_RATE_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


@pytest.mark.parametrize(
    ("runs", "hint"),
    [
        (lambda: [run(0.8, 1.5) for _ in range(2)], "at least 3 seeds"),
        (lambda: [run(0.2, 1.5) for _ in range(3)], "as it is"),
        (lambda: [run(0.5, 1.5) for _ in range(3)], "number itself"),
        (lambda: [run(0.8, 1.5), run(0.8, 1.5), run(0.5, 1.5)], "number itself"),
        (lambda: [run(0.8, 1.5, val=False) for _ in range(3)], "validation data"),
        (lambda: [run(0.8, 1.5, epochs=3) for _ in range(3)], "as many epochs"),
        (lambda: [run(0.8, 0.05) for _ in range(3)], "trained on"),
    ],
    ids=["two-seeds", "converted", "other-rate", "mixed", "no-validation", "short", "not-underfit"],
)
def test_check_paper_rate_rejects_an_experiment_that_is_not_the_one_asked(runs, hint, reference):
    feedback = ch07.check_paper_rate(runs(), 0.2, reference)
    assert feedback.correct is False
    assert hint in feedback.message, feedback.message


def test_check_paper_rate_needs_models_with_dropout(reference):
    plain = []
    for _ in range(3):
        history = keras.callbacks.History()
        history.set_model(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))
        history.history = {"data_loss": [1.0], "val_data_loss": [1.0]}
        plain.append(history)
    assert "no Dropout" in ch07.check_paper_rate(plain, 0.2, reference).message


def test_check_paper_rate_none_means_not_answered(pasted, reference):
    assert ch07.check_paper_rate(None, 0.2, reference) == NOT_ANSWERED
    assert ch07.check_paper_rate(pasted, None, reference) == NOT_ANSWERED


@pytest.mark.parametrize(
    ("pasted_arg", "rate", "match"),
    [
        ("not runs", 0.2, "pasted"),
        (lambda: run(0.8, 1.5), 0.2, "pasted"),  # one History, not a list
        (lambda: [], 0.2, "pasted"),
        (lambda: [1, 2, 3], 0.2, "pasted"),
        (lambda: [keras.callbacks.History()] * 3, 0.2, "pasted"),  # no model
        (lambda: [run(0.8, 1.5) for _ in range(3)], "0.2", "answer"),
        (lambda: [run(0.8, 1.5) for _ in range(3)], True, "answer"),
    ],
    ids=["string", "one-history", "empty", "numbers", "no-model", "rate-string", "rate-bool"],
)
def test_check_paper_rate_refuses_input_of_the_wrong_kind(pasted_arg, rate, match, reference):
    value = pasted_arg() if callable(pasted_arg) else pasted_arg
    with pytest.raises((TypeError, ValueError), match=match):
        ch07.check_paper_rate(value, rate, reference)


def test_check_paper_rate_refuses_a_bad_reference(pasted):
    with pytest.raises(TypeError, match="reference"):
        ch07.check_paper_rate(pasted, 0.2, "runs")
