"""Checkers of the chapter 06 exercises: the special facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras
import numpy as np

from course_utils._validation import built_model
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number

#: What the per-layer exercise asks for: (layer position, weight) -> (L1, L2) strengths.
#: Position 0 is the hidden Dense layer, 1 the output layer; every other weight stays free.
PER_LAYER_TARGET: dict[tuple[int, str], tuple[float, float]] = {
    (0, "kernel"): (1e-4, 1e-3),
    (1, "bias"): (0.0, 1e-2),
}

#: The keys of the budget exercise's answer.
BUDGET_KEYS = frozenset({"budget", "val_loss", "val_data_loss"})


def _strengths(regularizer: object) -> tuple[float, float] | None:
    """Return the (L1, L2) strengths of a built-in size penalty, None for another kind."""
    if isinstance(regularizer, keras.regularizers.L1L2):
        return float(regularizer.l1), float(regularizer.l2)
    if isinstance(regularizer, keras.regularizers.L1):
        return float(regularizer.l1), 0.0
    if isinstance(regularizer, keras.regularizers.L2):
        return 0.0, float(regularizer.l2)
    return None


def _same(found: tuple[float, float], wanted: tuple[float, float]) -> bool:
    return all((w == 0 and f == 0) or (w != 0 and close(f, w)) for f, w in zip(found, wanted, strict=True))


def check_per_layer(model: keras.Model | None) -> Feedback:
    """Chapter 06: a two-layer Dense model regularized weight by weight as the exercise asks.

    The hidden layer's kernel carries L1 and L2 at once, the output layer's bias carries L2, and no
    other weight (and no layer output) is penalized. The checker reads the layers' regularizers and
    ``model.losses``.

    Raises:
        TypeError: if ``model`` is not a built Keras model.
    """
    if model is None:
        return NOT_ANSWERED
    built_model(model, "model")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(dense) != 2:
        return Feedback(
            False, f"The task has two Dense layers (hidden, output); your model has {len(dense)}."
        )
    for position, layer in enumerate(dense):
        if layer.activity_regularizer is not None:
            return Feedback(
                False,
                f"Layer {layer.name!r} has an activity regularizer: that penalizes its outputs, "
                "and the task asks for weight penalties only.",
            )
        for weight in ("kernel", "bias"):
            regularizer = getattr(layer, f"{weight}_regularizer")
            wanted = PER_LAYER_TARGET.get((position, weight))
            where = f"the {'hidden' if position == 0 else 'output'} layer's {weight}"
            if wanted is None:
                if regularizer is not None:
                    return Feedback(False, f"{where.capitalize()} has a penalty the task does not ask for.")
                continue
            if regularizer is None:
                return Feedback(False, f"{where.capitalize()} has no regularizer yet.")
            found = _strengths(regularizer)
            if found is None:
                return Feedback(
                    False,
                    f"{where.capitalize()} has a {type(regularizer).__name__}: the task asks for the "
                    "built-in L1 and L2 penalties of keras.regularizers, whose strengths the checker reads.",
                )
            if found == (0.0, 0.0):
                return Feedback(
                    False,
                    f"{where.capitalize()} has a penalty of strength 0 (a class or string with its "
                    "default strengths?). Give the strengths explicitly.",
                )
            if (found[0] == 0) != (wanted[0] == 0) or (found[1] == 0) != (wanted[1] == 0):
                kinds = " and ".join(k for k, s in zip(("L1", "L2"), wanted, strict=True) if s)
                return Feedback(False, f"{where.capitalize()} should carry {kinds}, no more and no less.")
            if not _same(found, wanted):
                return Feedback(False, f"{where.capitalize()} has the right kind; check its strength(s).")
    if len(model.losses) != len(PER_LAYER_TARGET):
        return Feedback(
            False,
            f"model.losses holds {len(model.losses)} terms, not one per penalized weight: "
            "is every layer trainable?",
        )
    return Feedback(True, "Right: one penalty term per regularized weight, each its own kind.")


def _histories(histories: object, name: str = "histories") -> dict[float, list[keras.callbacks.History]]:
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError(f"{name} must be a non-empty dict of strength -> list of keras History objects")
    normal: dict[float, list[keras.callbacks.History]] = {}
    for strength, runs in histories.items():
        if not isinstance(runs, Sequence) or not runs:
            raise TypeError(f"{name}[{strength!r}] must be a non-empty list of keras History objects")
        for run in runs:
            if not isinstance(run, keras.callbacks.History):
                raise TypeError(f"{name}[{strength!r}] must hold keras History objects")
            for metric in ("val_loss", "val_data_loss", "data_loss"):
                if metric not in run.history:
                    raise TypeError(f"{name}[{strength!r}]: a run did not log {metric!r}")
        normal[float(number(strength))] = list(runs)
    return normal


def _pick(histories: Mapping[float, list[keras.callbacks.History]], metric: str, epoch: int) -> float | None:
    """Return the strength whose mean ``metric`` after ``epoch`` (from 1) is lowest; None if out of range."""
    means = {}
    for strength, runs in histories.items():
        values = [run.history[metric] for run in runs]
        if not all(1 <= epoch <= len(v) for v in values):
            return None
        means[strength] = float(np.mean([v[epoch - 1] for v in values]))
    return min(means, key=means.__getitem__)


def _matches(value: float, strength: float | None) -> bool:
    if strength is None:
        return False
    return close(value, strength) if strength != 0 else value == 0


def _same_run(run: keras.callbacks.History, other: keras.callbacks.History) -> bool:
    if run is other:
        return True
    mine, theirs = run.history["val_data_loss"], other.history.get("val_data_loss")
    return theirs is not None and len(mine) == len(theirs) and np.allclose(mine, theirs, rtol=0, atol=1e-7)


def check_budget_choice(
    answer: Mapping[str, Any] | None,
    histories: Mapping[float, Any] | None,
    *,
    page: Mapping[float, Any] | None = None,
) -> Feedback:
    """Chapter 06: the strengths that ``val_loss`` and the validation data loss pick after ``budget`` epochs.

    ``answer`` is ``{"budget": b, "val_loss": λ, "val_data_loss": λ}``: for a budget of ``b`` epochs
    (counted from 1), the strength whose mean over the seeds of each quantity after epoch ``b`` is
    lowest. ``histories`` maps each strength to the learner's own runs (one
    ``keras.callbacks.History`` per seed); the checker recomputes the picks from them. ``page``, the
    chapter's own sweep, whose picks are printed on the page: runs taken from it are refused.

    Raises:
        TypeError: for a ``histories`` or ``page`` that is not such a mapping, or an ``answer`` that is
            not a dict with exactly those keys and numbers as values.
    """
    if answer is None or histories is None:
        return NOT_ANSWERED
    runs = _histories(histories)
    if page is not None:
        shown = [run for seeds in _histories(page, "page").values() for run in seeds]
        if any(_same_run(run, other) for seeds in runs.values() for run in seeds for other in shown):
            return Feedback(
                False,
                "These are the chapter's runs, whose picks are printed above: train your own sweep "
                "(another width or other seeds) and pass its histories.",
            )
    if not isinstance(answer, Mapping) or set(answer) != BUDGET_KEYS:
        raise TypeError(f"answer must be a dict with the keys {sorted(BUDGET_KEYS)}")
    budget = answer["budget"]
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer):
        raise TypeError(f"answer['budget'] must be a whole number of epochs, got {type(budget).__name__}")
    budget = int(budget)
    length = min(len(run.history["val_data_loss"]) for seeds in runs.values() for run in seeds)
    if not 1 <= budget <= length:
        return Feedback(False, f"The runs have {length} epochs: choose a budget from 1 to {length}.")
    hints = []
    for metric in ("val_loss", "val_data_loss"):
        value = number(answer[metric])
        right = _pick(runs, metric, budget)
        if _matches(value, right):
            continue
        name = "val_loss" if metric == "val_loss" else "the validation data loss"
        if not any(_matches(value, strength) for strength in runs):
            hints.append(f"your {metric} pick is not one of the strengths of the runs")
        elif (
            metric == "val_data_loss"
            and _matches(value, _pick(runs, "val_loss", budget))
            and _matches(number(answer["val_loss"]), _pick(runs, "val_loss", budget))
        ):  # only when the val_loss pick is right: otherwise this hint would tell it
            hints.append("your val_data_loss pick is what val_loss picks, and val_loss holds the penalty")
        elif any(_matches(value, _pick(runs, metric, epoch)) for epoch in (budget - 1, budget + 1)):
            hints.append(
                f"your {metric} pick is right for a neighbouring epoch: the value after epoch b is at [b - 1]"
            )
        elif _matches(value, _pick(runs, "data_loss", budget)):
            hints.append(f"your {metric} pick is the training data loss's pick")
        else:
            hints.append(f"your {metric} pick is not where the mean over the seeds of {name} is lowest")
    if hints:
        return Feedback(False, "Not quite: " + "; ".join(hints) + ".")
    if _matches(number(answer["val_loss"]), number(answer["val_data_loss"])):
        return Feedback(True, "Right, and at this budget the two agree. Try a longer one too.")
    return Feedback(True, "Right: at this budget val_loss and the data loss pick different strengths.")
