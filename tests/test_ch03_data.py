"""Tests of the data chapter 03 added: make_linear_regression and make_twin_regression."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from course_utils.data import (
    KnownTruthProblem,
    SparseProblem,
    make_linear_regression,
    make_twin_regression,
    shuffle_inputs,
)

WEIGHTS = np.array([2.0, -1.0, 0.0, 0.5, 0.0])

# --- make_linear_regression -----------------------------------------------------------------------


def test_linear_regression_has_the_asked_sizes_and_types():
    problem = make_linear_regression(WEIGHTS, n_train=30, n_val=20, n_test=10, noise=0.5, seed=3)
    assert isinstance(problem, KnownTruthProblem)
    assert isinstance(problem, SparseProblem)
    split = problem.split
    assert split.sizes() == {"train": 30, "val": 20, "test": 10}
    for x, y in [(split.x_train, split.y_train), (split.x_val, split.y_val), (split.x_test, split.y_test)]:
        assert x.dtype == np.float32 and y.dtype == np.float32
        assert x.shape[1] == WEIGHTS.size and y.shape == (len(x), 1)
    np.testing.assert_array_equal(problem.true_weights, WEIGHTS)
    np.testing.assert_array_equal(problem.informative, WEIGHTS != 0)
    assert problem.noise == 0.5


def test_linear_regression_without_noise_is_exactly_linear():
    problem = make_linear_regression(WEIGHTS, 20, 10, 5, noise=0.0, seed=1)
    split = problem.split
    for x, y in [(split.x_train, split.y_train), (split.x_test, split.y_test)]:
        np.testing.assert_allclose(x @ WEIGHTS, y.ravel(), rtol=1e-5, atol=1e-5)


def test_linear_regression_is_seeded():
    first, again = (make_linear_regression(WEIGHTS, 10, 5, 5, seed=7) for _ in range(2))
    np.testing.assert_array_equal(first.split.x_train, again.split.x_train)
    np.testing.assert_array_equal(first.split.y_test, again.split.y_test)
    other = make_linear_regression(WEIGHTS, 10, 5, 5, seed=8)
    assert not np.array_equal(first.split.x_train, other.split.x_train)


def test_linear_regression_copies_the_weights_and_accepts_lists():
    weights = WEIGHTS.copy()
    problem = make_linear_regression(weights, 10, 5, 0)
    weights[0] = 99.0
    assert problem.true_weights[0] == 2.0
    listed = make_linear_regression([1.0, 0.0], 10, 5, 0)
    assert listed.true_weights.dtype == np.float64 and listed.split.x_train.shape == (10, 2)


def test_linear_regression_allows_more_inputs_than_examples_and_no_test_part():
    problem = make_linear_regression(np.ones(50), n_train=10, n_val=5, n_test=0)
    assert problem.split.x_train.shape == (10, 50)
    assert problem.split.x_test.shape == (0, 50)


def test_inputs_are_standard_normal_and_the_noise_has_the_asked_size():
    problem = make_linear_regression(WEIGHTS, n_train=100_000, n_val=1, n_test=0, noise=0.7, seed=0)
    x, y = problem.split.x_train.astype(np.float64), problem.split.y_train.ravel()
    np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=0.02)
    np.testing.assert_allclose(np.cov(x, rowvar=False), np.eye(WEIGHTS.size), atol=0.02)
    assert np.std(y - x @ WEIGHTS) == pytest.approx(0.7, rel=0.02)


def test_the_expected_test_error_formula_holds():
    """The chapter's formula: E[(y - x·w - b)²] = ||w - w_true||² + b² + noise², for x ~ N(0, I)."""
    problem = make_linear_regression(WEIGHTS, n_train=15, n_val=1, n_test=200_000, noise=1.0, seed=2)
    split = problem.split
    fit = Ridge(alpha=3.0).fit(np.float64(split.x_train), np.float64(split.y_train).ravel())
    formula = np.sum((fit.coef_ - WEIGHTS) ** 2) + fit.intercept_**2 + 1.0
    sampled = np.mean((fit.predict(np.float64(split.x_test)) - split.y_test.ravel()) ** 2)
    assert sampled == pytest.approx(formula, rel=0.02)


def test_shuffle_inputs_takes_a_known_truth_problem():
    shuffled = shuffle_inputs(make_linear_regression(WEIGHTS, 10, 5, 0), seed=1)
    assert sorted(shuffled.true_weights) == sorted(WEIGHTS)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"true_weights": None}, TypeError, "true_weights"),
        ({"true_weights": "abc"}, TypeError, "true_weights"),
        ({"true_weights": []}, ValueError, "true_weights"),
        ({"true_weights": [1.0, float("nan")]}, ValueError, "true_weights"),
        ({"true_weights": np.ones((2, 2))}, ValueError, "true_weights"),
        ({"n_train": 1}, ValueError, "n_train"),
        ({"n_train": 10.0}, TypeError, "n_train"),
        ({"n_train": True}, TypeError, "n_train"),
        ({"n_val": 0}, ValueError, "n_val"),
        ({"n_test": -1}, ValueError, "n_test"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": "1"}, TypeError, "noise"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
    ],
)
def test_linear_regression_rejects_bad_arguments_by_name(kwargs, error, name):
    arguments = {"true_weights": WEIGHTS, "n_train": 10, "n_val": 5, "n_test": 0} | kwargs
    with pytest.raises(error, match=name):
        make_linear_regression(**arguments)


# --- make_twin_regression -------------------------------------------------------------------------


def test_twin_regression_has_two_twins_and_irrelevant_inputs():
    problem = make_twin_regression(n_train=30, n_val=20, n_test=10, twin_weight=1.5, n_irrelevant=4, seed=1)
    assert isinstance(problem, KnownTruthProblem)
    assert problem.split.sizes() == {"train": 30, "val": 20, "test": 10}
    assert problem.split.x_train.shape == (30, 6)
    np.testing.assert_array_equal(problem.true_weights, [1.5, 1.5, 0, 0, 0, 0])
    assert problem.noise == 1.0


def test_the_twins_have_the_stated_correlation_and_the_others_none():
    problem = make_twin_regression(n_train=100_000, n_val=1, twin_noise=0.1, n_irrelevant=3, seed=0)
    x = problem.split.x_train.astype(np.float64)
    correlation = np.corrcoef(x, rowvar=False)
    assert correlation[0, 1] == pytest.approx(1 / (1 + 0.1**2), abs=0.002)
    others = correlation[np.triu_indices(5, k=1)][1:]  # every pair but the twins
    np.testing.assert_allclose(others, 0.0, atol=0.02)
    assert x[:, 0].std() == pytest.approx(x[:, 1].std(), rel=0.01)  # symmetric twins


def test_twin_regression_without_noise_is_exactly_linear_and_seeded():
    problem = make_twin_regression(n_train=20, n_val=5, twin_weight=-2.0, noise=0.0, seed=3)
    x, y = problem.split.x_train, problem.split.y_train.ravel()
    np.testing.assert_allclose(x @ problem.true_weights, y, rtol=1e-5, atol=1e-5)
    again = make_twin_regression(n_train=20, n_val=5, twin_weight=-2.0, noise=0.0, seed=3)
    np.testing.assert_array_equal(x, again.split.x_train)


def test_twin_regression_without_irrelevant_inputs_or_twin_noise():
    problem = make_twin_regression(n_train=10, n_val=5, n_irrelevant=0, twin_noise=0.0)
    x = problem.split.x_train
    assert x.shape == (10, 2)
    np.testing.assert_array_equal(x[:, 0], x[:, 1])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_train": 1}, ValueError, "n_train"),
        ({"n_val": 0}, ValueError, "n_val"),
        ({"n_test": -1}, ValueError, "n_test"),
        ({"twin_weight": "1"}, TypeError, "twin_weight"),
        ({"twin_weight": True}, TypeError, "twin_weight"),
        ({"twin_weight": float("inf")}, ValueError, "twin_weight"),
        ({"n_irrelevant": -1}, ValueError, "n_irrelevant"),
        ({"twin_noise": -0.1}, ValueError, "twin_noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"seed": -2}, ValueError, "seed"),
    ],
)
def test_twin_regression_rejects_bad_arguments_by_name(kwargs, error, name):
    arguments = {"n_train": 10, "n_val": 5} | kwargs
    with pytest.raises(error, match=name):
        make_twin_regression(**arguments)


@pytest.mark.parametrize(
    "problem",
    [
        lambda: make_linear_regression(np.ones(4), n_train=30, n_val=20, n_test=10, seed=3),
        lambda: make_twin_regression(n_train=30, n_val=20, n_test=10, seed=3),
    ],
    ids=["linear", "twins"],
)
def test_the_three_parts_are_disjoint_draws_in_order(problem):
    split = problem().split
    parts = [split.x_train, split.x_val, split.x_test]
    assert [len(part) for part in parts] == [30, 20, 10]
    rows = [{row.tobytes() for row in part} for part in parts]
    assert sum(len(r) for r in rows) == len(set().union(*rows)) == 60
