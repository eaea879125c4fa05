"""Check, in seconds, that this machine has what `make test` needs beyond PyPI; install it where it can.

    python3 tools/prerequisites.py [--chromium PATH] [--node NAME] [--npm NAME] [--apt-get NAME]

`make test` runs this first, so that a missing tool stops it at once instead of after 25 minutes of
checks. Besides the Python packages that `make` installs from PyPI, the checks need:

- Python 3.11 that can create virtual environments (on Debian, the package `python3-venv`);
- Debian's Chromium, which the browser test drives (`/usr/bin/chromium`, or the path in CHROMIUM);
- Node.js with npm, which installs axe-core for the browser test (`npm ci`).

As root on a machine with apt-get (Debian), whatever is missing is installed with apt-get.
Otherwise, or if that fails, one line says what is missing and how to install it, and the exit status
is 1. No browser is ever downloaded other than through the distribution's package.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DEBIAN_CHROMIUM = "/usr/bin/chromium"  # where Debian's package `chromium` puts the browser
PYTHON = (3, 11)  # the version requirements.txt and constraints.txt are pinned for


@dataclass(frozen=True)
class Requirement:
    """One thing `make test` needs from the machine.

    Attributes:
        what: how the message names it, for example "Chromium (/usr/bin/chromium)".
        present: tells whether the machine has it now.
        package: the Debian package that provides it, or None where apt-get cannot help.
        hint: what to do where apt-get cannot install it, for the message (a few words).
    """

    what: str
    present: Callable[[], bool]
    package: str | None
    hint: str


def executable(command: str) -> bool:
    """Tell whether `command` (a path, or a name looked up on PATH) is an executable file.

    Raises:
        ValueError: if `command` is empty.
    """
    if not command:
        raise ValueError("empty command")
    if os.sep in command:
        return os.path.isfile(command) and os.access(command, os.X_OK)
    return shutil.which(command) is not None


def requirements(chromium: str, node: str, npm: str) -> list[Requirement]:
    """Return what `make test` needs, for the given Chromium path and Node.js and npm commands.

    A tool is installable with apt-get only where it is asked for under the name Debian's package gives
    it; a Chromium elsewhere (CHROMIUM=/some/path) must be put there by hand.

    Raises:
        ValueError: if a command is empty.
    """
    for command in (chromium, node, npm):
        if not command:
            raise ValueError("empty command: give a path or a name")
    python = ".".join(map(str, PYTHON))
    current = ".".join(map(str, sys.version_info[:2]))
    return [
        Requirement(
            f"Python {python} (this is {current}, {sys.executable})",
            lambda: sys.version_info[:2] == PYTHON,
            None,
            f"install Python {python} and run `make test PYTHON=python{python}`",
        ),
        Requirement(
            "Python's venv with ensurepip",
            lambda: importlib.util.find_spec("ensurepip") is not None,
            "python3-venv",
            "install Python's venv module (with ensurepip)",
        ),
        Requirement(
            f"Chromium ({chromium})",
            lambda: executable(chromium),
            "chromium" if chromium == DEBIAN_CHROMIUM else None,
            f"put Chromium at {chromium}, or set CHROMIUM= to its path",
        ),
        Requirement(
            f"Node.js ({node})",
            lambda: executable(node),
            "nodejs" if node == "node" else None,
            "install Node.js, or set NODE= to its path",
        ),
        Requirement(
            f"npm ({npm})",
            lambda: executable(npm),
            "npm" if npm == "npm" else None,
            "install npm, or set NPM= to its path",
        ),
    ]


def missing(needs: Sequence[Requirement]) -> list[Requirement]:
    """Return the requirements that the machine does not meet now, in order."""
    return [need for need in needs if not need.present()]


def can_install(apt_get: str) -> bool:
    """Tell whether this process may install Debian packages: it runs as root and `apt-get` exists."""
    return os.geteuid() == 0 and executable(apt_get)


def install(packages: Sequence[str], apt_get: str = "apt-get") -> bool:
    """Install Debian packages with apt-get (its package lists are updated first); return True on success.

    Raises:
        ValueError: if `packages` is empty.
    """
    if not packages:
        raise ValueError("no package to install")
    environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt_get, "update", "-qq"], [apt_get, "install", "-y", "-qq", *packages]):
        if subprocess.run(command, env=environment, check=False).returncode != 0:
            return False
    return True


def advice(absent: Sequence[Requirement], tried: Sequence[str] = ()) -> str:
    """The one line that says what is missing and how to install it.

    Args:
        absent: what is missing (see :func:`missing`).
        tried: the packages apt-get failed to install, if it was tried.

    Raises:
        ValueError: if nothing is missing.
    """
    if not absent:
        raise ValueError("nothing is missing")
    packages = [need.package for need in absent if need.package]
    ways = [need.hint for need in absent if not need.package]
    if packages:
        ways.insert(
            0,
            f"install with `sudo apt-get install {' '.join(packages)}` (Debian; "
            "run as root, make test does this itself)",
        )
    failed = f"`apt-get install {' '.join(tried)}` failed; " if tried else ""
    return (
        f"make test needs {', '.join(need.what for need in absent)}, which this machine lacks: "
        f"{failed}{'; '.join(ways)}."
    )


def ensure(needs: Sequence[Requirement], apt_get: str, may_install: bool) -> str | None:
    """Install what is missing where allowed; return None when all is there, else the line to print."""
    absent = missing(needs)
    packages = [need.package for need in absent if need.package]
    if not absent:
        return None
    if not may_install or not packages:
        return advice(absent)
    print(f"prerequisites: installing {' '.join(packages)} with {apt_get}", flush=True)
    if not install(packages, apt_get):
        return advice(missing(needs), packages)
    still = missing(needs)
    return advice(still, packages) if still else None


def main(argv: Sequence[str] | None = None) -> int:
    """Check the machine; install or explain what is missing. Returns the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chromium", default=DEBIAN_CHROMIUM, help=f"Chromium's path ({DEBIAN_CHROMIUM})")
    parser.add_argument("--node", default="node", help="the Node.js command (node)")
    parser.add_argument("--npm", default="npm", help="the npm command (npm)")
    parser.add_argument("--apt-get", default="apt-get", help="the apt-get command (apt-get)")
    args = parser.parse_args(argv)

    needs = requirements(args.chromium, args.node, args.npm)
    problem = ensure(needs, args.apt_get, can_install(args.apt_get))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    print(f"prerequisites: Python {sys.version.split()[0]}, {args.chromium}, {args.node}, {args.npm}: found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
