//! The fitted blend weight lands exactly on an end of [0, 1] when that end
//! is best, instead of Brent's floor a tolerance inside it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::evaluation::backtest::{fit_blend_weight, Pooling};

/// `n` matches whose outcomes are drawn from the "market" probabilities,
/// and a "model" that is the market plus noise (so it adds nothing).
fn market_knows_best(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut model, mut market, mut outcomes) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let raw: [f64; 3] = [
            rng.random_range(0.2..1.0),
            rng.random_range(0.2..0.5),
            rng.random_range(0.2..1.0),
        ];
        let sum: f64 = raw.iter().sum();
        let truth = raw.map(|v| v / sum);
        let u: f64 = rng.random();
        outcomes.push(if u < truth[0] {
            0
        } else if u < truth[0] + truth[1] {
            1
        } else {
            2
        });
        market.extend(truth);
        let noisy = truth.map(|v| v * rng.random_range(0.5..1.5));
        let s: f64 = noisy.iter().sum();
        model.extend(noisy.map(|v| v / s));
    }
    (model, market, outcomes)
}

#[test]
fn a_model_the_market_makes_redundant_gets_weight_exactly_zero() {
    let (model, market, outcomes) = market_knows_best(4000, 3);
    for pooling in [Pooling::Logarithmic, Pooling::Linear] {
        let w = fit_blend_weight(&model, &market, &outcomes, pooling).unwrap();
        assert_eq!(w, 0.0, "{pooling:?}");
        // And the other way round: the market as the noisy one gives 1.
        let w = fit_blend_weight(&market, &model, &outcomes, pooling).unwrap();
        assert_eq!(w, 1.0, "{pooling:?}");
    }
}

/// Each match's probabilities times independent noise, renormalised.
fn noisy(probabilities: &[f64], seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    probabilities
        .chunks_exact(3)
        .flat_map(|p| {
            let q = [0, 1, 2].map(|j| p[j] * rng.random_range(0.6..1.4));
            let s: f64 = q.iter().sum();
            q.map(|v| v / s)
        })
        .collect()
}

#[test]
fn an_interior_optimum_is_still_found() {
    // Two independent noisy views of the truth: the best pool mixes them.
    let (_, truth, outcomes) = market_knows_best(4000, 4);
    let (a, b) = (noisy(&truth, 11), noisy(&truth, 12));
    let w = fit_blend_weight(&a, &b, &outcomes, Pooling::Logarithmic).unwrap();
    assert!(w > 0.05 && w < 0.95, "{w}");
}
