//! The negative-binomial goal model: each side's goals are negative
//! binomial with mean `m` (`λ` home, `ν` away) and variance `m + α·m²`,
//! independently, with one dispersion `α = 1/r ≥ 0` for both sides (the
//! likelihood of penaltyblog's `NegativeBinomialGoalModel`, whose
//! `dispersion` is `r = 1/α`). `α = 0` is the independent Poisson model and
//! is a valid parameter value, so that a fit can end exactly on it.
//!
//! Local coordinates: `z = (η_home, η_away, α)` with `λ = exp(η_home)`,
//! `ν = exp(η_away)`.

use super::Local;

/// The number of extra parameters: the dispersion `α`.
pub const EXTRA: usize = 1;

/// Below this `u = α·m` the dispersion terms use their power series (their
/// closed forms cancel); above it the closed forms lose at most ~30 ulp.
const SERIES_BELOW: f64 = 0.1;

/// The most power-series terms [`tail_terms`] uses (at `|u|` near 0.1).
const SERIES_TERMS: usize = 20;

/// The coefficients of `g(u) = Σ_{n≥0} (−1)ⁿ (n + 1)/(n + 2) uⁿ`.
const G_SERIES: [f64; SERIES_TERMS] = {
    let mut c = [0.0; SERIES_TERMS];
    let mut n = 0;
    while n < SERIES_TERMS {
        let (nf, sign) = (n as f64, if n % 2 == 0 { 1.0 } else { -1.0 });
        c[n] = sign * (nf + 1.0) / (nf + 2.0);
        n += 1;
    }
    c
};

/// The coefficients of `g′(u) = Σ_{n≥0} (−1)ⁿ⁺¹ (n + 1)(n + 2)/(n + 3) uⁿ`.
const DG_SERIES: [f64; SERIES_TERMS] = {
    let mut c = [0.0; SERIES_TERMS];
    let mut n = 0;
    while n < SERIES_TERMS {
        let (nf, sign) = (n as f64, if n % 2 == 0 { -1.0 } else { 1.0 });
        c[n] = sign * (nf + 1.0) * (nf + 2.0) / (nf + 3.0);
        n += 1;
    }
    c
};

/// The number of power-series terms [`tail_terms`] needs at `|u|`: the
/// first term left out is below `(n + 1)·|u|ⁿ < 1e-18` of the sum.
fn series_terms(u: f64) -> usize {
    let a = u.abs();
    if a == 0.0 {
        1
    } else if a < 1e-3 {
        7
    } else if a < 1e-2 {
        10
    } else if a < 0.03 {
        13
    } else if a < 0.06 {
        16
    } else {
        SERIES_TERMS
    }
}

/// The terms of one side that come from the normaliser `−ln(1 + α·m)/α`
/// (written `t(α, m)`; its limit at `α = 0` is `−m`), with `u = α·m`:
///
/// * `t = −m·ln(1 + u)/u`
/// * `∂t/∂α = m²·g(u)`, `g(u) = [ln(1 + u) − u/(1 + u)]/u²
///   = Σ_{n≥0} (−1)ⁿ (n + 1)/(n + 2) uⁿ`, so `g(0) = 1/2`
/// * `∂²t/∂α² = m³·g′(u)`, `g′(u) = 1/(u(1 + u)²) − 2g(u)/u
///   = Σ_{n≥0} (−1)ⁿ⁺¹ (n + 1)(n + 2)/(n + 3) uⁿ`, so `g′(0) = −2/3`
///
/// The series is used for `|u| < 0.1` (it converges for `|u| < 1`, and the
/// closed forms cancel there; [`series_terms`] terms); the closed forms otherwise, written as
/// `[ln(1 + u) − u/(1 + u)]/α²` and `[u²/(1 + u)² − 2(ln(1 + u) − u/(1 + u))]/α³`
/// so that nothing overflows for large `m`. Valid for `u > −1` (negative
/// `α` only in the tests' smooth extension across the bound).
fn tail_terms(alpha: f64, m: f64) -> (f64, f64, f64) {
    let u = alpha * m;
    if u.abs() < SERIES_BELOW {
        let (mut g, mut dg) = (0.0, 0.0);
        for n in (0..series_terms(u)).rev() {
            g = g * u + G_SERIES[n];
            dg = dg * u + DG_SERIES[n];
        }
        let phi = if u == 0.0 { 1.0 } else { u.ln_1p() / u };
        (-m * phi, m * m * g, m * m * m * dg)
    } else {
        let l = u.ln_1p();
        let c = l - u / (1.0 + u);
        let s = u / (1.0 + u);
        (
            -l / alpha,
            c / (alpha * alpha),
            (s * s - 2.0 * c) / (alpha * alpha * alpha),
        )
    }
}

/// One side's log-probability and its derivatives in `(η, α)`.
#[derive(Debug, Clone, Copy)]
struct Side {
    value: f64,
    d_eta: f64,
    d_eta_eta: f64,
    d_alpha: f64,
    d_alpha_alpha: f64,
    d_eta_alpha: f64,
}

/// `ln NB(k; m, α)` with `m = exp(η)` and its first and second derivatives
/// in `(η, α)`, with `u = α·m`:
///
/// * `ln NB = Σ_{j<k} ln(1 + αj) − ln k! + k·η − k·ln(1 + u) + t(α, m)`
/// * `∂/∂η = (k − m)/(1 + u)`, `∂²/∂η² = −m(1 + αk)/(1 + u)²`
/// * `∂/∂α = Σ_{j<k} j/(1 + αj) − k·m/(1 + u) + ∂t/∂α`
/// * `∂²/∂α² = −Σ_{j<k} j²/(1 + αj)² + k·m²/(1 + u)² + ∂²t/∂α²`
/// * `∂²/∂η∂α = −(k − m)·m/(1 + u)²`
///
/// with `t` from [`tail_terms`]. This is the smooth formula without a domain
/// check (it extends to small negative `α`, for the tests at the bound).
fn side(k: u32, eta: f64, alpha: f64) -> Side {
    let m = eta.exp();
    let kf = f64::from(k);
    // Σ_{j<k} ln(1 + αj) − ln k! = ln Π_{j=1}^{k−1} (1 + αj)/(j + 1), one
    // logarithm of a product (folded into `log_ratio` before it could
    // overflow or underflow)
    let (mut ratio, mut log_ratio) = (1.0f64, 0.0f64);
    let (mut sum_d, mut sum_dd) = (0.0, 0.0);
    for j in 1..k {
        let j = f64::from(j);
        let q = 1.0 + alpha * j;
        ratio *= q / (j + 1.0);
        if !(1e-200..=1e200).contains(&ratio) {
            log_ratio += ratio.ln();
            ratio = 1.0;
        }
        let r = j / q;
        sum_d += r;
        sum_dd -= r * r;
    }
    let sum_log = log_ratio + ratio.ln();
    let u = alpha * m;
    let one_u = 1.0 + u;
    let (t, t_alpha, t_alpha_alpha) = tail_terms(alpha, m);
    Side {
        value: sum_log + kf * eta - kf * u.ln_1p() + t,
        d_eta: (kf - m) / one_u,
        d_eta_eta: -m * (1.0 + alpha * kf) / (one_u * one_u),
        d_alpha: sum_d - kf * m / one_u + t_alpha,
        d_alpha_alpha: sum_dd + kf * (m / one_u) * (m / one_u) + t_alpha_alpha,
        d_eta_alpha: -(kf - m) * m / (one_u * one_u),
    }
}

/// The joint [`Local`] of the two sides (no domain check).
fn joint(x: u32, y: u32, eta_home: f64, eta_away: f64, alpha: f64) -> Local<3> {
    let (h, a) = (side(x, eta_home, alpha), side(y, eta_away, alpha));
    let local = Local {
        value: h.value + a.value,
        gradient: [h.d_eta, a.d_eta, h.d_alpha + a.d_alpha],
        hessian: [
            [h.d_eta_eta, 0.0, h.d_eta_alpha],
            [0.0, a.d_eta_eta, a.d_eta_alpha],
            [
                h.d_eta_alpha,
                a.d_eta_alpha,
                h.d_alpha_alpha + a.d_alpha_alpha,
            ],
        ],
    };
    let finite = local.value.is_finite()
        && local.gradient.iter().all(|g| g.is_finite())
        && local.hessian.iter().flatten().all(|h| h.is_finite());
    if finite {
        local
    } else {
        Local::OUTSIDE
    }
}

/// True when `(η_home, η_away, α)` is in the domain: both `η` finite and
/// `α` finite and `≥ 0`.
fn in_domain(eta_home: f64, eta_away: f64, alpha: f64) -> bool {
    eta_home.is_finite() && eta_away.is_finite() && alpha.is_finite() && alpha >= 0.0
}

/// `ln P(X = x, Y = y)` for the negative-binomial model with
/// `λ = exp(eta_home)`, `ν = exp(eta_away)` and `extra = [α]`:
///
/// `ln P = ln NB(x; λ, α) + ln NB(y; ν, α)`, where
/// `ln NB(k; m, α) = Σ_{j<k} ln(1 + αj) − ln k! + k ln m − k ln(1 + αm) − ln(1 + αm)/α`,
/// the last term being `−m` at `α = 0` (Poisson). `NB(k; m, α)` has mean
/// `m` and variance `m + α·m²`.
///
/// Domain: `α ≥ 0` and finite, `η` finite; −∞ outside it (never NaN).
pub fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; EXTRA]) -> f64 {
    log_prob_derivatives(x, y, eta_home, eta_away, extra).value
}

/// [`log_prob`] with its exact gradient and Hessian in
/// `z = (η_home, η_away, α)`. Per side (`k` goals, mean `m = exp(η)`,
/// `u = α·m`):
///
/// * `∂/∂η = (k − m)/(1 + u)`, `∂²/∂η² = −m(1 + αk)/(1 + u)²`
/// * `∂/∂α = Σ_{j<k} j/(1 + αj) − k·m/(1 + u) + m²·g(u)`
/// * `∂²/∂α² = −Σ_{j<k} j²/(1 + αj)² + k·m²/(1 + u)² + m³·g′(u)`
/// * `∂²/∂η∂α = −(k − m)·m/(1 + u)²`
///
/// with `g(u) = [ln(1 + u) − u/(1 + u)]/u²` (`g(0) = 1/2`) and
/// `g′(u) = 1/(u(1 + u)²) − 2g(u)/u` (`g′(0) = −2/3`), evaluated by their
/// power series for `u < 0.1`. The α-derivatives of the two sides add; the
/// cross derivative between the two `η` is zero. At `α = 0` these are the
/// one-sided derivatives (the limits from `α > 0`), finite and exact; e.g.
/// the score is `[(x − λ)² − x + (y − ν)² − y]/2` there.
///
/// Outside the domain (see [`log_prob`]), or where an entry overflows
/// (rates of `e⁷⁰⁰`), [`Local::OUTSIDE`].
pub fn log_prob_derivatives(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRA],
) -> Local<3> {
    let alpha = extra[0];
    if !in_domain(eta_home, eta_away, alpha) {
        return Local::OUTSIDE;
    }
    joint(x, y, eta_home, eta_away, alpha)
}

/// `ln NB(0; m, α) = −ln(1 + αm)/α` (`−m` at `α = 0`) and the ratio
/// `NB(k + 1)/NB(k) = (1 + αk)/(k + 1) · m/(1 + αm)` is the factor
/// `c = m/(1 + αm)` of it.
fn log_zero_and_factor(rate: f64, alpha: f64) -> (f64, f64) {
    let u = alpha * rate;
    let log_zero = if u == 0.0 {
        -rate
    } else {
        -rate * u.ln_1p() / u
    };
    (log_zero, rate / (1.0 + u))
}

/// The marginal pmf `NB(k; rate, α)` for `k = 0..=max_goals`, by the
/// recursion `NB(0) = (1 + αm)^(−1/α)`,
/// `NB(k + 1) = NB(k)·(1 + αk)/(k + 1)·m/(1 + αm)`; in logarithms when
/// `NB(0)` would underflow (rates above ~700).
pub(crate) fn marginal_pmf(rate: f64, alpha: f64, max_goals: usize) -> Vec<f64> {
    let (log_zero, factor) = log_zero_and_factor(rate, alpha);
    let mut pmf = Vec::with_capacity(max_goals + 1);
    if log_zero > -700.0 {
        let mut p = log_zero.exp();
        for k in 0..=max_goals {
            pmf.push(p);
            let kf = k as f64;
            p *= (1.0 + alpha * kf) / (kf + 1.0) * factor;
        }
    } else {
        let (mut lp, log_factor) = (log_zero, factor.ln());
        for k in 0..=max_goals {
            pmf.push(lp.exp());
            let kf = k as f64;
            lp += (alpha * kf).ln_1p() - (kf + 1.0).ln() + log_factor;
        }
    }
    pmf
}

/// The joint pmf `P(X = x, Y = y) = NB(x; home_rate, α)·NB(y; away_rate, α)`
/// on `0..=max_goals × 0..=max_goals`, row-major
/// (`p[x * (max_goals + 1) + y]`), not renormalised (the mass outside is
/// [`marginal_tail`] of each side). `extra = [α]`.
///
/// The caller passes a valid parameter set: rates finite and `≥ 0`, `α`
/// finite and `≥ 0` (checked in debug builds).
pub fn score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Vec<f64> {
    let alpha = extra[0];
    debug_assert!(
        home_rate.is_finite() && home_rate >= 0.0,
        "home rate {home_rate}"
    );
    debug_assert!(
        away_rate.is_finite() && away_rate >= 0.0,
        "away rate {away_rate}"
    );
    debug_assert!(alpha.is_finite() && alpha >= 0.0, "alpha {alpha}");
    let home = marginal_pmf(home_rate, alpha, max_goals);
    let away = marginal_pmf(away_rate, alpha, max_goals);
    outer_product(&home, &away)
}

/// `[home, draw, away]`: the sums of the cells of [`score_grid`] over
/// `x > y`, `x = y` and `x < y`, from the two marginals `p`, `q` in
/// O(max_goals): `Σₓ p[x]·Σ_{y<x} q[y]`, `Σₓ p[x]·q[x]` and
/// `Σ_y q[y]·Σ_{x<y} p[x]` (`independent_outcome_sums`); `None` when a
/// cell would not be finite and ≥ 0.
pub fn outcome_sums(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Option<[f64; 3]> {
    let home = marginal_pmf(home_rate, extra[0], max_goals);
    let away = marginal_pmf(away_rate, extra[0], max_goals);
    super::independent_outcome_sums(&home, &away)
}

/// The row-major outer product `p[x·n + y] = home[x]·away[y]`.
pub(crate) fn outer_product(home: &[f64], away: &[f64]) -> Vec<f64> {
    let mut grid = Vec::with_capacity(home.len() * away.len());
    for &ph in home {
        grid.extend(away.iter().map(|&pa| ph * pa));
    }
    grid
}

/// `P(N > m)` for `N ~ NB(rate, α)` (`extra = [α]`): the mass one side puts
/// outside a grid of `m` goals. Summed term by term beyond `m` (so it is
/// accurate relative to itself, far below 1e-12) when `m ≥ rate`, and as
/// `1 − Σ_{k≤m} NB(k)` below the mean. The terms beyond `m` are summed until
/// the rest is below 1e-17 of the sum, bounding the rest by a geometric
/// series: the ratio of successive terms, `(1 + αk)/(k + 1)·rate/(1 + α·rate)`,
/// moves monotonically towards its limit `α·rate/(1 + α·rate) < 1`.
///
/// For parameters outside the domain of [`score_grid`] (a rate or `α`
/// negative or not finite) it is 1: no grid holds the mass.
pub fn marginal_tail(rate: f64, extra: &[f64; EXTRA], m: usize) -> f64 {
    let alpha = extra[0];
    if !(rate.is_finite() && rate >= 0.0 && alpha.is_finite() && alpha >= 0.0) {
        return 1.0;
    }
    if (m as f64) < rate {
        let head: f64 = marginal_pmf(rate, alpha, m).iter().sum();
        return (1.0 - head).max(0.0);
    }
    let (_, factor) = log_zero_and_factor(rate, alpha);
    let limit = alpha * factor;
    let mut term = *marginal_pmf(rate, alpha, m + 1)
        .last()
        .expect("m + 2 entries");
    let mut tail = 0.0;
    let mut k = m + 1;
    loop {
        tail += term;
        let kf = k as f64;
        let ratio = (1.0 + alpha * kf) / (kf + 1.0) * factor;
        let bound = ratio.max(limit);
        term *= ratio;
        if term == 0.0 || (bound < 1.0 && term / (1.0 - bound) <= 1e-17 * tail) {
            return tail + term;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::local::finite_difference_errors;
    use proptest::prelude::*;

    /// `ln Pois(x; λ) + ln Pois(y; ν)`, written independently of the module.
    fn poisson_log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64) -> f64 {
        let ln_fact = |k: u32| (2..=k).map(|i| f64::from(i).ln()).sum::<f64>();
        f64::from(x) * eta_home - eta_home.exp() - ln_fact(x) + f64::from(y) * eta_away
            - eta_away.exp()
            - ln_fact(y)
    }

    /// Second-order one-sided differences at the bound `α = 0` of the
    /// public function (which is −∞ below it): the largest error of the α
    /// column of the gradient and the Hessian.
    fn one_sided_errors(x: u32, y: u32, eh: f64, ea: f64, h: f64) -> (f64, f64) {
        let f = |alpha: f64| log_prob_derivatives(x, y, eh, ea, &[alpha]);
        let (f0, f1, f2) = (f(0.0), f(h), f(2.0 * h));
        let forward = |a: f64, b: f64, c: f64| (-3.0 * a + 4.0 * b - c) / (2.0 * h);
        let rel = |num: f64, exact: f64| (num - exact).abs() / exact.abs().max(1.0);
        let g = rel(forward(f0.value, f1.value, f2.value), f0.gradient[2]);
        let hess = (0..3)
            .map(|l| {
                rel(
                    forward(f0.gradient[l], f1.gradient[l], f2.gradient[l]),
                    f0.hessian[2][l],
                )
            })
            .fold(0.0, f64::max);
        (g, hess)
    }

    proptest! {
        #[test]
        fn never_nan_anywhere(
            x in 0u32..=60, y in 0u32..=60,
            eh in -750.0f64..750.0, ea in -40.0f64..40.0,
            alpha in prop_oneof![Just(0.0), -1.0f64..1e4, -1e-300f64..1e-300],
        ) {
            let l = log_prob_derivatives(x, y, eh, ea, &[alpha]);
            prop_assert!(!l.value.is_nan());
            prop_assert!(l == Local::OUTSIDE || l.is_finite());
            prop_assert!(l.gradient.iter().chain(l.hessian.iter().flatten()).all(|v| v.is_finite()));
        }

        #[test]
        fn derivatives_match_central_differences(
            x in 0u32..=8, y in 0u32..=8,
            eh in -1.5f64..1.5, ea in -1.5f64..1.5,
            alpha in prop_oneof![Just(0.0), 0.0f64..0.05, 0.05f64..3.0],
        ) {
            // at and near α = 0 the smooth formula is differenced across the bound
            let f = |z: &[f64; 3]| joint(x, y, z[0], z[1], z[2]);
            let (g, h) = finite_difference_errors(f, [eh, ea, alpha], 1e-5);
            prop_assert!(g < 1e-7 && h < 1e-6, "gradient {g:e} hessian {h:e}");
            let public = log_prob_derivatives(x, y, eh, ea, &[alpha]);
            prop_assert_eq!(public, joint(x, y, eh, ea, alpha));
        }

        #[test]
        fn derivatives_at_the_bound_are_the_one_sided_limits(
            x in 0u32..=8, y in 0u32..=8, eh in -1.5f64..1.5, ea in -1.5f64..1.5,
        ) {
            let (g, h) = one_sided_errors(x, y, eh, ea, 1e-5);
            prop_assert!(g < 1e-7 && h < 1e-6, "gradient {g:e} hessian {h:e}");
            let at = log_prob_derivatives(x, y, eh, ea, &[0.0]);
            let (l, n) = (eh.exp(), ea.exp());
            let (xf, yf) = (f64::from(x), f64::from(y));
            let score = ((xf - l).powi(2) - xf + (yf - n).powi(2) - yf) / 2.0;
            prop_assert!((at.gradient[2] - score).abs() < 1e-12 * score.abs().max(1.0));
        }

        #[test]
        fn alpha_zero_is_poisson(
            x in 0u32..=12, y in 0u32..=12, eh in -1.5f64..1.5, ea in -1.5f64..1.5,
        ) {
            let nb = log_prob(x, y, eh, ea, &[0.0]);
            let poisson = poisson_log_prob(x, y, eh, ea);
            prop_assert!((nb - poisson).abs() < 1e-12, "{nb} {poisson}");
            // and the limit: ln P(α) = ln P(0) + α·score + O(α²)
            let score = log_prob_derivatives(x, y, eh, ea, &[0.0]).gradient[2];
            let near = log_prob(x, y, eh, ea, &[1e-10]);
            prop_assert!((near - poisson - 1e-10 * score).abs() < 1e-12, "{near} {poisson}");
        }

        #[test]
        fn the_grid_sums_to_one_and_the_tail_is_the_mass_outside(
            eh in -1.5f64..1.5, ea in -1.5f64..1.5,
            alpha in prop_oneof![Just(0.0), 0.0f64..1.5],
            m in 0usize..12,
        ) {
            let (l, n) = (eh.exp(), ea.exp());
            // a grid with less than 1e-14 outside on either side
            let big = (0..2000)
                .find(|&k| marginal_tail(l.max(n), &[alpha], k) < 1e-14)
                .expect("a grid size below 2000");
            let m = m.min(big);
            let grid = score_grid(l, n, &[alpha], big);
            let total: f64 = grid.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12, "{total}");
            // the tail beyond m from the pmf, against marginal_tail
            let home: f64 = (m + 1..=big).map(|x| (0..=big).map(|y| grid[x * (big + 1) + y]).sum::<f64>()).sum();
            let tail = marginal_tail(l, &[alpha], m);
            prop_assert!((home - tail).abs() < 1e-13, "{home} {tail}");
            // the cells equal exp(log_prob)
            for (x, y) in [(0u32, 0u32), (1, 2), (m as u32, 0)] {
                let cell = grid[x as usize * (big + 1) + y as usize];
                let lp = log_prob(x, y, eh, ea, &[alpha]);
                prop_assert!((cell - lp.exp()).abs() < 1e-14 + 1e-12 * cell, "{cell} {lp}");
            }
        }
    }

    #[test]
    fn the_dispersion_terms_are_exact_on_every_branch() {
        // g and g′ by 60 terms of their series (converged for |u| ≤ 0.2)
        let series = |u: f64| {
            (0..60).fold((0.0, 0.0), |(g, dg), n| {
                let (nf, sign) = (f64::from(n), if n % 2 == 0 { 1.0 } else { -1.0 });
                (
                    g + sign * (nf + 1.0) / (nf + 2.0) * u.powi(n),
                    dg - sign * (nf + 1.0) * (nf + 2.0) / (nf + 3.0) * u.powi(n),
                )
            })
        };
        // each tier of series_terms just below its threshold, the closed form above 0.1
        for u in [
            1e-9, 9.99e-4, 9.99e-3, 0.0299, 0.0599, 0.0999, 0.1, 0.15, 0.2, -0.0999, -0.0599,
        ] {
            let m = 1.7;
            let (t, t_alpha, t_alpha_alpha) = tail_terms(u / m, m);
            let (g, dg) = series(u);
            assert!((t + m * u.ln_1p() / u).abs() < 1e-15, "{u}");
            // the series to rounding; the closed forms to ~30 ulp
            let tol = if u.abs() < SERIES_BELOW { 2e-15 } else { 1e-13 };
            assert!(
                (t_alpha - m * m * g).abs() < tol * m * m * g.abs(),
                "{u}: {t_alpha}"
            );
            let expected = m * m * m * dg;
            assert!(
                (t_alpha_alpha - expected).abs() < tol * expected.abs(),
                "{u}: {t_alpha_alpha} {expected}"
            );
        }
    }

    #[test]
    fn many_goals_stay_exact() {
        // the product behind Σ ln(1 + αj) − ln k! is folded into logarithms
        for k in [100u32, 171, 400] {
            let nb = log_prob(k, k / 2, 1.2, 0.3, &[0.0]);
            let poisson = poisson_log_prob(k, k / 2, 1.2, 0.3);
            assert!(
                (nb - poisson).abs() < 1e-12 * poisson.abs(),
                "{k}: {nb} {poisson}"
            );
            let direct: f64 = (1..k).map(|j| (0.3 * f64::from(j)).ln_1p()).sum::<f64>()
                - (2..=k).map(|i| f64::from(i).ln()).sum::<f64>()
                + f64::from(k) * 1.2
                - f64::from(k) * (0.3 * 1.2f64.exp()).ln_1p()
                - (0.3 * 1.2f64.exp()).ln_1p() / 0.3;
            let ours = side(k, 1.2, 0.3).value;
            assert!(
                (ours - direct).abs() < 1e-12 * direct.abs(),
                "{k}: {ours} {direct}"
            );
        }
    }

    #[test]
    fn log_prob_equals_the_reference_script() {
        // cd benches/peers && OMP_NUM_THREADS=1 /work/main/.venv/bin/python -c "
        // import numpy as np, reference_families as r
        // for x,y,eh,ea,a in [(0,0,0.3,-0.2,0.07),(2,1,0.45,0.1,0.07),(4,0,1.2,-1.1,0.35),
        //                     (1,3,-0.5,0.9,1.5),(7,2,1.5,-1.5,0.0),(3,3,0.0,0.0,0.9)]:
        //   print(repr(float(r.nb_terms(np.array([x]),np.array([y]),np.exp(np.array([eh])),
        //                                np.exp(np.array([ea])),[a])[0][0])))"
        let cases = [
            (0, 0, 0.3, -0.2, 0.07, -2.085966354509321),
            (2, 1, 0.45, 0.1, 0.07, -2.4608865301685086),
            (4, 0, 1.2, -1.1, 0.35, -2.4315655252258304),
            (1, 3, -0.5, 0.9, 1.5, -4.03362242204339),
            (7, 2, 1.5, -1.5, 0.0, -6.4231277721118545),
            (3, 3, 0.0, 0.0, 0.9, -5.518037618055361),
        ];
        for (x, y, eh, ea, alpha, reference) in cases {
            let ours = log_prob(x, y, eh, ea, &[alpha]);
            assert!(
                (ours - reference).abs() < 1e-12,
                "{x}-{y}: {ours} vs {reference}"
            );
        }
    }

    #[test]
    fn outside_the_domain_is_minus_infinity_never_nan() {
        for (eh, ea, alpha) in [
            (0.1, 0.2, -1e-12),
            (0.1, 0.2, f64::NAN),
            (0.1, 0.2, f64::INFINITY),
            (f64::NAN, 0.2, 0.1),
            (0.1, f64::NEG_INFINITY, 0.1),
            (800.0, 0.2, 0.1),
        ] {
            let l = log_prob_derivatives(2, 1, eh, ea, &[alpha]);
            assert_eq!(l, Local::OUTSIDE, "{eh} {ea} {alpha}");
            assert_eq!(log_prob(2, 1, eh, ea, &[alpha]), f64::NEG_INFINITY);
        }
        for (rate, alpha) in [
            (f64::NAN, 0.1),
            (-1.0, 0.1),
            (f64::INFINITY, 0.1),
            (1.0, -0.1),
        ] {
            assert_eq!(marginal_tail(rate, &[alpha], 10), 1.0, "{rate} {alpha}");
        }
        // large but finite: still finite
        assert!(log_prob_derivatives(20, 0, 5.0, -5.0, &[50.0]).is_finite());
    }

    #[test]
    fn the_tail_is_accurate_far_out_and_below_the_mean() {
        // Poisson(1): P(N > 15) = 1 − Σ_{k≤15} e^{-1}/k! ≈ e^{-1}/16! (1 + 1/17 + …)
        let direct: f64 = (16..60)
            .map(|k| (-1.0 - (2..=k).map(|i| f64::from(i).ln()).sum::<f64>()).exp())
            .sum();
        let tail = marginal_tail(1.0, &[0.0], 15);
        assert!((tail - direct).abs() < 1e-12 * direct, "{tail} {direct}");
        // below the mean: 1 − head
        let head: f64 = marginal_pmf(30.0, 0.2, 3).iter().sum();
        assert!((marginal_tail(30.0, &[0.2], 3) - (1.0 - head)).abs() < 1e-15);
        // the smallest grid with less than 1e-12 outside exists and is modest
        let m = (0..100)
            .find(|&m| marginal_tail(3.0, &[0.5], m) < 1e-12)
            .unwrap();
        assert!((20..100).contains(&m), "{m}");
    }

    #[test]
    #[ignore = "timing: cargo test -p scoreline-dixon-coles --lib distributions -- --ignored --nocapture"]
    fn time_log_prob_derivatives() {
        let n = 2_000_000u32;
        let start = std::time::Instant::now();
        let mut acc = 0.0;
        for i in 0..n {
            let (x, y) = (i % 5, (i / 5) % 4);
            let eta = 0.1 + 1e-9 * f64::from(i);
            let l = log_prob_derivatives(x, y, eta, -0.2, &[std::hint::black_box(0.07)]);
            acc += l.value + l.hessian[2][2];
        }
        let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
        println!("negative_binomial::log_prob_derivatives: {ns:.1} ns per call ({acc})");
    }
}
