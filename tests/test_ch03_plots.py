"""Tests of the figures chapter 03 added: weight paths, paired scores and weight pairs."""

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.plots import plot_paired_scores, plot_weight_pairs, plot_weight_paths

GRID = np.array([0.01, 0.1, 1.0, 10.0])
TABLE = np.array([[2.0, 1.0, 0.1], [1.8, 0.8, 0.0], [1.0, 0.2, 0.0], [0.0, 0.0, 0.0]])
MASK = np.array([True, True, False])


def colours(ax, marker=None):
    lines = [line for line in ax.get_lines() if marker is None or line.get_marker() == marker]
    return [mcolors.to_hex(line.get_color()) for line in lines]


# --- plot_weight_paths ----------------------------------------------------------------------------


def test_weight_paths_draw_one_line_per_input_and_the_trained_dots(close_figures):
    figure = plot_weight_paths(
        {"L1": (GRID, TABLE), "L2": (GRID, TABLE * 0.9)},
        trained={"L1": (GRID[:2], TABLE[:2] + 0.01)},
        informative=MASK,
        title="Paths",
        xlabel="λ",
        names=("exact", "Adam"),
    )
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() == "Paths"
    left, right = figure.axes
    assert [left.get_title(), right.get_title()] == ["L1", "L2"]
    assert left.get_xscale() == right.get_xscale() == "log"
    assert left.get_xlabel() == "λ" and left.get_ylabel() == "weight"
    solid = [line for line in left.get_lines() if line.get_marker() in ("None", "", None)]
    assert len(solid) == 3 + 1  # one line per input and the zero line
    dots = [line for line in left.get_lines() if line.get_marker() == "o"]
    assert len(dots) == 3 and all(len(line.get_xdata()) == 2 for line in dots)
    assert not [line for line in right.get_lines() if line.get_marker() == "o"]
    grey = mcolors.to_hex("0.6")
    path_colours = colours(left)[:3]
    assert path_colours[0] == grey  # the irrelevant input is drawn first, in grey
    assert len(set(path_colours[1:])) == 2 and grey not in path_colours[1:]
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["input 0", "input 1", "irrelevant inputs (1)", "lines: exact", "dots: Adam"]


def test_weight_paths_without_mask_or_dots(close_figures):
    figure = plot_weight_paths({"L2": (GRID, TABLE)})
    (ax,) = figure.axes
    assert len(set(colours(ax)[:3])) == 3  # every input a colour of its own
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["lines: exact optimum"]


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"exact": {}}, ValueError, "exact"),
        ({"exact": [(GRID, TABLE)]}, ValueError, "exact"),
        ({"exact": {"L1": TABLE}}, TypeError, "exact"),
        ({"exact": {"L1": (GRID, TABLE, 1)}}, TypeError, "exact"),
        ({"exact": {"L1": (np.append(GRID[:3], 0.0), TABLE)}}, ValueError, "strengths"),
        ({"exact": {"L1": (GRID, TABLE[:3])}}, ValueError, "one row per strength"),
        ({"exact": {"L1": (GRID, TABLE.ravel())}}, ValueError, "weights"),
        ({"exact": {"L1": (GRID, TABLE), "L2": (GRID, TABLE[:, :2])}}, ValueError, "columns"),
        ({"trained": {"L1": (GRID, TABLE[:, :2])}}, ValueError, "trained"),
        ({"trained": {"L3": (GRID, TABLE)}}, ValueError, "trained"),
        ({"informative": np.array([True, False])}, ValueError, "informative"),
        ({"informative": np.array([1, 0, 1])}, ValueError, "informative"),
        ({"names": ("one",)}, TypeError, "names"),
    ],
)
def test_weight_paths_reject_bad_arguments_by_name(close_figures, kwargs, error, name):
    arguments = {"exact": {"L1": (GRID, TABLE)}} | kwargs
    with pytest.raises(error, match=name):
        plot_weight_paths(**arguments)


# --- plot_paired_scores ---------------------------------------------------------------------------

SCORES = {
    "sparse": {"none": [2.0, 2.5, 1.8], "L1": [1.2, 1.4, 1.1], "L2": [1.9, 2.2, 1.7]},
    "dense": {"none": [2.0, 2.5, 1.8], "L1": [1.9, 2.1, 1.6], "L2": [1.5, 1.7, 1.4]},
}


def test_paired_scores_join_each_draw_and_show_the_mean(close_figures):
    figure = plot_paired_scores(SCORES, title="Scores", ylabel="MSE", xlabel="penalty")
    assert figure.get_suptitle() == "Scores"
    left, right = figure.axes
    assert [left.get_title(), right.get_title()] == ["sparse", "dense"]
    assert [tick.get_text() for tick in left.get_xticklabels()] == ["none", "L1", "L2"]
    assert left.get_ylabel() == "MSE" and left.get_xlabel() == "penalty"
    joins = [line for line in left.get_lines() if line.get_marker() in ("None", "", None)]
    assert len(joins) == 3  # one per draw, across the three methods
    np.testing.assert_allclose(joins[0].get_ydata(), [2.0, 1.2, 1.9])
    means = [line for line in left.get_lines() if line.get_marker() == "_" and line.get_markersize() == 10]
    np.testing.assert_allclose([line.get_ydata()[0] for line in means], [2.1, 1.2333333, 1.9333333])
    assert any("3 draws" in text.get_text() for text in figure.texts)


def test_paired_scores_of_one_draw(close_figures):
    figure = plot_paired_scores({"one": {"a": [1.0], "b": [2.0]}})
    assert len(figure.axes) == 1


@pytest.mark.parametrize(
    ("scores", "error", "name"),
    [
        ({}, ValueError, "scores"),
        ([1.0, 2.0], ValueError, "scores"),
        ({"p": {}}, ValueError, "scores"),
        ({"p": [1.0]}, ValueError, "scores"),
        ({"p": {"a": [1.0, 2.0], "b": [1.0]}}, ValueError, "one length"),
        ({"p": {"a": [[1.0, 2.0]]}}, ValueError, "1-D"),
        ({"p": {"a": [1.0, float("nan")]}}, ValueError, "scores"),
        ({"p": {"a": "abc"}}, TypeError, "scores"),
    ],
)
def test_paired_scores_reject_bad_arguments_by_name(close_figures, scores, error, name):
    with pytest.raises(error, match=name):
        plot_paired_scores(scores)


# --- plot_weight_pairs ----------------------------------------------------------------------------

PAIRS = {"L1": [[0.0, 3.0], [2.9, 0.0], [1.0, 2.0]], "L2": [[1.5, 1.4], [1.6, 1.5], [1.4, 1.5]]}


def test_weight_pairs_scatter_each_draw_with_the_truth(close_figures):
    figure = plot_weight_pairs(PAIRS, truth=(1.5, 1.5), title="Twins", labels=("w0", "w1"))
    assert figure.get_suptitle() == "Twins"
    left, right = figure.axes
    assert [left.get_title(), right.get_title()] == ["L1", "L2"]
    assert left.get_xlabel() == "w0" and left.get_ylabel() == "w1"
    assert left.get_aspect() == 1.0
    dots = [line for line in left.get_lines() if line.get_marker() == "o"]
    np.testing.assert_allclose(dots[0].get_xdata(), [0.0, 2.9, 1.0])
    stars = [line for line in left.get_lines() if line.get_marker() == "*"]
    assert len(stars) == 1
    dashed = [line for line in left.get_lines() if line.get_linestyle() == "--"]
    x, y = dashed[0].get_data()
    np.testing.assert_allclose(np.asarray(x) + np.asarray(y), 3.0)  # every split of the true sum
    assert left.get_xlim() == right.get_xlim()
    low, high = left.get_xlim()
    assert low < 0.0 and high > 3.0
    entries = [text.get_text() for text in figure.legends[0].get_texts()]
    assert entries == ["true weights", "same sum as the truth", "one data draw"]


def test_weight_pairs_without_a_truth(close_figures):
    figure = plot_weight_pairs({"only": np.array([[1.0, 2.0]])})
    assert not figure.legends
    assert not [line for line in figure.axes[0].get_lines() if line.get_marker() == "*"]


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"pairs": {}}, ValueError, "pairs"),
        ({"pairs": [[1.0, 2.0]]}, ValueError, "pairs"),
        ({"pairs": {"a": [1.0, 2.0]}}, ValueError, "2 columns"),
        ({"pairs": {"a": [[1.0, 2.0, 3.0]]}}, ValueError, "2 columns"),
        ({"pairs": {"a": [[1.0, float("inf")]]}}, ValueError, "pairs"),
        ({"truth": (1.0, 2.0, 3.0)}, ValueError, "truth"),
        ({"truth": "ab"}, TypeError, "truth"),
        ({"labels": ("x",)}, TypeError, "labels"),
    ],
)
def test_weight_pairs_reject_bad_arguments_by_name(close_figures, kwargs, error, name):
    arguments = {"pairs": PAIRS} | kwargs
    with pytest.raises(error, match=name):
        plot_weight_pairs(**arguments)
