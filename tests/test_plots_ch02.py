"""Tests of the figures chapter 02 adds to course_utils.plots: the one-weight objective and optimum."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.plots import plot_one_weight_objectives, plot_one_weight_optimum

pytestmark = pytest.mark.usefixtures("close_figures")

A = np.linspace(-2.0, 2.0, 9)
SOFT = np.sign(A) * np.maximum(np.abs(A) - 0.5, 0.0)
SHRINK = A / 2


def test_one_weight_optimum_draws_each_solution_and_the_unpenalized_line():
    figure = plot_one_weight_optimum(A, {"L1": SOFT, "L2": SHRINK}, threshold=0.5, title="λ = 1")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == "λ = 1"
    assert ax.get_xlabel() and ax.get_ylabel()
    diagonal, l1, l2 = ax.get_lines()
    np.testing.assert_array_equal(diagonal.get_xdata(), A)
    np.testing.assert_array_equal(diagonal.get_ydata(), A)  # no penalty: w* = a
    assert diagonal.get_linestyle() == "--"
    np.testing.assert_array_equal(l1.get_ydata(), SOFT)
    np.testing.assert_array_equal(l2.get_ydata(), SHRINK)
    assert l1.get_color() != l2.get_color()
    (band,) = ax.patches  # the shaded band |a| <= threshold
    x_min, x_max = band.get_x(), band.get_x() + band.get_width()
    assert (x_min, x_max) == pytest.approx((-0.5, 0.5))
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[0].startswith("|a| ≤ 0.5")
    assert {"L1", "L2"} <= set(labels)


def test_one_weight_optimum_without_a_threshold_shades_nothing():
    figure = plot_one_weight_optimum(A, {"L2": SHRINK})
    (ax,) = figure.axes
    assert not ax.patches
    assert len(ax.get_lines()) == 2


def test_one_weight_optimum_marks_the_numerical_minimiser_once_in_the_legend():
    figure = plot_one_weight_optimum(
        A, {"L1": SOFT, "L2": SHRINK}, threshold=0.5, numerical={"L1": SOFT + 1e-9, "L2": SHRINK}
    )
    (ax,) = figure.axes
    crosses = [line for line in ax.get_lines() if line.get_marker() == "x"]
    assert len(crosses) == 2
    np.testing.assert_allclose(crosses[0].get_ydata(), SOFT, atol=1e-8)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels.count("numerical minimiser") == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "name"),
    [
        ((A[:1], {"L1": SOFT[:1]}), {}, ValueError, "a must be"),
        ((A.reshape(3, 3), {"L1": SOFT.reshape(3, 3)}), {}, ValueError, "a must be"),
        ((None, {"L1": SOFT}), {}, TypeError, "a must be"),
        ((A, {}), {}, TypeError, "solutions"),
        ((A, [SOFT]), {}, TypeError, "solutions"),
        ((A, {"L1": SOFT[:4]}), {}, ValueError, r"solutions\['L1'\]"),
        ((A, {"L1": ["x"] * 9}), {}, TypeError, r"solutions\['L1'\]"),
        ((A, {"L1": SOFT}), {"numerical": {"L2": SHRINK}}, ValueError, r"numerical\['L2'\]"),
        ((A, {"L1": SOFT}), {"numerical": {"L1": SOFT[:3]}}, ValueError, r"numerical\['L1'\]"),
        ((A, {"L1": SOFT}), {"threshold": -0.5}, ValueError, "threshold"),
        ((A, {"L1": SOFT}), {"threshold": float("nan")}, ValueError, "threshold"),
        ((A, {"L1": SOFT}), {"title": 3}, TypeError, "title"),
    ],
)
def test_one_weight_optimum_rejects_bad_arguments_by_name(args, kwargs, error, name):
    before = len(plt.get_fignums())
    with pytest.raises(error, match=name):
        plot_one_weight_optimum(*args, **kwargs)
    assert len(plt.get_fignums()) == before  # no half-drawn figure is left open


# --- plot_one_weight_objectives ----------------------------------------------------------------


def test_one_weight_objectives_draw_both_penalties_with_their_lowest_points():
    figure = plot_one_weight_objectives([0.3, 1.2], lam=1.0)
    assert isinstance(figure, Figure)
    left, right = figure.axes
    assert left.get_title().startswith("L1") and right.get_title().startswith("L2")
    assert left.get_xlabel() and right.get_xlabel() and left.get_ylabel()
    assert figure.get_suptitle() == "The objective of one weight, λ = 1"
    lowest = {}
    for name, ax, penalty in [("L1", left, np.abs), ("L2", right, np.square)]:
        _zero, curve_in, curve_out, dot_in, dot_out = ax.get_lines()
        w = curve_in.get_xdata()
        assert (w.min(), w.max()) == (-1.0, 2.0) and 0.0 in w  # the kink is on the grid
        np.testing.assert_allclose(curve_in.get_ydata(), (w - 0.3) ** 2 + penalty(w))
        np.testing.assert_allclose(curve_out.get_ydata(), (w - 1.2) ** 2 + penalty(w))
        assert curve_in.get_color() != curve_out.get_color()
        for dot, curve in [(dot_in, curve_in), (dot_out, curve_out)]:
            assert dot.get_marker() == "o"
            assert dot.get_ydata()[0] == curve.get_ydata().min()
        lowest[name] = (float(dot_in.get_xdata()[0]), float(dot_out.get_xdata()[0]))
    assert lowest["L1"][0] == 0.0  # inside the band |a| <= λ/2: the minimum is the kink itself
    assert lowest["L1"][1] == pytest.approx(0.7, abs=0.01)  # outside: a - λ/2
    assert lowest["L2"][0] == pytest.approx(0.15, abs=0.01) and lowest["L2"][0] != 0.0  # a / (1 + λ)
    assert lowest["L2"][1] == pytest.approx(0.6, abs=0.01)
    labels = [text.get_text() for text in left.get_legend().get_texts()]
    assert labels == ["a = 0.3", "a = 1.2", "lowest point"]
    assert right.get_legend() is None


def test_one_weight_objectives_take_limits_and_a_title():
    figure = plot_one_weight_objectives(np.array([-0.5]), lam=0.4, w_limits=(-2, 1), title="T")
    left, _ = figure.axes
    assert figure.get_suptitle() == "T"
    w = left.get_lines()[1].get_xdata()
    assert (w.min(), w.max()) == (-2.0, 1.0)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "name"),
    [
        (([],), {"lam": 1.0}, ValueError, "a must"),
        (([0.1] * 7,), {"lam": 1.0}, ValueError, "a must"),
        (("0.3",), {"lam": 1.0}, TypeError, "a must"),
        ((0.3,), {"lam": 1.0}, TypeError, "a must"),
        (([float("nan")],), {"lam": 1.0}, ValueError, "a must"),
        (([0.3],), {"lam": -1.0}, ValueError, "lam"),
        (([0.3],), {"lam": "1"}, TypeError, "lam"),
        (([0.3],), {"lam": 1.0, "w_limits": (0.5, 2.0)}, ValueError, "w_limits"),
        (([0.3],), {"lam": 1.0, "w_limits": (2.0, -1.0)}, ValueError, "w_limits"),
        (([0.3],), {"lam": 1.0, "w_limits": (-1.0,)}, TypeError, "w_limits"),
        (([0.3],), {"lam": 1.0, "w_limits": (-1.0, float("inf"))}, ValueError, "w_limits"),
        (([0.3],), {"lam": 1.0, "title": 5}, TypeError, "title"),
    ],
)
def test_one_weight_objectives_reject_bad_arguments_by_name(args, kwargs, error, name):
    before = len(plt.get_fignums())
    with pytest.raises(error, match=name):
        plot_one_weight_objectives(*args, **kwargs)
    assert len(plt.get_fignums()) == before
