//! Fit options and fit errors: fixed ρ and home advantage, ridge, warm
//! starts, time decay, non-convergence, unknown teams.

mod common;

use chrono::{Days, NaiveDate};
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::error::PredictError;
use scoreline_dixon_coles::model::fit::{fit, fit_from};
use scoreline_dixon_coles::model::options::{FitOptions, SolverChoice};
use scoreline_dixon_coles::model::params::ParamMode;
use scoreline_dixon_coles::model::problem::FitError;
use scoreline_dixon_coles::weights::TimeDecay;

fn data() -> Dataset {
    data_with_seed(21)
}

fn data_with_seed(seed: u64) -> Dataset {
    let truth = common::true_parameters(12, 5);
    let matches = common::simulate_season(&truth, seed, 0);
    Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap()
}

/// A season whose estimate of ρ is inside the region where τ is valid (a
/// single season of 12 teams often puts ρ̂ outside it, and the fit then
/// moves ρ to the edge; `data()` is such a season).
fn interior_data() -> Dataset {
    let d = data_with_seed(3);
    assert!(
        !fit(&d, &FitOptions::default())
            .unwrap()
            .summary()
            .rho_at_bound
    );
    d
}

#[test]
fn fixed_rho_and_home_advantage_stay_fixed() {
    let d = data();
    let m = fit(
        &d,
        &FitOptions {
            rho: ParamMode::Fixed(0.0),
            home_advantage: ParamMode::Fixed(0.0),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(m.parameters().rho, 0.0);
    assert_eq!(m.parameters().home_advantage, 0.0);
    let se = m.standard_errors().unwrap();
    assert!(se.rho.is_none() && se.home_advantage.is_none());
    let free = fit(&d, &FitOptions::default()).unwrap();
    assert!(free.summary().log_likelihood > m.summary().log_likelihood);
    // No home advantage: swapping venue only swaps the probabilities.
    let p = m
        .predict("T00", "T01", false)
        .unwrap()
        .outcome_probabilities();
    let q = m
        .predict("T01", "T00", false)
        .unwrap()
        .outcome_probabilities();
    assert!((p.home - q.away).abs() < 1e-12);
}

#[test]
fn ridge_shrinks_ratings_towards_average() {
    let d = data();
    let plain = fit(&d, &FitOptions::default()).unwrap();
    let ridge = fit(
        &d,
        &FitOptions {
            ridge: 5.0,
            ..Default::default()
        },
    )
    .unwrap();
    let spread = |m: &scoreline_dixon_coles::model::FittedModel| {
        m.parameters().attack.iter().map(|a| a * a).sum::<f64>()
    };
    assert!(spread(&ridge) < 0.8 * spread(&plain));
    assert!(ridge.summary().objective < ridge.summary().log_likelihood);
    assert!(ridge.parameters().attack.iter().sum::<f64>().abs() < 1e-12);
}

#[test]
fn warm_start_reaches_the_same_optimum_faster() {
    let d = interior_data();
    let cold = fit(&d, &FitOptions::default()).unwrap();
    let warm = fit_from(&d, &FitOptions::default(), &cold).unwrap();
    assert!(warm.summary().iterations <= 1);
    assert!((warm.summary().log_likelihood - cold.summary().log_likelihood).abs() < 1e-9);
    // With ρ at its bound the warm start reaches the same optimum too.
    let d = data();
    let cold = fit(&d, &FitOptions::default()).unwrap();
    assert!(cold.summary().rho_at_bound);
    let warm = fit_from(&d, &FitOptions::default(), &cold).unwrap();
    assert!((warm.parameters().rho - cold.parameters().rho).abs() < 1e-7);
    assert!((warm.summary().log_likelihood - cold.summary().log_likelihood).abs() < 1e-6);
}

#[test]
fn newton_and_lbfgs_agree() {
    let d = interior_data();
    let newton = fit(
        &d,
        &FitOptions {
            solver: SolverChoice::Newton,
            ..Default::default()
        },
    )
    .unwrap();
    let lbfgs = fit(
        &d,
        &FitOptions {
            solver: SolverChoice::Lbfgs,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(lbfgs.summary().solver, "lbfgs");
    assert!((newton.summary().log_likelihood - lbfgs.summary().log_likelihood).abs() < 1e-8);
    let p = newton
        .predict("T03", "T07", false)
        .unwrap()
        .outcome_probabilities();
    let q = lbfgs
        .predict("T03", "T07", false)
        .unwrap()
        .outcome_probabilities();
    assert!((p.home - q.home).abs() < 1e-6);
}

#[test]
fn iteration_cap_is_an_error_not_a_result() {
    let err = fit(
        &data(),
        &FitOptions {
            max_iterations: 1,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, FitError::NotConverged { iterations: 1, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("did not converge"));
}

#[test]
fn matches_after_the_reference_date_are_ignored() {
    let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let truth = common::true_parameters(8, 9);
    let mut matches = common::simulate_season(&truth, 4, 0);
    let cut = d0 + Days::new(365 * 5);
    let before = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let options = FitOptions {
        time_decay: TimeDecay {
            xi_per_day: 0.002,
            reference_date: Some(cut),
        },
        ..Default::default()
    };
    let base = fit(&before, &options).unwrap();
    // Future matches with absurd scores change nothing.
    for (i, m) in matches.clone().iter().enumerate().take(20) {
        let mut later = m.clone();
        later.date = cut + Days::new(1 + i as u64);
        later.home_goals = 9;
        matches.push(later);
    }
    let with_future = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let model = fit(&with_future, &options).unwrap();
    assert_eq!(model.summary().matches_used, base.summary().matches_used);
    assert!((model.summary().log_likelihood - base.summary().log_likelihood).abs() < 1e-9);
}

#[test]
fn all_matches_in_the_future_is_an_error() {
    let options = FitOptions {
        time_decay: TimeDecay {
            xi_per_day: 0.001,
            reference_date: NaiveDate::from_ymd_opt(2000, 1, 1),
        },
        ..Default::default()
    };
    assert!(matches!(
        fit(&data(), &options),
        Err(FitError::NoWeightedMatches)
    ));
}

#[test]
fn a_team_with_only_zero_weight_matches_is_named() {
    let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut matches = common::simulate_season(&common::true_parameters(6, 1), 2, 0);
    let mut zero = Match::new(d0, "Newcomer", "T00", 1, 1);
    zero.weight = Some(0.0);
    matches.push(zero);
    let d = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let err = fit(&d, &FitOptions::default()).unwrap_err();
    assert!(
        matches!(&err, FitError::UnratedTeam { team } if team == "Newcomer"),
        "{err}"
    );
    // With a ridge penalty the newcomer is rated at the league average.
    let m = fit(
        &d,
        &FitOptions {
            ridge: 0.1,
            ..Default::default()
        },
    )
    .unwrap();
    let id = m.team_id("Newcomer").unwrap() as usize;
    assert!(m.parameters().attack[id].abs() < 0.05);
}

#[test]
fn invalid_options_are_rejected() {
    let d = data();
    for options in [
        FitOptions {
            ridge: -1.0,
            ..Default::default()
        },
        FitOptions {
            ridge: f64::NAN,
            ..Default::default()
        },
        FitOptions {
            gradient_tolerance: 0.0,
            ..Default::default()
        },
        FitOptions {
            time_decay: TimeDecay {
                xi_per_day: -0.1,
                reference_date: None,
            },
            ..Default::default()
        },
        FitOptions {
            rho: ParamMode::Fixed(f64::INFINITY),
            ..Default::default()
        },
        FitOptions {
            max_iterations: 0,
            ..Default::default()
        },
    ] {
        assert!(
            matches!(fit(&d, &options), Err(FitError::InvalidOption { .. })),
            "{options:?}"
        );
    }
}

#[test]
fn prediction_errors_are_typed() {
    let m = fit(&data(), &FitOptions::default()).unwrap();
    match m.predict("T0", "T01", false).unwrap_err() {
        PredictError::UnknownTeam { team, closest } => {
            assert_eq!(team, "T0");
            assert_eq!(closest.len(), 3);
            assert!(closest[0].starts_with("T0"));
        }
        other => panic!("{other}"),
    }
    assert!(matches!(
        m.predict("T01", "T01", false),
        Err(PredictError::SameTeam { .. })
    ));
    assert!(matches!(
        m.predict_with_size("T01", "T02", false, 51),
        Err(PredictError::MaxGoalsTooLarge {
            max_goals: 51,
            cap: 50
        })
    ));
    let g = m.predict_with_size("T01", "T02", false, 50).unwrap();
    assert!(g.mass_outside() < 1e-15);
    assert!(matches!(g.over(2.3), Err(PredictError::InvalidLine { .. })));
    assert!(matches!(
        g.over(f64::NAN),
        Err(PredictError::InvalidLine { .. })
    ));
}

#[test]
fn neutral_venue_removes_home_advantage() {
    let m = fit(&data(), &FitOptions::default()).unwrap();
    let (h1, a1) = m.expected_goals("T02", "T05", true).unwrap();
    let (h2, a2) = m.expected_goals("T02", "T05", false).unwrap();
    assert!((h2 / h1 - m.parameters().home_advantage.exp()).abs() < 1e-12);
    assert_eq!(a1, a2);
}

#[test]
fn non_convergence_says_why() {
    let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    // "C" never scores: its attack has no finite estimate.
    let results = [
        ("A", "B", 2, 1),
        ("B", "C", 1, 0),
        ("C", "A", 0, 2),
        ("B", "A", 3, 1),
        ("C", "B", 0, 2),
        ("A", "C", 1, 0),
    ];
    let matches: Vec<Match> = results
        .iter()
        .enumerate()
        .map(|(i, &(h, a, x, y))| Match::new(d0 + Days::new(i as u64), h, a, x, y))
        .collect();
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let options = FitOptions {
        rho: ParamMode::Fixed(0.0),
        max_iterations: 60,
        ..Default::default()
    };
    let err = fit(&data, &options).unwrap_err();
    assert!(
        matches!(&err, FitError::DivergentRating { team, parameter: "attack", .. } if team == "C"),
        "{err}"
    );
    assert!(err.to_string().contains("ridge option"), "{err}");
    // The ridge option gives a finite answer.
    assert!(fit(
        &data,
        &FitOptions {
            ridge: 0.1,
            ..options
        }
    )
    .is_ok());
}

/// A double round robin of `teams` where match `i` ends `score(i)`.
fn round_robin(teams: usize, score: impl Fn(usize) -> (u32, u32)) -> Dataset {
    let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let names = common::team_names(teams);
    let mut matches = Vec::new();
    for h in 0..teams {
        for a in 0..teams {
            if h != a {
                let (x, y) = score(matches.len());
                let day = d0 + Days::new(matches.len() as u64);
                matches.push(Match::new(day, &names[h], &names[a], x, y));
            }
        }
    }
    Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap()
}

#[test]
fn a_league_of_draws_keeps_rho_where_tau_is_valid() {
    // Every match a draw (0-0, 1-1, 2-2): τ(0,0) = 1 − λνρ and τ(1,1) = 1 − ρ
    // grow without bound as ρ → −∞, so the likelihood has no maximum.
    let data = round_robin(6, |i| {
        let g = (i % 3) as u32;
        (g, g)
    });
    for solver in [SolverChoice::Newton, SolverChoice::Lbfgs] {
        let options = FitOptions {
            solver,
            ..Default::default()
        };
        let m = match fit(&data, &options) {
            Ok(m) => m,
            // L-BFGS (for thousands of teams) may stall instead: an error, not a model.
            Err(e @ FitError::NotConverged { .. }) if solver == SolverChoice::Lbfgs => {
                eprintln!("{e}");
                continue;
            }
            Err(e) => panic!("{solver:?}: {e}"),
        };
        assert!(m.summary().rho_at_bound);
        let p = m.parameters();
        let (lower, upper) = p.rho_bounds();
        assert!(
            lower <= p.rho && p.rho <= upper && p.rho < -0.1,
            "{solver:?}: rho = {} outside [{lower}, {upper}]",
            p.rho
        );
        assert!(
            m.summary().log_likelihood < 0.0,
            "{solver:?}: log-likelihood {}",
            m.summary().log_likelihood
        );
        // The over 2.5 goals price is a sane number (it was 449 million).
        for h in m.teams().names() {
            for a in m.teams().names().iter().filter(|a| *a != h) {
                let over = m.predict(h, a, false).unwrap().over(2.5).unwrap();
                assert!(over.fair_odds() < 100.0, "{h} v {a}: over 2.5 {over:?}");
            }
        }
    }
}

#[test]
fn a_fixed_rho_outside_the_valid_region_is_an_error() {
    // ρ = −2 keeps every observed τ positive here (no 0-1 or 1-0 scores),
    // but τ(0,1) = 1 − 2λ is negative for every pair with λ > 0.5.
    let data = round_robin(6, |i| [(0, 0), (2, 2), (3, 1), (1, 3), (2, 0)][i % 5]);
    let err = fit(
        &data,
        &FitOptions {
            rho: ParamMode::Fixed(-2.0),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, FitError::RhoOutOfRange { rho, .. } if rho == -2.0),
        "{err}"
    );
}

#[test]
fn rho_bounds_keep_every_tau_non_negative_for_every_pair() {
    let m = fit(&data(), &FitOptions::default()).unwrap();
    let p = m.parameters();
    let (lower, upper) = p.rho_bounds();
    let n = p.n_teams();
    let smallest_tau = |rho: f64| {
        let mut smallest = f64::INFINITY;
        for h in 0..n {
            for a in (0..n).filter(|&a| a != h) {
                for neutral in [false, true] {
                    let (lam, nu) = p.expected_goals(h, a, neutral);
                    for tau in [
                        1.0 - lam * nu * rho,
                        1.0 + lam * rho,
                        1.0 + nu * rho,
                        1.0 - rho,
                    ] {
                        smallest = smallest.min(tau);
                    }
                }
            }
        }
        smallest
    };
    // At each end some τ is zero (the bound is tight), inside none is negative.
    assert!(smallest_tau(lower).abs() < 1e-12);
    assert!(smallest_tau(upper).abs() < 1e-12);
    assert!(smallest_tau(0.5 * (lower + upper)) > 0.0);
    assert!(smallest_tau(lower - 1e-6) < 0.0);
    assert!(smallest_tau(upper + 1e-6) < 0.0);
    assert!(lower <= p.rho && p.rho <= upper);
}

#[test]
fn newton_and_lbfgs_agree_with_rho_at_its_bound() {
    let d = data();
    let fits: Vec<_> = [SolverChoice::Newton, SolverChoice::Lbfgs]
        .into_iter()
        .map(|solver| {
            fit(
                &d,
                &FitOptions {
                    solver,
                    ..Default::default()
                },
            )
            .unwrap()
        })
        .collect();
    for m in &fits {
        let p = m.parameters();
        let (lower, upper) = p.rho_bounds();
        assert!(m.summary().rho_at_bound);
        assert!(lower <= p.rho && p.rho <= upper);
        assert!(m.standard_errors().unwrap().rho.is_none());
    }
    // Newton's ρ sits at the edge (within the bisection's tolerance), not inside.
    let (lower, _) = fits[0].parameters().rho_bounds();
    assert!((fits[0].parameters().rho - lower).abs() < 1e-7);
    // L-BFGS's sub-fits are less precise here (its bisection may stop short
    // of the edge when one misses the tolerance), so its fit is valid and
    // close, never better than Newton's.
    let ll = |m: &scoreline_dixon_coles::model::FittedModel| m.summary().log_likelihood;
    assert!(ll(&fits[1]) <= ll(&fits[0]) + 1e-6);
    assert!(ll(&fits[0]) - ll(&fits[1]) < 0.1);
}

#[test]
fn a_league_without_goals_is_an_error_not_a_model() {
    // Every match 0-0: the intercept runs off to −∞ (no goals at all).
    let data = round_robin(6, |_| (0, 0));
    match fit(&data, &FitOptions::default()) {
        Ok(m) => panic!(
            "fitted intercept = {}, rho = {}, log-likelihood = {}",
            m.parameters().intercept,
            m.parameters().rho,
            m.summary().log_likelihood
        ),
        Err(err) => assert!(
            matches!(
                err,
                FitError::UnboundedParameter {
                    parameter: "intercept",
                    ..
                } | FitError::NotConverged { .. }
            ),
            "{err}"
        ),
    }
}
