"""Tests of the chapter 06 checkers: each accepts the right answer, rejects wrong ones with a hint that
does not give the answer away, reminds about None, and refuses an answer of the wrong type.
"""

import re

import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch06
from course_utils.training import Sweep, TrainingLog


def run(val_data_loss, penalty, data_loss=0.1):
    """A hand-made log whose val_loss is its validation data loss plus a constant penalty."""
    val = np.asarray(val_data_loss, dtype=np.float64)
    train = np.full(len(val), data_loss)
    penalties = np.full(len(val), penalty)
    return TrainingLog(
        loss=train + penalties,
        data_loss=train,
        val_loss=val + penalties,
        val_data_loss=val,
        penalty=penalties,
        weight_norm=np.ones(len(val)),
        accuracy=np.full(len(val), 0.9),
        val_accuracy=1 - val / 2,
    )


# Four strengths, one seed. After the last epoch the validation data loss is lowest at λ = 0.001;
# val_loss (with the penalty) and the training data loss are lowest at λ = 0; at each run's best epoch
# the validation data loss is lowest at λ = 0.01.
RIGHT = 1e-3
VAL_LOSS_BEST = 0.0
AT_BEST_BEST = 1e-2


@pytest.fixture(scope="module")
def sweep():
    logs = {
        (0.0, 0): run([0.6, 0.33, 0.5], penalty=0.0, data_loss=0.01),
        (1e-3, 0): run([0.6, 0.35, 0.3], penalty=0.3, data_loss=0.05),
        (1e-2, 0): run([0.6, 0.25, 0.4], penalty=0.6, data_loss=0.2),
        (1e-1, 0): run([0.9, 0.85, 0.8], penalty=1.5, data_loss=0.6),
    }
    return Sweep(strengths=(0.0, 1e-3, 1e-2, 1e-1), seeds=(0,), logs=logs)


@pytest.fixture(scope="module")
def two_seed_sweep():
    """Seed 0 alone would pick λ = 0.1; the mean over both seeds picks λ = 1."""
    logs = {
        (0.1, 0): run([0.2], penalty=0.1),
        (0.1, 1): run([0.8], penalty=0.1),
        (1.0, 0): run([0.3], penalty=1.0),
        (1.0, 1): run([0.4], penalty=1.0),
    }
    return Sweep(strengths=(0.1, 1.0), seeds=(0, 1), logs=logs)


def test_the_hand_made_sweep_is_what_the_tests_assume(sweep):
    assert sweep.best_strength("val_data_loss") == RIGHT
    assert sweep.best_strength("val_loss") == VAL_LOSS_BEST
    assert sweep.best_strength("data_loss") == VAL_LOSS_BEST
    assert sweep.best_strength("val_data_loss", at="best") == AT_BEST_BEST


# --- check_best_strength --------------------------------------------------------------------------

STRENGTH_SECRETS = [r"0[.,]001\b", r"1e-0?3\b", r"\b1\s*/\s*1000\b"]


@pytest.mark.parametrize("answer", [RIGHT, 0.001, np.float32(1e-3), np.float64(1e-3), 0.0010001])
def test_check_best_strength_accepts_the_right_strength(sweep, answer):
    feedback = ch06.check_best_strength(answer, sweep)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (VAL_LOSS_BEST, "val_loss"),
        (0, "val_loss"),
        (AT_BEST_BEST, "at='best'"),
        (1e-1, "sweep.values"),
        (3e-3, "not one of the strengths"),
        (1.0, "not one of the strengths"),
        (-1e-3, "not one of the strengths"),
        (0.0011, "not one of the strengths"),
        (float("nan"), "not one of the strengths"),
        (float("inf"), "not one of the strengths"),
    ],
)
def test_check_best_strength_rejects_wrong_strengths_with_a_hint(sweep, answer, hint):
    feedback = ch06.check_best_strength(answer, sweep)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in STRENGTH_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_best_strength_hints_at_the_training_loss_when_it_differs_from_val_loss():
    logs = {
        (0.0, 0): run([0.5], penalty=0.0, data_loss=0.3),  # lowest val_loss
        (0.1, 0): run([0.2], penalty=0.4, data_loss=0.2),  # lowest validation data loss: the answer
        (1.0, 0): run([0.7], penalty=0.0, data_loss=0.1),  # lowest training data loss
    }
    result = Sweep(strengths=(0.0, 0.1, 1.0), seeds=(0,), logs=logs)
    assert ch06.check_best_strength(0.1, result).correct
    message = ch06.check_best_strength(1.0, result).message
    assert "*training*" in message
    assert "0.1" not in message


def test_check_best_strength_compares_the_mean_over_seeds(two_seed_sweep):
    assert ch06.check_best_strength(1.0, two_seed_sweep).correct
    assert not ch06.check_best_strength(0.1, two_seed_sweep).correct


def test_check_best_strength_follows_the_sweep_it_is_given(sweep, two_seed_sweep):
    assert not ch06.check_best_strength(RIGHT, two_seed_sweep).correct
    assert not ch06.check_best_strength(1.0, sweep).correct


def test_check_best_strength_none_means_not_answered(sweep):
    assert ch06.check_best_strength(None, sweep) == NOT_ANSWERED


@pytest.mark.parametrize("answer", ["0.001", "1e-3", True, [1e-3], np.array([1e-3]), 1e-3j])
def test_check_best_strength_refuses_an_answer_of_the_wrong_type(sweep, answer):
    with pytest.raises(TypeError, match="answer"):
        ch06.check_best_strength(answer, sweep)


@pytest.mark.parametrize("result", [None, {"val_data_loss": [0.3]}, [1e-3], "sweep"])
def test_check_best_strength_refuses_a_result_that_is_not_a_sweep(result):
    with pytest.raises(TypeError, match="result"):
        ch06.check_best_strength(1e-3, result)


# --- check_penalty_in -----------------------------------------------------------------------------

PENALTY_SECRETS = [r"(?i)\bloss\b", r"(?i)val_loss", r"(?i)evaluate"]


@pytest.mark.parametrize(
    "answer",
    [
        {"loss", "val_loss", "evaluate"},
        frozenset({"loss", "val_loss", "evaluate"}),
        ["evaluate", "loss", "val_loss"],
        ("Loss", " VAL_LOSS ", "evaluate\n"),
        ["loss", "loss", "val_loss", "evaluate"],
    ],
)
def test_check_penalty_in_accepts_the_right_set(answer):
    feedback = ch06.check_penalty_in(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ({"loss", "val_loss", "evaluate", "predict"}, "1 of your choices has no penalty in it"),
        ({"loss", "val_loss"}, "1 that contains it is missing"),
        ({"loss"}, "2 that contain it are missing"),
        ({"predict"}, "1 of your choices has no penalty in it and 3 that contain it are missing"),
        ({"predict", "evaluate"}, "1 of your choices has no penalty in it and 2 that contain it are missing"),
        (set(), "3 that contain it are missing"),
        ([], "3 that contain it are missing"),
        ({"loss", "val_loss", "evaluate", "fit"}, "not among the four"),
        ({"val_data_loss"}, "not among the four"),
        ({"val loss", "loss", "evaluate"}, "not among the four"),
    ],
)
def test_check_penalty_in_rejects_wrong_sets_with_a_hint(answer, hint):
    feedback = ch06.check_penalty_in(answer)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in PENALTY_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_penalty_in_none_means_not_answered():
    assert ch06.check_penalty_in(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer",
    ["loss", "loss, val_loss, evaluate", 3, True, {"loss": True}, ["loss", 1], [None], {b"loss"}],
)
def test_check_penalty_in_refuses_an_answer_of_the_wrong_type(answer):
    with pytest.raises(TypeError, match="answer"):
        ch06.check_penalty_in(answer)


def test_the_four_names_are_the_ones_the_exercise_uses():
    assert {"loss", "val_loss", "evaluate", "predict"} == ch06.QUANTITIES
