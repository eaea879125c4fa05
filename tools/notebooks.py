"""Execute the course notebooks in place, or time them (`make execute`, `make bench`).

    python tools/notebooks.py execute book/01_overfitting.ipynb ...
    python tools/notebooks.py bench [--json FILE] book/*.ipynb

`execute` runs each notebook top to bottom in a fresh kernel of this environment and stores the
outputs, with execution counts 1..n and without timing metadata. It also collapses the solutions
(see `hide_solutions`). `bench` does the same on a copy and prints how long each notebook and its
slowest cell took, against the course's budgets.

Solutions: every notebook ends with a section headed exactly `## Solutions`, which holds the
solution of each exercise between sphinx-exercise's `solution-start` and `solution-end` cells. On
the site each solution is a closed dropdown. In Jupyter the section starts collapsed: JupyterLab
(and Notebook 7) honour `jp-MarkdownHeadingCollapsed` on the heading cell, Colab honours the
notebook's `colab.collapsed_sections` list of heading cell ids, and every solution cell carries
`jupyter.source_hidden` (and `outputs_hidden`) as well, so that it stays folded when the heading is
opened.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

NOTEBOOK_BUDGET_S = 30.0
CELL_BUDGET_S = 10.0
SOLUTIONS_HEADING = "## Solutions"
SOLUTIONS_ID = "solutions"


def text(cell: Any) -> str:
    """Return a cell's source as one string."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else str(source)


def solution_cells(notebook: Any) -> list[int]:
    """Return the indices of the cells from each `solution-start` cell to its `solution-end` cell."""
    found: list[int] = []
    inside = False
    for index, cell in enumerate(notebook["cells"]):
        source = text(cell)
        starts = "{solution-start}" in source
        if starts and inside:
            raise ValueError(f"cell {index}: a solution-start inside an open solution")
        inside = inside or starts
        if inside:
            found.append(index)
        if "{solution-end}" in source:
            if not inside:
                raise ValueError(f"cell {index}: a solution-end without a solution-start")
            inside = False
    if inside:
        raise ValueError("a solution-start is never closed by a solution-end")
    return found


def solutions_heading(notebook: Any) -> int | None:
    """Return the index of the `## Solutions` heading cell, or None."""
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown" and text(cell).strip() == SOLUTIONS_HEADING:
            return index
    return None


def hide_solutions(notebook: Any) -> None:
    """Collapse the `## Solutions` section and every solution cell, in JupyterLab and in Colab.

    Raises:
        ValueError: if the notebook has solutions but no `## Solutions` heading before them.
    """
    cells = solution_cells(notebook)
    heading = solutions_heading(notebook)
    if not cells:
        return
    if heading is None or heading > cells[0]:
        raise ValueError(f"the solutions must follow a markdown cell that is exactly {SOLUTIONS_HEADING!r}")
    head = notebook["cells"][heading]
    head["id"] = SOLUTIONS_ID
    head["metadata"]["jp-MarkdownHeadingCollapsed"] = True
    head["metadata"]["id"] = SOLUTIONS_ID  # Colab names cells by metadata.id
    colab = notebook["metadata"].setdefault("colab", {})
    colab["collapsed_sections"] = [SOLUTIONS_ID]
    for index in cells:
        cell = notebook["cells"][index]
        hidden = cell["metadata"].setdefault("jupyter", {})
        hidden["source_hidden"] = True
        if cell["cell_type"] == "code":
            hidden["outputs_hidden"] = True


def run(path: Path) -> tuple[nbformat.NotebookNode, float, list[float]]:
    """Execute one notebook in a fresh kernel; return it, its wall time and each code cell's time."""
    # The kernel must be this environment's Python, whatever `python3` kernels exist elsewhere.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    cell_times = []
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code" and timing:
            cell_times.append(cell_seconds(timing))
    return notebook, elapsed, cell_times


def budget_flags(elapsed: float, slowest: float) -> list[str]:
    """Say which budget a notebook's wall time or its slowest cell exceeds (none: an empty list)."""
    flags = []
    if elapsed > NOTEBOOK_BUDGET_S:
        flags.append(f"notebook over {NOTEBOOK_BUDGET_S:g} s")
    if slowest > CELL_BUDGET_S:
        flags.append(f"a cell over {CELL_BUDGET_S:g} s")
    return flags


def cell_seconds(timing: dict[str, str]) -> float:
    """Return how long a cell ran, from the timing metadata that nbclient records."""
    began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return (ended - began).total_seconds()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["execute", "bench"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="bench: also write the timings to this JSON file")
    args = parser.parse_args(argv)

    total = 0.0
    over = False
    report = {}
    print(f"{'notebook':<32} {'total s':>8} {'slowest cell s':>15}")
    for path in args.notebooks:
        notebook, elapsed, cell_times = run(path)
        if args.command == "execute":
            hide_solutions(notebook)
            nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
        slowest = max(cell_times, default=0.0)
        total += elapsed
        flags = budget_flags(elapsed, slowest)
        over = over or bool(flags)
        print(f"{path.name:<32} {elapsed:8.1f} {slowest:15.1f}  {'; '.join(flags)}")
        report[path.name] = {"total_s": round(elapsed, 2), "slowest_cell_s": round(slowest, 2)}
    print(f"{'all notebooks':<32} {total:8.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    if over and args.command == "bench":
        print(f"over budget: a notebook must run in {NOTEBOOK_BUDGET_S:g} s, a cell in {CELL_BUDGET_S:g} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
