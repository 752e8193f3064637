"""Jackpot slates: per-fixture evaluation, the best ticket within a budget of
combinations, and explanations — computed in Rust."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import _columns as col
from . import _optional
from . import _scoreline as _native
from .model import DixonColes

OUTCOMES = ("home", "draw", "away")


def evaluate(
    model: DixonColes, fixtures: Any, *, home: Any = "HomeTeam", away: Any = "AwayTeam", neutral: Any = None
) -> Any:
    """A DataFrame per fixture: home_team, away_team, p_home, p_draw, p_away,
    most_likely (``home``, ``draw`` or ``away``), its probability and the
    entropy (nats). ``home``, ``away`` and ``neutral`` are column names in
    ``fixtures`` (by default football-data's ``HomeTeam`` and ``AwayTeam``, as
    in :meth:`DixonColes.fit` and :meth:`DixonColes.predict_markets`) or the
    values themselves."""
    pd = _optional.pandas("scoreline.slate.evaluate")

    h = [str(v) for v in col.strings(col.column(fixtures, home, "home"), "home")]
    a = [str(v) for v in col.strings(col.column(fixtures, away, "away"), "away")]
    n = None if neutral is None else col.booleans(col.column(fixtures, neutral, "neutral"), "neutral", len(h)).tolist()
    out = _native.slate_evaluate(model.fitted_model, h, a, n)
    p = np.asarray(out["probabilities"])
    return pd.DataFrame(
        {
            "home_team": h,
            "away_team": a,
            "p_home": p[:, 0],
            "p_draw": p[:, 1],
            "p_away": p[:, 2],
            "most_likely": [OUTCOMES[i] for i in out["most_likely"]],
            "most_likely_probability": out["most_likely_probability"],
            "entropy": out["entropy"],
        }
    )


def optimise(model: DixonColes, fixtures: Any, *, budget: int, at_least: int | None = None, **columns: Any) -> Any:
    """The best covering within ``budget`` combinations (exact): a DataFrame
    per fixture with the covered outcomes and their probability; the ticket's
    combinations, P(all covered) and P(at least k) are in ``.attrs``."""
    frame = evaluate(model, fixtures, **columns)
    probs = np.ascontiguousarray(frame[["p_home", "p_draw", "p_away"]].to_numpy())
    out = _native.slate_optimise(probs, budget, at_least)
    frame["cover"] = ["+".join(OUTCOMES[o] for o in outs) for outs in out["outcomes"]]
    frame["covered_probability"] = out["covered_probability"]
    frame.attrs.update(
        combinations=out["combinations"], probability_all=out["probability_all"], at_least=list(out["at_least"])
    )
    return frame


def explain(model: DixonColes, home: str, away: str, neutral: bool = False) -> Any:
    """Why the model prices a fixture as it does: a DataFrame of the terms of
    ``log λ_home = μ + γ + attack[home] − defence[away]`` and
    ``log λ_away = μ + attack[away] − defence[home]``, added one at a time
    from the league average (the intercept μ, first row), with the 1X2 after
    adding each and the change each made; the last row is the prediction.

    Columns: ``term`` (the engine's and the server's label, saying which log
    rate the term enters, e.g. ``"attack of Arsenal (home rate)"`` or
    ``"−defence of Arsenal (away rate)"``: a defence enters the other side's
    rate with a minus sign), ``rate`` (``home``, ``away``, or ``both`` for μ),
    ``value`` (its value in that log rate),
    ``p_home``, ``p_draw``, ``p_away`` and ``change_home``, ``change_draw``,
    ``change_away``."""
    pd = _optional.pandas("scoreline.slate.explain")

    doc = json.loads(_native.slate_explain(model.fitted_model, home, away, neutral))
    params = model.params
    rows = [
        {
            "term": "league average μ (both rates)",
            "rate": "both",
            "value": params["intercept"],
            **{f"p_{k}": v for k, v in doc["baseline"].items()},
        }
    ]
    for step in doc["steps"]:
        rate = step.get("rate")
        rows.append(
            {
                "term": step["term"],
                "rate": rate,
                "value": step["value"],
                **{f"p_{k}": v for k, v in step["probabilities"].items()},
                **{f"change_{k}": v for k, v in step["change"].items()},
            }
        )
    return pd.DataFrame(rows)

