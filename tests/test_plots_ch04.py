"""Tests of the figure chapter 04 added: plots.plot_kernel_magnitudes."""

import numpy as np
import pytest
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from course_utils.plots import plot_kernel_magnitudes

pytestmark = pytest.mark.usefixtures("close_figures")


@pytest.fixture
def kernels():
    rng = np.random.default_rng(0)
    dense = rng.normal(size=(6, 4))
    rows_gone = dense.copy()
    rows_gone[2:] = 0.0
    return {"no penalty": dense, "group": rows_gone}


def images(figure):
    return [image for ax in figure.axes for image in ax.get_images()]


def test_one_panel_per_kernel_with_one_cell_per_weight(kernels):
    mask = np.array([True, True, False, False, False, False])
    figure = plot_kernel_magnitudes(kernels, informative=mask, title="Kernels")
    assert isinstance(figure, Figure)
    assert figure.get_suptitle() == "Kernels"
    panels = [ax for ax in figure.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == ["no penalty", "group"]
    assert panels[0].get_ylabel() == "input"
    assert all(ax.get_xlabel() == "unit" for ax in panels)
    for image, kernel in zip(images(figure), kernels.values(), strict=True):
        assert image.get_array().shape == kernel.shape
    # one marker per informative row in every panel, and a legend that names them once
    for ax in panels:
        (markers,) = ax.get_lines()
        assert list(markers.get_ydata()) == [0, 1]
    labels = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert labels == ["informative input"]


def test_magnitudes_share_one_log_scale_with_a_floor(kernels):
    figure = plot_kernel_magnitudes(kernels, floor=1e-2)
    norms = {image.norm for image in images(figure)}
    assert len(norms) == 1
    (norm,) = norms
    assert isinstance(norm, LogNorm)
    assert norm.vmin == pytest.approx(1e-2)
    assert norm.vmax == pytest.approx(np.abs(kernels["no penalty"]).max())
    # exact zeros are drawn at the floor, and signs do not matter
    zeros = images(figure)[1].get_array()
    assert np.all(zeros[2:] == pytest.approx(1e-2))
    assert np.all(images(figure)[0].get_array() > 0)
    colorbars = [ax for ax in figure.axes if not ax.get_images() and ax.get_ylabel()]
    assert colorbars and "log" in colorbars[0].get_ylabel()


def test_without_a_mask_there_is_no_marker_and_no_legend(kernels):
    figure = plot_kernel_magnitudes({"one": kernels["group"]})
    panels = [ax for ax in figure.axes if ax.get_images()]
    assert len(panels) == 1
    assert not panels[0].get_lines()
    assert not figure.legends


def test_an_all_zero_kernel_still_draws(kernels):
    figure = plot_kernel_magnitudes({"zero": np.zeros((3, 2))})
    (image,) = images(figure)
    assert image.norm.vmax > image.norm.vmin


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"kernels": {}}, ValueError, "kernels"),
        ({"kernels": [np.ones((2, 2))]}, ValueError, "kernels"),
        ({"kernels": {"a": np.ones(3)}}, ValueError, "kernels"),
        ({"kernels": {"a": np.ones((2, 2)), "b": np.ones((3, 2))}}, ValueError, "kernels"),
        ({"kernels": {"a": [[1.0, float("nan")]]}}, ValueError, "kernels"),
        ({"kernels": {"a": "abc"}}, TypeError, "kernels"),
        ({"informative": np.array([True])}, ValueError, "informative"),
        ({"informative": np.array([1, 0])}, ValueError, "informative"),
        ({"floor": 0.0}, ValueError, "floor"),
        ({"floor": -1.0}, ValueError, "floor"),
        ({"floor": "0.1"}, TypeError, "floor"),
    ],
)
def test_bad_arguments_are_rejected_by_name(kwargs, error, name):
    arguments = {"kernels": {"a": np.ones((2, 2))}} | kwargs
    with pytest.raises(error, match=name):
        plot_kernel_magnitudes(**arguments)
