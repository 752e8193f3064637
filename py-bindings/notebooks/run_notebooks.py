"""Executes every notebook in this folder headless (nbclient, as
``jupyter nbconvert --execute`` does), each from its own folder, and fails on
the first cell error or when a notebook's executed outputs hold no figure
(``image/png``): the notebooks are what the docs show, so their figures must
survive execution.

The kernel runs as a user's would: from the notebook's folder, with the
inline matplotlib backend (``MPLBACKEND`` is not passed on) and, when
``$SCORELINE_DATA_DIR`` is the repository's default ``../shared/data``,
without that variable, so the notebooks must find the data by themselves.
With ``--output-dir DIR`` the executed notebooks (outputs and figures
included) are written there for the docs site.

Rerun: ``.venv/bin/python py-bindings/notebooks/run_notebooks.py [--output-dir target/notebooks] [NAME.ipynb ...]``
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def figures(nb: nbformat.NotebookNode) -> int:
    """The number of ``image/png`` outputs in an executed notebook."""
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


def kernel_environment() -> None:
    """Makes this process's environment (inherited by the kernel) a user's."""
    os.environ.pop("MPLBACKEND", None)
    default = (REPO.parent / "shared" / "data").resolve()
    given = os.environ.get("SCORELINE_DATA_DIR")
    if given is not None and Path(given).resolve() == default:
        os.environ.pop("SCORELINE_DATA_DIR")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", type=Path, help="write the executed notebooks here")
    parser.add_argument("names", nargs="*", help="notebooks to run (default: every *.ipynb here)")
    args = parser.parse_args()
    notebooks = [HERE / n for n in args.names] if args.names else sorted(HERE.glob("*.ipynb"))
    notebooks = [p for p in notebooks if not p.name.endswith(".nbconvert.ipynb")]
    if not notebooks:
        print("no notebooks found", file=sys.stderr)
        return 1
    kernel_environment()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
        images = figures(nb)
        if images == 0:
            print(f"{path.name}: ran, but its outputs hold no image/png figure", file=sys.stderr)
            return 1
        print(f"{path.name}: {len(nb.cells)} cells ran without error, {images} figures")
        if args.output_dir is not None:
            args.output_dir.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, args.output_dir / path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
