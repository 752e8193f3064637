//! The zero-inflated Poisson goal model as penaltyblog's
//! `ZeroInflatedPoissonGoalsModel` defines it: EACH side's goals are
//! zero-inflated independently with the same inflation `π ∈ [0, 1)`,
//! `Z(0; m) = π + (1 − π)e^{−m}`, `Z(k; m) = (1 − π)·Pois(k; m)` for
//! `k ≥ 1`, where `m` (`λ` home, `ν` away) is the mean of the Poisson part
//! (the marginal mean is `(1 − π)m`). `π = 0` is the independent Poisson
//! model and is a valid parameter value, so that a fit can end exactly on it.
//!
//! Local coordinates: `z = (η_home, η_away, π)` with `λ = exp(η_home)`,
//! `ν = exp(η_away)`.

use super::negative_binomial;
use super::Local;

/// The number of extra parameters: the inflation `π`.
pub const EXTRA: usize = 1;

/// One side's log-probability and its derivatives in `(η, π)`.
#[derive(Debug, Clone, Copy)]
struct Side {
    value: f64,
    d_eta: f64,
    d_eta_eta: f64,
    d_pi: f64,
    d_pi_pi: f64,
    d_eta_pi: f64,
}

/// `ln k!` as the logarithm of the product `2·3·…·k` (exact in `f64` up to
/// `18!`; folded into a sum of logarithms before it could overflow).
fn ln_factorial(k: u32) -> f64 {
    let (mut product, mut log_sum) = (1.0f64, 0.0f64);
    for i in 2..=k {
        product *= f64::from(i);
        if product > 1e200 {
            log_sum += product.ln();
            product = 1.0;
        }
    }
    log_sum + product.ln()
}

/// `ln Z(k; m)` with `m = exp(η)` and its derivatives in `(η, π)`.
///
/// For `k ≥ 1`: `ln Z = ln(1 − π) + k·η − m − ln k!`, `∂/∂η = k − m`,
/// `∂²/∂η² = −m`, `∂/∂π = −1/(1 − π)`, `∂²/∂π² = −1/(1 − π)²`,
/// `∂²/∂η∂π = 0`.
///
/// For `k = 0`, with `E = e^m − 1` and `D = 1 + πE` (so that
/// `Z(0) = e^{−m}·D`):
/// `ln Z = −m + ln(1 + πE)`, `∂/∂η = −m(1 − π)/D`,
/// `∂²/∂η² = −(1 − π)·m·(D − π·m·e^m)/D²`, `∂/∂π = E/D`,
/// `∂²/∂π² = −(E/D)²`, `∂²/∂η∂π = m·e^m/D²`.
///
/// No domain check: the formulas extend smoothly to small negative `π`
/// (for the tests at the bound).
fn side(k: u32, eta: f64, pi: f64) -> Side {
    let m = eta.exp();
    if k == 0 {
        let e = m.exp_m1();
        let d = 1.0 + pi * e;
        let e_over_d = e / d;
        Side {
            value: -m + (pi * e).ln_1p(),
            d_eta: -m * (1.0 - pi) / d,
            d_eta_eta: -(1.0 - pi) * m * (d - pi * m * (1.0 + e)) / (d * d),
            d_pi: e_over_d,
            d_pi_pi: -e_over_d * e_over_d,
            d_eta_pi: m * (1.0 + e) / (d * d),
        }
    } else {
        let kf = f64::from(k);
        let ln_factorial = ln_factorial(k);
        let one_pi = 1.0 - pi;
        Side {
            value: (-pi).ln_1p() + kf * eta - m - ln_factorial,
            d_eta: kf - m,
            d_eta_eta: -m,
            d_pi: -1.0 / one_pi,
            d_pi_pi: -1.0 / (one_pi * one_pi),
            d_eta_pi: 0.0,
        }
    }
}

/// The joint [`Local`] of the two sides (no domain check).
fn joint(x: u32, y: u32, eta_home: f64, eta_away: f64, pi: f64) -> Local<3> {
    let (h, a) = (side(x, eta_home, pi), side(y, eta_away, pi));
    let local = Local {
        value: h.value + a.value,
        gradient: [h.d_eta, a.d_eta, h.d_pi + a.d_pi],
        hessian: [
            [h.d_eta_eta, 0.0, h.d_eta_pi],
            [0.0, a.d_eta_eta, a.d_eta_pi],
            [h.d_eta_pi, a.d_eta_pi, h.d_pi_pi + a.d_pi_pi],
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

/// `ln P(X = x, Y = y)` for the zero-inflated Poisson model with
/// `λ = exp(eta_home)`, `ν = exp(eta_away)` and `extra = [π]`:
///
/// `ln P = ln Z(x; λ) + ln Z(y; ν)`, where `Z(0; m) = π + (1 − π)e^{−m}`
/// (computed as `−m + ln(1 + π(e^m − 1))`) and
/// `Z(k; m) = (1 − π)·m^k e^{−m}/k!` for `k ≥ 1`.
///
/// Domain: `0 ≤ π < 1`, `η` finite; −∞ outside it (never NaN).
pub fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; EXTRA]) -> f64 {
    log_prob_derivatives(x, y, eta_home, eta_away, extra).value
}

/// [`log_prob`] with its exact gradient and Hessian in
/// `z = (η_home, η_away, π)`. Per side (`k` goals, `m = exp(η)`):
///
/// * `k ≥ 1`: `∂/∂η = k − m`, `∂²/∂η² = −m`, `∂/∂π = −1/(1 − π)`,
///   `∂²/∂π² = −1/(1 − π)²`, `∂²/∂η∂π = 0`;
/// * `k = 0`, with `E = e^m − 1`, `D = 1 + πE`: `∂/∂η = −m(1 − π)/D`,
///   `∂²/∂η² = −(1 − π)·m·(D − π·m·e^m)/D²`, `∂/∂π = E/D`,
///   `∂²/∂π² = −(E/D)²`, `∂²/∂η∂π = m·e^m/D²`.
///
/// The π-derivatives of the two sides add; the cross derivative between
/// the two `η` is zero. At `π = 0` these are the one-sided derivatives (the
/// limits from `π > 0`), finite and exact: e.g. the score is
/// `Σ_sides [k = 0](e^m − 1) − [k ≥ 1]` there.
///
/// Outside the domain (see [`log_prob`]), or where an entry overflows
/// (rates above ~700), [`Local::OUTSIDE`].
pub fn log_prob_derivatives(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRA],
) -> Local<3> {
    let pi = extra[0];
    if !(eta_home.is_finite() && eta_away.is_finite() && (0.0..1.0).contains(&pi)) {
        return Local::OUTSIDE;
    }
    joint(x, y, eta_home, eta_away, pi)
}

/// The marginal pmf `Z(k; rate)` for `k = 0..=max_goals`: `(1 − π)` times
/// the Poisson pmf (the negative binomial's at `α = 0`), plus `π` at 0.
fn marginal_pmf(rate: f64, pi: f64, max_goals: usize) -> Vec<f64> {
    let mut pmf = negative_binomial::marginal_pmf(rate, 0.0, max_goals);
    for p in &mut pmf {
        *p *= 1.0 - pi;
    }
    pmf[0] += pi;
    pmf
}

/// The joint pmf `P(X = x, Y = y) = Z(x; home_rate)·Z(y; away_rate)` on
/// `0..=max_goals × 0..=max_goals`, row-major (`p[x * (max_goals + 1) + y]`),
/// not renormalised (the mass outside is [`marginal_tail`] of each side).
/// `extra = [π]`.
///
/// The caller passes a valid parameter set: rates finite and `≥ 0`,
/// `0 ≤ π < 1` (checked in debug builds).
pub fn score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Vec<f64> {
    let pi = extra[0];
    debug_assert!(
        home_rate.is_finite() && home_rate >= 0.0,
        "home rate {home_rate}"
    );
    debug_assert!(
        away_rate.is_finite() && away_rate >= 0.0,
        "away rate {away_rate}"
    );
    debug_assert!((0.0..1.0).contains(&pi), "pi {pi}");
    let home = marginal_pmf(home_rate, pi, max_goals);
    let away = marginal_pmf(away_rate, pi, max_goals);
    negative_binomial::outer_product(&home, &away)
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

/// `P(N > m) = (1 − π)·P(Pois(rate) > m)` (`extra = [π]`): the mass one
/// side puts outside a grid of `m` goals (the zero inflation is inside any
/// grid). The Poisson tail is the negative binomial's at `α = 0`
/// ([`negative_binomial::marginal_tail`]). For parameters outside the
/// domain of [`score_grid`] it is 1: no grid holds the mass.
pub fn marginal_tail(rate: f64, extra: &[f64; EXTRA], m: usize) -> f64 {
    let pi = extra[0];
    if !((0.0..1.0).contains(&pi) && rate.is_finite() && rate >= 0.0) {
        return 1.0;
    }
    (1.0 - pi) * negative_binomial::marginal_tail(rate, &[0.0], m)
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

    /// `ln Z(k; m)` written directly from the definition (no `E`, `D`).
    fn direct_side(k: u32, eta: f64, pi: f64) -> f64 {
        let m = eta.exp();
        if k == 0 {
            (pi + (1.0 - pi) * (-m).exp()).ln()
        } else {
            (1.0 - pi).ln() + poisson_log_prob(k, 0, eta, 0.0) + 1.0
        }
    }

    proptest! {
        #[test]
        fn never_nan_anywhere(
            x in 0u32..=60, y in 0u32..=60,
            eh in -750.0f64..750.0, ea in -40.0f64..40.0,
            pi in prop_oneof![Just(0.0), -0.5f64..1.5, -1e-300f64..1e-300],
        ) {
            let l = log_prob_derivatives(x, y, eh, ea, &[pi]);
            prop_assert!(!l.value.is_nan());
            prop_assert!(l == Local::OUTSIDE || l.is_finite());
            prop_assert!(l.gradient.iter().chain(l.hessian.iter().flatten()).all(|v| v.is_finite()));
        }

        #[test]
        fn derivatives_match_central_differences(
            x in 0u32..=8, y in 0u32..=8,
            eh in -1.5f64..1.5, ea in -1.5f64..1.5,
            pi in prop_oneof![Just(0.0), 0.0f64..0.05, 0.05f64..0.95],
        ) {
            // at and near π = 0 the smooth formula is differenced across the bound
            let f = |z: &[f64; 3]| joint(x, y, z[0], z[1], z[2]);
            let (g, h) = finite_difference_errors(f, [eh, ea, pi], 1e-6);
            prop_assert!(g < 1e-7 && h < 1e-6, "gradient {g:e} hessian {h:e}");
            let public = log_prob_derivatives(x, y, eh, ea, &[pi]);
            prop_assert_eq!(public, joint(x, y, eh, ea, pi));
            let direct = direct_side(x, eh, pi) + direct_side(y, ea, pi);
            prop_assert!((public.value - direct).abs() < 1e-12, "{} {direct}", public.value);
        }

        #[test]
        fn derivatives_at_the_bound_are_the_one_sided_limits(
            x in 0u32..=8, y in 0u32..=8, eh in -1.5f64..1.5, ea in -1.5f64..1.5,
        ) {
            let h = 1e-6;
            let f = |pi: f64| log_prob_derivatives(x, y, eh, ea, &[pi]);
            let (f0, f1, f2) = (f(0.0), f(h), f(2.0 * h));
            let forward = |a: f64, b: f64, c: f64| (-3.0 * a + 4.0 * b - c) / (2.0 * h);
            let rel = |num: f64, exact: f64| (num - exact).abs() / exact.abs().max(1.0);
            let g = rel(forward(f0.value, f1.value, f2.value), f0.gradient[2]);
            prop_assert!(g < 1e-7, "gradient {g:e}");
            for l in 0..3 {
                let e = rel(forward(f0.gradient[l], f1.gradient[l], f2.gradient[l]), f0.hessian[2][l]);
                prop_assert!(e < 1e-6, "hessian {l}: {e:e}");
            }
            let score = |k: u32, eta: f64| if k == 0 { eta.exp().exp_m1() } else { -1.0 };
            let expected = score(x, eh) + score(y, ea);
            prop_assert!((f0.gradient[2] - expected).abs() < 1e-12 * expected.abs().max(1.0));
        }

        #[test]
        fn pi_zero_is_poisson(
            x in 0u32..=12, y in 0u32..=12, eh in -1.5f64..1.5, ea in -1.5f64..1.5,
        ) {
            let zip = log_prob(x, y, eh, ea, &[0.0]);
            let poisson = poisson_log_prob(x, y, eh, ea);
            prop_assert!((zip - poisson).abs() < 1e-12, "{zip} {poisson}");
        }

        #[test]
        fn the_grid_sums_to_one_and_the_tail_is_the_mass_outside(
            eh in -1.5f64..1.5, ea in -1.5f64..1.5,
            pi in prop_oneof![Just(0.0), 0.0f64..0.95],
            m in 0usize..12,
        ) {
            let (l, n) = (eh.exp(), ea.exp());
            let big = (0..200)
                .find(|&k| marginal_tail(l.max(n), &[pi], k) < 1e-14)
                .expect("a grid size below 200");
            let m = m.min(big);
            let grid = score_grid(l, n, &[pi], big);
            let total: f64 = grid.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12, "{total}");
            let home: f64 = (m + 1..=big)
                .map(|x| (0..=big).map(|y| grid[x * (big + 1) + y]).sum::<f64>())
                .sum();
            let tail = marginal_tail(l, &[pi], m);
            prop_assert!((home - tail).abs() < 1e-13, "{home} {tail}");
            for (x, y) in [(0u32, 0u32), (0, 2), (m as u32, 1)] {
                let cell = grid[x as usize * (big + 1) + y as usize];
                let lp = log_prob(x, y, eh, ea, &[pi]);
                prop_assert!((cell - lp.exp()).abs() < 1e-14 + 1e-12 * cell, "{cell} {lp}");
            }
        }
    }

    #[test]
    fn many_goals_stay_exact() {
        // ln k! by a product folded into logarithms
        for k in [18u32, 100, 171, 400] {
            let zip = log_prob(k, 0, 1.2, 0.3, &[0.0]);
            let poisson = poisson_log_prob(k, 0, 1.2, 0.3);
            assert!(
                (zip - poisson).abs() < 1e-12 * poisson.abs(),
                "{k}: {zip} {poisson}"
            );
        }
    }

    #[test]
    fn log_prob_equals_the_reference_script() {
        // cd benches/peers && OMP_NUM_THREADS=1 /work/main/.venv/bin/python -c "
        // import numpy as np, reference_families as r
        // for x,y,eh,ea,p in [(0,0,0.3,-0.2,0.06),(2,0,0.45,0.1,0.06),(0,3,1.2,-1.1,0.3),
        //                     (1,2,-0.5,0.9,0.9),(5,1,1.5,-1.5,0.0),(0,0,-1.5,1.5,0.5)]:
        //   print(repr(float(r.zip_terms(np.array([x]),np.array([y]),np.exp(np.array([eh])),
        //                                 np.exp(np.array([ea])),[p])[0][0])))"
        let cases = [
            (0, 0, 0.3, -0.2, 0.06, -1.9370753600198714),
            (2, 0, 0.45, 0.1, 0.06, -2.4141200317052918),
            (0, 3, 1.2, -1.1, 0.3, -6.904300574048261),
            (1, 2, -0.5, 0.9, 0.9, -7.06445113741762),
            (5, 1, 1.5, -1.5, 0.0, -3.4923109732685402),
            (0, 0, -1.5, 1.5, 0.5, -0.7872509859919864),
        ];
        for (x, y, eh, ea, pi, reference) in cases {
            let ours = log_prob(x, y, eh, ea, &[pi]);
            assert!(
                (ours - reference).abs() < 1e-12,
                "{x}-{y}: {ours} vs {reference}"
            );
        }
    }

    #[test]
    fn outside_the_domain_is_minus_infinity_never_nan() {
        for (eh, ea, pi) in [
            (0.1, 0.2, -1e-12),
            (0.1, 0.2, 1.0),
            (0.1, 0.2, f64::NAN),
            (f64::NAN, 0.2, 0.1),
            (0.1, f64::INFINITY, 0.1),
            (800.0, 0.2, 0.1),
        ] {
            assert_eq!(
                log_prob_derivatives(0, 1, eh, ea, &[pi]),
                Local::OUTSIDE,
                "{eh} {ea} {pi}"
            );
            assert_eq!(log_prob(0, 1, eh, ea, &[pi]), f64::NEG_INFINITY);
        }
        assert_eq!(marginal_tail(1.0, &[1.0], 10), 1.0);
        assert_eq!(marginal_tail(f64::NAN, &[0.2], 10), 1.0);
        assert_eq!(marginal_tail(-1.0, &[0.2], 10), 1.0);
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
            let l = log_prob_derivatives(x, y, eta, -0.2, &[std::hint::black_box(0.06)]);
            acc += l.value + l.hessian[2][2];
        }
        let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
        println!("zero_inflated_poisson::log_prob_derivatives: {ns:.1} ns per call ({acc})");
    }
}
