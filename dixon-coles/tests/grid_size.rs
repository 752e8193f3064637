//! Score grids are exact by default: the adaptive size leaves less than
//! 1e-12 outside, an explicit size that leaves more than 1e-9 outside is an
//! error, and only a truncation asked for by name renormalises a small grid.

use proptest::prelude::*;
use scoreline_dixon_coles::grid::{
    GridSize, ScoreGrid, ADAPTIVE_TOLERANCE, EXPLICIT_TOLERANCE, MAX_GOALS_CAP,
};
use scoreline_dixon_coles::model::families::dixon_coles::outcome_probabilities;
use scoreline_dixon_coles::PredictError;

/// `P(X ≤ m)` for X ~ Poisson(rate), summed term by term.
fn poisson_cdf(rate: f64, m: usize) -> f64 {
    let mut p = (-rate).exp();
    let mut total = p;
    for k in 1..=m {
        p *= rate / k as f64;
        total += p;
    }
    total
}

/// The exact 1X2 of the untruncated model, from a 50-goal grid whose
/// outside mass is below 1e-30 for the rates used here.
fn exact_outcomes(lam: f64, nu: f64, rho: f64) -> [f64; 3] {
    let g = ScoreGrid::new(lam, nu, rho, GridSize::Truncated(MAX_GOALS_CAP)).unwrap();
    // Rounding in the sum of 2,601 cells, not truncation.
    assert!(g.mass_outside() < 1e-14, "{}", g.mass_outside());
    let o = g.outcome_probabilities();
    [o.home, o.draw, o.away]
}

#[test]
fn germany_v_san_marino_keeps_all_its_mass_by_default() {
    // λ ≈ 10.6: a 10-goal grid leaves about half the home mass outside.
    let grid = ScoreGrid::new(10.6, 0.15, -0.02, GridSize::Adaptive).unwrap();
    assert!(grid.mass_outside() < ADAPTIVE_TOLERANCE);
    let o = grid.outcome_probabilities();
    let exact = exact_outcomes(10.6, 0.15, -0.02);
    assert!(
        (o.home - exact[0]).abs() < 1e-12,
        "{} v {}",
        o.home,
        exact[0]
    );
    let (home_goals, _) = grid.expected_goals();
    assert!((home_goals - 10.6).abs() < 1e-9, "{home_goals}");
}

#[test]
fn an_explicit_grid_that_leaves_mass_outside_is_an_error_naming_the_size_needed() {
    match ScoreGrid::new(10.6, 0.15, 0.0, 10) {
        Err(PredictError::MassOutsideGrid {
            max_goals,
            mass_outside,
            tolerance,
            needed,
        }) => {
            assert_eq!(max_goals, 10);
            assert!(mass_outside > 0.4, "{mass_outside}");
            assert_eq!(tolerance, EXPLICIT_TOLERANCE);
            let needed = needed.expect("a grid up to the cap suffices");
            assert!((25..=MAX_GOALS_CAP).contains(&needed), "{needed}");
            let message = ScoreGrid::new(10.6, 0.15, 0.0, 10).unwrap_err().to_string();
            assert!(
                message.contains(&format!("max_goals ≥ {needed}")),
                "{message}"
            );
        }
        other => panic!("expected MassOutsideGrid, got {other:?}"),
    }
    // λ ≈ 2.5: 10 goals already leave about 5e-5 outside.
    assert!(matches!(
        outcome_probabilities(2.5, 1.0, 0.0, 10),
        Err(PredictError::MassOutsideGrid { .. })
    ));
    // max_goals = 0 used to answer P(draw) = 1.
    assert!(matches!(
        ScoreGrid::new(1.4, 1.1, 0.0, 0),
        Err(PredictError::MassOutsideGrid { .. })
    ));
}

#[test]
fn a_named_truncation_renormalises_and_reports_what_it_left_out() {
    let grid = ScoreGrid::new(10.6, 0.15, 0.0, GridSize::Truncated(10)).unwrap();
    assert_eq!(grid.max_goals(), 10);
    let outside = 1.0 - poisson_cdf(10.6, 10) * poisson_cdf(0.15, 10);
    assert!((grid.mass_outside() - outside).abs() < 1e-12);
    assert!(GridSize::from_request(Some(10), true) == GridSize::Truncated(10));
    assert!(GridSize::from_request(Some(10), false) == GridSize::MaxGoals(10));
    assert!(GridSize::from_request(None, true) == GridSize::Adaptive);
}

#[test]
fn rates_too_large_for_any_grid_are_an_error_not_a_silent_cut() {
    match ScoreGrid::new(40.0, 1.0, 0.0, GridSize::Adaptive) {
        Err(PredictError::MassOutsideGrid {
            needed: None,
            max_goals,
            ..
        }) => {
            assert_eq!(max_goals, MAX_GOALS_CAP)
        }
        other => panic!("expected MassOutsideGrid, got {other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The adaptive size is the smallest m ≥ 1 with 1 − F(m; λ)·F(m; ν) below
    /// the tolerance, and its 1X2 is the untruncated model's to 1e-12.
    #[test]
    fn adaptive_grids_are_the_smallest_exact_ones(lam in 0.01f64..12.0, nu in 0.01f64..12.0, rho in -0.1f64..0.1) {
        // Keep ρ where every τ is positive, as fitted models do.
        let rho = rho.clamp(-1.0 / lam.max(nu).max(1.0), (1.0 / (lam * nu)).min(1.0));
        let grid = ScoreGrid::new(lam, nu, rho, GridSize::Adaptive).unwrap();
        let m = grid.max_goals();
        let outside = |m: usize| 1.0 - poisson_cdf(lam, m) * poisson_cdf(nu, m);
        prop_assert!(outside(m) < ADAPTIVE_TOLERANCE);
        prop_assert!(m == 1 || outside(m - 1) >= ADAPTIVE_TOLERANCE, "m = {} is not the smallest", m);
        // The reported 1 − Σ grid carries the rounding of summing the cells.
        prop_assert!(grid.mass_outside() < ADAPTIVE_TOLERANCE + 1e-14, "{}", grid.mass_outside());
        let o = grid.outcome_probabilities();
        let exact = exact_outcomes(lam, nu, rho);
        prop_assert!((o.home - exact[0]).abs() < 1e-11 && (o.draw - exact[1]).abs() < 1e-11 && (o.away - exact[2]).abs() < 1e-11);
        let fast = outcome_probabilities(lam, nu, rho, GridSize::Adaptive).unwrap();
        prop_assert!((fast.home - o.home).abs() < 1e-13 && (fast.away - o.away).abs() < 1e-13);
    }
}
