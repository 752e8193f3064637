//! The family seam: `FitOptions::family` picks the goal model, the fitted
//! model stores it, and its grids come from the family. The Poisson family
//! is Dixon–Coles with ρ held at 0, as its own family.

mod common;

use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::model::families::{DixonColes, GoalModel, Poisson};
use scoreline_dixon_coles::model::fit::{fit, fit_from};
use scoreline_dixon_coles::model::options::{Family, FitOptions};
use scoreline_dixon_coles::model::params::ParamMode;
use scoreline_dixon_coles::model::problem::FitError;

fn data() -> Dataset {
    let matches = common::simulate_season(&common::true_parameters(10, 7), 2, 3);
    Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap()
}

/// `Pois(k; λ)` by the recurrence.
fn pmf(rate: f64, k: usize) -> f64 {
    (1..=k).fold((-rate).exp(), |p, i| p * rate / i as f64)
}

#[test]
fn poisson_is_dixon_coles_with_rho_held_at_zero() {
    let data = data();
    let poisson = fit(
        &data,
        &FitOptions {
            family: Family::Poisson,
            ..FitOptions::default()
        },
    )
    .unwrap();
    let held = fit(
        &data,
        &FitOptions {
            rho: ParamMode::Fixed(0.0),
            ..FitOptions::default()
        },
    )
    .unwrap();
    assert_eq!(poisson.family(), Family::Poisson);
    assert_eq!(held.family(), Family::DixonColes);
    assert_eq!(poisson.options().rho, ParamMode::Fixed(0.0));
    assert_eq!(poisson.parameters(), held.parameters());
    assert_eq!(
        poisson.summary().log_likelihood,
        held.summary().log_likelihood
    );
    assert_eq!(poisson.standard_errors(), held.standard_errors());
    for (h, a, neutral) in [("T00", "T01", false), ("T07", "T03", true)] {
        let grid = poisson.predict(h, a, neutral).unwrap();
        let (lam, nu) = poisson.expected_goals(h, a, neutral).unwrap();
        assert_eq!((grid.home_rate(), grid.away_rate()), (lam, nu));
        // The product of the two Poisson distributions, renormalised.
        let z: f64 = (0..=grid.max_goals())
            .flat_map(|x| (0..=grid.max_goals()).map(move |y| pmf(lam, x) * pmf(nu, y)))
            .sum();
        for x in 0..=grid.max_goals() {
            for y in 0..=grid.max_goals() {
                let want = pmf(lam, x) * pmf(nu, y) / z;
                assert!((grid.probability(x, y) - want).abs() < 1e-15);
            }
        }
        let same = held.predict(h, a, neutral).unwrap();
        for (p, q) in grid.probabilities().iter().zip(same.probabilities()) {
            assert!((p - q).abs() < 1e-16);
        }
        // The fast 1X2 agrees with the grid.
        let fast = poisson
            .outcome_probabilities_ids(
                poisson.team_id(h).unwrap(),
                poisson.team_id(a).unwrap(),
                neutral,
                GridSize::Adaptive,
            )
            .unwrap();
        let o = grid.outcome_probabilities();
        assert!((fast.home - o.home).abs() < 1e-14 && (fast.away - o.away).abs() < 1e-14);
    }
    // A warm start keeps the family.
    let again = fit_from(&data, poisson.options(), &held).unwrap();
    assert_eq!(again.family(), Family::Poisson);
}

#[test]
fn a_family_without_rho_rejects_one() {
    let err = fit(
        &data(),
        &FitOptions {
            family: Family::Poisson,
            rho: ParamMode::Fixed(-0.1),
            ..FitOptions::default()
        },
    )
    .unwrap_err();
    match err {
        FitError::InvalidOption { option, reason } => {
            assert_eq!(option, "rho");
            assert!(reason.contains("poisson"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn families_name_their_extra_parameters() {
    for family in Family::ALL {
        assert_eq!(Family::from_name(family.name()), Some(family));
    }
    assert_eq!(
        Family::from_name("negative_binomial"),
        Some(Family::NegativeBinomial)
    );
    assert_eq!(Family::from_name("weibull"), None);
    assert_eq!(Family::ALL.len(), 7);
    assert_eq!(Family::default(), Family::DixonColes);
    assert_eq!(DixonColes.name(), "dixon_coles");
    assert_eq!(Poisson.name(), "poisson");
    let names: Vec<_> = DixonColes
        .extra_parameters()
        .iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, ["rho"]);
    assert!(Poisson.extra_parameters().is_empty());
    let model = fit(&data(), &FitOptions::default()).unwrap();
    assert_eq!(
        model.family().extra_values(model.parameters()),
        [model.parameters().rho]
    );
    // The Dixon–Coles options serialise as before families existed.
    let options = serde_json::to_value(model.options()).unwrap();
    assert!(options.get("family").is_none(), "{options}");
    let poisson = serde_json::to_value(FitOptions {
        family: Family::Poisson,
        ..FitOptions::default()
    })
    .unwrap();
    assert_eq!(poisson["family"], "poisson");
}
