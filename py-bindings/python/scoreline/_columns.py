"""Turning user input (pandas, numpy, lists, dicts of columns) into the plain
arrays the native module takes. Only conversion lives here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._scoreline import DataError

ColumnSource = Any  # a pandas DataFrame, a Mapping of columns, or None


def column(data: ColumnSource, spec: Any, name: str) -> Any:
    """The column named ``spec`` in ``data``, or ``spec`` itself when it is array-like."""
    if isinstance(spec, str):
        if data is None:
            raise DataError(f"{name}: column {spec!r} given but no data")
        try:
            return data[spec]
        except (KeyError, IndexError):
            available = list(data.keys()) if isinstance(data, Mapping) else list(getattr(data, "columns", []))
            raise DataError(f"{name}: no column {spec!r} (columns: {available})") from None
    return spec


def strings(values: Any, name: str) -> list[Any]:
    """Team names as a list (each item is checked to be a ``str`` in Rust,
    which names the row of a missing or non-text value)."""
    return list(_to_list(values))


def floats(values: Any, name: str) -> np.ndarray:
    """A float64 array (goals are checked to be whole numbers in Rust)."""
    try:
        arr = np.asarray(_to_numpy(values), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: cannot be read as numbers ({exc})") from None
    if arr.ndim != 1:
        raise DataError(f"{name}: expected a 1-D column, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


def booleans(values: Any, name: str, n: int) -> np.ndarray:
    """A bool array of length ``n``."""
    arr = np.asarray(_to_numpy(values))
    if arr.dtype != np.bool_:
        if arr.dtype.kind in "iuf" and np.all(np.isin(arr, [0, 1])):
            arr = arr.astype(bool)
        elif arr.dtype.kind in "OUS":
            lowered = np.char.lower(arr.astype(str))
            if not np.all(np.isin(lowered, ["true", "false", "1", "0"])):
                raise DataError(f"{name}: expected booleans, got values like {arr[:3].tolist()}")
            arr = np.isin(lowered, ["true", "1"])
        else:
            raise DataError(f"{name}: expected booleans, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise DataError(f"{name}: has {arr.size} rows, expected {n}")
    return np.ascontiguousarray(arr)


def days(values: Any, name: str) -> np.ndarray:
    """Dates as int64 days since 1970-01-01 (accepts datetime64, pandas, ISO strings, date objects)."""
    try:
        arr = np.asarray(_to_numpy(values)).astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: cannot be read as dates ({exc}); parse them first, e.g. with pandas.to_datetime") from None
    if np.isnat(arr).any():
        raise DataError(f"row {int(np.argmax(np.isnat(arr)))}: {name} is missing")
    return np.ascontiguousarray(arr.astype(np.int64))


def one_day(value: Any, name: str) -> int:
    """One date as days since 1970-01-01."""
    return int(days([value], name)[0])


def is_pandas(obj: Any) -> bool:
    """True for a pandas Series or DataFrame (without importing pandas)."""
    return type(obj).__module__.startswith("pandas")


def _to_numpy(values: Any) -> Any:
    if hasattr(values, "to_numpy"):
        return values.to_numpy()
    return values


def _to_list(values: Any) -> Sequence[Any]:
    if hasattr(values, "tolist"):
        return values.tolist()  # type: ignore[no-any-return]
    if isinstance(values, (str, bytes)):
        raise DataError("expected a column of team names, got a single string")
    return list(values)


def factorize(*columns: Any) -> tuple[list[Any], list[np.ndarray]]:
    """The distinct team names across ``columns`` and, per column, an int64
    array of codes into them (−1 for a missing name), so that only the
    distinct names cross into Rust."""
    arrays = [np.asarray(_to_numpy(c), dtype=object).ravel() for c in columns]
    if any(isinstance(c, (str, bytes)) for c in columns):
        raise DataError("expected a column of team names, got a single string")
    joined = np.concatenate(arrays) if arrays else np.array([], dtype=object)
    try:
        import pandas as pd

        codes, uniques = pd.factorize(joined, use_na_sentinel=True)
        names = list(uniques)
    except ImportError:
        missing = np.array([v is None or (isinstance(v, float) and np.isnan(v)) for v in joined], dtype=bool)
        names_arr, inverse = np.unique(joined[~missing].astype(str), return_inverse=True)
        codes = np.full(len(joined), -1, dtype=np.int64)
        codes[~missing] = inverse
        names = names_arr.tolist()
    codes = np.asarray(codes, dtype=np.int64)
    out, start = [], 0
    for a in arrays:
        out.append(np.ascontiguousarray(codes[start : start + len(a)]))
        start += len(a)
    return names, out


def match_arrays(
    data: ColumnSource,
    *,
    home: Any = "HomeTeam",
    away: Any = "AwayTeam",
    home_goals: Any = "FTHG",
    away_goals: Any = "FTAG",
    date: Any = "Date",
    neutral: Any = None,
    weights: Any = None,
) -> dict[str, Any]:
    """The match columns as the native module takes them (``FittedModel.fit``
    and ``backtest_walk_forward``): teams, home, away (codes into teams),
    home_goals, away_goals, dates, neutral, weights. Each argument is a
    column name in ``data`` or the values; ``date=None`` numbers the rows as
    consecutive days."""
    teams, (home_codes, away_codes) = factorize(column(data, home, "home"), column(data, away, "away"))
    n = len(home_codes)
    if len(away_codes) != n:
        raise DataError(f"away has {len(away_codes)} rows, expected {n} (one per match)")
    return {
        "teams": teams,
        "home": home_codes,
        "away": away_codes,
        "home_goals": floats(column(data, home_goals, "home_goals"), "home_goals"),
        "away_goals": floats(column(data, away_goals, "away_goals"), "away_goals"),
        "dates": np.arange(n, dtype=np.int64) if date is None else days(column(data, date, "date"), "date"),
        "neutral": None if neutral is None else booleans(column(data, neutral, "neutral"), "neutral", n),
        "weights": None if weights is None else floats(column(data, weights, "weights"), "weights"),
    }


def labels(values: Any, name: str, n: int) -> tuple[list[str], np.ndarray]:
    """Optional text per row (divisions, seasons) as distinct names and int64
    codes into them (−1 where missing)."""
    names, (codes,) = factorize(values)
    if len(codes) != n:
        raise DataError(f"{name} has {len(codes)} rows, expected {n} (one per match)")
    return [str(v) for v in names], codes


#: Bookmaker odds columns by the engine's family name: the football-data.co.uk
#: names (the first complete set present wins), 1X2 as home/draw/away and
#: over/under 2.5 as over/under.
ODDS_COLUMNS: dict[str, list[tuple[str, ...]]] = {
    "bet365": [("B365H", "B365D", "B365A")],
    "pinnacle": [("PSH", "PSD", "PSA")],
    "pinnacle_closing": [("PSCH", "PSCD", "PSCA")],
    "market_average": [("AvgH", "AvgD", "AvgA"), ("BbAvH", "BbAvD", "BbAvA")],
    "market_maximum": [("MaxH", "MaxD", "MaxA"), ("BbMxH", "BbMxD", "BbMxA")],
    "bet365_over_under": [("B365>2.5", "B365<2.5")],
    "pinnacle_over_under": [("P>2.5", "P<2.5")],
    "market_average_over_under": [("Avg>2.5", "Avg<2.5"), ("BbAv>2.5", "BbAv<2.5")],
}


def odds_arrays(data: ColumnSource) -> dict[str, np.ndarray]:
    """The odds families present in ``data`` as float64 (n, 3) or (n, 2)
    arrays (NaN where a price is missing)."""
    present = set(data.keys()) if isinstance(data, Mapping) else set(getattr(data, "columns", []))
    out: dict[str, np.ndarray] = {}
    for family, candidates in ODDS_COLUMNS.items():
        names = next((c for c in candidates if all(n in present for n in c)), None)
        if names is None:
            continue
        try:
            arr = np.column_stack([np.asarray(_to_numpy(data[n]), dtype=np.float64) for n in names])
        except (TypeError, ValueError) as exc:
            raise DataError(f"odds columns {', '.join(names)} cannot be read as numbers ({exc})") from None
        out[family] = np.ascontiguousarray(arr)
    return out


def has_column(data: ColumnSource, name: str) -> bool:
    """True when ``data`` has a column called ``name``."""
    if isinstance(data, Mapping):
        return name in data
    return name in getattr(data, "columns", [])
