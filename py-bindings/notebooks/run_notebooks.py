"""Executes every notebook in this folder headless (nbclient) and fails on
the first cell error; outputs are not written back.

Rerun: ``.venv/bin/python py-bindings/notebooks/run_notebooks.py``
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main() -> int:
    here = Path(__file__).resolve().parent
    os.environ.setdefault("MPLBACKEND", "Agg")
    notebooks = sorted(here.glob("*.ipynb"))
    if not notebooks:
        print("no notebooks found", file=sys.stderr)
        return 1
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
        print(f"{path.name}: {len(nb.cells)} cells ran without error")
    return 0


if __name__ == "__main__":
    sys.exit(main())
