"""penaltyblog's Dixon–Coles refitted before every match date, as in issue 6.

Training: E0 + E1 of the three seasons before the target season plus the target
season so far, weighted by ``dixon_coles_weights(dates, xi)``, default
``fit()``; predictions with ``predict(home, away, max_goals=11)``.

Usage: python penaltyblog_backtest.py OUT.csv SEASON [XI]   (one season takes ~5 min)
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from penaltyblog.models import DixonColesGoalModel, dixon_coles_weights

SEASONS = ["1516", "1617", "1718", "1819", "1920", "2021", "2122", "2223", "2324", "2425"]


def load(data: Path, season: str, div: str) -> pd.DataFrame:
    frame = pd.read_csv(data / season / f"{div}.csv", encoding="latin-1", on_bad_lines="skip")
    frame = frame.dropna(subset=["HomeTeam", "FTHG"])
    frame["date"] = pd.to_datetime(frame["Date"], dayfirst=True, format="mixed")
    return frame


def main() -> int:
    warnings.filterwarnings("ignore")
    out, season = Path(sys.argv[1]), sys.argv[2]
    xi = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0018
    data = Path(os.environ.get("SCORELINE_DATA_DIR", "../shared/data")) / "football-data" / "mmz4281"
    at = SEASONS.index(season)
    history = pd.concat([load(data, s, d) for s in SEASONS[at - 3 : at + 1] for d in ("E0", "E1")])
    history = history.sort_values("date")
    target = load(data, season, "E0")
    rows = []
    started = time.perf_counter()
    for date in sorted(target["date"].unique()):
        train = history[history["date"] < date]
        model = DixonColesGoalModel(
            train["FTHG"].astype(int).to_numpy(),
            train["FTAG"].astype(int).to_numpy(),
            train["HomeTeam"].to_numpy(),
            train["AwayTeam"].to_numpy(),
            weights=dixon_coles_weights(train["date"], xi=xi),
        )
        model.fit()
        for _, row in target[target["date"] == date].iterrows():
            home, draw, away = model.predict(row["HomeTeam"], row["AwayTeam"], max_goals=11).home_draw_away
            rows.append((str(row["date"].date()), row["HomeTeam"], row["AwayTeam"], home, draw, away))
    pd.DataFrame(rows, columns=["date", "home", "away", "bh", "bd", "ba"]).to_csv(out, index=False)
    print(f"{out}: {len(rows)} matches in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
