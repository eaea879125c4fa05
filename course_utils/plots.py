"""Figures of the course. Every function returns the Figure it drew, titled and labelled (chapter 01)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from course_utils._validation import float_array, non_negative_float, one_of, positive_int
from course_utils.penalties import penalty_gradient
from course_utils.training import METRICS, Sweep, TrainingLog

plt.rcParams.update(
    {
        "figure.dpi": 80,  # stored PNGs stay small; the site's pages stay light
        "figure.figsize": (7.0, 3.6),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    }
)

_LABELS = {
    "loss": "loss reported by Keras (data + penalty)",
    "data_loss": "training loss (data only)",
    "val_loss": "validation loss reported by Keras",
    "val_data_loss": "validation loss (data only)",
    "penalty": "penalty sum(model.losses)",
    "weight_norm": "norm of all kernel weights",
    "accuracy": "training accuracy",
    "val_accuracy": "validation accuracy",
}


def plot_learning_curves(
    logs: Mapping[str, TrainingLog],
    metrics: Sequence[str] = ("data_loss", "val_data_loss"),
    title: str = "Learning curves",
    ylabel: str = "loss",
) -> Figure:
    """Plot one or two metrics per run against the epoch: the first solid, the second dashed (chapter 01).

    Args:
        logs: runs to draw, by the label of their legend entry.
        metrics: one or two metrics, usually a training metric and its validation twin.
        title: the figure's title.
        ylabel: the label of the y axis.

    Raises:
        ValueError: if ``logs`` is empty, or ``metrics`` does not hold one or two known metrics.
        TypeError: if a value of ``logs`` is not a TrainingLog.
    """
    if not isinstance(logs, Mapping) or not logs:
        raise ValueError("logs must be a non-empty mapping of label -> TrainingLog")
    if not isinstance(metrics, Sequence) or isinstance(metrics, str) or len(metrics) not in (1, 2):
        raise ValueError(f"metrics must hold one or two metric names, got {metrics!r}")
    for metric in metrics:
        one_of(metric, "metrics[]", METRICS)
    for label, log in logs.items():
        if not isinstance(log, TrainingLog):
            raise TypeError(f"logs[{label!r}] must be a TrainingLog, got {type(log).__name__}")
    figure, ax = plt.subplots()
    for index, (label, log) in enumerate(logs.items()):
        epochs = np.arange(1, log.epochs + 1)
        for metric, style in zip(metrics, ("-", "--"), strict=False):
            ax.plot(epochs, log.curve(metric), f"C{index}{style}", label=f"{label}: {_LABELS[metric]}")
    ax.set(xlabel="epoch", ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
    figure.tight_layout()
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


def plot_penalty_shapes(l1: float = 1.0, l2: float = 1.0, limit: float = 2.0) -> Figure:
    """Draw the L1, L2 and L1+L2 penalties of one weight, and their (sub)gradients (chapter 02).

    Raises:
        TypeError/ValueError: for a negative or non-finite ``l1``, ``l2`` or a non-positive ``limit``.
    """
    l1 = non_negative_float(l1, "l1")
    l2 = non_negative_float(l2, "l2")
    if non_negative_float(limit, "limit") == 0:
        raise ValueError("limit must be positive, got 0")
    w = np.linspace(-limit, limit, 401)
    shapes = {
        f"L1: {l1:g}·|w|": (l1 * np.abs(w), penalty_gradient(w, l1=l1)),
        f"L2: {l2:g}·w²": (l2 * w**2, penalty_gradient(w, l2=l2)),
        "L1 + L2": (l1 * np.abs(w) + l2 * w**2, penalty_gradient(w, l1=l1, l2=l2)),
    }
    figure, (left, right) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for label, (penalty, gradient) in shapes.items():
        left.plot(w, penalty, label=label)
        right.plot(w, gradient, label=label)
    left.set(xlabel="weight w", ylabel="penalty", title="Penalty of one weight")
    right.set(xlabel="weight w", ylabel="d penalty / d w", title="Its (sub)gradient: the pull towards 0")
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    figure.tight_layout()
    return figure


_REGULARIZATION_MAP = {
    "Weight penalties": ["L1 (lasso)", "L2 (ridge)", "L1 + L2 (elastic net)"],
    "Noise during training": ["Dropout", "Gaussian noise", "Data augmentation"],
    "Limits on training": ["Early stopping", "Weight decay (optimizer)", "Max-norm constraints"],
}


def plot_regularization_map() -> Figure:
    """Draw a map of regularization methods for neural networks, grouped by how they act (chapter 01)."""
    figure, ax = plt.subplots(figsize=(8.0, 3.4))
    ax.set_axis_off()
    ax.set(xlim=(0, 3), ylim=(0, 4.3), title="Regularization methods for neural networks")
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
        for row, method in enumerate(methods):
            bold = column == 0 or method == "Dropout"
            ax.text(
                x,
                2.3 - 0.7 * row,
                method,
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold" if bold else "normal",
                bbox={**box, "facecolor": "white"},
            )
    ax.text(1.5, 0.1, "bold: taught in this course", ha="center", fontsize=8, color="0.3")
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
    result: Sweep,
    metrics: Sequence[str] = ("data_loss", "val_data_loss"),
    at: str = "final",
    title: str = "Validation curve",
    xlabel: str = "penalty strength λ",
    ylabel: str = "data loss (no penalty)",
) -> Figure:
    """Plot metrics against the penalty strength: mean over seeds, band from min to max (chapter 06).

    The x axis is logarithmic but linear near 0 ("symlog"), so that λ = 0 appears on it.

    Raises:
        TypeError/ValueError: for a result that is not a Sweep, or unknown metrics.
    """
    if not isinstance(result, Sweep):
        raise TypeError(f"result must be a Sweep, got {type(result).__name__}")
    if not isinstance(metrics, Sequence) or isinstance(metrics, str) or not metrics:
        raise ValueError(f"metrics must be a non-empty sequence of metric names, got {metrics!r}")
    for metric in metrics:
        one_of(metric, "metrics[]", METRICS)
    one_of(at, "at", ("final", "best"))
    strengths = np.asarray(result.strengths)
    figure, ax = plt.subplots()
    for index, metric in enumerate(metrics):
        table = result.values(metric, at="final" if at == "final" else "best")
        ax.plot(strengths, table.mean(axis=1), f"C{index}o-", label=_LABELS[metric])
        if table.shape[1] > 1:
            ax.fill_between(strengths, table.min(axis=1), table.max(axis=1), color=f"C{index}", alpha=0.2)
    positive = strengths[strengths > 0]
    if positive.size and strengths.min() == 0:
        ax.set_xscale("symlog", linthresh=float(positive.min()))
    elif positive.size == strengths.size:
        ax.set_xscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.legend(fontsize=8)
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
