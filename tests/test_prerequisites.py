"""tools/prerequisites.py and `make prerequisites`: what make test needs from the machine, checked first.

Where Chromium (or Node.js, npm) is missing, make test either installs it (as root, with apt-get) or stops
within seconds with one line that says what to install and how, before any long check has started.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
ABSENT = "/nonexistent/chromium"


def load_tool() -> ModuleType:
    """Import tools/prerequisites.py (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("prerequisites_tool", ROOT / "tools" / "prerequisites.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def make(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run make in the checkout; kill its whole process group if it runs past `timeout` seconds."""
    start = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so that a runaway run can be stopped whole
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"make {' '.join(args)} ran for more than {timeout} s")
    elapsed = time.monotonic() - start
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), elapsed


def tool_lines(stderr: str) -> list[str]:
    """The lines the tool printed, without make's own error line."""
    return [line for line in stderr.splitlines() if line and not line.startswith(("make: ", "make["))]


def fake_executable(path: Path, script: str = "exit 0") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return path


def test_make_prerequisites_stops_in_seconds_with_one_line_when_chromium_is_absent():
    result, elapsed = make("prerequisites", f"CHROMIUM={ABSENT}")
    assert result.returncode != 0
    assert elapsed < 20
    lines = tool_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"make test needs Chromium ({ABSENT})")
    assert "set CHROMIUM= to its path" in lines[0]


def test_make_test_stops_before_any_check_when_chromium_is_absent():
    result, elapsed = make("test", f"CHROMIUM={ABSENT}")
    assert result.returncode != 0
    assert elapsed < 30
    assert f"make test needs Chromium ({ABSENT})" in result.stderr
    for later in ("ruff", "pytest", "jupyter-book", "pip install"):  # nothing of lint, unit, nbval, book
        assert later not in result.stdout + result.stderr


def test_make_prerequisites_stops_when_npm_is_absent():
    result, elapsed = make("prerequisites", f"CHROMIUM={sys.executable}", "NPM=no-such-npm")
    assert result.returncode != 0
    assert elapsed < 20
    assert tool_lines(result.stderr) == [
        "make test needs npm (no-such-npm), which this machine lacks: install npm, or set NPM= to its path."
    ]


def test_everything_present_passes_and_says_so(capsys):
    assert TOOL.main(["--chromium", sys.executable, "--node", sys.executable, "--npm", sys.executable]) == 0
    assert capsys.readouterr().out.strip().endswith(": found")


def chromium_at(path: Path) -> TOOL.Requirement:
    """A Chromium requirement for a test path, installable with apt-get as Debian's package is."""
    return TOOL.Requirement(f"Chromium ({path})", lambda: TOOL.executable(str(path)), "chromium", "unused")


def test_debians_chromium_missing_and_no_root_gives_the_apt_get_line(tmp_path):
    line = TOOL.ensure([chromium_at(tmp_path / "chromium")], "apt-get", may_install=False)
    assert line == (
        f"make test needs Chromium ({tmp_path / 'chromium'}), which this machine lacks: install with "
        "`sudo apt-get install chromium` (Debian; run as root, make test does this itself)."
    )


def test_as_root_it_installs_what_is_missing_with_apt_get(tmp_path, monkeypatch):
    chromium, calls = tmp_path / "bin" / "chromium", tmp_path / "calls"
    # A stand-in for apt-get: records each call; `install` puts a Chromium in place, as the package does.
    apt_get = fake_executable(
        tmp_path / "apt-get",
        f'echo "$DEBIAN_FRONTEND $*" >> {calls}\n'
        f'if [ "$1" = install ]; then printf "#!/bin/sh\\n" > {chromium}; chmod +x {chromium}; fi',
    )
    chromium.parent.mkdir()
    assert TOOL.ensure([chromium_at(chromium)], str(apt_get), may_install=True) is None
    assert calls.read_text().splitlines() == [
        "noninteractive update -qq",
        "noninteractive install -y -qq chromium",
    ]
    assert TOOL.executable(str(chromium))


def test_a_failing_apt_get_gives_the_line_and_says_it_failed(tmp_path):
    apt_get = fake_executable(tmp_path / "apt-get", "exit 100")
    line = TOOL.ensure([chromium_at(tmp_path / "chromium")], str(apt_get), may_install=True)
    assert line is not None
    assert "`apt-get install chromium` failed" in line
    assert "\n" not in line


def test_only_missing_packages_are_installed_once(tmp_path):
    calls = tmp_path / "calls"
    apt_get = fake_executable(tmp_path / "apt-get", f'echo "$*" >> {calls}')
    present = TOOL.Requirement("npm", lambda: True, "npm", "unused")
    node = TOOL.Requirement("Node.js", lambda: False, "nodejs", "unused")
    line = TOOL.ensure([present, node], str(apt_get), may_install=True)  # the stand-in installs nothing
    assert calls.read_text().splitlines() == ["update -qq", "install -y -qq nodejs"]
    assert line is not None and line.startswith("make test needs Node.js, which this machine lacks")


def test_a_custom_chromium_path_is_never_installed_with_apt_get(tmp_path):
    custom = str(tmp_path / "chromium")
    by_path = {need.what: need for need in TOOL.requirements(custom, "node", "npm")}
    assert by_path[f"Chromium ({custom})"].package is None
    debian = {need.what: need for need in TOOL.requirements(TOOL.DEBIAN_CHROMIUM, "node", "npm")}
    assert debian[f"Chromium ({TOOL.DEBIAN_CHROMIUM})"].package == "chromium"
    assert debian["Node.js (node)"].package == "nodejs"
    assert debian["npm (npm)"].package == "npm"


def test_without_apt_get_nothing_can_be_installed(tmp_path):
    assert TOOL.can_install(str(tmp_path / "no-apt-get")) is False


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: TOOL.executable(""), "empty"),
        (lambda: TOOL.requirements("", "node", "npm"), "empty"),
        (lambda: TOOL.install([]), "no package"),
        (lambda: TOOL.advice([]), "nothing is missing"),
    ],
)
def test_bad_input_is_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
