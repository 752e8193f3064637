"""Executes every notebook of py-bindings/notebooks into the docs build and
writes the figure gallery.

Run with the Python that has the `scoreline` wheel installed (the wheel venv):

    .venv-wheel/bin/python docs/scripts/execute_notebooks.py docs/generated

Writes ``OUT/notebooks/<name>.ipynb`` (executed, with outputs) and
``OUT/gallery.md`` (every figure of every notebook, as a PNG file under
``OUT/gallery/``, with a link back to its notebook page). Fails on the first
cell error, and when the notebooks produce no figure at all.
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "py-bindings" / "notebooks"


def heading_before(cells: list, index: int) -> str:
    """The last Markdown heading at or before cell ``index`` (the figure's caption)."""
    for cell in reversed(cells[: index + 1]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return ""


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1]).resolve()
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    (out / "gallery").mkdir(parents=True, exist_ok=True)
    # The kernel draws with matplotlib's inline backend, so every figure becomes
    # an image/png output (MPLBACKEND=Agg would draw them to nowhere).
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not paths:
        print(f"no notebooks in {NOTEBOOKS}", file=sys.stderr)
        return 1
    gallery = [
        "# Gallery",
        "",
        "Every figure of the notebooks, produced by `scoreline.plot` when this site was built",
        "(the notebooks are executed by `make docs`). Each links to the notebook that draws it.",
        "",
    ]
    n_figures = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}})
        client.execute()
        nbformat.write(nb, out / "notebooks" / path.name)
        figures = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" not in data:
                    continue
                figures += 1
                name = f"{path.stem}-{figures}.png"
                (out / "gallery" / name).write_bytes(base64.b64decode(data["image/png"]))
                caption = heading_before(nb.cells, index) or path.stem
                gallery += [
                    f"## {caption} ({path.stem}, figure {figures})",
                    "",
                    f"![{caption}](gallery/{name})",
                    "",
                    f"From [{path.stem}](notebooks/{path.name}), cell {index + 1}.",
                    "",
                ]
        print(f"{path.name}: {len(nb.cells)} cells executed, {figures} figures")
        n_figures += figures
    if n_figures == 0:
        print("the notebooks drew no figure: the gallery would be empty", file=sys.stderr)
        return 1
    (out / "gallery.md").write_text("\n".join(gallery), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
