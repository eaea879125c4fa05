"""Tests of course_utils.experiments: models trained side by side follow the path of separate fits."""

import keras
import numpy as np
import pytest

from course_utils import experiments
from course_utils.experiments import Spread, curves, fit_seeds, fit_together, spread, summary_table

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 6)).astype("float32")
Y = RNG.integers(0, 3, size=48)
X_VAL = RNG.normal(size=(20, 6)).astype("float32")
Y_VAL = RNG.integers(0, 3, size=20)


def make_model(seed, l2=1e-2, dropout=0.0, optimizer=None, activity=None):
    keras.utils.set_random_seed(seed)
    layers = [
        keras.Input((6,)),
        keras.layers.Dense(
            8,
            activation="relu",
            kernel_regularizer=keras.regularizers.L2(l2) if l2 else None,
            activity_regularizer=activity,
        ),
    ]
    if dropout:
        layers.append(keras.layers.Dropout(dropout, seed=seed))
    layers.append(keras.layers.Dense(3, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=optimizer or keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=[keras.metrics.SparseCategoricalCrossentropy(name="data_loss"), "accuracy"],
    )
    return model


def separate_fit(model, epochs, batch_size=None):
    return model.fit(
        X,
        Y,
        epochs=epochs,
        batch_size=batch_size or len(X),
        validation_data=(X_VAL, Y_VAL),
        shuffle=False,
        verbose=0,
    )


@pytest.mark.parametrize(
    "options",
    [
        {},  # Adam, full batch
        {"l2": 0.0},  # no penalty
        {"sgd": True},  # plain SGD
        {"activity": keras.regularizers.L1(1e-3)},  # an activity penalty
    ],
    ids=["adam-l2", "no-penalty", "sgd", "activity"],
)
def test_each_branch_follows_its_separate_fit(options):
    options = dict(options)
    sgd = options.pop("sgd", False)

    def build(seed):
        optimizer = keras.optimizers.SGD(0.1) if sgd else None
        return make_model(seed, optimizer=optimizer, **options)

    histories = fit_seeds(build, [0, 1], X, Y, epochs=6, validation_data=(X_VAL, Y_VAL))
    for seed, history in zip([0, 1], histories, strict=True):
        alone = build(seed)
        reference = separate_fit(alone, epochs=6)
        assert set(history.history) == set(reference.history)
        for key, values in reference.history.items():
            np.testing.assert_allclose(history.history[key], values, rtol=1e-5, atol=1e-6, err_msg=key)
        for mine, theirs in zip(history.model.get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_loss_holds_the_branch_penalty_and_data_loss_does_not():
    (history,) = fit_seeds(lambda seed: make_model(seed, l2=0.5), [0], X, Y, epochs=3)
    loss, data_loss = np.array(history.history["loss"]), np.array(history.history["data_loss"])
    assert np.all(loss - data_loss > 0.01)  # each branch carries its own penalty, and only its own
    (plain,) = fit_seeds(lambda seed: make_model(seed, l2=0.0), [0], X, Y, epochs=3)
    np.testing.assert_allclose(plain.history["loss"], plain.history["data_loss"], rtol=1e-5)


def test_branches_with_different_penalties_do_not_mix():
    strong, none = fit_together(
        [make_model(0, l2=1.0), make_model(0, l2=0.0)], X, Y, epochs=4, validation_data=(X_VAL, Y_VAL)
    )
    reference = separate_fit(make_model(0, l2=0.0), epochs=4)
    np.testing.assert_allclose(none.history["loss"], reference.history["loss"], rtol=1e-5)
    assert strong.history["loss"][0] > none.history["loss"][0] + 0.5


def test_mini_batches_are_shuffled_by_the_seed_and_the_same_for_every_branch():
    first = fit_together([make_model(0), make_model(0)], X, Y, epochs=3, batch_size=16, shuffle_seed=1)
    np.testing.assert_allclose(first[0].history["loss"], first[1].history["loss"])
    again = fit_together([make_model(0)], X, Y, epochs=3, batch_size=16, shuffle_seed=1)
    np.testing.assert_allclose(first[0].history["loss"], again[0].history["loss"], rtol=1e-6)
    other = fit_together([make_model(0)], X, Y, epochs=3, batch_size=16, shuffle_seed=2)
    assert not np.allclose(first[0].history["loss"], other[0].history["loss"])
    unshuffled = fit_together([make_model(0)], X, Y, epochs=3, batch_size=16, shuffle_seed=None)
    reference = separate_fit(make_model(0), epochs=3, batch_size=16)
    np.testing.assert_allclose(unshuffled[0].history["loss"], reference.history["loss"], rtol=1e-5)


def test_dropout_branches_draw_their_own_masks():
    a, b = fit_seeds(lambda seed: make_model(seed, dropout=0.5), [3, 4], X, Y, epochs=3)
    assert not np.allclose(a.history["loss"], b.history["loss"])


def test_track_adds_values_per_epoch():
    (history,) = fit_seeds(
        make_model, [0], X, Y, epochs=4, track=lambda model: {"penalty": float(sum(model.losses))}
    )
    assert len(history.history["penalty"]) == 4
    assert history.history["penalty"][-1] == pytest.approx(float(sum(history.model.losses)), rel=1e-6)


def test_early_stopping_restores_each_branch_its_own_best_weights():
    def stopper():
        return [keras.callbacks.EarlyStopping("val_data_loss", patience=1, restore_best_weights=True)]

    def build(seed):
        return make_model(seed, l2=0.0, optimizer=keras.optimizers.Adam(0.2))

    histories = fit_seeds(build, [0, 1], X, Y, epochs=40, validation_data=(X_VAL, Y_VAL), callbacks=stopper)
    for seed, history in zip([0, 1], histories, strict=True):
        alone = build(seed)
        reference = alone.fit(
            X,
            Y,
            epochs=40,
            batch_size=len(X),
            validation_data=(X_VAL, Y_VAL),
            shuffle=False,
            verbose=0,
            callbacks=stopper(),
        )
        assert len(history.history["loss"]) == len(reference.history["loss"]) < 40
        for mine, theirs in zip(history.model.get_weights(), alone.get_weights(), strict=True):
            np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_each_history_belongs_to_its_model():
    models = [make_model(0), make_model(1)]
    histories = fit_together(models, X, Y, epochs=2)
    assert [history.model for history in histories] == models
    assert histories[0].epoch == [0, 1]


# --- bad input --------------------------------------------------------------------------------


def test_models_must_be_a_non_empty_list():
    with pytest.raises(TypeError, match="models"):
        fit_together(make_model(0), X, Y, epochs=1)
    with pytest.raises(TypeError, match="models"):
        fit_together([], X, Y, epochs=1)


def test_models_must_be_compiled():
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"models\[0\] is not compiled"):
        fit_together([model], X, Y, epochs=1)


def test_models_must_be_built():
    with pytest.raises(ValueError, match=r"models\[0\]"):
        fit_together([keras.Sequential([keras.layers.Dense(3)])], X, Y, epochs=1)


def test_models_must_not_share_weights_or_optimizers():
    model = make_model(0)
    with pytest.raises(ValueError, match="shares weights"):
        fit_together([model, model], X, Y, epochs=1)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="own optimizer"):
        fit_together([make_model(0, optimizer=shared), make_model(1, optimizer=shared)], X, Y, epochs=1)


def test_models_must_share_the_optimizer_settings():
    other = make_model(1, optimizer=keras.optimizers.Adam(0.5))
    with pytest.raises(ValueError, match=r"models\[1\].*optimizer"):
        fit_together([make_model(0), other], X, Y, epochs=1)
    clipped = [make_model(s, optimizer=keras.optimizers.Adam(global_clipnorm=1.0)) for s in (0, 1)]
    with pytest.raises(ValueError, match="global_clipnorm"):
        fit_together(clipped, X, Y, epochs=1)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1.5}, TypeError, "epochs"),
        ({"epochs": 1, "batch_size": 0}, ValueError, "batch_size"),
        ({"epochs": 1, "shuffle_seed": -1}, ValueError, "shuffle_seed"),
        ({"epochs": 1, "callbacks": [1]}, TypeError, "callbacks"),
        ({"epochs": 1, "track": 3}, TypeError, "track"),
        ({"epochs": 1, "validation_data": X_VAL}, TypeError, "validation_data"),
        ({"epochs": 1, "validation_data": (X_VAL, Y_VAL[:3])}, ValueError, "validation_data"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, name):
    with pytest.raises(error, match=name):
        fit_together([make_model(0)], X, Y, **kwargs)


def test_mismatched_training_data_is_refused():
    with pytest.raises(ValueError, match="x, y"):
        fit_together([make_model(0)], X, Y[:5], epochs=1)


def test_fit_seeds_checks_its_arguments():
    with pytest.raises(TypeError, match="make_model"):
        fit_seeds(make_model(0), [0], X, Y, epochs=1)
    with pytest.raises(ValueError, match="seeds"):
        fit_seeds(make_model, [], X, Y, epochs=1)
    with pytest.raises(ValueError, match=r"seeds\[1\]"):
        fit_seeds(make_model, [0, -2], X, Y, epochs=1)
    with pytest.raises(TypeError, match=r"seeds\[0\]"):
        fit_seeds(make_model, [0.5], X, Y, epochs=1)


# --- curves, spread, summary_table -------------------------------------------------------------


def history_of(**values):
    history = keras.callbacks.History()
    history.history = {key: list(curve) for key, curve in values.items()}
    return history


RUNS = [
    history_of(val_data_loss=[1.0, 0.5, 0.7], val_accuracy=[0.5, 0.8, 0.7]),
    history_of(val_data_loss=[0.9, 0.6, 0.4], val_accuracy=[0.6, 0.7, 0.9]),
    history_of(val_data_loss=[0.8, 0.3, 0.6], val_accuracy=[0.6, 0.9, 0.8]),
]


def test_curves_stack_the_runs():
    np.testing.assert_array_equal(curves(RUNS, "val_data_loss")[:, 0], [1.0, 0.9, 0.8])


def test_spread_of_a_loss_takes_the_lowest_epoch_of_each_run():
    s = spread(RUNS, "val_data_loss")
    assert s == Spread(
        final_mean=pytest.approx((0.7 + 0.4 + 0.6) / 3),
        final_sd=pytest.approx(np.std([0.7, 0.4, 0.6], ddof=1)),
        best_mean=pytest.approx((0.5 + 0.4 + 0.3) / 3),
        best_sd=pytest.approx(np.std([0.5, 0.4, 0.3], ddof=1)),
        best_epoch_mean=pytest.approx((2 + 3 + 2) / 3),
        runs=3,
    )


def test_spread_of_an_accuracy_takes_the_highest_epoch():
    s = spread(RUNS, "val_accuracy", mode="max")
    assert s.best_mean == pytest.approx((0.8 + 0.9 + 0.9) / 3)
    assert s.best_epoch_mean == pytest.approx((2 + 3 + 2) / 3)


def test_spread_of_one_run_has_no_sd():
    assert spread(RUNS[:1], "val_data_loss").final_sd == 0.0


def test_summary_table_has_a_line_per_label():
    table = summary_table({"a": RUNS, "b": RUNS[:2]}, digits=2)
    lines = table.splitlines()
    assert lines[1].startswith("a") and "0.57 ± 0.15" in lines[1] and "0.40 ± 0.10" in lines[1]
    assert lines[2].startswith("b") and lines[2].split()[1] == "2"
    assert "mean ± sd" in lines[-1]
    assert all(len(line) <= 79 for line in lines)


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: curves(RUNS[0], "val_data_loss"), TypeError, "histories"),
        (lambda: curves([], "val_data_loss"), ValueError, "histories"),
        (lambda: curves([RUNS[0], {"val_data_loss": [1]}], "val_data_loss"), TypeError, r"histories\[1\]"),
        (lambda: curves(RUNS, "loss"), ValueError, "loss"),
        (lambda: curves([RUNS[0], history_of(val_data_loss=[1.0])], "val_data_loss"), ValueError, "lengths"),
        (lambda: spread(RUNS, "val_data_loss", mode="best"), ValueError, "mode"),
        (lambda: summary_table({}), TypeError, "runs"),
        (lambda: summary_table({"a": RUNS}, digits=-1), ValueError, "digits"),
    ],
)
def test_summaries_name_bad_arguments(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_module_exports():
    assert callable(experiments.fit_together) and callable(experiments.fit_seeds)
