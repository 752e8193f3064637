"""A griffe extension for the API pages: the package's docstrings list
parameters as ``name : description`` (the types are in the signatures and the
stub), which the numpy parser would read as ``name : type``. This rewrites
each such entry to numpy's ``name`` + indented description, turns prose
after the last entry of a Parameters section into a Notes section, and
renames an "Example" section to numpy's "Examples" (so ``>>>`` lines are code).
Only the text given to the documentation changes, never the package.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

SECTION = re.compile(r"^\s*(Parameters|Other Parameters|Example)\n\s*-+\n", re.MULTILINE)
ENTRY = re.compile(r"^(\w[\w, ]*?) : (.+)$")


def rewrite(text: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    in_params = False
    after_blank = False
    for i, line in enumerate(lines):
        is_header = i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip() or "x") is not None
        if is_header:
            in_params = line.strip() in ("Parameters", "Other Parameters")
            after_blank = False
            if line.strip() == "Example":  # numpy's name is "Examples": its >>> lines become code
                line = line.replace("Example", "Examples")
            out.append(line)
            continue
        if in_params:
            if not line.strip():
                after_blank = True
                out.append(line)
                continue
            entry = ENTRY.match(line)
            if entry:
                out += [entry.group(1), "    " + entry.group(2)]
                after_blank = False
                continue
            if after_blank and not line.startswith(" ") and not re.fullmatch(r"-{3,}", line.strip()):
                out += ["Notes", "-----"]
                in_params = False
        out.append(line)
    return "\n".join(out)


class PlainParams(griffe.Extension):
    """Rewrites ``name : description`` parameter entries before parsing."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and SECTION.search(obj.docstring.value):
            obj.docstring.value = rewrite(obj.docstring.value)
