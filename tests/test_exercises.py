"""Tests of course_utils.exercises: every checker accepts the right answer, rejects wrong ones
without giving the right answer away, reminds about None, and refuses a wrong type.
"""

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from course_utils import exercises
from course_utils.exercises import NOT_ANSWERED, Feedback, ch01
from course_utils.training import TrainingLog


@pytest.fixture(scope="module")
def overfit_log():
    """Validation data loss lowest at epoch 4 of 7; the training loss keeps falling to epoch 7."""
    val = np.array([1.0, 0.8, 0.6, 0.5, 0.55, 0.7, 0.9])
    train = np.array([1.2, 0.9, 0.7, 0.5, 0.4, 0.3, 0.2])
    zeros = np.zeros(7)
    return TrainingLog(train, train, val, val, zeros, zeros)


BEST_EPOCH = 4


# --- one table of cases per checker of chapters 01-02 (later chapters: test_exercises_chNN.py) ---


@dataclass
class Case:
    """How to call a checker, its right and wrong answers, and what a wrong message must not show."""

    call: object  # (answer, overfit_log) -> Feedback
    right: list
    wrong: list
    wrong_type: list
    secrets: list = field(default_factory=list)  # regexes that must not match a wrong answer's message


# Chapter 01's checkers.
CH01_CASES = {
    "ch01.check_best_epoch": Case(
        call=lambda answer, log: ch01.check_best_epoch(answer, log),
        right=[BEST_EPOCH, np.int64(BEST_EPOCH)],
        wrong=[3, 5, 7, 1, 2, 6, 0, 8, -1, 100],
        wrong_type=[4.0, "4", True, [4], np.float64(4.0)],
        secrets=[rf"\b{BEST_EPOCH}\b"],
    ),
    "ch01.check_gap_sign": Case(
        call=lambda answer, log: ch01.check_gap_sign(answer),
        right=["validation", "Validation", "  VALIDATION\n"],
        wrong=["training", " Training "],
        wrong_type=[1, True, ["validation"], b"validation"],
        secrets=[r"(?i)validation"],
    ),
}


# Chapter 02's checkers.
# Chapter 02's checkers are tested in test_exercises_ch02.py.
CH02_CASES: dict = {}


CASES = CH01_CASES | CH02_CASES
checker_ids = list(CASES)


def all_checkers():
    """Every public check_* function of the chapter modules, as 'chNN.check_name'."""
    chapters = [name for name in exercises.__all__ if re.fullmatch(r"ch\d\d", name)]
    return {
        f"{chapter}.{name}"
        for chapter in chapters
        for name, function in inspect.getmembers(getattr(exercises, chapter), inspect.isfunction)
        if name.startswith("check_") and function.__module__ == getattr(exercises, chapter).__name__
    }


def test_every_checker_is_tested():
    """A checker is tested here (a Case above) or in a test module of its own that calls it."""
    others = " ".join(
        path.read_text()
        for path in Path(__file__).parent.glob("test_*.py")
        if path.name != Path(__file__).name
    )
    untested = {
        name for name in all_checkers() - set(CASES) if not re.search(rf"\b{name.split('.')[1]}\b", others)
    }
    assert not untested, f"these checkers have no tests: {sorted(untested)}"


@pytest.mark.parametrize("checker", checker_ids)
def test_the_right_answer_is_accepted(checker, overfit_log):
    case = CASES[checker]
    for answer in case.right:
        feedback = case.call(answer, overfit_log)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is True, (answer, feedback)
        assert feedback.message


@pytest.mark.parametrize("checker", checker_ids)
def test_wrong_answers_are_rejected_with_a_hint(checker, overfit_log):
    case = CASES[checker]
    assert len(case.wrong) >= 2
    for answer in case.wrong:
        feedback = case.call(answer, overfit_log)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is False, (answer, feedback)
        assert feedback.message and feedback != NOT_ANSWERED


@pytest.mark.parametrize("checker", [c for c in checker_ids if CASES[c].secrets])
def test_a_wrong_answer_never_shows_the_right_one(checker, overfit_log):
    case = CASES[checker]
    for answer in case.wrong:
        message = case.call(answer, overfit_log).message
        for secret in case.secrets:
            assert not re.search(secret, message), (answer, message)


@pytest.mark.parametrize("checker", checker_ids)
def test_none_means_not_answered(checker, overfit_log):
    feedback = CASES[checker].call(None, overfit_log)
    assert feedback == NOT_ANSWERED
    assert feedback.correct is False
    assert "Not answered" in feedback.message


@pytest.mark.parametrize("checker", checker_ids)
def test_an_answer_of_the_wrong_type_raises(checker, overfit_log):
    case = CASES[checker]
    for answer in case.wrong_type:
        with pytest.raises(TypeError, match="answer"):
            case.call(answer, overfit_log)


# --- the Feedback itself --------------------------------------------------------------------------


def test_feedback_shows_as_one_marked_line():
    assert repr(Feedback(True, "Right.")) == "✓ Right."
    assert str(Feedback(False, "Not quite.")) == "✗ Not quite."
    assert "\n" not in repr(NOT_ANSWERED)


def test_feedback_is_immutable():
    with pytest.raises(AttributeError):
        NOT_ANSWERED.correct = True


# --- chapter 01 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (BEST_EPOCH - 1, "counted from 1"),  # the 0-based index of the best epoch
        (7, "training"),  # where the training loss is lowest
        (0, "does not exist"),
        (8, "does not exist"),
        (2, "np.argmin"),
    ],
)
def test_check_best_epoch_hints(overfit_log, answer, hint):
    assert hint in ch01.check_best_epoch(answer, overfit_log).message


def test_check_best_epoch_follows_the_log(make_log):
    log = make_log([0.9, 0.3, 0.5])
    assert ch01.check_best_epoch(2, log).correct
    assert not ch01.check_best_epoch(BEST_EPOCH, log).correct


@pytest.mark.parametrize("log", [None, {"val_data_loss": [1.0, 0.5]}, np.array([1.0, 0.5])])
def test_check_best_epoch_rejects_a_log_that_is_not_a_training_log(log):
    with pytest.raises(TypeError, match="log"):
        ch01.check_best_epoch(2, log)


@pytest.mark.parametrize(
    ("val", "best"),
    [([0.9, 0.7, 0.6, 0.5, 0.4], 5), ([0.3, 0.5, 0.7, 0.9, 1.2], 1)],
    ids=["best-is-last", "best-is-first"],
)
def test_the_out_of_range_hint_never_shows_the_best_epoch(make_log, val, best):
    log = make_log(val, train=[1.0, 0.8, 0.6, 0.4, 0.2])
    assert log.best_epoch() == best
    for answer in (0, 6, -3):
        message = ch01.check_best_epoch(answer, log).message
        assert not re.search(rf"\b{best}\b", message), message


@pytest.mark.parametrize("answer", ["both", "", "the validation loss"])
def test_check_gap_sign_other_words_never_show_the_answer(answer):
    feedback = ch01.check_gap_sign(answer)
    assert not feedback.correct
    assert "validation" not in feedback.message.lower()
