"""Checkers of the chapter 04 exercises: the Keras API for weight penalties."""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from course_utils._validation import built_model
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close

#: The strengths the identifier exercise asks for.
TARGET_L1 = 0.001
TARGET_L2 = 0.01

#: The strengths the exercise on an already-built model asks for, on every Conv2D kernel.
CONV_L1 = 1e-4
CONV_L2 = 1e-3

#: (strength, value) pairs and weight shapes on which the PullTowards class is tried.
_PULL_SETTINGS = [(0.3, 0.5), (0.01, -0.2), (2.0, 0.0), (0.05, 1.5)]
_PULL_SHAPES = [(6, 4), (3, 3, 2, 5), (7,)]


def check_l1l2_identifier(answer: str | dict[str, Any] | keras.regularizers.Regularizer | None) -> Feedback:
    """Chapter 04: plain data that ``keras.regularizers.get`` turns into L1 0.001 plus L2 0.01.

    The answer must be a string or a dict (the kind of identifier a layer argument or a config file
    can hold); a regularizer object gets a hint, any other type a TypeError.
    """
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, keras.regularizers.Regularizer):
        return Feedback(
            False,
            "That is a regularizer object, which a settings file cannot hold. Write the plain data "
            "(strings, numbers, dicts) from which keras.regularizers.get builds it.",
        )
    if not isinstance(answer, str | dict):
        raise TypeError(
            "answer must be a string or a dict (plain data, not a regularizer object), "
            f"got {type(answer).__name__}"
        )
    try:
        regularizer = keras.regularizers.get(answer)
    except Exception as error:  # the learner's identifier: say that Keras refused it, not why in detail
        return Feedback(
            False,
            f"keras.regularizers.get refuses this identifier ({type(error).__name__}). "
            "Try it in a cell, and compare it with the working examples of this chapter.",
        )
    if isinstance(answer, str):
        return Feedback(
            False,
            "A string only names a class, which Keras then builds with its default strengths. "
            "You need an identifier that carries the strengths too.",
        )
    if not isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2 | keras.regularizers.L1L2):
        return Feedback(
            False, f"That builds a {type(regularizer).__name__}, which has no L1 and L2 strengths."
        )
    config = regularizer.get_config()
    l1, l2 = float(config.get("l1", 0.0)), float(config.get("l2", 0.0))
    if close(l1, TARGET_L1) and close(l2, TARGET_L2):  # only L1L2 can have both strengths above 0
        return Feedback(True, "Right: a dict names the class and carries its arguments, like a saved model.")
    if isinstance(regularizer, keras.regularizers.L1 | keras.regularizers.L2):
        kind = "L1" if isinstance(regularizer, keras.regularizers.L1) else "L2"
        return Feedback(False, f"That gives only an {kind} penalty. Which class holds both?")
    if l1 == 0.0 and l2 == 0.0:
        return Feedback(
            False, "Both strengths are 0: Keras used the class defaults. Did the strengths arrive?"
        )
    if close(l1, TARGET_L2) and close(l2, TARGET_L1):
        return Feedback(False, "The two strengths are swapped.")
    return Feedback(False, f"Keras built l1={l1:.3g}, l2={l2:.3g}. Check each strength against the task.")


# --- a custom regularizer that survives saving ------------------------------------------------------


def _as_float(value: Any) -> float | None:
    """Return what a regularizer returned as a float, or None if it is not one number."""
    try:
        array = np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)
    except Exception:
        return None
    return float(array) if array.shape == () else None


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else ""
    return f"{type(error).__name__}: {line[:120]}" if line else type(error).__name__


def _diagnose_pull(got: float, weights: NDArray[np.float64], strength: float, value: float) -> str:
    """Name the likely mistake in a penalty that differs from strength · Σ (w − value)²."""
    candidates = {
        "Your penalty ignores `value`: it pulls the weights towards 0, like L2.": strength
        * np.sum(weights**2),
        "Your penalty pulls the weights towards −value: check the sign inside the square.": strength
        * np.sum((weights + value) ** 2),
        "Your penalty does not change with `strength`: multiply by it.": np.sum((weights - value) ** 2),
        "Your penalty is an average: Keras's penalties are sums over all the weights.": strength
        * np.mean((weights - value) ** 2),
        "Your penalty uses absolute values: the task asks for squares.": strength
        * np.sum(np.abs(weights - value)),
    }
    for hint, expected in candidates.items():
        if math.isclose(got, float(expected), rel_tol=1e-4, abs_tol=1e-7):
            return hint
    expected = float(strength * np.sum((weights - value) ** 2))
    if expected and got and math.isclose(got / expected, round(got / expected), rel_tol=1e-4):
        return "Your penalty is off by a constant factor."
    if expected and got and math.isclose(expected / got, round(expected / got), rel_tol=1e-4):
        return "Your penalty is off by a constant factor."
    return "Your penalty differs from the formula of the task on random weights."


def _pull_value_feedback(answer: type) -> Feedback | None:
    """Compare the penalty with the formula on random weights; None when it matches."""
    rng = np.random.default_rng(4)
    for strength, value in _PULL_SETTINGS:
        regularizer = answer(strength=strength, value=value)
        for shape in _PULL_SHAPES:
            weights = rng.normal(size=shape).astype(np.float32)
            try:
                result = regularizer(keras.ops.convert_to_tensor(weights))
            except Exception as error:
                return Feedback(
                    False, f"Calling your regularizer on weights of shape {shape} raised {_first_line(error)}"
                )
            got = _as_float(result)
            if got is None:
                return Feedback(
                    False,
                    f"On weights of shape {shape} your regularizer does not return one number: "
                    "a penalty is a single scalar, summed over every weight.",
                )
            expected = float(strength * np.sum((weights.astype(np.float64) - value) ** 2))
            if not math.isclose(got, expected, rel_tol=1e-4, abs_tol=1e-6):
                hint = _diagnose_pull(got, weights.astype(np.float64), strength, value)
                return Feedback(False, f"{hint} (strength={strength}, value={value}, shape {shape})")
    return None


def _gradient_feedback(answer: type) -> Feedback | None:
    """Check that the gradient is finite at w = value and at w = 0; None when it is."""
    regularizer = answer(strength=0.3, value=0.5)
    for label, start in (("w = value", 0.5), ("w = 0", 0.0)):
        variable = tf.Variable(np.full((4, 3), start, dtype=np.float32))
        try:
            with tf.GradientTape() as tape:
                penalty = regularizer(variable)
            gradient = tape.gradient(penalty, variable)
        except Exception as error:
            return Feedback(False, f"Taking the gradient of your penalty raised {_first_line(error)}.")
        if gradient is None:
            return Feedback(
                False, "Your penalty has no gradient with respect to the weights: compute it with keras.ops."
            )
        if not np.all(np.isfinite(gradient.numpy())):
            return Feedback(False, f"The gradient of your penalty is not finite at {label}.")
    return None


def _config_feedback(answer: type) -> Feedback | None:
    """get_config must give plain data from which from_config rebuilds the same penalty."""
    regularizer = answer(strength=0.3, value=0.5)
    try:
        config = regularizer.get_config()
    except NotImplementedError:
        return Feedback(
            False,
            "get_config raises NotImplementedError (the base class's): Keras cannot save your "
            "regularizer. Return the constructor's arguments.",
        )
    except Exception as error:
        return Feedback(False, f"get_config raised {_first_line(error)}.")
    if not isinstance(config, dict):
        return Feedback(False, f"get_config must return a dict, got {type(config).__name__}.")
    try:
        json.dumps(config)
    except TypeError:
        return Feedback(
            False,
            "get_config holds something that is not plain data (a tensor?): a .keras file stores "
            "the config as JSON, so return Python floats.",
        )
    try:
        rebuilt = answer.from_config(config)  # type: ignore[attr-defined]  # a Regularizer subclass
    except Exception as error:
        return Feedback(False, f"from_config(get_config()) raised {_first_line(error)}.")
    weights = np.random.default_rng(5).normal(size=(5, 3)).astype(np.float32)
    before = _as_float(regularizer(keras.ops.convert_to_tensor(weights)))
    after = _as_float(rebuilt(keras.ops.convert_to_tensor(weights)))
    if before is None or after is None or not math.isclose(before, after, rel_tol=1e-6, abs_tol=1e-9):
        return Feedback(
            False,
            "from_config(get_config()) builds a regularizer with another penalty: does get_config "
            "return every argument of the constructor?",
        )
    return None


def _save_feedback(answer: type) -> Feedback | None:
    """Check that a model with the regularizer comes back from a .keras file; None if it does."""
    keras.utils.set_random_seed(6)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, kernel_regularizer=answer(strength=0.3, value=0.5))]
    )
    saved = float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pull.keras"
        try:
            with warnings.catch_warnings():  # Keras's own warnings are not the learner's concern
                warnings.simplefilter("ignore")
                model.save(path)
                loaded = keras.models.load_model(path, compile=False)
        except Exception as error:
            return Feedback(False, f"Saving and loading a model with your class fails: {_first_line(error)}")
    restored = loaded.layers[0].kernel_regularizer
    if type(restored).__name__ != answer.__name__ or not isinstance(restored, keras.regularizers.Regularizer):
        return Feedback(False, "After loading, the layer does not hold your regularizer any more.")
    again = float(sum(keras.ops.convert_to_numpy(loss) for loss in loaded.losses))
    if not math.isclose(saved, again, rel_tol=1e-5, abs_tol=1e-8):
        return Feedback(False, "After loading, the model's penalty is not the one it had when saved.")
    return None


def check_pull_regularizer(answer: type | None) -> Feedback:
    """Chapter 04: a class ``PullTowards(strength, value)`` with penalty strength · Σ (w − value)².

    The answer is the class itself. It must subclass ``keras.regularizers.Regularizer``, take
    ``strength`` and ``value`` as keyword arguments, compute the formula on weights of any shape,
    have a finite gradient, return its arguments from ``get_config``, be registered with
    ``@keras.saving.register_keras_serializable``, and come back from a ``.keras`` file with the
    same penalty.
    """
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, keras.regularizers.Regularizer):
        raise TypeError("answer must be your class itself (for example PullTowards), not an instance of it")
    if not isinstance(answer, type):
        raise TypeError(f"answer must be a class (your regularizer), got {type(answer).__name__}")
    if not issubclass(answer, keras.regularizers.Regularizer):
        return Feedback(
            False,
            "Your class does not subclass keras.regularizers.Regularizer, the base class that "
            "Keras's layers, saving and loading expect.",
        )
    try:
        answer(strength=0.3, value=0.5)
    except TypeError as error:
        return Feedback(
            False,
            "Your class cannot be built as answer(strength=..., value=...): "
            f"{_first_line(error)}. Name the constructor's arguments strength and value.",
        )
    except Exception as error:
        return Feedback(False, f"Building your regularizer raised {_first_line(error)}.")
    for step in (_pull_value_feedback, _gradient_feedback, _config_feedback):
        feedback = step(answer)
        if feedback is not None:
            return feedback
    name = keras.saving.get_registered_name(answer)
    if keras.saving.get_registered_object(name) is not answer:
        return Feedback(
            False,
            "Your class is not registered, so a .keras file that names it cannot be loaded: "
            "decorate it with @keras.saving.register_keras_serializable(...) and run the cell again.",
        )
    feedback = _save_feedback(answer)
    if feedback is not None:
        return feedback
    return Feedback(
        True,
        "Right: the formula on any shape, a finite gradient, and it survives a save.",
    )


# --- a penalty on the Conv2D kernels of a model that is already built --------------------------------


def _is_target(regularizer: object) -> bool:
    if not isinstance(regularizer, keras.regularizers.L1L2):
        return False
    config = regularizer.get_config()
    return close(float(config["l1"]), CONV_L1) and close(float(config["l2"]), CONV_L2)


def _copy(model: keras.Model) -> keras.Model:
    """Return a fresh model with the same configs and weights, so that the learner's stays intact."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def _second_model() -> keras.Model:
    """Another built model, with other layer names and another count of Conv2D layers."""
    keras.utils.set_random_seed(7)
    return keras.Sequential(
        [
            keras.Input((6, 6, 2)),
            keras.layers.Conv2D(4, 3, activation="relu", name="features"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(5, activation="relu", name="dense_hidden"),
            keras.layers.Dense(3, activation="softmax", name="scores"),
        ],
        name="another_model",
    )


def _nested_model() -> keras.Model:
    """Return a built model that holds another model (a base) with a Conv2D layer of its own."""
    keras.utils.set_random_seed(9)
    base = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Conv2D(4, 3, activation="relu", name="base_conv")],
        name="base",
    )
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            base,
            keras.layers.Conv2D(4, 3, activation="relu", name="top_conv"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(3, activation="softmax", name="scores"),
        ],
        name="nested_model",
    )


def _leaves(model: keras.Model) -> list[tuple[keras.layers.Layer, bool]]:
    """Every layer that is not itself a model, with True for the layers inside a nested model."""
    found: list[tuple[keras.layers.Layer, bool]] = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.extend((inner, True) for inner, _ in _leaves(layer))
        else:
            found.append((layer, False))
    return found


def _layer_feedback(result: keras.Model, model_label: str) -> Feedback | None:
    """Every Conv2D kernel carries the target penalty, counted by Keras; nothing else is penalized."""
    leaves = _leaves(result)
    convs = [layer for layer, _ in leaves if isinstance(layer, keras.layers.Conv2D)]
    if not convs:
        return Feedback(False, f"The model your function returns for {model_label} has no Conv2D layer left.")
    for layer, inside in leaves:
        kernel = getattr(layer, "kernel", None)
        counted = getattr(kernel, "regularizer", None)
        declared = getattr(layer, "kernel_regularizer", None)
        if isinstance(layer, keras.layers.Conv2D):
            if counted is None and declared is not None:
                return Feedback(
                    False,
                    f"In {model_label}, layer {layer.name!r} has kernel_regularizer set, but its kernel "
                    "variable has no regularizer, so Keras does not count it (model.losses ignores it).",
                )
            if counted is None and inside:
                return Feedback(
                    False,
                    f"In {model_label}, layer {layer.name!r}, inside the nested model, has no penalty: "
                    "your function changes only the outer layers. Make it go down into nested models.",
                )
            if counted is None:
                return Feedback(False, f"In {model_label}, the kernel of layer {layer.name!r} has no penalty")
            if not isinstance(counted, keras.regularizers.L1L2):
                return Feedback(
                    False,
                    f"In {model_label}, layer {layer.name!r} has a {type(counted).__name__} penalty: "
                    "the task asks for one regularizer with an L1 and an L2 part.",
                )
            if not _is_target(counted):
                return Feedback(
                    False, f"In {model_label}, the strengths on layer {layer.name!r} differ from the task."
                )
        elif counted is not None or declared is not None:
            return Feedback(
                False, f"In {model_label}, layer {layer.name!r} is not a Conv2D, and it has a kernel penalty."
            )
        bias = getattr(layer, "bias", None)
        if getattr(bias, "regularizer", None) is not None or getattr(layer, "bias_regularizer", None):
            return Feedback(False, f"In {model_label}, layer {layer.name!r} penalizes its bias: only kernels")
    if len(result.losses) != len(convs):
        return Feedback(
            False,
            f"In {model_label}, model.losses holds {len(result.losses)} tensors for "
            f"{len(convs)} Conv2D kernels.",
        )
    return None


def _run(answer: Callable[[keras.Model], Any], model: keras.Model, label: str) -> keras.Model | Feedback:
    """Call the learner's function on a copy of ``model``; a Feedback if that fails."""
    try:
        result = answer(_copy(model))
    except Exception as error:
        return Feedback(False, f"Your function raised {_first_line(error)} on {label}.")
    if not isinstance(result, keras.Model):
        return Feedback(
            False, f"Your function must return a keras model; on {label} it returned {type(result).__name__}."
        )
    return result


def _penalty(model: keras.Model) -> float:
    return float(sum(keras.ops.convert_to_numpy(loss) for loss in model.losses))


def _expected_penalty(model: keras.Model) -> float:
    total = 0.0
    for layer, _ in _leaves(model):
        if isinstance(layer, keras.layers.Conv2D):
            kernel = np.asarray(layer.kernel.numpy(), dtype=np.float64)
            total += CONV_L1 * np.abs(kernel).sum() + CONV_L2 * np.square(kernel).sum()
    return float(total)


def check_conv_penalty(answer: Callable[[keras.Model], keras.Model] | None, model: keras.Model) -> Feedback:
    """Chapter 04: a function that adds ``L1L2(l1=1e-4, l2=1e-3)`` to every Conv2D kernel of a built model.

    ``answer`` is the learner's function, model -> model; ``model`` is the exercise's built model.
    The checker calls the function on a copy of ``model``, on a second model with other layer
    names and on a model that holds another model (a base with a Conv2D). It checks that every
    Conv2D kernel, and nothing else, carries the penalty, that the weights are those of the model
    given, that one training step adds the penalty to the loss, and that the penalty survives a
    ``.keras`` save and load.
    """
    if answer is None:
        return NOT_ANSWERED
    if isinstance(answer, keras.Model) or not callable(answer):
        raise TypeError(
            "answer must be your function (it takes a model and returns a model), "
            f"got {type(answer).__name__}"
        )
    built_model(model, "model")
    result = _run(answer, model, "the exercise model")
    if isinstance(result, Feedback):
        return result
    if [type(layer) for layer in result.layers] != [type(layer) for layer in model.layers]:
        return Feedback(False, "The model your function returns does not have the layers of the one given.")
    given = model.get_weights()
    returned = result.get_weights()
    if len(given) != len(returned) or not all(
        a.shape == b.shape and np.allclose(a, b) for a, b in zip(given, returned, strict=True)
    ):
        return Feedback(
            False,
            "The weights of the model your function returns are not those of the model it was given: "
            "a pretrained model must keep its weights.",
        )
    feedback = _layer_feedback(result, "the exercise model")
    if feedback is not None:
        return feedback
    expected = _expected_penalty(result)
    if not math.isclose(_penalty(result), expected, rel_tol=1e-4, abs_tol=1e-8):
        return Feedback(False, "sum(model.losses) differs from the penalty of the Conv2D kernels.")
    other = _run(answer, _second_model(), "another model")
    if isinstance(other, Feedback):
        return other
    feedback = _layer_feedback(other, "another model (other layer names, one Conv2D layer)")
    if feedback is not None:
        return feedback
    nested = _run(answer, _nested_model(), "a model that holds another model")
    if isinstance(nested, Feedback):
        return nested
    feedback = _layer_feedback(nested, "a model that holds another model (a base with a Conv2D)")
    if feedback is not None:
        return feedback
    # One training step with a learning rate of 0: the loss it reports is data loss + penalty.
    rng = np.random.default_rng(8)
    x = rng.random((16, *result.input_shape[1:])).astype(np.float32)
    y = rng.integers(0, result.output_shape[-1], size=16)
    result.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="data_loss")],
    )
    logs = result.train_on_batch(x, y, return_dict=True)
    if not math.isclose(float(logs["loss"]) - float(logs["data_loss"]), expected, rel_tol=1e-3, abs_tol=1e-6):
        return Feedback(False, "In a training step, the loss is not the data loss plus the Conv2D penalties.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "exercise.keras"
        try:
            with warnings.catch_warnings():  # Keras's own warnings are not the learner's concern
                warnings.simplefilter("ignore")
                result.save(path)
                loaded = keras.models.load_model(path, compile=False)
        except Exception as error:
            return Feedback(
                False, f"Saving and loading the model your function returned fails: {_first_line(error)}"
            )
    if len(loaded.losses) != len(result.losses) or not math.isclose(
        _penalty(loaded), expected, rel_tol=1e-4, abs_tol=1e-8
    ):
        return Feedback(
            False,
            "The penalty is lost when the model is saved and loaded: the layers' configs do not "
            "record it. Build the model from configs that carry the regularizer.",
        )
    return Feedback(
        True,
        "Right: only the Conv2D kernels, counted in training and kept in the file.",
    )
