"""Tests of course_utils.weights: sparsity, kernels and which inputs a model still uses."""

import keras
import numpy as np
import pytest

from course_utils.weights import Sparsity, input_importance, kernels, selected_inputs, sparsity

# --- sparsity -------------------------------------------------------------------------------------


def test_sparsity_counts_exact_and_near_zeros():
    result = sparsity([0.0, 0.0, 1e-4, -5e-4, 0.01, -2.0, 0.002, 0.0], tolerance=1e-3)
    assert result == Sparsity(total=8, near_zero=5, exactly_zero=3, tolerance=1e-3)
    assert result.near_zero_fraction == pytest.approx(5 / 8)
    assert result.exactly_zero_fraction == pytest.approx(3 / 8)


def test_sparsity_tolerance_is_inclusive_and_may_be_zero():
    assert sparsity([0.5, -0.5, 0.6], tolerance=0.5).near_zero == 2
    assert sparsity([0.0, 1e-12], tolerance=0).near_zero == 1


def test_sparsity_of_a_matrix_counts_every_weight():
    assert sparsity(np.zeros((4, 5))).total == 20
    assert sparsity(np.zeros((4, 5))).exactly_zero_fraction == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"weights": []}, ValueError, "weights"),
        ({"weights": [1.0, float("nan")]}, ValueError, "weights"),
        ({"weights": "abc"}, TypeError, "weights"),
        ({"tolerance": -1e-3}, ValueError, "tolerance"),
        ({"tolerance": float("inf")}, ValueError, "tolerance"),
        ({"tolerance": "0.1"}, TypeError, "tolerance"),
    ],
)
def test_sparsity_rejects_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        sparsity(**({"weights": [1.0, 0.0]} | kwargs))


# --- kernels and input_importance -----------------------------------------------------------------


def mlp(inputs: int, outputs: int, hidden: tuple[int, ...], dropout: float = 0.0) -> keras.Model:
    """A plain Dense network with layers named hidden_1, ..., output."""
    layers: list[keras.layers.Layer] = [keras.Input((inputs,))]
    for index, units in enumerate(hidden, start=1):
        layers.append(keras.layers.Dense(units, activation="relu", name=f"hidden_{index}"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(outputs, name="output"))
    return keras.Sequential(layers)


def test_kernels_by_layer_name():
    model = mlp(5, 2, (3,), dropout=0.5)
    found = kernels(model)
    assert list(found) == ["hidden_1", "output"]
    assert found["hidden_1"].shape == (5, 3)
    assert found["hidden_1"].dtype == np.float64
    np.testing.assert_array_equal(found["output"], model.get_layer("output").kernel.numpy())


def test_input_importance_is_the_norm_of_each_inputs_outgoing_weights():
    model = mlp(3, 1, (2,))
    kernel = np.array([[3.0, 4.0], [0.0, 0.0], [-1.0, 0.0]])
    model.get_layer("hidden_1").set_weights([kernel, np.zeros(2)])
    np.testing.assert_allclose(input_importance(model), [5.0, 0.0, 1.0])


def test_input_importance_of_a_linear_model_is_the_absolute_coefficients():
    model = mlp(3, 1, ())
    model.get_layer("output").set_weights([np.array([[2.0], [-0.5], [0.0]]), np.zeros(1)])
    np.testing.assert_allclose(input_importance(model), [2.0, 0.5, 0.0])


def test_input_importance_needs_a_dense_first_layer():
    with pytest.raises(ValueError, match="model"):
        input_importance(
            keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten()])
        )
    with pytest.raises(ValueError, match="model"):
        input_importance(keras.Sequential([keras.Input((3,)), keras.layers.Activation("relu")]))


@pytest.mark.parametrize("function", [kernels, input_importance])
def test_unbuilt_and_non_models_are_rejected(function):
    with pytest.raises(ValueError, match="model"):
        function(keras.Sequential([keras.layers.Dense(2)]))
    with pytest.raises(TypeError, match="model"):
        function("model")


# --- selected_inputs ------------------------------------------------------------------------------


def test_selected_inputs_are_those_strictly_above_the_threshold():
    indices = selected_inputs([0.5, 0.0, 0.01, 2.0, 0.011], threshold=0.01)
    np.testing.assert_array_equal(indices, [0, 3, 4])
    assert indices.dtype == np.int64


def test_no_input_above_the_threshold_gives_an_empty_selection():
    assert selected_inputs([0.0, 0.0], threshold=0).size == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"importance": []}, ValueError, "importance"),
        ({"importance": np.ones((2, 2))}, ValueError, "importance"),
        ({"importance": [1.0, float("inf")]}, ValueError, "importance"),
        ({"importance": "abc"}, TypeError, "importance"),
        ({"threshold": -0.1}, ValueError, "threshold"),
        ({"threshold": float("nan")}, ValueError, "threshold"),
        ({"threshold": None}, TypeError, "threshold"),
    ],
)
def test_selected_inputs_rejects_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        selected_inputs(**({"importance": [1.0, 0.0], "threshold": 0.1} | kwargs))
