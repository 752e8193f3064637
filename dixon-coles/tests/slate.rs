//! Jackpot slates: the optimisers and the Poisson-binomial distribution
//! against brute force, explanations that add up, and every error.

mod common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::data::{Dataset, TeamIndex, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
use scoreline_dixon_coles::model::params::Parameters;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_dixon_coles::wagering::slate::{
    at_least, evaluate, explain, optimise, optimise_at_least, optimise_covering, poisson_binomial,
    ticket, SlateError, SlateFixture,
};

fn random_slate(rng: &mut ChaCha8Rng, n: usize) -> Vec<[f64; 3]> {
    (0..n)
        .map(|_| {
            let r = [
                rng.random_range(0.05..1.0),
                rng.random_range(0.05..1.0),
                rng.random_range(0.05..1.0),
            ];
            let s: f64 = r.iter().sum();
            [r[0] / s, r[1] / s, r[2] / s]
        })
        .collect()
}

/// Every covering: for each fixture a non-empty subset of {0, 1, 2}.
fn all_coverings(n: usize) -> Vec<Vec<u8>> {
    let mut out = vec![vec![]];
    for _ in 0..n {
        out = out
            .into_iter()
            .flat_map(|c| (1u8..8).map(move |mask| [c.clone(), vec![mask]].concat()))
            .collect();
    }
    out
}

fn covered(p: &[f64; 3], mask: u8) -> f64 {
    (0..3).filter(|j| mask & (1 << j) != 0).map(|j| p[j]).sum()
}

#[test]
fn the_covering_optimiser_equals_brute_force_for_every_budget() {
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    for n in [1usize, 2, 3, 5, 8] {
        let probs = random_slate(&mut rng, n);
        // Brute force: best P(all covered) for each number of combinations.
        let mut by_combinations: Vec<(u64, f64)> = all_coverings(n)
            .iter()
            .map(|c| {
                let combos: u64 = c.iter().map(|m| m.count_ones() as u64).product();
                let p: f64 = probs.iter().zip(c).map(|(p, &m)| covered(p, m)).product();
                (combos, p)
            })
            .collect();
        by_combinations.sort_by_key(|x| x.0);
        let max_budget = 3u64.pow(n as u32);
        let mut best_so_far = 0.0f64;
        let mut idx = 0;
        for budget in 1..=max_budget {
            while idx < by_combinations.len() && by_combinations[idx].0 <= budget {
                best_so_far = best_so_far.max(by_combinations[idx].1);
                idx += 1;
            }
            let c = optimise_covering(&probs, budget).unwrap();
            assert!(c.combinations <= budget);
            assert!(
                (c.probability_all - best_so_far).abs() < 1e-12,
                "n {n} budget {budget}: {} vs {best_so_far}",
                c.probability_all
            );
        }
    }
}

#[test]
fn the_at_least_k_optimiser_equals_brute_force() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for n in [3usize, 5, 6] {
        let probs = random_slate(&mut rng, n);
        let coverings = all_coverings(n);
        for budget in [1u64, 2, 3, 4, 6, 9, 12, 27, 100] {
            for k in 0..=n {
                let brute = coverings
                    .iter()
                    .filter(|c| c.iter().map(|m| m.count_ones() as u64).product::<u64>() <= budget)
                    .map(|c| {
                        let q: Vec<f64> =
                            probs.iter().zip(c).map(|(p, &m)| covered(p, m)).collect();
                        poisson_binomial(&q)[k..].iter().sum::<f64>()
                    })
                    .fold(0.0f64, f64::max);
                let c = optimise_at_least(&probs, budget, k).unwrap();
                assert!(c.combinations <= budget);
                assert!(
                    (c.at_least[k] - brute).abs() < 1e-12,
                    "n {n} budget {budget} k {k}: {} vs {brute}",
                    c.at_least[k]
                );
            }
        }
    }
}

#[test]
fn poisson_binomial_equals_enumeration_and_sums_to_one() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    for n in 0..=12usize {
        let p: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
        let dp = poisson_binomial(&p);
        let mut brute = vec![0.0; n + 1];
        for mask in 0u32..(1 << n) {
            let prob: f64 = (0..n)
                .map(|i| {
                    if mask & (1 << i) != 0 {
                        p[i]
                    } else {
                        1.0 - p[i]
                    }
                })
                .product();
            brute[mask.count_ones() as usize] += prob;
        }
        for (a, b) in dp.iter().zip(&brute) {
            assert!((a - b).abs() < 1e-12);
        }
        assert!((dp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    let t = ticket(&random_slate(&mut rng, 13), &[0; 13]).unwrap();
    assert!((t.distribution.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((t.distribution[13] - t.probability_all).abs() < 1e-15);
}

fn model() -> FittedModel {
    let matches = common::simulate_season(&common::true_parameters(18, 4), 8, 0);
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    fit(&data, &FitOptions::default()).unwrap()
}

#[test]
fn explanations_add_up_to_the_prediction() {
    let m = model();
    for (h, a, neutral) in [
        ("T01", "T02", false),
        ("T10", "T03", true),
        ("T17", "T00", false),
    ] {
        let e = explain(&m, h, a, neutral).unwrap();
        let last = e.steps.last().unwrap().probabilities;
        assert!(
            (last.home - e.prediction.home).abs() < 1e-12
                && (last.away - e.prediction.away).abs() < 1e-12
        );
        let total: f64 = e.steps.iter().map(|s| s.change.home).sum();
        assert!((e.baseline.home + total - e.prediction.home).abs() < 1e-12);
        assert_eq!(e.steps.len(), 5);
        // Each label says which rate the term enters, and a defence enters
        // the opponent's rate with a minus sign.
        let terms: Vec<&str> = e.steps.iter().map(|s| s.term.as_str()).collect();
        assert_eq!(
            terms[1..],
            [
                format!("attack of {h} (home rate)"),
                format!("−defence of {a} (home rate)"),
                format!("attack of {a} (away rate)"),
                format!("−defence of {h} (away rate)"),
            ]
        );
        let d = m.parameters().defence[m.team_id(a).unwrap() as usize];
        assert_eq!(e.steps[2].value, -d);
        if neutral {
            assert_eq!(e.steps[0].change.home, 0.0);
        }
    }
    // A team with zero attack and defence contributes nothing.
    let p = m.parameters().clone();
    let mut params = Parameters {
        attack: p.attack.clone(),
        defence: p.defence.clone(),
        ..p
    };
    let names: Vec<String> = m
        .teams()
        .names()
        .iter()
        .cloned()
        .chain(["Average".to_owned()])
        .collect();
    params.attack.push(0.0);
    params.defence.push(0.0);
    let average = FittedModel::new(
        TeamIndex::from(names),
        params,
        *m.options(),
        m.summary().clone(),
        None,
        None,
    );
    let e = explain(&average, "T05", "Average", false).unwrap();
    for step in e.steps.iter().filter(|s| s.term.contains("Average")) {
        assert_eq!(step.value.abs(), 0.0);
        assert_eq!(
            (step.change.home, step.change.draw, step.change.away),
            (0.0, 0.0, 0.0)
        );
    }
}

#[test]
fn evaluate_and_optimise_a_slate_from_the_model() {
    let m = model();
    let fixtures: Vec<SlateFixture> = (0..17)
        .map(|i| SlateFixture {
            home: format!("T{:02}", i),
            away: format!("T{:02}", (i + 1) % 18),
            neutral: i % 5 == 0,
            odds: (i % 2 == 0).then_some([2.1, 3.3, 3.6]),
        })
        .collect();
    let (evaluations, covering) = optimise(&m, &fixtures, 10_000).unwrap();
    assert_eq!(evaluations.len(), 17);
    for e in &evaluations {
        assert!((e.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(e.entropy > 0.0 && e.entropy <= 3f64.ln() + 1e-12);
        assert_eq!(e.most_likely_probability, e.probabilities[e.most_likely]);
        assert_eq!(e.market.is_some(), e.fixture.odds.is_some());
    }
    assert!(covering.combinations <= 10_000);
    let singles: f64 = evaluations
        .iter()
        .map(|e| e.most_likely_probability)
        .product();
    assert!(covering.probability_all > singles * 100.0);
}

#[test]
fn bad_slates_are_typed_errors() {
    let m = model();
    assert_eq!(evaluate(&m, &[]), Err(SlateError::Empty));
    assert_eq!(optimise_covering(&[], 10).unwrap_err(), SlateError::Empty);
    assert_eq!(
        optimise_covering(&[[0.5, 0.3, 0.2]], 0).unwrap_err(),
        SlateError::Budget(0)
    );
    let unknown = [SlateFixture {
        home: "T01".into(),
        away: "T1".into(),
        neutral: false,
        odds: None,
    }];
    let err = evaluate(&m, &unknown).unwrap_err();
    assert!(
        matches!(&err, SlateError::Fixture { index: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("closest known teams"), "{err}");
    assert!(matches!(
        optimise_covering(&[[0.5, 0.6, 0.2]], 3),
        Err(SlateError::NotADistribution { index: 0, .. })
    ));
    assert!(matches!(
        ticket(&[[0.5, 0.3, 0.2]], &[3]),
        Err(SlateError::InvalidPicks(_))
    ));
    assert!(matches!(
        ticket(&[[0.5, 0.3, 0.2]], &[0, 1]),
        Err(SlateError::InvalidPicks(_))
    ));
    assert!(matches!(
        optimise_at_least(&[[0.5, 0.3, 0.2]], 3, 2),
        Err(SlateError::InvalidPicks(_))
    ));
}

#[test]
fn at_least_is_a_probability_even_when_rounding_overshoots() {
    // Summing the exact distribution from the top overshot 1 by an ulp for
    // slates like this one (P(at least 0) = 1.0000000000000002).
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let mut overshoots = 0;
    for n in 1..40 {
        let p: Vec<f64> = (0..n).map(|_| rng.random_range(0.05..0.95)).collect();
        let distribution = poisson_binomial(&p);
        let raw: f64 = distribution.iter().rev().sum();
        overshoots += usize::from(raw > 1.0);
        let tail = at_least(&distribution);
        assert_eq!(tail[0], 1.0, "n = {n}");
        assert!(
            tail.iter().all(|&q| (0.0..=1.0).contains(&q)),
            "n = {n}: {tail:?}"
        );
        assert!(tail.windows(2).all(|w| w[0] >= w[1]), "n = {n}");
    }
    assert!(overshoots > 0, "the seed no longer exercises an overshoot");
}
