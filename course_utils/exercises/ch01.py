"""Checkers of the chapter 01 exercises: overfitting, capacity and early stopping."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from numpy.typing import NDArray

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, number


def _histories(runs: object, name: str) -> list[keras.callbacks.History]:
    """Return ``runs`` as a list of Histories with a validation data loss, or raise naming ``name``."""
    if isinstance(runs, keras.callbacks.History) or not isinstance(runs, Sequence):
        raise TypeError(f"{name} must be a list of keras.callbacks.History objects")
    for run in runs:
        if not isinstance(run, keras.callbacks.History):
            raise TypeError(f"{name} must hold keras.callbacks.History objects, got {type(run).__name__}")
        if not isinstance(run.model, keras.Model) or not run.history.get("val_data_loss"):
            raise ValueError(f"{name} must hold the Histories of fits with validation data and data_loss")
    return list(runs)


def _width(run: keras.callbacks.History) -> int:
    """Return the number of units of the first Dense layer of the run's model."""
    for layer in run.model.layers:
        if isinstance(layer, keras.layers.Dense):
            return int(layer.units)
    raise ValueError("runs must hold the Histories of models with a Dense hidden layer")


def check_width_budget(
    runs: Sequence[keras.callbacks.History],
    last_32: float | None,
    best_epoch_32: float | None,
    *,
    page: Sequence[keras.callbacks.History],
) -> Feedback:
    """Chapter 01: check whether the width verdict survives other seeds and twice the epochs.

    ``runs`` are the learner's Histories (the models of several widths, at least three seeds each,
    32 units among them), ``page`` the chapter's own 60-epoch Histories. The runs must be at least
    twice as long as the page's and use other seeds (no run may start like a page run of the same
    width). ``last_32`` must be the mean, over the 32-unit runs, of the validation data loss at
    their last epoch (to within 0.001, so a value printed with three decimals passes), and
    ``best_epoch_32`` the mean epoch, counted from 1, of the lowest validation data loss of the
    32-unit runs. The checker computes both from ``runs`` and only says which answer disagrees with
    them, never what it should be.
    """
    if last_32 is None or best_epoch_32 is None:
        return NOT_ANSWERED
    page_runs = _histories(page, "page")
    if not page_runs:
        raise ValueError("page must hold the chapter's Histories")
    mine = _histories(runs, "runs")
    try:
        last = number(last_32)
    except TypeError:
        raise TypeError(f"last_32 must be a number, got {type(last_32).__name__}") from None
    try:
        best_epoch = number(best_epoch_32)
    except TypeError:
        raise TypeError(f"best_epoch_32 must be a number, got {type(best_epoch_32).__name__}") from None
    if not mine:
        return Feedback(False, "runs is empty: train the models first, then pass their Histories.")
    budget = 2 * max(len(run.history["val_data_loss"]) for run in page_runs)
    if min(len(run.history["val_data_loss"]) for run in mine) < budget:
        return Feedback(False, f"Some runs are shorter than twice the page's budget ({budget} epochs).")
    groups: dict[int, list[NDArray[np.float64]]] = {}
    for run in mine:
        groups.setdefault(_width(run), []).append(np.asarray(run.history["val_data_loss"], dtype=np.float64))
    if 32 not in groups or len(groups) < 2:
        return Feedback(False, "Train several widths, 32 units among them, as on the page.")
    if min(len(curves) for curves in groups.values()) < 3:
        return Feedback(False, "Each width needs at least three seeds: one run is one random draw.")
    starts = {(_width(run), round(float(run.history["val_data_loss"][0]), 6)) for run in page_runs}
    for width, curves in groups.items():
        if any((width, round(float(curve[0]), 6)) in starts for curve in curves):
            return Feedback(False, "Some runs start exactly like the page's: use seeds the page did not use.")
    final = float(np.mean([curve[-1] for curve in groups[32]]))
    if abs(last - final) > 1e-3:
        return Feedback(
            False,
            "last_32 is not what your 32-unit runs say: average their val_data_loss at the LAST epoch.",
        )
    expected = float(np.mean([np.argmin(curve) + 1 for curve in groups[32]]))
    if abs(best_epoch + 1 - expected) <= 0.5:
        return Feedback(False, "Off by one for best_epoch_32: count the epochs from 1.")
    if abs(best_epoch - expected) > 0.5:
        return Feedback(False, "best_epoch_32 is not what your 32-unit runs say; recount their best epochs.")
    return Feedback(True, "Right: both agree with your runs. Compare them with the 60-epoch verdict.")
