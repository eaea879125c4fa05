"""Shared set-up of the unit tests.

``course_utils`` is imported here, before any test module, so that it prepares TensorFlow
(quiet logging, fixed thread counts, deterministic ops) before TensorFlow is first used.
"""

import functools
import inspect
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

os.environ.setdefault("MPLBACKEND", "Agg")  # no display needed; must precede the first pyplot import

import matplotlib.pyplot as plt
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

import course_utils  # noqa: F401  (prepares TensorFlow before any test module uses it)
from course_utils import exercises
from course_utils.exercises import NOT_ANSWERED, Feedback

# Hypothesis keeps caches in a .hypothesis folder of the cwd; the tests write nothing in the repository.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course_utils-tests-hypothesis")
# No example database (failing examples are printed, and reproduced by the seed Hypothesis shows).
# No deadline: the first call into TensorFlow is slow, and timing is not what the tests check.
settings.register_profile("course_utils", database=None, deadline=None, max_examples=60)
settings.load_profile("course_utils")


@pytest.fixture
def close_figures():
    """Close every figure a test opened, even when the test fails."""
    yield
    plt.close("all")


# --- every checker is tested on a right and on a wrong answer ---------------------------------------
# Each chapter's check_* functions are wrapped here, before any test module imports them, to record
# the verdicts they give during the run. When the run included every test of the
# test_exercises_chNN.py files and passed, it fails after all if some checker never said ✓ or never
# said ✗: a checker that no test calls, or that is only ever called with right (or wrong) answers.
VERDICTS: dict[str, set[bool]] = {}
EXERCISE_TESTS = re.compile(r"test_exercises_ch\d\d\.py$")
DESELECTED: list[str] = []  # exercise tests left out of this run (-k, -m)


def _recording(name: str, checker: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(checker)
    def check(*args: object, **kwargs: object) -> object:
        verdict = checker(*args, **kwargs)
        if isinstance(verdict, Feedback) and verdict is not NOT_ANSWERED:
            VERDICTS.setdefault(name, set()).add(verdict.correct)
        return verdict

    return check


def _checkers() -> dict[str, tuple[ModuleType, str]]:
    found = {}
    for chapter in (name for name in exercises.__all__ if re.fullmatch(r"ch\d\d", name)):
        module = getattr(exercises, chapter)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and function.__module__ == module.__name__:
                found[f"{chapter}.{name}"] = (module, name)
    return found


CHECKERS = _checkers()
for _qualified, (_module, _name) in CHECKERS.items():
    setattr(_module, _name, _recording(_qualified, getattr(_module, _name)))


def pytest_deselected(items: list[pytest.Item]) -> None:
    if any(EXERCISE_TESTS.search(str(item.path)) for item in items):
        DESELECTED.append("exercise tests")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ran = {item.path.name for item in getattr(session, "items", [])}
    chapters = {qualified.split(".")[0] for qualified in CHECKERS}
    every_file = all(f"test_exercises_{chapter}.py" in ran for chapter in chapters)
    if exitstatus != 0 or not every_file or DESELECTED:
        return
    untested = sorted(name for name in CHECKERS if VERDICTS.get(name) != {True, False})
    if untested:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(
                "These checkers were not seen to accept a right answer and reject a wrong one: "
                + ", ".join(f"{name} ({sorted(VERDICTS.get(name, set()))})" for name in untested),
                red=True,
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
