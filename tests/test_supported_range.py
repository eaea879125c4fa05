"""The supported range is a tested fact: pyproject.toml's lower bounds are exactly what `make oldest` runs.

`make oldest` installs requirements-oldest.txt; `make canary` installs the newest releases of the names
in requirements-canary.txt. Neither is part of `make test`, and a weekly workflow runs both.
"""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# pyproject.toml names TensorFlow as `tensorflow` (so that Colab's TensorFlow counts); the pin files,
# like requirements.txt, install its CPU build.
PINNED_AS = {"tensorflow": "tensorflow-cpu"}
LIBRARIES = {"tensorflow", "keras", "numpy", "scikit-learn", "matplotlib"}


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    lines = (raw.split("#", 1)[0].strip() for raw in (ROOT / path).read_text().splitlines())
    return [line for line in lines if line]


def pins(path):
    found = {}
    for line in requirement_lines(path):
        name, version = line.split("==")
        found[canonical(name)] = version
    return found


def lower_bounds():
    bounds = {}
    for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9._-]+)>=([0-9][0-9.]*)", requirement)
        assert match, f"{requirement!r}: each dependency has exactly one bound, a lower one (>=X.Y.Z)"
        bounds[canonical(match.group(1))] = match.group(2)
    return bounds


def test_pyproject_bounds_the_libraries_of_the_lessons_from_below():
    assert set(lower_bounds()) == LIBRARIES


def test_the_oldest_pins_are_exactly_pyprojects_lower_bounds():
    oldest = pins("requirements-oldest.txt")
    assert {name: oldest[PINNED_AS.get(name, name)] for name in lower_bounds()} == lower_bounds()


def test_each_lower_bound_names_a_full_release():
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in lower_bounds().values())


def test_the_oldest_environment_runs_the_notebooks_with_the_courses_own_tools():
    oldest, course = pins("requirements-oldest.txt"), pins("requirements.txt")
    tools = set(oldest) - {PINNED_AS.get(name, name) for name in LIBRARIES}
    assert tools == {"ipykernel", "nbval", "pytest"}
    assert {name: oldest[name] for name in tools} == {name: course[name] for name in tools}


def test_the_canary_asks_for_names_only_and_covers_every_library_and_runtime_package():
    lines = requirement_lines("requirements-canary.txt")
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", line) for line in lines), "no pins, no options"
    names = {canonical(line) for line in lines}
    assert {PINNED_AS.get(name, name) for name in LIBRARIES} <= names
    binder = {
        canonical(line) for line in requirement_lines("binder/requirements.txt") if not line.startswith("-")
    }
    assert binder - {"jupyterlab"} <= names  # JupyterLab is for reading, nothing runs it
    assert {"nbval", "pytest", "hypothesis"} <= names  # the notebooks' and the unit tests' runners


def make_rule(target):
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{target}:(.*)$", makefile, re.M)
    assert match, f"no rule for {target} in the Makefile"
    return match.group(1).split()


def test_neither_oldest_nor_canary_is_part_of_make_test():
    assert "oldest" not in make_rule("test") and "canary" not in make_rule("test")
    assert make_rule("test")[0] == "prerequisites"  # the cheap machine checks come first


def test_the_weekly_workflow_runs_both_and_deploys_nothing():
    text = (ROOT / ".github" / "workflows" / "canary.yml").read_text()
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"].split()[4] != "*", "weekly: one day of the week"
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "make canary" in runs and "make oldest" in runs
    assert workflow["permissions"] == {"contents": "read"}
    assert not any("pages" in step.get("uses", "") or "deploy" in step.get("uses", "") for step in steps)
