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
    """Pramoditha's example 4 on a small image, with a bias that is not zero (as after training)."""
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
    """Pramoditha's example 3 in small: kernel and bias with L2, an unregularized output layer."""
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


# --- check_loophole_closed -----------------------------------------------------------------------


def example_4_model(output_regularizer=None, filters=32, activation=None):
    """Example 4 as the chapter builds it: flat pixels, reshape, the Conv2D, flatten, softmax."""
    seed_everything(0)
    return keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.Conv2D(
                filters=filters,
                kernel_size=(3, 3),
                activation=activation,
                kernel_regularizer=keras.regularizers.L1L2(l1=L1, l2=L2),
            ),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax", kernel_regularizer=output_regularizer),
        ]
    )


def penalty_of(model):
    return float(sum(float(loss) for loss in model.losses))


def rescale(model, a):
    conv, output = model.layers[1], model.layers[-1]
    conv.kernel.assign(conv.kernel * a)
    conv.bias.assign(conv.bias * a)
    output.kernel.assign(output.kernel / a)


def balanced(model):
    """Rescale the model to the scale of lowest penalty (what training to convergence reaches)."""
    weights = model.get_weights()
    scales = np.geomspace(0.05, 20.0, 4001)
    values = []
    for a in scales:
        rescale(model, a)
        values.append(penalty_of(model))
        model.set_weights(weights)
    rescale(model, scales[int(np.argmin(values))])
    return model


@pytest.mark.parametrize("activation", [None, "relu"])
def test_check_loophole_closed_accepts_a_balanced_model(activation):
    model = balanced(example_4_model(keras.regularizers.L2(0.05), activation=activation))
    feedback = ch05.check_loophole_closed(model)
    assert isinstance(feedback, Feedback)
    assert feedback.correct is True, feedback
    assert feedback.message


def test_check_loophole_closed_accepts_a_model_trained_with_both_penalties():
    x = np.random.default_rng(0).uniform(size=(60, 64)).astype("float32")
    y = np.arange(60) % 10
    model = example_4_model(keras.regularizers.L2(0.05))
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    assert not ch05.check_loophole_closed(model).correct  # untrained: the output kernel is too large
    model.fit(x, y, epochs=150, batch_size=60, verbose=0)
    assert ch05.check_loophole_closed(model).correct


def test_check_loophole_closed_rejects_an_open_loophole():
    for model in [example_4_model(), balanced(example_4_model())]:
        feedback = ch05.check_loophole_closed(model)
        assert feedback.correct is False
        assert "no kernel_regularizer" in feedback.message


def test_check_loophole_closed_rejects_a_model_that_is_not_balanced():
    model = balanced(example_4_model(keras.regularizers.L2(0.05)))
    rescale(model, 0.5)
    feedback = ch05.check_loophole_closed(model)
    assert feedback.correct is False
    assert "still lowers" in feedback.message


def test_check_loophole_closed_rejects_a_changed_example_4():
    assert "Keep example 4" in ch05.check_loophole_closed(example_4_model(filters=16)).message
    assert (
        "linear"
        in ch05.check_loophole_closed(example_4_model(keras.regularizers.L2(0.05), activation="tanh")).message
    )
    seed_everything(0)
    two_outputs = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.Conv2D(32, (3, 3), kernel_regularizer=keras.regularizers.L1L2(l1=L1, l2=L2)),
            keras.layers.Flatten(),
            keras.layers.Dense(16, kernel_regularizer="l2"),
            keras.layers.Dense(10, activation="softmax", kernel_regularizer="l2"),
        ]
    )
    assert "one output layer" in ch05.check_loophole_closed(two_outputs).message


def test_check_loophole_closed_leaves_the_weights_as_they_were():
    model = example_4_model(keras.regularizers.L2(0.05))
    before = model.get_weights()
    ch05.check_loophole_closed(model)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_check_loophole_closed_none_means_not_answered():
    assert ch05.check_loophole_closed(None) == NOT_ANSWERED


@pytest.mark.parametrize("model", [3, "model", keras.layers.Dense(2)], ids=repr)
def test_check_loophole_closed_refuses_what_is_not_a_model(model):
    with pytest.raises(TypeError, match="model"):
        ch05.check_loophole_closed(model)


def test_check_loophole_closed_refuses_an_unbuilt_model():
    model = keras.Sequential([keras.layers.Dense(2, kernel_regularizer="l2")])
    with pytest.raises(ValueError, match="model"):
        ch05.check_loophole_closed(model)


# --- the article's examples themselves -------------------------------------------------------------


def test_the_article_examples_penalize_what_the_chapter_says():
    """Example 4 covers the 288 numbers of its kernel; the checker agrees with layer.losses."""
    model = example_4_model()
    conv = model.layers[1]
    assert conv.kernel.shape == (3, 3, 1, 32)
    assert len(model.losses) == 1
    assert np.isclose(float(model.losses[0]), conv_penalty(conv), rtol=1e-5)
    assert ch05.check_layer_penalty(conv_penalty(conv), conv).correct


def test_check_loophole_closed_points_at_a_too_weak_output_penalty():
    feedback = ch05.check_loophole_closed(example_4_model(keras.regularizers.L2(1e-6)))
    assert feedback.correct is False
    assert "too weak" in feedback.message


def test_check_loophole_closed_hints_fit_a_printed_line():
    models = [
        example_4_model(),
        example_4_model(keras.regularizers.L2(1e-6)),
        example_4_model(keras.regularizers.L2(0.05)),
        example_4_model(filters=16),
    ]
    for model in models:
        feedback = ch05.check_loophole_closed(model)
        assert not feedback.correct
        assert len(feedback.message) <= 75, feedback.message
