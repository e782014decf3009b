#!/usr/bin/env python
"""Re-execute chapter notebooks in place, so that their stored outputs are current.

The book renders the outputs stored in each notebook and nbval compares fresh runs
against them, so after changing a chapter (or `mem`), run::

    python scripts/execute_chapters.py                      # every notebook page (`make execute`)
    python scripts/execute_chapters.py chapters/02_*.ipynb  # some

Cells run in a fresh kernel in the notebook's folder. Per-cell execution timestamps
that the client records are removed, so that a re-run changes only what really changed;
the whole run's wall time is kept in the notebook's metadata (``mem.execution_seconds``,
with the machine's CPU count), where the book's performance page reads it, together with the
numerics fingerprint of the execution (``mem.fingerprint``: the kernel inherits this process's
environment, and every page pins one torch thread), which decides whether a re-run on another
machine can be bit-identical or only reach the same conclusions.

The stored outputs are executed under the zoo's fingerprint, so that the chapters' live re-runs
match the zoo bit for bit there. On a CPU with AVX-512 that means lowering torch's and oneDNN's
dispatch, as `make execute` does::

    ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 python scripts/execute_chapters.py
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mem.fingerprint import fingerprint

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - t0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    # No stored widget state: with it the published page draws controls that no kernel drives
    # (the widget cells are tagged remove-output; tests/test_page_layout.py checks both).
    nb.metadata.pop("widgets", None)
    nb.metadata["mem"] = {"execution_seconds": round(seconds, 1), "cpu_count": os.cpu_count(),
                          "fingerprint": fingerprint(threads=1)}
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    # By default every notebook page: the chapters, the intro, and last the performance page,
    # which reports the execution times that the others have just stored.
    paths = [Path(p) for p in argv] or [*sorted((ROOT / "chapters").glob("*.ipynb")), ROOT / "book" / "intro.ipynb",
                                        ROOT / "book" / "performance.ipynb"]
    for p in paths:
        print(f"{p}: {execute(p):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
