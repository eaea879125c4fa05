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
