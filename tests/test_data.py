"""Tests of course_utils.data: the digits splits and the synthetic sparse regression."""

import numpy as np
import pytest
import sklearn.datasets

from course_utils.data import Split, load_digits, make_sparse_regression

N_DIGITS = 1797
PARTS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def assert_same_split(a, b):
    for part in PARTS:
        np.testing.assert_array_equal(getattr(a, part), getattr(b, part))


# --- load_digits -------------------------------------------------------------------------------


def test_split_sizes_are_60_20_20(digits):
    sizes = digits.sizes()
    assert sum(sizes.values()) == N_DIGITS
    assert sizes == {"train": 1077, "val": 360, "test": 360}
    assert sizes["train"] / N_DIGITS == pytest.approx(0.6, abs=0.01)
    assert sizes["val"] / N_DIGITS == pytest.approx(0.2, abs=0.01)
    assert sizes["test"] / N_DIGITS == pytest.approx(0.2, abs=0.01)


def test_flat_form_gives_64_long_float32_vectors(digits):
    for x, y in [
        (digits.x_train, digits.y_train),
        (digits.x_val, digits.y_val),
        (digits.x_test, digits.y_test),
    ]:
        assert x.shape == (len(y), 64)
        assert x.dtype == np.float32
    assert digits.input_shape == (64,)


def test_image_form_gives_8x8x1_images_of_the_same_digits(digits):
    images = load_digits("image")
    for part in ("x_train", "x_val", "x_test"):
        x = getattr(images, part)
        assert x.shape == (len(getattr(digits, part)), 8, 8, 1)
        np.testing.assert_array_equal(x.reshape(len(x), 64), getattr(digits, part))
    assert images.input_shape == (8, 8, 1)


def test_pixels_are_scaled_to_the_unit_interval(digits):
    pixels = np.concatenate([digits.x_train, digits.x_val, digits.x_test])
    assert pixels.min() == 0.0
    assert pixels.max() == 1.0


def test_labels_are_the_ten_digits_in_every_part(digits):
    for y in (digits.y_train, digits.y_val, digits.y_test):
        assert np.issubdtype(y.dtype, np.integer)
        assert set(np.unique(y)) == set(range(10))


def test_the_parts_are_stratified(digits):
    whole = np.bincount(np.concatenate([digits.y_train, digits.y_val, digits.y_test])) / N_DIGITS
    for y in (digits.y_train, digits.y_val, digits.y_test):
        np.testing.assert_allclose(np.bincount(y) / len(y), whole, atol=0.005)


def test_the_same_seed_gives_the_same_arrays(digits):
    assert_same_split(load_digits(seed=0), digits)
    assert_same_split(load_digits(n_train=50, seed=3), load_digits(n_train=50, seed=3))


def test_another_seed_gives_another_split(digits):
    other = load_digits(seed=1)
    assert other.sizes() == digits.sizes()
    assert not np.array_equal(other.x_train, digits.x_train)
    assert not np.array_equal(other.y_test, digits.y_test)


@pytest.mark.parametrize("n_train", [10, 50, 100, 500])
def test_n_train_keeps_a_stratified_subset_of_the_training_part(digits, n_train):
    small = load_digits(n_train=n_train)
    assert small.sizes() == {"train": n_train, "val": 360, "test": 360}
    assert set(np.unique(small.y_train)) == set(range(10))
    expected = n_train * np.bincount(digits.y_train) / len(digits.y_train)
    assert np.all(np.abs(np.bincount(small.y_train, minlength=10) - expected) <= 1)  # stratified
    # every kept example comes from the full training part
    full = {row.tobytes() for row in digits.x_train}
    assert all(row.tobytes() in full for row in small.x_train)


def test_n_train_leaves_validation_and_test_unchanged(digits):
    small = load_digits(n_train=100)
    for part in ("x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(small, part), getattr(digits, part))


def test_n_train_equal_to_the_whole_training_part_keeps_it(digits):
    assert_same_split(load_digits(n_train=len(digits.x_train)), digits)


def test_n_train_up_to_ten_below_the_full_training_part_works(digits):
    largest = len(digits.x_train) - 10
    assert len(load_digits(n_train=largest).x_train) == largest


@pytest.mark.parametrize("below", [1, 9])
def test_n_train_just_below_the_full_training_part_is_rejected_by_name(digits, below):
    with pytest.raises(ValueError, match="n_train must be at most"):
        load_digits(n_train=len(digits.x_train) - below)


def _rows(x):
    return {row.tobytes() for row in np.asarray(x).reshape(len(x), -1)}


@pytest.mark.parametrize("n_train", [None, 120])
def test_the_three_parts_are_disjoint_and_together_are_the_digits(n_train):
    split = load_digits(n_train=n_train)
    train, val, test = _rows(split.x_train), _rows(split.x_val), _rows(split.x_test)
    assert not train & val and not train & test and not val & test
    everything = _rows(sklearn.datasets.load_digits().data.astype(np.float32) / 16.0)
    assert (train | val | test) <= everything
    if n_train is None:
        assert train | val | test == everything


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"form": "flat2"}, ValueError, "form"),
        ({"form": "images"}, ValueError, "form"),
        ({"form": None}, ValueError, "form"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"seed": True}, TypeError, "seed"),
        ({"seed": "0"}, TypeError, "seed"),
        ({"n_train": 9}, ValueError, "n_train"),
        ({"n_train": 0}, ValueError, "n_train"),
        ({"n_train": -5}, ValueError, "n_train"),
        ({"n_train": 1078}, ValueError, "n_train"),
        ({"n_train": 100.0}, TypeError, "n_train"),
        ({"n_train": True}, TypeError, "n_train"),
        ({"n_train": "100"}, TypeError, "n_train"),
    ],
)
def test_load_digits_rejects_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        load_digits(**kwargs)


# --- make_sparse_regression ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparse():
    return make_sparse_regression()


def test_sparse_regression_shapes(sparse):
    split = sparse.split
    assert isinstance(split, Split)
    assert split.sizes() == {"train": 180, "val": 60, "test": 60}
    assert split.input_shape == (20,)
    for part in PARTS:
        array = getattr(split, part)
        assert array.dtype == np.float32
        assert array.shape[1] == (20 if part.startswith("x") else 1)
    assert sparse.true_weights.shape == (20,)


@pytest.mark.parametrize(("n_informative", "n_irrelevant"), [(4, 16), (1, 0), (3, 7)])
def test_true_weights_are_zero_exactly_on_the_irrelevant_inputs(n_informative, n_irrelevant):
    weights = make_sparse_regression(n_informative=n_informative, n_irrelevant=n_irrelevant).true_weights
    assert len(weights) == n_informative + n_irrelevant
    assert np.all(weights[n_informative:] == 0.0)
    assert np.all((np.abs(weights[:n_informative]) >= 1.0) & (np.abs(weights[:n_informative]) <= 3.0))


def test_informative_is_the_mask_of_nonzero_weights(sparse):
    expected = np.array([True] * 4 + [False] * 16)
    np.testing.assert_array_equal(sparse.informative, expected)
    assert sparse.informative.dtype == np.bool_


def test_without_noise_the_target_is_the_linear_function_of_the_inputs():
    problem = make_sparse_regression(n_samples=50, noise=0.0, seed=4)
    split = problem.split
    for x, y in [(split.x_train, split.y_train), (split.x_val, split.y_val), (split.x_test, split.y_test)]:
        np.testing.assert_allclose(y[:, 0], x @ problem.true_weights, rtol=1e-4, atol=1e-4)


def test_noise_is_added_with_the_given_size():
    problem = make_sparse_regression(n_samples=2000, noise=0.5, seed=1)
    x, y = problem.split.x_train, problem.split.y_train[:, 0]
    residual = y - x @ problem.true_weights
    assert residual.std() == pytest.approx(0.5, rel=0.1)


def test_sparse_regression_is_deterministic(sparse):
    again = make_sparse_regression()
    assert_same_split(again.split, sparse.split)
    np.testing.assert_array_equal(again.true_weights, sparse.true_weights)


def test_another_seed_gives_another_problem(sparse):
    other = make_sparse_regression(seed=1)
    assert not np.array_equal(other.true_weights, sparse.true_weights)
    assert not np.array_equal(other.split.x_train, sparse.split.x_train)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_samples": 9}, ValueError, "n_samples"),
        ({"n_samples": 100.5}, TypeError, "n_samples"),
        ({"n_informative": 0}, ValueError, "n_informative"),
        ({"n_informative": "4"}, TypeError, "n_informative"),
        ({"n_irrelevant": -1}, ValueError, "n_irrelevant"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": float("inf")}, ValueError, "noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"noise": "0.5"}, TypeError, "noise"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
    ],
)
def test_make_sparse_regression_rejects_bad_arguments_by_name(kwargs, error, name):
    with pytest.raises(error, match=name):
        make_sparse_regression(**kwargs)
