"""Every notebook of the book is executed, clean and listed (the rules of the course)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").glob("*.ipynb"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
TOC_FILES = [TOC["root"], *(entry["file"] for entry in TOC["chapters"])]
# A path of the machine that ran a notebook, in its code or its text outputs (not in base64 images,
# where such letters occur by chance): home and temporary folders, Colab's and system folders,
# and Windows drives.
MACHINE_PATH = re.compile(r"(/(tmp|root|home|work|Users|usr/local|content|opt|var|mnt)/|\b[A-Z]:\\)")
# An install that would run at the top level of a cell, whatever its spelling.
INSTALL = re.compile(
    r"^\s*(%%bash|%%sh|%conda\b|%mamba\b|[!%]\s*pip3?\b|!\s*\S*python3?\s+-m\s+pip\b"
    r"|!\s*\{sys\.executable\}\s+-m\s+pip\b|!\s*(conda|mamba|apt|apt-get)\b)"
)
# The first code cell: a Colab-only install, then imports only, course_utils first.
FIRST_CELL = re.compile(
    r"try:  # [^\n]*\n    import course_utils  # noqa: F401\n"
    r"except ModuleNotFoundError:\n"
    r"    %pip install --quiet \"course_utils @ git\+[^\n\"]+@main\"\n\n"
    r"(?:#[^\n]*\n)*(?=from course_utils import )"
)


def code_cells(path: Path) -> list[dict[str, object]]:
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def source(cell: dict[str, object]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def text_outputs(cell: dict[str, object]) -> str:
    """Everything a cell printed or showed as text (streams, reprs, HTML), not its images."""
    shown = []
    for output in cell.get("outputs", []):  # type: ignore[attr-defined]
        shown.append(output.get("text", ""))
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/"):
                shown.append(value)
        shown.append("\n".join(output.get("traceback", [])))
    return "\n".join("".join(part) if isinstance(part, list) else str(part) for part in shown)


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "book/ holds no notebook"


def test_every_toc_entry_exists() -> None:
    for entry in TOC_FILES:
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry


def test_the_machine_path_pattern_finds_what_it_names() -> None:
    for path in ["/tmp/x", "/content/drive", "/opt/conda/lib", "/var/folders/a", "/mnt/data", "C:\\Users"]:
        assert MACHINE_PATH.search(path), path
    for clean in ["book/01_overfitting.ipynb", "a/b", "https://example.org/docs/"]:
        assert not MACHINE_PATH.search(clean), clean


@pytest.mark.parametrize(
    "line",
    [
        "!pip install x",
        "%pip install x",
        "! pip3 install x",
        "!python -m pip install x",
        "!python3 -m pip install x",
        "!{sys.executable} -m pip install x",
        "%conda install x",
        "%%bash",
        "!apt-get install y",
    ],
)
def test_the_install_pattern_catches_every_spelling(line: str) -> None:
    assert INSTALL.match(line)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_listed_in_toc(self, path: Path) -> None:
        assert f"book/{path.stem}" in TOC_FILES

    def test_first_cell_installs_on_colab_only_and_imports_course_utils_first(self, path: Path) -> None:
        first = source(code_cells(path)[0])
        assert FIRST_CELL.match(first), f"{path.name}: the first cell does not follow the pattern"
        rest = first[FIRST_CELL.match(first).end() :]  # type: ignore[union-attr]
        tree = ast.parse(rest)
        assert all(isinstance(node, ast.Import | ast.ImportFrom) for node in tree.body), (
            f"{path.name}: the first cell holds only imports"
        )
        assert isinstance(tree.body[0], ast.ImportFrom) and tree.body[0].module == "course_utils"

    def test_executed_top_to_bottom(self, path: Path) -> None:
        counts = [c["execution_count"] for c in code_cells(path) if source(c).strip()]
        assert counts == list(range(1, len(counts) + 1))

    def test_no_errors_and_no_stderr(self, path: Path) -> None:
        for cell in code_cells(path):
            for output in cell["outputs"]:  # type: ignore[attr-defined]
                assert output["output_type"] != "error", source(cell)
                assert output.get("name") != "stderr", source(cell)

    def test_no_machine_paths(self, path: Path) -> None:
        for cell in json.loads(path.read_text())["cells"]:
            found = MACHINE_PATH.search(source(cell) + "\n" + text_outputs(cell))
            assert not found, f"{path.name}: a machine path {found.group(0)!r} in {source(cell)[:60]!r}"

    def test_no_unconditional_install(self, path: Path) -> None:
        for index, cell in enumerate(code_cells(path)):
            for line in source(cell).splitlines():
                if INSTALL.match(line) and not (index == 0 and line.startswith("    %pip install")):
                    pytest.fail(f"unconditional install in {path.name}: {line}")

    def test_no_star_imports_or_path_hacks(self, path: Path) -> None:
        for cell in code_cells(path):
            assert not re.search(r"import \*|sys\.path", source(cell))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_course_utils_is_used_through_imported_names(path: Path) -> None:
    # On Colab the first cell installs course_utils instead of importing it, so the bare name is
    # unbound there: later cells must use the names the import cell brings in.
    for cell in code_cells(path)[1:]:
        assert not re.search(r"\bcourse_utils\.", source(cell)), source(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_alt_text(path: Path) -> None:
    for cell in code_cells(path):
        has_image = any(
            mime.startswith("image/")
            for output in cell["outputs"]  # type: ignore[attr-defined]
            for mime in output.get("data", {})
        )
        if has_image:
            alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")  # type: ignore[attr-defined]
            assert len(alt) > 20, f"a figure without alt text in {path.name}: {source(cell)[:80]}"


# --- solutions stay hidden until the learner asks ------------------------------------------------

SOLUTIONS_HEADING = "## Solutions"


def cells(path: Path) -> list[dict[str, object]]:
    return json.loads(path.read_text())["cells"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_are_collapsed_at_the_end(path: Path) -> None:
    notebook = json.loads(path.read_text())
    all_cells = notebook["cells"]
    starts = [i for i, c in enumerate(all_cells) if "{solution-start}" in source(c)]
    ends = [i for i, c in enumerate(all_cells) if "{solution-end}" in source(c)]
    assert starts, f"{path.name} has no solution: every chapter has at least one exercise"
    assert len(starts) == len(ends)
    headings = [i for i, c in enumerate(all_cells) if source(c).strip() == SOLUTIONS_HEADING]
    assert len(headings) == 1, f"{path.name} needs exactly one '{SOLUTIONS_HEADING}' heading cell"
    heading = headings[0]
    assert heading < starts[0], "the solutions must come after the Solutions heading"
    assert all(not source(c).lstrip().startswith("## ") for c in all_cells[heading + 1 :]), (
        "the Solutions section must be the last section"
    )
    head = all_cells[heading]
    assert head["metadata"].get("jp-MarkdownHeadingCollapsed") is True  # JupyterLab, Notebook 7
    assert head["metadata"].get("id") == head["id"]
    assert head["id"] in notebook["metadata"]["colab"]["collapsed_sections"]  # Colab
    for start, end in zip(starts, ends, strict=True):
        assert start < end
        for cell in all_cells[start : end + 1]:
            hidden = cell["metadata"].get("jupyter", {})
            assert hidden.get("source_hidden") is True, source(cell)[:60]
            if cell["cell_type"] == "code":
                assert hidden.get("outputs_hidden") is True, source(cell)[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_is_answered_by_a_solution(path: Path) -> None:
    text = "".join(source(c) for c in cells(path))
    exercises = re.findall(r"```\{exercise\}.*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)", text)
    assert exercises and sorted(exercises) == sorted(solutions)


# --- sources are cited; no promise without a page -------------------------------------------------

PAGES = [*NOTEBOOKS, ROOT / "book" / "intro.md", ROOT / "book" / "reference.md"]
UNCITABLE = re.compile(
    r"(?i)\bseed[- ]articles?\b|\bseeds? \d{3}\b|\b\d{3}'s\b|\bthe seeds?'s?\b(?! of)|\barticle \d{3}\b"
    r"|\b(a|the) later chapter|\blater chapters\b"
)


def prose(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text()
    return "\n".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_sources_are_named_and_no_chapter_is_promised(path: Path) -> None:
    found = [match.group(0) for match in UNCITABLE.finditer(prose(path))]
    assert not found, f"{path.name}: cite the article by author ({{cite:p}}), link a chapter: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_printed_output_fits_the_page(path: Path) -> None:
    for cell in code_cells(path):
        for output in cell["outputs"]:  # type: ignore[attr-defined]
            shown = output.get("text") or output.get("data", {}).get("text/plain", "")
            shown = "".join(shown) if isinstance(shown, list) else shown
            long = [line for line in shown.splitlines() if len(line) > 79]
            assert not long, f"{path.name}: output lines over 79 characters: {long[:2]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_are_stored_at_twice_their_display_size(path: Path) -> None:
    # Sharp on a high-DPI screen: the PNG has twice the pixels of the size it is shown at
    # (course_utils.plots selects matplotlib's "retina" format in a notebook).
    import base64
    import io

    from PIL import Image

    for cell in code_cells(path):
        for output in cell["outputs"]:  # type: ignore[attr-defined]
            png = output.get("data", {}).get("image/png")
            if not png:
                continue
            shown = output.get("metadata", {}).get("image/png", {})
            assert "width" in shown, f"{path.name}: a figure without a display width: {source(cell)[:60]}"
            with Image.open(io.BytesIO(base64.b64decode(png))) as image:
                assert abs(image.size[0] - 2 * shown["width"]) <= 2, (image.size, shown)


FIGURE_TEXT = re.compile(r"<Figure with \d+ axes: drawn data [0-9a-f]{12}>")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_is_compared_by_its_digest(path: Path) -> None:
    # nbval skips image/png; it compares the figure's plain-text form, which course_utils.figures
    # makes a digest of what the figure draws. A figure stored without it would go unchecked.
    for cell in code_cells(path):
        for output in cell["outputs"]:  # type: ignore[attr-defined]
            data = output.get("data", {})
            if "image/png" in data:
                plain = "".join(data.get("text/plain", ""))
                assert FIGURE_TEXT.fullmatch(plain), f"{path.name}: {plain!r} in {source(cell)[:60]!r}"
