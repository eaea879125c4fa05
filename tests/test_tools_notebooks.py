"""Tests of tools/notebooks.py: solutions are folded, budgets are enforced by `make bench`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("course_notebooks_tool", ROOT / "tools" / "notebooks.py")
assert SPEC and SPEC.loader
tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(tool)


def notebook(*sources: str) -> nbformat.NotebookNode:
    cells = []
    for text in sources:
        if text.startswith("code:"):
            cells.append(nbformat.v4.new_code_cell(text.removeprefix("code:")))
        else:
            cells.append(nbformat.v4.new_markdown_cell(text))
    return nbformat.v4.new_notebook(cells=cells)


START = "```{solution-start} ex-1\n:class: dropdown\n```\nA hint."
END = "```{solution-end}\n```"


def test_solution_cells_span_from_start_to_end():
    nb = notebook("# Title", "code:x = 1", "## Solutions", START, "code:answer = 2", END, START, END)
    assert tool.solution_cells(nb) == [3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ((START, "code:1"), "never closed"),
        ((END,), "without a solution-start"),
        ((START, START, END), "inside an open solution"),
    ],
)
def test_broken_solution_markup_is_refused(sources, message):
    with pytest.raises(ValueError, match=message):
        tool.solution_cells(notebook(*sources))


def test_hide_solutions_folds_the_section_in_jupyterlab_and_colab():
    nb = notebook("# Title", "## Solutions", START, "code:answer = 2", END)
    tool.hide_solutions(nb)
    heading = nb.cells[1]
    assert heading["metadata"]["jp-MarkdownHeadingCollapsed"] is True
    assert heading["id"] == heading["metadata"]["id"] == "solutions"
    assert nb.metadata["colab"]["collapsed_sections"] == ["solutions"]
    for cell in nb.cells[2:]:
        assert cell["metadata"]["jupyter"]["source_hidden"] is True
    assert nb.cells[3]["metadata"]["jupyter"]["outputs_hidden"] is True
    assert "jupyter" not in nb.cells[0]["metadata"]  # the lesson itself stays open
    assert "outputs_hidden" not in nb.cells[2]["metadata"]["jupyter"]  # markdown has no outputs


@pytest.mark.parametrize(
    "sources",
    [("# Title", START, END), ("# Title", START, END, "## Solutions")],
    ids=["no heading", "heading after the solutions"],
)
def test_hide_solutions_needs_the_heading_first(sources):
    with pytest.raises(ValueError, match="## Solutions"):
        tool.hide_solutions(notebook(*sources))


def test_a_notebook_without_solutions_is_left_alone():
    nb = notebook("# Title", "code:x = 1")
    tool.hide_solutions(nb)
    assert "colab" not in nb.metadata


@pytest.mark.parametrize(
    ("elapsed", "slowest", "flags"),
    [
        (30.0, 10.0, []),
        (30.1, 1.0, ["notebook over 30 s"]),
        (5.0, 10.01, ["a cell over 10 s"]),
        (40.0, 12.0, ["notebook over 30 s", "a cell over 10 s"]),
    ],
)
def test_budget_flags(elapsed, slowest, flags):
    assert tool.budget_flags(elapsed, slowest) == flags


def test_cell_seconds_reads_nbclient_timing():
    timing = {
        "iopub.execute_input": "2026-01-01T10:00:00.250Z",
        "shell.execute_reply": "2026-01-01T10:00:02.750Z",
    }
    assert tool.cell_seconds(timing) == pytest.approx(2.5)


def fake_run(times):
    def run(path):
        return notebook("## Solutions", START, END), *times[path.name]

    return run


@pytest.mark.parametrize(
    ("times", "status"),
    [
        ({"a.ipynb": (12.0, [1.0, 3.0]), "b.ipynb": (20.0, [9.5])}, 0),
        ({"a.ipynb": (12.0, [1.0, 3.0]), "b.ipynb": (31.0, [2.0])}, 1),
        ({"a.ipynb": (12.0, [11.0])}, 1),
    ],
)
def test_bench_exits_non_zero_over_budget(monkeypatch, capsys, times, status):
    monkeypatch.setattr(tool, "run", fake_run(times))
    assert tool.main(["bench", *times]) == status
    out = capsys.readouterr().out
    assert ("over budget" in out) == bool(status)


def test_execute_writes_the_notebook_with_folded_solutions(monkeypatch, tmp_path):
    path = tmp_path / "a.ipynb"
    monkeypatch.setattr(tool, "run", fake_run({"a.ipynb": (40.0, [12.0])}))
    assert tool.main(["execute", str(path)]) == 0  # execute stores; only bench enforces budgets
    written = nbformat.read(path, as_version=4)
    assert written.metadata["colab"]["collapsed_sections"] == ["solutions"]
    assert written.cells[1]["metadata"]["jupyter"]["source_hidden"] is True
