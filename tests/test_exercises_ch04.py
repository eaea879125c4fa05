"""Tests of the chapter 04 checkers: each accepts the right answer, rejects wrong ones with a hint that
does not give the answer away, reminds about None, and refuses an answer of the wrong type.
"""

import re

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch04

# --- check_l1l2_identifier ------------------------------------------------------------------------

RIGHT_IDENTIFIERS = [
    {"class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.01}},
    {"class_name": "l1l2", "config": {"l1": 0.001, "l2": 0.01}},  # the lower-case name Keras accepts
    {"class_name": "L1L2", "config": {"l2": 0.01, "l1": 1e-3}},
    {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.01}},
    keras.regularizers.serialize(keras.regularizers.L1L2(l1=0.001, l2=0.01)),
]

WRONG_IDENTIFIERS = {
    # a string: refused, or a class with its default strengths
    "l1_l2": "refuses",
    "L1L2": "default strengths",
    "l1l2": "default strengths",
    "l2": "default strengths",
    "no such thing": "refuses",
    # dicts that Keras refuses
    "dict with a bad class name": ({"class_name": "l1_l2", "config": {"l1": 0.001, "l2": 0.01}}, "refuses"),
    "dict without a class name": ({"l1": 0.001, "l2": 0.01}, "refuses"),
    "dict with a string strength": ({"class_name": "L1L2", "config": {"l1": "0.001", "l2": 0.01}}, "refuses"),
    "dict with a negative strength": (
        {"class_name": "L1L2", "config": {"l1": -0.001, "l2": 0.01}},
        "refuses",
    ),
    "dict with an unknown argument": ({"class_name": "L1L2", "config": {"lambda": 0.01}}, "refuses"),
    # dicts Keras accepts, with the wrong class or strengths
    "only L1": ({"class_name": "L1", "config": {"l1": 0.001}}, "only an L1"),
    "only L2": ({"class_name": "L2", "config": {"l2": 0.01}}, "only an L2"),
    "both strengths missing": ({"class_name": "L1L2", "config": {}}, "Both strengths are 0"),
    "swapped": ({"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.001}}, "swapped"),
    "l2 missing": ({"class_name": "L1L2", "config": {"l1": 0.001}}, "Check each strength"),
    "ten times too large": ({"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.1}}, "Check each strength"),
    "orthogonal": ({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.01}}, "no L1 and L2"),
}


def _identifier_cases():
    for label, case in WRONG_IDENTIFIERS.items():
        if isinstance(case, str):
            yield pytest.param(label, case, id=f"string {label!r}")
        else:
            yield pytest.param(case[0], case[1], id=label)


# What the right answer looks like: its structure must never appear in a wrong answer's message.
IDENTIFIER_SECRETS = [r"L1L2", r"(?i)l1l2", r"class_name", r"\bconfig\b", r"\{"]


@pytest.mark.parametrize("answer", RIGHT_IDENTIFIERS)
def test_check_l1l2_identifier_accepts_the_right_answer(answer):
    feedback = ch04.check_l1l2_identifier(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


@pytest.mark.parametrize(("answer", "hint"), list(_identifier_cases()))
def test_check_l1l2_identifier_rejects_wrong_answers_with_a_hint(answer, hint):
    feedback = ch04.check_l1l2_identifier(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message
    for secret in IDENTIFIER_SECRETS:
        assert not re.search(secret, feedback.message), (answer, feedback.message)


def test_check_l1l2_identifier_does_not_echo_what_keras_says():
    # Keras's error message repeats the identifier, which may hold the right strengths.
    answer = {"class_name": "l1_l2", "config": {"l1": 0.001, "l2": 0.01}}
    message = ch04.check_l1l2_identifier(answer).message
    assert "ValueError" in message
    assert "0.001" not in message
    assert "l1_l2" not in message


@pytest.mark.parametrize(
    "answer",
    [keras.regularizers.L1L2(l1=0.001, l2=0.01), keras.regularizers.L2(0.01)],
    ids=["the right object", "another object"],
)
def test_check_l1l2_identifier_gives_a_hint_for_a_regularizer_object(answer):
    # An object is not plain data: a hint, not an exception, since it is the likeliest first try.
    feedback = ch04.check_l1l2_identifier(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert "regularizer object" in feedback.message
    for secret in IDENTIFIER_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_l1l2_identifier_none_means_not_answered():
    assert ch04.check_l1l2_identifier(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer",
    [
        keras.regularizers.L1L2,
        0.01,
        (0.001, 0.01),
        ["L1L2", 0.001, 0.01],
        True,
        b"l1_l2",
    ],
    ids=["class", "float", "tuple", "list", "bool", "bytes"],
)
def test_check_l1l2_identifier_rejects_a_wrong_type(answer):
    with pytest.raises(TypeError, match="answer"):
        ch04.check_l1l2_identifier(answer)


# --- check_pull_regularizer -----------------------------------------------------------------------

ops = keras.ops


@keras.saving.register_keras_serializable(package="test_ch04")
class PullTowards(keras.regularizers.Regularizer):
    """The right answer: strength · Σ (w − value)²."""

    def __init__(self, strength=0.01, value=0.0):
        self.strength = strength
        self.value = value

    def __call__(self, weights):
        return self.strength * ops.sum(ops.square(weights - self.value))

    def get_config(self):
        return {"strength": self.strength, "value": self.value}


@keras.saving.register_keras_serializable(package="test_ch04")
class PullTowardsFloat(keras.regularizers.Regularizer):
    """Also right: floats in the config, the square written as a product, keyword-only arguments."""

    def __init__(self, *, strength, value):
        self.strength = float(strength)
        self.value = float(value)

    def __call__(self, weights):
        difference = weights - ops.cast(self.value, weights.dtype)
        return ops.cast(self.strength, weights.dtype) * ops.sum(difference * difference)

    def get_config(self):
        return {"strength": self.strength, "value": self.value}


class Unregistered(PullTowards):
    """Right penalty and config, but not registered."""


@keras.saving.register_keras_serializable(package="test_ch04")
class NoConfig(keras.regularizers.Regularizer):
    def __init__(self, strength=0.01, value=0.0):
        self.strength, self.value = strength, value

    def __call__(self, weights):
        return self.strength * ops.sum(ops.square(weights - self.value))


@keras.saving.register_keras_serializable(package="test_ch04")
class TensorConfig(PullTowards):
    def get_config(self):
        return {"strength": ops.convert_to_tensor(self.strength), "value": self.value}


@keras.saving.register_keras_serializable(package="test_ch04")
class ConfigWithoutValue(PullTowards):
    def get_config(self):
        return {"strength": self.strength}


def _penalty_class(name, formula, registered=True):
    """A registered PullTowards look-alike whose penalty is formula(weights, strength, value)."""

    def call(self, weights):
        return formula(weights, self.strength, self.value)

    cls = type(name, (PullTowards,), {"__call__": call})
    return keras.saving.register_keras_serializable(package="test_ch04")(cls) if registered else cls


IgnoresValue = _penalty_class("IgnoresValue", lambda w, s, v: s * ops.sum(ops.square(w)))
WrongSign = _penalty_class("WrongSign", lambda w, s, v: s * ops.sum(ops.square(w + v)))
NoStrength = _penalty_class("NoStrength", lambda w, s, v: ops.sum(ops.square(w - v)))
Mean = _penalty_class("Mean", lambda w, s, v: s * ops.mean(ops.square(w - v)))
Absolute = _penalty_class("Absolute", lambda w, s, v: s * ops.sum(ops.abs(w - v)))
Twice = _penalty_class("Twice", lambda w, s, v: 2 * s * ops.sum(ops.square(w - v)))
NearlyRight = _penalty_class("NearlyRight", lambda w, s, v: 1.01 * s * ops.sum(ops.square(w - v)))
PerRow = _penalty_class("PerRow", lambda w, s, v: s * ops.sum(ops.square(w - v), axis=-1))
# right on 2-D kernels only: summing over two axes leaves a vector for a 4-D kernel, fails on 1-D
TwoAxes = _penalty_class("TwoAxes", lambda w, s, v: s * ops.sum(ops.square(w - v), axis=(0, 1)))
# the right value everywhere, but exp(2 log|u|) has a NaN gradient where u = 0
NanGradient = _penalty_class(
    "NanGradient", lambda w, s, v: s * ops.sum(ops.exp(2.0 * ops.log(ops.abs(w - v))))
)


@keras.saving.register_keras_serializable(package="test_ch04")
class Positional(PullTowards):
    def __init__(self, s, v):
        super().__init__(s, v)


class NotARegularizer:
    def __init__(self, strength=0.01, value=0.0):
        self.strength, self.value = strength, value

    def __call__(self, weights):
        return self.strength * ops.sum(ops.square(weights - self.value))


# The right answer is code: a wrong answer's message must not show it.
PULL_SECRETS = [r"ops\.", r"square\(", r"\(w - value\)", r"\(w − value\)", r"return self", r"def "]


@pytest.mark.parametrize("answer", [PullTowards, PullTowardsFloat], ids=["plain", "floats"])
def test_check_pull_regularizer_accepts_right_classes(answer):
    feedback = ch04.check_pull_regularizer(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert "Right" in feedback.message


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (Unregistered, "not registered"),
        (NoConfig, "NotImplementedError"),
        (TensorConfig, "plain data"),
        (ConfigWithoutValue, "every argument"),
        (IgnoresValue, "ignores `value`"),
        (WrongSign, "−value"),
        (NoStrength, "strength"),
        (Mean, "average"),
        (Absolute, "absolute values"),
        (Twice, "constant factor"),
        (NearlyRight, "differs from the formula"),
        (PerRow, "one number"),
        (TwoAxes, "one number"),
        (NanGradient, "not finite"),
        (Positional, "cannot be built"),
        (NotARegularizer, "does not subclass"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_check_pull_regularizer_rejects_wrong_classes_with_a_hint(answer, hint):
    feedback = ch04.check_pull_regularizer(answer)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for secret in PULL_SECRETS:
        assert not re.search(secret, feedback.message), (answer, feedback.message)


def test_check_pull_regularizer_finds_a_penalty_right_only_on_some_shapes():
    # TwoAxes is right on 2-D kernels: the checker must also try other shapes to see it is wrong.
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(4, 3)).astype("float32")
    assert np.isclose(float(TwoAxes(0.3, 0.5)(weights)), float(PullTowards(0.3, 0.5)(weights)))
    assert not ch04.check_pull_regularizer(TwoAxes).correct


def test_check_pull_regularizer_none_means_not_answered():
    assert ch04.check_pull_regularizer(None) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer",
    [PullTowards(0.3, 0.5), lambda w: ops.sum(w), "PullTowards", keras.regularizers.L2(0.01), 0.3],
    ids=["instance", "function", "string", "keras instance", "number"],
)
def test_check_pull_regularizer_rejects_a_wrong_type(answer):
    with pytest.raises(TypeError, match="answer"):
        ch04.check_pull_regularizer(answer)


# --- check_conv_penalty ---------------------------------------------------------------------------


def _exercise_model():
    """The exercise model, built as the notebook builds it."""
    keras.utils.set_random_seed(4)
    return keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv_1"),
            keras.layers.Conv2D(8, 3, activation="relu", name="conv_2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ],
        name="exercise_model",
    )


@pytest.fixture(scope="module")
def exercise_model():
    return _exercise_model()


def _target():
    return keras.regularizers.L1L2(l1=1e-4, l2=1e-3)


def by_cloning(model):
    def add(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.Conv2D):
            config["kernel_regularizer"] = _target()
        return type(layer).from_config(config)

    clone = keras.models.clone_model(model, clone_function=add, recursive=True)
    clone.set_weights(model.get_weights())
    return clone


def not_recursive(model):
    """Right on a flat model; without recursive=True the layers of a nested model are left out."""

    def add(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.Conv2D):
            config["kernel_regularizer"] = _target()
        return type(layer).from_config(config)

    clone = keras.models.clone_model(model, clone_function=add)
    clone.set_weights(model.get_weights())
    return clone


def _edit_config(config):
    for layer in config["layers"]:
        if layer["class_name"] == "Conv2D":
            layer["config"]["kernel_regularizer"] = {"class_name": "L1L2", "config": {"l1": 1e-4, "l2": 1e-3}}
        elif layer["class_name"] == "Sequential":
            _edit_config(layer["config"])


def by_config(model):
    config = model.get_config()
    _edit_config(config)
    rebuilt = keras.Sequential.from_config(config)
    rebuilt.set_weights(model.get_weights())
    return rebuilt


def _walk(model):
    for layer in model.layers:
        yield from _walk(layer) if isinstance(layer, keras.Model) else [layer]


def in_place_both(model):
    for layer in _walk(model):
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel_regularizer = _target()
            layer.kernel.regularizer = layer.kernel_regularizer
    return model


def in_place_outer_only(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel_regularizer = _target()
            layer.kernel.regularizer = layer.kernel_regularizer
    return model


def variable_only(model):
    for layer in _walk(model):
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel.regularizer = _target()
    return model


def attribute_only(model):
    for layer in _walk(model):
        if isinstance(layer, keras.layers.Conv2D):
            layer.kernel_regularizer = _target()
    return model


def cloning_with(regularizer, condition=lambda layer: isinstance(layer, keras.layers.Conv2D), bias=False):
    def answer(model):
        def add(layer):
            config = layer.get_config()
            if condition(layer):
                config["kernel_regularizer"] = regularizer()
                if bias:
                    config["bias_regularizer"] = regularizer()
            return type(layer).from_config(config)

        clone = keras.models.clone_model(model, clone_function=add)
        clone.set_weights(model.get_weights())
        return clone

    return answer


def without_weights(model):
    return cloning_with(_target)(model).__class__.from_config(cloning_with(_target)(model).get_config())


def by_names(model):
    for name in ("conv_1", "conv_2"):
        layer = model.get_layer(name)
        layer.kernel_regularizer = _target()
        layer.kernel.regularizer = layer.kernel_regularizer
    return model


def first_only(model):
    layer = model.layers[0]
    layer.kernel_regularizer = _target()
    layer.kernel.regularizer = layer.kernel_regularizer
    return model


def returns_nothing(model):
    in_place_both(model)


def raises(model):
    raise RuntimeError("not written yet")


@pytest.mark.parametrize("answer", [by_cloning, by_config, in_place_both], ids=lambda f: f.__name__)
def test_check_conv_penalty_accepts_the_ways_that_work(answer, exercise_model):
    feedback = ch04.check_conv_penalty(answer, exercise_model)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback


def test_check_conv_penalty_leaves_the_learners_model_alone(exercise_model):
    before = [w.copy() for w in exercise_model.get_weights()]
    ch04.check_conv_penalty(in_place_both, exercise_model)
    assert not exercise_model.losses
    assert all(np.array_equal(a, b) for a, b in zip(before, exercise_model.get_weights(), strict=True))


WRONG_CONV_ANSWERS = {
    "variable only": (variable_only, "lost when the model is saved"),
    "attribute only": (attribute_only, "kernel variable has no regularizer"),
    "L2 only": (cloning_with(lambda: keras.regularizers.L2(1e-3)), "L2 penalty"),
    "l2 1.01 times": (
        cloning_with(lambda: keras.regularizers.L1L2(l1=1e-4, l2=1.01e-3)),
        "differ from the task",
    ),
    "swapped": (cloning_with(lambda: keras.regularizers.L1L2(l1=1e-3, l2=1e-4)), "differ from the task"),
    "every layer": (cloning_with(_target, condition=lambda layer: hasattr(layer, "kernel")), "not a Conv2D"),
    "bias too": (cloning_with(_target, bias=True), "penalizes its bias"),
    "weights not copied": (without_weights, "weights"),
    "by layer names": (by_names, "another model"),
    "first layer only": (first_only, "'conv_2' has no penalty"),
    "not recursive": (not_recursive, "inside the nested model, has no penalty"),
    "in place, outer layers only": (in_place_outer_only, "go down into nested models"),
    "returns nothing": (returns_nothing, "must return a keras model"),
    "raises": (raises, "RuntimeError"),
}

# The strengths and the calls that solve the exercise must not appear in a hint.
CONV_SECRETS = [r"1e-0?4", r"0\.0001", r"1e-0?3", r"0\.001", r"clone_model", r"set_weights", r"from_config"]


@pytest.mark.parametrize(("answer", "hint"), list(WRONG_CONV_ANSWERS.values()), ids=list(WRONG_CONV_ANSWERS))
def test_check_conv_penalty_rejects_wrong_answers_with_a_hint(answer, hint, exercise_model):
    feedback = ch04.check_conv_penalty(answer, exercise_model)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for secret in CONV_SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_check_conv_penalty_tries_a_nested_model(exercise_model):
    # not_recursive is right on the exercise model itself: only the nested model shows it is wrong.
    flat = not_recursive(ch04._copy(exercise_model))
    assert len(flat.losses) == 2
    assert ch04._layer_feedback(flat, "the exercise model") is None
    nested = not_recursive(ch04._nested_model())
    assert len(nested.losses) == 1
    assert not ch04.check_conv_penalty(not_recursive, exercise_model).correct
    assert ch04.check_conv_penalty(by_cloning, exercise_model).correct


def test_check_conv_penalty_none_means_not_answered(exercise_model):
    assert ch04.check_conv_penalty(None, exercise_model) == NOT_ANSWERED


@pytest.mark.parametrize("answer", ["by_cloning", 3, _exercise_model()], ids=["string", "number", "a model"])
def test_check_conv_penalty_rejects_an_answer_of_the_wrong_type(answer, exercise_model):
    with pytest.raises(TypeError, match="answer"):
        ch04.check_conv_penalty(answer, exercise_model)


def test_check_conv_penalty_rejects_a_bad_model():
    with pytest.raises(TypeError, match="model"):
        ch04.check_conv_penalty(by_cloning, "exercise_model")
    unbuilt = keras.Sequential([keras.layers.Conv2D(8, 3), keras.layers.Flatten(), keras.layers.Dense(10)])
    with pytest.raises(ValueError, match="model"):
        ch04.check_conv_penalty(by_cloning, unbuilt)
