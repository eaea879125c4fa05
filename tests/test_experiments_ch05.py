"""Tests of fit_stacked's steps_per_epoch (chapter 05): k full-batch steps per logged epoch."""

import keras
import numpy as np
import pytest
from classifiers import compiled

from course_utils import experiments

RNG = np.random.default_rng(5)
X = RNG.standard_normal((30, 4)).astype("float32")
Y = RNG.integers(0, 3, 30)
X_VAL = RNG.standard_normal((20, 4)).astype("float32")
Y_VAL = RNG.integers(0, 3, 20)


def make(seed):
    keras.utils.set_random_seed(seed)
    return compiled(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, kernel_regularizer=keras.regularizers.L2(0.05)),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )


def test_steps_per_epoch_logs_every_k_steps_of_the_same_training():
    every = experiments.fit_stacked(
        [make(0), make(1)], X, Y, epochs=6, validation_data=(X_VAL, Y_VAL), regularized=True
    )
    grouped = experiments.fit_stacked(
        [make(0), make(1)],
        X,
        Y,
        epochs=2,
        steps_per_epoch=3,
        validation_data=(X_VAL, Y_VAL),
        regularized=True,
    )
    for one, three in zip(every, grouped, strict=True):
        assert len(three.history["val_data_loss"]) == 2
        np.testing.assert_allclose(
            three.history["val_data_loss"], one.history["val_data_loss"][2::3], rtol=1e-4, atol=1e-6
        )
        np.testing.assert_allclose(
            three.history["data_loss"][0], np.mean(one.history["data_loss"][:3]), rtol=1e-4, atol=1e-6
        )
        for mine, theirs in zip(three.model.get_weights(), one.model.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("value", "error"), [(0, ValueError), (1.5, TypeError), (True, TypeError)])
def test_bad_steps_per_epoch_is_named(value, error):
    with pytest.raises(error, match="steps_per_epoch"):
        experiments.fit_stacked([make(0)], X, Y, epochs=1, steps_per_epoch=value)


def make_biased(seed):
    keras.utils.set_random_seed(seed)
    penalty = keras.regularizers.L1L2(l1=0.01, l2=0.05)
    return compiled(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, kernel_regularizer=penalty, bias_regularizer=penalty),
            keras.layers.Dense(3, activation="softmax", bias_regularizer=keras.regularizers.L2(0.1)),
        ]
    )


def test_penalized_biases_follow_their_own_fit():
    (stacked,) = experiments.fit_stacked(
        [make_biased(0)],
        X,
        Y,
        epochs=5,
        validation_data=(X_VAL, Y_VAL),
        regularized=True,
        penalize_biases=True,
    )
    alone = make_biased(0)
    reference = alone.fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=5, batch_size=len(X), verbose=0)
    for key in ("loss", "data_loss", "val_data_loss"):
        np.testing.assert_allclose(
            stacked.history[key], reference.history[key], rtol=1e-4, atol=1e-6, err_msg=key
        )
    for mine, theirs in zip(stacked.model.get_weights(), alone.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)


def test_bias_penalties_are_refused_unless_asked_for():
    with pytest.raises(ValueError, match="bias or activity"):
        experiments.fit_stacked([make_biased(0)], X, Y, epochs=1, regularized=True)
    with pytest.raises(ValueError, match="regularized=True"):
        experiments.fit_stacked([make(0)], X, Y, epochs=1, penalize_biases=True)
    with pytest.raises(TypeError, match="penalize_biases"):
        experiments.fit_stacked([make(0)], X, Y, epochs=1, regularized=True, penalize_biases=1)
