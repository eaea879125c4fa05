"""Checkers of the chapter 02 exercises: the L1 threshold in Keras, the one-weight optimum, one SGD step."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike, NDArray

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number

# --- the L1 threshold of one Keras weight: predicted, then trained on both sides -------------------

#: How far (relatively) each λ must be from the threshold for a fixed budget to tell the sides apart.
_MARGIN = 0.05
_MSE_NAMES = {"mse", "mean_squared_error", "meansquarederror"}


def _one_column(value: object, name: str) -> NDArray[np.float64]:
    """Return ``value`` as a 1-D float64 array of finite numbers, from shape ``(n,)`` or ``(n, 1)``."""
    if value is None or isinstance(value, str | bytes):
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}") from error
    shape = array.shape
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.size < 2:
        raise ValueError(f"{name} must have shape (n,) or (n, 1) with n >= 2, got {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must contain only finite numbers")
    return array


def _strength(value: object) -> float:
    """Return a key of ``runs``, the λ a model was trained with, as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"the keys of runs must be the λ of each model (numbers), got {type(value).__name__}")
    strength = float(value)
    if not math.isfinite(strength) or strength < 0:
        raise ValueError(f"the keys of runs must be finite λ >= 0, got {strength}")
    return strength


def _is_mse(loss: object) -> bool:
    if isinstance(loss, keras.losses.MeanSquaredError):
        return True
    if isinstance(loss, str):
        return loss.lower() in _MSE_NAMES
    function = getattr(loss, "fn", loss)  # a LossFunctionWrapper keeps its function in .fn
    return callable(function) and getattr(function, "__name__", "").lower() in _MSE_NAMES


def _setup_problem(model: keras.Model, lam: float) -> str | None:
    """Return a hint if ``model`` is not Dense(1, no bias) with L1(lam), MSE and plain SGD, trained."""
    where = f"The model under λ = {lam:g}"
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    if len(layers) != 1 or not isinstance(layers[0], keras.layers.Dense):
        return f"{where} must be one keras.layers.Dense layer and nothing else: one weight."
    layer = layers[0]
    if layer.units != 1:
        return f"{where} has {layer.units} units: the experiment is about one weight, Dense(1)."
    if layer.use_bias:
        return f"{where} has a bias. The one-weight problem has none: use use_bias=False."
    if layer.get_config().get("activation") != "linear":
        return f"{where} has an activation: leave it out, so the prediction is w·x."
    if not layer.built or tuple(layer.kernel.shape) != (1, 1):
        return f"{where} must take one input, keras.Input((1,)), and be trained on x."
    regularizer = layer.kernel_regularizer
    if regularizer is None:
        if layer.activity_regularizer is not None:
            return f"{where} penalizes the layer's output (activity_regularizer), not its kernel."
        return f"{where} has no kernel_regularizer: the penalty goes on the kernel, the weight w."
    if layer.activity_regularizer is not None:
        return f"{where} also has an activity_regularizer: the only penalty is L1 on the kernel."
    if not isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2 | keras.regularizers.L1L2):
        return f"{where} has a {type(regularizer).__name__} regularizer: use keras.regularizers.L1."
    config = regularizer.get_config()
    l1, l2 = float(config.get("l1", 0.0)), float(config.get("l2", 0.0))
    if l2 > 0:
        return f"{where} has an L2 penalty: this experiment is about L1 alone."
    if not math.isclose(l1, lam, rel_tol=1e-6, abs_tol=1e-12):
        return (
            f"{where} has L1(l1={l1:g}). Each key of runs must be the λ its model was built with: "
            "build the regularizer from the λ you put in runs."
        )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(model, "compiled", True):
        return f"{where} is not compiled: compile it with plain SGD and the mean squared error, then fit."
    if not isinstance(optimizer, keras.optimizers.SGD):
        return f"{where} uses {type(optimizer).__name__}: the steps of the lesson are plain SGD steps."
    settings = optimizer.get_config()
    if settings.get("momentum", 0.0) or settings.get("nesterov", False):
        return f"{where} uses SGD with momentum: use plain SGD, keras.optimizers.SGD(learning_rate)."
    extras = ["weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "gradient_accumulation_steps"]
    if any(settings.get(key) is not None for key in extras) or settings.get("use_ema", False):
        return f"{where} has extra optimizer settings: use keras.optimizers.SGD(learning_rate) alone."
    if not isinstance(settings.get("learning_rate"), int | float):
        return f"{where} has a learning-rate schedule: use a constant learning rate."
    if not _is_mse(getattr(model, "loss", None)):
        return f'{where} is not trained on the mean squared error: compile it with loss="mse".'
    if int(optimizer.iterations.numpy()) == 0:
        return f"{where} has not been trained yet: fit it."
    return None


def check_l1_threshold(
    answer: float | None, runs: Mapping[float, keras.Model], x: ArrayLike, y: ArrayLike
) -> Feedback:
    """Chapter 02: predict the L1 strength that holds one Keras weight at 0, then train on both sides.

    ``x`` and ``y`` are the data: the layer ``Dense(1, use_bias=False)`` trained on the mean squared
    error sees the data loss ``c·(w - a)² + const`` with ``c = mean(x²)`` and ``a = mean(x·y) / c``,
    so with ``L1(λ)`` on its kernel the weight is held at 0 when ``λ >= 2·c·|a|``. ``answer`` is the
    learner's prediction of that threshold; ``runs`` maps each λ the learner trained with to the
    trained model (at least one λ above the threshold and one below, each at least 5% away from it).

    The checker reads each model: one Dense(1) without bias, L1 with the stated λ on the kernel,
    compiled with plain SGD and the MSE, and trained. Above the threshold the weight must end within
    one step of 0 (``|w| <= lr·(λ + 2c|a|)``, less than ``2·lr·λ``: it hovers there); below it, at
    the minimiser of ``c·(w - a)² + λ|w|``. Hints name the classic slips in the prediction (a
    missing factor 2, c left out, λ on the wrong side), never the threshold or the expected weight.

    Raises:
        TypeError: if ``answer`` is not a number, ``runs`` not a mapping of numbers to keras Models,
            or ``x``/``y`` not arrays of numbers.
        ValueError: if ``x`` and ``y`` are not one column each of the same length, or ``x`` is all 0
            or ``y`` does not depend on ``x``.
    """
    if answer is None:
        return NOT_ANSWERED
    predicted = number(answer)
    if not isinstance(runs, Mapping):
        raise TypeError(f"runs must be a dict {{λ: trained model}}, got {type(runs).__name__}")
    xs, ys = _one_column(x, "x"), _one_column(y, "y")
    if xs.size != ys.size:
        raise ValueError(f"x and y must have the same length, got {xs.size} and {ys.size}")
    c = float(np.mean(xs**2))
    if c == 0:
        raise ValueError("x must not be all 0")
    a = float(np.mean(xs * ys)) / c
    if a == 0:
        raise ValueError("y must depend on x: the weight that fits the data alone is 0")
    threshold = 2.0 * c * abs(a)
    if not close(predicted, threshold):
        slips = [
            (
                c * abs(a),
                "A factor 2 is missing. The kink holds w at 0 while λ beats the slope of the "
                "data loss c(w − a)² at w = 0: differentiate it.",
            ),
            (
                2.0 * abs(a),
                "Your threshold ignores c: the data loss of the layer is c(w − a)², with "
                "c = mean(x²), not (w − a)².",
            ),
            (
                abs(a),
                "Your threshold ignores c and misses a factor 2: the data loss is c(w − a)², "
                "with c = mean(x²); differentiate it at w = 0.",
            ),
            (
                abs(a) / (2.0 * c),
                "λ is on the wrong side: you solved the band's condition for |a|. Solve it for λ instead.",
            ),
            (
                2.0 * abs(a) / c,
                "Your threshold divides by c: λ is on the wrong side of the equation. "
                "Solve the condition at the kink for λ again.",
            ),
            (-threshold, "A strength is never negative: the threshold depends on |a|, the size of a."),
            (
                2.0 * float(np.var(xs)) * abs(a),
                "c is the mean of x², not the variance of x: the layer has no bias, so nothing centres x.",
            ),
            (2.0 * math.sqrt(c) * abs(a), "c is the mean of x², not its square root."),
            (
                4.0 * c * abs(a),
                "Your threshold has an extra factor 2: differentiate c(w − a)² at w = 0 "
                "again, and compare with the jump of λ|w|.",
            ),
        ]
        for value, hint in slips:
            if close(predicted, value):
                return Feedback(False, hint)
        if predicted <= 0:
            return Feedback(False, "The threshold is a strength λ > 0: the smallest λ that holds w at 0.")
        return Feedback(
            False,
            "That is not the threshold for these data. Write the layer's data loss as c(w − a)² + const "
            "(c = mean(x²), a the weight that fits the data alone) and find the smallest λ for which "
            "the kink holds w at 0.",
        )
    if not runs:
        return Feedback(
            False,
            "Your threshold is right. Now train the layer with one λ above it and one below, and put "
            "the models in runs, as {λ: model}.",
        )
    checked: list[tuple[float, keras.Model]] = []
    for key, model in runs.items():
        lam = _strength(key)
        if not isinstance(model, keras.Model):
            raise TypeError(f"runs[{lam:g}] must be a trained keras Model, got {type(model).__name__}")
        problem = _setup_problem(model, lam)
        if problem is not None:
            return Feedback(False, problem)
        checked.append((lam, model))
    if any(abs(lam / threshold - 1.0) < _MARGIN for lam, _ in checked):
        return Feedback(
            False,
            "Take each λ clearly apart from your threshold (20% or 30% above or below it): close to it, "
            "a fixed budget of steps cannot tell the two sides apart.",
        )
    sides = {lam > threshold for lam, _ in checked}
    if sides == {True}:
        return Feedback(False, "All your λs are above the threshold: train once with a λ below it, too.")
    if sides == {False}:
        return Feedback(False, "All your λs are below the threshold: train once with a λ above it, too.")
    for lam, model in sorted(checked, key=lambda item: item[0]):
        lr = float(model.optimizer.get_config()["learning_rate"])
        w = float(np.asarray(model.layers[-1].kernel.numpy()).reshape(()))
        if not math.isfinite(w):
            return Feedback(
                False, f"The weight for λ = {lam:g} is not finite: the learning rate is too large."
            )
        if lam > threshold:
            if abs(w) > lr * (lam + 2.0 * c * abs(a)) * (1 + 1e-3) + 1e-6:
                return Feedback(
                    False,
                    f"For λ = {lam:g}, above the threshold, your weight ended at w = {w:.4g}: it has not "
                    f"reached 0 and hovered there (within 2·lr·λ = {2 * lr * lam:.3g}). Train on x and y, "
                    "full batch, for more steps.",
                )
        else:
            best = math.copysign(max(abs(a) - lam / (2.0 * c), 0.0), a)
            if abs(w - best) > 1e-3 * abs(a) + 1e-6:
                return Feedback(
                    False,
                    f"For λ = {lam:g}, below the threshold, your weight ended at w = {w:.4g}, which is "
                    "not where c(w − a)² + λ|w| is lowest. Has it settled? Train on x and y, full batch "
                    "(mini-batches keep it moving), for more steps, and compare with your prediction.",
                )
    return Feedback(True, "Your threshold is right, and your runs agree with the one-weight problem.")


# --- the one-weight problem with both penalties ----------------------------------------------------


def _one_weight_cases() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Random ``(a, l1, l2)`` triples, with each penalty alone, ``a = 0`` and weights held at 0."""
    rng = np.random.default_rng(202)
    n = 200
    a = rng.uniform(-3.0, 3.0, n)
    l1 = rng.uniform(0.0, 3.0, n)
    l2 = rng.uniform(0.0, 2.0, n)
    l1[:20] = 0.0  # L2 alone
    l2[20:40] = 0.0  # L1 alone
    a[40:45] = 0.0
    a[45:60] = rng.uniform(-0.5, 0.5, 15) * l1[45:60]  # |a| < l1/2: the optimum is 0
    return a, l1, l2


def _one_weight_objective(w: float, a: float, l1: float, l2: float) -> float:
    return (w - a) ** 2 + l1 * abs(w) + l2 * w**2


def _l1l2_optimum(
    a: NDArray[np.float64], l1: NDArray[np.float64], l2: NDArray[np.float64]
) -> NDArray[np.float64]:
    threshold: NDArray[np.float64] = np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + l2)
    return threshold


def _same(got: NDArray[np.float64], expected: NDArray[np.float64]) -> NDArray[np.bool_]:
    agree: NDArray[np.bool_] = np.isclose(got, expected, rtol=1e-5, atol=1e-7)
    return agree


def check_one_weight_l1l2(answer: Callable[[float, float, float], float] | None) -> Feedback:
    """Chapter 02: a function ``f(a, l1, l2)`` that returns the minimiser of ``(w - a)² + l1·|w| + l2·w²``.

    The checker calls it on 200 random triples of Python floats (with ``l1`` or ``l2`` zero, ``a`` zero
    and ``|a|`` small among them) and compares it with the exact minimiser; where that is 0 it wants
    exactly 0.0, which a numerical minimiser only comes near. A wrong answer gets a hint
    that names a classic mistake, or an input where the learner's ``w`` is not the minimiser, but never
    the right value or formula.
    """
    if answer is None:
        return NOT_ANSWERED
    if not callable(answer):
        raise TypeError(f"answer must be a function f(a, l1, l2), got {type(answer).__name__}")
    a, l1, l2 = _one_weight_cases()
    got = np.empty_like(a)
    for index, (a_i, l1_i, l2_i) in enumerate(zip(a, l1, l2, strict=True)):
        try:
            raw = answer(float(a_i), float(l1_i), float(l2_i))
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
        if raw is None:
            return Feedback(False, "Your function returned None: is a `return` missing?")
        try:
            if isinstance(raw, str | bytes):
                raise TypeError(type(raw).__name__)
            value = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return Feedback(False, f"Your function must return a number, got {type(raw).__name__}.")
        if value.size != 1:
            return Feedback(
                False, f"Your function must return one number, got an array of shape {value.shape}."
            )
        got[index] = float(value.reshape(()))
    if not np.all(np.isfinite(got)):
        return Feedback(
            False, "Your function returned NaN or an infinity: is there a division by |a|, or by 0?"
        )
    expected = _l1l2_optimum(a, l1, l2)
    near = _same(got, expected)
    right = near & ((expected != 0) | (got == 0))  # where the kink holds the weight: exactly 0.0
    if right.all():
        return Feedback(True, f"Your function gives the exact minimiser for all {a.size} random (a, l1, l2).")
    if near.all():
        first = int(np.flatnonzero(~right)[0])
        return Feedback(
            False,
            f"For a = {a[first]:.4g}, l1 = {l1[first]:.4g}, l2 = {l2[first]:.4g} your weight is "
            f"{got[first]:.1e}, not 0: a numerical search only comes near the optimum. Where the kink "
            "holds the weight, the optimum is exactly 0.0; derive the closed form.",
        )
    mistakes = [
        (a, "Your function returns a: the penalties must move the optimum towards 0."),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1, 0.0) / (1.0 + l2),
            "Your threshold is too large. At w = 0, compare the jump of l1·|w| with the slope of "
            "(w − a)², which is 2(w − a): differentiate it carefully.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1, 0.0) / (1.0 + 2.0 * l2),
            "That is the minimiser of ½(w − a)² + l1·|w| + l2·w². The objective here has no ½.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0),
            "Your function ignores l2: the weights that survive the threshold feel the L2 part too.",
        ),
        (
            a / (1.0 + l2),
            "Your function is never exactly 0 when a is not: for small |a| the kink of l1·|w| holds the "
            "weight at 0.",
        ),
        (
            (a - np.sign(a) * l1 / 2) / (1.0 + l2),
            "For small |a| your weight crosses 0 to the other side of it. Can the optimum have the "
            "opposite sign of a? Where must it stop?",
        ),
        (
            np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + l2),
            "Your function is right for a ≥ 0 only. The problem is symmetric: what is the optimum for −a?",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) / (1.0 + l2) - l1 / 2, 0.0),
            "You shrink a and then apply the threshold (or the other way round, with the wrong "
            "scale). Solve for w > 0 directly, with both penalties in the derivative.",
        ),
        (
            np.sign(a) * np.maximum(np.abs(a) - l1 / 2, 0.0) / (1.0 + 2.0 * l2),
            "The L2 part is too strong. Set the derivative of the whole objective to 0 for w > 0 "
            "and solve again.",
        ),
    ]
    for candidate, hint in mistakes:
        if _same(got, candidate).all():
            return Feedback(False, hint)
    only = [
        (a >= 0, "It is right for a ≥ 0 but not for every a < 0: is the problem symmetric in your code?"),
        (l2 == 0, "It is right when l2 = 0 but not when both penalties act."),
        (l1 == 0, "It is right when l1 = 0 but not when both penalties act."),
    ]
    for subset, hint in only:
        if right[subset].all():
            return Feedback(False, hint)
    first = int(np.flatnonzero(~right)[0])
    w, a_i, l1_i, l2_i = got[first], a[first], l1[first], l2[first]
    below = "exactly 0" if w == 0 else f"w = {w:.4g}"
    return Feedback(
        False,
        f"For a = {a_i:.4g}, l1 = {l1_i:.4g}, l2 = {l2_i:.4g} your function gives {below}, and "
        f"(w − a)² + l1·|w| + l2·w² is lower elsewhere: evaluate it on a fine grid of w to see where.",
    )


# --- one SGD step ----------------------------------------------------------------------------------


def _keras_sgd_step(
    w: NDArray[np.float32], grad: NDArray[np.float32], lr: float, l1: float, l2: float
) -> NDArray[np.float64]:
    """One ``keras.optimizers.SGD`` step on ``sum(grad·w) + L1L2(l1, l2)(w)`` (data gradient ``grad``)."""
    variable = keras.Variable(w)
    regularizer = keras.regularizers.L1L2(l1=l1, l2=l2)
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    with tf.GradientTape() as tape:
        loss = keras.ops.sum(keras.ops.convert_to_tensor(grad) * variable) + regularizer(variable)
    optimizer.apply_gradients([(tape.gradient(loss, variable), variable)])
    return np.array(variable.numpy(), dtype=np.float64)


def _sgd_cases() -> list[tuple[NDArray[np.float32], NDArray[np.float32], float, float, float]]:
    rng = np.random.default_rng(2002)
    cases = []
    for shape, lr, l1, l2 in [
        ((6,), 0.1, 0.0, 0.3),  # L2 alone
        ((3, 4), 0.05, 0.4, 0.0),  # L1 alone
        ((2, 3, 2), 0.2, 0.15, 0.25),
        ((5, 2), 0.01, 0.5, 0.05),
    ]:
        w = rng.normal(size=shape).astype(np.float32)
        w.flat[0] = 0.0  # where |w| has no derivative
        grad = rng.normal(size=shape).astype(np.float32)
        cases.append((w, grad, lr, l1, l2))
    return cases


def check_sgd_step(answer: Callable[..., object] | None) -> Feedback:
    """Chapter 02: a function ``f(w, grad, lr, l1, l2)`` that returns the weights after one plain SGD step.

    The loss is the data loss, whose gradient at ``w`` is ``grad``, plus ``L1L2(l1=l1, l2=l2)`` on ``w``.
    The checker compares the function, on random float32 arrays of several shapes (with a weight at 0
    in each), with what ``keras.optimizers.SGD(learning_rate=lr)`` does to a ``keras.Variable``.
    """
    if answer is None:
        return NOT_ANSWERED
    if not callable(answer):
        raise TypeError(f"answer must be a function f(w, grad, lr, l1, l2), got {type(answer).__name__}")
    for w, grad, lr, l1, l2 in _sgd_cases():
        expected = _keras_sgd_step(w, grad, lr, l1, l2)
        where = f"shape {w.shape}, lr={lr}, l1={l1}, l2={l2}"
        try:
            raw = answer(w.copy(), grad.copy(), lr, l1, l2)
        except Exception as error:  # the learner's code failed: say how, without the answer
            return Feedback(False, f"Your function raised {type(error).__name__}: {error}")
        if raw is None:
            return Feedback(False, "Your function returned None: is a `return` missing?")
        try:
            if isinstance(raw, str | bytes):
                raise TypeError(type(raw).__name__)
            got = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            return Feedback(False, f"Your function must return an array, got {type(raw).__name__}.")
        if got.shape != w.shape:
            return Feedback(False, f"For weights of {where}, your function returns shape {got.shape}.")
        if not np.all(np.isfinite(got)):
            return Feedback(
                False,
                "Your step gives NaN or an infinity, for a weight that is exactly 0? The slope of |w| "
                "has no value there; TensorFlow uses the subgradient 0.",
            )

        def matches(candidate: NDArray[np.float64], got: NDArray[np.float64] = got) -> bool:
            return bool(np.allclose(got, candidate, rtol=1e-5, atol=1e-6))

        if matches(expected):
            continue
        w64, g64 = w.astype(np.float64), grad.astype(np.float64)
        sign = np.sign(w64)
        mistakes = [
            (
                w64 - lr * (g64 + l1 * sign + l2 * w64),
                "Your L2 part is half of Keras's (a factor 1 − lr·l2 on w?). Does Keras's L2 have a ½?",
            ),
            (
                w64 - lr * (g64 + l1 * w64 + 2 * l2 * w64),
                "Your L1 part grows with w. The slope of l1·|w| has the same size for every w ≠ 0.",
            ),
            (
                w64 + lr * (g64 + l1 * sign + 2 * l2 * w64),
                "Your step goes uphill: gradient descent subtracts.",
            ),
            (w64 - lr * (l1 * sign + 2 * l2 * w64), "Your step ignores grad, the gradient of the data loss."),
            (
                w64 - lr * g64 - (l1 * sign + 2 * l2 * w64),
                "The learning rate multiplies the whole gradient, the penalty's part too.",
            ),
            (w64 - lr * g64, "Your step ignores the penalty: its gradient is part of the loss's."),
        ]
        for candidate, hint in mistakes:
            if matches(candidate):
                return Feedback(False, hint)
        wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-6)
        if np.all(w[wrong] == 0):
            return Feedback(
                False,
                "Your step is right except for the weights that are exactly 0. What slope of |w| "
                "does TensorFlow take at 0?",
            )
        if math.isclose(l1, 0.0) or math.isclose(l2, 0.0):
            penalty = "L2" if math.isclose(l1, 0.0) else "L1"
            return Feedback(False, f"Your step differs from Keras's SGD with {penalty} alone ({where}).")
        return Feedback(False, f"Your step differs from Keras's SGD for weights of {where}: check each part.")
    return Feedback(True, "Your step agrees with keras.optimizers.SGD on four random layers.")
