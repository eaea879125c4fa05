"""Tests of course_utils.models: the MLP and CNN builders."""

import keras
import numpy as np
import pytest

from course_utils.models import build_cnn, build_mlp


def dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def dropout_layers(model):
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]


def test_layers_without_dropout():
    model = build_mlp(64, 10, (32, 16))
    assert [layer.name for layer in model.layers] == ["hidden_1", "hidden_2", "output"]
    assert [layer.units for layer in dense_layers(model)] == [32, 16, 10]
    assert dropout_layers(model) == []


def test_a_dropout_layer_follows_each_hidden_layer():
    model = build_mlp(64, 10, (32, 16), dropout=0.3)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert [layer.rate for layer in dropout_layers(model)] == [0.3, 0.3]


def test_no_hidden_layer_gives_a_linear_model():
    model = build_mlp(20, 1, (), output_activation="linear")
    assert [layer.name for layer in model.layers] == ["output"]
    assert model.count_params() == 21


def test_the_model_is_built_with_the_right_output():
    model = build_mlp(64, 10, (8,), name="digits")
    assert model.built
    assert model.name == "digits"
    assert model.output_shape == (None, 10)
    probabilities = keras.ops.convert_to_numpy(model(np.ones((5, 64), np.float32)))
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_hidden_layers_use_relu_and_the_output_its_activation():
    model = build_mlp(4, 1, (3, 3), output_activation="linear")
    assert [layer.activation.__name__ for layer in dense_layers(model)] == ["relu", "relu", "linear"]


def test_the_regularizer_is_on_every_dense_kernel():
    regularizer = keras.regularizers.L2(1e-3)
    model = build_mlp(64, 10, (32, 16), kernel_regularizer=regularizer, dropout=0.2)
    layers = dense_layers(model)
    assert len(layers) == 3
    assert all(layer.kernel_regularizer is regularizer for layer in layers)
    assert all(layer.bias_regularizer is None for layer in layers)
    assert len(model.losses) == 3


def test_the_bias_regularizer_is_on_every_dense_bias():
    model = build_mlp(8, 2, (4,), bias_regularizer=keras.regularizers.L1(0.1))
    assert all(isinstance(layer.bias_regularizer, keras.regularizers.L1) for layer in dense_layers(model))
    assert all(layer.kernel_regularizer is None for layer in dense_layers(model))


@pytest.mark.parametrize(
    ("identifier", "cls"),
    [("l2", keras.regularizers.L2), ("l1", keras.regularizers.L1), ("L1L2", keras.regularizers.L1L2)],
)
def test_a_string_identifier_works(identifier, cls):
    model = build_mlp(8, 2, (4,), kernel_regularizer=identifier)
    assert all(isinstance(layer.kernel_regularizer, cls) for layer in dense_layers(model))
    assert len(model.losses) == 2


def test_no_regularizer_by_default():
    model = build_mlp(8, 2, (4,))
    assert all(layer.kernel_regularizer is None for layer in dense_layers(model))
    assert model.losses == []


def weights_of(model):
    return [variable.numpy() for variable in model.weights]


def test_the_same_seed_gives_identical_initial_weights():
    first = weights_of(build_mlp(64, 10, (16, 8), seed=3))
    keras.utils.set_random_seed(123)  # the global seed must not matter
    second = weights_of(build_mlp(64, 10, (16, 8), seed=3, kernel_regularizer="l2", dropout=0.5))
    assert len(first) == len(second) == 6
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_another_seed_gives_other_weights():
    first = build_mlp(64, 10, (16,), seed=0).get_layer("hidden_1").kernel.numpy()
    second = build_mlp(64, 10, (16,), seed=1).get_layer("hidden_1").kernel.numpy()
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"input_dim": 0}, ValueError, "input_dim"),
        ({"input_dim": -3}, ValueError, "input_dim"),
        ({"input_dim": 64.0}, TypeError, "input_dim"),
        ({"input_dim": True}, TypeError, "input_dim"),
        ({"n_outputs": 0}, ValueError, "n_outputs"),
        ({"n_outputs": "10"}, TypeError, "n_outputs"),
        ({"hidden": 64}, TypeError, "hidden"),
        ({"hidden": "64"}, TypeError, "hidden"),
        ({"hidden": (32, 0)}, ValueError, "hidden"),
        ({"hidden": (32.0,)}, TypeError, "hidden"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"dropout": 1.5}, ValueError, "dropout"),
        ({"dropout": -0.1}, ValueError, "dropout"),
        ({"dropout": float("nan")}, ValueError, "dropout"),
        ({"dropout": "0.5"}, TypeError, "dropout"),
        ({"output_activation": "relu"}, ValueError, "output_activation"),
        ({"output_activation": None}, ValueError, "output_activation"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
        ({"kernel_regularizer": "l1_l2"}, ValueError, "kernel_regularizer"),
        ({"kernel_regularizer": "ridge"}, ValueError, "kernel_regularizer"),
        ({"kernel_regularizer": 0.01}, TypeError, "kernel_regularizer"),
        ({"kernel_regularizer": keras.layers.Dense(2)}, TypeError, "kernel_regularizer"),
        ({"bias_regularizer": "l1_l2"}, ValueError, "bias_regularizer"),
        ({"bias_regularizer": 0.01}, TypeError, "bias_regularizer"),
    ],
)
def test_build_mlp_rejects_bad_arguments_by_name(kwargs, error, name):
    arguments = {"input_dim": 64, "n_outputs": 10, "hidden": (8,)} | kwargs
    with pytest.raises(error, match=name):
        build_mlp(**arguments)


# --- build_cnn ------------------------------------------------------------------------------------


def test_cnn_layers_and_output():
    model = build_cnn(filters=4, kernel_size=3)
    assert [type(layer).__name__ for layer in model.layers] == ["Conv2D", "Flatten", "Dense"]
    assert model.built
    assert model.output_shape == (None, 10)
    conv = model.get_layer("conv")
    assert conv.filters == 4
    assert conv.kernel_size == (3, 3)
    assert tuple(conv.kernel.shape) == (3, 3, 1, 4)
    probabilities = keras.ops.convert_to_numpy(model(np.ones((2, 8, 8, 1), np.float32)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_cnn_dropout_follows_the_flatten_layer():
    model = build_cnn(filters=2, dropout=0.25)
    assert [type(layer).__name__ for layer in model.layers] == ["Conv2D", "Flatten", "Dropout", "Dense"]
    assert model.get_layer("dropout").rate == 0.25


def test_cnn_regularizers_are_on_the_conv_and_the_output_layer():
    model = build_cnn(filters=2, kernel_regularizer="l2", bias_regularizer=keras.regularizers.L1(0.1))
    for name in ("conv", "output"):
        layer = model.get_layer(name)
        assert isinstance(layer.kernel_regularizer, keras.regularizers.L2)
        assert isinstance(layer.bias_regularizer, keras.regularizers.L1)
    assert len(model.losses) == 4


def test_cnn_same_seed_gives_identical_initial_weights():
    first = weights_of(build_cnn((6, 6, 2), 3, filters=2, seed=5))
    second = weights_of(build_cnn((6, 6, 2), 3, filters=2, seed=5, dropout=0.5))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    other = weights_of(build_cnn((6, 6, 2), 3, filters=2, seed=6))
    assert not np.array_equal(first[0], other[0])


def test_build_cnn_accepts_a_list_shape():
    assert build_cnn([8, 8, 1], filters=2).input_shape == (None, 8, 8, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"input_shape": (8, 8)}, TypeError, "input_shape"),
        ({"input_shape": "881"}, TypeError, "input_shape"),
        ({"input_shape": (8, 0, 1)}, ValueError, "input_shape"),
        ({"input_shape": (8.0, 8, 1)}, TypeError, "input_shape"),
        ({"n_outputs": 0}, ValueError, "n_outputs"),
        ({"filters": 0}, ValueError, "filters"),
        ({"filters": 2.5}, TypeError, "filters"),
        ({"kernel_size": 0}, ValueError, "kernel_size"),
        ({"kernel_size": 9}, ValueError, "kernel_size"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"dropout": -0.5}, ValueError, "dropout"),
        ({"seed": -1}, ValueError, "seed"),
        ({"kernel_regularizer": "l1_l2"}, ValueError, "kernel_regularizer"),
        ({"bias_regularizer": 0.1}, TypeError, "bias_regularizer"),
    ],
)
def test_build_cnn_rejects_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        build_cnn(**({"filters": 2} | kwargs))
