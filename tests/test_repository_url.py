"""The repository URL lives in one place, _config.yml, and every notebook's install line follows it.

On Colab, the first code cell of a notebook installs `course_utils` from the repository when it cannot
import it. That line must name `<repository.url>@main`, the repository and branch the launch buttons
open; `make repository-url` (tools/repository.py) rewrites it after _config.yml changes. And what pip
installs from the repository must be the whole package.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
INSTALL = re.compile(r"course_utils\s*@\s*git\+([^\s\"'#]+)")


def load_tool() -> ModuleType:
    """Import tools/repository.py (tools/ is not a package) to call its command line in-process."""
    spec = importlib.util.spec_from_file_location("repository_tool", ROOT / "tools" / "repository.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def first_code_cell(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    code = next(c for c in cells if c["cell_type"] == "code")
    return "".join(code["source"])


def test_launch_buttons_open_the_main_branch() -> None:
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
    assert CONFIG["repository"]["branch"] == "main"  # Jupyter Book's default would be master
    assert CONFIG["launch_buttons"]["colab_url"]
    assert CONFIG["launch_buttons"]["binderhub_url"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_installs_course_utils_from_the_configured_repository(path: Path) -> None:
    source = first_code_cell(path)
    expected = f"{CONFIG['repository']['url'].rstrip('/')}@main"
    assert INSTALL.findall(source) == [expected]
    # Only when the import fails (on Colab): never over the pinned, editable install of `make`.
    assert re.search(
        r"try:[^\n]*\n\s+import course_utils\b.*\nexcept ModuleNotFoundError:\s*\n\s+%pip install", source
    )


def test_the_tool_points_every_install_line_at_a_fork(tmp_path: Path) -> None:
    fork = "https://github.com/someone-else/a-fork-of-the-course"
    config = tmp_path / "_config.yml"
    config.write_text((ROOT / "_config.yml").read_text().replace(CONFIG["repository"]["url"], fork))
    copies = [str(shutil.copy(path, tmp_path / path.name)) for path in NOTEBOOKS]
    options = ["--config", str(config)]

    assert TOOL.main(["check", *options, *copies]) == 1
    assert TOOL.main(["sync", *options, *copies]) == 0
    assert TOOL.main(["check", *options, *copies]) == 0
    for original, copy in zip(NOTEBOOKS, copies, strict=True):
        assert INSTALL.findall(first_code_cell(Path(copy))) == [f"{fork}@main"]
        # Nothing else changed: putting the old URL back gives the original file, byte for byte.
        text = Path(copy).read_text().replace(fork, CONFIG["repository"]["url"].rstrip("/"))
        assert text == original.read_text()


def test_the_tool_leaves_notebooks_that_agree_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copies = [str(shutil.copy(path, tmp_path / path.name)) for path in NOTEBOOKS]
    before = [Path(c).stat().st_mtime_ns for c in copies]
    assert TOOL.main(["sync", *copies]) == 0
    assert capsys.readouterr().out == ""
    assert [Path(c).stat().st_mtime_ns for c in copies] == before


def test_installing_from_the_repository_installs_every_module() -> None:
    # What the first cell's `pip install git+...` builds: setuptools finds the packages as configured.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = find_packages(where=str(ROOT), **config["packages"]["find"])
    on_disk = {
        p.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for p in (ROOT / "course_utils").rglob("__init__.py")
    }
    assert set(found) == on_disk
