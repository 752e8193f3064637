"""penaltyblog 1.13.1's default fit of each goal-model family it has, on the cases of reference_families.py.

What it computes
----------------
For the two cases of ``reference_families.py`` (``E0-1112-unweighted``: E0
2011-12, w = 1; ``E0-2122-2324-weighted``: E0 2021-22 … 2023-24, ξ = 0.0018,
reference = the last match) it fits, with penaltyblog's DEFAULT ``fit()``
(scipy SLSQP, maxiter 1000, analytic gradient, its own bounds and the
constraint Σ att = n_teams), each of

    PoissonGoalsModel, DixonColesGoalModel, NegativeBinomialGoalModel,
    ZeroInflatedPoissonGoalsModel, BivariatePoissonGoalModel, WeibullCopulaGoalsModel

(penaltyblog has no Conway–Maxwell–Poisson model) and records per family and case:

* ``fit_seconds``: wall time of one ``fit()`` (cold, single-threaded; the
  timed medians belong to ``make bench``);
* ``loglik``: penaltyblog's own ``model.loglikelihood`` (= −SLSQP objective);
* ``params_penaltyblog``: its raw parameters; ``params``: the same model in
  our parameterisation (conversion below);
* ``loglik_ours_formula``: our likelihood (``reference_families.loglik_at``)
  at its converted parameters, for every family but the Weibull copula, whose
  likelihood differs (below); ``loglik_abs_diff`` = |ours − its own|;
* ``loglik_gap_to_reference``: reference_families.json's maximum minus our
  formula at its parameters, i.e. how far below the maximum its default fit
  stops (read from ``$SCORELINE_PEERS_DIR/reference_families.json``; run
  reference_families.py first);
* ``at_penaltyblog_bounds``: its parameters that end on one of its bounds;
* per match ``p_home``/``p_draw``/``p_away`` from ``model.predict_many(home,
  away)`` with its defaults (max_goals = 15, i.e. a 0..14 grid, normalised to
  sum 1), and ``vs_reference``: max |Δp| against our exact 1X2 of the same
  family (at our optimum, not at its parameters).

Parameter conversion (penaltyblog source: models/*.py and the Cython source
embedded in loss.c / probabilities.c / utils.pxd of the installed wheel)
------------------------------------------------------------------------------
Every penaltyblog model uses λ_h = exp(hfa·(1 − neutral) + att[h] + def[a]),
λ_a = exp(att[a] + def[h]), with mean(att) = 1 and def ADDED. With ā, d̄ the
means: μ = ā + d̄, γ = hfa, attack[t] = att[t] − ā, defence[t] = −(def[t] − d̄),
so that μ + γ + attack[h] − defence[a] = hfa + att[h] + def[a] exactly. Extras:

* DixonColesGoalModel: ρ = rho (same τ; it clamps τ at 1e-9 before the log).
* NegativeBinomialGoalModel: its ``dispersion`` is the NB size r (p = r/(r +
  λ), variance λ + λ²/r), so α = 1/dispersion. Its bounds r ∈ [1e-5, 1000]
  keep α ≥ 0.001: the Poisson boundary α = 0 is NOT attainable.
* ZeroInflatedPoissonGoalsModel: π = zero_inflation (both sides inflated
  with the same π, Poisson-part means λ_h, λ_a, as ours). Bounds [1e-6, 1 −
  1e-6]: π = 0 is not attainable; hfa is bounded to [0, 3].
* BivariatePoissonGoalModel: λ_h, λ_a are the X1, X2 means (marginal means
  λ + λ3), λ3 = exp(correlation) with correlation ∈ [−3, 3], so λ3 ≥ e^-3 ≈
  0.0498: the Poisson boundary λ3 = 0 is not attainable. It also clips each
  match's P(x, y) at 1e-10 (never binding here).
* WeibullCopulaGoalsModel: shape, κ = kappa (shape ∈ [0.01, 2.5], κ ∈ [−5,
  5]). Its likelihood is NOT ours: it cuts the Weibull-count series at j ≤
  max_goals = 15, clips negative pmf values to 0, renormalises the 16 values
  over 0..15, then applies the Frank copula and clips P(x, y) at 1e-10. So
  ``loglik_its_truncation`` is that likelihood recomputed here in numpy at
  its parameters (checked against its own ``loglik``), and
  ``loglik_ours_accurate`` ours (series to convergence) at the same
  parameters. Its default ``predict`` (max_goals = 15) uses the same 15-term
  series as its fit; ``predict(..., max_goals=11)`` would use 11 terms.

Findings (penaltyblog 1.13.1, this run; the JSON ``note`` has the live numbers)
-------------------------------------------------------------------------------
On both cases the negative binomial, zero-inflated Poisson and bivariate
Poisson maxima are on the Poisson boundary (α = 0, π = 0, λ3 = 0; see
reference_families.json ``at_boundary``), which penaltyblog's bounds
exclude: it stops at r = 1000, π = 1e-6 and λ3 = e^-3, below the maximum by

    family                 E0-1112-unweighted   E0-2122-2324-weighted
    negative_binomial      0.0350               0.0709
    zero_inflated_poisson  8.9e-5               7.5e-5
    bivariate_poisson      0.7004               1.1149
    poisson                1.8e-7               6.6e-7   (SLSQP tolerance)
    dixon_coles            0.0861               5.8e-6   (gradient without τ terms, see penaltyblog_fit.py)

Where both compute the same likelihood (all but the Weibull copula), our
formula at its parameters equals its own log-likelihood to < 1e-9. Weibull
copula: our numpy copy of its truncated likelihood reproduces its value to
< 1e-10; at its parameters the accurate likelihood differs from it by
−0.350 (E0 2011-12) and +0.419 (weighted 2021-24), and the accurate maximum
is 1.08 and 1.58 above the accurate likelihood at its parameters.

Output: ``$SCORELINE_PEERS_DIR/penaltyblog_families.json``.

Rerun
-----
    OMP_NUM_THREADS=1 .venv/bin/python benches/peers/reference_families.py
    OMP_NUM_THREADS=1 .venv/bin/python benches/peers/penaltyblog_families.py
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from typing import Any

import numpy as np
import penaltyblog
from penaltyblog.models import (
    BivariatePoissonGoalModel,
    DixonColesGoalModel,
    NegativeBinomialGoalModel,
    PoissonGoalsModel,
    WeibullCopulaGoalsModel,
    ZeroInflatedPoissonGoalsModel,
    dixon_coles_weights,
)

from common import XI, peers_dir, write_json
from reference_families import CASES, Problem, case_inputs, loglik_at, weibull_table

Arr = np.ndarray

MODELS: dict[str, Any] = {
    "poisson": PoissonGoalsModel,
    "dixon_coles": DixonColesGoalModel,
    "negative_binomial": NegativeBinomialGoalModel,
    "zero_inflated_poisson": ZeroInflatedPoissonGoalsModel,
    "bivariate_poisson": BivariatePoissonGoalModel,
    "weibull_copula": WeibullCopulaGoalsModel,
}
# penaltyblog 1.13.1's bounds on the tail parameters (read from each model's fit()).
TAIL_BOUNDS: dict[str, dict[str, tuple[float, float]]] = {
    "poisson": {"home_advantage": (0.0, 3.0)},
    "dixon_coles": {"home_advantage": (0.0, 2.0), "rho": (-2.0, 2.0)},
    "negative_binomial": {"home_advantage": (-4.0, 4.0), "dispersion": (1e-5, 1000.0)},
    "zero_inflated_poisson": {"home_advantage": (0.0, 3.0), "zero_inflation": (1e-6, 1 - 1e-6)},
    "bivariate_poisson": {"home_advantage": (-2.0, 2.0), "correlation": (-3.0, 3.0)},
    "weibull_copula": {"home_advantage": (-2.0, 2.0), "shape": (1e-2, 2.5), "kappa": (-5.0, 5.0)},
}
TEAM_BOUND = {
    "poisson": 3.0,
    "dixon_coles": 2.5,
    "negative_binomial": 2.0,
    "zero_inflated_poisson": 3.0,
    "bivariate_poisson": 3.0,
    "weibull_copula": 3.0,
}


def convert(family: str, raw: Arr, n: int) -> tuple[float, float, list[float], Arr, Arr, dict[str, float]]:
    """penaltyblog's raw vector → (μ, γ, our extras, attack, defence, its named tail)."""
    att, dfn = raw[:n], raw[n : 2 * n]
    tail_names = list(TAIL_BOUNDS[family])
    tail = dict(zip(tail_names, (float(v) for v in raw[2 * n :])))
    a_bar, d_bar = float(att.mean()), float(dfn.mean())
    extras = {
        "poisson": [],
        "dixon_coles": [tail.get("rho", 0.0)],
        "negative_binomial": [1.0 / tail.get("dispersion", 1.0)],
        "zero_inflated_poisson": [tail.get("zero_inflation", 0.0)],
        "bivariate_poisson": [float(np.exp(tail.get("correlation", 0.0)))],
        "weibull_copula": [tail.get("shape", 1.0), tail.get("kappa", 0.0)],
    }[family]
    return a_bar + d_bar, tail["home_advantage"], extras, att - a_bar, -(dfn - d_bar), tail


EXTRA_NAMES = {
    "poisson": [],
    "dixon_coles": ["rho"],
    "negative_binomial": ["dispersion_alpha"],
    "zero_inflated_poisson": ["zero_inflation_pi"],
    "bivariate_poisson": ["lambda3"],
    "weibull_copula": ["shape", "kappa"],
}


def weibull_loglik_truncated(
    p: Problem, mu: float, gamma: float, shape: float, kappa: float, att: Arr, dfc: Arr, max_goals: int = 15
) -> float:
    """penaltyblog's Weibull-copula log-likelihood (loss.pyx compute_weibull_copula_loss,
    utils.pxd weibull_count_pmf / compute_pxy / frank_copula_cdf) recomputed in numpy:
    pmf(x) = max(0, Σ_{j=x}^{15} (−1)^{x+j} m^j B[x, j]) / Σ_{x'=0}^{15}(same), F = cumsum,
    P(x, y) from the Frank copula (κ: C = uv if |κ| < 1e-8), clipped below at 1e-10."""
    lam = np.exp(mu + gamma * p.home_flag + att[p.hi] - dfc[p.ai])
    nu = np.exp(mu + att[p.ai] - dfc[p.hi])
    b, _ = weibull_table(shape, max_goals, max_goals)
    jv = np.arange(max_goals + 1)
    sign = np.where((jv[:, None] + jv[None, :]) % 2 == 0, 1.0, -1.0)

    def cdf(rate: Arr) -> Arr:
        raw = (rate[:, None] ** jv[None, :].astype(float)) @ (sign * b).T
        raw = np.where(raw > 0, raw, 0.0)
        s = raw.sum(axis=1, keepdims=True)
        pmf = np.where(s < 1e-14, np.eye(1, max_goals + 1), raw / np.where(s < 1e-14, 1.0, s))
        return np.cumsum(pmf, axis=1)

    fh, fa = cdf(lam), cdf(nu)
    rows = np.arange(lam.size)

    def at(f: Arr, k: Arr) -> Arr:
        return np.where(k < 0, 0.0, np.where(k > max_goals, 1.0, f[rows, np.clip(k, 0, max_goals)]))

    def cop(u: Arr, v: Arr) -> Arr:
        if abs(kappa) < 1e-8:
            return u * v
        inside = 1.0 + np.expm1(-kappa * u) * np.expm1(-kappa * v) / np.expm1(-kappa)
        with np.errstate(all="ignore"):
            c = -np.log(inside) / kappa
        return np.where(inside <= 1e-14, np.where(u * v > 0, u * v, 0.0), c)

    x, y = p.x, p.y
    u1, u0, v1, v0 = at(fh, x), at(fh, x - 1), at(fa, y), at(fa, y - 1)
    pxy = cop(u1, v1) - cop(u0, v1) - cop(u1, v0) + cop(u0, v0)
    pxy = np.where(pxy < 1e-10, 1e-10, pxy)
    return float(np.sum(p.w * np.log(pxy)))


def run_case(
    name: str, seasons: list[tuple[str, str]], weighted: bool, reference: dict[str, Any] | None
) -> dict[str, Any]:
    m, ours_w, ref_date = case_inputs(seasons, weighted)
    if weighted:
        weights = np.asarray(dixon_coles_weights(m.dates, xi=XI), dtype=np.float64)
        w_diff = float(np.max(np.abs(weights - ours_w)))
    else:
        weights = np.ones(len(m))
        w_diff = 0.0
    p = Problem.from_matches(m, weights)
    out: dict[str, Any] = {
        "name": name,
        "seasons": [f"{d} {s}" for d, s in seasons],
        "weighted": weighted,
        "reference_date": ref_date,
        "n_matches": len(m),
        "weights_max_abs_diff_vs_ours": w_diff,
        "families": {},
    }
    for family, cls in MODELS.items():
        model = cls(m.home_goals, m.away_goals, m.home, m.away, weights=weights if weighted else None)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit()
        fit_s = time.perf_counter() - t0
        n = model.n_teams
        raw = np.asarray(model._params, dtype=np.float64)
        teams = [str(t) for t in model.teams]
        mu, gamma, extras, att_pb, dfc_pb, tail = convert(family, raw, n)
        # reorder to our (sorted) team order
        pos = {t: i for i, t in enumerate(teams)}
        att = np.array([att_pb[pos[t]] for t in p.teams])
        dfc = np.array([dfc_pb[pos[t]] for t in p.teams])
        ll_pb = float(model.loglikelihood)
        ll_own_loss = -float(model._loss_function(model._params))
        entry: dict[str, Any] = {
            "fit_seconds": fit_s,
            "optimizer": {"method": "SLSQP", "nit": int(model._res.nit), "message": str(model._res.message)},
            "loglik": ll_pb,
            "params_penaltyblog": {
                "attack": {t: float(att_pb[i]) for i, t in enumerate(teams)},
                "defence": {t: float(dfc_pb[i]) for i, t in enumerate(teams)},
                **tail,
            },
            "params": {
                "intercept": mu,
                "home_advantage": gamma,
                **dict(zip(EXTRA_NAMES[family], extras)),
                "attack": {t: float(v) for t, v in zip(p.teams, att)},
                "defence": {t: float(v) for t, v in zip(p.teams, dfc)},
            },
        }
        if family == "weibull_copula":
            ll_trunc = weibull_loglik_truncated(p, mu, gamma, extras[0], extras[1], att, dfc)
            ll_acc = loglik_at(family, p, mu, gamma, extras, att, dfc)
            entry["loglik_its_truncation"] = ll_trunc
            entry["loglik_its_truncation_abs_diff_vs_its_own"] = abs(ll_trunc - ll_pb)
            entry["loglik_ours_accurate"] = ll_acc
            entry["loglik_ours_accurate_minus_its_truncation"] = ll_acc - ll_trunc
            ll_ours = ll_acc
        else:
            ll_ours = loglik_at(family, p, mu, gamma, extras, att, dfc)
            entry["loglik_ours_formula"] = ll_ours
            entry["loglik_abs_diff"] = abs(ll_ours - ll_pb)
        entry["loglik_own_loss_at_params"] = ll_own_loss
        bounds_hit = [
            f"{k}={v!r} (bounds {TAIL_BOUNDS[family][k]})"
            for k, v in tail.items()
            if min(abs(v - TAIL_BOUNDS[family][k][0]), abs(v - TAIL_BOUNDS[family][k][1])) < 1e-6 * max(1.0, abs(v))
        ]
        tb = TEAM_BOUND[family]
        bounds_hit += [
            f"team parameter {t}={v!r} (bound ±{tb})"
            for i, t in enumerate(teams)
            for v in (float(raw[i]), float(raw[n + i]))
            if abs(abs(v) - tb) < 1e-6
        ]
        entry["at_penaltyblog_bounds"] = bounds_hit
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            grids = model.predict_many(list(m.home), list(m.away))
        probs = [(float(g.home_win), float(g.draw), float(g.away_win)) for g in grids]
        entry["predict_max_goals"] = 15
        if reference is not None and family in reference["families"]:
            ref = reference["families"][family]
            entry["loglik_reference"] = ref["loglik"]
            entry["reference_at_boundary"] = ref["at_boundary"]
            entry["loglik_gap_to_reference"] = ref["loglik"] - ll_ours
            if family == "weibull_copula":
                entry["loglik_gap_to_reference_note"] = (
                    "reference maximum (accurate likelihood) minus the accurate likelihood at penaltyblog's parameters"
                )
            keys = ("p_home", "p_draw", "p_away")
            entry["vs_reference"] = {
                f"max_abs_diff_{k}": max(abs(r[k] - pr[j]) for r, pr in zip(ref["matches"], probs))
                for j, k in enumerate(keys)
            }
        entry["matches"] = [
            {
                "date": d.isoformat(),
                "home": h,
                "away": a,
                "weight": float(wi),
                "p_home": pr[0],
                "p_draw": pr[1],
                "p_away": pr[2],
            }
            for d, h, a, wi, pr in zip(m.dates, m.home, m.away, weights, probs)
        ]
        out["families"][family] = entry
        gap = entry.get("loglik_gap_to_reference")
        print(
            f"{name} {family}: penaltyblog loglik {ll_pb:.6f}, ours at its params {ll_ours:.6f}, "
            f"gap to maximum {gap if gap is None else f'{gap:.3e}'}, bounds {bounds_hit}, fit {fit_s:.2f} s",
            file=sys.stderr,
        )
    return out


def main() -> int:
    ref_path = peers_dir() / "reference_families.json"
    references: dict[str, dict[str, Any]] = {}
    if ref_path.exists():
        references = {c["name"]: c for c in json.loads(ref_path.read_text(encoding="utf-8"))["cases"]}
    else:
        print(f"{ref_path} not found: run reference_families.py first for the gaps", file=sys.stderr)
    cases = [run_case(n, s, w, references.get(n)) for n, s, w in CASES]
    notes = []
    for c in cases:
        for fam, e in c["families"].items():
            gap = e.get("loglik_gap_to_reference")
            if gap is None:
                continue
            boundary = e.get("reference_at_boundary") or []
            where = (
                f" (maximum on the boundary {boundary}; penaltyblog at {e['at_penaltyblog_bounds']})"
                if boundary
                else ""
            )
            notes.append(f"{c['name']} {fam}: penaltyblog's default fit is {gap:.3e} below the maximum{where}.")
        w = c["families"]["weibull_copula"]
        notes.append(
            f"{c['name']} weibull_copula: at penaltyblog's parameters its truncated likelihood is "
            f"{w['loglik_its_truncation']:.6f} (its own value {w['loglik']:.6f}), the accurate one "
            f"{w['loglik_ours_accurate']:.6f} (difference {w['loglik_ours_accurate_minus_its_truncation']:+.4f})."
        )
    path = write_json(
        "penaltyblog_families.json",
        {
            "generator": "benches/peers/penaltyblog_families.py",
            "penaltyblog_version": penaltyblog.__version__,
            "xi": XI,
            "predict": "predict_many(home, away) with defaults: max_goals=15 (0..14 grid), normalize=True",
            "parameter_conversion": (
                "mu = mean(att) + mean(def); gamma = hfa; attack[t] = att[t] - mean(att); "
                "defence[t] = -(def[t] - mean(def)); rho = rho; alpha = 1/dispersion; pi = zero_inflation; "
                "lambda3 = exp(correlation); shape = shape; kappa = kappa"
            ),
            "note": " ".join(notes),
            "cases": cases,
        },
    )
    print("\n".join(notes), file=sys.stderr)
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
