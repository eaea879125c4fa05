"""Tests of experiments.fit_stacked (chapter 01): the stacked models follow their own full-batch fits."""

import keras
import numpy as np
import pytest

from course_utils import experiments

RNG = np.random.default_rng(0)
X = RNG.standard_normal((40, 5)).astype("float32")
Y = RNG.integers(0, 3, 40)
X_VAL = RNG.standard_normal((30, 5)).astype("float32")
Y_VAL = RNG.integers(0, 3, 30)


def make(seed, units=6, layers=1, optimizer=None, **dense):
    keras.utils.set_random_seed(seed)
    hidden = [keras.layers.Dense(units, activation="relu", **dense) for _ in range(layers)]
    model = keras.Sequential([keras.Input((5,)), *hidden, keras.layers.Dense(3, activation="softmax")])
    model.compile(
        optimizer=optimizer or keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="data_loss"), "accuracy"],
    )
    return model


def separate(model, epochs):
    return model.fit(X, Y, validation_data=(X_VAL, Y_VAL), epochs=epochs, batch_size=len(X), verbose=0)


@pytest.mark.parametrize("layers", [1, 2])
def test_each_stacked_model_follows_its_own_full_batch_fit(layers):
    specs = [(0, 6), (1, 4), (2, 6)]  # two widths, in mixed order
    stacked = experiments.fit_stacked(
        [make(seed, units, layers) for seed, units in specs], X, Y, epochs=8, validation_data=(X_VAL, Y_VAL)
    )
    for (seed, units), history in zip(specs, stacked, strict=True):
        alone = make(seed, units, layers)
        reference = separate(alone, 8)
        assert sorted(history.history) == sorted(reference.history)
        for key, values in reference.history.items():
            np.testing.assert_allclose(history.history[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
        for mine, theirs in zip(history.model.get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)


def test_history_model_is_the_model_itself_with_its_trained_weights():
    models = [make(0), make(1)]
    before = [model.get_weights()[0].copy() for model in models]
    histories = experiments.fit_stacked(models, X, Y, epochs=3, validation_data=(X_VAL, Y_VAL))
    for model, history, start in zip(models, histories, before, strict=True):
        assert history.model is model
        assert history.epoch == [0, 1, 2]
        assert not np.allclose(model.get_weights()[0], start)
        evaluated = model.evaluate(X_VAL, Y_VAL, verbose=0, return_dict=True)["data_loss"]
        assert evaluated == pytest.approx(history.history["val_data_loss"][-1], rel=1e-5)


def test_track_sees_each_model_with_its_weights_of_the_epoch():
    def track(model):
        return {
            "val_again": float(np.mean(keras.losses.sparse_categorical_crossentropy(Y_VAL, model(X_VAL))))
        }

    histories = experiments.fit_stacked(
        [make(0), make(3, units=4)], X, Y, epochs=4, validation_data=(X_VAL, Y_VAL), track=track
    )
    for history in histories:
        np.testing.assert_allclose(history.history["val_again"], history.history["val_data_loss"], rtol=1e-5)


def test_without_validation_data_only_training_values_are_logged():
    (history,) = experiments.fit_stacked([make(0)], X, Y, epochs=2)
    assert sorted(history.history) == ["accuracy", "data_loss", "loss"]


@pytest.mark.parametrize(
    ("models", "error", "match"),
    [
        (lambda: make(0), TypeError, "models"),
        (lambda: [], TypeError, "models"),
        (lambda: [make(0, kernel_regularizer=keras.regularizers.L2(0.1))], ValueError, "regularizer"),
        (lambda: [make(0, kernel_constraint=keras.constraints.MaxNorm(1.0))], ValueError, "constraint"),
        (lambda: [make(0), make(1, optimizer=keras.optimizers.SGD(0.1))], ValueError, "optimizer"),
        (lambda: [make(0), make(1, layers=2)], ValueError, r"models\[1\]"),
        (lambda: [keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])], ValueError, "compiled"),
    ],
    ids=["one-model", "empty", "regularizer", "constraint", "optimizer", "depth", "not-compiled"],
)
def test_models_it_cannot_stack_are_refused(models, error, match):
    with pytest.raises(error, match=match):
        experiments.fit_stacked(models(), X, Y, epochs=1)


def test_other_layers_and_losses_are_refused():
    keras.utils.set_random_seed(0)
    dropout = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(4),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    dropout.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="Dense layers only"):
        experiments.fit_stacked([dropout], X, Y, epochs=1)
    logits = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    logits.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="softmax"):
        experiments.fit_stacked([logits], X, Y, epochs=1)
    mse = make(0)
    mse.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        experiments.fit_stacked([mse], X, Y, epochs=1)
    model = make(0)
    with pytest.raises(ValueError, match="distinct"):
        experiments.fit_stacked([model, model], X, Y, epochs=1)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"epochs": 0}, ValueError),
        ({"epochs": 1.5}, TypeError),
        ({"epochs": 1, "validation_data": [X_VAL, Y_VAL]}, TypeError),
        ({"epochs": 1, "track": "norm"}, TypeError),
    ],
)
def test_bad_options_are_refused(options, error):
    with pytest.raises(error):
        experiments.fit_stacked([make(0)], X, Y, **options)


def test_mismatched_data_is_refused():
    with pytest.raises(ValueError, match="x and y"):
        experiments.fit_stacked([make(0)], X, Y[:-1], epochs=1)


@pytest.mark.parametrize("restore", [False, True])
def test_early_stopping_acts_as_in_a_separate_fit(restore):
    def stopper(patience):
        return keras.callbacks.EarlyStopping(
            monitor="val_data_loss", patience=patience, restore_best_weights=restore
        )

    models = [make(0, units=16), make(0, units=16), make(1)]
    plan = [[stopper(2)], [stopper(100)], []]  # stops; never stops; no callback
    histories = experiments.fit_stacked(
        models, X, Y, epochs=40, validation_data=(X_VAL, Y_VAL), callbacks=plan
    )
    for model, history, own in zip(models, histories, plan, strict=True):
        alone = make(*((1,) if not own else (0,)), **({} if not own else {"units": 16}))
        callbacks = [stopper(own[0].patience)] if own else []
        reference = alone.fit(
            X, Y, validation_data=(X_VAL, Y_VAL), epochs=40, batch_size=len(X), verbose=0, callbacks=callbacks
        )
        assert history.epoch == reference.epoch
        np.testing.assert_allclose(
            history.history["val_data_loss"], reference.history["val_data_loss"], rtol=1e-4, atol=1e-6
        )
        for mine, theirs in zip(model.get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-5)
    assert len(histories[0].epoch) < 40  # the impatient one did stop
    assert len(histories[1].epoch) == 40


def test_auto_mode_finds_the_direction_of_the_data_loss_metric():
    stopper = keras.callbacks.EarlyStopping(monitor="val_data_loss", patience=1)
    experiments.fit_stacked([make(0)], X, Y, epochs=3, validation_data=(X_VAL, Y_VAL), callbacks=[[stopper]])
    assert stopper.monitor_op is not None


@pytest.mark.parametrize(
    "callbacks", [[[]], "stop", [["stop"], []]], ids=["too-few", "string", "not-a-callback"]
)
def test_bad_callbacks_are_refused(callbacks):
    with pytest.raises(TypeError, match="callbacks"):
        experiments.fit_stacked([make(0), make(1)], X, Y, epochs=1, callbacks=callbacks)


def test_track_can_be_given_per_model():
    seen = []

    def track(model):
        seen.append(model)
        return {"kernel_sum": float(np.sum(model.layers[0].kernel.numpy()))}

    models = [make(0), make(1)]
    histories = experiments.fit_stacked(models, X, Y, epochs=2, track=[None, track])
    assert "kernel_sum" not in histories[0].history
    assert histories[1].history["kernel_sum"][-1] == pytest.approx(np.sum(models[1].layers[0].kernel.numpy()))
    assert all(model is models[1] for model in seen) and len(seen) == 2
    with pytest.raises(TypeError, match="track"):
        experiments.fit_stacked(models, X, Y, epochs=1, track=[track])
