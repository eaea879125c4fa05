"""Tests of the chapter 05 checkers: each accepts the right answer, rejects wrong ones without giving
the right one away, reminds about None, refuses an answer of the wrong type, and names a bad argument.
"""

import re

import keras
import numpy as np
import pytest

from course_utils import seed_everything
from course_utils.exercises import NOT_ANSWERED, Feedback, ch05

L1, L2 = 0.02, 0.05


def conv_model(bias_value=0.5):
    """Seed 000's example 4 on a small image, with a bias that is not zero (as after training)."""
    seed_everything(0)
    layer = keras.layers.Conv2D(
        filters=3, kernel_size=(3, 3), kernel_regularizer=keras.regularizers.L1L2(l1=L1, l2=L2)
    )
    model = keras.Sequential(
        [keras.Input((5, 5, 1)), layer, keras.layers.Flatten(), keras.layers.Dense(2, activation="softmax")]
    )
    layer.bias.assign(np.full(layer.bias.shape, bias_value, dtype="float32"))
    return model, layer


def dense_model():
    """Seed 000's example 3 in small: kernel and bias with L2, an unregularized output layer."""
    seed_everything(0)
    layer = keras.layers.Dense(
        4, kernel_regularizer=keras.regularizers.L2(l2=L2), bias_regularizer=keras.regularizers.L2(l2=L2)
    )
    model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(2, activation="softmax")])
    layer.bias.assign(np.array([0.3, -0.2, 0.1, 0.4], dtype="float32"))
    return model, layer


@pytest.fixture(scope="module")
def conv():
    return conv_model()


@pytest.fixture(scope="module")
def dense():
    return dense_model()


def kernel_of(layer):
    return np.asarray(layer.kernel.numpy(), dtype=np.float64)


def numbers_in(message):
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", message)]


# --- check_layer_penalty ---------------------------------------------------------------------------


def conv_penalty(layer):
    w = kernel_of(layer)
    return L1 * np.abs(w).sum() + L2 * np.square(w).sum()


def conv_wrong_answers(layer):
    """Each usual slip, with the hint it must get."""
    w = kernel_of(layer)
    b = np.asarray(layer.bias.numpy(), dtype=np.float64)
    l1_part, l2_part = L1 * np.abs(w).sum(), L2 * np.square(w).sum()
    return [
        (l1_part, "only the L1 part"),
        (l2_part, "only the L2 part"),
        (l1_part + 0.5 * l2_part, "1/2"),
        (l1_part + L2 * np.sqrt(np.square(w).sum()), "squared norm"),
        (L1 * w.sum() + l2_part, "cancel"),
        (np.abs(w).sum() + np.square(w).sum(), "strength λ"),
        (l1_part + l2_part + L1 * np.abs(b).sum() + L2 * np.square(b).sum(), "bias too"),
        (-(l1_part + l2_part), "never negative"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (0.0, "Not quite"),
        (1.1 * (l1_part + l2_part), "Not quite"),
    ]


def test_check_layer_penalty_accepts_the_right_answer(conv):
    _, layer = conv
    expected = conv_penalty(layer)
    for answer in [expected, float(expected), np.float32(expected), np.float64(expected), expected * 1.0002]:
        feedback = ch05.check_layer_penalty(answer, layer)
        assert isinstance(feedback, Feedback)
        assert feedback.correct is True, (answer, feedback)
        assert feedback.message


def test_check_layer_penalty_agrees_with_keras(conv):
    _, layer = conv
    assert ch05.check_layer_penalty(float(sum(layer.losses)), layer).correct


def test_check_layer_penalty_rejects_wrong_answers_with_their_hint(conv):
    _, layer = conv
    for answer, hint in conv_wrong_answers(layer):
        feedback = ch05.check_layer_penalty(answer, layer)
        assert feedback.correct is False, (answer, feedback)
        assert feedback != NOT_ANSWERED
        assert hint in feedback.message, (answer, feedback)


def test_check_layer_penalty_never_shows_the_right_answer(conv):
    _, layer = conv
    expected = conv_penalty(layer)
    for answer, _ in conv_wrong_answers(layer):
        message = ch05.check_layer_penalty(answer, layer).message
        assert not any(np.isclose(n, expected, rtol=1e-2) for n in numbers_in(message)), message
        assert f"{expected:.3f}"[:4] not in message


def test_check_layer_penalty_counts_a_regularized_bias(dense):
    _, layer = dense
    w, b = kernel_of(layer), np.asarray(layer.bias.numpy(), dtype=np.float64)
    assert ch05.check_layer_penalty(L2 * (np.square(w).sum() + np.square(b).sum()), layer).correct
    forgot_bias = ch05.check_layer_penalty(L2 * np.square(w).sum(), layer)
    assert not forgot_bias.correct
    assert (
        "1/2"
        in ch05.check_layer_penalty(0.5 * L2 * np.square(w).sum() + L2 * np.square(b).sum(), layer).message
    )


def test_check_layer_penalty_follows_the_current_weights():
    _, layer = conv_model()
    before = conv_penalty(layer)
    layer.kernel.assign(layer.kernel.numpy() * 2)
    assert ch05.check_layer_penalty(conv_penalty(layer), layer).correct
    assert not ch05.check_layer_penalty(before, layer).correct


def test_check_layer_penalty_none_means_not_answered(conv):
    assert ch05.check_layer_penalty(None, conv[1]) == NOT_ANSWERED


@pytest.mark.parametrize("answer", ["0.5", True, [0.5], np.array([0.5]), 0.5j, {"penalty": 0.5}], ids=repr)
def test_check_layer_penalty_refuses_an_answer_of_the_wrong_type(conv, answer):
    with pytest.raises(TypeError, match="answer"):
        ch05.check_layer_penalty(answer, conv[1])


@pytest.mark.parametrize("layer", [None, 3, "conv2d", np.zeros((3, 3))], ids=repr)
def test_check_layer_penalty_refuses_what_is_not_a_layer(layer):
    with pytest.raises(TypeError, match="layer"):
        ch05.check_layer_penalty(0.5, layer)


def test_check_layer_penalty_refuses_an_unbuilt_layer():
    layer = keras.layers.Dense(4, kernel_regularizer="l2")
    with pytest.raises(ValueError, match="layer"):
        ch05.check_layer_penalty(0.5, layer)


def test_check_layer_penalty_refuses_a_layer_without_a_regularizer(conv):
    model, _ = conv
    with pytest.raises(ValueError, match="layer"):
        ch05.check_layer_penalty(0.5, model.layers[-1])


# --- check_penalized_count -------------------------------------------------------------------------

# dense_model(): kernel 3 × 4 and bias 4 are regularized; the output layer (4 × 2 + 2) is not.
COUNT = 16
COUNT_WRONG = {
    12: "kernel only",  # the kernel alone
    26: "every parameter",  # model.count_params()
    2: "penalty terms",  # the number of terms
    0: "positive",
    -16: "positive",
    4: "Not quite",
    17: "Not quite",
    15: "Not quite",
}


@pytest.mark.parametrize("answer", [COUNT, np.int64(COUNT), np.int32(COUNT)], ids=repr)
def test_check_penalized_count_accepts_the_right_answer(dense, answer):
    feedback = ch05.check_penalized_count(answer, dense[0])
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


@pytest.mark.parametrize(("answer", "hint"), COUNT_WRONG.items())
def test_check_penalized_count_rejects_wrong_answers_with_their_hint(dense, answer, hint):
    feedback = ch05.check_penalized_count(answer, dense[0])
    assert feedback.correct is False
    assert feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback
    assert not re.search(rf"\b{COUNT}\b", feedback.message), feedback


def test_check_penalized_count_none_means_not_answered(dense):
    assert ch05.check_penalized_count(None, dense[0]) == NOT_ANSWERED


@pytest.mark.parametrize("answer", [16.0, "16", True, [16], np.array([16]), np.float64(16.0)], ids=repr)
def test_check_penalized_count_refuses_an_answer_of_the_wrong_type(dense, answer):
    with pytest.raises(TypeError, match="answer"):
        ch05.check_penalized_count(answer, dense[0])


@pytest.mark.parametrize("model", [None, 16, "model", keras.layers.Dense(2)], ids=repr)
def test_check_penalized_count_refuses_what_is_not_a_model(model):
    with pytest.raises(TypeError, match="model"):
        ch05.check_penalized_count(COUNT, model)


def test_check_penalized_count_refuses_an_unbuilt_model():
    model = keras.Sequential([keras.layers.Dense(2, kernel_regularizer="l2")])
    with pytest.raises(ValueError, match="model"):
        ch05.check_penalized_count(COUNT, model)


def test_check_penalized_count_refuses_a_model_without_a_regularizer():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="model"):
        ch05.check_penalized_count(COUNT, model)


# --- the seed's examples themselves ----------------------------------------------------------------


def test_the_seed_examples_penalize_what_the_chapter_says():
    """Example 3 covers 64 × 256 + 256 numbers on the flat digits; example 4 the 288 of its kernel."""
    example_3 = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(
                256,
                kernel_regularizer=keras.regularizers.L2(l2=0.05),
                bias_regularizer=keras.regularizers.L2(l2=0.05),
            ),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    example_4 = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(
                filters=32, kernel_size=(3, 3), kernel_regularizer=keras.regularizers.L1L2(l1=0.02, l2=0.05)
            ),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert ch05.check_penalized_count(64 * 256 + 256, example_3).correct
    assert "kernel only" in ch05.check_penalized_count(64 * 256, example_3).message
    assert ch05.check_penalized_count(3 * 3 * 1 * 32, example_4).correct
    assert "every parameter" in ch05.check_penalized_count(example_4.count_params(), example_4).message
    conv = example_4.layers[0]
    assert ch05.check_layer_penalty(conv_penalty(conv), conv).correct
