"""Keep the course's repository URL in one place: `repository.url` (and `.branch`) in _config.yml.

    python tools/repository.py sync  [--config _config.yml] [NOTEBOOK ...]   (make repository-url)
    python tools/repository.py check [--config _config.yml] [NOTEBOOK ...]

The launch buttons (Colab, Binder) read _config.yml themselves. The first code cell of every notebook
installs `course_utils` from the repository when it cannot import it (on Colab):

    %pip install --quiet "course_utils @ git+<repository.url>@<repository.branch>"

`sync` rewrites that line in each notebook from _config.yml (a fork changes _config.yml, then runs
this); `check` only reports, and exits 1 when a notebook differs. Without NOTEBOOK arguments, both
act on book/*.ipynb.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import cast

import nbformat
import yaml  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
# The requirement in the install line: "course_utils @ git+URL@REF".
INSTALL = re.compile(r"(?P<head>course_utils\s*@\s*git\+)(?P<target>[^\s\"'#]+)")


def install_target(config: Path) -> str:
    """Return `<repository.url>@<repository.branch>` from a Jupyter Book _config.yml."""
    settings = yaml.safe_load(config.read_text())
    repository = settings.get("repository") or {}
    url = str(repository.get("url") or "").rstrip("/")
    if not re.match(r"https://\S+$", url):
        raise ValueError(f"{config}: repository.url must be an https URL, not {url!r}")
    branch = str(repository.get("branch") or "main")
    return f"{url}@{branch}"


def first_code_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the first code cell of a notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "code":
            return cast(nbformat.NotebookNode, cell)
    raise ValueError("the notebook has no code cell")


def targets(path: Path) -> list[str]:
    """Return every install target (`URL@REF`) in the notebook's first code cell."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return [m.group("target") for m in INSTALL.finditer(first_code_cell(notebook).source)]


def sync(path: Path, target: str) -> bool:
    """Point the install line of the notebook's first code cell at `target`; return whether it changed."""
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    cell = first_code_cell(notebook)
    if not INSTALL.search(cell.source):
        raise ValueError(f"{path}: its first code cell has no `course_utils @ git+...` install line")
    source = INSTALL.sub(lambda m: f"{m.group('head')}{target}", cell.source)
    if source == cell.source:
        return False
    cell.source = source
    nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
    return True


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["sync", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml", help="the _config.yml to follow")
    args = parser.parse_intermixed_args(argv)  # --config may come before or after the command
    target = install_target(args.config)
    notebooks = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    wrong = 0
    for path in notebooks:
        if args.command == "sync":
            if sync(path, target):
                print(f"{path}: now installs course_utils from {target}")
        else:
            found = targets(path)
            if found != [target]:
                wrong += 1
                print(f"{path}: installs course_utils from {found or 'nowhere'}, not [{target!r}]")
    if args.command == "check":
        print(f"{len(notebooks) - wrong} of {len(notebooks)} notebooks install course_utils from {target}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
