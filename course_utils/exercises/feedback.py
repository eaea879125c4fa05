"""What every exercise checker shares: the verdict it returns and the tests it uses (chapter 01)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict of a checker: whether the answer is right, and a message (chapter 01)."""

    correct: bool
    message: str

    def __repr__(self) -> str:
        return f"{'✓' if self.correct else '✗'} {self.message}"

    __str__ = __repr__


NOT_ANSWERED = Feedback(False, "Not answered yet: replace None with your answer and run the cell again.")


def number(answer: object) -> float:
    """Return ``answer`` as a float, or raise a TypeError naming ``answer``."""
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.integer | np.floating):
        raise TypeError(f"answer must be a number, got {type(answer).__name__}")
    return float(answer)


def close(answer: float, expected: float, rtol: float = 1e-3) -> bool:
    """Tell whether ``answer`` equals ``expected`` up to a relative tolerance."""
    return math.isclose(answer, expected, rel_tol=rtol, abs_tol=1e-9)
