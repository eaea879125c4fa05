"""Tests of course_utils.exercises: every checker accepts the right answer, rejects wrong ones
without giving the right answer away, reminds about None, and refuses a wrong type.
"""

import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils import exercises
from course_utils.exercises import NOT_ANSWERED, Feedback, ch02
from course_utils.training import TrainingLog


@pytest.fixture(scope="module")
def overfit_log():
    """Validation data loss lowest at epoch 4 of 7; the training loss keeps falling to epoch 7."""
    val = np.array([1.0, 0.8, 0.6, 0.5, 0.55, 0.7, 0.9])
    train = np.array([1.2, 0.9, 0.7, 0.5, 0.4, 0.3, 0.2])
    zeros = np.zeros(7)
    return TrainingLog(train, train, val, val, zeros, zeros)


BEST_EPOCH = 4


# --- answers for chapter 02's function exercise ---------------------------------------------------


def right_l1l2(w, l1, l2):
    return l1 * np.sum(np.abs(w)) + l2 * np.sum(np.square(w))


def right_l1l2_with_keras(w, l1, l2):
    return keras.regularizers.L1L2(l1=l1, l2=l2)(w)  # a 0-d tensor, float() accepts it


class RightL1L2InFloat64:
    """A callable object rather than a function, summing in float64."""

    def __call__(self, w, l1, l2):
        w = np.asarray(w, dtype=np.float64)
        return float(l1 * np.abs(w).sum() + l2 * (w**2).sum())


def half_l2(w, l1, l2):
    return l1 * np.sum(np.abs(w)) + 0.5 * l2 * np.sum(np.square(w))


def no_abs(w, l1, l2):
    return l1 * np.sum(w) + l2 * np.sum(np.square(w))


def norm_not_squared(w, l1, l2):
    return l1 * np.sum(np.abs(w)) + l2 * np.sqrt(np.sum(np.square(w)))


def l2_only(w, l1, l2):
    return l2 * np.sum(np.square(w))


def always_zero(w, l1, l2):
    return 0.0


def raises(w, l1, l2):
    return 1 / 0


def returns_none(w, l1, l2):
    return None


# --- one table of cases per checker of chapters 01-02 (later chapters: test_exercises_chNN.py) ---


@dataclass
class Case:
    """How to call a checker, its right and wrong answers, and what a wrong message must not show."""

    call: object  # (answer, overfit_log) -> Feedback
    right: list
    wrong: list
    wrong_type: list
    secrets: list = field(default_factory=list)  # regexes that must not match a wrong answer's message


# Chapter 01's checkers are tested in test_exercises_ch01.py.
CH01_CASES: dict[str, Case] = {}


# Chapter 02's checkers.
CH02_CASES = {
    "ch02.check_l1l2_function": Case(
        call=lambda answer, log: ch02.check_l1l2_function(answer),
        right=[right_l1l2, right_l1l2_with_keras, RightL1L2InFloat64()],
        wrong=[half_l2, no_abs, norm_not_squared, l2_only, always_zero, raises, returns_none],
        wrong_type=[0.5, "l1 * sum(|w|) + l2 * sum(w**2)", [right_l1l2]],
    ),
    "ch02.check_lambda_for_target": Case(
        call=lambda answer, log: ch02.check_lambda_for_target(answer),
        right=[0.04, 1 / 25, np.float32(0.04), np.float64(0.04)],
        wrong=[0.2, 0.08, -0.04, 1.0, 0, 25, 0.4, 0.004, float("nan"), float("inf")],
        wrong_type=["0.04", "1/25", True, [0.04], np.array([0.04]), 0.04j],
        secrets=[r"0[.,]04\b", r"1\s*/\s*25", r"\b25\b", r"4e-0?2"],
    ),
}


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


# --- chapter 02 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "hint"),
    [
        (half_l2, "1/2"),
        (no_abs, "cancel"),
        (norm_not_squared, "squared norm"),
        (raises, "raised ZeroDivisionError"),
        (returns_none, "raised TypeError"),
        (always_zero, "Wrong value"),
    ],
)
def test_check_l1l2_function_hints(function, hint):
    feedback = ch02.check_l1l2_function(function)
    assert not feedback.correct
    assert hint in feedback.message


@pytest.mark.parametrize("function", [half_l2, no_abs, norm_not_squared, l2_only, always_zero, raises])
def test_check_l1l2_function_never_shows_the_expected_values(function):
    calls = []

    def recording(w, l1, l2):
        calls.append((np.array(w), l1, l2))
        return function(w, l1, l2)

    message = ch02.check_l1l2_function(recording).message
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", message)]
    assert calls
    for w, l1, l2 in calls:
        expected = right_l1l2(w, l1, l2)
        assert not any(np.isclose(n, expected, rtol=1e-2) for n in numbers), (expected, message)


def test_check_l1l2_function_passes_float32_arrays_and_the_strengths():
    calls = []

    def recording(w, l1, l2):
        calls.append((w, l1, l2))
        return right_l1l2(w, l1, l2)

    assert ch02.check_l1l2_function(recording).correct
    assert len(calls) == 3
    assert all(isinstance(w, np.ndarray) and w.dtype == np.float32 for w, _, _ in calls)
    assert {l1 > 0 for _, l1, _ in calls} == {True, False}  # L1 alone and L2 alone are both tested
    assert {l2 > 0 for _, _, l2 in calls} == {True, False}


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(0.2, "length"), (0.08, "1/2"), (-0.04, "negative"), (1.0, "Not quite"), (float("nan"), "Not quite")],
)
def test_check_lambda_for_target_hints(answer, hint):
    assert hint in ch02.check_lambda_for_target(answer).message


def test_check_lambda_for_target_tolerates_rounding():
    assert ch02.check_lambda_for_target(0.04001).correct
    assert not ch02.check_lambda_for_target(0.041).correct
