"""Execute the course notebooks in place, or time them (`make execute`, `make bench`).

    python tools/notebooks.py execute book/01_overfitting.ipynb ...
    python tools/notebooks.py bench [--json FILE] book/*.ipynb

`execute` runs each notebook top to bottom in a fresh kernel of this environment and stores the
outputs, with execution counts 1..n and without timing metadata. `bench` does the same on a copy
and prints how long each notebook and its slowest cell took, against the course's budgets.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK_BUDGET_S = 25.0
CELL_BUDGET_S = 10.0


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
            began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            cell_times.append((ended - began).total_seconds())
    return notebook, elapsed, cell_times


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
    report = {}
    print(f"{'notebook':<32} {'total s':>8} {'slowest cell s':>15}")
    for path in args.notebooks:
        notebook, elapsed, cell_times = run(path)
        if args.command == "execute":
            nbformat.write(notebook, path)  # type: ignore[no-untyped-call]
        slowest = max(cell_times, default=0.0)
        total += elapsed
        flags = []
        if elapsed > NOTEBOOK_BUDGET_S:
            flags.append(f"notebook over {NOTEBOOK_BUDGET_S:g} s")
        if slowest > CELL_BUDGET_S:
            flags.append(f"a cell over {CELL_BUDGET_S:g} s")
        print(f"{path.name:<32} {elapsed:8.1f} {slowest:15.1f}  {'; '.join(flags)}")
        report[path.name] = {"total_s": round(elapsed, 2), "slowest_cell_s": round(slowest, 2)}
    print(f"{'all notebooks':<32} {total:8.1f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
