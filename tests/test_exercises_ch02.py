"""Tests of the chapter 02 checkers: right answers pass, wrong ones (near misses among them) get a
hint that never gives the answer away, None means "not answered", and an answer of the wrong type
raises naming ``answer``.
"""

import math
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from scipy.optimize import minimize_scalar

from course_utils.exercises import NOT_ANSWERED, Feedback, ch02

# --- check_l1l2_function: the warm-up ---------------------------------------------------------------


def right_l1l2(w, l1, l2):
    return l1 * np.sum(np.abs(w)) + l2 * np.sum(np.square(w))


def right_l1l2_with_keras(w, l1, l2):
    return keras.regularizers.L1L2(l1=l1, l2=l2)(w)  # a 0-d tensor, float() accepts it


class RightL1L2InFloat64:
    """A callable object rather than a function, summing in float64."""

    def __call__(self, w, l1, l2):
        w = np.asarray(w, dtype=np.float64)
        return float(l1 * np.abs(w).sum() + l2 * (w**2).sum())


@pytest.mark.parametrize("answer", [right_l1l2, right_l1l2_with_keras, RightL1L2InFloat64()])
def test_check_l1l2_function_accepts_the_penalty(answer):
    feedback = ch02.check_l1l2_function(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


WRONG_L1L2 = {
    "a ½ in L2": (lambda w, l1, l2: l1 * np.sum(np.abs(w)) + 0.5 * l2 * np.sum(w**2), "1/2"),
    "no abs": (lambda w, l1, l2: l1 * np.sum(w) + l2 * np.sum(w**2), "cancel"),
    "the norm, not squared": (
        lambda w, l1, l2: l1 * np.sum(np.abs(w)) + l2 * np.sqrt(np.sum(w**2)),
        "squared norm",
    ),
    "L2 only": (lambda w, l1, l2: l2 * np.sum(w**2), "Wrong value"),
    "1.01 times the penalty": (lambda w, l1, l2: 1.01 * right_l1l2(w, l1, l2), "Wrong value"),
    "the mean, not the sum": (lambda w, l1, l2: l1 * np.mean(np.abs(w)) + l2 * np.mean(w**2), "Wrong value"),
    "always 0": (lambda w, l1, l2: 0.0, "Wrong value"),
    "raises": (lambda w, l1, l2: 1 / 0, "raised ZeroDivisionError"),
    "returns None": (lambda w, l1, l2: None, "returned None"),
    "returns a string": (lambda w, l1, l2: "0.5", "must return a number"),
}


@pytest.mark.parametrize(("answer", "hint"), WRONG_L1L2.values(), ids=WRONG_L1L2.keys())
def test_check_l1l2_function_rejects_wrong_penalties_with_a_hint(answer, hint):
    feedback = ch02.check_l1l2_function(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize("name", list(WRONG_L1L2))
def test_check_l1l2_function_never_shows_the_expected_values(name):
    function, _ = WRONG_L1L2[name]
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


def test_check_l1l2_function_none_means_not_answered():
    assert ch02.check_l1l2_function(None) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [0.5, "l1 * sum(|w|) + l2 * sum(w**2)", [right_l1l2], np.ones(2)])
def test_check_l1l2_function_rejects_an_answer_that_is_not_a_function(answer):
    with pytest.raises(TypeError, match="answer"):
        ch02.check_l1l2_function(answer)


# --- check_one_weight_l1l2: the minimiser of (w - a)² + l1·|w| + l2·w² -----------------------------


def right_vectorised(a, l1, l2):
    return np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0) / (1 + l2)


def right_by_cases(a, l1, l2):
    if a > l1 / 2:
        return (a - l1 / 2) / (1 + l2)
    if a < -l1 / 2:
        return (a + l1 / 2) / (1 + l2)
    return 0


def right_as_a_one_element_array(a, l1, l2):
    return np.array([math.copysign(max(abs(a) - l1 / 2, 0.0), a) / (1 + l2)])


def right_by_keras(a, l1, l2):
    """Shrink first, then threshold the shrunk value with the shrunk threshold: the same map."""
    return float(np.sign(a) * max(abs(a) / (1 + l2) - l1 / (2 * (1 + l2)), 0.0))


def test_the_reference_is_the_numerical_minimiser():
    rng = np.random.default_rng(5)
    for a, l1, l2 in zip(rng.uniform(-3, 3, 30), rng.uniform(0, 3, 30), rng.uniform(0, 2, 30), strict=True):
        result = minimize_scalar(
            lambda w, a=a, l1=l1, l2=l2: (w - a) ** 2 + l1 * abs(w) + l2 * w**2,
            bounds=(-10, 10),
            method="bounded",
            options={"xatol": 1e-11},
        )
        assert math.isclose(result.x, right_vectorised(a, l1, l2), abs_tol=1e-7)


@pytest.mark.parametrize(
    "answer", [right_vectorised, right_by_cases, right_as_a_one_element_array, right_by_keras]
)
def test_check_one_weight_l1l2_accepts_the_minimiser(answer):
    feedback = ch02.check_one_weight_l1l2(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


def soft(a, t):
    return np.sign(a) * max(abs(a) - t, 0.0)


WRONG_ONE_WEIGHT = {
    "threshold l1, not l1/2": (lambda a, l1, l2: soft(a, l1) / (1 + l2), "threshold is too large"),
    "the ½ convention": (lambda a, l1, l2: soft(a, l1) / (1 + 2 * l2), "has no ½"),
    "no L2 part": (lambda a, l1, l2: soft(a, l1 / 2), "ignores l2"),
    "shrink only": (lambda a, l1, l2: a / (1 + l2), "never exactly 0"),
    "no stop at 0": (lambda a, l1, l2: (a - np.sign(a) * l1 / 2) / (1 + l2), "crosses 0"),
    "no sign": (lambda a, l1, l2: max(abs(a) - l1 / 2, 0.0) / (1 + l2), "right for a ≥ 0 only"),
    "no abs, no sign": (lambda a, l1, l2: max(a - l1 / 2, 0.0) / (1 + l2), "right for a ≥ 0 but not"),
    "threshold after shrinking": (lambda a, l1, l2: soft(a / (1 + l2), l1 / 2), "shrink a and then"),
    "L2 twice too strong": (lambda a, l1, l2: soft(a, l1 / 2) / (1 + 2 * l2), "L2 part is too strong"),
    "returns a": (lambda a, l1, l2: a, "returns a"),
    "1.01 times the minimiser": (lambda a, l1, l2: 1.01 * right_vectorised(a, l1, l2), "is lower elsewhere"),
    "0.999 times the minimiser": (lambda a, l1, l2: 0.999 * right_vectorised(a, l1, l2), "lower elsewhere"),
    "always 0": (lambda a, l1, l2: 0.0, "exactly 0"),
    "right only when l2 = 0": (
        lambda a, l1, l2: soft(a, l1 / 2) / (1 + l2) ** 2,
        "right when l2 = 0",
    ),
    "right only when l1 = 0": (
        lambda a, l1, l2: soft(a, l1 / 2 + l1**2) / (1 + l2),
        "right when l1 = 0",
    ),
    "wrong only for large a": (
        lambda a, l1, l2: right_vectorised(a, l1, l2) if abs(a) < 2.5 else a,
        "lower elsewhere",
    ),
    "divides by |a|": (lambda a, l1, l2: a / abs(a) * max(abs(a) - l1 / 2, 0) / (1 + l2), "raised"),
    "NaN at a = 0": (lambda a, l1, l2: np.float64(a) / np.float64(abs(a)) * 0 + 1, "NaN"),
    "returns None": (lambda a, l1, l2: None, "None"),
    "returns a string": (lambda a, l1, l2: "0.5", "must return a number"),
    "returns two numbers": (lambda a, l1, l2: np.array([a, a]), "one number"),
}

# The right formula in any of the ways a message could spell it.
FORMULA_SECRETS = [
    r"l1\s*/\s*2",
    r"λ\s*/\s*2",
    r"1\s*\+\s*l2",
    r"(?i)max\s*\(",
    r"(?i)sign\s*\(",
    r"/\s*\(\s*1",
]


@pytest.mark.parametrize(("answer", "hint"), WRONG_ONE_WEIGHT.values(), ids=WRONG_ONE_WEIGHT.keys())
def test_check_one_weight_l1l2_rejects_wrong_answers_with_a_hint(answer, hint):
    with np.errstate(divide="ignore", invalid="ignore"):
        feedback = ch02.check_one_weight_l1l2(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for secret in FORMULA_SECRETS:
        assert not re.search(secret, feedback.message), (secret, feedback.message)


COUNTEREXAMPLE = re.compile(
    r"For a = (?P<a>\S+), l1 = (?P<l1>\S+), l2 = (?P<l2>\S+) your function gives "
    r"(?:w = (?P<w>\S+),|exactly 0,)"
)


@pytest.mark.parametrize(
    "name", ["1.01 times the minimiser", "0.999 times the minimiser", "always 0", "wrong only for large a"]
)
def test_the_counterexample_shows_the_learners_value_not_the_minimiser(name):
    answer, _ = WRONG_ONE_WEIGHT[name]
    message = ch02.check_one_weight_l1l2(answer).message
    found = COUNTEREXAMPLE.search(message)
    assert found, message
    a, l1, l2 = (float(found[key]) for key in ("a", "l1", "l2"))
    learner = 0.0 if found["w"] is None else float(found["w"])
    assert math.isclose(learner, float(np.asarray(answer(a, l1, l2))), rel_tol=1e-3, abs_tol=1e-3)
    right = right_vectorised(a, l1, l2)
    assert not math.isclose(learner, right, rel_tol=1e-4, abs_tol=1e-9)
    for shown in re.findall(r"-?\d+\.\d+", message):
        assert not math.isclose(float(shown), right, rel_tol=1e-3) or float(shown) in (a, l1, l2), message


def test_check_one_weight_l1l2_does_not_lean_on_arrays():
    """A function written for Python floats only (math, not NumPy) is called with floats."""

    def with_math(a, l1, l2):
        assert type(a) is float and type(l1) is float and type(l2) is float
        return math.copysign(max(abs(a) - l1 / 2, 0.0), a) / (1 + l2)

    assert ch02.check_one_weight_l1l2(with_math).correct


def test_check_one_weight_l1l2_says_what_a_raising_function_raised():
    def raises(a, l1, l2):
        raise RuntimeError("my own bug")

    message = ch02.check_one_weight_l1l2(raises).message
    assert "RuntimeError" in message and "my own bug" in message


def test_check_one_weight_l1l2_none_means_not_answered():
    assert ch02.check_one_weight_l1l2(None) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [0.5, "np.sign(a) * ...", [right_vectorised], np.array([0.5]), True])
def test_check_one_weight_l1l2_rejects_an_answer_that_is_not_a_function(answer):
    with pytest.raises(TypeError, match="answer"):
        ch02.check_one_weight_l1l2(answer)


# --- check_sgd_step: one plain SGD step on data loss + L1L2 --------------------------------------


def step_by_formula(w, grad, lr, l1, l2):
    return w - lr * (grad + l1 * np.sign(w) + 2 * l2 * w)


def step_as_a_decay(w, grad, lr, l1, l2):
    return (1 - 2 * lr * l2) * w - lr * l1 * np.sign(w) - lr * grad


def step_in_float64_lists(w, grad, lr, l1, l2):
    w64, g64 = np.asarray(w, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    return (w64 - lr * (g64 + l1 * np.sign(w64) + 2 * l2 * w64)).tolist()


def step_in_place(w, grad, lr, l1, l2):
    w -= lr * (grad + l1 * np.sign(w) + 2 * l2 * w)
    return w


def step_by_keras(w, grad, lr, l1, l2):
    variable = keras.Variable(w)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.constant(grad) * variable) + keras.regularizers.L1L2(l1=l1, l2=l2)(variable)
    keras.optimizers.SGD(lr).apply_gradients([(tape.gradient(loss, variable), variable)])
    return variable.numpy()


@pytest.mark.parametrize(
    "answer", [step_by_formula, step_as_a_decay, step_in_float64_lists, step_in_place, step_by_keras]
)
def test_check_sgd_step_accepts_the_step(answer):
    feedback = ch02.check_sgd_step(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


def sign_at_zero_is_one(w):
    return np.where(w >= 0, 1.0, -1.0)


WRONG_STEPS = {
    "a ½ in the L2 part": (lambda w, g, lr, l1, l2: w - lr * (g + l1 * np.sign(w) + l2 * w), "half of Keras"),
    "the factor 1 - lr·l2": (
        lambda w, g, lr, l1, l2: (1 - lr * l2) * w - lr * l1 * np.sign(w) - lr * g,
        "half of Keras",
    ),
    "L1 as l1·w": (lambda w, g, lr, l1, l2: w - lr * (g + l1 * w + 2 * l2 * w), "grows with w"),
    "uphill": (lambda w, g, lr, l1, l2: w + lr * (g + l1 * np.sign(w) + 2 * l2 * w), "uphill"),
    "no data gradient": (lambda w, g, lr, l1, l2: w - lr * (l1 * np.sign(w) + 2 * l2 * w), "ignores grad"),
    "lr not on the penalty": (
        lambda w, g, lr, l1, l2: w - lr * g - (l1 * np.sign(w) + 2 * l2 * w),
        "whole gradient",
    ),
    "no penalty": (lambda w, g, lr, l1, l2: w - lr * g, "ignores the penalty"),
    "sign(0) = 1": (
        lambda w, g, lr, l1, l2: w - lr * (g + l1 * sign_at_zero_is_one(w) + 2 * l2 * w),
        "exactly 0",
    ),
    "NaN at w = 0": (lambda w, g, lr, l1, l2: w - lr * (g + l1 * w / np.abs(w) + 2 * l2 * w), "NaN"),
    "1.01 times the step": (lambda w, g, lr, l1, l2: 1.01 * step_by_formula(w, g, lr, l1, l2), "L2 alone"),
    "right only without L2": (
        lambda w, g, lr, l1, l2: w - lr * (g + l1 * np.sign(w) + 3 * l2 * w),
        "L2 alone",
    ),
    "right only without L1": (
        lambda w, g, lr, l1, l2: w - lr * (g + 2 * l1 * np.sign(w) + 2 * l2 * w),
        "L1 alone",
    ),
    "wrong when both act": (
        lambda w, g, lr, l1, l2: step_by_formula(w, g, lr, l1, l2) + lr * l1 * l2,
        "check each part",
    ),
    "the wrong shape": (lambda w, g, lr, l1, l2: step_by_formula(w, g, lr, l1, l2).ravel()[:3], "shape"),
    "returns None": (lambda w, g, lr, l1, l2: None, "None"),
    "returns a string": (lambda w, g, lr, l1, l2: "w", "must return an array"),
    "raises": (lambda w, g, lr, l1, l2: w @ np.ones((7, 7)), "raised"),
}

STEP_SECRETS = [r"2\s*[*·]?\s*l2", r"1\s*[-−]\s*2", r"(?i)sign\s*\(", r"lr\s*\*\s*\("]


@pytest.mark.parametrize(("answer", "hint"), WRONG_STEPS.values(), ids=WRONG_STEPS.keys())
def test_check_sgd_step_rejects_wrong_steps_with_a_hint(answer, hint):
    with np.errstate(divide="ignore", invalid="ignore"):
        feedback = ch02.check_sgd_step(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for secret in STEP_SECRETS:
        assert not re.search(secret, feedback.message), (secret, feedback.message)


def test_check_sgd_step_does_not_let_the_learner_change_its_arrays():
    calls = []

    def records_and_scrambles(w, grad, lr, l1, l2):
        calls.append(w.copy())
        result = step_by_formula(w, grad, lr, l1, l2)
        w[...] = 123.0
        grad[...] = -7.0
        return result

    assert ch02.check_sgd_step(records_and_scrambles).correct
    assert len(calls) == 4
    assert all(np.any(w == 0) for w in calls)  # every layer has a weight at the kink


def test_check_sgd_step_none_means_not_answered():
    assert ch02.check_sgd_step(None) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [0.1, "w - lr * grad", [step_by_formula], np.zeros(3), False])
def test_check_sgd_step_rejects_an_answer_that_is_not_a_function(answer):
    with pytest.raises(TypeError, match="answer"):
        ch02.check_sgd_step(answer)
