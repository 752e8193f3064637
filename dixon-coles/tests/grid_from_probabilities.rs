//! `ScoreGrid::from_probabilities`: any joint score matrix becomes a grid
//! with every market, and a matrix that is not a distribution is a typed
//! error naming what is wrong.

use proptest::prelude::*;
use scoreline_dixon_coles::grid::{GridSize, Normalisation, ScoreGrid, MAX_GOALS_CAP};
use scoreline_dixon_coles::PredictError;

/// Every market of a grid as one vector of numbers (lines on quarters,
/// halves and whole numbers, both signs for the handicaps).
fn markets(g: &ScoreGrid) -> Vec<f64> {
    let mut v = Vec::new();
    let o = g.outcome_probabilities();
    v.extend([o.home, o.draw, o.away]);
    let dc = g.double_chance();
    v.extend([dc.home_or_draw, dc.home_or_away, dc.draw_or_away]);
    let dnb = g.draw_no_bet();
    v.extend([dnb.home, dnb.away]);
    v.extend(g.home_goal_distribution());
    v.extend(g.away_goal_distribution());
    v.extend(g.total_goals_distribution());
    v.extend(g.goal_difference_distribution());
    for line in [0.5, 1.0, 1.25, 2.5, 2.75, 3.0, 4.5] {
        for s in [g.over(line).unwrap(), g.under(line).unwrap()] {
            v.extend([s.win, s.half_win, s.push, s.half_loss, s.loss]);
        }
    }
    for line in [-1.5, -0.75, -0.25, 0.0, 0.5, 1.0, 1.25] {
        for s in [
            g.asian_handicap_home(line).unwrap(),
            g.asian_handicap_away(line).unwrap(),
        ] {
            v.extend([s.win, s.half_win, s.push, s.half_loss, s.loss]);
        }
    }
    let btts = g.both_teams_to_score();
    v.extend([btts.yes, btts.no]);
    for x in 0..4 {
        for y in 0..4 {
            v.push(g.exact_score(x, y));
        }
    }
    for s in g.most_likely_scores(6) {
        v.extend([s.home_goals as f64, s.away_goals as f64, s.probability]);
    }
    let (eh, ea) = g.expected_goals();
    v.extend([eh, ea]);
    let pts = g.expected_points();
    v.extend([pts.home, pts.away]);
    v
}

proptest! {
    #[test]
    fn a_dixon_coles_matrix_reproduces_every_market(
        lam in 0.05f64..5.0,
        nu in 0.05f64..5.0,
        rho in -0.2f64..0.2,
        truncate_at in prop::option::of(2usize..12),
    ) {
        let size = truncate_at.map_or(GridSize::Adaptive, GridSize::Truncated);
        let dc = ScoreGrid::new(lam, nu, rho, size).unwrap();
        let any = ScoreGrid::from_probabilities(dc.probabilities().to_vec(), Normalisation::Exact)
            .unwrap();
        prop_assert_eq!(any.max_goals(), dc.max_goals());
        let (a, b) = (markets(&any), markets(&dc));
        prop_assert_eq!(a.len(), b.len());
        for (k, (x, y)) in a.iter().zip(&b).enumerate() {
            prop_assert!((x - y).abs() <= 1e-13 * y.abs().max(1.0), "market #{}: {} vs {}", k, x, y);
        }
        // A grid from a matrix has its mean goals as its rates.
        let (eh, ea) = dc.expected_goals();
        prop_assert!((any.home_rate() - eh).abs() < 1e-12 && (any.away_rate() - ea).abs() < 1e-12);
    }
}

fn err(cells: Vec<f64>, normalisation: Normalisation) -> PredictError {
    ScoreGrid::from_probabilities(cells, normalisation).unwrap_err()
}

#[test]
fn bad_matrices_are_typed_errors_naming_the_cell() {
    // A 3×3 grid with a bad cell at home 1, away 2 (index 5).
    for bad in [f64::NAN, -0.01, f64::INFINITY, f64::NEG_INFINITY] {
        let mut cells = vec![1.0 / 9.0; 9];
        cells[5] = bad;
        match err(cells, Normalisation::Renormalise) {
            PredictError::InvalidGridCell {
                home_goals: 1,
                away_goals: 2,
                value,
                ..
            } => assert!(value.is_nan() || value == bad),
            other => panic!("{bad}: {other:?}"),
        }
    }
    let message = err(vec![0.5, f64::NAN, 0.25, 0.25], Normalisation::Exact).to_string();
    assert!(message.contains("(0, 1)"), "{message}");

    // Empty, or not square.
    assert!(matches!(
        err(Vec::new(), Normalisation::Exact),
        PredictError::InvalidGridShape { cells: 0 }
    ));
    assert!(matches!(
        err(vec![0.2; 5], Normalisation::Exact),
        PredictError::InvalidGridShape { cells: 5 }
    ));
    // Larger than the cap.
    let side = MAX_GOALS_CAP + 2;
    assert!(matches!(
        err(
            vec![1.0 / (side * side) as f64; side * side],
            Normalisation::Exact
        ),
        PredictError::MaxGoalsTooLarge { .. }
    ));

    // A total off 1 is an error unless renormalising is asked for.
    let short = vec![0.3, 0.2, 0.25, 0.15];
    match err(short.clone(), Normalisation::Exact) {
        PredictError::GridTotal { total, tolerance } => {
            assert!((total - 0.9).abs() < 1e-15 && tolerance == 1e-9)
        }
        other => panic!("{other:?}"),
    }
    let too_much = vec![0.3, 0.3, 0.3, 0.3];
    assert!(matches!(
        err(too_much, Normalisation::Exact),
        PredictError::GridTotal { .. }
    ));
    let renormalised = ScoreGrid::from_probabilities(short, Normalisation::Renormalise).unwrap();
    assert!((renormalised.mass_outside() - 0.1).abs() < 1e-15);
    assert!((renormalised.probability(0, 0) - 0.3 / 0.9).abs() < 1e-15);
    // Nothing to renormalise.
    assert!(matches!(
        err(vec![0.0; 4], Normalisation::Renormalise),
        PredictError::GridTotal { .. }
    ));
    // Within the tolerance is accepted and scaled to sum to 1.
    let close = vec![0.25 + 4e-10, 0.25, 0.25, 0.25];
    let g = ScoreGrid::from_probabilities(close, Normalisation::Exact).unwrap();
    assert!((g.probabilities().iter().sum::<f64>() - 1.0).abs() < 1e-15);
}
