"""Tests of the chapter 01 checker: each run is a real (tiny) fit with a real EarlyStopping."""

import re

import keras
import numpy as np
import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback, ch01

RNG = np.random.default_rng(1)
X = RNG.standard_normal((30, 4)).astype("float32")
Y = RNG.integers(0, 3, 30)
X_VAL = RNG.standard_normal((40, 4)).astype("float32")
Y_VAL = RNG.integers(0, 3, 40)
VAL = (X_VAL, Y_VAL)
EPOCHS = 80

# The answer must not be given away: not the metric's name, nor the option that restores.
SECRETS = [r"val_data_loss", r"restore_best_weights\s*=\s*True", r"(?i)\brestore_best_weights\b"]


def make(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(3e-2),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="data_loss"), "accuracy"],
    )
    return model


def run(stopper, epochs=EPOCHS):
    model = make()
    history = model.fit(
        X, Y, validation_data=VAL, epochs=epochs, batch_size=len(X), verbose=0, callbacks=[stopper]
    )
    return model, history


def stopper(**options):
    settings = {"monitor": "val_data_loss", "patience": 3, "restore_best_weights": True} | options
    return keras.callbacks.EarlyStopping(**settings)


@pytest.fixture(scope="module")
def right():
    callback = stopper()
    return (callback, *run(callback))


def check(callback, model, history):
    return ch01.check_early_stopping(callback, model, history, VAL)


@pytest.mark.parametrize("options", [{}, {"mode": "min"}, {"mode": "auto", "min_delta": 1e-4}])
def test_the_right_callback_is_accepted(options):
    callback = stopper(**options)
    model, history = run(callback)
    assert len(history.epoch) < EPOCHS
    feedback = check(callback, model, history)
    assert isinstance(feedback, Feedback)
    assert feedback.correct, feedback


@pytest.mark.parametrize(
    ("options", "epochs", "hint"),
    [
        ({"restore_best_weights": False}, EPOCHS, "LAST epoch"),  # the default: keeps the last weights
        ({"monitor": "val_loss"}, EPOCHS, "penalty"),  # includes a penalty
        ({"monitor": "data_loss"}, EPOCHS, "training quantity"),
        ({"monitor": "val_accuracy", "mode": "max"}, EPOCHS, "another quantity"),
        ({"mode": "max"}, EPOCHS, "lower"),
        ({"patience": 1000}, 25, "ran all its epochs"),  # never stops: a near miss that restores
    ],
    ids=["no-restore", "val_loss", "training-loss", "accuracy", "mode-max", "never-stops"],
)
def test_wrong_callbacks_get_a_hint_without_the_answer(options, epochs, hint):
    callback = stopper(**options)
    model, history = run(callback, epochs)
    feedback = check(callback, model, history)
    assert not feedback.correct and feedback != NOT_ANSWERED
    assert hint in feedback.message, feedback.message
    for secret in SECRETS:
        assert not re.search(secret, feedback.message), feedback.message


def test_a_model_trained_further_after_the_fit_is_rejected(right):
    callback, _, _ = right
    model, history = run(stopper())
    model.fit(X, Y, epochs=5, batch_size=len(X), verbose=0)  # the weights move on
    feedback = check(callback, model, history)
    assert not feedback.correct
    assert "trained further" in feedback.message


def test_a_history_of_another_model_is_rejected(right):
    callback, _, history = right
    feedback = check(callback, make(1), history)
    assert not feedback.correct
    assert "does not belong" in feedback.message


def test_none_means_not_answered(right):
    _, model, history = right
    assert check(None, model, history) == NOT_ANSWERED


@pytest.mark.parametrize(
    "answer", ["EarlyStopping", {"monitor": "val_data_loss"}, keras.callbacks.History(), 3]
)
def test_an_answer_of_the_wrong_type_raises(right, answer):
    _, model, history = right
    with pytest.raises(TypeError, match="answer"):
        check(answer, model, history)


def test_other_bad_arguments_raise(right):
    callback, model, history = right
    with pytest.raises(TypeError, match="model"):
        ch01.check_early_stopping(callback, "model", history, VAL)
    with pytest.raises(TypeError, match="history"):
        ch01.check_early_stopping(callback, model, history.history, VAL)
    with pytest.raises(TypeError, match="validation_data"):
        ch01.check_early_stopping(callback, model, history, [X_VAL, Y_VAL])
