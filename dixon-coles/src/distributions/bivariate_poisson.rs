//! The bivariate Poisson distribution of Karlis & Ntzoufras (2003), with
//! the linear predictor on the means of the two independent parts, as
//! penaltyblog's `BivariatePoissonGoalModel` fits it.
//!
//! `X = X₁ + X₃`, `Y = X₂ + X₃` with `X₁ ~ Pois(λ₁)`, `X₂ ~ Pois(λ₂)` and
//! `X₃ ~ Pois(λ₃)` independent, where `λ₁ = exp(η_home)`,
//! `λ₂ = exp(η_away)` and the extra parameter is `λ₃ ≥ 0` itself (the
//! shared component: `Cov(X, Y) = λ₃`, `E[X] = λ₁ + λ₃`, `E[Y] = λ₂ + λ₃`).
//! `λ₃ = 0` is the independent Poisson model, an attainable bound.
//!
//! ```text
//! P(x, y) = e^{−(λ₁+λ₂+λ₃)} Σ_{k=0}^{min(x,y)} λ₁^{x−k}/(x−k)! · λ₂^{y−k}/(y−k)! · λ₃^k/k!
//! ```

use statrs::function::factorial::ln_factorial;

use super::local::Local;

/// The number of extra parameters: `λ₃`.
pub const EXTRA: usize = 1;

/// The number of local coordinates `(η_home, η_away, λ₃)`.
pub const K: usize = 2 + EXTRA;

/// The conditional moments of the shared count given the score, from
/// which the log-probability and all its derivatives follow.
///
/// Given `(x, y)`, the shared count `X₃ = k` has weights
/// `t_k ∝ λ₁^{x−k}/(x−k)! · λ₂^{y−k}/(y−k)! · λ₃^k/k!`, `k = 0..=min(x, y)`;
/// with `u = x − k` and `v = y − k` the expectations `E[·]` below are under
/// those weights.
struct Shared {
    /// `ln Σ_k t_k` (the unnormalised terms, not shifted).
    log_sum: f64,
    /// `E[k]`.
    k: f64,
    /// `Var(k)`.
    var_k: f64,
    /// `E[u v]`.
    uv: f64,
    /// `E[u (u−1) v]`.
    u2v: f64,
    /// `E[u v (v−1)]`.
    uv2: f64,
    /// `E[u (u−1) v (v−1)]`.
    u2v2: f64,
}

/// `ln t_k` for `k = 0..=min(x, y)` (only `k = 0` when `λ₃ = 0`), by
/// `ln t_k = ln t_{k−1} + ln λ₃ − η_home − η_away + ln((x−k+1)(y−k+1)/k)`
/// from `ln t_0 = x·η_home − ln x! + y·η_away − ln y!`.
fn log_terms(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    lambda3: f64,
) -> impl Iterator<Item = (u32, f64)> {
    let last = if lambda3 > 0.0 { x.min(y) } else { 0 };
    let step = lambda3.ln() - eta_home - eta_away;
    let first = f64::from(x) * eta_home - ln_factorial(u64::from(x)) + f64::from(y) * eta_away
        - ln_factorial(u64::from(y));
    (0..=last).scan(first, move |log_t, k| {
        if k > 0 {
            let ratio = f64::from(x - k + 1) * f64::from(y - k + 1) / f64::from(k);
            *log_t += step + ratio.ln();
        }
        Some((k, *log_t))
    })
}

/// The conditional moments of the shared count (see [`Shared`]), summed
/// with the largest term scaled to 1 so that nothing overflows.
fn shared(x: u32, y: u32, eta_home: f64, eta_away: f64, lambda3: f64) -> Shared {
    let shift = log_terms(x, y, eta_home, eta_away, lambda3)
        .map(|(_, log_t)| log_t)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut s = [0.0f64; 7];
    for (k, log_t) in log_terms(x, y, eta_home, eta_away, lambda3) {
        let t = (log_t - shift).exp();
        let (kf, u, v) = (f64::from(k), f64::from(x - k), f64::from(y - k));
        let (u2, v2) = (u * (u - 1.0), v * (v - 1.0));
        s[0] += t;
        s[1] += t * kf;
        s[2] += t * kf * kf;
        s[3] += t * u * v;
        s[4] += t * u2 * v;
        s[5] += t * u * v2;
        s[6] += t * u2 * v2;
    }
    let mean_k = s[1] / s[0];
    Shared {
        log_sum: shift + s[0].ln(),
        k: mean_k,
        var_k: (s[2] / s[0] - mean_k * mean_k).max(0.0),
        uv: s[3] / s[0],
        u2v: s[4] / s[0],
        uv2: s[5] / s[0],
        u2v2: s[6] / s[0],
    }
}

/// True when `(η_home, η_away, λ₃)` is inside the domain: finite linear
/// predictors and a finite `λ₃ ≥ 0`.
fn inside(eta_home: f64, eta_away: f64, lambda3: f64) -> bool {
    eta_home.is_finite() && eta_away.is_finite() && lambda3.is_finite() && lambda3 >= 0.0
}

/// `ln P(x, y)` of the bivariate Poisson distribution with
/// `λ₁ = exp(η_home)`, `λ₂ = exp(η_away)` and `λ₃ = extra[0]`:
///
/// ```text
/// ln P(x, y) = −λ₁ − λ₂ − λ₃ + ln Σ_{k=0}^{min(x,y)} t_k,
/// t_k = λ₁^{x−k}/(x−k)! · λ₂^{y−k}/(y−k)! · λ₃^k/k!   (0⁰ = 1)
/// ```
///
/// summed in the log domain with the largest term factored out. Domain:
/// finite `η`, finite `λ₃ ≥ 0`; outside it the value is −∞ (never NaN).
/// At `λ₃ = 0` this is `ln Pois(x; λ₁) + ln Pois(y; λ₂)`.
pub fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; EXTRA]) -> f64 {
    let lambda3 = extra[0];
    if !inside(eta_home, eta_away, lambda3) {
        return f64::NEG_INFINITY;
    }
    let moments = shared(x, y, eta_home, eta_away, lambda3);
    -eta_home.exp() - eta_away.exp() - lambda3 + moments.log_sum
}

/// `ln P(x, y)` (as [`log_prob`]) with its exact gradient and Hessian in
/// `z = (η_home, η_away, λ₃)`.
///
/// With `S(a, b) = Σ_k λ₁^{a−k}/(a−k)! · λ₂^{b−k}/(b−k)! · λ₃^k/k!` (so
/// `P = e^{−Λ} S(x, y)`), `∂S(a, b)/∂λ₁ = S(a−1, b)`,
/// `∂S/∂λ₂ = S(a, b−1)` and `∂S/∂λ₃ = S(a−1, b−1)`. Writing the ratios
/// `S(x−a, y−b)/S(x, y)` as expectations over the shared count `k` given
/// the score (weights `t_k / Σ t`, `u = x − k`, `v = y − k`):
///
/// ```text
/// ∂ℓ/∂η_home = E[u] − λ₁                ∂ℓ/∂η_away = E[v] − λ₂
/// ∂ℓ/∂λ₃     = E[u v]/(λ₁λ₂) − 1
/// ∂²ℓ/∂η_home² = Var(k) − λ₁            ∂²ℓ/∂η_away² = Var(k) − λ₂
/// ∂²ℓ/∂η_home∂η_away = Cov(u, v) = Var(k)
/// ∂²ℓ/∂η_home∂λ₃ = (E[u(u−1)v] − E[u]·E[uv]) / (λ₁λ₂)
/// ∂²ℓ/∂η_away∂λ₃ = (E[uv(v−1)] − E[v]·E[uv]) / (λ₁λ₂)
/// ∂²ℓ/∂λ₃²       = (E[u(u−1)v(v−1)] − E[uv]²) / (λ₁λ₂)²
/// ```
///
/// These hold at `λ₃ = 0` too (then `k = 0` surely), where they are the
/// one-sided derivatives at the bound: finite, and exactly what a fit that
/// ends on `λ₃ = 0` needs. Outside the domain: [`Local::OUTSIDE`].
pub fn log_prob_derivatives(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRA],
) -> Local<K> {
    let lambda3 = extra[0];
    if !inside(eta_home, eta_away, lambda3) {
        return Local::OUTSIDE;
    }
    let (l1, l2) = (eta_home.exp(), eta_away.exp());
    let m = shared(x, y, eta_home, eta_away, lambda3);
    let (mean_u, mean_v) = (f64::from(x) - m.k, f64::from(y) - m.k);
    let l12 = l1 * l2;
    let h13 = (m.u2v - mean_u * m.uv) / l12;
    let h23 = (m.uv2 - mean_v * m.uv) / l12;
    let h33 = (m.u2v2 - m.uv * m.uv) / (l12 * l12);
    Local {
        value: -l1 - l2 - lambda3 + m.log_sum,
        gradient: [mean_u - l1, mean_v - l2, m.uv / l12 - 1.0],
        hessian: [
            [m.var_k - l1, m.var_k, h13],
            [m.var_k, m.var_k - l2, h23],
            [h13, h23, h33],
        ],
    }
}

/// `P(N = j)` for `N ~ Pois(mean)`, `j = 0..=n`: `exp(j ln μ − μ − ln j!)`
/// for `μ > 0`, and `(1, 0, 0, …)` for `μ = 0`.
fn poisson_pmf(mean: f64, n: usize) -> Vec<f64> {
    if mean == 0.0 {
        let mut p = vec![0.0; n + 1];
        p[0] = 1.0;
        return p;
    }
    let log_mean = mean.ln();
    (0..=n)
        .map(|j| (j as f64 * log_mean - mean - ln_factorial(j as u64)).exp())
        .collect()
}

/// True when the rates can build a grid: finite `λ₁, λ₂ ≥ 0` and `λ₃ ≥ 0`.
fn valid_rates(home_rate: f64, away_rate: f64, lambda3: f64) -> bool {
    [home_rate, away_rate, lambda3]
        .iter()
        .all(|r| r.is_finite() && *r >= 0.0)
}

/// The joint pmf on `0..=max_goals × 0..=max_goals`, row-major
/// (`p[x * (max_goals + 1) + y]`), not renormalised, with
/// `λ₁ = home_rate`, `λ₂ = away_rate` (the means of the independent parts,
/// `exp(η)`) and `λ₃ = extra[0]`:
///
/// ```text
/// P(x, y) = Σ_{k=0}^{min(x,y)} Pois(x−k; λ₁) · Pois(y−k; λ₂) · Pois(k; λ₃)
/// ```
///
/// Outside the domain (a rate or `λ₃` negative or not finite) every entry
/// is 0, so the grid carries no mass.
pub fn score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Vec<f64> {
    let n = max_goals + 1;
    let lambda3 = extra[0];
    let mut grid = vec![0.0; n * n];
    if !valid_rates(home_rate, away_rate, lambda3) {
        return grid;
    }
    let (a, b, c) = (
        poisson_pmf(home_rate, max_goals),
        poisson_pmf(away_rate, max_goals),
        poisson_pmf(lambda3, max_goals),
    );
    for x in 0..n {
        for y in 0..n {
            grid[x * n + y] = (0..=x.min(y)).map(|k| a[x - k] * b[y - k] * c[k]).sum();
        }
    }
    grid
}

/// `[home, draw, away]`: the sums of the cells of [`score_grid`] over
/// `x > y`, `x = y` and `x < y` on `0..=m × 0..=m` (`m = max_goals`), in
/// O(m) without building the grid. With `a`, `b`, `c` the pmfs of `λ₁`,
/// `λ₂`, `λ₃`, the cells with shared part `k` are `a[i]·b[j]·c[k]` at
/// `(i + k, j + k)`, inside the grid for `i, j ≤ m − k`, and the outcome
/// depends on `i − j` only:
///
/// ```text
/// home win = Σ_k c[k]·H(m − k),   H(n) = Σ_{i≤n} a[i]·Σ_{j<i} b[j]
/// draw     = Σ_k c[k]·D(m − k),   D(n) = Σ_{i≤n} a[i]·b[i]
/// away win = Σ_k c[k]·A(m − k),   A(n) = Σ_{j≤n} b[j]·Σ_{i<j} a[i]
/// ```
///
/// (all 0 outside the domain, where the grid is 0).
pub fn outcome_sums(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Option<[f64; 3]> {
    let lambda3 = extra[0];
    if !valid_rates(home_rate, away_rate, lambda3) {
        return Some([0.0; 3]);
    }
    let (a, b, c) = (
        poisson_pmf(home_rate, max_goals),
        poisson_pmf(away_rate, max_goals),
        poisson_pmf(lambda3, max_goals),
    );
    // prefix[n] = [H(n), D(n), A(n)]
    let mut prefix = Vec::with_capacity(max_goals + 1);
    let (mut h, mut d, mut w) = (0.0, 0.0, 0.0);
    let (mut below_a, mut below_b) = (0.0, 0.0);
    for (&ai, &bi) in a.iter().zip(&b) {
        h += ai * below_b;
        w += bi * below_a;
        d += ai * bi;
        below_a += ai;
        below_b += bi;
        prefix.push([h, d, w]);
    }
    let mut sums = [0.0; 3];
    for (k, &ck) in c.iter().enumerate() {
        for (s, p) in sums.iter_mut().zip(prefix[max_goals - k]) {
            *s += ck * p;
        }
    }
    Some(sums)
}

/// `P(N > m)` for `N ~ Pois(mean)`, summed upwards from `j = m + 1`
/// (`p_{j+1} = p_j · μ/(j+1)`) until `j + 1 > 2μ` (so every later ratio is
/// below 1/2 and the rest of the series is at most the last term) and the
/// last term is below `1e-17` of the sum (or zero).
fn poisson_upper_tail(mean: f64, m: usize) -> f64 {
    if mean == 0.0 {
        return 0.0;
    }
    let first = m as f64 + 1.0;
    let mut term = (first * mean.ln() - mean - ln_factorial(m as u64 + 1)).exp();
    let mut sum = term;
    let mut j = first;
    while term > 1e-17 * sum || j + 1.0 <= 2.0 * mean {
        term *= mean / (j + 1.0);
        sum += term;
        j += 1.0;
        if term == 0.0 {
            break;
        }
    }
    sum
}

/// The probability that one side scores more than `m` goals: the marginal
/// of `X = X₁ + X₃` is `Pois(λ₁ + λ₃)` with `λ₁ = rate`, so
///
/// ```text
/// P(X > m) = Σ_{j > m} Pois(j; rate + λ₃)
/// ```
///
/// summed directly (no `1 − cdf` cancellation). A grid of
/// `0..=m × 0..=m` misses at most `marginal_tail(λ₁) + marginal_tail(λ₂)`
/// of the mass. Outside the domain (see [`score_grid`]) it is 1.
pub fn marginal_tail(rate: f64, extra: &[f64; EXTRA], m: usize) -> f64 {
    let lambda3 = extra[0];
    if !valid_rates(rate, rate, lambda3) {
        return 1.0;
    }
    poisson_upper_tail(rate + lambda3, m)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::distributions::local::finite_difference_errors;
    use proptest::prelude::*;

    /// `ln Pois(x; e^η_h) + ln Pois(y; e^η_a)`.
    fn poisson_log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64) -> f64 {
        f64::from(x) * eta_home - eta_home.exp() - ln_factorial(u64::from(x))
            + f64::from(y) * eta_away
            - eta_away.exp()
            - ln_factorial(u64::from(y))
    }

    fn at(x: u32, y: u32) -> impl Fn(&[f64; K]) -> Local<K> {
        move |z: &[f64; K]| log_prob_derivatives(x, y, z[0], z[1], &[z[2]])
    }

    /// Like `finite_difference_errors`, but one-sided (third order,
    /// `(−11f(0) + 18f(h) − 9f(2h) + 2f(3h)) / 6h`) in the bounded
    /// coordinate `λ₃` and central in the others: the check at the bound
    /// `λ₃ = 0` (the third derivative in `λ₃` grows like `(λ₁λ₂)⁻³`, too
    /// large there for a second-order formula at a step that rounding
    /// allows).
    fn bound_errors(f: impl Fn(&[f64; K]) -> Local<K>, z: [f64; K], h: f64) -> (f64, f64) {
        let at = f(&z);
        let (mut gradient_error, mut hessian_error) = (0.0f64, 0.0f64);
        for k in 0..K {
            let shifted = |d: f64| {
                let mut w = z;
                w[k] += d;
                f(&w)
            };
            let (value_slope, slopes): (f64, Vec<f64>) = if k == 2 {
                let (f1, f2, f3) = (shifted(h), shifted(2.0 * h), shifted(3.0 * h));
                let one_sided = |f0: f64, f1: f64, f2: f64, f3: f64| {
                    (-11.0 * f0 + 18.0 * f1 - 9.0 * f2 + 2.0 * f3) / (6.0 * h)
                };
                (
                    one_sided(at.value, f1.value, f2.value, f3.value),
                    (0..K)
                        .map(|l| {
                            one_sided(
                                at.gradient[l],
                                f1.gradient[l],
                                f2.gradient[l],
                                f3.gradient[l],
                            )
                        })
                        .collect(),
                )
            } else {
                let (fu, fd) = (shifted(h), shifted(-h));
                (
                    (fu.value - fd.value) / (2.0 * h),
                    (0..K)
                        .map(|l| (fu.gradient[l] - fd.gradient[l]) / (2.0 * h))
                        .collect(),
                )
            };
            gradient_error = gradient_error
                .max((value_slope - at.gradient[k]).abs() / at.gradient[k].abs().max(1.0));
            for (slope, exact) in slopes.iter().zip(at.hessian[k]) {
                hessian_error = hessian_error.max((slope - exact).abs() / exact.abs().max(1.0));
            }
        }
        (gradient_error, hessian_error)
    }

    proptest! {
        #[test]
        fn derivatives_match_central_differences(
            x in 0u32..=8, y in 0u32..=8,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
            lambda3 in 0.001f64..5.0,
        ) {
            let z = [eta_home, eta_away, lambda3];
            let l = at(x, y)(&z);
            prop_assert!(l.is_finite());
            prop_assert!((l.value - log_prob(x, y, eta_home, eta_away, &[lambda3])).abs() < 1e-13);
            let (g, h) = finite_difference_errors(at(x, y), z, 1e-5);
            prop_assert!(g < 1e-6 && h < 1e-5, "gradient {g:e} hessian {h:e} at {z:?}");
        }

        #[test]
        fn derivatives_at_the_bound_are_the_one_sided_limits(
            x in 0u32..=8, y in 0u32..=8,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
        ) {
            let z = [eta_home, eta_away, 0.0];
            let l = at(x, y)(&z);
            prop_assert!(l.gradient.iter().chain(l.hessian.iter().flatten()).all(|v| v.is_finite()));
            let (g, h) = bound_errors(at(x, y), z, 1e-5);
            prop_assert!(g < 1e-6 && h < 1e-5, "gradient {g:e} hessian {h:e} at {z:?}");
        }

        #[test]
        fn lambda3_zero_is_poisson(
            x in 0u32..=12, y in 0u32..=12,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
        ) {
            let ours = log_prob(x, y, eta_home, eta_away, &[0.0]);
            let poisson = poisson_log_prob(x, y, eta_home, eta_away);
            prop_assert!((ours - poisson).abs() < 1e-12, "{ours} vs {poisson}");
            // the limit from inside, to first order with the one-sided slope at 0
            let slope = log_prob_derivatives(x, y, eta_home, eta_away, &[0.0]).gradient[2];
            let near = log_prob(x, y, eta_home, eta_away, &[1e-9]);
            prop_assert!(
                (near - poisson - 1e-9 * slope).abs() < 1e-12,
                "{near} vs {poisson} + 1e-9 * {slope}"
            );
        }

        #[test]
        fn the_grid_sums_to_one_and_holds_the_log_probabilities(
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5, lambda3 in 0.0f64..5.0,
        ) {
            let (l1, l2) = (eta_home.exp(), eta_away.exp());
            let mut m = 0;
            while marginal_tail(l1, &[lambda3], m) + marginal_tail(l2, &[lambda3], m) >= 1e-13 {
                m += 1;
            }
            let grid = score_grid(l1, l2, &[lambda3], m);
            let total: f64 = grid.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12, "mass {total} with max goals {m}");
            for (x, y) in [(0, 0), (1, 0), (2, 2), (3, 1)] {
                if x <= m && y <= m {
                    let p = grid[x * (m + 1) + y];
                    let q = log_prob(x as u32, y as u32, eta_home, eta_away, &[lambda3]).exp();
                    prop_assert!((p - q).abs() < 1e-14 * q.max(1e-300) + 1e-16, "{p} {q}");
                }
            }
        }
    }

    #[test]
    fn the_marginal_tail_is_the_grid_mass_beyond_m() {
        let (l1, l2, l3) = (1.7, 0.9, 0.3);
        let big = 60;
        let grid = score_grid(l1, l2, &[l3], big);
        for m in [0usize, 1, 3, 6, 10] {
            let beyond: f64 = (m + 1..=big)
                .flat_map(|x| (0..=big).map(move |y| (x, y)))
                .map(|(x, y)| grid[x * (big + 1) + y])
                .sum();
            let tail = marginal_tail(l1, &[l3], m);
            assert!((beyond - tail).abs() < 1e-14, "m {m}: {beyond} vs {tail}");
        }
    }

    /// Values of the reference script's `bp_terms` (log P and the first
    /// derivatives in (η_home, η_away, λ₃)), computed with
    /// `cd benches/peers && OMP_NUM_THREADS=1 /work/main/.venv/bin/python -c "import numpy as np, reference_families as r; t = r.bp_terms(np.array([x]), np.array([y]), np.exp(np.array([eh])), np.exp(np.array([ea])), [l3]); print(t)"`
    /// for each row `(x, y, eh, ea, l3)` below.
    #[test]
    fn values_equal_the_reference_script() {
        #[rustfmt::skip]
        let rows: [(u32, u32, f64, f64, f64, [f64; 4]); 5] = [
            (0, 0, 0.1, -0.2, 0.15, [-2.0739016711536293, -1.1051709180756477, -0.8187307530779818, -1.0]),
            (2, 1, 0.4, 0.05, 0.3, [-2.362293904369102, 0.2314623806608957, -0.32798401807385763, -0.07762359434055388]),
            (3, 3, -0.5, 0.2, 0.0, [-6.311452356328912, 2.393469340287365, 1.7785972418398277, 11.148729268184017]),
            (5, 2, 1.2, -1.0, 1.7, [-2.88591299976908, -0.0234796475325453, -0.0712421659674412, 0.001978073409411522]),
            (1, 4, -1.3, 0.9, 0.02, [-3.5174441699656893, 0.6208470385423461, 1.4337757204194088, 4.331058421182052]),
        ];
        for (x, y, eh, ea, l3, expected) in rows {
            let l = log_prob_derivatives(x, y, eh, ea, &[l3]);
            assert!((log_prob(x, y, eh, ea, &[l3]) - expected[0]).abs() < 1e-12);
            for (ours, theirs) in [l.value, l.gradient[0], l.gradient[1], l.gradient[2]]
                .into_iter()
                .zip(expected)
            {
                assert!(
                    (ours - theirs).abs() < 1e-12 * theirs.abs().max(1.0),
                    "({x}, {y}, {eh}, {ea}, {l3}): {ours} vs {theirs}"
                );
            }
        }
    }

    #[test]
    fn outside_the_domain_is_minus_infinity_never_nan() {
        for (eh, ea, l3) in [
            (0.1, 0.2, -1e-12),
            (0.1, 0.2, f64::NAN),
            (f64::NAN, 0.2, 0.1),
            (0.1, f64::INFINITY, 0.1),
            (0.1, 0.2, f64::INFINITY),
        ] {
            assert_eq!(log_prob(1, 1, eh, ea, &[l3]), f64::NEG_INFINITY);
            assert_eq!(log_prob_derivatives(1, 1, eh, ea, &[l3]), Local::OUTSIDE);
        }
        assert!(score_grid(1.0, 1.0, &[-0.1], 5).iter().all(|p| *p == 0.0));
        assert_eq!(marginal_tail(1.0, &[f64::NAN], 5), 1.0);
        // large scores stay finite
        let l = log_prob_derivatives(40, 35, 1.0, 0.5, &[0.7]);
        assert!(l.value.is_finite() && l.hessian.iter().flatten().all(|v| v.is_finite()));
    }

    /// Parity with the reference script's fits: for every case of
    /// `target/peers/reference_families.json` (written by
    /// `OMP_NUM_THREADS=1 .venv/bin/python benches/peers/reference_families.py`;
    /// `$SCORELINE_PEERS_DIR` overrides the folder), evaluates `family` at the
    /// reference's parameters on the same matches (goals read from
    /// `$SCORELINE_DATA_DIR`, default `../shared/data`) and checks the
    /// weighted log-likelihood (to 1e-9), the score in μ, γ and the extra
    /// parameter (below 1e-6 at that optimum, or equal to the reference's
    /// outward score where the extra is on its bound) and every match's 1X2
    /// from a grid sized by `marginal_tail` (to 1e-10).
    pub(crate) fn reference_parity(
        family: &str,
        extra_key: &str,
        derivatives: impl Fn(u32, u32, f64, f64, f64) -> Local<3>,
        grid: impl Fn(f64, f64, f64, usize) -> Vec<f64>,
        tail: impl Fn(f64, f64, usize) -> f64,
    ) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let peers = std::env::var_os("SCORELINE_PEERS_DIR")
            .map_or_else(|| root.join("target/peers"), std::path::PathBuf::from);
        let data = std::env::var_os("SCORELINE_DATA_DIR")
            .map_or_else(|| root.join("../shared/data"), std::path::PathBuf::from);
        let text = std::fs::read_to_string(peers.join("reference_families.json"))
            .expect("run benches/peers/reference_families.py first");
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in json["cases"].as_array().unwrap() {
            let mut goals = Vec::new();
            for season in case["seasons"].as_array().unwrap() {
                let (division, season) = season.as_str().unwrap().split_once(' ').unwrap();
                let path = data.join(format!("football-data/mmz4281/{season}/{division}.csv"));
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_path(path)
                    .unwrap();
                let header = reader.byte_headers().unwrap().clone();
                let column = |name: &str| header.iter().position(|h| h == name.as_bytes()).unwrap();
                let (h, a, hg, ag) = (
                    column("HomeTeam"),
                    column("AwayTeam"),
                    column("FTHG"),
                    column("FTAG"),
                );
                for row in reader.byte_records() {
                    let row = row.unwrap();
                    let text = |i: usize| {
                        String::from_utf8_lossy(row.get(i).unwrap_or(b""))
                            .trim()
                            .to_string()
                    };
                    if text(h).is_empty() {
                        continue;
                    }
                    goals.push((
                        text(h),
                        text(a),
                        text(hg).parse::<u32>().unwrap(),
                        text(ag).parse::<u32>().unwrap(),
                    ));
                }
            }
            let fam = &case["families"][family];
            let params = &fam["params"];
            let number = |v: &serde_json::Value| v.as_f64().unwrap();
            let (mu, gamma, extra) = (
                number(&params["intercept"]),
                number(&params["home_advantage"]),
                number(&params[extra_key]),
            );
            let matches = fam["matches"].as_array().unwrap();
            assert_eq!(matches.len(), goals.len());
            let (mut loglik, mut score) = (0.0, [0.0f64; 3]);
            let mut worst_1x2 = 0.0f64;
            for (m, (home, away, x, y)) in matches.iter().zip(&goals) {
                assert_eq!(
                    (m["home"].as_str().unwrap(), m["away"].as_str().unwrap()),
                    (home.as_str(), away.as_str())
                );
                let w = number(&m["weight"]);
                let eta_home =
                    mu + gamma + number(&params["attack"][home]) - number(&params["defence"][away]);
                let eta_away =
                    mu + number(&params["attack"][away]) - number(&params["defence"][home]);
                let l = derivatives(*x, *y, eta_home, eta_away, extra);
                loglik += w * l.value;
                score[0] += w * (l.gradient[0] + l.gradient[1]);
                score[1] += w * l.gradient[0];
                score[2] += w * l.gradient[2];
                let (rh, ra) = (eta_home.exp(), eta_away.exp());
                let max_goals = (0..200)
                    .find(|&g| tail(rh, extra, g) + tail(ra, extra, g) < 1e-12)
                    .unwrap();
                let p = grid(rh, ra, extra, max_goals);
                let n = max_goals + 1;
                let mut outcome = [0.0f64; 3];
                for i in 0..n {
                    for j in 0..n {
                        outcome[if i > j {
                            0
                        } else if i == j {
                            1
                        } else {
                            2
                        }] += p[i * n + j];
                    }
                }
                for (ours, key) in outcome.iter().zip(["p_home", "p_draw", "p_away"]) {
                    worst_1x2 = worst_1x2.max((ours - number(&m[key])).abs());
                }
            }
            let reference = number(&fam["loglik"]);
            let outward = fam["outward_score"][extra_key].as_f64();
            println!(
                "{} {family}: loglik {loglik:.12} vs {reference:.12} (diff {:.1e}); score μ {:.1e} γ {:.1e} {extra_key} {:.3e} (reference outward score {outward:?}); max |1X2 diff| {worst_1x2:.1e}",
                case["name"].as_str().unwrap(), loglik - reference, score[0], score[1], score[2]
            );
            assert!((loglik - reference).abs() < 1e-9);
            assert!(score[0].abs() < 1e-6 && score[1].abs() < 1e-6);
            match outward {
                Some(o) => assert!((score[2] - o).abs() < 1e-6 * o.abs().max(1.0)),
                None => assert!(score[2].abs() < 1e-6),
            }
            assert!(worst_1x2 < 1e-10);
        }
    }

    #[test]
    #[ignore = "needs target/peers/reference_families.json (benches/peers/reference_families.py)"]
    fn parity_with_the_reference_fits() {
        reference_parity(
            "bivariate_poisson",
            "lambda3",
            |x, y, eh, ea, e| log_prob_derivatives(x, y, eh, ea, &[e]),
            |h, a, e, m| score_grid(h, a, &[e], m),
            |r, e, m| marginal_tail(r, &[e], m),
        );
    }

    /// Cost of one `log_prob_derivatives` call (scores 0..=4 × 0..=3,
    /// `η_home` in [−0.4, 0.4], `η_away = −η_home/2`): the median and the
    /// best of 7 rounds of 200 000 calls. Run with
    /// `cargo test -p scoreline-dixon-coles --lib distributions::bivariate_poisson --config 'profile.dev.package.scoreline-dixon-coles.opt-level=3' -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn time_log_prob_derivatives() {
        let n = 200_000;
        let mut rounds: Vec<f64> = (0..7)
            .map(|_| {
                let start = std::time::Instant::now();
                let mut acc = 0.0;
                for i in 0..n {
                    let (x, y) = (((i * 7) % 5) as u32, ((i * 3) % 4) as u32);
                    let eta = (i % 17) as f64 * 0.05 - 0.4;
                    let l = log_prob_derivatives(
                        std::hint::black_box(x),
                        y,
                        eta,
                        -eta * 0.5,
                        &[std::hint::black_box(0.12)],
                    );
                    acc += l.hessian[2][2];
                }
                std::hint::black_box(acc);
                start.elapsed().as_nanos() as f64 / n as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        println!(
            "bivariate_poisson::log_prob_derivatives: median {:.0} ns, best {:.0} ns per call",
            rounds[3], rounds[0]
        );
    }
}
