"""Market-implied expected goals of every E0/E1 match, 2015-16 to 2024-25.

For each match the 1X2 odds (Pinnacle closing, else Pinnacle, else the market
average, else Bet365) and the over/under 2.5 odds (Pinnacle closing, else
Pinnacle, else the averages; 50% when none) are de-margined proportionally,
and (λ_home, λ_away) of a double Poisson are solved by least squares so that
P(home win), P(away win) and P(over 2.5) match them.

Usage: python market_xg.py OUT.csv   (reads $SCORELINE_DATA_DIR)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.stats import poisson

GOALS = np.arange(12)
ONE_X_TWO = [("PSCH", "PSCD", "PSCA"), ("PSH", "PSD", "PSA"), ("AvgH", "AvgD", "AvgA"),
             ("BbAvH", "BbAvD", "BbAvA"), ("B365H", "B365D", "B365A")]
OVER_UNDER = [("PC>2.5", "PC<2.5"), ("P>2.5", "P<2.5"), ("AvgC>2.5", "AvgC<2.5"),
              ("Avg>2.5", "Avg<2.5"), ("BbAv>2.5", "BbAv<2.5")]


def double_poisson(log_rates: np.ndarray) -> np.ndarray:
    """P(home win), P(away win), P(over 2.5) of independent Poisson goals."""
    home, away = np.exp(log_rates)
    grid = np.outer(poisson.pmf(GOALS, home), poisson.pmf(GOALS, away))
    total = np.add.outer(GOALS, GOALS)
    return np.array([np.tril(grid, -1).sum(), np.triu(grid, 1).sum(), grid[total > 2].sum()])


def first_prices(row: pd.Series, groups: list[tuple[str, ...]]) -> np.ndarray | None:
    """The first group of odds columns fully present in the row, de-margined."""
    for group in groups:
        if all(c in row.index and pd.notna(row[c]) for c in group):
            inverse = 1.0 / np.array([float(row[c]) for c in group])
            return inverse / inverse.sum()
    return None


def main() -> int:
    out = Path(sys.argv[1])
    data = Path(os.environ.get("SCORELINE_DATA_DIR", "../shared/data")) / "football-data" / "mmz4281"
    rows = []
    for season_dir in sorted(data.iterdir()):
        if not (15 <= int(season_dir.name[:2]) <= 24):
            continue
        for div in ("E0", "E1"):
            frame = pd.read_csv(season_dir / f"{div}.csv", encoding="latin-1", on_bad_lines="skip")
            for _, row in frame.dropna(subset=["HomeTeam"]).iterrows():
                one_x_two = first_prices(row, ONE_X_TWO)
                if one_x_two is None:
                    continue
                over_under = first_prices(row, OVER_UNDER)
                target = np.array([one_x_two[0], one_x_two[2], 0.5 if over_under is None else over_under[0]])
                fit = least_squares(lambda x, t=target: double_poisson(x) - t, x0=[0.3, 0.1])
                home, away = np.exp(fit.x)
                rows.append((season_dir.name, div, row["HomeTeam"], row["AwayTeam"], home, away))
    pd.DataFrame(rows, columns=["season", "div", "home", "away", "lh", "la"]).to_csv(out, index=False)
    print(f"{out}: {len(rows)} matches")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
