//! The analytic gradient and Hessian against central finite differences, at
//! random parameters and random data, with and without weights.

mod common;

use chrono::{Days, NaiveDate};
use nalgebra::DMatrix;
use proptest::prelude::*;
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::model::likelihood::{DixonColesProblem, ModelSpec};
use scoreline_dixon_coles::model::params::ParamMode;

/// Random matches between `n` teams, low scores over-represented, some neutral.
/// (home, away, home goals, away goals, neutral, weight)
type RawMatch = (usize, usize, u32, u32, bool, f64);

fn matches_strategy() -> impl Strategy<Value = (usize, Vec<RawMatch>)> {
    (3usize..7).prop_flat_map(|n| {
        let one = (0..n, 1..n, 0u32..4, 0u32..4, any::<bool>(), 0.05f64..2.0)
            .prop_map(move |(h, off, x, y, neutral, w)| (h, (h + off) % n, x, y, neutral, w));
        (Just(n), prop::collection::vec(one, 12..40))
    })
}

fn build(
    n: usize,
    raw: &[(usize, usize, u32, u32, bool, f64)],
    weighted: bool,
) -> (Dataset, Vec<f64>) {
    let d0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let names = common::team_names(n);
    let mut matches: Vec<Match> = raw
        .iter()
        .enumerate()
        .map(|(i, &(h, a, x, y, neutral, _))| {
            let mut m = Match::new(d0 + Days::new(i as u64), &names[h], &names[a], x, y);
            m.neutral = neutral;
            m
        })
        .collect();
    // make sure every team appears
    for t in 0..n {
        matches.push(Match::new(
            d0 + Days::new(1000 + t as u64),
            &names[t],
            &names[(t + 1) % n],
            1,
            2,
        ));
    }
    let data = Dataset::from_matches(
        &matches,
        &ValidationOptions {
            require_connected: false,
            ..Default::default()
        },
    )
    .unwrap();
    let weights = (0..matches.len())
        .map(|i| {
            if weighted {
                raw.get(i).map_or(0.7, |r| r.5)
            } else {
                1.0
            }
        })
        .collect();
    (data, weights)
}

fn spec_of(variant: u8, ridge: f64) -> ModelSpec {
    ModelSpec {
        home_advantage: if variant & 1 == 0 {
            ParamMode::Free
        } else {
            ParamMode::Fixed(0.2)
        },
        rho: if variant & 2 == 0 {
            ParamMode::Free
        } else {
            ParamMode::Fixed(-0.05)
        },
        ridge,
    }
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gradient_and_hessian_match_finite_differences(
        (n, raw) in matches_strategy(),
        weighted in any::<bool>(),
        variant in 0u8..4,
        ridge in prop_oneof![Just(0.0), 0.0f64..0.5],
        seed in prop::collection::vec(-0.4f64..0.4, 20),
        rho in -0.12f64..0.12,
    ) {
        let (data, weights) = build(n, &raw, weighted);
        let problem = DixonColesProblem::new(&data, &weights, spec_of(variant, ridge)).unwrap();
        let layout = problem.layout();
        let mut theta: Vec<f64> = (0..layout.len).map(|j| seed[j % seed.len()] * (1.0 + j as f64 * 0.01)).collect();
        if let Some(r) = layout.rho {
            theta[r] = rho;
        }
        let f0 = problem.objective(&theta);
        prop_assume!(f0.is_finite());
        let len = layout.len;
        let mut grad = vec![0.0; len];
        let mut hess = DMatrix::zeros(len, len);
        let f1 = problem.objective_gradient_hessian(&theta, &mut grad, &mut hess);
        prop_assert!(close(f0, f1, 1e-13));
        let h = 1e-5;
        for j in 0..len {
            let mut plus = theta.clone();
            let mut minus = theta.clone();
            plus[j] += h;
            minus[j] -= h;
            let fd = (problem.objective(&plus) - problem.objective(&minus)) / (2.0 * h);
            prop_assert!(close(grad[j], fd, 1e-6), "gradient {j}: analytic {} vs fd {}", grad[j], fd);
            let mut gp = vec![0.0; len];
            let mut gm = vec![0.0; len];
            problem.objective_gradient(&plus, &mut gp);
            problem.objective_gradient(&minus, &mut gm);
            for k in 0..len {
                let fd = (gp[k] - gm[k]) / (2.0 * h);
                prop_assert!(close(hess[(j, k)], fd, 1e-6), "hessian ({j},{k}): analytic {} vs fd {}", hess[(j, k)], fd);
                prop_assert!(close(hess[(j, k)], hess[(k, j)], 1e-12));
            }
        }
    }
}

#[test]
fn infeasible_rho_gives_minus_infinity() {
    let raw = vec![
        (0, 1, 0, 0, false, 1.0),
        (1, 2, 1, 1, false, 1.0),
        (2, 0, 2, 1, false, 1.0),
    ];
    let (data, weights) = build(3, &raw, false);
    let problem = DixonColesProblem::new(&data, &weights, spec_of(0, 0.0)).unwrap();
    let layout = problem.layout();
    let mut theta = vec![0.0; layout.len];
    theta[layout.rho.unwrap()] = 1.0; // τ(1,1) = 1 − ρ = 0
    assert_eq!(problem.objective(&theta), f64::NEG_INFINITY);
    theta[layout.rho.unwrap()] = 0.5;
    assert!(problem.objective(&theta).is_finite());
}
