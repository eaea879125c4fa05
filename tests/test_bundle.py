"""The notebook bundle (tools/bundle.py): built, unzipped elsewhere, and run from there.

It must hold every notebook, `course_utils` and the pins of the tested environment, and a notebook
must run from the unzipped folder with `course_utils` imported from there, not from this checkout.
Nothing is installed: the kernel is this environment's Python, which already holds every pinned package.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
FASTEST = "02_penalty_formulas.ipynb"  # the quickest notebook to run (see `make bench`)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle with the tool, unzip it into a temporary folder; return the folder inside."""
    where = tmp_path_factory.mktemp("bundle")
    archive = where / "bundle.zip"
    subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), str(archive)], check=True)
    with zipfile.ZipFile(archive) as zipped:
        tops = {name.split("/", 1)[0] for name in zipped.namelist()}
        assert len(tops) == 1, f"the zip must hold one folder, not {tops}"
        zipped.extractall(where / "unzipped")
    return where / "unzipped" / tops.pop()


def package_files(root: Path) -> dict[str, bytes]:
    package = root / "course_utils"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in package.rglob("*")
        if p.is_file() and (p.suffix == ".py" or p.name == "py.typed")
    }


def test_it_holds_every_notebook_the_package_and_a_readme(bundle: Path) -> None:
    notebooks = {p.name: p.read_bytes() for p in (ROOT / "book").glob("*.ipynb")}
    assert notebooks
    assert {p.name: p.read_bytes() for p in (bundle / "notebooks").glob("*.ipynb")} == notebooks
    assert package_files(bundle) == package_files(ROOT)
    readme = (bundle / "README.md").read_text()
    assert "pip install -r requirements.txt" in readme
    assert all(f"notebooks/{name}" in readme for name in notebooks)


@pytest.mark.pinned  # compares with this environment: make canary, on newer releases, leaves it out
def test_its_requirements_are_the_tested_environment_then_the_package(bundle: Path) -> None:
    lines = [
        line.strip()
        for line in (bundle / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "-c constraints.txt"
    assert lines[-1] == "."  # course_utils from the unzipped folder, after everything it needs
    assert (bundle / "constraints.txt").read_bytes() == (ROOT / "constraints.txt").read_bytes()
    pins = dict(line.split("==") for line in lines[1:-1])
    assert {"tensorflow-cpu", "numpy", "scikit-learn", "matplotlib", "ipykernel", "jupyterlab"} <= set(pins)
    # Every pin is exactly what this (tested) environment has installed.
    assert {name: importlib.metadata.version(name) for name in pins} == pins


def test_its_package_installs_every_module_and_nothing_else(bundle: Path) -> None:
    project = tomllib.loads((bundle / "pyproject.toml").read_text())
    assert project["project"]["name"] == "course_utils"
    assert project["project"]["dependencies"] == []  # requirements.txt pins them: no second TensorFlow
    found = find_packages(where=str(bundle), **project["tool"]["setuptools"]["packages"]["find"])
    on_disk = {
        p.parent.relative_to(bundle).as_posix().replace("/", ".")
        for p in (bundle / "course_utils").rglob("__init__.py")
    }
    assert set(found) == on_disk


def test_a_notebook_runs_from_the_unzipped_bundle(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = bundle / "notebooks" / FASTEST
    assert path.is_file(), f"{FASTEST} is gone: name another quick notebook in FASTEST"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import course_utils\nprint(course_utils.__file__)"))
    # The kernel: this environment's python, importing course_utils from the bundle (PYTHONPATH comes
    # before site-packages, where the checkout's editable install is), with the inline backend.
    monkeypatch.setenv("PYTHONPATH", str(bundle))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("MPLBACKEND", raising=False)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError if any cell fails

    printed = "".join(o.get("text", "") for o in notebook.cells[-1].outputs).strip()
    imported_from = Path(printed).resolve()
    assert imported_from.is_relative_to(bundle.resolve()), imported_from
    assert not imported_from.is_relative_to(ROOT)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stored = [o for c in json.loads(path.read_text())["cells"] for o in c.get("outputs", [])]
    figures = ["image/png" in o.get("data", {}) for o in outputs]
    assert sum(figures) == sum("image/png" in o.get("data", {}) for o in stored)  # same figures drawn


# --- the tool's parts ---------------------------------------------------------------------------


def load_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bundle_tool", ROOT / "tools" / "bundle.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = load_tool()


def test_requirements_keep_extras_and_markers(tmp_path: Path) -> None:
    listing = tmp_path / "requirements.txt"
    listing.write_text(
        "# a comment\n-c constraints.txt\nnumpy\njupyterlab[extra] ; python_version >= '3.11'  # why\n.\n"
    )
    found = TOOL.requirements(listing)
    assert [r.name for r in found] == ["numpy", "jupyterlab"]
    assert found[1].extras == {"extra"} and str(found[1].marker) == 'python_version >= "3.11"'


def test_a_requirement_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    listing = tmp_path / "requirements.txt"
    listing.write_text("numpy\n=== not a requirement\n")
    with pytest.raises(ValueError, match="cannot read the requirement"):
        TOOL.requirements(listing)


def test_pins_carry_the_locked_version_extras_and_marker(tmp_path: Path) -> None:
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "requirements.txt").write_text("numpy[x]; sys_platform == 'linux'\n")
    (tmp_path / "constraints.txt").write_text("NumPy==2.4.6\n")
    assert TOOL.pinned_requirements(tmp_path) == ['numpy[x]==2.4.6; sys_platform == "linux"']
    (tmp_path / "binder" / "requirements.txt").write_text("scipy\n")
    with pytest.raises(ValueError, match="scipy is not pinned"):
        TOOL.pinned_requirements(tmp_path)


def test_the_title_is_read_as_yaml(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "book").mkdir()
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "requirements.txt").write_text("numpy\n")
    (tmp_path / "constraints.txt").write_text("numpy==2.4.6\n")
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    (tmp_path / "_config.yml").write_text('title: "My course"  # a comment\n')
    (tmp_path / "book" / "01_a.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "book" / "02_untracked.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "course_utils").mkdir()
    (tmp_path / "course_utils" / "__init__.py").write_text("")
    (tmp_path / "course_utils" / "scratch.py").write_text("")
    subprocess.run(
        ["git", "add", "book/01_a.ipynb", "course_utils/__init__.py", "_config.yml"], cwd=tmp_path, check=True
    )
    files = TOOL.bundle_files(tmp_path)
    assert files["README.md"].decode().startswith("# My course: the notebooks")
    assert "notebooks/01_a.ipynb" in files
    assert "notebooks/02_untracked.ipynb" not in files  # only what git tracks
    assert "course_utils/__init__.py" in files and "course_utils/scratch.py" not in files


def test_a_folder_that_is_not_a_checkout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a git checkout"):
        TOOL.tracked_files(tmp_path)
