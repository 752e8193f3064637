"""Where the model's RPS gap to the closing line comes from (issue 6).

Reads the CSVs that run.sh writes into out/ and prints, for E0 2019-20 and
2021-22 to 2024-25 (the issue's seasons), the model's mean RPS against the
market's (Pinnacle closing, Shin) under each variant. Rows marked
"in-sample" choose their weight on the seasons they are scored on, so they
are upper bounds on what the idea can give out of sample.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import poisson

OUT = Path(os.environ.get("OUT", "out"))
TARGETS = [1920, 2122, 2223, 2324, 2425]
GOALS = np.arange(11)


def rps(p: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Ranked probability score of 1X2 rows."""
    observed = np.zeros_like(p)
    observed[np.arange(len(outcome)), outcome] = 1.0
    return ((np.cumsum(p, 1)[:, :2] - np.cumsum(observed, 1)[:, :2]) ** 2).sum(1) / 2


def dixon_coles_1x2(home: np.ndarray, away: np.ndarray, rho: float = -0.06) -> np.ndarray:
    """1X2 of a Dixon–Coles grid (0..10 goals, renormalised) with a fixed ρ."""
    grid = poisson.pmf(GOALS[None, :], home[:, None])[:, :, None] * poisson.pmf(GOALS[None, :], away[:, None])[:, None, :]
    grid[:, 0, 0] *= 1 - home * away * rho
    grid[:, 0, 1] *= 1 + home * rho
    grid[:, 1, 0] *= 1 + away * rho
    grid[:, 1, 1] *= 1 - rho
    grid /= grid.sum((1, 2), keepdims=True)
    lower = np.tril(np.ones((len(GOALS), len(GOALS))), -1)
    return np.stack([(grid * lower).sum((1, 2)), np.einsum("nii->n", grid), (grid * lower.T).sum((1, 2))], 1)


def line(name: str, model_rps: float, market_rps: float, extra: str = "") -> None:
    print(f"  {name:<58} {model_rps:.5f}  gap {model_rps - market_rps:+.5f} {extra}")


def main() -> None:
    base = pd.read_csv(OUT / "goals.csv")
    outcome = base["outcome"].to_numpy()
    target = base["season"].isin(TARGETS).to_numpy()
    market = rps(base[["qh", "qd", "qa"]].to_numpy(), outcome)
    market_rps = market[target].mean()
    model = base[["ph", "pd", "pa"]].to_numpy()
    print(f"E0 {', '.join(map(str, TARGETS))}: {target.sum()} matches, market (Pinnacle closing, Shin) RPS {market_rps:.5f}")
    print("Goals-only Dixon–Coles, walk-forward (out of sample):")
    for path in sorted(OUT.glob("goals*.csv")):
        run = pd.read_csv(path)
        line(path.stem, rps(run[["ph", "pd", "pa"]].to_numpy(), outcome)[target].mean(), market_rps)
    per_season = [f"{s}: {rps(model, outcome)[(base['season'] == s).to_numpy()].mean() - market[(base['season'] == s).to_numpy()].mean():+.4f}" for s in TARGETS]
    print("  per-season gap of goals.csv:", ", ".join(per_season))

    print("Recalibration p ∝ exp(a·log p + b_draw, b_away), fitted on earlier seasons (out of sample):")
    logs = np.log(model)

    def recalibrate(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        z = x[0] * logs[rows] + np.array([0.0, x[1], x[2]])
        z = np.exp(z - z.max(1, keepdims=True))
        return z / z.sum(1, keepdims=True)

    scores = []
    for season in TARGETS:
        earlier, now = (base["season"] < season).to_numpy(), (base["season"] == season).to_numpy()
        loss = lambda x, rows=earlier: -np.log(recalibrate(x, rows)[np.arange(rows.sum()), outcome[rows]]).mean()
        scores.append(rps(recalibrate(minimize(loss, [1.0, 0.0, 0.0]).x, now), outcome[now]))
    line("recalibrated", np.concatenate(scores).mean(), market_rps)

    print("Other training signals, log-rates pooled with the goals model (in-sample best weight):")
    for name, scale in (("sot", None), ("shots", None), ("market_xg", 10.0)):
        path = OUT / f"{name}.csv"
        if not path.exists():
            continue
        other = pd.read_csv(path)
        assert (other["home"] == base["home"]).all() and (other["date"] == base["date"]).all()
        factors = (
            (1.0 / scale, 1.0 / scale)
            if scale
            else (base["hg"].mean() / other["xh"].mean(), base["ag"].mean() / other["xa"].mean())
        )
        best = None
        for w in np.linspace(0, 1, 11):
            home = np.exp(w * np.log(base["xh"]) + (1 - w) * np.log(factors[0] * other["xh"])).to_numpy()
            away = np.exp(w * np.log(base["xa"]) + (1 - w) * np.log(factors[1] * other["xa"])).to_numpy()
            score = rps(dixon_coles_1x2(home, away), outcome)[target].mean()
            best = min(best or (score, w), (score, w))
        line(f"goals pooled with {name}", best[0], market_rps, f"(weight on goals {best[1]:.1f})")

    print("Promoted sides' rates shifted by δ (attack −δ, defence +δ), in-sample best δ:")
    previous_e0 = {}
    data = Path(os.environ.get("SCORELINE_DATA_DIR", "../shared/data")) / "football-data" / "mmz4281"
    previous = {1920: "1819", 2122: "2021", 2223: "2122", 2324: "2223", 2425: "2324", 1819: "1718", 2021: "1920"}
    for season, before in previous.items():
        previous_e0[season] = set(pd.read_csv(data / before / "E0.csv", encoding="latin-1")["HomeTeam"].dropna())
    home_new = np.array([h not in previous_e0[s] for h, s in zip(base["home"], base["season"])])
    away_new = np.array([a not in previous_e0[s] for a, s in zip(base["away"], base["season"])])
    best = None
    for delta in (0.0, 0.05, 0.1, 0.15, 0.2):
        shift = delta * (away_new.astype(float) - home_new.astype(float))
        probs = dixon_coles_1x2(base["xh"].to_numpy() * np.exp(shift), base["xa"].to_numpy() * np.exp(-shift))
        score = rps(probs, outcome)[target].mean()
        best = min(best or (score, delta), (score, delta))
    line("promoted-side shift", best[0], market_rps, f"(δ = {best[1]:.2f})")

    print("All of it together: goals, shots on target and shots pooled, promoted sides shifted (in-sample best):")
    sot, shots = pd.read_csv(OUT / "sot.csv"), pd.read_csv(OUT / "shots.csv")
    scale = [(base[g].mean() / run[x].mean()) for run in (sot, shots) for g, x in (("hg", "xh"), ("ag", "xa"))]
    best = None
    for w_sot in (0.0, 0.1, 0.2, 0.3):
        for w_shots in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
            for delta in (0.05, 0.1, 0.15, 0.2, 0.25):
                w_goals = 1.0 - w_sot - w_shots
                shift = delta * (away_new.astype(float) - home_new.astype(float))
                home = np.exp(w_goals * np.log(base["xh"]) + w_sot * np.log(scale[0] * sot["xh"]) + w_shots * np.log(scale[2] * shots["xh"]))
                away = np.exp(w_goals * np.log(base["xa"]) + w_sot * np.log(scale[1] * sot["xa"]) + w_shots * np.log(scale[3] * shots["xa"]))
                probs = dixon_coles_1x2(home.to_numpy() * np.exp(shift), away.to_numpy() * np.exp(-shift))
                score = rps(probs, outcome)[target].mean()
                best = min(best or (score, w_sot, w_shots, delta), (score, w_sot, w_shots, delta))
    line("goals + shots on target + shots, promoted shift", best[0], market_rps, f"(weights {best[1]:.1f}, {best[2]:.1f}; δ = {best[3]:.2f})")

    print("Logarithmic pool of model and market (in-sample weight on the model):")
    for w in (0.0, 0.05, 0.1, 0.2):
        pooled = model**w * base[["qh", "qd", "qa"]].to_numpy() ** (1 - w)
        pooled /= pooled.sum(1, keepdims=True)
        line(f"w = {w:.2f}", rps(pooled, outcome)[target].mean(), market_rps)

    peer = OUT / "penaltyblog_2324.csv"
    ours = OUT / "goals_date_xi0.0018.csv"
    if peer.exists() and ours.exists():
        mine = pd.read_csv(ours)
        mine = mine[mine["season"] == 2324]
        both = mine.merge(pd.read_csv(peer), on=["date", "home", "away"])
        o = both["outcome"].to_numpy()
        print(f"penaltyblog vs scoreline, same set-up (refit each date, ξ = 0.0018), E0 2324, {len(both)} matches:")
        print(f"  penaltyblog {rps(both[['bh', 'bd', 'ba']].to_numpy(), o).mean():.5f}  scoreline {rps(both[['ph', 'pd', 'pa']].to_numpy(), o).mean():.5f}  market {rps(both[['qh', 'qd', 'qa']].to_numpy(), o).mean():.5f}")
        print(f"  mean |Δ P(home)| {np.abs(both['ph'] - both['bh']).mean():.4f}, max {np.abs(both[['ph', 'pd', 'pa']].to_numpy() - both[['bh', 'bd', 'ba']].to_numpy()).max():.4f}")


if __name__ == "__main__":
    main()
