"""What a figure shows, as a short digest that strict nbval compares (chapter 01).

nbval does not compare a stored PNG with a new one (it skips `image/png`), so a figure could
change and CI stay green. In a notebook, the course therefore gives every matplotlib figure a
plain-text form that names it and carries a digest of what it draws:

    <Figure with 2 axes: drawn data 3f9c0a1b27de>

nbval compares that line like any other output. The digest covers the figure's size, every text
(titles, axis labels, legend entries), each axes' limits and scales, and the drawn data (lines,
markers, bands, bars, images) in axes coordinates, rounded to 1/1000 of each axes. So a changed
number, curve, label or title changes the line, while pixel noise of the PNG encoder cannot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure, SubFigure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from numpy.typing import NDArray

#: The drawn data is rounded to 1/RESOLUTION of its axes, in each direction.
RESOLUTION = 1000


def _rounded(values: NDArray[np.float64]) -> bytes:
    finite = np.where(np.isfinite(values), values, np.nan)
    return np.round(finite * RESOLUTION).astype(np.float64).tobytes()


def _in_axes(artist: Any, ax: Axes, points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map an artist's points to the axes' unit square, whatever the scales and the layout."""
    if points.size == 0:
        return np.zeros((0, 2))
    to_axes = artist.get_transform() - ax.transAxes
    return np.asarray(to_axes.transform(points), dtype=np.float64)


def _texts(texts: Iterable[Text]) -> Iterator[str]:
    for text in texts:
        if text.get_visible() and text.get_text():
            yield text.get_text()


def _axes_parts(ax: Axes) -> Iterator[bytes | str]:
    ax.get_xlim(), ax.get_ylim()  # brings the autoscaled limits up to date
    yield from (ax.get_title(loc) for loc in ("left", "center", "right"))
    yield from (ax.get_xlabel(), ax.get_ylabel(), ax.get_xscale(), ax.get_yscale())
    yield np.round(np.array([*ax.get_xlim(), *ax.get_ylim()], dtype=np.float64), 6).tobytes()
    yield from _texts(ax.texts)
    legend = ax.get_legend()
    if legend is not None:
        yield from _texts(legend.get_texts())
    for line in ax.get_lines():
        if isinstance(line, Line2D) and line.get_visible():
            yield f"line {line.get_label()} {to_hex(line.get_color())} {line.get_linestyle()}"
            yield _rounded(_in_axes(line, ax, np.asarray(line.get_xydata(), dtype=np.float64)))
    for collection in ax.collections:
        if isinstance(collection, Collection) and collection.get_visible():
            yield f"collection {collection.get_label()}"
            offsets = np.asarray(collection.get_offsets(), dtype=np.float64).reshape(-1, 2)
            if len(offsets) and collection.get_offset_transform() is not None:
                to_axes = collection.get_offset_transform() - ax.transAxes
                yield _rounded(np.asarray(to_axes.transform(offsets), dtype=np.float64))
            for path in collection.get_paths():
                yield _rounded(_in_axes(collection, ax, np.asarray(path.vertices, dtype=np.float64)))
    for patch in ax.patches:
        if isinstance(patch, Patch) and patch.get_visible():
            yield f"patch {to_hex(patch.get_facecolor())}"
            yield _rounded(_in_axes(patch, ax, np.asarray(patch.get_path().vertices, dtype=np.float64)))
    for image in ax.images:
        if isinstance(image, AxesImage) and image.get_visible():
            values = np.ma.filled(np.ma.asarray(image.get_array(), dtype=np.float64), np.nan)
            low, high = image.get_clim()
            span = (high - low) if high is not None and low is not None and high > low else 1.0
            yield f"image {values.shape}"
            yield _rounded((values - (low or 0.0)) / span)


def _figure_parts(figure: Figure | SubFigure) -> Iterator[bytes | str]:
    yield from _texts(figure.texts)
    for legend in figure.legends:
        yield from _texts(legend.get_texts())
    for ax in figure.axes:
        yield from _axes_parts(ax)
    for sub in figure.subfigs:
        yield from _figure_parts(sub)


def figure_digest(figure: Figure) -> str:
    """Return a 12-digit hex digest of what `figure` shows (its texts, limits and drawn data).

    Two figures that draw the same data with the same words get the same digest; moving any drawn
    point by more than 1/1000 of its axes, or changing a title, label or legend entry, changes it.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, not {type(figure).__name__}")
    digest = hashlib.sha256()
    width, height = figure.get_size_inches()
    digest.update(f"{width:.2f}x{height:.2f}".encode())
    for part in _figure_parts(figure):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:12]


def describe(figure: Figure) -> str:
    """Return the one-line text form of `figure` that notebooks store: its axes and its digest."""
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, not {type(figure).__name__}")
    return f"<Figure with {len(figure.axes)} axes: drawn data {figure_digest(figure)}>"


def show_digests_in_notebooks() -> None:
    """In IPython, make `describe` the plain-text form of every matplotlib figure."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    plain = shell.display_formatter.formatters["text/plain"]
    plain.for_type(Figure, lambda figure, printer, cycle: printer.text(describe(figure)))
