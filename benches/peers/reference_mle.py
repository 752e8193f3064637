"""Independent numpy/scipy reference fit of scoreline's Dixon–Coles model.

What it computes
----------------
For each case (E0 1112, 2223, 2324; each season fitted alone, unweighted and
time-decay weighted) the maximum-likelihood estimate of

    log λ_i = μ + γ·(1 − neutral_i) + attack[h] − defence[a]
    log ν_i = μ + attack[a] − defence[h]
    Σ attack = 0,  Σ defence = 0
    loglik  = Σ w_i [log τ(x,y) + x log λ − λ − ln x! + y log ν − ν − ln y!]

with the Dixon–Coles τ (τ00 = 1 − λνρ, τ01 = 1 + λρ, τ10 = 1 + νρ, τ11 = 1 − ρ)
and w_i = exp(−ξ·days(reference − date_i)), ξ = 0.0018, reference = the latest
match date (w_i = 1 unweighted). The sum-to-zero constraints are removed by the
reduced parameterisation attack[last] = −Σ attack[:-1] (same for defence), so
the optimisation is unconstrained over (μ, γ, ρ, attack[:-1], defence[:-1]).
The negative log-likelihood and its analytic, vectorised gradient are minimised
with scipy BFGS (gtol 1e-10), restarted from the previous optimum until the
largest absolute component of the reduced gradient is below 1e-8; once a restart
no longer moves (BFGS's line search runs out of floating-point resolution in the
log-likelihood at max|grad| ~ 1e-7), Newton steps on ∇loglik = 0 finish the job
(see ``fit``). ``grad_max_abs`` in the JSON is the final max|reduced gradient|,
``iterations`` the total BFGS iterations, ``newton_steps`` the polishing steps.

For every match it also gives the 1X2 probabilities from the 0..10 × 0..10
score grid P(x,y) = τ(x,y)·Pois(x;λ)·Pois(y;ν), renormalised to sum 1.

Output: ``$SCORELINE_PEERS_DIR/reference_mle.json`` (default
``<repo>/target/peers``); data from ``$SCORELINE_DATA_DIR``.

Rerun
-----
    .venv/bin/python benches/peers/reference_mle.py              # fit, write JSON
    .venv/bin/python benches/peers/reference_mle.py --self-check # gradient vs finite differences
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import gammaln
from scipy.stats import poisson

from common import (
    CASE_SEASONS,
    EXACT_MAX_GOALS,
    XI,
    Matches,
    decay_weights,
    load_football_data,
    write_json,
)

GTOL = 1e-10
GRAD_TARGET = 1e-8
MAX_RESTARTS = 50


@dataclass
class Problem:
    """Indexed data of one fit."""

    teams: list[str]
    hi: NDArray[np.int64]
    ai: NDArray[np.int64]
    x: NDArray[np.int64]
    y: NDArray[np.int64]
    w: NDArray[np.float64]
    home_flag: NDArray[np.float64]  # 1 − neutral

    @classmethod
    def from_matches(cls, m: Matches, w: NDArray[np.float64]) -> Problem:
        teams = sorted(set(m.home) | set(m.away))
        index = {t: i for i, t in enumerate(teams)}
        return cls(
            teams,
            np.array([index[t] for t in m.home], np.int64),
            np.array([index[t] for t in m.away], np.int64),
            m.home_goals,
            m.away_goals,
            np.asarray(w, np.float64),
            (~m.neutral).astype(np.float64),
        )

    @property
    def n_teams(self) -> int:
        return len(self.teams)


def expand(
    theta: NDArray[np.float64], n: int
) -> tuple[float, float, float, NDArray[np.float64], NDArray[np.float64]]:
    """Reduced vector (μ, γ, ρ, attack[:-1], defence[:-1]) → full parameters."""
    mu, gamma, rho = float(theta[0]), float(theta[1]), float(theta[2])
    att = np.empty(n)
    dfc = np.empty(n)
    att[:-1] = theta[3 : 3 + n - 1]
    att[-1] = -att[:-1].sum()
    dfc[:-1] = theta[3 + n - 1 :]
    dfc[-1] = -dfc[:-1].sum()
    return mu, gamma, rho, att, dfc


def tau(
    x: NDArray[np.int64],
    y: NDArray[np.int64],
    lam: NDArray[np.float64],
    nu: NDArray[np.float64],
    rho: float,
) -> NDArray[np.float64]:
    """Dixon–Coles correction τ(x, y) per match."""
    t = np.ones_like(lam)
    m00 = (x == 0) & (y == 0)
    m01 = (x == 0) & (y == 1)
    m10 = (x == 1) & (y == 0)
    m11 = (x == 1) & (y == 1)
    t[m00] = 1.0 - lam[m00] * nu[m00] * rho
    t[m01] = 1.0 + lam[m01] * rho
    t[m10] = 1.0 + nu[m10] * rho
    t[m11] = 1.0 - rho
    return t


def loglik_from_rates(
    x: NDArray[np.int64],
    y: NDArray[np.int64],
    w: NDArray[np.float64],
    lam: NDArray[np.float64],
    nu: NDArray[np.float64],
    rho: float,
) -> float:
    """The weighted Dixon–Coles log-likelihood given per-match λ, ν and ρ (−inf if some τ ≤ 0)."""
    t = tau(x, y, lam, nu, rho)
    if np.any(t <= 0.0):
        return -np.inf
    terms = (
        np.log(t)
        + x * np.log(lam)
        - lam
        - gammaln(x + 1)
        + y * np.log(nu)
        - nu
        - gammaln(y + 1)
    )
    return float(np.sum(w * terms))


def rates(
    p: Problem, theta: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    mu, gamma, rho, att, dfc = expand(theta, p.n_teams)
    lam = np.exp(mu + gamma * p.home_flag + att[p.hi] - dfc[p.ai])
    nu = np.exp(mu + att[p.ai] - dfc[p.hi])
    return lam, nu, rho


def loglik(p: Problem, theta: NDArray[np.float64]) -> float:
    lam, nu, rho = rates(p, theta)
    return loglik_from_rates(p.x, p.y, p.w, lam, nu, rho)


def neg_loglik_and_grad(
    theta: NDArray[np.float64], p: Problem
) -> tuple[float, NDArray[np.float64]]:
    """Negative log-likelihood and its analytic gradient in the reduced parameterisation."""
    n = p.n_teams
    lam, nu, rho = rates(p, theta)
    x, y, w = p.x, p.y, p.w
    t = tau(x, y, lam, nu, rho)
    if np.any(t <= 0.0):
        return np.inf, np.zeros_like(theta)
    ll = np.sum(
        w
        * (
            np.log(t)
            + x * np.log(lam)
            - lam
            - gammaln(x + 1)
            + y * np.log(nu)
            - nu
            - gammaln(y + 1)
        )
    )

    # d loglik_i / d log λ_i, d loglik_i / d log ν_i, d loglik_i / d ρ
    m00 = (x == 0) & (y == 0)
    m01 = (x == 0) & (y == 1)
    m10 = (x == 1) & (y == 0)
    m11 = (x == 1) & (y == 1)
    d_eta_h = x - lam
    d_eta_a = y - nu
    d_rho = np.zeros_like(lam)
    c00 = lam[m00] * nu[m00] / t[m00]
    d_eta_h[m00] -= rho * c00
    d_eta_a[m00] -= rho * c00
    d_rho[m00] = -c00
    d_eta_h[m01] += rho * lam[m01] / t[m01]
    d_rho[m01] = lam[m01] / t[m01]
    d_eta_a[m10] += rho * nu[m10] / t[m10]
    d_rho[m10] = nu[m10] / t[m10]
    d_rho[m11] = -1.0 / t[m11]

    gh = w * d_eta_h
    ga = w * d_eta_a
    g_att = np.bincount(p.hi, gh, n) + np.bincount(p.ai, ga, n)
    g_def = -np.bincount(p.ai, gh, n) - np.bincount(p.hi, ga, n)
    grad = np.empty_like(theta)
    grad[0] = gh.sum() + ga.sum()
    grad[1] = np.sum(gh * p.home_flag)
    grad[2] = np.sum(w * d_rho)
    grad[3 : 3 + n - 1] = g_att[:-1] - g_att[-1]
    grad[3 + n - 1 :] = g_def[:-1] - g_def[-1]
    return -float(ll), -grad


def start(p: Problem) -> NDArray[np.float64]:
    theta = np.zeros(3 + 2 * (p.n_teams - 1))
    theta[0] = np.log(np.sum(p.w * (p.x + p.y)) / (2.0 * np.sum(p.w)))
    theta[1] = 0.25
    theta[2] = -0.05
    return theta


def hessian_fd(
    p: Problem, theta: NDArray[np.float64], h: float = 1e-5
) -> NDArray[np.float64]:
    """Hessian of the negative log-likelihood: central differences of the analytic gradient, symmetrised."""
    k = theta.size
    hess = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        hess[:, j] = (
            neg_loglik_and_grad(theta + e, p)[1] - neg_loglik_and_grad(theta - e, p)[1]
        ) / (2 * h)
    return 0.5 * (hess + hess.T)


def fit(p: Problem) -> tuple[NDArray[np.float64], float, float, int, int, int]:
    """BFGS at gtol 1e-10, restarted from the last optimum until max|grad| < 1e-8.

    Near the optimum the change in the log-likelihood (~|g|²/curvature) falls below
    the rounding of a sum of a few hundred O(1) terms (~1e-13), so BFGS's line
    search stops improving (scipy reports "precision loss") once max|grad| is
    around 1e-7. When a restart makes no progress, the fit is finished with
    Newton steps on the gradient equation ∇loglik = 0 (Hessian from central
    differences of the analytic gradient), accepting a step only if it lowers
    max|grad|; this uses gradients alone, which stay accurate to ~1e-12.

    Returns (theta, loglik, max|grad|, BFGS iterations, BFGS runs, Newton steps).
    """
    theta = start(p)
    iterations = 0
    runs = 0
    newton = 0
    gmax = np.inf
    while runs < MAX_RESTARTS and gmax >= GRAD_TARGET:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = minimize(
                neg_loglik_and_grad,
                theta,
                args=(p,),
                jac=True,
                method="BFGS",
                options={"gtol": GTOL, "maxiter": 10_000},
            )
        runs += 1
        iterations += int(res.nit)
        theta = res.x
        gmax = float(np.max(np.abs(neg_loglik_and_grad(theta, p)[1])))
        if res.nit == 0:
            break
    while gmax >= GRAD_TARGET * 1e-2 and newton < 20:
        g = neg_loglik_and_grad(theta, p)[1]
        candidate = theta - np.linalg.solve(hessian_fd(p, theta), g)
        g_new = float(np.max(np.abs(neg_loglik_and_grad(candidate, p)[1])))
        if not g_new < gmax:
            break
        theta, gmax = candidate, g_new
        newton += 1
    return theta, loglik(p, theta), gmax, iterations, runs, newton


def outcome_probabilities(
    lam: NDArray[np.float64], nu: NDArray[np.float64], rho: float
) -> NDArray[np.float64]:
    """(n, 3) array of p_home, p_draw, p_away of the untruncated model (a
    0..EXACT_MAX_GOALS grid, whose outside mass is far below rounding here)."""
    goals = np.arange(EXACT_MAX_GOALS + 1)
    ph = poisson.pmf(goals[None, :], lam[:, None])
    pa = poisson.pmf(goals[None, :], nu[:, None])
    grid = ph[:, :, None] * pa[:, None, :]
    grid[:, 0, 0] *= 1.0 - lam * nu * rho
    grid[:, 0, 1] *= 1.0 + lam * rho
    grid[:, 1, 0] *= 1.0 + nu * rho
    grid[:, 1, 1] *= 1.0 - rho
    grid /= grid.sum(axis=(1, 2), keepdims=True)
    gx, gy = np.meshgrid(goals, goals, indexing="ij")
    return np.stack(
        [
            grid[:, gx > gy].sum(axis=1),
            grid[:, gx == gy].sum(axis=1),
            grid[:, gx < gy].sum(axis=1),
        ],
        axis=1,
    )


def case_inputs(
    division: str, season: str, weighted: bool
) -> tuple[Matches, NDArray[np.float64], str]:
    m = load_football_data(division, season)
    w, reference = decay_weights(m.dates, XI)
    if not weighted:
        w = np.ones(len(m))
    return m, w, reference.isoformat()


def run_case(division: str, season: str, weighted: bool) -> dict[str, Any]:
    m, w, reference = case_inputs(division, season, weighted)
    p = Problem.from_matches(m, w)
    t0 = time.perf_counter()
    theta, ll, gmax, iterations, runs, newton = fit(p)
    elapsed = time.perf_counter() - t0
    mu, gamma, rho, att, dfc = expand(theta, p.n_teams)
    lam, nu, _ = rates(p, theta)
    probs = outcome_probabilities(lam, nu, rho)
    name = f"{division}-{season}-{'weighted' if weighted else 'unweighted'}"
    print(
        f"{name}: loglik {ll!r} max|grad| {gmax:.2e} ({iterations} BFGS it, {runs} runs, {newton} Newton, {elapsed:.2f} s)",
        file=sys.stderr,
    )
    return {
        "name": name,
        "division": division,
        "season": season,
        "weighted": weighted,
        "reference_date": reference,
        "n_matches": len(m),
        "loglik": ll,
        "grad_max_abs": gmax,
        "iterations": iterations,
        "bfgs_runs": runs,
        "newton_steps": newton,
        "params": {
            "intercept": mu,
            "home_advantage": gamma,
            "rho": rho,
            "attack": {t: float(v) for t, v in zip(p.teams, att)},
            "defence": {t: float(v) for t, v in zip(p.teams, dfc)},
        },
        "matches": [
            {
                "date": d.isoformat(),
                "home": h,
                "away": a,
                "weight": float(wi),
                "p_home": float(pr[0]),
                "p_draw": float(pr[1]),
                "p_away": float(pr[2]),
            }
            for d, h, a, wi, pr in zip(m.dates, m.home, m.away, w, probs)
        ],
    }


def self_check() -> int:
    """Analytic gradient vs central differences, and loglik vs a per-match scipy.stats loop."""
    rng = np.random.default_rng(12345)
    worst = 0.0
    failures = 0
    for division, season in CASE_SEASONS:
        for weighted in (False, True):
            m, w, _ = case_inputs(division, season, weighted)
            p = Problem.from_matches(m, w)
            for trial in range(2):
                theta = start(p) + rng.normal(0.0, 0.15, size=3 + 2 * (p.n_teams - 1))
                theta[2] = rng.uniform(-0.15, 0.15)
                f0, g = neg_loglik_and_grad(theta, p)
                fd = np.empty_like(theta)
                for k in range(theta.size):
                    h = 1e-6 * max(1.0, abs(theta[k]))
                    e = np.zeros_like(theta)
                    e[k] = h
                    fd[k] = (
                        neg_loglik_and_grad(theta + e, p)[0]
                        - neg_loglik_and_grad(theta - e, p)[0]
                    ) / (2 * h)
                rel = float(np.max(np.abs(fd - g)) / max(1.0, float(np.max(np.abs(g)))))
                # independent scalar evaluation with scipy.stats
                mu, gamma, rho, att, dfc = expand(theta, p.n_teams)
                slow = 0.0
                for i in range(len(p.x)):
                    lh = np.exp(
                        mu + gamma * p.home_flag[i] + att[p.hi[i]] - dfc[p.ai[i]]
                    )
                    la = np.exp(mu + att[p.ai[i]] - dfc[p.hi[i]])
                    xi_, yi = int(p.x[i]), int(p.y[i])
                    tv = {
                        (0, 0): 1 - lh * la * rho,
                        (0, 1): 1 + lh * rho,
                        (1, 0): 1 + la * rho,
                        (1, 1): 1 - rho,
                    }.get((xi_, yi), 1.0)
                    slow += p.w[i] * (
                        np.log(tv) + poisson.logpmf(xi_, lh) + poisson.logpmf(yi, la)
                    )
                ll_diff = abs(slow + f0) / abs(slow)
                ok = rel < 1e-6 and ll_diff < 1e-12
                failures += not ok
                worst = max(worst, rel)
                print(
                    f"{division}-{season} weighted={weighted} trial {trial}: max|fd-grad|/max(1,|grad|) = {rel:.2e}, "
                    f"loglik rel diff vs scipy.stats loop = {ll_diff:.1e} {'ok' if ok else 'FAIL'}"
                )
    print(
        f"worst relative gradient error {worst:.2e}; {'all ok' if failures == 0 else f'{failures} FAILED'}"
    )
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--self-check", action="store_true", help="check the analytic gradient and exit"
    )
    args = parser.parse_args()
    if args.self_check:
        return self_check()
    t0 = time.perf_counter()
    cases = [
        run_case(d, s, weighted) for d, s in CASE_SEASONS for weighted in (False, True)
    ]
    bad = [c["name"] for c in cases if not c["grad_max_abs"] < GRAD_TARGET]
    path = write_json(
        "reference_mle.json",
        {
            "generator": "benches/peers/reference_mle.py",
            "xi": XI,
            "max_goals": EXACT_MAX_GOALS,
            "cases": cases,
        },
    )
    print(f"wrote {path} in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    if bad:
        print(f"gradient target {GRAD_TARGET} not reached: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
