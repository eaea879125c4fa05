"""Tests of the chapter 03 checkers: right answers pass, wrong ones get a hint that never gives the
answer away, None means "not answered", and a wrong type or bad argument raises naming it.
"""

import re

import keras
import numpy as np
import pytest

from course_utils import data
from course_utils.exercises import NOT_ANSWERED, Feedback, ch03
from course_utils.models import build_mlp

# --- check_kept_inputs ----------------------------------------------------------------------------

KERNEL = np.array([[2.0], [0.5], [0.005], [-0.3], [0.0]], dtype=np.float32)
KEPT = 3  # |w| above 0.1: inputs 0, 1 and 3


@pytest.fixture(scope="module")
def linear():
    """A linear model over 5 inputs with known weights: 3 of them above 0.1 in size."""
    model = build_mlp(5, 1, hidden=(), output_activation="linear", seed=0)
    model.set_weights([KERNEL, np.zeros(1, dtype=np.float32)])
    return model


@pytest.mark.parametrize("answer", [KEPT, np.int64(KEPT), np.int32(KEPT)])
def test_check_kept_inputs_accepts_the_count(linear, answer):
    feedback = ch03.check_kept_inputs(answer, linear, 0.1)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True
    assert feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (5 - KEPT, "drops"),  # counted the inputs below the threshold
        (5, "every input"),  # counted every input, whatever its weight
        (-1, "between 0"),
        (6, "between 0"),
        (1, "Not quite"),
        (4, "Not quite"),
        (0, "Not quite"),
    ],
)
def test_check_kept_inputs_rejects_wrong_counts_with_a_hint(linear, answer, hint):
    feedback = ch03.check_kept_inputs(answer, linear, 0.1)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message


@pytest.mark.parametrize("answer", [5 - KEPT, 5, -1, 6, 1, 4, 0, 100])
def test_check_kept_inputs_never_shows_the_count(linear, answer):
    message = ch03.check_kept_inputs(answer, linear, 0.1).message
    assert not re.search(rf"\b{KEPT}\b", message), message


def test_check_kept_inputs_follows_the_threshold(linear):
    assert ch03.check_kept_inputs(4, linear, 0.001).correct  # 0.005 is above 0.001 now
    assert ch03.check_kept_inputs(1, linear, 1.0).correct
    assert ch03.check_kept_inputs(5 - 1, linear, 0.0).correct  # the exact zero is never kept
    assert not ch03.check_kept_inputs(KEPT, linear, 0.001).correct


def test_check_kept_inputs_counts_inputs_not_weights_in_an_mlp():
    model = build_mlp(3, 1, hidden=(2,), output_activation="linear", seed=0)
    hidden = np.array([[0.0, 0.0], [0.05, 0.05], [1.0, 0.0]], dtype=np.float32)  # norms 0, 0.0707, 1
    model.get_layer("hidden_1").kernel.assign(hidden)
    assert ch03.check_kept_inputs(2, model, 0.06).correct
    assert ch03.check_kept_inputs(1, model, 0.08).correct


def test_check_kept_inputs_none_means_not_answered(linear):
    assert ch03.check_kept_inputs(None, linear, 0.1) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [3.0, "3", True, [3], np.float64(3.0), np.array([3])])
def test_check_kept_inputs_rejects_an_answer_of_the_wrong_type(linear, answer):
    with pytest.raises(TypeError, match="answer"):
        ch03.check_kept_inputs(answer, linear, 0.1)


@pytest.mark.parametrize(
    ("model", "threshold", "error", "name"),
    [
        (None, 0.1, TypeError, "model"),
        ("model", 0.1, TypeError, "model"),
        ("linear", -0.1, ValueError, "threshold"),
        ("linear", float("nan"), ValueError, "threshold"),
        ("linear", "0.1", TypeError, "threshold"),
    ],
)
def test_check_kept_inputs_rejects_bad_arguments(linear, model, threshold, error, name):
    model = linear if model == "linear" else model
    with pytest.raises(error, match=name):
        ch03.check_kept_inputs(KEPT, model, threshold)


def test_check_kept_inputs_rejects_an_unbuilt_model():
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="model"):
        ch03.check_kept_inputs(1, unbuilt, 0.1)


# --- check_informative_inputs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def problem():
    """10 inputs, 3 of them informative, in a shuffled order."""
    return data.shuffle_inputs(
        data.make_sparse_regression(n_samples=20, n_informative=3, n_irrelevant=7, seed=0), seed=3
    )


@pytest.fixture(scope="module")
def truth(problem):
    found = [int(i) for i in np.flatnonzero(problem.informative)]
    assert found != [0, 1, 2], "the shuffle should hide the informative inputs"
    return found


def test_check_informative_inputs_accepts_the_indices_in_any_form(problem, truth):
    for answer in [
        truth,
        tuple(truth),
        set(truth),
        list(reversed(truth)),
        np.array(truth),
        truth + truth[:1],
    ]:
        feedback = ch03.check_informative_inputs(answer, problem)
        assert feedback.correct is True, answer
        assert feedback.message


def wrong_answers(truth):
    irrelevant = next(i for i in range(10) if i not in truth)
    return {
        "one-based": ([i + 1 for i in truth], "from 0"),
        "superset": ([*truth, irrelevant], "irrelevant"),
        "subset": (truth[:2], "missing"),
        "out of range": ([*truth[:2], 10], "do not exist"),
        "negative": ([-1, *truth[:2]], "do not exist"),
        "disjoint": ([i for i in range(10) if i not in truth][:3], "Not quite"),
        "empty": ([], "missing"),
    }


def test_check_informative_inputs_rejects_wrong_sets_with_a_hint(problem, truth):
    for label, (answer, hint) in wrong_answers(truth).items():
        if label == "one-based" and max(answer) >= 10:
            continue  # an informative last input makes this an out-of-range answer instead
        feedback = ch03.check_informative_inputs(answer, problem)
        assert feedback.correct is False, label
        assert feedback != NOT_ANSWERED
        assert hint in feedback.message, (label, feedback.message)


def test_check_informative_inputs_never_shows_an_index(problem, truth):
    for answer, _ in wrong_answers(truth).values():
        message = ch03.check_informative_inputs(answer, problem).message
        for index in truth:
            assert not re.search(rf"\b{index}\b", message), message


def test_check_informative_inputs_none_means_not_answered(problem):
    assert ch03.check_informative_inputs(None, problem) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [3, "0, 1, 2", b"\x00\x01", [0.0, 1.0, 2.0], [True, False], [[0, 1], 2]])
def test_check_informative_inputs_rejects_an_answer_of_the_wrong_type(problem, answer):
    with pytest.raises(TypeError, match="answer"):
        ch03.check_informative_inputs(answer, problem)


@pytest.mark.parametrize("bad", [None, np.array([True, False]), "problem"])
def test_check_informative_inputs_rejects_a_problem_that_is_not_a_sparse_problem(bad):
    with pytest.raises(TypeError, match="problem"):
        ch03.check_informative_inputs([0], bad)
