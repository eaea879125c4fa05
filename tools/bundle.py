"""Build the download bundle of the course: every notebook, `course_utils` and the pinned environment.

    python tools/bundle.py [ZIP]        (default: _build/bundle/regularization-in-keras-notebooks.zip)

`make bundle` runs this, and `make book` publishes the zip at the site's root (`html_extra_path`).
Unzipped anywhere, `python -m pip install -r requirements.txt` installs the exact versions the course
was tested with, then `course_utils` from the folder (the file's last line, "."), after which every
notebook runs top to bottom.

Which packages a learner needs is listed once, in `binder/requirements.txt` (Binder reads it too); their
exact versions come from `constraints.txt`, the lock. The zip is reproducible: the same sources give the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml  # type: ignore[import-untyped]
from packaging.requirements import InvalidRequirement, Requirement

ROOT = Path(__file__).resolve().parents[1]
FOLDER = "regularization-in-keras"  # the one top-level folder inside the zip
DEFAULT_ZIP = ROOT / "_build" / "bundle" / "regularization-in-keras-notebooks.zip"
RUNTIME_LIST = Path("binder", "requirements.txt")  # relative to the repository's root
LOCK = Path("constraints.txt")
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the zip depends on the sources only


def canonical(name: str) -> str:
    """Normalise a distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path: Path) -> list[Requirement]:
    """Return the requirements a requirements file asks for, with their extras and markers.

    Options (`-c ...`), local paths (`.`) and comments are skipped; anything else that is not a valid
    requirement is refused, so that nothing is dropped silently.
    """
    found = []
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line or line.startswith(("-", ".")):
            continue
        try:
            found.append(Requirement(line))
        except InvalidRequirement as error:
            raise ValueError(f"{path}: cannot read the requirement {raw!r}") from error
    return found


def locked_versions(path: Path) -> dict[str, str]:
    """Return {canonical name: version} for every `name==version` line of a lock file."""
    versions = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            versions[canonical(name)] = version.strip()
    return versions


def pinned_requirements(root: Path = ROOT) -> list[str]:
    """Return `name==version` for each package a learner needs, with the version of the lock."""
    lock = locked_versions(root / LOCK)
    pins = []
    for requirement in requirements(root / RUNTIME_LIST):
        name = requirement.name
        if canonical(name) not in lock:
            raise ValueError(f"{name} is not pinned in constraints.txt: run `make lock`")
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        marker = f"; {requirement.marker}" if requirement.marker else ""
        pins.append(f"{name}{extras}=={lock[canonical(name)]}{marker}")
    return pins


def requirements_txt(pins: list[str]) -> str:
    """The bundle's requirements.txt: the pins, the lock for everything they pull in, then course_utils."""
    return "\n".join(
        [
            "# The environment in which every notebook of the course was tested (Python 3.11).",
            "# From this folder:  python -m pip install -r requirements.txt",
            "# Exact versions of what the notebooks need; constraints.txt pins everything they pull in.",
            "-c constraints.txt",
            *pins,
            "# Last: the companion package course_utils, from this folder (see pyproject.toml).",
            ".",
            "",
        ]
    )


def pyproject_toml(root: Path = ROOT) -> str:
    """The bundle's pyproject.toml: the project's package, declaring no dependencies of its own.

    The repository's pyproject.toml asks for `tensorflow` (so that installing it on Colab keeps Colab's
    TensorFlow); here requirements.txt has already installed the pinned `tensorflow-cpu`, and a second
    TensorFlow must not be pulled in.
    """
    project = tomllib.loads((root / "pyproject.toml").read_text())
    meta = project["project"]
    build = project["build-system"]
    return "\n".join(
        [
            "# The companion package of the notebooks. requirements.txt installs it last, after the exact",
            "# versions of everything it needs: it declares no dependencies of its own.",
            "[build-system]",
            f"requires = {json.dumps(build['requires'])}",
            f"build-backend = {json.dumps(build['build-backend'])}",
            "",
            "[project]",
            f"name = {json.dumps(meta['name'])}",
            f"version = {json.dumps(meta['version'])}",
            f"description = {json.dumps(meta['description'])}",
            f"requires-python = {json.dumps(meta['requires-python'])}",
            "dependencies = []",
            "",
            "[tool.setuptools.packages.find]",
            'include = ["course_utils*"]',
            "",
            "[tool.setuptools.package-data]",
            'course_utils = ["py.typed"]',
            "",
        ]
    )


def notebook_title(path: Path) -> str:
    """Return the first heading of a notebook's first markdown cell (its title on the site)."""
    cells = json.loads(path.read_text())["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            match = re.search(r"^#\s+(.+)$", text, re.M)
            if match:
                return match.group(1).strip()
    return path.stem


def readme(notebooks: list[Path], pins: list[str], site_title: str) -> str:
    """The bundle's README: what is in it and the two steps that run it."""
    listing = "\n".join(f"- `notebooks/{p.name}`: {notebook_title(p)}" for p in notebooks)
    pinned = "\n".join(f"- `{pin}`" for pin in pins)
    return f"""# {site_title}: the notebooks

Every notebook of the course, the companion package `course_utils` they import, and the exact
environment they were tested in.

## Run them

With Python 3.11, in this folder (a virtual environment keeps these versions apart from others):

```bash
python3.11 -m venv .venv
source .venv/bin/activate          # on Windows: .venv\\Scripts\\activate
python -m pip install -r requirements.txt
jupyter lab notebooks
```

`pip install -r requirements.txt` installs the versions the notebooks were tested with:

{pinned}

and, through `constraints.txt`, the exact version of everything they pull in; then, last,
`course_utils` from this folder. Open any notebook and run it top to bottom: each takes well under a
minute on a laptop CPU, and none needs a GPU. The course is tested on Linux; TensorFlow publishes no
`tensorflow-cpu` for macOS, so on a Mac change that line of requirements.txt to `tensorflow==` the
same version.

## What is here

{listing}
- `course_utils/`: the companion package (data, penalties, models, training, plots, exercise checkers)
- `requirements.txt`, `constraints.txt`: the pins; `pyproject.toml`: how pip installs `course_utils`
"""


def bundle_files(root: Path = ROOT) -> dict[str, bytes]:
    """Return every file of the bundle as {path inside the zip: content}."""
    config = yaml.safe_load((root / "_config.yml").read_text()) or {}
    site_title = str(config.get("title") or FOLDER)
    tracked = tracked_files(root)
    notebooks = sorted(root / name for name in tracked if re.fullmatch(r"book/[^/]+\.ipynb", name))
    if not notebooks:
        raise ValueError(f"no notebook in {root / 'book'}")
    pins = pinned_requirements(root)
    files = {
        "README.md": readme(notebooks, pins, site_title).encode(),
        "requirements.txt": requirements_txt(pins).encode(),
        "constraints.txt": (root / LOCK).read_bytes(),
        "pyproject.toml": pyproject_toml(root).encode(),
    }
    for path in notebooks:
        files[f"notebooks/{path.name}"] = path.read_bytes()
    for name in tracked:
        if name.startswith("course_utils/") and (name.endswith(".py") or name.endswith("/py.typed")):
            files[name] = (root / name).read_bytes()
    return files


def tracked_files(root: Path = ROOT) -> list[str]:
    """Return the files git tracks under ``root``, as sorted POSIX paths relative to it.

    The bundle holds only what is committed: a scratch notebook or a stray module of a working copy
    never reaches learners.
    """
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise ValueError(f"{root} is not a git checkout: the bundle holds only files git tracks") from error
    return sorted(name for name in listing.split("\0") if name and (root / name).is_file())


def write_zip(files: dict[str, bytes], out: Path) -> None:
    """Write the files under one top-level folder, in a fixed order and with fixed timestamps."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(info, files[name])
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("zip", nargs="?", type=Path, default=DEFAULT_ZIP, help="where to write the zip")
    args = parser.parse_args(argv)
    files = bundle_files()
    write_zip(files, args.zip)
    notebooks = sum(name.startswith("notebooks/") for name in files)
    print(f"{args.zip}: {notebooks} notebooks, {len(files)} files, {args.zip.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
