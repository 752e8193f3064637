//! The families beyond Dixon–Coles as users meet them: model files that
//! name the family and round-trip exactly, corrupt extras rejected by
//! name, the likelihood's chain rule against finite differences, and
//! degenerate data (all draws, no goals) as a typed error or a documented
//! boundary estimate — never a NaN.

mod common;

use chrono::{Days, NaiveDate};
use common::{data_dir, reseal};
use proptest::prelude::*;
use scoreline_dixon_coles::data::football_data::read_football_data_dir;
use scoreline_dixon_coles::model::families::GoalModel;
use scoreline_dixon_coles::model::families::{
    BivariatePoisson, ConwayMaxwellPoisson, NegativeBinomial, WeibullCopula, ZeroInflatedPoisson,
};
use scoreline_dixon_coles::model::options::Family;
use scoreline_dixon_coles::model::problem::SmoothProblem;
use scoreline_dixon_coles::prelude::*;
use scoreline_dixon_coles::ModelFileError;

const KERNEL_FAMILIES: [Family; 5] = [
    Family::NegativeBinomial,
    Family::ZeroInflatedPoisson,
    Family::BivariatePoisson,
    Family::ConwayMaxwellPoisson,
    Family::WeibullCopula,
];

fn season(division: &str, code: &str) -> Dataset {
    let file =
        read_football_data_dir(&data_dir().join("football-data"), &[division], &[code]).unwrap();
    Dataset::from_matches(&file.matches, &ValidationOptions::default()).unwrap()
}

fn fitted(family: Family) -> FittedModel {
    fit(
        &season("E0", "2324"),
        &FitOptions {
            family,
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn every_family_round_trips_through_its_model_file() {
    for family in Family::ALL {
        let model = fitted(family);
        let text = model.to_json().unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["family"], family.name());
        assert_eq!(doc["format_version"], 3);
        let loaded = FittedModel::from_json(&text).unwrap();
        assert_eq!(loaded.family(), family);
        assert_eq!(loaded, model);
        assert_eq!(
            loaded.predict("Arsenal", "Chelsea", false).unwrap(),
            model.predict("Arsenal", "Chelsea", false).unwrap()
        );
        let extras = family.extra_parameters().len() - usize::from(family == Family::DixonColes);
        assert_eq!(model.parameters().extra.len(), extras, "{}", family.name());
    }
}

#[test]
fn corrupt_extras_are_rejected_naming_the_field() {
    let text = fitted(Family::NegativeBinomial).to_json().unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(Edit, &str); 4] = [
        (
            |m| m["parameters"]["extra"] = serde_json::json!([-0.1]),
            "model.parameters.extra[0] (dispersion)",
        ),
        (
            |m| m["parameters"]["extra"] = serde_json::json!([0.1, 0.2]),
            "model.parameters.extra",
        ),
        (
            |m| m["parameters"]["extra"] = serde_json::json!([]),
            "model.parameters.extra",
        ),
        (
            |m| m["summary"]["at_boundary"] = serde_json::json!(["rho"]),
            "model.summary.at_boundary",
        ),
    ];
    for (edit, field) in cases {
        match FittedModel::from_json(&reseal(&text, edit)) {
            Err(ModelFileError::InvalidField { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected InvalidField, got {other:?}"),
        }
    }
}

/// A small simulated league as a dataset (6 teams, 60 matches).
fn small_league(seed: u64) -> Dataset {
    let mut truth = common::true_parameters(6, seed);
    truth.rho = 0.0;
    let matches = common::simulate_season(&truth, seed, 4);
    let again = common::simulate_season(&truth, seed + 1, 3);
    let mut all = matches;
    all.extend(again.into_iter().map(|mut m| {
        m.date = m.date + Days::new(40);
        m
    }));
    Dataset::from_matches(&all, &ValidationOptions::default()).unwrap()
}

/// max |analytic − central difference| of the gradient and the Hessian
/// (relative to max(1, |entry|)) at `theta`.
fn derivative_errors<P: SmoothProblem>(problem: &P, theta: &[f64]) -> (f64, f64) {
    let p = problem.dimension();
    let mut gradient = vec![0.0; p];
    let mut hessian = nalgebra::DMatrix::zeros(p, p);
    let value = problem.objective_gradient_hessian(theta, &mut gradient, &mut hessian);
    assert!(value.is_finite());
    let h = 1e-5;
    let (mut worst_g, mut worst_h) = (0.0f64, 0.0f64);
    let mut g_up = vec![0.0; p];
    let mut g_down = vec![0.0; p];
    for j in 0..p {
        let (mut up, mut down) = (theta.to_vec(), theta.to_vec());
        up[j] += h;
        down[j] -= h;
        let numeric = (problem.objective(&up) - problem.objective(&down)) / (2.0 * h);
        worst_g = worst_g.max((numeric - gradient[j]).abs() / gradient[j].abs().max(1.0));
        problem.objective_gradient(&up, &mut g_up);
        problem.objective_gradient(&down, &mut g_down);
        for k in 0..p {
            let numeric = (g_up[k] - g_down[k]) / (2.0 * h);
            worst_h =
                worst_h.max((numeric - hessian[(j, k)]).abs() / hessian[(j, k)].abs().max(1.0));
        }
    }
    (worst_g, worst_h)
}

fn check_chain_rule<M: GoalModel>(model: &M, seed: u64, shift: f64, extras: &[f64]) {
    let data = small_league(seed);
    let options = FitOptions {
        ridge: 0.01,
        ..Default::default()
    };
    let weights: Vec<f64> = (0..data.len())
        .map(|i| 0.5 + (i % 3) as f64 * 0.25)
        .collect();
    let problem = model.problem(&data, &weights, &options).unwrap();
    let p = problem.dimension();
    let mut theta: Vec<f64> = (0..p)
        .map(|j| 0.2 * ((j as f64 + shift) * 1.7).sin())
        .collect();
    let first_extra = p - extras.len();
    theta[first_extra..].copy_from_slice(extras);
    let (g, h) = derivative_errors(&problem, &theta);
    assert!(
        g < 1e-6 && h < 1e-5,
        "{}: gradient {g:.1e}, Hessian {h:.1e}",
        model.name()
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]
    #[test]
    fn the_chain_rule_matches_central_differences(seed in 1u64..1000, shift in 0.0f64..3.0,
                                                  a in 0.01f64..0.8, b in -2.0f64..2.0) {
        check_chain_rule(&NegativeBinomial::new(), seed, shift, &[a]);
        check_chain_rule(&ZeroInflatedPoisson::new(), seed, shift, &[a * 0.5]);
        check_chain_rule(&BivariatePoisson::new(), seed, shift, &[a]);
        check_chain_rule(&ConwayMaxwellPoisson::new(), seed, shift, &[0.7 + a]);
        check_chain_rule(&WeibullCopula::new(), seed, shift, &[0.9 + a * 0.5, b]);
    }
}

/// Four teams, every match a draw, then every match 0-0.
fn degenerate(score: (u32, u32)) -> Dataset {
    let teams = ["A", "B", "C", "D"];
    let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
    let mut matches = Vec::new();
    let mut k = 0;
    for round in 0..3 {
        for h in 0..4 {
            for a in 0..4 {
                if h != a {
                    let (x, y) = if round == 0 && h == 0 {
                        (score.0 + 1, score.1 + 1)
                    } else {
                        score
                    };
                    matches.push(Match::new(day + Days::new(k), teams[h], teams[a], x, y));
                    k += 1;
                }
            }
        }
    }
    Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap()
}

#[test]
fn degenerate_leagues_give_a_typed_error_or_a_finite_boundary_estimate() {
    for data in [degenerate((1, 1)), degenerate((0, 0))] {
        for family in KERNEL_FAMILIES {
            for ridge in [0.0, 0.01] {
                let options = FitOptions {
                    family,
                    ridge,
                    ..Default::default()
                };
                match fit(&data, &options) {
                    Ok(model) => {
                        let p = model.parameters();
                        eprintln!(
                            "{} ridge {ridge}: fitted, extras {:?} at boundary {:?}",
                            family.name(),
                            p.extra,
                            model.summary().at_boundary
                        );
                        assert!(
                            p.extra
                                .iter()
                                .chain(&p.attack)
                                .chain(&p.defence)
                                .all(|v| v.is_finite())
                                && model.summary().log_likelihood.is_finite(),
                            "{}: {p:?}",
                            family.name()
                        );
                        let grid = model.predict("A", "B", false).unwrap();
                        let total: f64 = grid.probabilities().iter().sum();
                        assert!(
                            (total - 1.0).abs() < 1e-9
                                && grid
                                    .probabilities()
                                    .iter()
                                    .all(|q| q.is_finite() && *q >= 0.0)
                        );
                    }
                    Err(e) => {
                        let text = e.to_string();
                        eprintln!("{} ridge {ridge}: {text}", family.name());
                        assert!(
                            !text.contains("NaN") && !text.is_empty(),
                            "{}: {text}",
                            family.name()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn lbfgs_is_refused_for_families_with_bounds() {
    let err = fit(
        &season("E0", "2324"),
        &FitOptions {
            family: Family::NegativeBinomial,
            solver: SolverChoice::Lbfgs,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("Newton"), "{err}");
}

#[test]
fn a_warm_start_whose_extras_do_not_fit_the_new_data_starts_them_afresh() {
    // With ν < 1 the CMP rate (m + (ν − 1)/(2ν))^ν needs m > (1 − ν)/(2ν):
    // a warm start at ν = 0.4 cannot price a side expected to score less
    // than 0.75 goals, as in any Premier League season. Found by the
    // families' leaderboard (walk-forward warm starts on D1 and SP1).
    let data = season("E0", "2324");
    let options = FitOptions {
        family: Family::ConwayMaxwellPoisson,
        ..Default::default()
    };
    let model = fit(&data, &options).unwrap();
    let text = reseal(&model.to_json().unwrap(), |m| {
        m["parameters"]["extra"] = serde_json::json!([0.4]);
        m["standard_errors"] = serde_json::Value::Null;
    });
    let previous = FittedModel::from_json(&text).unwrap();
    let refit = fit_from(&data, &options, &previous).unwrap();
    assert!((refit.summary().log_likelihood - model.summary().log_likelihood).abs() < 1e-6);
}

#[test]
fn a_cmp_fit_with_a_side_that_has_only_scored_nothing_converges() {
    // D1 before 2001-08-04, as the families' leaderboard fits it (four
    // years of history, ξ = 0.0018/day, ridge 1e-3): promoted St Pauli's
    // only match is a 0-0. With ν < 1 goalmodel's rate
    // (m + (ν − 1)/(2ν))^ν needs m > (1 − ν)/(2ν), and the slope of
    // ln P(0) = −ln Z in η, −ν m base^(ν−1), is unbounded as the base
    // m + (ν − 1)/(2ν) → 0: no ridge held the side's ratings, the fit
    // pressed against the domain's edge and Newton never converged.
    let start = NaiveDate::from_ymd_opt(2001, 8, 4).unwrap();
    let file = read_football_data_dir(
        &data_dir().join("football-data"),
        &["D1"],
        &["9798", "9899", "9900", "0001", "0102"],
    )
    .unwrap();
    let from = start - Days::new(4 * 365 + 1);
    let matches: Vec<Match> = file
        .matches
        .into_iter()
        .filter(|m| m.date >= from && m.date < start)
        .collect();
    assert_eq!(matches.len(), 1223);
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    let options = FitOptions {
        family: Family::ConwayMaxwellPoisson,
        ridge: 1e-3,
        standard_errors: false,
        time_decay: TimeDecay {
            xi_per_day: 0.0018,
            reference_date: Some(start),
        },
        ..Default::default()
    };
    let model = fit(&data, &options).unwrap();
    assert!(model.summary().converged);
    let p = model.parameters();
    assert!(p.extra[0].is_finite() && p.extra[0] > 0.0);
    let grid = model.predict("St Pauli", "Hertha", false).unwrap();
    let total: f64 = grid.probabilities().iter().sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn a_warm_start_from_last_season_reaches_the_cold_fits_optimum() {
    // A warm start of the same family starts Newton from the previous
    // model's ratings (three promoted sides start at 0), or from the
    // Poisson fit when every extra was on its bound: either way the
    // maximum is the cold fit's.
    let (before, data) = (season("E0", "2223"), season("E0", "2324"));
    for family in Family::ALL {
        let options = FitOptions {
            family,
            ..Default::default()
        };
        let previous = fit(&before, &options).unwrap();
        let cold = fit(&data, &options).unwrap();
        let warm = fit_from(&data, &options, &previous).unwrap();
        let (c, w) = (cold.parameters(), warm.parameters());
        assert!(
            (cold.summary().log_likelihood - warm.summary().log_likelihood).abs() < 1e-8,
            "{family:?}: {} vs {}",
            cold.summary().log_likelihood,
            warm.summary().log_likelihood
        );
        let largest = c
            .attack
            .iter()
            .zip(&w.attack)
            .chain(c.defence.iter().zip(&w.defence))
            .chain(c.extra.iter().zip(&w.extra))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f64, f64::max);
        assert!(largest < 1e-6, "{family:?}: {largest}");
        assert_eq!(cold.summary().at_boundary, warm.summary().at_boundary);
    }
}
