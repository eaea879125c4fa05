"""Tests of the helpers chapter 03 added: data.shuffle_inputs and plots.plot_input_importance."""

import matplotlib.colors as mcolors
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.data import SparseProblem, make_sparse_regression, shuffle_inputs
from course_utils.plots import plot_input_importance

# --- shuffle_inputs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def problem():
    return make_sparse_regression(n_samples=50, n_informative=3, n_irrelevant=17, noise=0.0, seed=1)


def test_shuffle_inputs_moves_columns_and_true_weights_together(problem):
    shuffled = shuffle_inputs(problem, seed=7)
    assert isinstance(shuffled, SparseProblem)
    old, new = problem.split, shuffled.split
    # without noise the target is exactly x @ true_weights, before and after the shuffle
    for x, y in [(new.x_train, new.y_train), (new.x_val, new.y_val), (new.x_test, new.y_test)]:
        np.testing.assert_allclose(x @ shuffled.true_weights, y.ravel(), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(new.y_train, old.y_train)
    np.testing.assert_array_equal(new.y_test, old.y_test)
    assert sorted(shuffled.true_weights) == sorted(problem.true_weights)
    assert shuffled.informative.sum() == 3


def test_shuffle_inputs_is_a_permutation_of_the_columns(problem):
    shuffled = shuffle_inputs(problem, seed=7)
    old, new = problem.split.x_train, shuffled.split.x_train
    assert new.shape == old.shape
    matches = [int(np.flatnonzero((old == new[:, [j]]).all(axis=0))[0]) for j in range(new.shape[1])]
    assert sorted(matches) == list(range(old.shape[1]))
    np.testing.assert_array_equal(shuffled.true_weights, problem.true_weights[matches])


def test_shuffle_inputs_hides_the_informative_inputs_reproducibly(problem):
    assert list(np.flatnonzero(problem.informative)) == [0, 1, 2]
    first, again = shuffle_inputs(problem, seed=7), shuffle_inputs(problem, seed=7)
    np.testing.assert_array_equal(first.true_weights, again.true_weights)
    assert list(np.flatnonzero(first.informative)) != [0, 1, 2]
    others = {tuple(np.flatnonzero(shuffle_inputs(problem, seed=s).informative)) for s in range(5)}
    assert len(others) > 1


def test_shuffle_inputs_leaves_the_original_alone(problem):
    before = problem.true_weights.copy()
    shuffle_inputs(problem, seed=2)
    np.testing.assert_array_equal(problem.true_weights, before)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"problem": None}, TypeError, "problem"),
        ({"problem": np.zeros((3, 3))}, TypeError, "problem"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
    ],
)
def test_shuffle_inputs_rejects_bad_arguments_by_name(problem, kwargs, error, name):
    with pytest.raises(error, match=name):
        shuffle_inputs(**({"problem": problem} | kwargs))


# --- plot_input_importance ------------------------------------------------------------------------


def bar_colours(ax):
    return [mcolors.to_hex(patch.get_facecolor()) for patch in ax.patches]


def test_input_importance_one_panel_per_model_one_bar_per_input(close_figures):
    importances = {"no penalty": [1.0, 0.2, 0.1, 0.05], "L1": [0.9, 0.001, 0.0, 0.002]}
    mask = np.array([True, False, False, False])
    figure = plot_input_importance(importances, informative=mask, threshold=0.05, title="Inputs")
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() == "Inputs"
    assert [ax.get_title() for ax in figure.axes] == ["no penalty", "L1"]
    assert all(ax.get_ylabel() == "importance" for ax in figure.axes)
    assert figure.axes[-1].get_xlabel() == "input index"
    for ax in figure.axes:
        assert len(ax.patches) == 4
        assert ax.get_yscale() == "log"
        assert len(set(bar_colours(ax))) == 2  # informative and irrelevant inputs differ
        assert [line.get_ydata()[0] for line in ax.get_lines()] == [0.05]
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert "informative input" in labels and "irrelevant input" in labels
    low, high = figure.axes[0].get_ylim()
    assert low <= 0.001 and high >= 1.0


def test_input_importance_without_mask_threshold_or_log_axis(close_figures):
    figure = plot_input_importance({"model": np.array([0.3, 0.0, 2.0])}, log_scale=False)
    (ax,) = figure.axes
    assert ax.get_yscale() == "linear"
    assert len(set(bar_colours(ax))) == 1
    assert not ax.get_lines()
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["input"]


def test_input_importance_of_zeros_falls_back_to_a_linear_axis(close_figures):
    figure = plot_input_importance({"all zero": np.zeros(5)}, threshold=0.0)
    assert figure.axes[0].get_yscale() == "linear"


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"importances": {}}, ValueError, "importances"),
        ({"importances": [np.ones(3)]}, ValueError, "importances"),
        ({"importances": {"a": []}}, ValueError, "importances"),
        ({"importances": {"a": [1.0, float("nan"), 0.5]}}, ValueError, "importances"),
        ({"importances": {"a": "abc"}}, TypeError, "importances"),
        ({"importances": {"a": np.ones((3, 1))}}, ValueError, "importances"),
        ({"importances": {"a": np.ones(3), "b": np.ones(4)}}, ValueError, "importances"),
        ({"importances": {"a": [1.0, -0.5, 0.5]}}, ValueError, "importances"),
        ({"informative": np.array([True, False])}, ValueError, "informative"),
        ({"informative": np.array([1, 0, 0])}, ValueError, "informative"),
        ({"threshold": -0.1}, ValueError, "threshold"),
        ({"threshold": "0.1"}, TypeError, "threshold"),
    ],
)
def test_input_importance_rejects_bad_arguments_by_name(close_figures, kwargs, error, name):
    arguments = {"importances": {"a": np.ones(3)}} | kwargs
    with pytest.raises(error, match=name):
        plot_input_importance(**arguments)
