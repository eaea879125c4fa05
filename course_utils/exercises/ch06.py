"""Checkers of the chapter 06 exercises: the special facts."""

from __future__ import annotations

from collections.abc import Collection

from course_utils.exercises.feedback import NOT_ANSWERED, Feedback, close, number
from course_utils.training import Sweep

#: The quantities of the "where is the penalty?" exercise, and those among them that contain it.
QUANTITIES = frozenset({"loss", "val_loss", "evaluate", "predict"})
_WITH_PENALTY = frozenset({"loss", "val_loss", "evaluate"})


def _matches(value: float, strength: float) -> bool:
    return close(value, strength) if strength != 0 else value == 0


def check_best_strength(answer: float | None, result: Sweep) -> Feedback:
    """Chapter 06: the strength of ``result`` whose validation data loss after the last epoch is lowest.

    The right strength is ``result.best_strength("val_data_loss")``: with several seeds, the lowest
    mean over the seeds.

    Raises:
        TypeError: if ``result`` is not a Sweep, or ``answer`` is not a number.
    """
    if not isinstance(result, Sweep):
        raise TypeError(f"result must be a Sweep, got {type(result).__name__}")
    if answer is None:
        return NOT_ANSWERED
    value = number(answer)
    best = result.best_strength("val_data_loss")
    if _matches(value, best):
        return Feedback(True, "Right: this λ fits the validation data best, penalty or not.")
    if not any(_matches(value, strength) for strength in result.strengths):
        return Feedback(False, "Your value is not one of the strengths the sweep tried: see sweep.strengths.")
    if _matches(value, result.best_strength("val_loss")):
        return Feedback(
            False,
            "That λ has the lowest val_loss, which includes the penalty and so favours small λ. "
            "Compare the data loss.",
        )
    if _matches(value, result.best_strength("data_loss")):
        return Feedback(
            False, "That λ has the lowest *training* data loss. Look at the validation data loss."
        )
    if _matches(value, result.best_strength("val_data_loss", at="best")):
        return Feedback(
            False,
            "That λ is best at each run's best epoch (at='best'). The question asks after the last epoch.",
        )
    return Feedback(
        False, "Not quite. Use sweep.values('val_data_loss') and find the row where it is lowest."
    )


def check_penalty_in(answer: Collection[str] | None) -> Feedback:
    """Chapter 06: which of ``"loss"``, ``"val_loss"``, ``"evaluate"``, ``"predict"`` contain the penalty.

    ``answer`` is a set (or list, or tuple) of those names; case and surrounding spaces do not matter.

    Raises:
        TypeError: if ``answer`` is a string, or not a set, list or tuple of strings.
    """
    if answer is None:
        return NOT_ANSWERED
    if not isinstance(answer, set | frozenset | list | tuple):
        raise TypeError(f"answer must be a set of names such as {{'loss'}}, got {type(answer).__name__}")
    if not all(isinstance(name, str) for name in answer):
        raise TypeError("answer must hold names (strings) only")
    chosen = {name.strip().lower() for name in answer}
    if chosen - QUANTITIES:
        return Feedback(False, "One of your names is not among the four of the exercise: check the spelling.")
    if chosen == _WITH_PENALTY:
        return Feedback(True, "Right: every loss Keras reports has the penalty in it; predictions never do.")
    extra = len(chosen - _WITH_PENALTY)
    missing = len(_WITH_PENALTY - chosen)
    parts = []
    if extra:
        parts.append(f"{extra} of your choices {'has' if extra == 1 else 'have'} no penalty in it")
    if missing:
        verbs = "contains it is" if missing == 1 else "contain it are"
        parts.append(f"{missing} that {verbs} missing")
    return Feedback(False, f"Not quite: {' and '.join(parts)}. Rerun the cells of fact 1 if in doubt.")
