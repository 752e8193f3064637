"""Jackpot slates: per-fixture evaluation, the best ticket within a budget of
combinations, and explanations — computed in Rust."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import _columns as col
from . import _scoreline as _native
from .model import DixonColes

OUTCOMES = ("home", "draw", "away")


def evaluate(model: DixonColes, fixtures: Any, *, home: str = "home", away: str = "away", neutral: str | None = None) -> Any:
    """A DataFrame per fixture: p_home, p_draw, p_away, most_likely, its probability and the entropy (nats)."""
    import pandas as pd

    h = [str(v) for v in col.strings(col.column(fixtures, home, "home"), "home")]
    a = [str(v) for v in col.strings(col.column(fixtures, away, "away"), "away")]
    n = None if neutral is None else col.booleans(col.column(fixtures, neutral, "neutral"), "neutral", len(h)).tolist()
    out = _native.slate_evaluate(model.fitted_model, h, a, n)
    p = np.asarray(out["probabilities"])
    return pd.DataFrame(
        {
            "home": h,
            "away": a,
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
    """A DataFrame of the terms of log λ (intercept first), the 1X2 after
    adding each, and the change each made; the last row is the prediction."""
    import pandas as pd

    doc = json.loads(_native.slate_explain(model.fitted_model, home, away, neutral))
    rows = [{"term": "league average (intercept)", "value": None, **{f"p_{k}": v for k, v in doc["baseline"].items()}}]
    for step in doc["steps"]:
        rows.append(
            {
                "term": step["term"],
                "value": step["value"],
                **{f"p_{k}": v for k, v in step["probabilities"].items()},
                **{f"change_{k}": v for k, v in step["change"].items()},
            }
        )
    return pd.DataFrame(rows)
