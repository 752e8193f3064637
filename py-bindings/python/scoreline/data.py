"""Reading football-data.co.uk files (parsed in Rust) into pandas."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import _optional
from . import _scoreline as _native

__all__ = [
    "DataQualityWarning",
    "DuplicateMatchWarning",
    "SimilarTeamNamesWarning",
    "read_football_data",
]


class DataQualityWarning(UserWarning):
    """Something in match data worth a look that does not stop a fit."""


class DuplicateMatchWarning(DataQualityWarning):
    """A match (date, home team, away team) appears more than once; the message
    names every row and says whether the copies were kept or dropped."""


class SimilarTeamNamesWarning(DataQualityWarning):
    """Team names that differ only in case, spacing or look-alike characters
    (probably one team spelled two ways; each is rated as a team of its own)."""


_WARNING_KINDS: dict[str, type[DataQualityWarning]] = {
    "duplicate_match": DuplicateMatchWarning,
    "similar_team_names": SimilarTeamNamesWarning,
}


def _season_key(season: str) -> int:
    """The start year of a season code such as ``9394`` or ``2324``."""
    yy = int(season[:2]) if season[:2].isdigit() else 0
    return 1900 + yy if yy >= 90 else 2000 + yy


def _check_available(root: Path, found: list[Path], divisions: list[str] | None, seasons: list[str] | None) -> None:
    """Raises DataError naming the divisions and seasons there are when one asked for is missing."""
    all_divisions = sorted({p.stem for p in found})
    all_seasons = sorted({p.parent.name for p in found}, key=_season_key)
    for division in divisions or []:
        if division not in all_divisions:
            raise _native.DataError(
                f"{root}: no division {division!r} (available divisions: {', '.join(all_divisions) or 'none'}; "
                f"seasons: {', '.join(all_seasons) or 'none'})"
            )
    for season in seasons or []:
        if divisions is None:
            if season not in all_seasons:
                raise _native.DataError(
                    f"{root}: no season {season!r} (available seasons: {', '.join(all_seasons) or 'none'})"
                )
            continue
        for division in divisions:
            has = sorted({p.parent.name for p in found if p.stem == division}, key=_season_key)
            if season not in has:
                raise _native.DataError(
                    f"{root}: no {division} file for season {season!r} "
                    f"(seasons available for {division}: {', '.join(has) or 'none'})"
                )


def _codes(values: str | Iterable[str] | None) -> list[str] | None:
    """One code or several as a list (a bare string is one code, not its letters)."""
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def read_football_data(
    path_or_dir: Any,
    *,
    divisions: str | Iterable[str] | None = None,
    seasons: str | Iterable[str] | None = None,
    duplicates: str = "keep",
) -> Any:
    """A DataFrame of one file, or of ``<dir>/mmz4281/<season>/<div>.csv`` for
    the given divisions and seasons (default: every file under the folder).
    Columns: Date (datetime64), Div, Season (the file's ``mmz4281/<season>/``
    folder, e.g. ``"1920"`` also for July 2020), HomeTeam, AwayTeam, FTHG, FTAG
    (floats; NaN for unplayed fixtures) and the odds families B365, PS, PSC, Avg, Max
    (H/D/A) and B365, P, Avg over/under 2.5, as floats (NaN where missing).

    ``divisions`` and ``seasons`` take one code (``"E0"``) or several
    (``["E0", "E1"]``). A division asked for that has no file, or (with ``divisions``) a season
    without a file for one of them, raises ``DataError`` listing the divisions
    and seasons there are.

    ``duplicates`` says what to do with a played match (date, home, away) that
    appears more than once: ``"error"`` raises ``DataError`` naming both rows,
    ``"keep"`` (the default) keeps every copy, ``"drop"`` keeps the first.
    What loading found without failing (repeats, team names that differ only in
    case, spacing or look-alike characters) is issued as a ``DataQualityWarning``
    subclass each and listed in ``frame.attrs["warnings"]`` as
    ``{"kind": ..., "message": ...}`` dicts."""
    pd = _optional.pandas("scoreline.read_football_data")

    divisions, seasons = _codes(divisions), _codes(seasons)
    root = Path(os.fspath(path_or_dir))
    if root.is_file():
        paths = [root]
    else:
        base = root / "mmz4281" if (root / "mmz4281").is_dir() else root
        found = sorted(base.glob("*/*.csv"))
        if not found:
            raise _native.DataError(f"no football-data files under {root} (expected mmz4281/<season>/<div>.csv)")
        _check_available(root, found, divisions, seasons)
        paths = [
            p
            for p in found
            if (divisions is None or p.stem in divisions) and (seasons is None or p.parent.name in seasons)
        ]
    columns, found_warnings = _native.read_football_data_columns([str(p) for p in paths], duplicates)
    for kind, message in found_warnings:
        warnings.warn(message, _WARNING_KINDS.get(kind, DataQualityWarning), stacklevel=2)
    frame = pd.DataFrame(columns)
    frame.insert(0, "Date", pd.to_datetime(frame.pop("date"), unit="D"))
    frame = frame.sort_values("Date", kind="stable").reset_index(drop=True)
    frame.attrs["warnings"] = [{"kind": kind, "message": message} for kind, message in found_warnings]
    return frame
