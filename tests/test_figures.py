"""The digest that stands for a figure in strict nbval (course_utils.figures)."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import figures

EPOCHS = np.arange(1, 51, dtype=np.float64)
CURVE = 1.0 / EPOCHS + 0.01 * EPOCHS


def draw(
    y: np.ndarray | None = None,
    title: str = "Learning curves",
    label: str = "validation",
    extra: Callable[[plt.Axes], object] | None = None,
) -> Figure:
    figure, ax = plt.subplots()
    ax.plot(EPOCHS, CURVE if y is None else y, label=label)
    ax.fill_between(EPOCHS, CURVE - 0.05, CURVE + 0.05, alpha=0.2)
    ax.set(title=title, xlabel="epoch", ylabel="loss")
    ax.legend()
    if extra is not None:
        extra(ax)
    plt.close(figure)
    return figure


def test_the_same_drawing_gives_the_same_digest() -> None:
    assert figures.figure_digest(draw()) == figures.figure_digest(draw())


def test_a_moved_point_changes_the_digest_and_noise_does_not() -> None:
    moved = CURVE.copy()
    moved[10] += 0.01 * np.ptp(CURVE)  # 1/100 of the axes
    noisy = CURVE * (1 + 1e-9)
    assert figures.figure_digest(draw(moved)) != figures.figure_digest(draw())
    assert figures.figure_digest(draw(noisy)) == figures.figure_digest(draw())


@pytest.mark.parametrize(
    "changed",
    [
        lambda: draw(title="Learning curve"),
        lambda: draw(label="training"),
        lambda: draw(extra=lambda ax: ax.set_yscale("log")),
        lambda: draw(extra=lambda ax: ax.bar([10.0], [0.5])),
        lambda: draw(extra=lambda ax: ax.text(5, 0.5, "best epoch")),
        lambda: draw(extra=lambda ax: ax.axvline(20.0)),
        lambda: draw(extra=lambda ax: ax.imshow(np.eye(3), extent=(1, 50, 0, 1))),
    ],
    ids=["title", "legend entry", "scale", "bar", "text", "marker line", "image"],
)
def test_each_kind_of_change_changes_the_digest(changed: Callable[[], Figure]) -> None:
    assert figures.figure_digest(changed()) != figures.figure_digest(draw())


def test_a_changed_band_changes_the_digest() -> None:
    figure, ax = plt.subplots()
    ax.plot(EPOCHS, CURVE)
    ax.fill_between(EPOCHS, CURVE - 0.2, CURVE + 0.2)
    plt.close(figure)
    assert figures.figure_digest(figure) != figures.figure_digest(draw())


def test_a_changed_image_changes_the_digest() -> None:
    def image(values: np.ndarray) -> str:
        figure, ax = plt.subplots()
        ax.imshow(values, vmin=0, vmax=1)
        plt.close(figure)
        return figures.figure_digest(figure)

    values = np.linspace(0, 1, 64).reshape(8, 8)
    changed = values.copy()
    changed[3, 3] = 1 - changed[3, 3]
    assert image(values) == image(values.copy())
    assert image(changed) != image(values)


def test_the_suptitle_and_figure_legend_count() -> None:
    first, second = draw(), draw()
    second.suptitle("Same network, more data")
    assert figures.figure_digest(first) != figures.figure_digest(second)


def test_describe_names_the_axes_and_the_digest_in_one_short_line() -> None:
    figure = draw()
    figure.suptitle("A title long enough to push a printed line past the width of the page, twice over")
    text = figures.describe(figure)
    assert text == f"<Figure with 1 axes: drawn data {figures.figure_digest(figure)}>"
    assert len(text) <= 79


@pytest.mark.parametrize("function", [figures.figure_digest, figures.describe])
def test_a_non_figure_is_refused_by_name(function: Callable[[object], str]) -> None:
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure, not list"):
        function([1, 2])


def test_show_digests_is_harmless_outside_ipython() -> None:
    figures.show_digests_in_notebooks()  # no IPython shell: nothing to register, no error
    assert figures.describe(draw()).endswith(">")


def test_in_ipython_the_plain_text_form_of_a_figure_is_its_description(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import IPython
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    figures.show_digests_in_notebooks()
    figure = draw()
    assert shell.display_formatter.formatters["text/plain"](figure) == figures.describe(figure)
