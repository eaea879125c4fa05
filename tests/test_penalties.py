"""Tests of course_utils.penalties: NumPy reference penalties and a model's penalty terms."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils.penalties import (
    PenaltyTerm,
    l1_penalty,
    l1l2_penalty,
    l2_penalty,
    penalty_breakdown,
    penalty_gradient,
    reference_penalty,
    regularizer_strengths,
    total_penalty,
)

# float32 weights of moderate size; subnormals would underflow to 0 when squared in float32.
weights_arrays = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
    elements=st.floats(-10, 10, width=32, allow_subnormal=False),
)
strengths = st.floats(0.0, 10.0, allow_subnormal=False)
nonzero_weights = hnp.arrays(
    np.float32,
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5),
    elements=st.floats(-10, 10, width=32).filter(lambda x: abs(x) > 1e-3),
)

RTOL, ATOL = 1e-5, 1e-12


def keras_value(regularizer, weights):
    return float(keras.ops.convert_to_numpy(regularizer(weights)))


# --- the formulas ---------------------------------------------------------------------------------


def test_known_values():
    w = [1.0, -2.0, 3.0]
    assert l1_penalty(w, 0.5) == pytest.approx(3.0)
    assert l2_penalty(w, 0.5) == pytest.approx(7.0)
    assert l1l2_penalty(w, 0.5, 0.5) == pytest.approx(10.0)


def test_l2_has_no_factor_one_half():
    assert l2_penalty([3.0, 4.0], 1.0) == pytest.approx(25.0)
    assert keras_value(keras.regularizers.L2(1.0), np.array([3.0, 4.0], np.float32)) == pytest.approx(25.0)


def test_penalties_accept_any_shape_and_numpy_scalars():
    w = np.arange(-6.0, 6.0).reshape(2, 3, 2)
    assert l1_penalty(w, np.float32(0.5)) == pytest.approx(0.5 * np.abs(w).sum())
    assert l2_penalty(w, np.int64(2)) == pytest.approx(2 * np.square(w).sum())


def test_zero_strength_gives_zero_penalty():
    assert l1l2_penalty([1.0, -2.0], 0, 0) == 0.0


@given(weights_arrays, strengths)
def test_l1_penalty_agrees_with_keras(weights, l1):
    assert l1_penalty(weights, l1) == pytest.approx(
        keras_value(keras.regularizers.L1(l1), weights), rel=RTOL, abs=ATOL
    )


@given(weights_arrays, strengths)
def test_l2_penalty_agrees_with_keras(weights, l2):
    assert l2_penalty(weights, l2) == pytest.approx(
        keras_value(keras.regularizers.L2(l2), weights), rel=RTOL, abs=ATOL
    )


@given(weights_arrays, strengths, strengths)
def test_l1l2_penalty_agrees_with_keras(weights, l1, l2):
    assert l1l2_penalty(weights, l1, l2) == pytest.approx(
        keras_value(keras.regularizers.L1L2(l1=l1, l2=l2), weights), rel=RTOL, abs=ATOL
    )


# --- gradients ------------------------------------------------------------------------------------


def tape_gradient(regularizer, weights):
    variable = tf.Variable(weights)
    with tf.GradientTape() as tape:
        value = regularizer(variable)
    return tape.gradient(value, variable, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy()


@given(nonzero_weights, strengths, strengths)
def test_penalty_gradient_matches_gradient_tape(weights, l1, l2):
    expected = tape_gradient(keras.regularizers.L1L2(l1=l1, l2=l2), weights)
    np.testing.assert_allclose(penalty_gradient(weights, l1=l1, l2=l2), expected, rtol=RTOL, atol=1e-5)


def test_penalty_gradient_formula():
    w = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(penalty_gradient(w, l1=0.1), [-0.1, 0.1, 0.1])
    np.testing.assert_allclose(penalty_gradient(w, l2=0.1), [-0.4, 0.1, 0.6])  # 2 * l2 * w
    np.testing.assert_allclose(penalty_gradient(w), [0.0, 0.0, 0.0])


def test_l1_subgradient_at_zero_is_zero_like_tensorflow():
    zeros = np.zeros(3, dtype=np.float32)
    np.testing.assert_array_equal(penalty_gradient(zeros, l1=0.7), np.zeros(3))
    np.testing.assert_array_equal(penalty_gradient(zeros, l1=0.7, l2=0.3), np.zeros(3))
    np.testing.assert_array_equal(tape_gradient(keras.regularizers.L1(0.7), zeros), np.zeros(3))


# --- argument checks ------------------------------------------------------------------------------

W = [1.0, -2.0]
STRENGTH_CALLS = {
    "l1_penalty/l1": (lambda bad: l1_penalty(W, bad), "l1"),
    "l2_penalty/l2": (lambda bad: l2_penalty(W, bad), "l2"),
    "l1l2_penalty/l1": (lambda bad: l1l2_penalty(W, bad, 0.1), "l1"),
    "l1l2_penalty/l2": (lambda bad: l1l2_penalty(W, 0.1, bad), "l2"),
    "penalty_gradient/l1": (lambda bad: penalty_gradient(W, l1=bad), "l1"),
    "penalty_gradient/l2": (lambda bad: penalty_gradient(W, l2=bad), "l2"),
}
WEIGHT_CALLS = {
    "l1_penalty": lambda bad: l1_penalty(bad, 0.1),
    "l2_penalty": lambda bad: l2_penalty(bad, 0.1),
    "l1l2_penalty": lambda bad: l1l2_penalty(bad, 0.1, 0.1),
    "penalty_gradient": lambda bad: penalty_gradient(bad, l1=0.1),
    "reference_penalty": lambda bad: reference_penalty(keras.regularizers.L2(0.1), bad),
}


@pytest.mark.parametrize("call", STRENGTH_CALLS.values(), ids=STRENGTH_CALLS.keys())
@pytest.mark.parametrize("bad", [-0.1, -1, float("inf"), float("-inf"), float("nan")])
def test_a_bad_strength_is_rejected_by_name(call, bad):
    function, name = call
    with pytest.raises(ValueError, match=name):
        function(bad)


@pytest.mark.parametrize("call", STRENGTH_CALLS.values(), ids=STRENGTH_CALLS.keys())
@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_a_strength_of_the_wrong_type_is_rejected_by_name(call, bad):
    function, name = call
    with pytest.raises(TypeError, match=name):
        function(bad)


@pytest.mark.parametrize("call", WEIGHT_CALLS.values(), ids=WEIGHT_CALLS.keys())
@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ([], ValueError),
        (np.empty((0, 3)), ValueError),
        ([1.0, float("nan")], ValueError),
        ([1.0, float("inf")], ValueError),
        ("abc", TypeError),
        ([[1.0], [1.0, 2.0]], TypeError),
        ({"w": 1.0}, TypeError),
    ],
)
def test_bad_weights_are_rejected_by_name(call, bad, error):
    with pytest.raises(error, match="weights"):
        call(bad)


# --- regularizer_strengths and reference_penalty --------------------------------------------------


@pytest.mark.parametrize(
    ("regularizer", "expected"),
    [
        (keras.regularizers.L1(0.25), (0.25, 0.0)),
        (keras.regularizers.L2(0.5), (0.0, 0.5)),
        (keras.regularizers.L1L2(l1=0.25, l2=0.5), (0.25, 0.5)),
        (keras.regularizers.get("l2"), (0.0, 0.01)),
    ],
)
def test_regularizer_strengths(regularizer, expected):
    assert regularizer_strengths(regularizer) == pytest.approx(expected)


@pytest.mark.parametrize(
    "bad",
    [
        keras.regularizers.OrthogonalRegularizer(0.1),
        "l2",
        None,
        0.01,
        lambda w: 0.0,
    ],
    ids=["orthogonal", "string", "none", "float", "function"],
)
def test_regularizer_strengths_rejects_other_objects(bad):
    with pytest.raises(TypeError, match="regularizer"):
        regularizer_strengths(bad)


@pytest.mark.parametrize(
    "regularizer",
    [keras.regularizers.L1(0.03), keras.regularizers.L2(0.2), keras.regularizers.L1L2(l1=0.01, l2=0.05)],
    ids=["L1", "L2", "L1L2"],
)
def test_reference_penalty_matches_the_keras_regularizer(regularizer):
    w = np.random.default_rng(0).normal(size=(7, 5)).astype(np.float32)
    assert reference_penalty(regularizer, w) == pytest.approx(keras_value(regularizer, w), rel=RTOL)


# --- a model's penalty terms ----------------------------------------------------------------------


@pytest.fixture
def small_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(
                4,
                kernel_regularizer=keras.regularizers.L2(0.1),
                bias_regularizer=keras.regularizers.L1(0.2),
                bias_initializer="ones",  # a zero bias would hide the bias term's value
                name="hidden",
            ),
            keras.layers.Dense(2, kernel_regularizer=keras.regularizers.L1L2(l1=0.01, l2=0.02), name="out"),
        ]
    )


def test_penalty_breakdown_lists_kernel_and_bias_terms(small_model):
    terms = penalty_breakdown(small_model)
    assert all(isinstance(term, PenaltyTerm) for term in terms)
    assert [(t.layer, t.weight, t.regularizer, t.size) for t in terms] == [
        ("hidden", "kernel", "L2", 12),
        ("hidden", "bias", "L1", 4),
        ("out", "kernel", "L1L2", 8),
    ]
    assert terms[1].value == pytest.approx(0.2 * 4)  # L1 of four ones


def test_penalty_breakdown_values_are_the_reference_penalties(small_model):
    terms = penalty_breakdown(small_model)
    hidden, out = small_model.get_layer("hidden"), small_model.get_layer("out")
    expected = [
        reference_penalty(hidden.kernel_regularizer, hidden.kernel.numpy()),
        reference_penalty(hidden.bias_regularizer, hidden.bias.numpy()),
        reference_penalty(out.kernel_regularizer, out.kernel.numpy()),
    ]
    assert [term.value for term in terms] == pytest.approx(expected, rel=RTOL)


def test_penalty_breakdown_sums_to_total_penalty_and_model_losses(small_model):
    total = total_penalty(small_model)
    assert total > 0
    assert sum(term.value for term in penalty_breakdown(small_model)) == pytest.approx(total, rel=RTOL)
    assert total == pytest.approx(float(sum(small_model.losses)), rel=RTOL)


def test_penalty_breakdown_descends_into_nested_models_and_embeddings():
    inner = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.1), name="dense"),
        ],
        name="inner",
    )
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Embedding(10, 2, embeddings_regularizer=keras.regularizers.L1(0.1), name="embed"),
            keras.layers.Reshape((10,)),
            keras.layers.Dense(5),
            inner,
        ]
    )
    terms = penalty_breakdown(model)
    assert [(t.layer, t.weight, t.size) for t in terms] == [
        ("embed", "embeddings", 20),
        ("dense", "kernel", 15),
    ]
    # Keras's own count, and a hand computation from the weights:
    assert total_penalty(model) == pytest.approx(float(sum(model.losses)), rel=RTOL)
    by_hand = 0.1 * np.abs(model.get_layer("embed").embeddings.numpy()).sum()
    by_hand += 0.1 * np.square(inner.get_layer("dense").kernel.numpy()).sum()
    assert total_penalty(model) == pytest.approx(by_hand, rel=RTOL)


def test_a_model_without_regularizers_has_no_penalty():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert penalty_breakdown(model) == []
    assert total_penalty(model) == 0.0


@pytest.mark.parametrize(
    "layer",
    [
        keras.layers.BatchNormalization(gamma_regularizer=keras.regularizers.L2(0.1)),
        keras.layers.DepthwiseConv2D(2, depthwise_regularizer=keras.regularizers.L2(0.1)),
    ],
    ids=["batchnorm-gamma", "depthwise"],
)
def test_penalty_breakdown_covers_every_penalty_of_model_losses(layer):
    model = keras.Sequential([keras.Input((4, 4, 2)), layer])
    assert total_penalty(model) > 0
    assert total_penalty(model) == pytest.approx(float(sum(model.losses)), rel=RTOL)


def test_a_frozen_layer_adds_no_penalty_as_in_keras(small_model):
    out = small_model.get_layer("out")
    before = total_penalty(small_model)
    small_model.get_layer("hidden").trainable = False
    assert [(t.layer, t.weight) for t in penalty_breakdown(small_model)] == [("out", "kernel")]
    only_out = reference_penalty(out.kernel_regularizer, out.kernel.numpy())
    assert total_penalty(small_model) == pytest.approx(only_out, rel=RTOL)
    assert total_penalty(small_model) == pytest.approx(float(sum(small_model.losses)), rel=RTOL)
    assert total_penalty(small_model) < before


def test_total_penalty_is_what_evaluate_adds_to_the_data_loss(small_model):
    small_model.compile(loss="mse", metrics=[keras.metrics.MeanSquaredError(name="data_loss")])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    loss, data_loss = small_model.evaluate(x, y, batch_size=8, verbose=0)
    assert loss - data_loss == pytest.approx(total_penalty(small_model), rel=1e-4)


@pytest.mark.parametrize("function", [penalty_breakdown, total_penalty])
def test_an_unbuilt_model_is_rejected(function):
    unbuilt = keras.Sequential([keras.layers.Dense(2, kernel_regularizer="l2")])
    with pytest.raises(ValueError, match="model"):
        function(unbuilt)


@pytest.mark.parametrize("function", [penalty_breakdown, total_penalty])
@pytest.mark.parametrize("bad", [None, "model", keras.layers.Dense(2)], ids=["none", "string", "layer"])
def test_a_non_model_is_rejected(function, bad):
    with pytest.raises(TypeError, match="model"):
        function(bad)
