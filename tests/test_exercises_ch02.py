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

# --- check_l1_threshold: the L1 threshold of one Keras weight, predicted and trained ---------------


def one_weight_data(a=-0.6, seed=2, n=64):
    """y = a·x + noise with mean(x·noise) = 0, so that a is exactly the weight the MSE alone wants."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.5, 1.5, size=(n, 1))
    noise = rng.normal(0.0, 0.5, size=(n, 1))
    noise -= x * np.mean(x * noise) / np.mean(x**2)
    return x.astype("float32"), (a * x + noise).astype("float32")


X, Y = one_weight_data()
C = float(np.mean(X.astype(np.float64) ** 2))
A = float(np.mean(X.astype(np.float64) * Y)) / C
THRESHOLD = 2 * C * abs(A)
ABOVE, BELOW = 1.3 * THRESHOLD, 0.7 * THRESHOLD
EXPECTED_BELOW = math.copysign(abs(A) - BELOW / (2 * C), A)

_TRAINED = {}


class MyL1(keras.regularizers.Regularizer):
    """An L1 penalty of one's own: the same values, but not keras.regularizers.L1."""

    def __init__(self, strength):
        self.strength = strength

    def __call__(self, w):
        return self.strength * tf.reduce_sum(tf.abs(w))

    def get_config(self):
        return {"strength": self.strength}


def trained(lam, **options):
    """A Dense(1) trained on X, Y as the exercise asks, with one thing changed by ``options`` (cached)."""
    cache_key = (lam, tuple(sorted(options.items())))
    if cache_key not in _TRAINED:
        _TRAINED[cache_key] = build_and_train(lam, **options)
    return _TRAINED[cache_key]


def build_and_train(
    lam,
    *,
    regularizer="L1",
    on="kernel",
    units=1,
    use_bias=False,
    activation=None,
    layers=1,
    optimizer="sgd",
    loss="mse",
    steps=300,
    lr=0.01,
    batch_size=None,
    seed=0,
    data=None,
    compile_it=True,
):
    x, y = {None: (X, Y), "y scaled": (X, 1.1 * Y)}[data] if not isinstance(data, tuple) else data
    keras.utils.set_random_seed(seed)
    made = {
        "L1": lambda: keras.regularizers.L1(lam),
        "L1L2 without L2": lambda: keras.regularizers.L1L2(l1=lam),
        "L1L2": lambda: keras.regularizers.L1L2(l1=lam, l2=0.1),
        "L2": lambda: keras.regularizers.L2(lam),
        "custom": lambda: MyL1(lam),
    }[regularizer]()
    where = {"kernel": "kernel_regularizer", "activity": "activity_regularizer", "bias": "bias_regularizer"}
    stack = [keras.layers.Dense(4) for _ in range(layers - 1)]
    stack.append(keras.layers.Dense(units, use_bias=use_bias, activation=activation, **{where[on]: made}))
    model = keras.Sequential([keras.Input((1,)), *stack])
    if not compile_it:
        return model
    optimizers = {
        "sgd": lambda: keras.optimizers.SGD(lr),
        "momentum": lambda: keras.optimizers.SGD(lr, momentum=0.9),
        "adam": lambda: keras.optimizers.Adam(lr),
        "clipped": lambda: keras.optimizers.SGD(lr, clipnorm=1.0),
        "schedule": lambda: keras.optimizers.SGD(keras.optimizers.schedules.ExponentialDecay(lr, 100, 0.9)),
    }
    losses = {"mse": "mse", "MSE object": keras.losses.MeanSquaredError(), "mae": "mae"}
    model.compile(optimizer=optimizers[optimizer](), loss=losses[loss])
    if steps == 0:
        return model
    if batch_size is None:  # full batch, `steps` times, in one epoch
        full_batch = tf.data.Dataset.from_tensors((x, y)).repeat(steps)
        model.fit(full_batch, epochs=1, shuffle=False, verbose=0)
    else:
        model.fit(x, y, batch_size=batch_size, epochs=steps, verbose=0)
    return model


def right_runs(**options):
    return {ABOVE: trained(ABOVE, **options), BELOW: trained(BELOW, **options)}


def test_the_data_make_a_the_weight_the_mse_alone_wants():
    assert abs(A + 0.6) < 1e-6
    assert abs(C - 1.0) > 0.2 and abs(C - 2.0) > 0.2  # c matters, visibly
    assert float(np.var(X)) != pytest.approx(C, rel=0.05)  # the variance is a distinguishable slip


def test_the_trained_weights_are_the_lessons():
    """Below the threshold the weight settles at the soft threshold; above it, it hovers near 0."""
    lr = 0.01
    assert float(trained(BELOW).layers[0].kernel.numpy()[0, 0]) == pytest.approx(EXPECTED_BELOW, abs=1e-5)
    for seed in [0, 1, 2]:
        w = float(trained(ABOVE, seed=seed).layers[0].kernel.numpy()[0, 0])
        assert abs(w) < lr * (ABOVE + THRESHOLD) < 2 * lr * ABOVE  # within one step of 0, not at 0


@pytest.mark.parametrize(
    ("answer", "runs"),
    [
        (THRESHOLD, lambda: right_runs()),
        (np.float64(THRESHOLD), lambda: right_runs()),
        (np.float32(THRESHOLD), lambda: right_runs()),  # computed from float32 data
        (
            THRESHOLD,
            lambda: {
                0.5 * THRESHOLD: trained(0.5 * THRESHOLD),
                **right_runs(),
                2.0 * THRESHOLD: trained(2.0 * THRESHOLD),
            },
        ),
        (THRESHOLD, lambda: right_runs(seed=1)),
        (THRESHOLD, lambda: right_runs(regularizer="L1L2 without L2")),
        (THRESHOLD, lambda: right_runs(loss="MSE object")),
        (THRESHOLD, lambda: right_runs(lr=0.05, steps=40, batch_size=64)),  # epochs of the full batch
    ],
    ids=[
        "float",
        "np.float64",
        "np.float32",
        "four λs",
        "another seed",
        "L1L2(l1=λ)",
        "MSE object",
        "fit(x, y) full batch",
    ],
)
def test_check_l1_threshold_accepts_a_right_prediction_and_right_runs(answer, runs):
    feedback = ch02.check_l1_threshold(answer, runs(), X, Y)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert "threshold is right" in feedback.message


def test_check_l1_threshold_works_for_a_positive_a_and_1_d_arrays():
    data = one_weight_data(a=0.9, seed=5)
    c = float(np.mean(data[0].astype(np.float64) ** 2))
    threshold = 2 * c * 0.9
    runs = {lam: build_and_train(lam, data=data) for lam in [1.25 * threshold, 0.6 * threshold]}
    feedback = ch02.check_l1_threshold(threshold, runs, data[0].ravel(), data[1].ravel())
    assert feedback.correct, feedback


# Wrong predictions: the classic slips, then near misses.
WRONG_THRESHOLDS = {
    "no factor 2": (C * abs(A), "factor 2 is missing"),
    "c ignored": (2 * abs(A), "ignores c"),
    "c and 2 ignored": (abs(A), "ignores c and misses a factor 2"),
    "solved for |a|": (abs(A) / (2 * C), "wrong side"),
    "divided by c": (2 * abs(A) / C, "wrong side"),
    "signed a": (2 * C * A, "never negative"),
    "the variance for c": (2 * float(np.var(X.astype(np.float64))) * abs(A), "not the variance"),
    "the root mean square for c": (2 * math.sqrt(C) * abs(A), "square root"),
    "an extra factor 2": (4 * C * abs(A), "extra factor 2"),
    "1.01 times": (1.01 * THRESHOLD, "not the threshold for these data"),
    "0.99 times": (0.99 * THRESHOLD, "not the threshold for these data"),
    "1.002 times": (1.002 * THRESHOLD, "not the threshold for these data"),
    "zero": (0.0, "λ > 0"),
    "an int": (3, "not the threshold for these data"),
}


def numbers_in(message):
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", message)]


@pytest.mark.parametrize(("answer", "hint"), WRONG_THRESHOLDS.values(), ids=WRONG_THRESHOLDS.keys())
def test_check_l1_threshold_rejects_a_wrong_prediction_without_giving_it(answer, hint):
    feedback = ch02.check_l1_threshold(answer, right_runs(), X, Y)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for shown in numbers_in(feedback.message):
        assert not math.isclose(shown, THRESHOLD, rel_tol=0.02), feedback.message
        assert not math.isclose(abs(shown), abs(EXPECTED_BELOW), rel_tol=0.02), feedback.message


# Right prediction, wrong runs: a λ on the wrong side or too close, a wrong model, a wrong training.
WRONG_RUNS = {
    "no runs yet": (lambda: {}, "Now train the layer"),
    "only above": (lambda: {ABOVE: trained(ABOVE), 2 * THRESHOLD: trained(2 * THRESHOLD)}, "below it, too"),
    "only below": (
        lambda: {BELOW: trained(BELOW), 0.5 * THRESHOLD: trained(0.5 * THRESHOLD)},
        "above it, too",
    ),
    "one run": (lambda: {ABOVE: trained(ABOVE)}, "below it, too"),
    "λ 2% above": (
        lambda: {1.02 * THRESHOLD: trained(1.02 * THRESHOLD), BELOW: trained(BELOW)},
        "clearly apart",
    ),
    "λ 3% below": (
        lambda: {ABOVE: trained(ABOVE), 0.97 * THRESHOLD: trained(0.97 * THRESHOLD)},
        "clearly apart",
    ),
    "model built with 1.01·λ": (
        lambda: {ABOVE: trained(ABOVE), BELOW: trained(1.01 * BELOW)},
        "must be the λ its model was built with",
    ),
    "the two models swapped": (
        lambda: {ABOVE: trained(BELOW), BELOW: trained(ABOVE)},
        "must be the λ its model was built with",
    ),
    "L2 instead of L1": (lambda: right_runs(regularizer="L2"), "L1 alone"),
    "L1L2 with an L2 part": (lambda: right_runs(regularizer="L1L2"), "L1 alone"),
    "a custom regularizer": (lambda: right_runs(regularizer="custom"), "use keras.regularizers.L1"),
    "on the output": (lambda: right_runs(on="activity"), "activity_regularizer"),
    "on the bias": (lambda: right_runs(on="bias", use_bias=True), "has a bias"),
    "a bias": (lambda: right_runs(use_bias=True), "use_bias=False"),
    "two units": (lambda: right_runs(units=2), "2 units"),
    "a relu": (lambda: right_runs(activation="relu"), "activation"),
    "two layers": (lambda: right_runs(layers=2), "one keras.layers.Dense layer"),
    "Adam": (lambda: right_runs(optimizer="adam"), "uses Adam"),
    "momentum": (lambda: right_runs(optimizer="momentum"), "momentum"),
    "clipping": (lambda: right_runs(optimizer="clipped"), "extra optimizer settings"),
    "a schedule": (lambda: right_runs(optimizer="schedule"), "schedule"),
    "MAE": (lambda: right_runs(loss="mae"), "mean squared error"),
    "not compiled": (lambda: right_runs(compile_it=False), "not compiled"),
    "not trained": (lambda: right_runs(steps=0), "not been trained"),
    "too few steps": (lambda: right_runs(steps=15), "for more steps"),
    "mini-batches": (
        lambda: {ABOVE: trained(ABOVE), BELOW: trained(BELOW, batch_size=8, steps=40)},
        "settled",
    ),
    "other data": (
        lambda: {ABOVE: trained(ABOVE), BELOW: trained(BELOW, data="y scaled")},
        "not where c(w − a)² + λ|w| is lowest",
    ),
    "diverged": (lambda: {ABOVE: trained(ABOVE), BELOW: trained(BELOW, lr=2.0, steps=300)}, "not finite"),
}


@pytest.mark.parametrize(("runs", "hint"), WRONG_RUNS.values(), ids=WRONG_RUNS.keys())
def test_check_l1_threshold_rejects_wrong_runs_with_a_hint(runs, hint):
    given = runs()
    feedback = ch02.check_l1_threshold(THRESHOLD, given, X, Y)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    learner = [float(lam) for lam in given]  # the learner's own numbers may be shown back
    for model in given.values():
        if model.built and model.layers[-1].kernel.shape == (1, 1):
            learner.append(float(model.layers[-1].kernel.numpy()[0, 0]))
    for shown in numbers_in(feedback.message):
        if any(math.isclose(shown, own, rel_tol=1e-3, abs_tol=1e-4) for own in learner):
            continue
        assert not math.isclose(shown, THRESHOLD, rel_tol=0.02), feedback.message
        assert not math.isclose(shown, EXPECTED_BELOW, rel_tol=0.02), feedback.message


def test_check_l1_threshold_hints_do_not_give_the_weight_of_an_unsettled_run():
    message = ch02.check_l1_threshold(THRESHOLD, right_runs(steps=15), X, Y).message
    assert not any(math.isclose(shown, EXPECTED_BELOW, rel_tol=0.02) for shown in numbers_in(message))


def test_check_l1_threshold_none_means_not_answered():
    assert ch02.check_l1_threshold(None, {}, X, Y) == NOT_ANSWERED
    assert ch02.check_l1_threshold(None, right_runs(), X, Y) == NOT_ANSWERED


@pytest.mark.parametrize("answer", ["2.99", [THRESHOLD], True, np.array([THRESHOLD])])
def test_check_l1_threshold_rejects_an_answer_that_is_not_a_number(answer):
    with pytest.raises(TypeError, match="answer"):
        ch02.check_l1_threshold(answer, right_runs(), X, Y)


@pytest.mark.parametrize(
    ("runs", "x", "y", "error", "name"),
    [
        (lambda: [trained(ABOVE), trained(BELOW)], X, Y, TypeError, "runs"),
        (lambda: {"3.9": trained(ABOVE), BELOW: trained(BELOW)}, X, Y, TypeError, "runs"),
        (lambda: {ABOVE: "model", BELOW: trained(BELOW)}, X, Y, TypeError, "runs"),
        (lambda: {-1.0: trained(ABOVE), BELOW: trained(BELOW)}, X, Y, ValueError, "runs"),
        (lambda: right_runs(), None, Y, TypeError, "x"),
        (lambda: right_runs(), np.hstack([X, X]), Y, ValueError, "x"),
        (lambda: right_runs(), X, Y[:10], ValueError, "same length"),
        (lambda: right_runs(), np.zeros_like(X), Y, ValueError, "x must not be all 0"),
        (lambda: right_runs(), X, np.zeros_like(Y), ValueError, "y must depend on x"),
        (lambda: right_runs(), X, np.full_like(Y, np.nan), ValueError, "y must contain only finite"),
        (lambda: right_runs(), X, "y", TypeError, "y"),
    ],
)
def test_check_l1_threshold_rejects_bad_arguments_by_name(runs, x, y, error, name):
    with pytest.raises(error, match=name):
        ch02.check_l1_threshold(THRESHOLD, runs(), x, y)


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


def by_scipy(a, l1, l2):
    """A numerical minimiser: right to 1e-10 everywhere, but never exactly 0."""
    return minimize_scalar(
        lambda w: (w - a) ** 2 + l1 * abs(w) + l2 * w**2,
        bounds=(-10.0, 10.0),
        method="bounded",
        options={"xatol": 1e-12},
    ).x


def test_check_one_weight_l1l2_wants_exactly_0_where_the_kink_holds_the_weight():
    message = ch02.check_one_weight_l1l2(by_scipy).message
    assert not ch02.check_one_weight_l1l2(by_scipy).correct
    assert "not 0: a numerical search only comes near the optimum" in message, message
    found = re.search(r"your weight is (\S+), not 0", message)
    assert found and 0 < abs(float(found[1])) < 1e-6, message


def test_check_one_weight_l1l2_wants_0_even_one_ulp_away():
    def tiny_instead_of_zero(a, l1, l2):
        w = right_vectorised(a, l1, l2)
        return w if w != 0 else 1e-300

    feedback = ch02.check_one_weight_l1l2(tiny_instead_of_zero)
    assert not feedback.correct and "not 0" in feedback.message


def test_check_one_weight_l1l2_accepts_minus_zero():
    def signed_zero(a, l1, l2):
        return float(np.sign(a) * max(abs(a) - l1 / 2, 0.0) / (1 + l2))  # -0.0 for a < 0 in the band

    assert ch02.check_one_weight_l1l2(signed_zero).correct


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
