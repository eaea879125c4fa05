"""Tests of the helper chapter 07 adds to course_utils: plots.plot_dropout_mask."""

import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.plots import plot_dropout_mask

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def outputs():
    """Training-mode outputs of Dropout(0.5) on 30 examples of 16 ones."""
    layer = keras.layers.Dropout(0.5, seed=0)
    return keras.ops.convert_to_numpy(layer(np.ones((30, 16), dtype="float32"), training=True))


def test_draws_the_mask_and_the_histogram(outputs):
    figure = plot_dropout_mask(outputs, rate=0.5, title="A mask")
    assert isinstance(figure, Figure)
    left, right = figure.axes
    assert figure.texts[0].get_text() == "A mask"  # the suptitle
    for ax in (left, right):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    image = left.get_images()[0].get_array()
    np.testing.assert_array_equal(np.asarray(image), outputs != 0)


def test_the_histogram_counts_every_example_and_the_binomial_sums_to_them(outputs):
    figure = plot_dropout_mask(outputs, rate=0.5)
    right = figure.axes[1]
    heights = [patch.get_height() for patch in right.patches]
    assert sum(heights) == len(outputs)
    binomial = right.get_lines()[0]
    assert np.sum(binomial.get_ydata()) == pytest.approx(len(outputs))
    np.testing.assert_allclose(binomial.get_xdata(), np.arange(17) / 16)
    expected_line = right.get_lines()[1]
    assert np.asarray(expected_line.get_xdata())[0] == pytest.approx(0.5)


def test_the_expected_fraction_follows_the_rate():
    outputs = np.ones((5, 10))
    figure = plot_dropout_mask(outputs, rate=0.2)
    expected_line = figure.axes[1].get_lines()[1]
    assert np.asarray(expected_line.get_xdata())[0] == pytest.approx(0.8)
    assert "0.8" in expected_line.get_label()


def test_a_rate_of_zero_keeps_everything():
    figure = plot_dropout_mask(np.ones((4, 8)), rate=0)
    binomial = figure.axes[1].get_lines()[0]
    assert np.asarray(binomial.get_ydata())[-1] == pytest.approx(4)


@pytest.mark.parametrize("bad", [np.ones(5), np.ones((2, 3, 4))], ids=["1-D", "3-D"])
def test_rejects_outputs_that_are_not_2d(bad):
    with pytest.raises(ValueError, match="outputs"):
        plot_dropout_mask(bad, rate=0.5)


@pytest.mark.parametrize("bad", [[], [[np.nan, 1.0]], [[np.inf, 1.0]]], ids=["empty", "nan", "inf"])
def test_rejects_empty_or_non_finite_outputs(bad):
    with pytest.raises(ValueError, match="outputs"):
        plot_dropout_mask(bad, rate=0.5)


def test_rejects_outputs_that_are_not_numbers():
    with pytest.raises(TypeError, match="outputs"):
        plot_dropout_mask([["a", "b"]], rate=0.5)


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5, float("nan"), float("inf")])
def test_rejects_a_rate_outside_zero_to_one(bad):
    with pytest.raises(ValueError, match="rate"):
        plot_dropout_mask(np.ones((3, 4)), rate=bad)


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_rejects_a_rate_that_is_not_a_number(bad):
    with pytest.raises(TypeError, match="rate"):
        plot_dropout_mask(np.ones((3, 4)), rate=bad)
