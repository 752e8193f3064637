"""Reading football-data.co.uk files (parsed in Rust) into pandas."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import _optional
from . import _scoreline as _native


def read_football_data(path_or_dir: Any, *, divisions: list[str] | None = None, seasons: list[str] | None = None) -> Any:
    """A DataFrame of one file, or of ``<dir>/mmz4281/<season>/<div>.csv`` for
    the given divisions and seasons (default: every file under the folder).
    Columns: Date (datetime64), Div, Season (the file's ``mmz4281/<season>/``
    folder, e.g. ``"1920"`` also for July 2020), HomeTeam, AwayTeam, FTHG, FTAG
    (floats; NaN for unplayed fixtures) and the odds families B365, PS, PSC, Avg, Max
    (H/D/A) and B365, P, Avg over/under 2.5, as floats (NaN where missing)."""
    pd = _optional.pandas("scoreline.read_football_data")

    root = Path(os.fspath(path_or_dir))
    if root.is_file():
        paths = [root]
    else:
        base = root / "mmz4281" if (root / "mmz4281").is_dir() else root
        paths = sorted(
            p
            for p in base.glob("*/*.csv")
            if (divisions is None or p.stem in divisions) and (seasons is None or p.parent.name in seasons)
        )
        if not paths:
            raise _native.DataError(f"no football-data files under {root} (expected mmz4281/<season>/<div>.csv)")
    columns = _native.read_football_data_columns([str(p) for p in paths])
    frame = pd.DataFrame(columns)
    frame.insert(0, "Date", pd.to_datetime(frame.pop("date"), unit="D"))
    return frame.sort_values("Date", kind="stable").reset_index(drop=True)
