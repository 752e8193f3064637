"""Reference values for margin removal: penaltyblog's ``calculate_implied``
for every method on real bookmaker odds.

Takes up to 2,000 1X2 rows (Pinnacle ``PSH/PSD/PSA``, Bet365 ``B365H/D/A``
and market-average ``AvgH/D/A``) and 1,000 over/under 2.5 rows (``P>2.5``,
``B365>2.5``, ``Avg>2.5`` with their ``<2.5`` partners) from the Premier
League and Championship files 2019-20 … 2024-25 under ``SCORELINE_DATA_DIR``,
and writes ``$SCORELINE_PEERS_DIR/penaltyblog_implied.json``: one entry per
(odds, method) with penaltyblog's probabilities and margin, or its error.

Rerun: ``.venv/bin/python benches/peers/penaltyblog_implied.py``
"""

from __future__ import annotations

import csv
from typing import Any

import penaltyblog
from penaltyblog.implied import calculate_implied

from common import data_dir, write_json

METHODS = [
    "multiplicative",
    "additive",
    "power",
    "shin",
    "odds_ratio",
    "logarithmic",
    "differential_margin_weighting",
]
SEASONS = ["1920", "2021", "2122", "2223", "2324", "2425"]
ONE_X_TWO = [("PSH", "PSD", "PSA"), ("B365H", "B365D", "B365A"), ("AvgH", "AvgD", "AvgA")]
OVER_UNDER = [("P>2.5", "P<2.5"), ("B365>2.5", "B365<2.5"), ("Avg>2.5", "Avg<2.5")]


def rows() -> tuple[list[list[float]], list[list[float]]]:
    """Distinct 1X2 and over/under odds rows from the real files."""
    one_x_two: list[list[float]] = []
    over_under: list[list[float]] = []
    seen: set[tuple[float, ...]] = set()
    for season in SEASONS:
        for division in ("E0", "E1"):
            path = data_dir() / "football-data" / "mmz4281" / season / f"{division}.csv"
            with open(path, encoding="latin-1", newline="") as fh:
                for record in csv.DictReader(fh):
                    for family, target, cap in ((ONE_X_TWO, one_x_two, 2000), (OVER_UNDER, over_under, 1000)):
                        for columns in family:
                            try:
                                odds = [float(record[c]) for c in columns]
                            except (KeyError, TypeError, ValueError):
                                continue
                            key = tuple(odds)
                            if len(target) < cap and key not in seen and all(o > 1 for o in odds):
                                seen.add(key)
                                target.append(odds)
    return one_x_two, over_under


def main() -> None:
    one_x_two, over_under = rows()
    cases: list[dict[str, Any]] = []
    for odds in one_x_two + over_under:
        for method in METHODS:
            try:
                result = calculate_implied(odds, method=method)
                cases.append(
                    {"odds": odds, "method": method, "probabilities": list(map(float, result.probabilities)), "margin": float(result.margin)}
                )
            except (ValueError, RuntimeError) as exc:
                cases.append({"odds": odds, "method": method, "error": str(exc)})
    path = write_json(
        "penaltyblog_implied.json",
        {
            "generator": "benches/peers/penaltyblog_implied.py",
            "penaltyblog_version": penaltyblog.__version__,
            "rows_1x2": len(one_x_two),
            "rows_over_under": len(over_under),
            "cases": cases,
        },
    )
    errors = sum("error" in c for c in cases)
    print(f"wrote {path}: {len(one_x_two)} 1X2 rows, {len(over_under)} over/under rows, {len(cases)} cases, {errors} errors")


if __name__ == "__main__":
    main()
