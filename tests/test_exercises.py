"""Tests of course_utils.exercises shared by every chapter: the Feedback.

Each chapter's checkers are tested in tests/test_exercises_chNN.py, on right answers, wrong answers
(with hints that never give the answer away), ``None`` and answers of the wrong type. That each
checker is seen to say both ✓ and ✗ in those tests is checked by tests/conftest.py, which records
every verdict and fails a full run in which some checker never gave one of the two.
"""

import pytest

from course_utils.exercises import NOT_ANSWERED, Feedback

# --- the Feedback itself --------------------------------------------------------------------------


def test_feedback_shows_as_one_marked_line():
    assert repr(Feedback(True, "Right.")) == "✓ Right."
    assert str(Feedback(False, "Not quite.")) == "✗ Not quite."
    assert "\n" not in repr(NOT_ANSWERED)


def test_feedback_is_immutable():
    with pytest.raises(AttributeError):
        NOT_ANSWERED.correct = True
