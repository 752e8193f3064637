"""Shared helpers for the peer scripts in ``benches/peers/``: paths, data loading, JSON output.

Nothing here computes a model; it only reads the shared data files the same way
for every peer script so that all of them see identical matches in identical order.

* ``SCORELINE_DATA_DIR`` (default ``<repo>/../shared/data``) is where the data lives.
* ``SCORELINE_PEERS_DIR`` (default ``<repo>/target/peers``) is where JSON is written.

football-data files are read as Latin-1 (a UTF-8 byte-order mark then shows up as
``"ï»¿"`` and is stripped from the first header), rows with an empty ``HomeTeam``
are skipped, and day-first dates with 2- or 4-digit years are parsed with a pivot
(2-digit years >= 90 are 19xx).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

REPO_ROOT = Path(__file__).resolve().parents[2]
XI = 0.0018
# penaltyblog's predictions are compared on its usual 0..10 grid (max_goals=11).
MAX_GOALS = 10
# The independent reference's 1X2 is the untruncated model's, as our default
# (adaptive) grid is: at the league's rates a 50-goal grid leaves < 1e-30 outside.
EXACT_MAX_GOALS = 50

# (division, season) pairs of the six reference cases, each fitted unweighted and weighted.
CASE_SEASONS: list[tuple[str, str]] = [("E0", "1112"), ("E0", "2223"), ("E0", "2324")]


def data_dir() -> Path:
    """The shared data folder (``$SCORELINE_DATA_DIR`` or ``<repo>/../shared/data``)."""
    env = os.environ.get("SCORELINE_DATA_DIR")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def peers_dir() -> Path:
    """The output folder (``$SCORELINE_PEERS_DIR`` or ``<repo>/target/peers``), created if needed."""
    env = os.environ.get("SCORELINE_PEERS_DIR")
    out = Path(env) if env else REPO_ROOT / "target" / "peers"
    out.mkdir(parents=True, exist_ok=True)
    return out


@dataclass
class Matches:
    """Matches in file order."""

    dates: list[dt.date]
    home: list[str]
    away: list[str]
    home_goals: NDArray[np.int64]
    away_goals: NDArray[np.int64]
    neutral: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.home)

    def concat(self, other: Matches) -> Matches:
        return Matches(
            self.dates + other.dates,
            self.home + other.home,
            self.away + other.away,
            np.concatenate([self.home_goals, other.home_goals]),
            np.concatenate([self.away_goals, other.away_goals]),
            np.concatenate([self.neutral, other.neutral]),
        )


def parse_day_first(text: str) -> dt.date:
    """``dd/mm/yy`` or ``dd/mm/yyyy``; 2-digit years >= 90 are 19xx, others 20xx."""
    day, month, year = (int(p) for p in text.strip().split("/"))
    if year < 100:
        year += 1900 if year >= 90 else 2000
    return dt.date(year, month, day)


def load_football_data(division: str, season: str) -> Matches:
    """One football-data.co.uk season file, e.g. ``("E0", "2324")``."""
    path = data_dir() / "football-data" / "mmz4281" / season / f"{division}.csv"
    dates: list[dt.date] = []
    home: list[str] = []
    away: list[str] = []
    hg: list[int] = []
    ag: list[int] = []
    with path.open(encoding="latin-1", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        header[0] = header[0].removeprefix("\u00ef\u00bb\u00bf")
        col = {name: i for i, name in enumerate(header) if name}
        for row in reader:
            if len(row) <= col["HomeTeam"] or not row[col["HomeTeam"]].strip():
                continue
            dates.append(parse_day_first(row[col["Date"]]))
            home.append(row[col["HomeTeam"]].strip())
            away.append(row[col["AwayTeam"]].strip())
            hg.append(int(row[col["FTHG"]]))
            ag.append(int(row[col["FTAG"]]))
    n = len(home)
    return Matches(
        dates,
        home,
        away,
        np.array(hg, np.int64),
        np.array(ag, np.int64),
        np.zeros(n, bool),
    )


def load_international(since: dt.date) -> Matches:
    """``international/results.csv`` from ``since`` on, rows with both scores present."""
    path = data_dir() / "international" / "results.csv"
    dates: list[dt.date] = []
    home: list[str] = []
    away: list[str] = []
    hg: list[int] = []
    ag: list[int] = []
    neutral: list[bool] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["home_score"].strip() or not row["away_score"].strip():
                continue
            when = dt.date.fromisoformat(row["date"])
            if when < since:
                continue
            dates.append(when)
            home.append(row["home_team"])
            away.append(row["away_team"])
            hg.append(int(row["home_score"]))
            ag.append(int(row["away_score"]))
            neutral.append(row["neutral"].strip().upper() == "TRUE")
    return Matches(
        dates,
        home,
        away,
        np.array(hg, np.int64),
        np.array(ag, np.int64),
        np.array(neutral, bool),
    )


def largest_component(m: Matches) -> Matches:
    """The matches whose teams lie in the largest connected component of the match graph."""
    parent: dict[str, str] = {}

    def find(t: str) -> str:
        parent.setdefault(t, t)
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for h, a in zip(m.home, m.away):
        rh, ra = find(h), find(a)
        if rh != ra:
            parent[rh] = ra
    sizes: dict[str, int] = {}
    for t in list(parent):
        r = find(t)
        sizes[r] = sizes.get(r, 0) + 1
    best = max(sizes, key=lambda r: sizes[r])
    keep = [i for i, h in enumerate(m.home) if find(h) == best]
    idx = np.array(keep, np.int64)
    return Matches(
        [m.dates[i] for i in keep],
        [m.home[i] for i in keep],
        [m.away[i] for i in keep],
        m.home_goals[idx],
        m.away_goals[idx],
        m.neutral[idx],
    )


def decay_weights(
    dates: list[dt.date], xi: float = XI
) -> tuple[NDArray[np.float64], dt.date]:
    """``w_i = exp(-xi * days(reference - date_i))`` with reference = the latest date."""
    reference = max(dates)
    days = np.array([(reference - d).days for d in dates], dtype=np.int64)
    return np.exp(-xi * days), reference


#: Warm-up before timing: at least WARMUP_CALLS calls and WARMUP_S seconds,
#: but no more than WARMUP_MAX_S seconds (a single slow call may exceed it).
#: penaltyblog's first fits of a session run ~10x slower than from the
#: third on (0.75 s, 0.34 s, then 0.05-0.07 s for E0 2023-24 here), so one
#: warm-up call is not enough.
WARMUP_CALLS = 3
WARMUP_S = 1.0
WARMUP_MAX_S = 20.0


def warm_up(fn: Callable[[], Any]) -> int:
    """Calls ``fn`` untimed until it is warm (see ``WARMUP_*``); returns the number of calls."""
    start = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if (calls >= WARMUP_CALLS and elapsed >= WARMUP_S) or elapsed >= WARMUP_MAX_S:
            return calls


def one_thread() -> Any:
    """A context in which BLAS and OpenMP pools (numpy's, scipy's) run on one
    thread, as our fits and predictions do (one core each side). penaltyblog's
    SLSQP fit spends its time in small BLAS calls; with OpenBLAS's default
    two threads on this 2-core machine under load, its E0 2023-24 fit took
    0.5-2.3 s against 0.06-0.08 s on one thread (threadpoolctl, same run)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def median_time(fn: Callable[[], Any], runs: int) -> float:
    """The median wall time of ``fn`` in seconds over ``runs`` calls (at
    least 3), after :func:`warm_up`: every row of ``make bench`` compares
    warm medians on both sides."""
    warm_up(fn)
    times = []
    for _ in range(max(runs, 3)):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def write_json(name: str, payload: dict[str, Any]) -> Path:
    """Writes ``payload`` to ``<peers_dir>/<name>`` (floats as ``repr``, i.e. full precision)."""
    path = peers_dir() / name
    path.write_text(
        json.dumps(payload, indent=1, allow_nan=False) + "\n", encoding="utf-8"
    )
    return path
