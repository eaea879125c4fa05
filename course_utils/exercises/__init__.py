"""Exercise checkers, one module per chapter: each answers ✓, or gives a hint, never the answer (chapter 01).

A checker returns a :class:`Feedback`, which Jupyter shows as one line. ``None`` stands for
"not answered yet" and gets a reminder instead of an error; an answer of the wrong type raises a
``TypeError`` naming ``answer``. In a notebook::

    from course_utils import exercises
    exercises.ch01.check_width_budget(runs, lowest, best_epoch_32, page=page_runs)
"""

from course_utils.exercises import ch01, ch02, ch03, ch04, ch05, ch06, ch07
from course_utils.exercises.feedback import NOT_ANSWERED, Feedback

__all__ = ["NOT_ANSWERED", "Feedback", "ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07"]
