"""Checkers of the chapter 01 exercises: overfitting, capacity and early stopping."""

from __future__ import annotations

import math

import keras
import numpy as np

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback


def _validation_data_loss(model: keras.Model, validation_data: tuple[object, object]) -> float:
    """Return the mean cross-entropy of ``model`` on the validation data, as data_loss gives it."""
    x_val, y_val = validation_data
    probabilities = model(np.asarray(x_val), training=False)
    losses = keras.losses.sparse_categorical_crossentropy(np.asarray(y_val), probabilities)
    return float(np.mean(keras.ops.convert_to_numpy(losses)))


def check_early_stopping(
    answer: keras.callbacks.EarlyStopping | None,
    model: keras.Model,
    history: keras.callbacks.History,
    validation_data: tuple[object, object],
) -> Feedback:
    """Chapter 01: an EarlyStopping that stops early and leaves the weights of the best epoch.

    ``answer`` is the learner's callback, ``model`` the model it trained and ``history`` what that
    ``fit`` returned; ``validation_data`` is ``(x_val, y_val)``. The run must have stopped before its
    last epoch, by watching the validation data loss (the penalty-free metric ``val_data_loss``),
    and the model must end with the weights of the epoch where that loss was lowest: the checker
    evaluates the model on the validation data and compares with the History.
    """
    if answer is None:
        return NOT_ANSWERED
    if not isinstance(answer, keras.callbacks.EarlyStopping):
        raise TypeError(f"answer must be a keras.callbacks.EarlyStopping, got {type(answer).__name__}")
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be the keras.Model you trained, got {type(model).__name__}")
    if not isinstance(history, keras.callbacks.History):
        raise TypeError(f"history must be the History that fit returned, got {type(history).__name__}")
    if not isinstance(validation_data, tuple) or len(validation_data) != 2:
        raise TypeError("validation_data must be the tuple (x_val, y_val)")
    logged = history.history
    if history.model is not model or "val_data_loss" not in logged or not logged["val_data_loss"]:
        return Feedback(
            False,
            "This History does not belong to this model's fit with validation data: train the model "
            "with your callback in fit(..., validation_data=..., callbacks=[...]) and pass both.",
        )
    if answer.monitor != "val_data_loss":
        if answer.monitor == "val_loss":
            hint = "val_loss includes any weight penalty; watch the penalty-free validation metric."
        elif not answer.monitor.startswith("val_"):
            hint = "it watches a training quantity, which keeps improving while the model overfits."
        else:
            hint = "it watches another quantity than the validation data loss."
        return Feedback(False, f"Look at monitor: {hint} Its name is a key of history.history.")
    if answer.mode == "max":
        return Feedback(False, "Look at mode: a loss is better when it is lower.")
    curve = np.asarray(logged["val_data_loss"], dtype=np.float64)
    planned = history.params.get("epochs") if isinstance(history.params, dict) else None
    if planned is not None and len(curve) >= planned:
        return Feedback(
            False,
            "Training ran all its epochs, so nothing was stopped early: with fewer epochs of "
            "patience the callback would stop soon after the best epoch.",
        )
    now = _validation_data_loss(model, validation_data)
    if math.isclose(now, float(curve.min()), rel_tol=1e-4, abs_tol=1e-6):
        if not answer.restore_best_weights:  # a coincidence: the last epoch was the best one
            return Feedback(False, "The model kept its last weights; which option keeps the best ones?")
        return Feedback(True, "Right: it stopped early and the model holds the weights of its best epoch.")
    if math.isclose(now, float(curve[-1]), rel_tol=1e-4, abs_tol=1e-6):
        return Feedback(
            False,
            "The model holds the weights of its LAST epoch, not of its best one: by default the "
            "callback only stops training. Look at its options.",
        )
    return Feedback(
        False,
        "The model's validation data loss matches neither its best nor its last epoch: was it "
        "trained further, or re-built, after this fit?",
    )
