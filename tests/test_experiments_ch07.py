"""Tests of experiments.fit_stacked(..., regularized=True) (chapter 07): Dropout layers and kernel
penalties in the stack. A penalized model follows its own full-batch fit; a dropout model drops in
training only, at its own rate, with inverted scaling.
"""

import keras
import numpy as np
import pytest
from classifiers import compiled

from course_utils import experiments
from course_utils.experiments import _Stacked

RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 5)).astype("float32")
Y = RNG.integers(0, 3, 40)
X_VAL = RNG.standard_normal((30, 5)).astype("float32")
Y_VAL = RNG.integers(0, 3, 30)


def make(seed, rate=0.0, penalty=None, units=6):
    keras.utils.set_random_seed(seed)
    return compiled(
        [
            keras.Input((5,)),
            keras.layers.Dense(units, activation="relu", kernel_regularizer=penalty),
            keras.layers.Dropout(rate),
            keras.layers.Dense(units, activation="relu", kernel_regularizer=penalty),
            keras.layers.Dropout(rate),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def regularized(models, epochs, **options):
    return experiments.fit_stacked(
        models, X, Y, epochs=epochs, validation_data=(X_VAL, Y_VAL), regularized=True, **options
    )


@pytest.mark.parametrize(
    "penalty",
    [keras.regularizers.L2(1e-2), keras.regularizers.L1(1e-2), keras.regularizers.L1L2(l1=1e-3, l2=1e-2)],
    ids=["L2", "L1", "L1L2"],
)
def test_a_penalized_model_follows_its_own_full_batch_fit(penalty):
    stacked = regularized([make(0, penalty=penalty), make(1)], 8)
    for seed, history, own in zip([0, 1], stacked, [penalty, None], strict=True):
        alone = make(seed, penalty=own)
        reference = alone.fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=8, batch_size=len(X), verbose=0)
        assert sorted(history.history) == sorted(reference.history)
        for key, values in reference.history.items():
            np.testing.assert_allclose(history.history[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
    with_penalty = stacked[0].history
    assert with_penalty["loss"][-1] > with_penalty["data_loss"][-1]  # loss = data loss + penalty


def test_dropout_drops_each_unit_at_its_models_rate_and_scales_the_rest():
    stack = _Stacked([make(0, rate=0.25), make(1, rate=0.0), make(2, rate=0.75)], regularized=True)
    hidden = keras.ops.ones((3, 500, 40))
    dropped = keras.ops.convert_to_numpy(stack.drop(hidden, stack.rates[0][0]))
    for index, rate in enumerate([0.25, 0.0, 0.75]):
        values = dropped[index]
        kept = values != 0
        np.testing.assert_allclose(values[kept], 1 / (1 - rate), rtol=1e-6)
        assert np.mean(~kept) == pytest.approx(rate, abs=0.02)


def test_dropout_acts_in_training_only():
    models = [make(0, rate=0.5), make(0)]
    histories = regularized(models, 30)
    with_dropout, without = (history.history for history in histories)
    assert with_dropout["data_loss"] != pytest.approx(without["data_loss"])
    # validation, and any call in inference mode, uses the whole network: no dropout
    evaluated = models[0].evaluate(X_VAL, Y_VAL, verbose=0, return_dict=True)["data_loss"]
    assert evaluated == pytest.approx(with_dropout["val_data_loss"][-1], rel=1e-5)
    on_train = models[0].evaluate(X, Y, verbose=0, return_dict=True)["data_loss"]
    assert on_train < with_dropout["data_loss"][-1]  # fit's training loss is that of thinned networks


def test_without_regularized_dropout_and_penalties_are_still_refused():
    with pytest.raises(ValueError, match="Dense layers only"):
        experiments.fit_stacked([make(0, rate=0.5)], X, Y, epochs=1)


def dense(units=6, **options):
    return keras.layers.Dense(units, activation="relu", **options)


@pytest.mark.parametrize(
    ("layers", "match"),
    [
        ([keras.layers.Dropout(0.5), dense()], "must follow"),
        ([dense(), keras.layers.Dropout(0.5), keras.layers.Dropout(0.5)], "must follow"),
        ([dense(), keras.layers.Dropout(0.5, noise_shape=(None, 1))], "noise_shape"),
        ([dense(bias_regularizer=keras.regularizers.L2(0.1))], "bias or activity"),
        ([dense(kernel_constraint=keras.constraints.MaxNorm(1.0))], "constraint"),
        ([dense(kernel_regularizer=keras.regularizers.OrthogonalRegularizer())], "regularizer"),
        ([keras.layers.BatchNormalization()], "Dense and Dropout layers only"),
    ],
    ids=[
        "dropout-first",
        "two-dropouts",
        "noise-shape",
        "bias-penalty",
        "constraint",
        "other-penalty",
        "other",
    ],
)
def test_models_it_cannot_stack_are_refused(layers, match):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((5,)), *layers, keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=match):
        regularized([model], 1)


def test_a_dropout_after_the_output_is_refused():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(3, activation="softmax"), keras.layers.Dropout(0.5)]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="must follow"):
        regularized([model], 1)


def test_regularized_must_be_a_bool():
    with pytest.raises(TypeError, match="regularized"):
        experiments.fit_stacked([make(0)], X, Y, epochs=1, regularized="yes")


# --- test_data (chapter 07): each model scored on a test split after every step ---------------


def test_test_data_logs_each_models_test_scores_of_every_epoch():
    x_test, y_test = X_VAL[:20], Y_VAL[:20]
    epochs = 4
    stacked = regularized(
        [make(0, rate=0.5), make(1, penalty=keras.regularizers.L2(1e-2))], epochs, test_data=(x_test, y_test)
    )
    for history in stacked:
        assert len(history.history["test_data_loss"]) == epochs
        assert len(history.history["test_accuracy"]) == epochs
        probabilities = history.model(x_test, training=False)  # the final weights: the last epoch
        expected = float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y_test, probabilities)))
        np.testing.assert_allclose(history.history["test_data_loss"][-1], expected, rtol=1e-5)
        right = np.mean(np.argmax(np.asarray(probabilities), axis=1) == y_test)
        assert history.history["test_accuracy"][-1] == pytest.approx(right)
    # the validation data are scored the same way: as test data they give the logged val loss
    again = regularized([make(2)], 3, test_data=(X_VAL, Y_VAL))[0].history
    np.testing.assert_allclose(again["test_data_loss"], again["val_data_loss"], rtol=1e-5)


@pytest.mark.parametrize(
    ("test_data", "error"),
    [
        ([X_VAL, Y_VAL], TypeError),
        ((X_VAL,), TypeError),
        ((X_VAL, Y_VAL[:5]), ValueError),
        ((X_VAL[0], Y_VAL[:1]), ValueError),
        ((X_VAL[:0], Y_VAL[:0]), ValueError),
    ],
    ids=["list", "one-array", "lengths", "1-d-x", "empty"],
)
def test_bad_test_data_is_refused(test_data, error):
    with pytest.raises(error, match="test_data"):
        regularized([make(0)], 1, test_data=test_data)
