//! Score grids and markets against brute-force sums over the grid and
//! against the closed-form Poisson / Dixon–Coles probabilities.

use proptest::prelude::*;
use scoreline_dixon_coles::grid::{GridSize, ScoreGrid};
use scoreline_dixon_coles::markets::Settlement;

/// Brute-force settlement of a bet whose margin is `f(x, y)` (a line is
/// split in two halves when it is a quarter line).
fn brute(grid: &ScoreGrid, line: f64, margin: impl Fn(i64, i64) -> f64) -> Settlement {
    let quarter = ((line * 4.0).round() as i64).rem_euclid(2) == 1;
    let halves: Vec<f64> = if quarter {
        vec![line - 0.25, line + 0.25]
    } else {
        vec![line]
    };
    let mut s = Settlement::default();
    for x in 0..grid.size() {
        for y in 0..grid.size() {
            let p = grid.probability(x, y);
            let results: Vec<i32> = halves
                .iter()
                .map(|l| {
                    let m = margin(x as i64, y as i64) + l;
                    if m > 1e-9 {
                        1
                    } else if m < -1e-9 {
                        -1
                    } else {
                        0
                    }
                })
                .collect();
            let total: i32 = results.iter().sum::<i32>() * if quarter { 1 } else { 2 };
            match total {
                2 => s.win += p,
                1 => s.half_win += p,
                0 => s.push += p,
                -1 => s.half_loss += p,
                _ => s.loss += p,
            }
        }
    }
    s
}

fn same(a: &Settlement, b: &Settlement) -> bool {
    let c = |x: f64, y: f64| (x - y).abs() < 1e-12;
    c(a.win, b.win)
        && c(a.half_win, b.half_win)
        && c(a.push, b.push)
        && c(a.half_loss, b.half_loss)
        && c(a.loss, b.loss)
}

fn line_strategy() -> impl Strategy<Value = f64> {
    (-16i32..=24).prop_map(|q| q as f64 / 4.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn markets_equal_brute_force(lam in 0.2f64..4.0, nu in 0.2f64..4.0, rho in -0.15f64..0.15, m in 4usize..14, line in line_strategy()) {
        let g = ScoreGrid::new(lam, nu, rho, GridSize::Truncated(m)).unwrap();
        let sum: f64 = g.probabilities().iter().sum();
        prop_assert!((sum - 1.0).abs() < 1e-12);
        prop_assert!(g.probabilities().iter().all(|p| *p >= 0.0));
        let o = g.outcome_probabilities();
        let (mut h, mut d, mut a) = (0.0, 0.0, 0.0);
        for x in 0..g.size() { for y in 0..g.size() {
            let p = g.probability(x, y);
            if x > y { h += p } else if x == y { d += p } else { a += p }
        }}
        prop_assert!((o.home - h).abs() < 1e-12 && (o.draw - d).abs() < 1e-12 && (o.away - a).abs() < 1e-12);
        if line >= 0.0 {
            prop_assert!(same(&g.over(line).unwrap(), &brute(&g, -line, |x, y| (x + y) as f64)));
            prop_assert!(same(&g.under(line).unwrap(), &brute(&g, line, |x, y| -((x + y) as f64))));
        }
        prop_assert!(same(&g.asian_handicap_home(line).unwrap(), &brute(&g, line, |x, y| (x - y) as f64)));
        prop_assert!(same(&g.asian_handicap_away(line).unwrap(), &brute(&g, line, |x, y| (y - x) as f64)));
        let s = g.asian_handicap_home(line).unwrap();
        prop_assert!((s.win + s.half_win + s.push + s.half_loss + s.loss - 1.0).abs() < 1e-12);
        // BTTS, DNB, double chance, expected points, distributions.
        let btts: f64 = (1..g.size()).flat_map(|x| (1..g.size()).map(move |y| (x, y))).map(|(x, y)| g.probability(x, y)).sum();
        prop_assert!((g.both_teams_to_score().yes - btts).abs() < 1e-12);
        let dnb = g.draw_no_bet();
        prop_assert!((dnb.home - h / (h + a)).abs() < 1e-12);
        prop_assert!((g.double_chance().home_or_draw - (h + d)).abs() < 1e-12);
        prop_assert!((g.expected_points().home - (3.0 * h + d)).abs() < 1e-12);
        let tg = g.total_goals_distribution();
        prop_assert!((tg.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        prop_assert!((tg[1] - g.probability(0, 1) - g.probability(1, 0)).abs() < 1e-15);
        let gd = g.goal_difference_distribution();
        prop_assert!((gd[m] - d).abs() < 1e-12);
        let hg = g.home_goal_distribution();
        prop_assert!((hg[2] - (0..g.size()).map(|y| g.probability(2, y)).sum::<f64>()).abs() < 1e-15);
        let top = g.most_likely_scores(3);
        prop_assert!(top[0].probability >= top[1].probability && top[1].probability >= top[2].probability);
        prop_assert!(g.probabilities().iter().all(|p| *p <= top[0].probability));
    }
}

#[test]
fn grid_matches_the_closed_form_dixon_coles_probabilities() {
    let (lam, nu, rho) = (1.6, 0.9, -0.1);
    let g = ScoreGrid::new(lam, nu, rho, 30).unwrap();
    let pois = |r: f64, k: i32| (-r).exp() * r.powi(k) / (1..=k).map(f64::from).product::<f64>();
    // With 30 goals a side the truncated mass is negligible, so the grid is the model itself.
    assert!(g.mass_outside() < 1e-15);
    assert!(
        (g.probability(0, 0) - (1.0 - lam * nu * rho) * pois(lam, 0) * pois(nu, 0)).abs() < 1e-15
    );
    assert!((g.probability(0, 1) - (1.0 + lam * rho) * pois(lam, 0) * pois(nu, 1)).abs() < 1e-15);
    assert!((g.probability(1, 0) - (1.0 + nu * rho) * pois(lam, 1) * pois(nu, 0)).abs() < 1e-15);
    assert!((g.probability(1, 1) - (1.0 - rho) * pois(lam, 1) * pois(nu, 1)).abs() < 1e-15);
    assert!((g.probability(3, 2) - pois(lam, 3) * pois(nu, 2)).abs() < 1e-15);
    // The τ corrections leave both means at λ and ν.
    let (eh, ea) = g.expected_goals();
    assert!((eh - lam).abs() < 1e-12 && (ea - nu).abs() < 1e-12);
}

#[test]
fn small_grid_reports_the_mass_it_leaves_out() {
    let g = ScoreGrid::new(3.0, 2.5, 0.0, GridSize::Truncated(3)).unwrap();
    let p3 = |r: f64| {
        (0..=3)
            .map(|k| (-r).exp() * r.powi(k) / (1..=k).map(f64::from).product::<f64>())
            .sum::<f64>()
    };
    assert!((g.mass_outside() - (1.0 - p3(3.0) * p3(2.5))).abs() < 1e-12);
}

#[test]
fn invalid_grid_inputs_are_errors() {
    assert!(ScoreGrid::new(f64::NAN, 1.0, 0.0, 10).is_err());
    assert!(ScoreGrid::new(1.0, 0.0, 0.0, 10).is_err());
    assert!(ScoreGrid::new(1.0, 1.0, f64::INFINITY, 10).is_err());
    assert!(ScoreGrid::new(1.0, 1.0, 0.0, 51).is_err());
}

#[test]
fn a_grid_without_mass_is_an_error_not_a_nan() {
    // max_goals = 0 keeps only 0-0, whose τ = 1 − λνρ is negative here.
    assert!(ScoreGrid::new(3.3, 2.2, 0.16, GridSize::Truncated(0)).is_err());
    assert!(
        scoreline_dixon_coles::model::families::dixon_coles::outcome_probabilities(
            3.3,
            2.2,
            0.16,
            GridSize::Truncated(0)
        )
        .is_err()
    );
}

#[test]
fn extreme_rho_never_gives_negative_probabilities() {
    // τ(0,0) = 1 − λνρ < 0 here; the cell is clamped to 0, never negative.
    let g = ScoreGrid::new(5.0, 4.0, 0.2, GridSize::Truncated(10)).unwrap();
    assert_eq!(g.probability(0, 0), 0.0);
    assert!(g.probabilities().iter().all(|p| *p >= 0.0));
}

#[test]
fn settlement_fair_odds_make_the_bet_break_even() {
    let g = ScoreGrid::new(1.3, 1.1, -0.05, GridSize::Adaptive).unwrap();
    for line in [-1.25, -0.75, -0.5, 0.0, 0.25, 1.0] {
        let s = g.asian_handicap_home(line).unwrap();
        assert!(s.expected_profit(s.fair_odds()).abs() < 1e-12);
    }
}

proptest! {
    #[test]
    fn direct_outcome_probabilities_equal_the_grid(lam in 0.05f64..6.0, nu in 0.05f64..6.0, rho in -0.3f64..0.3, m in 0usize..20) {
        let fast = scoreline_dixon_coles::model::families::dixon_coles::outcome_probabilities(lam, nu, rho, GridSize::Truncated(m));
        let grid = ScoreGrid::new(lam, nu, rho, GridSize::Truncated(m)).map(|g| g.outcome_probabilities());
        // Both refuse a grid without probability mass, or both answer.
        prop_assert_eq!(fast.is_ok(), grid.is_ok());
        let (Ok(fast), Ok(grid)) = (fast, grid) else { return Ok(()) };
        prop_assert!(fast.home.is_finite() && grid.home.is_finite());
        prop_assert!((fast.home - grid.home).abs() < 1e-13);
        prop_assert!((fast.draw - grid.draw).abs() < 1e-13);
        prop_assert!((fast.away - grid.away).abs() < 1e-13);
    }
}

#[test]
fn most_likely_scores_equal_a_full_sort_for_every_count() {
    for (lam, nu, rho, m) in [
        (1.4, 1.1, -0.08, 10),
        (0.3, 0.3, 0.0, 4),
        (2.9, 0.6, 0.05, 7),
    ] {
        let g = ScoreGrid::new(lam, nu, rho, GridSize::Truncated(m)).unwrap();
        let size = g.size();
        let mut reference: Vec<(f64, usize, usize)> = g
            .probabilities()
            .iter()
            .enumerate()
            .map(|(i, &p)| (p, i / size, i % size))
            .collect();
        reference.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for count in 0..=size * size + 2 {
            let top: Vec<(f64, usize, usize)> = g
                .most_likely_scores(count)
                .iter()
                .map(|s| (s.probability, s.home_goals, s.away_goals))
                .collect();
            assert_eq!(
                top,
                reference[..count.min(reference.len())].to_vec(),
                "count {count}"
            );
        }
    }
}
