"""Tests of course_utils.training: tiny real trainings, and TrainingLog on hand-made curves."""

import keras
import numpy as np
import pytest

from course_utils.data import load_digits, make_sparse_regression
from course_utils.models import build_mlp
from course_utils.penalties import total_penalty
from course_utils.training import METRICS, Sweep, TrainingLog, compile_model, kernel_norm, sweep, train

EPOCHS = 3
L2 = 1e-2


@pytest.fixture(scope="module")
def digits():
    return load_digits(n_train=60)


def tiny_run(split, kernel_regularizer=None, seed=0):
    model = build_mlp(64, 10, (8,), kernel_regularizer=kernel_regularizer, dropout=0.2, seed=seed)
    return model, train(model, split, epochs=EPOCHS, batch_size=16, seed=seed)


@pytest.fixture(scope="module")
def plain(digits):
    return tiny_run(digits)


@pytest.fixture(scope="module")
def regularized(digits):
    return tiny_run(digits, kernel_regularizer=keras.regularizers.L2(L2))


@pytest.fixture(scope="module")
def regression():
    problem = make_sparse_regression(n_samples=50)
    model = build_mlp(20, 1, (), output_activation="linear", kernel_regularizer=keras.regularizers.L1(0.01))
    return model, train(model, problem.split, epochs=2, task="regression", batch_size=16)


# --- what train records -------------------------------------------------------------------------


def test_train_returns_one_value_per_epoch_of_every_metric(regularized):
    _, log = regularized
    assert isinstance(log, TrainingLog)
    assert log.epochs == EPOCHS
    for metric in METRICS:
        values = log.curve(metric)
        assert values.shape == (EPOCHS,), metric
        assert np.all(np.isfinite(values)), metric


def test_accuracies_are_fractions(regularized):
    _, log = regularized
    assert np.all((log.accuracy >= 0) & (log.accuracy <= 1))
    assert np.all((log.val_accuracy >= 0) & (log.val_accuracy <= 1))


def test_without_regularizer_data_loss_is_the_loss_and_the_penalty_is_zero(plain):
    _, log = plain
    np.testing.assert_array_equal(log.penalty, np.zeros(EPOCHS))
    np.testing.assert_allclose(log.data_loss, log.loss, rtol=1e-6)
    np.testing.assert_allclose(log.val_data_loss, log.val_loss, rtol=1e-6)


def test_with_a_regularizer_the_loss_is_data_loss_plus_penalty(regularized):
    _, log = regularized
    assert np.all(log.penalty > 0)
    # validation runs after the epoch, with the weights whose penalty was recorded: equal
    np.testing.assert_allclose(log.val_loss - log.val_data_loss, log.penalty, rtol=1e-4)
    # during the epoch the weights (and so the penalty) move a little: roughly equal
    np.testing.assert_allclose(log.loss - log.data_loss, log.penalty, rtol=0.1)


def test_penalty_and_weight_norm_describe_the_trained_model(regularized):
    model, log = regularized
    assert log.penalty[-1] == pytest.approx(total_penalty(model), rel=1e-6)
    assert log.weight_norm[-1] == pytest.approx(kernel_norm(model), rel=1e-6)
    kernels = [layer.kernel.numpy() for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert log.penalty[-1] == pytest.approx(L2 * sum(np.square(k).sum() for k in kernels), rel=1e-5)


def test_the_same_seed_gives_identical_curves(digits, regularized):
    _, again = tiny_run(digits, kernel_regularizer=keras.regularizers.L2(L2))
    _, log = regularized
    for metric in METRICS:
        np.testing.assert_array_equal(again.curve(metric), log.curve(metric), err_msg=metric)


def test_another_seed_gives_other_curves(digits, plain):
    _, other = tiny_run(digits, seed=1)
    assert not np.array_equal(other.loss, plain[1].loss)


def test_regression_records_losses_but_no_accuracy(regression):
    _, log = regression
    assert log.epochs == 2
    assert log.accuracy.size == 0
    assert log.val_accuracy.size == 0
    assert np.all(log.penalty > 0)
    np.testing.assert_allclose(log.val_loss - log.val_data_loss, log.penalty, rtol=1e-4)


@pytest.mark.parametrize("metric", ["accuracy", "val_accuracy"])
def test_regression_log_refuses_accuracy(regression, metric):
    _, log = regression
    with pytest.raises(ValueError, match="metric"):
        log.curve(metric)
    with pytest.raises(ValueError, match="metric"):
        log.best_epoch(metric)


# --- TrainingLog on hand-made curves ------------------------------------------------------------


def test_best_epoch_is_one_based_lowest_loss(make_log):
    log = make_log([1.0, 0.7, 0.5, 0.6, 0.9])
    assert log.best_epoch() == 3
    assert log.best_epoch("val_data_loss") == 3
    assert log.best_epoch("val_loss") == 3
    assert log.best_epoch("data_loss") == 5  # the training loss keeps falling


def test_best_epoch_is_highest_accuracy(make_log):
    log = make_log([1.0, 0.9], accuracy=[0.5, 0.9], val_accuracy=[0.8, 0.7])
    assert log.best_epoch("accuracy") == 2
    assert log.best_epoch("val_accuracy") == 1


def test_final_and_curve(make_log):
    log = make_log([1.0, 0.7, 0.8])
    assert log.epochs == 3
    assert log.final("val_data_loss") == 0.8
    assert log.final("data_loss") == pytest.approx(0.1)
    np.testing.assert_array_equal(log.curve("val_loss"), [1.0, 0.7, 0.8])


def test_a_hand_made_log_has_no_accuracy(make_log):
    with pytest.raises(ValueError, match="metric"):
        make_log([1.0, 0.5]).final("accuracy")


@pytest.mark.parametrize("method", ["curve", "best_epoch", "final"])
@pytest.mark.parametrize("metric", ["val_acc", "mse", "Loss", "", None])
def test_an_unknown_metric_is_rejected(make_log, method, metric):
    with pytest.raises(ValueError, match="metric"):
        getattr(make_log([1.0, 0.5]), method)(metric)


# --- kernel_norm --------------------------------------------------------------------------------


def test_kernel_norm_is_the_norm_of_all_kernels_without_biases():
    model = build_mlp(2, 1, (2,), output_activation="linear")
    hidden, output = model.get_layer("hidden_1"), model.get_layer("output")
    hidden.set_weights([np.full((2, 2), 1.0), np.full(2, 100.0)])
    output.set_weights([np.full((2, 1), 2.0), np.full(1, 100.0)])
    assert kernel_norm(model) == pytest.approx(np.sqrt(4 * 1.0 + 2 * 4.0))


@pytest.mark.parametrize("bad", [None, "model", keras.layers.Dense(2)], ids=["none", "string", "layer"])
def test_kernel_norm_rejects_a_non_model(bad):
    with pytest.raises(TypeError, match="model"):
        kernel_norm(bad)


# --- compile_model ------------------------------------------------------------------------------


@pytest.fixture
def model():
    return build_mlp(4, 3, (2,))


@pytest.mark.parametrize(("name", "cls"), [("adam", "Adam"), ("sgd", "SGD"), ("RMSprop", "RMSprop")])
def test_a_named_optimizer_gets_the_learning_rate(model, name, cls):
    compile_model(model, optimizer=name, learning_rate=0.05)
    assert type(model.optimizer).__name__ == cls
    assert float(model.optimizer.learning_rate) == pytest.approx(0.05)


def test_an_optimizer_instance_is_used_as_it_is(model):
    optimizer = keras.optimizers.SGD(learning_rate=0.3, momentum=0.9)
    compile_model(model, optimizer=optimizer, learning_rate=0.001)
    assert model.optimizer is optimizer
    assert float(model.optimizer.learning_rate) == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"task": "clustering"}, ValueError, "task"),
        ({"task": None}, ValueError, "task"),
        ({"optimizer": "adamz"}, ValueError, "optimizer"),
        ({"optimizer": "l1_l2"}, ValueError, "optimizer"),
        ({"optimizer": 3}, TypeError, "optimizer"),
        ({"optimizer": None}, TypeError, "optimizer"),
        ({"learning_rate": -0.1}, ValueError, "learning_rate"),
        ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
        ({"learning_rate": float("inf")}, ValueError, "learning_rate"),
        ({"learning_rate": "0.1"}, TypeError, "learning_rate"),
    ],
)
def test_compile_model_rejects_bad_arguments_by_name(model, kwargs, error, name):
    with pytest.raises(error, match=name):
        compile_model(model, **kwargs)


@pytest.mark.parametrize("bad", [None, "model", keras.layers.Dense(2)], ids=["none", "string", "layer"])
def test_compile_model_rejects_a_non_model(bad):
    with pytest.raises(TypeError, match="model"):
        compile_model(bad)


# --- train's argument checks (all fail before any fitting) ---------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"epochs": 1.5}, TypeError, "epochs"),
        ({"epochs": True}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": "32"}, TypeError, "batch_size"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
        ({"task": "clustering"}, ValueError, "task"),
        ({"optimizer": "adamz"}, ValueError, "optimizer"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate"),
    ],
)
def test_train_rejects_bad_arguments_by_name(digits, model, kwargs, error, name):
    arguments = {"epochs": 1} | kwargs
    with pytest.raises(error, match=name):
        train(model, digits, **arguments)


@pytest.mark.parametrize("bad", [None, (np.zeros((3, 64)), np.zeros(3)), {"x_train": np.zeros((3, 64))}])
def test_train_rejects_a_split_that_is_not_a_split(model, bad):
    with pytest.raises(TypeError, match="split"):
        train(model, bad, epochs=1)


def test_train_rejects_a_non_model(digits):
    with pytest.raises(TypeError, match="model"):
        train("model", digits, epochs=1)


# --- Sweep on hand-made logs ----------------------------------------------------------------------


@pytest.fixture
def hand_sweep(make_log):
    """Three strengths, two seeds; the middle strength has the lowest validation loss on average."""
    curves = {
        (0.0, 0): [1.0, 0.5, 0.9],
        (0.0, 1): [1.0, 0.6, 0.8],
        (0.1, 0): [1.0, 0.6, 0.4],
        (0.1, 1): [1.0, 0.5, 0.5],
        (1.0, 0): [1.0, 0.9, 0.85],
        (1.0, 1): [1.0, 0.95, 0.9],
    }
    logs = {
        key: make_log(val, accuracy=[0.1, 0.2, 0.3], val_accuracy=[0.5, 1 - val[2], 0.6])
        for key, val in curves.items()
    }
    return Sweep(strengths=(0.0, 0.1, 1.0), seeds=(0, 1), logs=logs)


def test_sweep_values_are_a_strength_by_seed_table(hand_sweep):
    np.testing.assert_allclose(hand_sweep.values("val_data_loss"), [[0.9, 0.8], [0.4, 0.5], [0.85, 0.9]])
    np.testing.assert_allclose(
        hand_sweep.values("val_data_loss", at="best"), [[0.5, 0.6], [0.4, 0.5], [0.85, 0.9]]
    )
    np.testing.assert_allclose(
        hand_sweep.values("val_accuracy", at="best"), [[0.6, 0.6], [0.6, 0.6], [0.6, 0.6]]
    )


def test_sweep_best_strength(hand_sweep):
    assert hand_sweep.best_strength() == 0.1
    assert hand_sweep.best_strength("val_data_loss", at="best") == 0.1
    assert hand_sweep.best_strength("data_loss") in hand_sweep.strengths


def test_sweep_rejects_unknown_names(hand_sweep):
    with pytest.raises(ValueError, match="at"):
        hand_sweep.values("val_data_loss", at="last")
    with pytest.raises(ValueError, match="metric"):
        hand_sweep.values("val_mse")
    with pytest.raises(ValueError, match="metric"):
        hand_sweep.best_strength("mse")


# --- sweep: one tiny real grid, and its argument checks -------------------------------------------


def build_for_sweep(strength, seed):
    regularizer = keras.regularizers.L2(strength) if strength else None
    return build_mlp(64, 10, (8,), kernel_regularizer=regularizer, seed=seed)


def test_sweep_trains_one_model_per_strength_and_seed(digits):
    calls = []

    def build(strength, seed):
        calls.append((strength, seed))
        return build_for_sweep(strength, seed)

    result = sweep(build, [0, 0.01], digits, epochs=1, seeds=[3])
    assert isinstance(result, Sweep)
    assert calls == [(0.0, 3), (0.01, 3)]
    assert result.strengths == (0.0, 0.01)
    assert result.seeds == (3,)
    assert set(result.logs) == {(0.0, 3), (0.01, 3)}
    assert result.values("penalty").shape == (2, 1)
    assert result.logs[(0.0, 3)].penalty[0] == 0.0
    assert result.logs[(0.01, 3)].penalty[0] > 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"build": None}, TypeError, "build"),
        ({"strengths": []}, ValueError, "strengths"),
        ({"strengths": [0.1, -0.1]}, ValueError, "strengths"),
        ({"strengths": [float("nan")]}, ValueError, "strengths"),
        ({"strengths": ["0.1"]}, TypeError, "strengths"),
        ({"seeds": []}, ValueError, "seeds"),
        ({"seeds": [0, -1]}, ValueError, "seeds"),
        ({"seeds": [0.5]}, TypeError, "seeds"),
        ({"optimizer": keras.optimizers.Adam()}, TypeError, "optimizer"),
        ({"epochs": 0}, ValueError, "epochs"),
        ({"split": None}, TypeError, "split"),
    ],
)
def test_sweep_rejects_bad_arguments_by_name(digits, kwargs, error, name):
    arguments = {"build": build_for_sweep, "strengths": [0.0], "split": digits, "epochs": 1} | kwargs
    with pytest.raises(error, match=name):
        sweep(**arguments)


def test_sweep_rejects_a_model_given_instead_of_a_builder(digits):
    with pytest.raises(TypeError, match="build"):
        sweep(build_for_sweep(0.0, 0), [0.0], digits, epochs=1)


@pytest.mark.parametrize(("kwargs", "name"), [({"strengths": 0.01}, "strengths"), ({"seeds": 0}, "seeds")])
def test_sweep_names_a_bare_number_given_for_a_grid(digits, kwargs, name):
    arguments = {"build": build_for_sweep, "strengths": [0.0], "split": digits, "epochs": 1} | kwargs
    with pytest.raises(TypeError, match=name):
        sweep(**arguments)
