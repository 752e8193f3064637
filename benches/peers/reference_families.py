"""Independent numpy/scipy reference fits of seven goal-model families (issue 12, §2–3),
plus one CMP variant.

Every family shares scoreline's linear predictor

    η_h,i = μ + γ·(1 − neutral_i) + attack[h] − defence[a],   λ_h,i = exp(η_h,i)
    η_a,i = μ + attack[a] − defence[h],                        λ_a,i = exp(η_a,i)
    Σ attack = 0,  Σ defence = 0
    loglik = Σ_i w_i · log P(X = x_i, Y = y_i | λ_h,i, λ_a,i, extras)

with w_i = exp(−ξ·days(reference − date_i)), ξ = 0.0018 per day, reference =
the latest match date (``common.decay_weights``), or w_i = 1 unweighted.
"log" is natural, factorials are included (ln x! = lgamma(x + 1)).

The families (x = home goals, y = away goals, λ = λ_h, ν = λ_a)
----------------------------------------------------------------
``poisson``
    P = Pois(x; λ)·Pois(y; ν),  Pois(k; m) = m^k e^{−m} / k!.
``dixon_coles`` (extra ρ, unbounded; τ must stay > 0)
    P = τ(x, y)·Pois(x; λ)·Pois(y; ν), τ00 = 1 − λνρ, τ01 = 1 + λρ,
    τ10 = 1 + νρ, τ11 = 1 − ρ, τ = 1 otherwise (as reference_mle.py).
``negative_binomial`` (extra α = 1/r ≥ 0, one α for both sides)
    P = NB(x; λ, α)·NB(y; ν, α), NB with mean m and variance m + α·m²:
    log NB(k; m, α) = Σ_{j<k} log(1 + αj) − ln k! + k log m − k log(1 + αm)
                      − log(1 + αm)/α,
    which at α = 0 is log Pois(k; m) (the last term → −m). The score at
    α = 0 is Σ w [((x − λ)² − x) + ((y − ν)² − y)] / 2. Same likelihood as
    penaltyblog's NegativeBinomialGoalModel (its ``dispersion`` is r = 1/α).
``zero_inflated_poisson`` (extra π ∈ [0, 1), one π for both sides)
    As penaltyblog's ZeroInflatedPoissonGoalsModel (loss.pyx): EACH side's
    goals are zero-inflated independently with the same π:
    P = Z(x; λ)·Z(y; ν), Z(0; m) = π + (1 − π)e^{−m}, Z(k; m) = (1 − π)Pois(k; m)
    for k ≥ 1. λ, ν are the means of the Poisson parts (marginal means are
    (1 − π)λ, (1 − π)ν). π = 0 is Poisson.
``bivariate_poisson`` (extra λ3 ≥ 0)
    Karlis & Ntzoufras (2003): X = X1 + X3, Y = X2 + X3, X1 ~ Pois(λ1),
    X2 ~ Pois(λ2), X3 ~ Pois(λ3) independent,
    P = Σ_{k=0}^{min(x,y)} Pois(x−k; λ1)·Pois(y−k; λ2)·Pois(k; λ3).
    penaltyblog's BivariatePoissonGoalModel puts the linear predictor on the
    X1/X2 means: λ1 = exp(η_h), λ2 = exp(η_a) (loss.pyx lines 335–336), so
    the marginal means are E[X] = λ1 + λ3, E[Y] = λ2 + λ3 and Cov = λ3. We
    use the same definition (λ = λ1, ν = λ2), so likelihoods are comparable.
    The alternative (linear predictor on the marginal means, λ1 = exp(η_h) −
    λ3) is NOT what penaltyblog fits. penaltyblog writes λ3 = exp(c) with
    c ∈ [−3, 3]; here λ3 itself is the parameter, bounded below by 0, so the
    Poisson boundary λ3 = 0 is attainable.
``weibull_copula`` (extras: Weibull-count shape s > 0, Frank copula κ)
    Boshnakov, Kharrat & McHale (2017), as penaltyblog's
    WeibullCopulaGoalsModel defines it: each side's goals are a Weibull
    count (McShane et al. 2008): the number of renewals in [0, 1] of a
    renewal process with Weibull inter-arrival times, P(T > t) = exp(−m t^s),
    where m = λ (home) or ν (away); s = 1 is Poisson(m). Its pmf is
        P(N = x) = Σ_{j ≥ x} (−1)^{x+j} m^j B[x, j],   B[x, j] = α_j^x / Γ(sj + 1),
        α_j^0 = Γ(sj + 1)/Γ(j + 1),
        α_j^{x+1} = Σ_{i=x}^{j−1} α_i^x Γ(sj − si + 1)/Γ(j − i + 1),
    computed here with the scaled table B (B[0, j] = 1/j!,
    B[x+1, j] = Σ_i B[x, i]·R[i, j], R[i, j] = Γ(si+1)Γ(s(j−i)+1) /
    (Γ(sj+1)Γ(j−i+1)), evaluated through lgamma) so nothing overflows, and
    the series summed to convergence: the number of terms J is doubled from
    64 until the last terms m^j·|B[x, j]| at the largest m in the data are
    below 1e-30 for every x needed (``weibull_pmf``). The rounding error of
    the alternating sum is bounded by 2^-52·Σ_j m^j|B[x, j]|, which this
    script reports (``weibull_rounding_bound``: 1.8e-13 and 6.7e-13 at the
    two optima). Where that bound exceeds 1e-10 (rates of ~20 goals, which
    only far-off trial points of the optimiser reach) the likelihood is
    treated as outside the domain (−inf) rather than computed inaccurately.
    The joint pmf is the Frank
    copula of the two cdfs F, G:
        P(x, y) = C(F(x), G(y)) − C(F(x−1), G(y)) − C(F(x), G(y−1)) + C(F(x−1), G(y−1)),
        C(u, v) = −(1/κ) log(1 + (e^{−κu} − 1)(e^{−κv} − 1)/(e^{−κ} − 1)).
    penaltyblog instead cuts the series at j ≤ 15, clips negative values to
    0 and renormalises the 16 values over 0..15 (utils.pxd
    ``weibull_count_pmf``); at m above ~2.5 that truncation is visibly wrong
    (see ``--self-check``). ``penaltyblog_families.py`` evaluates both.
``conway_maxwell_poisson`` (extra ν_cmp > 0, written ``nu`` in the JSON)
    As R goalmodel's ``model = 'cmp'`` (R/goalmodel_fit.R ``negloglik`` and
    R/cmp.r, src/cmp.cpp of opisthokonta/goalmodel): the linear predictor
    gives the (approximate) MEAN m = exp(η); the CMP rate is goalmodel's
    'fast' mapping (Shmueli et al. 2005)
        rate = (m + (ν_cmp − 1)/(2ν_cmp))^ν_cmp,
    and P(k) = rate^k / (k!)^ν_cmp / Z(rate, ν_cmp), Z = Σ_{j≥0} rate^j/(j!)^ν_cmp.
    goalmodel sums Z only to max(50, ceil((rate/0.01)^(1/ν))) terms and
    returns +inf outside 0.7 ≤ ν_cmp ≤ 1.7; here Z is summed to convergence
    (terms below 1e-30 of the largest) and ν_cmp > 0 is free (it must keep
    m + (ν_cmp − 1)/(2ν_cmp) > 0, else the likelihood is −inf). ν_cmp = 1 is
    Poisson(m). The rate is NOT the linear predictor: goalmodel puts exp(η)
    on the mean scale through the mapping above.
``conway_maxwell_poisson_rate`` (extra ν_cmp > 0; NOT goalmodel's definition)
    The other common CMP regression: the linear predictor is the CMP rate
    itself, rate = exp(η) = λ (ν), P(k) = λ^k/(k!)^ν_cmp / Z(λ, ν_cmp), Z
    summed to convergence; λ is then not the mean unless ν_cmp = 1. Given so
    that whichever parameterisation the Rust family adopts has a reference;
    the issue's reference definition is goalmodel's (the family above).

What it computes
----------------
Two cases: (a) ``E0-1112-unweighted``: E0 2011-12, w = 1; (b)
``E0-2122-2324-weighted``: E0 2021-22 + 2022-23 + 2023-24 concatenated in
file order (``common.load_football_data`` per season, ``Matches.concat``),
weighted by ``common.decay_weights`` with ξ = 0.0018, reference = the last
match date of 2023-24. For each family and case, the MLE in the reduced
parameterisation θ = (μ, γ, extras, attack[:-1], defence[:-1]) (attack[last]
= −Σ attack[:-1], same for defence) from three starts: ``rate`` (μ = log of
the weighted mean goals, γ = 0.25, teams 0, default extras), ``poisson``
(the Poisson optimum, default extras) and ``perturbed`` (the Poisson optimum
+ N(0, 0.1²) noise on μ, γ and every team parameter, extras scaled by
U(0.5, 1.5); seeded). Each start runs scipy L-BFGS-B (analytic gradient,
ftol 0, gtol 1e-12, bounds only on the extras) on z = θ/0.05, so that its
first, unit-length step moves θ by 0.05 (unscaled, that step moves the
dependent attack[last] by several units, into rates where the Weibull series
is out of its accurate range, and L-BFGS-B then stops at the start),
restarted from its result while that still improves; it is then polished by
Newton steps on the free parameters (Hessian = central differences of the
analytic gradient), accepted only while max|gradient| falls. An extra that
ends on its bound with the score pointing outward is held there exactly
(active set) and listed in ``at_boundary``; its score is ``outward_score``
(< 0 means the likelihood would increase beyond the bound), and
``grad_max_abs`` is the max |gradient| over the free parameters (the
projected gradient). The best start is reported; ``starts`` gives all.

Per match, 1X2 from the exact score distribution: a 0..K × 0..K grid with K
raised in steps of 5 until the mass outside the grid is below 1e-12 for
every match, then renormalised (changes probabilities by < 1e-12).

Output: ``$SCORELINE_PEERS_DIR/reference_families.json`` (default
``<repo>/target/peers``); data from ``$SCORELINE_DATA_DIR``. The run exits 1
if some family misses max|projected gradient| < 1e-6 or its starts disagree
by more than 1e-6 in log-likelihood. It takes ~15–20 s single-threaded here
(``run_seconds`` in the JSON); ``--self-check`` ~5 s.

Cross-check: the ``dixon_coles`` entry of E0-1112-unweighted equals
reference_mle.py's fit (log-likelihood to 2e-13, 1X2 to 3e-14).

Rerun
-----
    OMP_NUM_THREADS=1 .venv/bin/python benches/peers/reference_families.py
    OMP_NUM_THREADS=1 .venv/bin/python benches/peers/reference_families.py --self-check
``--self-check``: analytic gradients vs central differences for every family,
the special cases (NB α = 0, BP λ3 = 0, CMP ν = 1, ZIP π = 0, DC ρ = 0,
Weibull s = 1 with κ → 0 all equal the Poisson log-likelihood), and the
Weibull-count pmf against a brute-force numerical renewal integration.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import digamma, gammaln, logsumexp, xlogy

from common import XI, Matches, decay_weights, load_football_data, write_json

Arr = NDArray[np.float64]

GTOL = 1e-12
GRAD_TARGET = 1e-8
NEWTON_MAX = 25
SCALE = 0.05
MAX_LBFGS_RUNS = 5
# the Weibull-count series is used only where its rounding bound is below this
WEIBULL_ROUNDING_MAX = 1e-10
GRID_OUTSIDE = 1e-12
WEIBULL_TAIL = 1e-30
CMP_TAIL = 1e-30
EPS = 2.0**-52

FAMILIES = [
    "poisson",
    "dixon_coles",
    "negative_binomial",
    "zero_inflated_poisson",
    "bivariate_poisson",
    "weibull_copula",
    "conway_maxwell_poisson",
    "conway_maxwell_poisson_rate",
]


# ---------------------------------------------------------------- data
@dataclass
class Problem:
    """Indexed data of one fit."""

    teams: list[str]
    hi: NDArray[np.int64]
    ai: NDArray[np.int64]
    x: NDArray[np.int64]
    y: NDArray[np.int64]
    w: Arr
    home_flag: Arr  # 1 − neutral

    @classmethod
    def from_matches(cls, m: Matches, w: Arr) -> Problem:
        teams = sorted(set(m.home) | set(m.away))
        index = {t: i for i, t in enumerate(teams)}
        return cls(
            teams,
            np.array([index[t] for t in m.home], np.int64),
            np.array([index[t] for t in m.away], np.int64),
            np.asarray(m.home_goals, np.int64),
            np.asarray(m.away_goals, np.int64),
            np.asarray(w, np.float64),
            (~m.neutral).astype(np.float64),
        )

    @property
    def n_teams(self) -> int:
        return len(self.teams)


def pois_logpmf(k: NDArray[Any], m: Arr) -> Arr:
    """log Pois(k; m) = k log m − m − ln k! (0·log 0 = 0, so m = 0 is allowed)."""
    return xlogy(k, m) - m - gammaln(k + 1)


# ---------------------------------------------------------------- families
# Each ``terms`` function takes goals x, y, rates λ = exp(η_h), ν = exp(η_a) and
# the extras, and returns per match (log P, ∂logP/∂η_h, ∂logP/∂η_a, ∂logP/∂extras
# as an (n, k) array), or None where the parameters are outside the domain.
Terms = tuple[Arr, Arr, Arr, Arr]


def poisson_terms(x, y, lam, nu, ex) -> Terms | None:
    ll = pois_logpmf(x, lam) + pois_logpmf(y, nu)
    return ll, x - lam, y - nu, np.zeros((x.size, 0))


def dc_terms(x, y, lam, nu, ex) -> Terms | None:
    rho = ex[0]
    t = np.ones_like(lam)
    m00 = (x == 0) & (y == 0)
    m01 = (x == 0) & (y == 1)
    m10 = (x == 1) & (y == 0)
    m11 = (x == 1) & (y == 1)
    t[m00] = 1.0 - lam[m00] * nu[m00] * rho
    t[m01] = 1.0 + lam[m01] * rho
    t[m10] = 1.0 + nu[m10] * rho
    t[m11] = 1.0 - rho
    if np.any(t <= 0.0):
        return None
    ll = np.log(t) + pois_logpmf(x, lam) + pois_logpmf(y, nu)
    dh = (x - lam).astype(float)
    da = (y - nu).astype(float)
    dr = np.zeros_like(lam)
    c00 = lam[m00] * nu[m00] / t[m00]
    dh[m00] -= rho * c00
    da[m00] -= rho * c00
    dr[m00] = -c00
    dh[m01] += rho * lam[m01] / t[m01]
    dr[m01] = lam[m01] / t[m01]
    da[m10] += rho * nu[m10] / t[m10]
    dr[m10] = nu[m10] / t[m10]
    dr[m11] = -1.0 / t[m11]
    return ll, dh, da, dr[:, None]


def _nb_side(k, m, alpha) -> tuple[Arr, Arr, Arr]:
    """log NB(k; m, α), ∂/∂log m and ∂/∂α (α ≥ 0 scalar; α = 0 is Poisson)."""
    kmax = int(k.max()) if k.size else 0
    j = np.arange(kmax)
    mask = j[None, :] < k[:, None]
    s = np.where(mask, np.log1p(alpha * j[None, :]), 0.0).sum(axis=1)
    ds = np.where(mask, j[None, :] / (1.0 + alpha * j[None, :]), 0.0).sum(axis=1)
    z = alpha * m
    l1 = np.log1p(z)
    if alpha > 0.0:
        tail = l1 / alpha
    else:
        tail = m.copy()
    ll = s - gammaln(k + 1) + k * np.log(m) - k * l1 - tail
    d_eta = (k - m) / (1.0 + z)
    # ∂/∂α of −log(1+αm)/α is [log(1+z) − z/(1+z)]/α² = m²·g(z), g(z) = Σ_{q≥2} (−1)^q (q−1)/q z^{q−2}
    small = z < 1e-2
    g = np.empty_like(z)
    zs = z[small]
    g[small] = sum(((-1) ** q) * (q - 1) / q * zs ** (q - 2) for q in range(2, 12))
    zb = z[~small]
    g[~small] = (np.log1p(zb) - zb / (1.0 + zb)) / zb**2
    d_alpha = ds - k * m / (1.0 + z) + m * m * g
    return ll, d_eta, d_alpha


def nb_terms(x, y, lam, nu, ex) -> Terms | None:
    alpha = ex[0]
    if alpha < 0.0:
        return None
    lh, dh, ah = _nb_side(x, lam, alpha)
    la, da, aa = _nb_side(y, nu, alpha)
    return lh + la, dh, da, (ah + aa)[:, None]


def _zip_side(k, m, pi) -> tuple[Arr, Arr, Arr]:
    zero = k == 0
    em = np.exp(-m)
    p0 = pi + (1.0 - pi) * em
    ll = np.where(zero, np.log(np.where(zero, p0, 1.0)), np.log1p(-pi) + pois_logpmf(k, m))
    d_eta = np.where(zero, -(1.0 - pi) * em * m / p0, k - m)
    d_pi = np.where(zero, (1.0 - em) / p0, -1.0 / (1.0 - pi))
    return ll, d_eta, d_pi


def zip_terms(x, y, lam, nu, ex) -> Terms | None:
    pi = ex[0]
    if not 0.0 <= pi < 1.0:
        return None
    lh, dh, ph = _zip_side(x, lam, pi)
    la, da, pa = _zip_side(y, nu, pi)
    return lh + la, dh, da, (ph + pa)[:, None]


def bp_pmf(x, y, l1, l2, l3) -> Arr:
    """Bivariate Poisson P(x, y) per match (0 where x < 0 or y < 0); l3 ≥ 0 scalar."""
    kmax = max(int(np.minimum(x, y).max()), 0)
    out = np.zeros(x.shape, dtype=float)
    ok = (x >= 0) & (y >= 0)
    for k in range(kmax + 1):
        m = ok & (np.minimum(x, y) >= k)
        if not np.any(m):
            break
        out[m] += np.exp(
            pois_logpmf(x[m] - k, l1[m]) + pois_logpmf(y[m] - k, l2[m]) + pois_logpmf(np.array(k), np.array(l3))
        )
    return out


def bp_terms(x, y, lam, nu, ex) -> Terms | None:
    l3 = ex[0]
    if l3 < 0.0:
        return None
    p = bp_pmf(x, y, lam, nu, l3)
    if np.any(p <= 0.0):
        return None
    # ∂P/∂λ1 = P(x−1, y) − P, ∂P/∂λ2 = P(x, y−1) − P, ∂P/∂λ3 = P(x−1, y−1) − P
    d1 = bp_pmf(x - 1, y, lam, nu, l3) - p
    d2 = bp_pmf(x, y - 1, lam, nu, l3) - p
    d3 = bp_pmf(x - 1, y - 1, lam, nu, l3) - p
    return np.log(p), lam * d1 / p, nu * d2 / p, (d3 / p)[:, None]


# ---- Weibull count
def weibull_table(shape: float, kmax: int, j_terms: int) -> tuple[Arr, Arr]:
    """B[x, j] = α_j^x / Γ(shape·j + 1) for x = 0..kmax, j = 0..j_terms, and ∂B/∂shape.

    B[0, j] = 1/j!, B[x+1, j] = Σ_{i<j} B[x, i] R[i, j] with
    R[i, j] = Γ(si+1)Γ(s(j−i)+1)/(Γ(sj+1)Γ(j−i+1)) and
    ∂R/∂s = R·(i ψ(si+1) + (j−i) ψ(s(j−i)+1) − j ψ(sj+1)).
    """
    j = np.arange(j_terms + 1, dtype=float)
    i = j[:, None]
    jj = j[None, :]
    d = jj - i
    upper = d > 0
    dd = np.where(upper, d, 1.0)
    log_r = gammaln(shape * i + 1) + gammaln(shape * dd + 1) - gammaln(shape * jj + 1) - gammaln(dd + 1)
    r = np.where(upper, np.exp(log_r), 0.0)
    dr = np.where(
        upper,
        r * (i * digamma(shape * i + 1) + dd * digamma(shape * dd + 1) - jj * digamma(shape * jj + 1)),
        0.0,
    )
    b = np.zeros((kmax + 1, j_terms + 1))
    db = np.zeros_like(b)
    b[0] = np.exp(-gammaln(j + 1))
    for x in range(kmax):
        b[x + 1] = b[x] @ r
        db[x + 1] = db[x] @ r + b[x] @ dr
    return b, db


@dataclass
class WeibullPmf:
    pmf: Arr  # (n, kmax+1)
    d_rate: Arr  # ∂pmf/∂m
    d_shape: Arr  # ∂pmf/∂shape
    j_terms: int
    abs_sum_max: float  # max over (match, x) of Σ_j m^j |B[x, j]| (rounding bound / 2^-52)


def weibull_pmf(rate: Arr, shape: float, kmax: int) -> WeibullPmf:
    """Weibull-count pmf P(N = x), x = 0..kmax, for each rate m, summed to convergence.

    P(N = x) = Σ_{j=x}^{J} (−1)^{x+j} m^j B[x, j]; J starts at 64 and doubles
    until m_max^j |B[x, j]| < 1e-30 for the last 8 j and every x ≤ kmax.
    """
    m_max = float(np.max(rate))
    j_terms = 64
    while True:
        b, db = weibull_table(shape, kmax, j_terms)
        jv = np.arange(j_terms + 1)
        last = np.exp(jv[-8:] * np.log(m_max)) * np.abs(b[:, -8:])
        if np.max(last) < WEIBULL_TAIL or j_terms >= 1024:
            break
        j_terms *= 2
    if np.max(last) >= WEIBULL_TAIL:
        raise RuntimeError(f"Weibull-count series did not converge (shape {shape}, rate {m_max})")
    sign = np.where((np.arange(kmax + 1)[:, None] + jv[None, :]) % 2 == 0, 1.0, -1.0)
    powers = np.exp(jv[None, :] * np.log(rate)[:, None])  # m^j
    dpowers = np.zeros_like(powers)
    dpowers[:, 1:] = jv[None, 1:] * powers[:, :-1]  # j m^(j−1)
    sb = (sign * b).T
    pmf = powers @ sb
    abs_sum = float(np.max(powers @ np.abs(b).T))
    return WeibullPmf(pmf, dpowers @ sb, powers @ (sign * db).T, j_terms, abs_sum)


def frank(u: Arr, v: Arr, kappa: float) -> tuple[Arr, Arr, Arr, Arr]:
    """Frank copula C(u, v) = −(1/κ) log(1 + (e^{−κu}−1)(e^{−κv}−1)/(e^{−κ}−1)), ∂C/∂u, ∂C/∂v, ∂C/∂κ."""
    if kappa == 0.0:
        kappa = 1e-12  # the independence limit; C = uv to ~1e-12
    a = np.expm1(-kappa * u)
    b = np.expm1(-kappa * v)
    d = np.expm1(-kappa)
    z = a * b / d
    c = -np.log1p(z) / kappa
    cu = np.exp(-kappa * u) * b / (d + a * b)
    cv = np.exp(-kappa * v) * a / (d + a * b)
    da = -u * np.exp(-kappa * u)
    dbk = -v * np.exp(-kappa * v)
    dd = -np.exp(-kappa)
    dz = (da * b + a * dbk) / d - a * b * dd / d**2
    ck = np.log1p(z) / kappa**2 - dz / (kappa * (1.0 + z))
    return c, cu, cv, ck


def _cdf_at(cdf: Arr, k: NDArray[np.int64]) -> Arr:
    """F(k) per match from an (n, K+1) cdf table; F(−1) = 0."""
    rows = np.arange(k.size)
    return np.where(k >= 0, cdf[rows, np.maximum(k, 0)], 0.0)


def weibull_copula_terms(x, y, lam, nu, ex) -> Terms | None:
    shape, kappa = ex
    if shape <= 0.0:
        return None
    kmax = int(max(x.max(), y.max()))
    wh = weibull_pmf(lam, shape, kmax)
    wa = weibull_pmf(nu, shape, kmax)
    if EPS * max(wh.abs_sum_max, wa.abs_sum_max) > WEIBULL_ROUNDING_MAX:
        return None  # outside the region where the double-precision series is accurate
    fh, fa = np.cumsum(wh.pmf, 1), np.cumsum(wa.pmf, 1)
    fh_l, fa_l = np.cumsum(wh.d_rate, 1), np.cumsum(wa.d_rate, 1)
    fh_s, fa_s = np.cumsum(wh.d_shape, 1), np.cumsum(wa.d_shape, 1)
    u1, u0 = _cdf_at(fh, x), _cdf_at(fh, x - 1)
    v1, v0 = _cdf_at(fa, y), _cdf_at(fa, y - 1)
    du1, du0 = _cdf_at(fh_l, x), _cdf_at(fh_l, x - 1)
    dv1, dv0 = _cdf_at(fa_l, y), _cdf_at(fa_l, y - 1)
    su1, su0 = _cdf_at(fh_s, x), _cdf_at(fh_s, x - 1)
    sv1, sv0 = _cdf_at(fa_s, y), _cdf_at(fa_s, y - 1)
    c11, cu11, cv11, ck11 = frank(u1, v1, kappa)
    c01, cu01, cv01, ck01 = frank(u0, v1, kappa)
    c10, cu10, cv10, ck10 = frank(u1, v0, kappa)
    c00, cu00, cv00, ck00 = frank(u0, v0, kappa)
    p = c11 - c01 - c10 + c00
    if not np.all(p > 0.0):
        return None
    dp_lam = cu11 * du1 - cu01 * du0 - cu10 * du1 + cu00 * du0
    dp_nu = cv11 * dv1 - cv01 * dv1 - cv10 * dv0 + cv00 * dv0
    dp_shape = (
        cu11 * su1 + cv11 * sv1 - (cu01 * su0 + cv01 * sv1) - (cu10 * su1 + cv10 * sv0) + (cu00 * su0 + cv00 * sv0)
    )
    dp_kappa = ck11 - ck01 - ck10 + ck00
    extras = np.stack([dp_shape / p, dp_kappa / p], axis=1)
    return np.log(p), lam * dp_lam / p, nu * dp_nu / p, extras


# ---- Conway–Maxwell–Poisson (goalmodel's mean mapping)
@dataclass
class CmpSide:
    ll: Arr
    d_eta: Arr
    d_nu: Arr


def cmp_log_rate(m: Arr, nu: float, mapping: str = "mean") -> tuple[Arr, Arr, Arr] | None:
    """log rate, its ∂/∂log m and ∂/∂ν. ``mapping = "mean"`` (goalmodel): log rate =
    ν log(m + (ν−1)/(2ν)) (None if m + (ν−1)/(2ν) ≤ 0); ``"rate"``: log rate = log m."""
    if mapping == "rate":
        return np.log(m), np.ones_like(m), np.zeros_like(m)
    c = (nu - 1.0) / (2.0 * nu)
    base = m + c
    if np.any(base <= 0.0):
        return None
    log_rate = nu * np.log(base)
    d_logm = nu * m / base
    d_nu = np.log(base) + nu * (1.0 / (2.0 * nu * nu)) / base
    return log_rate, d_logm, d_nu


def cmp_log_weights(log_rate: Arr, nu: float) -> Arr | None:
    """(n, J+1) array of j·log rate − ν·ln j!, J large enough that the terms
    beyond it are below 1e-30 of the largest (checked; J doubles from 64 up to
    4096; None if that is not enough, which the fit treats as outside the domain)."""
    j_terms = 64
    while True:
        j = np.arange(j_terms + 1)
        lw = j[None, :] * log_rate[:, None] - nu * gammaln(j + 1)[None, :]
        top = lw.max(axis=1)
        if np.all(lw[:, -1] - top < np.log(CMP_TAIL)) and np.all(lw[:, -1] < lw[:, -2]):
            return lw
        if j_terms >= 4096:
            return None
        j_terms *= 2


def _cmp_side(k, m, nu, mapping: str = "mean") -> CmpSide | None:
    lr = cmp_log_rate(m, nu, mapping)
    if lr is None:
        return None
    log_rate, d_logm, d_nu_rate = lr
    lw = cmp_log_weights(log_rate, nu)
    if lw is None:
        return None
    log_z = logsumexp(lw, axis=1)
    prob = np.exp(lw - log_z[:, None])
    j = np.arange(lw.shape[1])
    mean = prob @ j
    mean_lfact = prob @ gammaln(j + 1)
    ll = k * log_rate - nu * gammaln(k + 1) - log_z
    d_eta = (k - mean) * d_logm
    d_nu = (k - mean) * d_nu_rate - gammaln(k + 1) + mean_lfact
    return CmpSide(ll, d_eta, d_nu)


def cmp_terms(x, y, lam, nu_a, ex) -> Terms | None:
    nu = ex[0]
    if nu <= 0.0:
        return None
    h = _cmp_side(x, lam, nu)
    a = _cmp_side(y, nu_a, nu)
    if h is None or a is None:
        return None
    return h.ll + a.ll, h.d_eta, a.d_eta, (h.d_nu + a.d_nu)[:, None]


def cmp_rate_terms(x, y, lam, nu_a, ex) -> Terms | None:
    """The CMP variant with the linear predictor on the rate (log rate = η); not goalmodel's."""
    nu = ex[0]
    if nu <= 0.0:
        return None
    h = _cmp_side(x, lam, nu, "rate")
    a = _cmp_side(y, nu_a, nu, "rate")
    if h is None or a is None:
        return None
    return h.ll + a.ll, h.d_eta, a.d_eta, (h.d_nu + a.d_nu)[:, None]


def cmp_pmf(m: Arr, nu: float, kmax: int, mapping: str = "mean") -> Arr:
    """(n, kmax+1) CMP pmf (goalmodel's mean mapping or the rate one), Z summed to convergence."""
    log_rate = cmp_log_rate(m, nu, mapping)[0]  # type: ignore[index]
    lw = cmp_log_weights(log_rate, nu)
    assert lw is not None
    if lw.shape[1] < kmax + 1:
        lw_full = lw
        j = np.arange(kmax + 1)
        lw = j[None, :] * log_rate[:, None] - nu * gammaln(j + 1)[None, :]
        log_z = logsumexp(lw_full, axis=1)
    else:
        log_z = logsumexp(lw, axis=1)
        lw = lw[:, : kmax + 1]
    return np.exp(lw - log_z[:, None])


# ---------------------------------------------------------------- grids
def grid(family: str, lam: Arr, nu: Arr, ex: Arr, k: int) -> Arr:
    """(n, k+1, k+1) joint pmf on 0..k × 0..k (not renormalised)."""
    g = np.arange(k + 1)
    if family in ("poisson", "dixon_coles"):
        ph = np.exp(pois_logpmf(g[None, :], lam[:, None]))
        pa = np.exp(pois_logpmf(g[None, :], nu[:, None]))
        out = ph[:, :, None] * pa[:, None, :]
        if family == "dixon_coles":
            rho = ex[0]
            out[:, 0, 0] *= 1.0 - lam * nu * rho
            out[:, 0, 1] *= 1.0 + lam * rho
            out[:, 1, 0] *= 1.0 + nu * rho
            out[:, 1, 1] *= 1.0 - rho
        return out
    if family == "negative_binomial":
        ph = np.stack([np.exp(_nb_side(np.full(lam.size, i), lam, ex[0])[0]) for i in g], 1)
        pa = np.stack([np.exp(_nb_side(np.full(nu.size, i), nu, ex[0])[0]) for i in g], 1)
        return ph[:, :, None] * pa[:, None, :]
    if family == "zero_inflated_poisson":
        ph = np.stack([np.exp(_zip_side(np.full(lam.size, i), lam, ex[0])[0]) for i in g], 1)
        pa = np.stack([np.exp(_zip_side(np.full(nu.size, i), nu, ex[0])[0]) for i in g], 1)
        return ph[:, :, None] * pa[:, None, :]
    if family == "bivariate_poisson":
        out = np.empty((lam.size, k + 1, k + 1))
        for i in g:
            for j in g:
                out[:, i, j] = bp_pmf(np.full(lam.size, i), np.full(lam.size, j), lam, nu, ex[0])
        return out
    if family == "weibull_copula":
        shape, kappa = ex
        fh = np.cumsum(weibull_pmf(lam, shape, k).pmf, 1)
        fa = np.cumsum(weibull_pmf(nu, shape, k).pmf, 1)
        fh = np.concatenate([np.zeros((lam.size, 1)), fh], 1)  # F(−1) = 0
        fa = np.concatenate([np.zeros((nu.size, 1)), fa], 1)
        c = frank(fh[:, :, None], fa[:, None, :], kappa)[0]
        return c[:, 1:, 1:] - c[:, :-1, 1:] - c[:, 1:, :-1] + c[:, :-1, :-1]
    if family in ("conway_maxwell_poisson", "conway_maxwell_poisson_rate"):
        mapping = "rate" if family.endswith("_rate") else "mean"
        ph = cmp_pmf(lam, ex[0], k, mapping)
        pa = cmp_pmf(nu, ex[0], k, mapping)
        return ph[:, :, None] * pa[:, None, :]
    raise ValueError(family)


def outcome_probabilities(family: str, lam: Arr, nu: Arr, ex: Arr) -> tuple[Arr, int, float]:
    """(n, 3) p_home, p_draw, p_away from the exact grid, the grid size K and the max mass outside."""
    k = 15
    while True:
        gr = grid(family, lam, nu, ex, k)
        total = gr.sum(axis=(1, 2))
        outside = float(np.max(np.abs(1.0 - total)))
        if outside < GRID_OUTSIDE or k >= 60:
            break
        k += 5
    gr = gr / total[:, None, None]
    gx, gy = np.meshgrid(np.arange(k + 1), np.arange(k + 1), indexing="ij")
    probs = np.stack([gr[:, gx > gy].sum(1), gr[:, gx == gy].sum(1), gr[:, gx < gy].sum(1)], axis=1)
    return probs, k, outside


# ---------------------------------------------------------------- family table
@dataclass
class Family:
    """A family's extra parameters: names, bounds, the Poisson-boundary value, default start."""

    name: str
    terms: Callable[..., Terms | None]
    extras: list[str] = field(default_factory=list)
    lower: list[float | None] = field(default_factory=list)
    upper: list[float | None] = field(default_factory=list)
    default: list[float] = field(default_factory=list)


FAMILY_TABLE: dict[str, Family] = {
    "poisson": Family("poisson", poisson_terms),
    "dixon_coles": Family("dixon_coles", dc_terms, ["rho"], [None], [None], [-0.05]),
    "negative_binomial": Family("negative_binomial", nb_terms, ["dispersion_alpha"], [0.0], [None], [0.05]),
    "zero_inflated_poisson": Family(
        "zero_inflated_poisson", zip_terms, ["zero_inflation_pi"], [0.0], [1.0 - 1e-9], [0.05]
    ),
    "bivariate_poisson": Family("bivariate_poisson", bp_terms, ["lambda3"], [0.0], [None], [0.1]),
    "weibull_copula": Family(
        "weibull_copula", weibull_copula_terms, ["shape", "kappa"], [0.05, None], [None, None], [1.1, 0.5]
    ),
    "conway_maxwell_poisson": Family("conway_maxwell_poisson", cmp_terms, ["nu"], [0.05], [None], [1.1]),
    "conway_maxwell_poisson_rate": Family("conway_maxwell_poisson_rate", cmp_rate_terms, ["nu"], [0.05], [None], [1.1]),
}


# ---------------------------------------------------------------- likelihood in θ
def n_extra(fam: Family) -> int:
    return len(fam.extras)


def expand(theta: Arr, n_teams: int, k: int) -> tuple[float, float, Arr, Arr, Arr]:
    """Reduced θ = (μ, γ, extras[k], attack[:-1], defence[:-1]) → full parameters."""
    mu, gamma = float(theta[0]), float(theta[1])
    ex = np.asarray(theta[2 : 2 + k], float)
    att = np.empty(n_teams)
    dfc = np.empty(n_teams)
    att[:-1] = theta[2 + k : 2 + k + n_teams - 1]
    att[-1] = -att[:-1].sum()
    dfc[:-1] = theta[2 + k + n_teams - 1 :]
    dfc[-1] = -dfc[:-1].sum()
    return mu, gamma, ex, att, dfc


def rates(p: Problem, theta: Arr, k: int) -> tuple[Arr, Arr, Arr]:
    mu, gamma, ex, att, dfc = expand(theta, p.n_teams, k)
    lam = np.exp(mu + gamma * p.home_flag + att[p.hi] - dfc[p.ai])
    nu = np.exp(mu + att[p.ai] - dfc[p.hi])
    return lam, nu, ex


def loglik_and_grad(fam: Family, p: Problem, theta: Arr) -> tuple[float, Arr]:
    """Weighted log-likelihood and its analytic gradient in θ (−inf, 0 outside the domain)."""
    k = n_extra(fam)
    n = p.n_teams
    lam, nu, ex = rates(p, theta, k)
    with np.errstate(all="ignore"):
        out = fam.terms(p.x, p.y, lam, nu, ex)
    if out is None:
        return -np.inf, np.zeros_like(theta)
    ll_i, dh, da, dex = out
    ll = float(np.sum(p.w * ll_i))
    if not np.isfinite(ll):
        return -np.inf, np.zeros_like(theta)
    gh = p.w * dh
    ga = p.w * da
    g_att = np.bincount(p.hi, gh, n) + np.bincount(p.ai, ga, n)
    g_def = -np.bincount(p.ai, gh, n) - np.bincount(p.hi, ga, n)
    grad = np.empty_like(theta)
    grad[0] = gh.sum() + ga.sum()
    grad[1] = np.sum(gh * p.home_flag)
    grad[2 : 2 + k] = (p.w[:, None] * dex).sum(axis=0)
    grad[2 + k : 2 + k + n - 1] = g_att[:-1] - g_att[-1]
    grad[2 + k + n - 1 :] = g_def[:-1] - g_def[-1]
    return ll, grad


def loglik_at(family: str, p: Problem, mu, gamma, ex, att, dfc) -> float:
    """The family's weighted log-likelihood at full parameters (attack/defence need not be centred)."""
    fam = FAMILY_TABLE[family]
    lam = np.exp(mu + gamma * p.home_flag + att[p.hi] - dfc[p.ai])
    nu = np.exp(mu + att[p.ai] - dfc[p.hi])
    with np.errstate(all="ignore"):
        out = fam.terms(p.x, p.y, lam, nu, np.asarray(ex, float))
    if out is None:
        return -np.inf
    return float(np.sum(p.w * out[0]))


# ---------------------------------------------------------------- fitting
def bounds_for(fam: Family, n_teams: int) -> list[tuple[float | None, float | None]]:
    return [(None, None), (None, None)] + list(zip(fam.lower, fam.upper)) + [(None, None)] * (2 * (n_teams - 1))


def hessian_fd(fam: Family, p: Problem, theta: Arr, free: NDArray[np.bool_]) -> Arr:
    """Hessian of the log-likelihood over the free coordinates: central differences of the analytic gradient."""
    idx = np.flatnonzero(free)
    hess = np.empty((idx.size, idx.size))
    for col, j in enumerate(idx):
        h = 1e-5 * max(1.0, abs(theta[j]))
        e = np.zeros_like(theta)
        e[j] = h
        gp = loglik_and_grad(fam, p, theta + e)[1]
        gm = loglik_and_grad(fam, p, theta - e)[1]
        hess[:, col] = (gp[idx] - gm[idx]) / (2 * h)
    return 0.5 * (hess + hess.T)


@dataclass
class FitResult:
    theta: Arr
    loglik: float
    grad_max_abs: float
    at_boundary: list[str]
    outward_score: dict[str, float]
    nit: int
    newton_steps: int
    message: str


def fit_from(fam: Family, p: Problem, theta0: Arr) -> FitResult:
    """L-BFGS-B from θ0, then active-set Newton polishing (see the module docstring)."""
    k = n_extra(fam)
    bnds = bounds_for(fam, p.n_teams)

    def f(th: Arr) -> tuple[float, Arr]:
        ll, g = loglik_and_grad(fam, p, th)
        if not np.isfinite(ll):
            return 1e300, np.zeros_like(th)
        return -ll, -g

    # L-BFGS-B works on z = θ/SCALE: its first step has unit length in z, i.e.
    # SCALE in θ, small enough that no trial point leaves the region where the
    # likelihood is finite (an unscaled first step moves the dependent
    # attack[last] = −Σ attack[:-1] by several units). It is restarted from its
    # own result while that moves the log-likelihood.
    def fz(z: Arr) -> tuple[float, Arr]:
        val, grad = f(z * SCALE)
        return val, grad * SCALE

    zb = [(None if lo is None else lo / SCALE, None if hi is None else hi / SCALE) for lo, hi in bnds]
    z = np.array(theta0, float) / SCALE
    nit = 0
    message = ""
    previous = np.inf
    for _run in range(MAX_LBFGS_RUNS):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = minimize(
                fz,
                z,
                jac=True,
                method="L-BFGS-B",
                bounds=zb,
                options={"maxiter": 20_000, "maxfun": 40_000, "ftol": 0.0, "gtol": GTOL, "maxcor": 30},
            )
        nit += int(res.nit)
        message = str(res.message)
        z = np.array(res.x, float)
        if not res.fun < previous - 1e-9:
            break
        previous = float(res.fun)
    theta = z * SCALE

    lower = np.array(
        [-np.inf, -np.inf] + [b if b is not None else -np.inf for b in fam.lower] + [-np.inf] * (2 * (p.n_teams - 1))
    )
    upper = np.array(
        [np.inf, np.inf] + [b if b is not None else np.inf for b in fam.upper] + [np.inf] * (2 * (p.n_teams - 1))
    )

    newton = 0
    for _round in range(3):
        # active set: extras on (or within 1e-9 of) a bound whose score points outward
        ll, g = loglik_and_grad(fam, p, theta)
        active = np.zeros(theta.size, bool)
        for j in range(2, 2 + k):
            if theta[j] - lower[j] < 1e-9 and g[j] <= 0.0:
                theta[j] = lower[j]
                active[j] = True
            elif upper[j] - theta[j] < 1e-9 and g[j] >= 0.0:
                theta[j] = upper[j]
                active[j] = True
        free = ~active
        ll, g = loglik_and_grad(fam, p, theta)
        gmax = float(np.max(np.abs(g[free])))
        while gmax >= GRAD_TARGET * 1e-2 and newton < NEWTON_MAX:
            hess = hessian_fd(fam, p, theta, free)
            step = np.zeros_like(theta)
            step[free] = -np.linalg.solve(hess, g[free])
            cand = theta + step
            # a step that crosses a bound stops at it (the next round re-checks the active set)
            cand = np.clip(cand, lower, upper)
            ll_c, g_c = loglik_and_grad(fam, p, cand)
            g_new = float(np.max(np.abs(g_c[free]))) if np.isfinite(ll_c) else np.inf
            if not g_new < gmax:
                break
            theta, ll, g, gmax = cand, ll_c, g_c, g_new
            newton += 1
        # any active extra whose score now points inward is freed and the loop repeats
        if not any(
            active[j] and ((theta[j] == lower[j] and g[j] > 0) or (theta[j] == upper[j] and g[j] < 0))
            for j in range(2, 2 + k)
        ):
            break
    at_boundary = [fam.extras[j - 2] for j in range(2, 2 + k) if active[j]]
    outward = {fam.extras[j - 2]: float(g[j]) for j in range(2, 2 + k) if active[j]}
    return FitResult(theta, ll, gmax, at_boundary, outward, nit, newton, message)


def rate_start(fam: Family, p: Problem) -> Arr:
    theta = np.zeros(2 + n_extra(fam) + 2 * (p.n_teams - 1))
    theta[0] = np.log(np.sum(p.w * (p.x + p.y)) / (2.0 * np.sum(p.w)))
    theta[1] = 0.25
    theta[2 : 2 + n_extra(fam)] = fam.default
    return theta


def with_extras(fam: Family, base: Arr, extras: list[float]) -> Arr:
    """Poisson θ (μ, γ, teams) with the family's extras inserted after γ."""
    return np.concatenate([base[:2], np.asarray(extras, float), base[2:]])


def starts_for(fam: Family, p: Problem, poisson_theta: Arr, rng: np.random.Generator) -> dict[str, Arr]:
    k = n_extra(fam)
    starts = {"rate": rate_start(fam, p)}
    if fam.name == "poisson":
        zero = np.zeros_like(poisson_theta)
        starts["zero"] = zero
        starts["perturbed"] = poisson_theta + rng.normal(0.0, 0.1, poisson_theta.size)
        return starts
    starts["poisson"] = with_extras(fam, poisson_theta, fam.default)
    noisy = poisson_theta + rng.normal(0.0, 0.1, poisson_theta.size)
    ex = np.asarray(fam.default, float) * rng.uniform(0.5, 1.5, k)
    starts["perturbed"] = with_extras(fam, noisy, list(ex))
    return starts


# ---------------------------------------------------------------- cases
CASES = [
    ("E0-1112-unweighted", [("E0", "1112")], False),
    ("E0-2122-2324-weighted", [("E0", "2122"), ("E0", "2223"), ("E0", "2324")], True),
]


def case_inputs(seasons: list[tuple[str, str]], weighted: bool) -> tuple[Matches, Arr, str]:
    m = load_football_data(*seasons[0])
    for div, season in seasons[1:]:
        m = m.concat(load_football_data(div, season))
    w, reference = decay_weights(m.dates, XI)
    if not weighted:
        w = np.ones(len(m))
    return m, w, reference.isoformat()


def fit_family(name: str, p: Problem, poisson_theta: Arr | None, seed: int) -> tuple[FitResult, list[dict[str, Any]]]:
    fam = FAMILY_TABLE[name]
    rng = np.random.default_rng(seed)
    base = poisson_theta if poisson_theta is not None else rate_start(fam, p)
    results = []
    for label, th0 in starts_for(fam, p, base, rng).items():
        t0 = time.perf_counter()
        r = fit_from(fam, p, th0)
        results.append((label, r, time.perf_counter() - t0))
    best = max(results, key=lambda t: t[1].loglik)[1]
    starts = [
        {
            "start": label,
            "loglik": r.loglik,
            "grad_max_abs": r.grad_max_abs,
            "at_boundary": r.at_boundary,
            "lbfgsb_iterations": r.nit,
            "newton_steps": r.newton_steps,
            "lbfgsb_message": r.message,
            "seconds": s,
        }
        for label, r, s in results
    ]
    return best, starts


def run_case(name: str, seasons: list[tuple[str, str]], weighted: bool) -> dict[str, Any]:
    m, w, reference = case_inputs(seasons, weighted)
    p = Problem.from_matches(m, w)
    out: dict[str, Any] = {
        "name": name,
        "seasons": [f"{d} {s}" for d, s in seasons],
        "weighted": weighted,
        "xi": XI if weighted else 0.0,
        "reference_date": reference,
        "n_matches": len(m),
        "teams": p.teams,
        "families": {},
    }
    poisson_theta = None
    for seed, fam_name in enumerate(FAMILIES):
        fam = FAMILY_TABLE[fam_name]
        t0 = time.perf_counter()
        best, starts = fit_family(fam_name, p, poisson_theta, seed)
        fit_s = time.perf_counter() - t0
        if fam_name == "poisson":
            poisson_theta = best.theta.copy()
        k = n_extra(fam)
        mu, gamma, ex, att, dfc = expand(best.theta, p.n_teams, k)
        lam, nu, _ = rates(p, best.theta, k)
        probs, kgrid, outside = outcome_probabilities(fam_name, lam, nu, ex)
        lls = [s["loglik"] for s in starts]
        entry: dict[str, Any] = {
            "loglik": best.loglik,
            "grad_max_abs": best.grad_max_abs,
            "at_boundary": best.at_boundary,
            "outward_score": best.outward_score,
            "params": {
                "intercept": mu,
                "home_advantage": gamma,
                **{e: float(v) for e, v in zip(fam.extras, ex)},
                "attack": {t: float(v) for t, v in zip(p.teams, att)},
                "defence": {t: float(v) for t, v in zip(p.teams, dfc)},
            },
            "loglik_spread_over_starts": max(lls) - min(lls),
            "starts": starts,
            "fit_seconds": fit_s,
            "grid_max_goals": kgrid,
            "grid_mass_outside_max": outside,
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
        if fam_name == "weibull_copula":
            wpm = weibull_pmf(np.concatenate([lam, nu]), float(ex[0]), kgrid)
            entry["weibull_series_terms"] = wpm.j_terms
            entry["weibull_rounding_bound"] = EPS * wpm.abs_sum_max
        out["families"][fam_name] = entry
        print(
            f"{name} {fam_name}: loglik {best.loglik!r} max|grad| {best.grad_max_abs:.1e} "
            f"boundary {best.at_boundary} spread {max(lls) - min(lls):.1e} K={kgrid} ({fit_s:.1f} s)",
            file=sys.stderr,
        )
    return out


# ---------------------------------------------------------------- self-check
def weibull_pmf_numeric(rate: float, shape: float, kmax: int, n: int) -> Arr:
    """P(N(1) = x), x = 0..kmax, by brute-force renewal integration on an n-point grid.

    G_1(t) = 1 − exp(−rate·t^shape) is the cdf of one inter-arrival time and
    G_x(t) = ∫_0^t G_{x−1}(t − s) dG_1(s); the integral uses the exact
    increments of G_1 on each cell and the cell-midpoint value of G_{x−1}
    (average of its two end values), by FFT convolution. P(N = x) =
    G_x(1) − G_{x+1}(1), G_0 = 1.
    """
    from scipy.signal import fftconvolve

    t = np.linspace(0.0, 1.0, n + 1)
    g1 = -np.expm1(-rate * t**shape)
    dg = np.diff(g1)  # dG_1 on cell k = [t_{k}, t_{k+1}]
    cdfs = [np.ones(n + 1), g1]
    for _ in range(kmax):
        prev = cdfs[-1]
        mid = 0.5 * (prev[:-1] + prev[1:])  # G_{x−1} on cell j
        conv = fftconvolve(mid, dg)[:n]  # conv[i−1] = Σ_{k=0}^{i−1} mid[i−1−k]·dg[k]
        cdfs.append(np.concatenate([[0.0], conv]))
    at1 = np.array([c[-1] for c in cdfs])
    return at1[:-1] - at1[1:]


def penaltyblog_weibull_pmf(rate: float, shape: float, max_goals: int = 15) -> Arr:
    """penaltyblog 1.13.1's fitted Weibull-count pmf (utils.pxd precompute_alpha_table +
    weibull_count_pmf): series cut at j ≤ max_goals, negatives clipped to 0, renormalised
    over 0..max_goals."""
    b, _ = weibull_table(shape, max_goals, max_goals)
    jv = np.arange(max_goals + 1)
    sign = np.where((jv[:, None] + jv[None, :]) % 2 == 0, 1.0, -1.0)
    raw = (sign * b) @ (rate ** jv.astype(float))
    raw = np.where(raw > 0, raw, 0.0)
    s = raw.sum()
    if s < 1e-14:
        out = np.zeros(max_goals + 1)
        out[0] = 1.0
        return out
    return raw / s


def self_check() -> int:
    failures = 0
    rng = np.random.default_rng(2024)

    def report(ok: bool, text: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {text}")

    for case_name, seasons, weighted in CASES:
        m, w, _ = case_inputs(seasons, weighted)
        p = Problem.from_matches(m, w)
        pois = FAMILY_TABLE["poisson"]
        base = rate_start(pois, p) + np.concatenate([[0.0, 0.0], rng.normal(0, 0.2, 2 * (p.n_teams - 1))])
        ll_pois = loglik_and_grad(pois, p, base)[0]
        # gradients vs central differences
        interior = {
            "poisson": [],
            "dixon_coles": [-0.08],
            "negative_binomial": [0.07],
            "zero_inflated_poisson": [0.06],
            "bivariate_poisson": [0.15],
            "weibull_copula": [1.12, -0.6],
            "conway_maxwell_poisson": [1.15],
            "conway_maxwell_poisson_rate": [1.15],
        }
        boundary = {
            "negative_binomial": [0.0],
            "zero_inflated_poisson": [0.0],
            "bivariate_poisson": [0.0],
        }
        for fam_name in FAMILIES:
            fam = FAMILY_TABLE[fam_name]
            for label, extras in (("interior", interior[fam_name]), ("boundary", boundary.get(fam_name))):
                if extras is None:
                    continue
                theta = with_extras(fam, base, extras)
                ll, g = loglik_and_grad(fam, p, theta)
                fd = np.empty_like(theta)
                for j in range(theta.size):
                    h = 1e-6 * max(1.0, abs(theta[j]))
                    e = np.zeros_like(theta)
                    e[j] = h
                    if label == "boundary" and 2 <= j < 2 + n_extra(fam):
                        # one-sided (second order) at the bound
                        f0 = ll
                        f1 = loglik_and_grad(fam, p, theta + e)[0]
                        f2 = loglik_and_grad(fam, p, theta + 2 * e)[0]
                        fd[j] = (-3 * f0 + 4 * f1 - f2) / (2 * h)
                    else:
                        fd[j] = (loglik_and_grad(fam, p, theta + e)[0] - loglik_and_grad(fam, p, theta - e)[0]) / (
                            2 * h
                        )
                rel = float(np.max(np.abs(fd - g)) / max(1.0, float(np.max(np.abs(g)))))
                report(
                    rel < 2e-6,
                    f"{case_name} {fam_name} {label} extras={extras}: max|fd − grad|/max(1,|grad|) = {rel:.1e}",
                )
        # special cases equal to Poisson
        specials = [
            ("dixon_coles", [0.0], 1e-12),
            ("negative_binomial", [0.0], 1e-12),
            ("zero_inflated_poisson", [0.0], 1e-12),
            ("bivariate_poisson", [0.0], 1e-12),
            ("conway_maxwell_poisson", [1.0], 1e-12),
            ("conway_maxwell_poisson_rate", [1.0], 1e-12),
            ("weibull_copula", [1.0, 0.0], 1e-9),
        ]
        for fam_name, extras, tol in specials:
            fam = FAMILY_TABLE[fam_name]
            ll = loglik_and_grad(fam, p, with_extras(fam, base, extras))[0]
            rel = abs(ll - ll_pois) / abs(ll_pois)
            report(rel < tol, f"{case_name} {fam_name} at {extras} vs Poisson: rel diff {rel:.1e} (tol {tol:.0e})")
        # limits approached from inside
        for fam_name, extras in (
            ("negative_binomial", [1e-9]),
            ("bivariate_poisson", [1e-12]),
            ("conway_maxwell_poisson", [1.0 + 1e-9]),
            ("zero_inflated_poisson", [1e-12]),
        ):
            fam = FAMILY_TABLE[fam_name]
            ll = loglik_and_grad(fam, p, with_extras(fam, base, extras))[0]
            rel = abs(ll - ll_pois) / abs(ll_pois)
            report(rel < 1e-7, f"{case_name} {fam_name} at {extras} → Poisson: rel diff {rel:.1e}")
    # Weibull-count pmf: series vs brute-force renewal integration (Richardson on n, 2n)
    print("Weibull-count pmf, series (ours) vs numerical renewal integration vs penaltyblog's 15-term truncation:")
    for rate, shape in ((0.5, 0.8), (1.4, 1.0), (1.4, 1.15), (2.2, 0.9), (3.0, 1.1), (3.5, 1.25)):
        ours = weibull_pmf(np.array([rate]), shape, 12).pmf[0]
        n1 = 1 << 15
        a = weibull_pmf_numeric(rate, shape, 12, n1)
        b = weibull_pmf_numeric(rate, shape, 12, 2 * n1)
        numeric = b + (b - a) / 3.0  # second-order Richardson
        diff = float(np.max(np.abs(ours - numeric)))
        est = float(np.max(np.abs(b - a)))
        pb = penaltyblog_weibull_pmf(rate, shape)[:13]
        pb_diff = float(np.max(np.abs(pb - ours)))
        report(
            diff < 1e-7,
            f"rate {rate} shape {shape}: max|series − numeric| = {diff:.1e} (numeric n vs 2n {est:.1e}); "
            f"max|penaltyblog − series| = {pb_diff:.1e}; Σ series pmf 0..12 = {ours.sum():.15f}",
        )
        if shape == 1.0:
            pois = np.exp(pois_logpmf(np.arange(13), np.full(13, rate)))
            report(
                float(np.max(np.abs(ours - pois))) < 1e-14,
                f"rate {rate} shape 1: series equals Poisson ({float(np.max(np.abs(ours - pois))):.1e})",
            )
    print("all ok" if failures == 0 else f"{failures} FAILED")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--self-check", action="store_true", help="gradients, special cases and the Weibull pmf; no fit"
    )
    args = parser.parse_args()
    if args.self_check:
        return self_check()
    t0 = time.perf_counter()
    cases = [run_case(n, s, wtd) for n, s, wtd in CASES]
    elapsed = time.perf_counter() - t0
    bad = [
        f"{c['name']}/{f}"
        for c in cases
        for f, e in c["families"].items()
        if not e["grad_max_abs"] < 1e-6 or e["loglik_spread_over_starts"] > 1e-6
    ]
    path = write_json(
        "reference_families.json",
        {
            "generator": "benches/peers/reference_families.py",
            "families": FAMILIES,
            "xi": XI,
            "grid_outside_mass_below": GRID_OUTSIDE,
            "run_seconds": elapsed,
            "cases": cases,
        },
    )
    print(f"wrote {path} in {elapsed:.1f} s", file=sys.stderr)
    if bad:
        print(f"gradient target 1e-6 or start agreement not reached: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
