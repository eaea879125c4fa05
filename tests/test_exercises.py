"""Tests of course_utils.exercises shared by every chapter: the Feedback, and that each checker is tested.

Each chapter's checkers are tested in tests/test_exercises_chNN.py, on right answers, wrong answers
(with hints that never give the answer away), ``None`` and answers of the wrong type.
"""

import inspect
import re
from pathlib import Path

import pytest

from course_utils import exercises
from course_utils.exercises import NOT_ANSWERED, Feedback


def all_checkers():
    """Every public check_* function of the chapter modules, as 'chNN.check_name'."""
    chapters = [name for name in exercises.__all__ if re.fullmatch(r"ch\d\d", name)]
    return {
        f"{chapter}.{name}"
        for chapter in chapters
        for name, function in inspect.getmembers(getattr(exercises, chapter), inspect.isfunction)
        if name.startswith("check_") and function.__module__ == getattr(exercises, chapter).__name__
    }


def test_every_checker_is_tested():
    """A checker is tested in a test module of its own that calls it."""
    others = " ".join(path.read_text() for path in Path(__file__).parent.glob("test_exercises_ch*.py"))
    untested = {name for name in all_checkers() if not re.search(rf"\b{name.split('.')[1]}\(", others)}
    assert not untested, f"these checkers have no tests: {sorted(untested)}"


# --- the Feedback itself --------------------------------------------------------------------------


def test_feedback_shows_as_one_marked_line():
    assert repr(Feedback(True, "Right.")) == "✓ Right."
    assert str(Feedback(False, "Not quite.")) == "✗ Not quite."
    assert "\n" not in repr(NOT_ANSWERED)


def test_feedback_is_immutable():
    with pytest.raises(AttributeError):
        NOT_ANSWERED.correct = True
