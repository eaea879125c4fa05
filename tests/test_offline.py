"""tools/offline.py: strict nbval runs in a network namespace of its own, so a cell that downloads fails.

Where the platform allows no namespace, the command still runs (with the network) after one line that
says so. The tests that need a namespace are skipped where there is none; the others run everywhere.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL_PATH = ROOT / "tools" / "offline.py"


def load_tool() -> ModuleType:
    """Import tools/offline.py (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("offline_tool", TOOL_PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()
NAMESPACES = TOOL.namespace_problem() is None
needs_namespace = pytest.mark.skipif(not NAMESPACES, reason="this machine allows no network namespace")

# What a cell sees of the network: interfaces up, loopback usable, a host name resolvable.
PROBE = """
import json, socket
from importlib.util import spec_from_file_location, module_from_spec
spec = spec_from_file_location("offline_tool", {tool!r})
tool = module_from_spec(spec)
spec.loader.exec_module(tool)
server = socket.create_server(("127.0.0.1", 0))
with socket.create_connection(server.getsockname(), timeout=5):
    loopback = True
try:
    socket.getaddrinfo("pypi.org", 443)
    resolved = True
except OSError:
    resolved = False
print(json.dumps({{"up": tool.interfaces_up(), "loopback": loopback, "resolved": resolved}}))
"""


def offline(*command: str, unshare: str = "unshare") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL_PATH), "--unshare", unshare, "--", *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_namespace
def test_inside_only_loopback_is_up_and_no_host_name_resolves():
    result = offline(sys.executable, "-c", PROBE.format(tool=str(TOOL_PATH)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    seen = json.loads(result.stdout)
    assert seen == {"up": ["lo"], "loopback": True, "resolved": False}


@needs_namespace
def test_the_exit_status_is_the_commands():
    assert offline(sys.executable, "-c", "raise SystemExit(3)").returncode == 3


@needs_namespace
def test_nbval_in_the_namespace_fails_the_cell_that_downloads_and_passes_the_others(tmp_path):
    notebook = nbformat.v4.new_notebook()
    download = (
        "import urllib.request\nprint(urllib.request.urlopen('https://pypi.org/simple/', timeout=10).status)"
    )
    cells = [("print(1 + 1)", "2\n"), (download, "200\n"), ("print('after')", "after\n")]
    for count, (source, printed) in enumerate(cells, start=1):  # stored as a run with the network gives
        cell = nbformat.v4.new_code_cell(source, execution_count=count)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
        notebook.cells.append(cell)
    nbformat.write(notebook, tmp_path / "downloads.ipynb")

    pytest_run = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env"]
    result = subprocess.run(
        [sys.executable, str(TOOL_PATH), "--", *pytest_run, "-rf", "downloads.ipynb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "2 passed" in result.stdout and "1 failed" in result.stdout, result.stdout
    assert "FAILED downloads.ipynb::Cell 1" in result.stdout
    assert "URLError" in result.stdout


def test_without_a_namespace_it_says_so_in_one_line_and_runs_the_command():
    result = offline(
        sys.executable, "-c", "print('ran'); raise SystemExit(4)", unshare="/nonexistent/unshare"
    )
    assert result.returncode == 4
    assert result.stdout == "ran\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("offline: no network namespace on this machine (/nonexistent/unshare is not")
    assert lines[0].endswith("with the network")


def test_check_reports_a_missing_namespace_in_one_line():
    result = subprocess.run(
        [sys.executable, str(TOOL_PATH), "--check", "--unshare", "/nonexistent/unshare"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.splitlines() == [
        "offline: no network namespace on this machine (/nonexistent/unshare is not installed), "
        "so the notebooks will run with the network"
    ]


def test_the_namespace_command_runs_this_tool_inside_unshare():
    command = TOOL.namespace_command(["pytest", "-x"], "unshare")
    assert command[:3] == ["unshare", "--map-root-user", "--net"]
    assert command[-4:] == ["--inside", "--", "pytest", "-x"]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: TOOL.namespace_command([]), ValueError, "no command"),
        (lambda: TOOL.enter([]), ValueError, "no command"),
        (lambda: TOOL.interface_flags(""), ValueError, "not an interface name"),
        (lambda: TOOL.interface_flags("x" * 16), ValueError, "not an interface name"),
        (lambda: TOOL.interface_flags("nosuchif0"), OSError, "No such device"),
    ],
)
def test_bad_input_is_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()
