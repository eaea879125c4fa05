"""Tests of course_utils.plots: every function returns a titled, labelled Figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.data import load_digits
from course_utils.plots import (
    plot_digits,
    plot_learning_curves,
    plot_penalty_shapes,
    plot_regularization_map,
    plot_validation_curve,
    plot_weight_histograms,
)
from course_utils.training import METRICS, Sweep

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def logs(make_log):
    return {
        "plain": make_log(
            [1.0, 0.6, 0.8, 1.1], accuracy=[0.5, 0.7, 0.8, 0.9], val_accuracy=[0.4, 0.6, 0.6, 0.5]
        ),
        "L2": make_log(
            [1.0, 0.7, 0.6, 0.65], accuracy=[0.5, 0.6, 0.7, 0.8], val_accuracy=[0.4, 0.5, 0.6, 0.6]
        ),
    }


def assert_labelled(ax):
    assert ax.get_title()
    assert ax.get_xlabel()
    assert ax.get_ylabel()


# --- plot_learning_curves ---------------------------------------------------------------------


def test_learning_curves_draw_two_lines_per_run(logs):
    figure = plot_learning_curves(logs, title="Two runs")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert_labelled(ax)
    assert ax.get_title() == "Two runs"
    assert ax.get_xlabel() == "epoch"
    lines = ax.get_lines()
    assert len(lines) == 4
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(lines[1].get_ydata(), logs["plain"].val_data_loss)
    np.testing.assert_array_equal(lines[2].get_ydata(), logs["L2"].data_loss)
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(legend) == 4
    assert legend[0].startswith("plain") and legend[3].startswith("L2")


def test_learning_curves_of_one_metric(logs):
    figure = plot_learning_curves(logs, metrics=("val_accuracy",), ylabel="accuracy")
    (ax,) = figure.axes
    assert_labelled(ax)
    assert ax.get_ylabel() == "accuracy"
    assert len(ax.get_lines()) == 2
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), logs["L2"].val_accuracy)


@pytest.mark.parametrize("metric", METRICS)
def test_learning_curves_draw_every_metric(logs, metric):
    figure = plot_learning_curves(logs, metrics=(metric,))
    assert len(figure.axes[0].get_lines()) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"logs": {}}, ValueError, "logs"),
        ({"logs": []}, ValueError, "logs"),
        ({"logs": None}, ValueError, "logs"),
        ({"metrics": ()}, ValueError, "metrics"),
        ({"metrics": ("loss", "val_loss", "penalty")}, ValueError, "metrics"),
        ({"metrics": "loss"}, ValueError, "metrics"),
        ({"metrics": ("loss", "val_mse")}, ValueError, "metrics"),
    ],
)
def test_learning_curves_reject_bad_arguments_by_name(logs, kwargs, error, name):
    arguments = {"logs": logs} | kwargs
    with pytest.raises(error, match=name):
        plot_learning_curves(**arguments)


def test_learning_curves_reject_a_value_that_is_not_a_log(logs):
    with pytest.raises(TypeError, match="logs"):
        plot_learning_curves({**logs, "bad": [1.0, 0.5]})


def test_learning_curves_refuse_accuracy_of_a_run_without_it(make_log):
    with pytest.raises(ValueError, match="metric"):
        plot_learning_curves({"regression": make_log([1.0, 0.5])}, metrics=("accuracy",))


@pytest.mark.parametrize("bad", [None, 2])
def test_learning_curves_name_metrics_without_a_length(logs, bad):
    with pytest.raises((TypeError, ValueError), match="metrics"):
        plot_learning_curves(logs, metrics=bad)


# --- plot_digits -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    return load_digits(n_train=20)


@pytest.mark.parametrize("form", ["flat", "image"])
def test_digits_show_images_with_their_labels(form):
    split = load_digits(form, n_train=20)
    figure = plot_digits(split.x_train, split.y_train, count=5)
    assert isinstance(figure, Figure)
    assert figure.get_suptitle()
    assert len(figure.axes) == 5
    for ax, image, label in zip(figure.axes, split.x_train, split.y_train, strict=False):
        assert ax.get_title() == str(label)
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), image.reshape(8, 8))


def test_digits_count_is_capped_by_the_number_of_images(digits):
    figure = plot_digits(digits.x_train[:3], digits.y_train[:3], count=10)
    assert len(figure.axes) == 3


def test_a_single_digit(digits):
    figure = plot_digits(digits.x_train[:1], digits.y_train[:1])
    assert len(figure.axes) == 1


@pytest.mark.parametrize(
    ("x", "y", "count", "error", "name"),
    [
        (np.zeros((3, 64)), np.zeros(3, int), 0, ValueError, "count"),
        (np.zeros((3, 64)), np.zeros(3, int), 2.0, TypeError, "count"),
        (np.zeros(64), np.zeros(1, int), 1, ValueError, r"\bx\b"),
        (np.zeros((3, 16)), np.zeros(3, int), 1, ValueError, r"\bx\b"),
        (np.zeros((3, 64)), np.zeros(2, int), 1, ValueError, r"\by\b"),
    ],
)
def test_digits_reject_bad_arguments_by_name(x, y, count, error, name):
    with pytest.raises(error, match=name):
        plot_digits(x, y, count)


def test_digits_reject_an_empty_batch_by_name():
    with pytest.raises(ValueError, match=r"\bx\b"):
        plot_digits(np.zeros((0, 64)), np.zeros(0, int))


def test_digits_reject_a_missing_y_by_name(digits):
    with pytest.raises(TypeError, match=r"\by\b"):
        plot_digits(digits.x_train, None)


# --- plot_penalty_shapes ----------------------------------------------------------------------


def test_penalty_shapes_draw_penalties_and_gradients():
    figure = plot_penalty_shapes(l1=0.5, l2=2.0, limit=1.0)
    assert isinstance(figure, Figure)
    left, right = figure.axes
    for ax in (left, right):
        assert_labelled(ax)
        assert len(ax.get_lines()) == 3
    w = left.get_lines()[0].get_xdata()
    assert (w.min(), w.max()) == (-1.0, 1.0)
    l1_line, l2_line, both_line = (line.get_ydata() for line in left.get_lines())
    np.testing.assert_allclose(l1_line, 0.5 * np.abs(w))
    np.testing.assert_allclose(l2_line, 2.0 * w**2)  # no factor 1/2
    np.testing.assert_allclose(both_line, 0.5 * np.abs(w) + 2.0 * w**2)
    l1_gradient = right.get_lines()[0].get_ydata()
    assert l1_gradient[np.flatnonzero(w == 0)[0]] == 0.0  # the subgradient at 0
    np.testing.assert_allclose(right.get_lines()[1].get_ydata(), 4.0 * w)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"l1": -1.0}, ValueError, "l1"),
        ({"l1": float("nan")}, ValueError, "l1"),
        ({"l1": "1"}, TypeError, "l1"),
        ({"l2": float("inf")}, ValueError, "l2"),
        ({"l2": -0.5}, ValueError, "l2"),
        ({"limit": 0}, ValueError, "limit"),
        ({"limit": -2.0}, ValueError, "limit"),
        ({"limit": float("inf")}, ValueError, "limit"),
        ({"limit": None}, TypeError, "limit"),
    ],
)
def test_penalty_shapes_reject_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        plot_penalty_shapes(**kwargs)


# --- plot_regularization_map -------------------------------------------------------------------


def test_regularization_map_is_a_titled_diagram():
    figure = plot_regularization_map()
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == "Regularization methods for neural networks"
    assert not ax.axison  # a diagram: no axes, hence no axis labels
    texts = {text.get_text() for text in ax.texts}
    assert {"Weight penalties", "Dropout", "Early stopping", "L2 (ridge)"} <= texts
    bold = {text.get_text() for text in ax.texts if text.get_fontweight() == "bold"}
    assert {"L1 (lasso)", "L2 (ridge)", "L1 + L2 (elastic net)", "Dropout"} == bold


# --- plot_weight_histograms -------------------------------------------------------------------


def test_weight_histograms_one_panel_per_array_on_shared_bins():
    rng = np.random.default_rng(0)
    weights = {"no penalty": rng.normal(size=(8, 4)), "L1": np.where(rng.random(50) < 0.6, 0.0, 0.3)}
    figure = plot_weight_histograms(weights, bins=11, title="Kernels")
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() == "Kernels"
    assert [ax.get_title() for ax in figure.axes] == ["no penalty", "L1"]
    assert all(ax.get_xlabel() for ax in figure.axes)
    assert figure.axes[0].get_ylabel() == "count (log scale)"
    for ax, values in zip(figure.axes, weights.values(), strict=True):
        assert len(ax.patches) == 11
        assert sum(patch.get_height() for patch in ax.patches) == np.size(values)
    assert [p.get_x() for p in figure.axes[0].patches] == [p.get_x() for p in figure.axes[1].patches]


def test_weight_histograms_of_zeros_and_a_linear_count_axis():
    figure = plot_weight_histograms({"all zero": np.zeros(10)}, log_counts=False)
    (ax,) = figure.axes
    assert ax.get_ylabel() == "count"
    assert ax.get_yscale() == "linear"


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"weights": {}}, ValueError, "weights"),
        ({"weights": [np.ones(3)]}, ValueError, "weights"),
        ({"weights": {"a": []}}, ValueError, "weights"),
        ({"weights": {"a": [1.0, float("nan")]}}, ValueError, "weights"),
        ({"weights": {"a": "abc"}}, TypeError, "weights"),
        ({"bins": 1}, ValueError, "bins"),
        ({"bins": 10.0}, TypeError, "bins"),
    ],
)
def test_weight_histograms_reject_bad_arguments_by_name(kwargs, error, name):
    arguments = {"weights": {"a": np.ones(3)}} | kwargs
    with pytest.raises(error, match=name):
        plot_weight_histograms(**arguments)


# --- plot_validation_curve --------------------------------------------------------------------


@pytest.fixture
def hand_sweep(make_log):
    strengths, seeds = (0.0, 0.001, 0.01, 0.1), (0, 1)
    logs = {
        (strength, seed): make_log([1.0, 0.5 + strength + 0.01 * seed, 0.6 + strength])
        for strength in strengths
        for seed in seeds
    }
    return Sweep(strengths, seeds, logs)


def test_validation_curve_plots_the_mean_over_seeds_with_a_band(hand_sweep):
    figure = plot_validation_curve(hand_sweep, title="λ sweep")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert_labelled(ax)
    assert ax.get_title() == "λ sweep"
    assert ax.get_xscale() == "symlog"  # λ = 0 must stay on a logarithmic axis
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[1].get_xdata(), hand_sweep.strengths)
    np.testing.assert_allclose(lines[1].get_ydata(), hand_sweep.values("val_data_loss").mean(axis=1))
    assert len(ax.collections) == 2  # one min-max band per metric (two seeds)


def test_validation_curve_at_best_and_without_zero(make_log):
    strengths = (0.01, 0.1)
    result = Sweep(strengths, (0,), {(s, 0): make_log([1.0, 0.2 + s, 0.9]) for s in strengths})
    figure = plot_validation_curve(result, metrics=("val_data_loss",), at="best")
    (ax,) = figure.axes
    assert ax.get_xscale() == "log"
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.21, 0.3])
    assert len(ax.collections) == 0  # one seed: no band


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"result": None}, TypeError, "result"),
        ({"result": {"logs": {}}}, TypeError, "result"),
        ({"metrics": ()}, ValueError, "metrics"),
        ({"metrics": "val_loss"}, ValueError, "metrics"),
        ({"metrics": ("val_mse",)}, ValueError, "metrics"),
    ],
)
def test_validation_curve_rejects_bad_arguments_by_name(hand_sweep, kwargs, error, name):
    arguments = {"result": hand_sweep} | kwargs
    with pytest.raises(error, match=name):
        plot_validation_curve(**arguments)


@pytest.mark.parametrize("at", ["bset", "last"])
def test_validation_curve_rejects_an_unknown_at(hand_sweep, at):
    with pytest.raises(ValueError, match="at"):
        plot_validation_curve(hand_sweep, at=at)


# --- all of them ----------------------------------------------------------------------------------


def test_every_function_returns_a_new_figure(logs, digits, hand_sweep):
    figures = [
        plot_learning_curves(logs),
        plot_digits(digits.x_train, digits.y_train),
        plot_penalty_shapes(),
        plot_regularization_map(),
        plot_weight_histograms({"w": np.ones(3)}),
        plot_validation_curve(hand_sweep),
    ]
    assert len({id(figure) for figure in figures}) == len(figures)
    assert len(plt.get_fignums()) == len(figures)


@pytest.mark.parametrize("case", ["learning-curves-bad-log", "validation-curve-bad-metric"])
def test_a_rejected_argument_leaves_no_figure_open(logs, hand_sweep, case):
    before = len(plt.get_fignums())
    with pytest.raises((TypeError, ValueError)):
        if case == "learning-curves-bad-log":
            plot_learning_curves({**logs, "bad": "not a log"})
        else:
            plot_validation_curve(hand_sweep, metrics=("val_data_loss", "val_mse"))
    assert len(plt.get_fignums()) == before
