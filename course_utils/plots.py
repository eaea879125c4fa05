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
    if isinstance(metrics, str) or len(metrics) not in (1, 2):
        raise ValueError(f"metrics must hold one or two metric names, got {metrics!r}")
    for metric in metrics:
        one_of(metric, "metrics[]", METRICS)
    figure, ax = plt.subplots()
    for index, (label, log) in enumerate(logs.items()):
        if not isinstance(log, TrainingLog):
            raise TypeError(f"logs[{label!r}] must be a TrainingLog, got {type(log).__name__}")
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
    images = np.asarray(x)
    if images.ndim < 2 or images[0].size != 64:
        raise ValueError(f"x must hold 8×8 digit images (64 values each), got shape {images.shape}")
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
    if isinstance(metrics, str) or not metrics:
        raise ValueError(f"metrics must be a non-empty sequence of metric names, got {metrics!r}")
    strengths = np.asarray(result.strengths)
    figure, ax = plt.subplots()
    for index, metric in enumerate(metrics):
        one_of(metric, "metrics[]", METRICS)
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
