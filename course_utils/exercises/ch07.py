"""Checkers of the chapter 07 exercises: dropout."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number

#: The rate of the layer in the scaling exercise.
SCALE_RATE = 0.2
#: The paper's keep probability in the rate exercise.
PAPER_KEEP = 0.8
#: The fewest seeds the rate experiment must train.
MIN_SEEDS = 3


def check_survivor_scale(answer: float | None) -> Feedback:
    """Chapter 07: the factor by which ``keras.layers.Dropout(0.2)`` scales the units it keeps in training."""
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    if close(value, 1 / (1 - SCALE_RATE)):
        return Feedback(True, "Right: the kept units are scaled up so that the expected sum stays the same.")
    if close(value, 1 - SCALE_RATE):
        return Feedback(False, "That is the fraction of units kept. Does a kept unit get smaller, or larger?")
    if close(value, SCALE_RATE):
        return Feedback(
            False, "That is the rate, the fraction dropped. Kept units are scaled, not set to it."
        )
    if close(value, 1 / SCALE_RATE):
        return Feedback(False, "That divides by the fraction dropped. Divide by the fraction kept instead.")
    if close(value, 2.0):
        return Feedback(False, "That is the factor of Dropout(0.5). Here the layer drops fewer units.")
    if close(value, 1.0):
        return Feedback(
            False, "In training Keras does scale the kept units; only at inference is the layer a no-op."
        )
    if close(value, 1 + SCALE_RATE):
        return Feedback(
            False, "Close, but 1 + rate is only an approximation. What keeps the expected sum equal?"
        )
    if not value > 0:
        return Feedback(False, "A kept unit keeps its sign: the factor is a positive number.")
    return Feedback(
        False,
        "Not quite. Call keras.layers.Dropout(0.2) on a batch of ones with training=True "
        "and look at the values that are not 0.",
    )


def _histories(runs: object, name: str) -> list[keras.callbacks.History]:
    """Return ``runs`` as a list of Histories of trained models with validation data, or raise."""
    if isinstance(runs, keras.callbacks.History) or not isinstance(runs, Sequence) or isinstance(runs, str):
        raise TypeError(f"{name} must be a list of the History objects that fit returned, one per seed")
    histories = list(runs)
    if not histories:
        raise ValueError(f"{name} must hold at least one History")
    for index, history in enumerate(histories):
        if not isinstance(history, keras.callbacks.History):
            raise TypeError(f"{name}[{index}] must be a keras History, got {type(history).__name__}")
        if not isinstance(getattr(history, "model", None), keras.Model):
            raise ValueError(f"{name}[{index}] has no model: pass the History that fit returned")
    return histories


def _dropout_rates(history: keras.callbacks.History) -> list[float]:
    return [float(layer.rate) for layer in history.model.layers if isinstance(layer, keras.layers.Dropout)]


def _best(histories: Sequence[keras.callbacks.History], metric: str) -> float:
    """Return the mean over the runs of each run's lowest ``metric``."""
    return float(np.mean([np.min(history.history[metric]) for history in histories]))


def check_paper_rate(
    pasted: Sequence[keras.callbacks.History] | None,
    rate: float | None,
    reference: Sequence[keras.callbacks.History],
) -> Feedback:
    """Chapter 07: train with a paper's keep probability pasted into ``rate``, then give the right rate.

    ``pasted`` holds the Histories of the learner's models, every ``Dropout`` layer built with
    ``rate=0.8`` (the paper's p as it is), over at least three seeds and trained for as many epochs
    as the ``reference`` runs (the chapter's ``Dropout(0.5)`` models). ``rate`` is the learner's
    Keras rate that keeps each unit with probability 0.8. The checker reads the rates off the models
    and compares the best validation losses (measured in inference mode, unlike the training loss
    that fit logs with dropout active) with the reference; it never states the right rate
    unless the answer is right.

    Raises:
        TypeError/ValueError: naming the argument, for anything that is not a list of Histories of
            trained models, or a ``rate`` that is not a number.
    """
    if pasted is None or rate is None:
        return NOT_ANSWERED
    histories = _histories(pasted, "pasted")
    references = _histories(reference, "reference")
    value = number(rate)
    if len(histories) < MIN_SEEDS:
        return Feedback(False, f"Train at least {MIN_SEEDS} seeds, so that the comparison shows its spread.")
    rates = [_dropout_rates(history) for history in histories]
    if not all(rates):
        return Feedback(False, "These models have no Dropout layers: build them with make_model.")
    every = [r for model_rates in rates for r in model_rates]
    if not all(close(r, PAPER_KEEP) for r in every):
        if all(close(r, 1 - PAPER_KEEP) for r in every):
            return Feedback(
                False,
                "These models already drop what the paper drops. The experiment first pastes the "
                "paper's number into rate as it is, to see what goes wrong.",
            )
        return Feedback(False, "Paste the paper's number itself into rate, for every Dropout layer.")
    for index, history in enumerate([*histories, *references]):
        if "val_data_loss" not in history.history or "data_loss" not in history.history:
            where = f"pasted[{index}]" if index < len(histories) else f"reference[{index - len(histories)}]"
            return Feedback(False, f"{where} was not trained with validation data and the data_loss metric.")
    budget = {len(history.history["data_loss"]) for history in references}
    if {len(history.history["data_loss"]) for history in histories} != budget:
        return Feedback(False, "Train for as many epochs as the reference runs, so that the budgets match.")
    # Judged in inference mode: the loss fit logs is that of thinned networks, high by construction.
    pasted_loss, reference_loss = _best(histories, "val_data_loss"), _best(references, "val_data_loss")
    if not pasted_loss > reference_loss:
        return Feedback(
            False,
            "Your runs reach as low a validation loss as the reference: were they trained on the "
            "training split, with rate=0.8, for the same budget?",
        )
    if close(value, 1 - PAPER_KEEP):
        return Feedback(
            True,
            f"Right: rate = 1 - p. Pasted, 0.8 gave a best val loss of {pasted_loss:.3f}, "
            f"not {reference_loss:.3f}.",
        )
    if close(value, PAPER_KEEP):
        return Feedback(False, "That is the number you pasted, the one whose runs you just watched underfit.")
    if close(value, 1 / PAPER_KEEP):
        return Feedback(False, "That is the factor the kept units are scaled by in training, not the rate.")
    if close(value, 1.0):
        return Feedback(False, "A rate of 1 drops every unit: nothing would reach the next layer.")
    if not 0 <= value < 1:
        return Feedback(False, "The rate is a probability of dropping a unit, so it lies between 0 and 1.")
    return Feedback(False, "Not quite. Each unit is either kept or dropped: how likely is it to be dropped?")
