"""Figures of the course. Every function returns the Figure it drew, titled and labelled (chapter 01)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike, NDArray

from course_utils._validation import float_array, non_negative_float, one_of, positive_float, positive_int
from course_utils.figures import show_digests_in_notebooks
from course_utils.penalties import penalty_gradient

plt.rcParams.update(
    {
        "figure.dpi": 80,  # the display size; notebooks store each figure at twice this (see below)
        "figure.figsize": (7.0, 3.6),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    }
)


def _store_figures_at_twice_the_display_size() -> None:
    """In a notebook, save figures with twice the pixels and half-size display metadata ("retina").

    They stay sharp on a high-DPI screen, in Jupyter and on the site (myst-nb passes the display
    size on to the page).
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")  # type: ignore[no-untyped-call]


_store_figures_at_twice_the_display_size()
show_digests_in_notebooks()  # what strict nbval compares of a figure (course_utils.figures)

LineStyle: TypeAlias = Literal["-", "--", ":", "-."]
CurveSource: TypeAlias = "keras.callbacks.History | Mapping[str, Sequence[float]]"
Runs: TypeAlias = "Mapping[str, CurveSource | Sequence[CurveSource]]"

#: How a metric is named in a legend, unless the caller names it.
_METRIC_WORDS = {
    "loss": "training loss (data + penalty)",
    "data_loss": "training",
    "val_loss": "validation loss (data + penalty)",
    "val_data_loss": "validation",
    "accuracy": "training",
    "val_accuracy": "validation",
    "penalty": "penalty",
    "weight_norm": "kernel norm",
}


def _logged(source: object, where: str) -> dict[str, NDArray[np.float64]]:
    """Return the per-epoch values a run logged, from a History or its ``history`` dict of lists."""
    if isinstance(source, keras.callbacks.History):
        values: Mapping[str, Sequence[float]] = source.history
    elif isinstance(source, Mapping):
        values = source
    else:
        raise TypeError(
            f"{where} must be a keras History (or its .history dict), got {type(source).__name__}"
        )
    return {str(key): np.asarray(curve, dtype=np.float64) for key, curve in values.items()}


def _runs(runs: object) -> dict[str, list[dict[str, NDArray[np.float64]]]]:
    """Normalise ``runs`` to label -> list of logged dicts (one per seed)."""
    if not isinstance(runs, Mapping) or not runs:
        raise ValueError("runs must be a non-empty mapping of label -> History (or a list of them)")
    normal = {}
    for label, value in runs.items():
        if isinstance(value, Sequence) and not isinstance(value, str | Mapping):
            if not value:
                raise ValueError(f"runs[{label!r}] is an empty list")
            normal[str(label)] = [_logged(item, f"runs[{label!r}][{i}]") for i, item in enumerate(value)]
        else:
            normal[str(label)] = [_logged(value, f"runs[{label!r}]")]
    return normal


def _panels(metrics: object) -> list[list[str]]:
    if isinstance(metrics, str) or not isinstance(metrics, Sequence) or not metrics:
        raise ValueError(f"metrics must be a list of metric names, or a list of such lists, got {metrics!r}")
    if all(isinstance(metric, str) for metric in metrics):
        return [list(metrics)]
    panels = []
    for panel in metrics:
        if isinstance(panel, str) or not isinstance(panel, Sequence) or not panel:
            raise ValueError(
                f"metrics must be a list of metric names, or a list of such lists, got {metrics!r}"
            )
        panels.append([str(metric) for metric in panel])
    return panels


def plot_learning_curves(
    runs: Runs,
    metrics: Sequence[str] | Sequence[Sequence[str]] = ("data_loss", "val_data_loss"),
    title: str = "Learning curves",
    ylabel: str | Sequence[str] = "loss",
    names: Mapping[str, str] | None = None,
    mark_epoch: int | None = None,
) -> Figure:
    """Plot logged metrics against the epoch, one colour per run and one line style per metric (chapter 01).

    A run is a ``keras.callbacks.History`` (what ``fit`` returns), or a list of them, one per seed:
    then the line is their mean and a band spans the lowest to the highest seed. Two legends, one
    for the runs (colours) and one for the metrics (line styles), keep every entry short.

    Args:
        runs: the runs to draw, by label.
        metrics: the metrics to draw, for example ``("data_loss", "val_data_loss")``; a list of such
            lists draws one panel per inner list.
        title: the figure's title.
        ylabel: the y label, or one per panel.
        names: legend words for the metrics, by metric (default: "training", "validation", ...).
        mark_epoch: if given, a dotted vertical line at this epoch, in every panel.

    Raises:
        TypeError/ValueError: naming the argument, for no runs, a run that is not a History, a
            metric that a run did not log, or a wrong number of y labels.
    """
    normal = _runs(runs)
    panels = _panels(metrics)
    labels = [ylabel] * len(panels) if isinstance(ylabel, str) else list(ylabel)
    if len(labels) != len(panels):
        raise ValueError(f"ylabel must be one label or one per panel ({len(panels)}), got {len(labels)}")
    words = dict(_METRIC_WORDS) | dict(names or {})
    if mark_epoch is not None:
        positive_int(mark_epoch, "mark_epoch")
    for label, seeds in normal.items():
        for panel in panels:
            for metric in panel:
                for seed in seeds:
                    if metric not in seed:
                        known = ", ".join(sorted(seed))
                        raise ValueError(f"runs[{label!r}] did not log {metric!r}; it logged: {known}")
    styles: tuple[LineStyle, ...] = ("-", "--", ":", "-.")
    figure, axes = plt.subplots(
        1,
        len(panels),
        figsize=(7.0 if len(panels) == 1 else 9.0, 3.8),
        squeeze=False,
        layout="constrained",
    )
    for ax, panel, axis_label in zip(axes[0], panels, labels, strict=True):
        for index, seeds in enumerate(normal.values()):
            for metric, style in zip(panel, styles, strict=False):
                length = min(len(seed[metric]) for seed in seeds)
                table = np.vstack([seed[metric][:length] for seed in seeds])
                epochs = np.arange(1, length + 1)
                ax.plot(epochs, table.mean(axis=0), color=f"C{index}", linestyle=style)
                if len(seeds) > 1:
                    ax.fill_between(
                        epochs, table.min(axis=0), table.max(axis=0), color=f"C{index}", alpha=0.15
                    )
        if mark_epoch is not None:
            ax.axvline(mark_epoch, color="0.3", linestyle=":", linewidth=1)
        ax.set(xlabel="epoch", ylabel=axis_label)
    # One legend under the panels: a colour per run, then a line style per metric.
    handles = [Line2D([], [], color=f"C{i}", linewidth=2) for i in range(len(normal))]
    entries = list(normal)
    if any(len(panel) > 1 for panel in panels):
        for panel in panels:
            for metric, style in zip(panel, styles, strict=False):
                word = words.get(metric, metric)
                if word not in entries:
                    handles.append(Line2D([], [], color="0.3", linestyle=style))
                    entries.append(word)
    several = sorted({len(seeds) for seeds in normal.values()} - {1})
    note = f"lines: mean of {several[-1]} seeds; bands: lowest to highest seed" if several else None
    figure.legend(
        handles,
        entries,
        loc="outside lower center",
        ncols=min(len(entries), 5),
        fontsize=8,
        title=note,
        title_fontsize=8,
        frameon=False,
    )
    figure.suptitle(title)
    return figure


def plot_digits(x: NDArray[np.floating], y: NDArray[np.integer], count: int = 10) -> Figure:
    """Show the first ``count`` digit images with their labels (chapter 01).

    Raises:
        ValueError: if ``x`` is not a batch of 64-pixel or 8×8 images, or lengths disagree.
    """
    positive_int(count, "count")
    images = float_array(x, "x")
    if images.ndim < 2 or images[0].size != 64:
        raise ValueError(f"x must hold 8×8 digit images (64 values each), got shape {images.shape}")
    if not hasattr(y, "__len__"):
        raise TypeError(f"y must be an array of labels, got {type(y).__name__}")
    if len(images) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(images)} and {len(y)}")
    count = min(count, len(images))
    figure, axes = plt.subplots(1, count, figsize=(0.8 * count, 1.2))
    for ax, image, label in zip(np.atleast_1d(axes), images[:count], y[:count], strict=True):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(str(int(label)), fontsize=9)
        ax.set_axis_off()
    figure.suptitle("Training digits and their labels", fontsize=10)
    figure.tight_layout()
    return figure


def plot_penalty_shapes(l1: float = 0.3, l2: float = 0.2, limit: float = 2.0) -> Figure:
    """Draw the L1 and L2 penalties of one weight, and the pull each puts on it (chapter 02).

    Left: the penalties ``l1·|w|`` and ``l2·w²``. Right: the pull, minus the (sub)gradient, which is
    the direction a gradient step moves the weight: ``-l1·sign(w)`` and ``-2·l2·w``. L1's pull jumps
    at 0, where TensorFlow (like :func:`course_utils.penalties.penalty_gradient`) uses the subgradient
    0; the figure draws the two sides apart, ends each side at 0 with an open circle (the values
    ``±l1`` the pull does not take at 0) and marks the value it does take with a dot. The two
    strengths have different units, so the defaults are not equal: they make the penalties equal at
    ``|w| = l1 / l2`` = 1.5.

    Raises:
        TypeError/ValueError: for a negative or non-finite ``l1`` or ``l2``, or a non-positive ``limit``.
    """
    l1 = non_negative_float(l1, "l1")
    l2 = non_negative_float(l2, "l2")
    limit = positive_float(limit, "limit")
    w = np.linspace(-limit, limit, 401)
    figure, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    left.plot(w, l1 * np.abs(w), "C0", label=f"L1: {l1:g}·|w|")
    left.plot(w, l2 * w**2, "C1", label=f"L2: {l2:g}·w²")
    negative, positive = w[w < 0], w[w > 0]
    for side in (negative, positive):
        right.plot(side, -penalty_gradient(side, l1=l1), "C0")
    right.plot([0.0], -penalty_gradient(np.zeros(1), l1=l1), "o", color="C0", markersize=4)
    right.plot(w, -penalty_gradient(w, l2=l2), "C1")
    right.axhline(0, color="0.5", linewidth=0.8)
    right.plot(  # open ends of the two sides: the jump at 0 is a jump, not a vertical line
        [0.0, 0.0], [l1, -l1], "o", color="C0", markerfacecolor="white", markersize=5, zorder=3
    )
    left.set(xlabel="weight w", ylabel="penalty", title="Penalty of one weight")
    right.set(xlabel="weight w", ylabel="−d penalty / dw", title="The pull on it, towards 0")
    left.legend(fontsize=8)
    figure.tight_layout()
    return figure


def plot_one_weight_optimum(
    a: ArrayLike,
    solutions: Mapping[str, ArrayLike],
    threshold: float = 0.0,
    numerical: Mapping[str, ArrayLike] | None = None,
    title: str = "The best weight w* against a",
) -> Figure:
    """Draw the minimiser ``w*`` of a one-weight problem against ``a`` (chapter 02).

    ``a`` is where the data alone would put the weight: the problem is ``(w - a)² + penalty(w)``.
    Each entry of ``solutions`` (a label and ``w*`` at every ``a``) is drawn as a line, the line
    ``w = a`` (no penalty) is dashed, and, if ``threshold`` > 0, the band ``|a| <= threshold`` is
    shaded: there an L1 penalty holds the weight at exactly 0. ``numerical`` (some of the same labels)
    adds, as crosses, the values a numerical minimiser found at every ``a``.

    Raises:
        TypeError/ValueError: if ``a`` is not a 1-D finite array of at least 2 values, if a solution
            does not have the shape of ``a``, if ``numerical`` names a label not in ``solutions``,
            or for a negative or non-finite ``threshold``.
    """
    a_values = float_array(a, "a")
    if a_values.ndim != 1 or a_values.size < 2:
        raise ValueError(f"a must be a 1-D array of at least 2 values, got shape {a_values.shape}")
    if not isinstance(solutions, Mapping) or not solutions:
        raise TypeError("solutions must be a non-empty mapping from a label to w* at every a")
    curves: dict[str, NDArray[np.float64]] = {}
    for label, values in solutions.items():
        curve = float_array(values, f"solutions[{label!r}]")
        if curve.shape != a_values.shape:
            raise ValueError(
                f"solutions[{label!r}] must have the shape of a, {a_values.shape}; got {curve.shape}"
            )
        curves[str(label)] = curve
    found: dict[str, NDArray[np.float64]] = {}
    for label, values in (numerical or {}).items():
        if label not in solutions:
            raise ValueError(f"numerical[{label!r}] has no line in solutions: {list(curves)}")
        found[str(label)] = float_array(values, f"numerical[{label!r}]")
        if found[str(label)].shape != a_values.shape:
            raise ValueError(f"numerical[{label!r}] must have the shape of a, {a_values.shape}")
    band = non_negative_float(threshold, "threshold")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}")
    figure, ax = plt.subplots(figsize=(6.0, 3.8))
    if band > 0:
        ax.axvspan(
            -band, band, color="0.85", alpha=0.6, label=f"|a| ≤ {band:g}: L1 holds w* at 0", linewidth=0
        )
    ax.plot(a_values, a_values, "--", color="0.5", linewidth=1.0, label="no penalty: w* = a")
    for index, (label, curve) in enumerate(curves.items()):
        ax.plot(a_values, curve, color=f"C{index}", linewidth=2.0, label=label)
    for number, values in enumerate(found.values()):
        ax.plot(
            a_values,
            values,
            "x",
            color="black",
            markersize=4,
            label="numerical minimiser" if number == 0 else None,
        )
    ax.set(xlabel="a, where the data alone would put the weight", ylabel="best weight w*", title=title)
    ax.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    return figure


def plot_one_weight_objectives(
    a: Sequence[float],
    lam: float,
    w_limits: tuple[float, float] = (-1.0, 2.0),
    title: str | None = None,
) -> Figure:
    """Draw the one-weight objectives ``(w - a)² + lam·|w|`` and ``(w - a)² + lam·w²`` (chapter 02).

    Two panels side by side, L1 left and L2 right, on a shared loss axis: one curve per value of
    ``a`` (where the data alone would put the weight), each with a dot at its lowest point on a fine
    grid of ``w`` that contains 0 exactly. With L1 and ``|a| <= lam / 2`` that point is the kink at
    ``w = 0``; with L2 the lowest point is never at the kink, because there is none. A thin line
    marks ``w = 0``.

    Raises:
        TypeError/ValueError: if ``a`` is not a non-empty sequence of at most 6 finite numbers, for a
            negative or non-finite ``lam``, if ``w_limits`` is not two finite numbers, the first
            below 0 and the second above it, or if ``title`` is not a string or None.
    """
    if isinstance(a, str | bytes) or not isinstance(a, Sequence | np.ndarray):
        raise TypeError(f"a must be a sequence of numbers, got {type(a).__name__}")
    centres = float_array(a, "a")
    if centres.ndim != 1 or not 1 <= centres.size <= 6:
        raise ValueError(f"a must hold 1 to 6 numbers, got shape {centres.shape}")
    strength = non_negative_float(lam, "lam")
    if not isinstance(w_limits, Sequence) or isinstance(w_limits, str) or len(w_limits) != 2:
        raise TypeError(f"w_limits must be a pair (low, high), got {w_limits!r}")
    low = float(float_array(w_limits[0], "w_limits[0]"))
    high = float(float_array(w_limits[1], "w_limits[1]"))
    if not low < 0.0 < high:
        raise ValueError(f"w_limits must satisfy low < 0 < high, got ({low:g}, {high:g})")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {type(title).__name__}")
    w = np.union1d(np.linspace(low, high, 601), [0.0])
    penalties = {
        f"L1: (w − a)² + {strength:g}·|w|": strength * np.abs(w),
        f"L2: (w − a)² + {strength:g}·w²": strength * w**2,
    }
    figure, axes = plt.subplots(1, 2, figsize=(8.0, 3.4), sharey=True)
    for ax, (panel, penalty) in zip(axes, penalties.items(), strict=True):
        ax.axvline(0.0, color="0.5", linewidth=0.8)
        objectives = [(w - centre) ** 2 + penalty for centre in centres]
        for index, (centre, objective) in enumerate(zip(centres, objectives, strict=True)):
            ax.plot(w, objective, color=f"C{index}", linewidth=1.8, label=f"a = {centre:g}")
        for index, objective in enumerate(objectives):  # after the curves: last in the legend
            lowest = int(np.argmin(objective))
            ax.plot(
                [w[lowest]],
                [objective[lowest]],
                "o",
                color=f"C{index}",
                markersize=6,
                label="lowest point" if index == 0 else None,
            )
        ax.set(xlabel="weight w", title=panel)
    axes[0].set_ylabel("objective")
    axes[0].legend(fontsize=8, loc="upper center")
    figure.suptitle(title if title is not None else f"The objective of one weight, λ = {strength:g}")
    figure.tight_layout()
    return figure


#: The families of methods, and whether the course teaches each one (drawn in bold).
_REGULARIZATION_MAP: dict[str, list[tuple[str, bool]]] = {
    "Penalties on the weights": [
        ("L1 (lasso)", True),
        ("L2 (ridge)", True),
        ("L1 + L2 (elastic net)", True),
        ("Weight decay (optimizer)", False),
    ],
    "Noise during training": [("Dropout", True), ("Gaussian noise", False), ("Data augmentation", False)],
    "Limits on model and training": [
        ("Smaller model", True),
        ("Early stopping", True),
        ("Max-norm constraint", True),
    ],
}


def plot_regularization_map() -> Figure:
    """Draw a map of regularization methods for neural networks, grouped by how they act (chapter 01).

    Weight decay sits with the weight penalties: it shrinks the weights as an L2 penalty does, but
    inside the optimizer's update instead of through the loss.
    """
    figure, ax = plt.subplots(figsize=(8.0, 3.8))
    ax.set_axis_off()
    ax.set(xlim=(0, 3), ylim=(-0.5, 4.3), title="Regularization methods for neural networks")
    box = {"boxstyle": "round,pad=0.4", "linewidth": 1.0}
    ax.text(
        1.5,
        4.0,
        "Regularization: fight overfitting",
        ha="center",
        va="center",
        bbox={**box, "facecolor": "#dddddd"},
        fontsize=11,
    )
    for column, (group, methods) in enumerate(_REGULARIZATION_MAP.items()):
        x = column + 0.5
        ax.annotate("", xy=(x, 3.35), xytext=(1.5, 3.75), arrowprops={"arrowstyle": "->", "color": "0.4"})
        ax.text(
            x,
            3.1,
            group,
            ha="center",
            va="center",
            fontsize=10,
            bbox={**box, "facecolor": f"C{column}", "alpha": 0.35},
        )
        for row, (method, taught) in enumerate(methods):
            ax.text(
                x,
                2.35 - 0.7 * row,
                method,
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if taught else "normal",
                bbox={**box, "facecolor": "white"},
            )
    ax.text(1.5, -0.45, "bold: taught in this course", ha="center", fontsize=8, color="0.3")
    return figure


def plot_weight_histograms(
    weights: Mapping[str, ArrayLike],
    bins: int = 61,
    title: str = "Weight histograms",
    log_counts: bool = True,
) -> Figure:
    """Draw one histogram per set of weights, side by side on shared bins (chapter 03).

    Args:
        weights: arrays of weights by panel title, for example one per regularizer.
        bins: number of bins, shared by all panels so that they compare.
        title: the figure's title.
        log_counts: a logarithmic count axis shows both the spike at zero and the tails.

    Raises:
        ValueError/TypeError: for an empty mapping, a bad array or a bad ``bins``.
    """
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError("weights must be a non-empty mapping of title -> array")
    positive_int(bins, "bins", minimum=2)
    arrays = {label: float_array(values, f"weights[{label!r}]").ravel() for label, values in weights.items()}
    limit = max(float(np.abs(values).max()) for values in arrays.values()) or 1.0
    edges = np.linspace(-limit, limit, bins + 1)
    figure, axes = plt.subplots(1, len(arrays), figsize=(2.8 * len(arrays), 2.8), sharex=True, sharey=True)
    for index, (ax, (label, values)) in enumerate(zip(np.atleast_1d(axes), arrays.items(), strict=True)):
        ax.hist(values, bins=edges, color=f"C{index}", log=log_counts)
        ax.set(title=label, xlabel="weight value")
    np.atleast_1d(axes)[0].set_ylabel("count (log scale)" if log_counts else "count")
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_validation_curve(
    strengths: ArrayLike,
    values: Mapping[str, ArrayLike],
    title: str = "Validation curve",
    xlabel: str = "penalty strength λ",
    ylabel: str = "data loss (no penalty)",
    seeds_note: str = "auto",
) -> Figure:
    """Plot scores against the penalty strength: every seed as a dot, the mean ± sd as a line (chapter 03).

    Args:
        strengths: the strengths tried, one per row of each table; 0 is allowed.
        values: by legend label, a table of scores with one row per strength and one column per
            seed (a 1-D array is one seed).
        title: the figure's title.
        xlabel: the x axis label.
        ylabel: the y axis label.
        seeds_note: where to say "mean ± sd of N seeds": ``"label"`` appends it to every legend
            entry, ``"title"`` puts it once in the legend's title, and ``"auto"`` puts it in the title
            when several entries have the same number of seeds (chapters 01 and 06).

    The x axis is logarithmic, and linear near 0 ("symlog") when 0 is among the strengths, so that
    λ = 0 appears on it.

    Raises:
        TypeError/ValueError: naming the argument, for strengths that are not finite numbers >= 0,
            an empty mapping, or a table whose rows do not match the strengths.
    """
    grid = float_array(strengths, "strengths")
    if grid.ndim != 1 or np.any(grid < 0):
        raise ValueError("strengths must be a 1-D list of numbers >= 0")
    if not isinstance(values, Mapping) or not values:
        raise ValueError("values must be a non-empty mapping of label -> table (strengths × seeds)")
    tables = {}
    for label, table in values.items():
        array = float_array(table, f"values[{label!r}]")
        array = array.reshape(-1, 1) if array.ndim == 1 else array
        if array.ndim != 2 or array.shape[0] != grid.size:
            raise ValueError(
                f"values[{label!r}] must have one row per strength ({grid.size}), got shape {array.shape}"
            )
        tables[str(label)] = array
    one_of(seeds_note, "seeds_note", ("auto", "label", "title"))
    figure, ax = plt.subplots()
    counts = {table.shape[1] for table in tables.values()}
    # Several entries with the same number of seeds: say it once, in the legend's title.
    shared = (
        len(counts) == 1
        and counts != {1}
        and (seeds_note == "title" or (seeds_note == "auto" and len(tables) > 1))
    )
    for index, (label, table) in enumerate(tables.items()):
        mean = table.mean(axis=1)
        sd = table.std(axis=1, ddof=1) if table.shape[1] > 1 else np.zeros_like(mean)
        seeds = table.shape[1]
        for column in range(seeds):
            ax.plot(grid, table[:, column], ".", color=f"C{index}", alpha=0.35, markersize=5)
        suffix = f" (mean ± sd of {seeds} seeds)" if seeds > 1 and not shared else ""
        ax.errorbar(
            grid,
            mean,
            yerr=sd,
            color=f"C{index}",
            marker="o",
            markersize=4,
            capsize=3,
            label=f"{label}{suffix}",
        )
    positive = grid[grid > 0]
    if positive.size and grid.min() == 0:
        ax.set_xscale("symlog", linthresh=float(positive.min()))
    elif positive.size == grid.size:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    note = f"mean ± sd of {counts.pop()} seeds; dots: each seed" if shared else None
    ax.legend(fontsize=8, title=note, title_fontsize=8)
    figure.tight_layout()
    return figure


def plot_dropout_mask(
    outputs: ArrayLike, rate: float, title: str = "What a Dropout layer keeps in training"
) -> Figure:
    """Show which units a Dropout layer kept, and the fraction kept per example (chapter 07).

    Left: the mask, one row per example and one column per unit, dark where the unit was kept.
    Right: a histogram of the fraction of units kept in each example, the expected fraction
    ``1 - rate``, and the binomial distribution the fraction follows when every unit is kept
    independently with probability ``1 - rate``.

    Args:
        outputs: the layer's outputs with ``training=True`` on inputs without zeros (a batch of
            ones, say), examples × units, so that an output of 0 means a dropped unit.
        rate: the layer's ``rate``, the probability of dropping each unit.
        title: the figure's title.

    Raises:
        TypeError/ValueError: for ``outputs`` that are not a finite 2-D array, or a ``rate``
            outside [0, 1).
    """
    from math import comb

    values = float_array(outputs, "outputs")
    if values.ndim != 2:
        raise ValueError(f"outputs must be 2-D (examples × units), got shape {values.shape}")
    drop = non_negative_float(rate, "rate")
    if drop >= 1:
        raise ValueError(f"rate must satisfy 0 <= rate < 1, got {drop}")
    keep = 1.0 - drop
    kept = values != 0
    n_examples, n_units = kept.shape
    figure, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.4), width_ratios=(1, 1.3))
    left.imshow(kept, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    left.set(xlabel="unit", ylabel="example", title="Kept units (dark)")
    left.grid(False)
    counts = np.arange(n_units + 1)
    edges = (np.arange(n_units + 2) - 0.5) / n_units
    right.hist(kept.mean(axis=1), bins=edges, color="C0", alpha=0.6, label="examples (measured)")
    expected = [n_examples * comb(n_units, k) * keep**k * (1 - keep) ** (n_units - k) for k in counts]
    right.plot(counts / n_units, expected, "C1.-", markersize=4, label="binomial: units kept independently")
    right.axvline(
        keep, color="k", linestyle="--", linewidth=1, label=f"expected fraction 1 − rate = {keep:g}"
    )
    right.set(
        xlabel="fraction of units kept in one example", ylabel="number of examples", title="Kept per example"
    )
    spread = 5 * np.sqrt(keep * (1 - keep) / n_units) + 1 / n_units
    right.set_xlim(max(0.0, keep - spread) - 0.5 / n_units, min(1.0, keep + spread) + 0.5 / n_units)
    right.set_ylim(0, 1.45 * max(max(expected), *(patch.get_height() for patch in right.patches)))
    right.legend(fontsize=7, loc="upper left")
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def plot_input_importance(
    importances: Mapping[str, ArrayLike],
    informative: ArrayLike | None = None,
    threshold: float | None = None,
    title: str = "How much each model uses each input",
    log_scale: bool = True,
) -> Figure:
    """Draw, for each model, one bar per input giving its importance; one panel per model (chapter 03).

    Args:
        importances: per-input importances (for example from ``weights.input_importance``) by
            panel title; every array is 1-D and they all have the same length.
        informative: optional mask over the inputs, true where an input really matters; those bars
            are drawn in red, the others in grey, and the legend tells the two kinds apart.
        threshold: optional importance above which an input counts as selected, drawn as a dashed line.
        title: the figure's title.
        log_scale: a logarithmic importance axis shows both large weights and weights near zero.
            On it, an importance of exactly 0 has no bar. If every importance is 0, the axis is linear.

    Raises:
        TypeError/ValueError: naming the argument, for an empty mapping, arrays that are not 1-D,
            differ in length or hold negative values, a mask of the wrong length, or a negative
            ``threshold``.
    """
    if not isinstance(importances, Mapping) or not importances:
        raise ValueError("importances must be a non-empty mapping of title -> per-input importance")
    arrays = {label: float_array(values, f"importances[{label!r}]") for label, values in importances.items()}
    lengths = {values.shape for values in arrays.values()}
    if any(values.ndim != 1 for values in arrays.values()) or len(lengths) != 1:
        raise ValueError(
            f"importances must hold 1-D arrays of one common length, got shapes {sorted(lengths)}"
        )
    n_inputs = next(iter(arrays.values())).size
    if informative is None:
        mask = np.zeros(n_inputs, dtype=bool)
    else:
        mask = np.asarray(informative)
        if mask.dtype != np.bool_ or mask.shape != (n_inputs,):
            raise ValueError(
                f"informative must be a boolean mask of {n_inputs} values, got {mask.dtype} {mask.shape}"
            )
    if any(np.any(values < 0) for values in arrays.values()):
        raise ValueError("importances must not be negative")
    line = None if threshold is None else non_negative_float(threshold, "threshold")
    positive = np.concatenate([values[values > 0] for values in arrays.values()])
    use_log = log_scale and positive.size > 0  # a log axis needs something above 0 to show
    positions = np.arange(n_inputs)
    figure, axes = plt.subplots(
        len(arrays), 1, figsize=(7.0, 1.2 + 1.5 * len(arrays)), sharex=True, sharey=True, squeeze=False
    )
    for ax, (label, values) in zip(axes[:, 0], arrays.items(), strict=True):
        other = "irrelevant input" if informative is not None else "input"
        ax.bar(positions[~mask], values[~mask], color="C7", label=other)
        if mask.any():
            ax.bar(positions[mask], values[mask], color="C3", label="informative input")
        if line is not None:
            ax.axhline(line, color="k", linestyle="--", linewidth=1, label=f"threshold {line:g}")
        if use_log:
            ax.set_yscale("log")
        ax.set(title=label, ylabel="importance")
    if use_log:
        shown = positive if line is None or line == 0 else np.append(positive, line)
        axes[0, 0].set_ylim(shown.min() / 2, shown.max() * 30)  # room above the bars for the legend
    axes[-1, 0].set_xlabel("input index")
    axes[0, 0].legend(fontsize=7, loc="upper right", ncol=3)
    figure.suptitle(title)
    figure.tight_layout()
    return figure


def _path_panels(
    paths: object, name: str, n_inputs: int | None
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
    """Check ``{panel: (strengths, weights)}``: 1-D strengths > 0 and a strengths × inputs table."""
    if not isinstance(paths, Mapping) or not paths:
        raise ValueError(f"{name} must be a non-empty mapping of panel title -> (strengths, weights)")
    checked = {}
    for label, pair in paths.items():
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"{name}[{label!r}] must be a tuple (strengths, weights)")
        grid = float_array(pair[0], f"{name}[{label!r}] strengths")
        table = float_array(pair[1], f"{name}[{label!r}] weights")
        if grid.ndim != 1 or np.any(grid <= 0):
            raise ValueError(f"{name}[{label!r}] strengths must be a 1-D list of numbers > 0 (a log axis)")
        if table.ndim != 2 or table.shape[0] != grid.size:
            raise ValueError(
                f"{name}[{label!r}] weights must have one row per strength ({grid.size}), "
                f"got shape {table.shape}"
            )
        if n_inputs is not None and table.shape[1] != n_inputs:
            raise ValueError(f"{name}[{label!r}] weights must have {n_inputs} columns, got {table.shape[1]}")
        n_inputs = table.shape[1]
        checked[str(label)] = (grid, table)
    return checked


def plot_weight_paths(
    exact: Mapping[str, tuple[ArrayLike, ArrayLike]],
    trained: Mapping[str, tuple[ArrayLike, ArrayLike]] | None = None,
    informative: ArrayLike | None = None,
    title: str = "Weight paths against the penalty strength",
    xlabel: str = "penalty strength λ",
    ylabel: str = "weight",
    names: tuple[str, str] = ("exact optimum", "trained"),
) -> Figure:
    """Draw each weight against the penalty strength, one panel per penalty (chapter 03).

    The exact optimum is drawn as lines, the weights of trained models (if given) as dots on top,
    in the same colour as their input's line: every informative input in a colour of its own, the
    irrelevant ones in grey. The strength axis is logarithmic; a thin line marks a weight of 0.

    Args:
        exact: by panel title (for example ``"L1"``), a pair ``(strengths, weights)``: the strengths,
            all > 0, and a table with one row per strength and one column per input.
        trained: the same for trained models, on a grid of their own; the panel titles must be
            among those of ``exact``.
        informative: optional boolean mask over the inputs, true for the inputs that matter; without
            it every input gets a colour of its own.
        title: the figure's title.
        xlabel: the strength axis label, shared by the panels.
        ylabel: the weight axis label.
        names: the legend's words for the lines and for the dots.

    Raises:
        TypeError/ValueError: naming the argument, for an empty mapping, a pair that is not
            ``(strengths, weights)``, strengths that are not > 0, tables whose shape does not match,
            a panel of ``trained`` missing from ``exact``, or a mask of the wrong length.
    """
    lines = _path_panels(exact, "exact", None)
    n_inputs = next(iter(lines.values()))[1].shape[1]
    dots = {} if trained is None else _path_panels(trained, "trained", n_inputs)
    unknown = sorted(set(dots) - set(lines))
    if unknown:
        raise ValueError(f"trained has panels that exact does not: {unknown}")
    if informative is None:
        mask = np.ones(n_inputs, dtype=bool)
    else:
        mask = np.asarray(informative)
        if mask.dtype != np.bool_ or mask.shape != (n_inputs,):
            raise ValueError(
                f"informative must be a boolean mask of {n_inputs} values, got {mask.dtype} {mask.shape}"
            )
    if len(names) != 2 or not all(isinstance(name, str) for name in names):
        raise TypeError("names must be two strings: for the lines and for the dots")
    colours = {int(j): f"C{k % 10}" for k, j in enumerate(np.flatnonzero(mask))}
    figure, axes = plt.subplots(
        1, len(lines), figsize=(4.4 * len(lines), 3.9), sharey=True, squeeze=False, layout="constrained"
    )
    for ax, (label, (grid, table)) in zip(axes[0], lines.items(), strict=True):
        order = np.argsort(grid)
        for j in [*np.flatnonzero(~mask), *np.flatnonzero(mask)]:  # informative lines on top
            colour, width = colours.get(int(j), "0.6"), 1.8 if mask[j] else 0.9
            ax.plot(grid[order], table[order, j], color=colour, linewidth=width)
        if label in dots:
            dot_grid, dot_table = dots[label]
            for j in range(n_inputs):
                ax.plot(dot_grid, dot_table[:, j], "o", color=colours.get(j, "0.45"), markersize=3.5)
        ax.axhline(0.0, color="k", linewidth=0.6)
        ax.set_xscale("log")
        ax.set(title=label, xlabel=xlabel)
    axes[0, 0].set_ylabel(ylabel)
    handles: list[Line2D] = [
        Line2D([], [], color=colours[j], linewidth=1.8)
        for j in sorted(colours)[:10]
        if informative is not None
    ]
    entries = [f"input {j}" for j in sorted(colours)[:10] if informative is not None]
    if informative is not None and (~mask).any():
        handles.append(Line2D([], [], color="0.6", linewidth=0.9))
        entries.append(f"irrelevant inputs ({int((~mask).sum())})")
    handles.append(Line2D([], [], color="0.3", linewidth=1.2))
    entries.append(f"lines: {names[0]}")
    if dots:
        handles.append(Line2D([], [], color="0.3", marker="o", linestyle="", markersize=3.5))
        entries.append(f"dots: {names[1]}")
    figure.legend(
        handles, entries, loc="outside lower center", ncols=min(len(entries), 4), fontsize=8, frameon=False
    )
    figure.suptitle(title)
    return figure


def plot_paired_scores(
    scores: Mapping[str, Mapping[str, ArrayLike]],
    title: str = "Scores of each method on the same draws",
    ylabel: str = "score",
    xlabel: str = "method",
) -> Figure:
    """Compare methods draw by draw: one dot per draw, joined across methods; mean ± sd beside (chapter 03).

    Each panel is one set of problems (for example a sparse and a dense truth). Within a panel every
    method was scored on the same draws, in the same order, so each draw's scores are joined by a
    thin grey line: a line that falls from one method to the next is a draw where the second did
    better. A black bar beside each method's dots shows their mean ± sd.

    Args:
        scores: by panel title, a mapping of method name -> one score per draw; within a panel all
            methods have the same number of draws.
        title: the figure's title.
        ylabel: the score axis label.
        xlabel: the method axis label.

    Raises:
        TypeError/ValueError: naming the argument, for an empty mapping, an empty panel, a score
            array that is not 1-D and finite, or methods with different numbers of draws.
    """
    if not isinstance(scores, Mapping) or not scores:
        raise ValueError("scores must be a non-empty mapping of panel title -> {method: scores}")
    panels = {}
    for label, methods in scores.items():
        if not isinstance(methods, Mapping) or not methods:
            raise ValueError(f"scores[{label!r}] must be a non-empty mapping of method -> scores per draw")
        arrays = {
            name: float_array(values, f"scores[{label!r}][{name!r}]") for name, values in methods.items()
        }
        shapes = {values.shape for values in arrays.values()}
        if any(values.ndim != 1 for values in arrays.values()) or len(shapes) != 1:
            raise ValueError(
                f"scores[{label!r}] must hold 1-D arrays with one score per draw, all of one length; "
                f"got shapes {sorted(shapes)}"
            )
        panels[str(label)] = arrays
    figure, axes = plt.subplots(
        1, len(panels), figsize=(3.6 * len(panels) + 0.6, 3.6), squeeze=False, layout="constrained"
    )
    for ax, (label, arrays) in zip(axes[0], panels.items(), strict=True):
        table = np.vstack(list(arrays.values()))  # methods × draws
        positions = np.arange(len(arrays))
        for draw in table.T:
            ax.plot(positions, draw, color="0.75", linewidth=0.7, zorder=1)
        for index, values in enumerate(table):
            ax.plot(np.full(values.size, index), values, "o", color=f"C{index}", markersize=4, alpha=0.8)
            sd = values.std(ddof=1) if values.size > 1 else 0.0
            ax.errorbar(index + 0.18, values.mean(), yerr=sd, color="k", marker="_", markersize=10, capsize=3)
        ax.set_xticks(positions, list(arrays))
        ax.set_xlim(-0.4, len(arrays) - 0.4)
        ax.set(title=label, xlabel=xlabel)
    axes[0, 0].set_ylabel(ylabel)
    draws = sorted({values.size for arrays in panels.values() for values in arrays.values()})
    note = f"dots: the {draws[-1]} draws, joined draw by draw; black: mean ± sd"
    figure.text(0.5, -0.02, note, ha="center", va="top", fontsize=8, color="0.3")
    figure.suptitle(title)
    return figure


def plot_weight_pairs(
    pairs: Mapping[str, ArrayLike],
    truth: tuple[float, float] | None = None,
    title: str = "The two weights of a pair of inputs, draw by draw",
    labels: tuple[str, str] = ("weight of input 0", "weight of input 1"),
) -> Figure:
    """Scatter two weights against each other, one dot per data draw and one panel per method (chapter 03).

    Meant for twin inputs: models that predict alike can split a fixed sum between the two weights
    in any way, so a dashed line marks every split of the true sum, and a star the true pair.

    Args:
        pairs: by panel title, an array with one row per draw and two columns (the two weights).
        truth: the true pair of weights, if known.
        title: the figure's title.
        labels: the axis labels of the first and the second weight.

    Raises:
        TypeError/ValueError: naming the argument, for an empty mapping, arrays that are not
            finite draws × 2 tables, or a ``truth`` that is not two finite numbers.
    """
    if not isinstance(pairs, Mapping) or not pairs:
        raise ValueError("pairs must be a non-empty mapping of panel title -> (draws × 2) weights")
    tables = {}
    for label, values in pairs.items():
        table = float_array(values, f"pairs[{label!r}]")
        if table.ndim != 2 or table.shape[1] != 2:
            raise ValueError(f"pairs[{label!r}] must have one row per draw and 2 columns, got {table.shape}")
        tables[str(label)] = table
    point = None
    if truth is not None:
        point = float_array(truth, "truth")
        if point.shape != (2,):
            raise ValueError(f"truth must be two numbers, got shape {point.shape}")
    if len(labels) != 2 or not all(isinstance(text, str) for text in labels):
        raise TypeError("labels must be two strings")
    everything = np.vstack([*tables.values(), *([] if point is None else [point[None, :]])])
    low, high = float(everything.min()), float(everything.max())
    margin = 0.08 * (high - low or 1.0)
    low, high = low - margin, high + margin
    figure, axes = plt.subplots(
        1,
        len(tables),
        figsize=(2.9 * len(tables) + 0.4, 3.4),
        sharex=True,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    for index, (ax, (label, table)) in enumerate(zip(axes[0], tables.items(), strict=True)):
        if point is not None:
            total = float(point.sum())
            ax.plot([low, high], [total - low, total - high], "--", color="0.5", linewidth=0.9)
            ax.plot(*point, "*", color="k", markersize=11, zorder=3)
        ax.plot(table[:, 0], table[:, 1], "o", color=f"C{index}", markersize=4.5, alpha=0.75, zorder=2)
        ax.set(title=label, xlabel=labels[0], xlim=(low, high), ylim=(low, high))
        ax.set_aspect("equal")
    axes[0, 0].set_ylabel(labels[1])
    if point is not None:
        handles = [
            Line2D([], [], color="k", marker="*", linestyle="", markersize=9),
            Line2D([], [], color="0.5", linestyle="--"),
            Line2D([], [], color="0.4", marker="o", linestyle="", markersize=4),
        ]
        entries = ["true weights", "same sum as the truth", "one data draw"]
        figure.legend(handles, entries, loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    figure.suptitle(title)
    return figure


def plot_kernel_magnitudes(
    kernels: Mapping[str, ArrayLike],
    informative: ArrayLike | None = None,
    floor: float = 1e-3,
    title: str = "Kernel weights, input by input",
) -> Figure:
    """Draw the magnitude of every weight of one or more Dense kernels, side by side (chapter 04).

    Each panel is a kernel drawn as an image: one row per input, one column per unit, the colour
    giving ``|w|`` on a logarithmic scale shared by all panels. A row that is dark from end to end
    is an input the layer no longer uses; dark cells scattered inside bright rows are single
    weights near zero. Magnitudes below ``floor`` get the darkest colour.

    Args:
        kernels: 2-D kernels (inputs × units) by panel title, all of the same shape.
        informative: optional boolean mask over the inputs, true where an input really matters;
            those rows are marked with a red tick on the left of each panel.
        floor: the smallest magnitude the colour scale tells apart (> 0).
        title: the figure's title.

    Raises:
        TypeError/ValueError: naming the argument, for an empty mapping, kernels that are not 2-D
            or differ in shape, a mask of the wrong length, or a ``floor`` that is not > 0.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LogNorm

    if not isinstance(kernels, Mapping) or not kernels:
        raise ValueError("kernels must be a non-empty mapping of title -> 2-D kernel")
    arrays = {label: np.abs(float_array(values, f"kernels[{label!r}]")) for label, values in kernels.items()}
    shapes = {values.shape for values in arrays.values()}
    if any(values.ndim != 2 for values in arrays.values()) or len(shapes) != 1:
        raise ValueError(f"kernels must be 2-D (inputs × units) and of one shape, got {sorted(shapes)}")
    n_inputs, n_units = next(iter(arrays.values())).shape
    mask = None
    if informative is not None:
        mask = np.asarray(informative)
        if mask.dtype != np.bool_ or mask.shape != (n_inputs,):
            raise ValueError(
                f"informative must be a boolean mask of {n_inputs} values, got {mask.dtype} {mask.shape}"
            )
    low = non_negative_float(floor, "floor")
    if low == 0:
        raise ValueError("floor must be > 0: the colour scale is logarithmic")
    high = max(low * 10, *(float(values.max()) for values in arrays.values()))
    norm = LogNorm(vmin=low, vmax=high, clip=True)
    from matplotlib.ticker import MaxNLocator

    width = min(12.0, 1.6 + 2.4 * len(arrays) * max(0.6, n_units / n_inputs))
    figure, axes = plt.subplots(
        1, len(arrays), figsize=(width, 3.8), sharey=True, squeeze=False, layout="constrained"
    )
    for ax, (label, values) in zip(axes[0], arrays.items(), strict=True):
        ax.imshow(np.maximum(values, low), cmap="magma", norm=norm, aspect="auto", interpolation="nearest")
        ax.set(title=label, xlabel="unit")
        ax.grid(False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if mask is not None:
            rows = np.flatnonzero(mask)
            ax.plot(np.full(rows.size, -0.5), rows, ">", color="C2", markersize=6, clip_on=False)
    axes[0, 0].set_ylabel("input")
    if mask is not None:
        marker = Line2D([], [], marker=">", linestyle="none", color="C2", label="informative input")
        figure.legend(handles=[marker], loc="outside lower left", fontsize=8, frameon=False)
    shared = ScalarMappable(norm=norm, cmap="magma")  # one scale for every panel
    figure.colorbar(shared, ax=axes[0].tolist(), label="|weight| (log scale)", shrink=0.9)
    figure.suptitle(title)
    return figure
