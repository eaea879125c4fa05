"""Tests of course_utils.plots: every function returns a titled, labelled Figure."""

import keras
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

pytestmark = pytest.mark.usefixtures("close_figures")


def history(**values):
    """A keras History with the given per-epoch values, as fit returns it."""
    result = keras.callbacks.History()
    result.history = {key: list(curve) for key, curve in values.items()}
    return result


@pytest.fixture
def runs():
    return {
        "plain": history(
            data_loss=[1.0, 0.5, 0.3, 0.2], val_data_loss=[1.0, 0.6, 0.8, 1.1], accuracy=[0.5, 0.7, 0.8, 0.9]
        ),
        "L2": [
            history(data_loss=[1.1, 0.6, 0.4, 0.3], val_data_loss=[1.0, 0.7, 0.6, 0.65], accuracy=[0.5] * 4),
            history(data_loss=[1.3, 0.8, 0.6, 0.5], val_data_loss=[1.2, 0.9, 0.8, 0.85], accuracy=[0.6] * 4),
        ],
    }


def assert_labelled(ax):
    assert ax.get_title()
    assert ax.get_xlabel()
    assert ax.get_ylabel()


# --- plot_learning_curves ---------------------------------------------------------------------


def test_learning_curves_draw_a_colour_per_run_and_a_style_per_metric(runs):
    figure = plot_learning_curves(runs, title="Two runs")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert figure.get_suptitle() == "Two runs"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    lines = ax.get_lines()
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_array_equal(lines[1].get_ydata(), runs["plain"].history["val_data_loss"])
    np.testing.assert_allclose(lines[2].get_ydata(), [1.2, 0.7, 0.5, 0.4])  # the mean of two seeds
    assert lines[0].get_color() == lines[1].get_color() != lines[2].get_color()
    assert len(ax.collections) == 2  # a band per metric for the run with two seeds, none for one
    (legend,) = figure.legends
    entries = [text.get_text() for text in legend.get_texts()]
    assert entries == ["plain", "L2", "training", "validation"]  # each word once
    assert "2 seeds" in legend.get_title().get_text()


def test_learning_curves_accept_the_history_dict_and_name_metrics(runs):
    figure = plot_learning_curves(
        {"plain": runs["plain"].history},
        metrics=("data_loss", "val_data_loss"),
        names={"data_loss": "fit", "val_data_loss": "held out"},
    )
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["plain", "fit", "held out"]
    assert not figure.legends[0].get_title().get_text()


def test_learning_curves_in_two_panels_with_a_mark(runs):
    figure = plot_learning_curves(
        runs,
        metrics=[("data_loss", "val_data_loss"), ("accuracy",)],
        ylabel=["loss", "accuracy"],
        mark_epoch=2,
    )
    left, right = figure.axes
    assert (left.get_ylabel(), right.get_ylabel()) == ("loss", "accuracy")
    assert len(right.get_lines()) == 2 + 1  # two runs and the mark
    mark = right.get_lines()[-1]
    np.testing.assert_array_equal(mark.get_xdata(), [2, 2])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"runs": {}}, ValueError, "runs"),
        ({"runs": []}, ValueError, "runs"),
        ({"runs": None}, ValueError, "runs"),
        ({"runs": {"a": []}}, ValueError, "runs"),
        ({"runs": {"a": 3}}, TypeError, "runs"),
        ({"runs": {"a": [history(data_loss=[1]), "x"]}}, TypeError, r"runs\['a'\]\[1\]"),
        ({"metrics": ()}, ValueError, "metrics"),
        ({"metrics": "loss"}, ValueError, "metrics"),
        ({"metrics": [("loss",), ()]}, ValueError, "metrics"),
        ({"metrics": ("val_mse",)}, ValueError, "val_mse"),
        ({"ylabel": ["a", "b"]}, ValueError, "ylabel"),
        ({"mark_epoch": 0}, ValueError, "mark_epoch"),
    ],
)
def test_learning_curves_reject_bad_arguments_by_name(runs, kwargs, error, name):
    arguments = {"runs": runs} | kwargs
    with pytest.raises(error, match=name):
        plot_learning_curves(**arguments)


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


def test_penalty_shapes_draw_penalties_and_their_pull():
    figure = plot_penalty_shapes(l1=0.5, l2=2.0, limit=1.0)
    assert isinstance(figure, Figure)
    left, right = figure.axes
    for ax in (left, right):
        assert_labelled(ax)
    l1_line, l2_line = left.get_lines()
    w = l1_line.get_xdata()
    assert (w.min(), w.max()) == (-1.0, 1.0)
    np.testing.assert_allclose(l1_line.get_ydata(), 0.5 * np.abs(w))
    np.testing.assert_allclose(l2_line.get_ydata(), 2.0 * w**2)  # no factor 1/2
    negative, positive, at_zero, l2_pull, _zero_line, open_ends = right.get_lines()
    assert np.all(negative.get_xdata() < 0) and np.all(negative.get_ydata() == 0.5)  # pulled up, to 0
    assert np.all(positive.get_xdata() > 0) and np.all(positive.get_ydata() == -0.5)
    np.testing.assert_array_equal(at_zero.get_xydata(), [[0.0, 0.0]])  # the subgradient at 0
    np.testing.assert_array_equal(open_ends.get_xydata(), [[0.0, 0.5], [0.0, -0.5]])  # the jump's ends
    assert open_ends.get_marker() == "o" and open_ends.get_linestyle() == "None"
    assert open_ends.get_markerfacecolor() == "white"  # open: the pull does not take these values
    np.testing.assert_allclose(l2_pull.get_ydata(), -4.0 * l2_pull.get_xdata())  # minus 2·l2·w


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
    assert {"Penalties on the weights", "Dropout", "Early stopping", "L2 (ridge)", "Smaller model"} <= texts
    bold = {text.get_text() for text in ax.texts if text.get_fontweight() == "bold"}
    assert {"L1 (lasso)", "L2 (ridge)", "Dropout", "Early stopping"} <= bold
    assert "Weight decay (optimizer)" in texts - bold


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

STRENGTHS = [0.0, 0.001, 0.01, 0.1]
TABLE = np.array([[0.5, 0.6, 0.7], [0.4, 0.45, 0.5], [0.3, 0.5, 0.4], [0.9, 1.0, 1.1]])


def test_validation_curve_shows_every_seed_and_the_mean_with_sd():
    figure = plot_validation_curve(STRENGTHS, {"validation": TABLE}, title="λ sweep")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert_labelled(ax)
    assert ax.get_title() == "λ sweep"
    assert ax.get_xscale() == "symlog"  # λ = 0 must stay on a logarithmic axis
    dots = [line for line in ax.get_lines() if line.get_marker() == "."]
    assert len(dots) == 3  # one set of dots per seed
    (bars,) = ax.containers
    mean_line = bars.lines[0]
    np.testing.assert_allclose(mean_line.get_ydata(), TABLE.mean(axis=1))
    (legend,) = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "3 seeds" in legend


def test_validation_curve_names_the_seeds_once_for_several_entries():
    figure = plot_validation_curve(STRENGTHS, {"validation": TABLE, "training": TABLE / 2})
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["validation", "training"]
    assert "3 seeds" in legend.get_title().get_text()


def test_validation_curve_can_name_the_seeds_once_in_the_legend_title():
    tables = {"at epoch 60": TABLE, "at the best epoch": TABLE - 0.1}
    figure = plot_validation_curve(STRENGTHS, tables, seeds_note="title")
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == list(tables)
    assert legend.get_title().get_text() == "mean ± sd of 3 seeds; dots: each seed"
    with pytest.raises(ValueError, match="seeds_note"):
        plot_validation_curve(STRENGTHS, tables, seeds_note="legend")


def test_validation_curve_can_name_the_seeds_in_every_entry():
    figure = plot_validation_curve(STRENGTHS, {"a": TABLE, "b": TABLE / 2}, seeds_note="label")
    texts = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert all(text.endswith("(mean ± sd of 3 seeds)") for text in texts)


def test_validation_curve_of_one_seed_and_no_zero():
    figure = plot_validation_curve([0.01, 0.1], {"val": [0.2, 0.3]})
    (ax,) = figure.axes
    assert ax.get_xscale() == "log"
    assert "seeds" not in ax.get_legend().get_texts()[0].get_text()


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((None, {"v": TABLE}), TypeError, "strengths"),
        (([0.1, -1.0, 2, 3], {"v": TABLE}), ValueError, "strengths"),
        ((STRENGTHS, {}), ValueError, "values"),
        ((STRENGTHS, {"v": TABLE[:2]}), ValueError, r"values\['v'\]"),
        ((STRENGTHS, {"v": "abc"}), TypeError, r"values\['v'\]"),
    ],
)
def test_validation_curve_rejects_bad_arguments_by_name(args, error, name):
    with pytest.raises(error, match=name):
        plot_validation_curve(*args)


# --- all of them ----------------------------------------------------------------------------------


def test_every_function_returns_a_new_figure(runs, digits):
    figures = [
        plot_learning_curves(runs),
        plot_digits(digits.x_train, digits.y_train),
        plot_penalty_shapes(),
        plot_regularization_map(),
        plot_weight_histograms({"w": np.ones(3)}),
        plot_validation_curve(STRENGTHS, {"v": TABLE}),
    ]
    assert len({id(figure) for figure in figures}) == len(figures)
    assert len(plt.get_fignums()) == len(figures)


@pytest.mark.parametrize("case", ["learning-curves-bad-run", "validation-curve-bad-table"])
def test_a_rejected_argument_leaves_no_figure_open(runs, case):
    before = len(plt.get_fignums())
    with pytest.raises((TypeError, ValueError)):
        if case == "learning-curves-bad-run":
            plot_learning_curves({**runs, "bad": "not a history"})
        else:
            plot_validation_curve(STRENGTHS, {"v": TABLE[:1]})
    assert len(plt.get_fignums()) == before
