"""Run every notebook with `nbval --nbval-lax`, and if asked the unit tests, in this Python; report.

    .oldest-venv/bin/python tools/upstream.py --label oldest NOTEBOOK...
    .canary-venv/bin/python tools/upstream.py --label canary --unit-tests NOTEBOOK...

`make oldest` and `make canary` run this with the Python of their own environment: the lowest versions
pyproject.toml allows (requirements-oldest.txt), or the newest releases (requirements-canary.txt). The
notebooks must run without error there; their numbers may differ from the stored ones, so outputs are not
compared. It prints a short report, the versions and then PASS or FAIL for each notebook (and for the
unit tests), writes it to _build/upstream/LABEL/report.txt beside each run's full output, and exits 1 if
anything failed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The libraries the lessons' numbers depend on, each with the distributions that may provide it.
LIBRARIES = {
    "tensorflow": ("tensorflow", "tensorflow-cpu"),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "scikit-learn": ("scikit-learn",),
    "matplotlib": ("matplotlib",),
}
PYTEST = (sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--color=no")
NOTEBOOK_TIMEOUT = 1800  # seconds for one notebook; a lesson takes well under a minute
# pytest's closing line, with or without its rule of "=": "3 passed, 1 failed in 12.0s".
SUMMARY = re.compile(r"^(?:=+ )?(\d+ (?:passed|failed|errors?|skipped|deselected).*?) in [\d.]+s\b.*$", re.M)


@dataclass(frozen=True)
class Outcome:
    """The result of one pytest run: what ran, whether it passed, a few words of detail, its log."""

    name: str
    passed: bool
    detail: str
    log: Path


def installed_versions() -> dict[str, str]:
    """Return the installed version of each library in LIBRARIES (with its distribution if it differs)."""
    found = {}
    for library, distributions in LIBRARIES.items():
        versions = []
        for distribution in distributions:
            try:
                version = importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                continue
            versions.append(version if distribution == library else f"{version} ({distribution})")
        found[library] = ", ".join(versions) or "not installed"
    return found


def summarize(output: str, returncode: int) -> str:
    """A few words on a pytest run: its closing counts, and the first failing cell or test if any."""
    counts = SUMMARY.findall(output)
    detail = counts[-1] if counts else f"pytest exited with status {returncode}"
    failed = re.search(r"^(?:FAILED|ERROR) \S+?::(.+?)(?: - .*)?$", output, re.M)
    return f"{detail}; first failure: {failed.group(1)}" if failed and returncode else detail


def run(name: str, command: Sequence[str], log: Path, timeout: int) -> Outcome:
    """Run one pytest command from the repository's root, keep its output in `log`; return the outcome."""
    start = time.monotonic()
    try:
        result = subprocess.run(
            list(command), cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
        output, returncode = result.stdout + result.stderr, result.returncode
    except subprocess.TimeoutExpired as error:
        output, returncode = f"{error}\n", -1
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(output)
    seconds = time.monotonic() - start
    return Outcome(name, returncode == 0, f"{summarize(output, returncode)}, {seconds:.0f} s", log)


def report(label: str, versions: dict[str, str], outcomes: Sequence[Outcome]) -> str:
    """The report: the versions, then PASS or FAIL for each run, then the counts."""
    width = max(len(outcome.name) for outcome in outcomes) if outcomes else 0
    failed = [outcome for outcome in outcomes if not outcome.passed]
    lines = [f"make {label}: Python {platform.python_version()}"]
    lines += [f"  {library:<13} {version}" for library, version in versions.items()]
    for outcome in outcomes:
        verdict = "PASS" if outcome.passed else "FAIL"
        where = "" if outcome.passed else f"  (log: {outcome.log.relative_to(ROOT)})"
        lines.append(f"{verdict}  {outcome.name:<{width}}  {outcome.detail}{where}")
    lines.append(f"{label}: {len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the notebooks (and the unit tests if asked), print and keep the report. Returns the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", required=True, help="the run's name in the report and the log folder")
    parser.add_argument(
        "--unit-tests", action="store_true", help="also run the unit tests (but those marked pinned)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at the same time (2)")
    parser.add_argument("notebooks", nargs="+", type=Path, help="the notebooks to run")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", args.label):
        parser.error(f"--label must be a plain name, got {args.label!r}")
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    absent = [str(path) for path in args.notebooks if not (ROOT / path).is_file()]
    if absent:
        parser.error(f"no such notebook: {', '.join(absent)}")

    logs = ROOT / "_build" / "upstream" / args.label
    shutil.rmtree(logs, ignore_errors=True)  # no log of an earlier run is left to mislead
    logs.mkdir(parents=True)

    def run_notebook(path: Path) -> Outcome:
        command = [*PYTEST, "--nbval-lax", "--nbval-current-env", str(path)]
        return run(str(path), command, logs / f"{path.stem}.log", NOTEBOOK_TIMEOUT)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(run_notebook, args.notebooks))
    if args.unit_tests:
        # Not the tests marked `pinned`: they check that the environment is the pinned one, which a
        # canary's newest releases are not meant to be.
        command = [*PYTEST, "tests", "--ignore=tests/site", "-q", "-m", "not pinned"]
        outcomes.append(run("unit tests", command, logs / "unit-tests.log", 3 * NOTEBOOK_TIMEOUT))

    text = report(args.label, installed_versions(), outcomes)
    (logs / "report.txt").write_text(text)
    print(text, end="")
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
