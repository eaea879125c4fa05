"""Every notebook of the book is executed, clean and listed (the rules of the course)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").glob("*.ipynb"))
TOC = (ROOT / "_toc.yml").read_text()
MACHINE_PATH = re.compile(r"(/(tmp|root|home|work|Users|usr/local)/|[A-Z]:\\\\)")


def code_cells(path: Path) -> list[dict[str, object]]:
    cells = json.loads(path.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def source(cell: dict[str, object]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "book/ holds no notebook"


def test_every_toc_entry_exists() -> None:
    for entry in re.findall(r"file:\s*(\S+)", TOC):
        assert any((ROOT / f"{entry}{suffix}").exists() for suffix in (".md", ".ipynb")), entry


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_listed_in_toc(self, path: Path) -> None:
        assert f"book/{path.stem}" in TOC

    def test_imports_course_utils(self, path: Path) -> None:
        assert any(re.search(r"^\s*(from|import) course_utils", source(c), re.M) for c in code_cells(path))

    def test_executed_top_to_bottom(self, path: Path) -> None:
        counts = [c["execution_count"] for c in code_cells(path) if source(c).strip()]
        assert counts == list(range(1, len(counts) + 1))

    def test_no_errors_and_no_stderr(self, path: Path) -> None:
        for cell in code_cells(path):
            for output in cell["outputs"]:  # type: ignore[attr-defined]
                assert output["output_type"] != "error", source(cell)
                assert output.get("name") != "stderr", source(cell)

    def test_no_machine_paths(self, path: Path) -> None:
        assert not MACHINE_PATH.search(path.read_text())

    def test_no_unconditional_pip(self, path: Path) -> None:
        for cell in code_cells(path):
            for line in source(cell).splitlines():
                if re.match(r"^[!%]\s*pip\b", line):  # at the top level: it would always run
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
        has_image = any("image/png" in output.get("data", {}) for output in cell["outputs"])  # type: ignore[attr-defined]
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
