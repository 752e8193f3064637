//! Betting simulation: Kelly stakes, settlement, and the growth of informed
//! and uninformed bettors on simulated markets.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::wagering::betting::{
    kelly_fraction, simulate, BetCandidate, BettingError, Staking, Strategy,
};

fn normalise(v: [f64; 3]) -> [f64; 3] {
    let s: f64 = v.iter().sum();
    [v[0] / s, v[1] / s, v[2] / s]
}

/// A market whose prices come from a noisy estimate q of the true p, with a 5% margin.
fn market(n: usize, seed: u64) -> Vec<(BetCandidate, [f64; 3])> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let p = normalise([
                rng.random_range(0.2..1.0),
                rng.random_range(0.3..0.6),
                rng.random_range(0.1..0.9),
            ]);
            let q = normalise(p.map(|x| x * (1.0 + rng.random_range(-0.25..0.25))));
            let odds = q.map(|x| 1.0 / (x * 1.05));
            let u: f64 = rng.random();
            let outcome = if u < p[0] {
                0
            } else if u < p[0] + p[1] {
                1
            } else {
                2
            };
            (
                BetCandidate {
                    probabilities: p,
                    odds,
                    closing_odds: Some(odds),
                    outcome,
                },
                q,
            )
        })
        .collect()
}

#[test]
fn kelly_stake_is_the_closed_form() {
    let c = BetCandidate {
        probabilities: [0.55, 0.25, 0.20],
        odds: [2.2, 3.5, 4.0],
        closing_odds: None,
        outcome: 0,
    };
    let full = Strategy {
        min_edge: 0.0,
        min_probability: 0.0,
        staking: Staking::Kelly {
            fraction: 1.0,
            cap: 1.0,
        },
        initial_bankroll: 1000.0,
    };
    let s = simulate(&[c], &full).unwrap();
    let f = (0.55 * 2.2 - 1.0) / (2.2 - 1.0);
    assert!((s.bets[0].stake - 1000.0 * f).abs() < 1e-12);
    assert!((kelly_fraction(0.55, 2.2) - f).abs() < 1e-15);
    assert!((s.profit - 1000.0 * f * 1.2).abs() < 1e-9);
    // Quarter Kelly with a 5% cap.
    let capped = Strategy {
        staking: Staking::Kelly {
            fraction: 0.25,
            cap: 0.05,
        },
        ..full
    };
    let s = simulate(&[c], &capped).unwrap();
    assert!((s.bets[0].stake - 1000.0 * (0.25 * f).min(0.05)).abs() < 1e-12);
}

#[test]
fn the_bettor_with_the_true_probabilities_grows_and_the_market_does_not() {
    let games = market(20_000, 42);
    let strategy = Strategy {
        min_edge: 0.02,
        min_probability: 0.0,
        staking: Staking::Kelly {
            fraction: 0.25,
            cap: 0.05,
        },
        initial_bankroll: 100.0,
    };
    let informed: Vec<BetCandidate> = games.iter().map(|(c, _)| *c).collect();
    let s = simulate(&informed, &strategy).unwrap();
    assert!(s.n_bets > 1000);
    assert!(
        s.final_bankroll > 10.0 * strategy.initial_bankroll,
        "informed bankroll {}",
        s.final_bankroll
    );
    assert!(s.yield_per_stake > 0.0);
    assert_eq!(s.mean_clv, Some(0.0));
    assert!(s.max_drawdown > 0.0 && s.max_drawdown < 1.0);
    // With the market's own (de-margined) probabilities every edge is −5%: no bet, no growth.
    let uninformed: Vec<BetCandidate> = games
        .iter()
        .map(|(c, q)| BetCandidate {
            probabilities: *q,
            ..*c
        })
        .collect();
    let m = simulate(
        &uninformed,
        &Strategy {
            min_edge: 0.0,
            ..strategy
        },
    )
    .unwrap();
    assert_eq!(m.n_bets, 0);
    assert_eq!(m.final_bankroll, strategy.initial_bankroll);
    // Betting anyway (flat stakes on the favourite) loses about the margin.
    let forced = simulate(
        &uninformed,
        &Strategy {
            min_edge: -1.0,
            min_probability: 0.0,
            staking: Staking::Flat { unit: 1.0 },
            initial_bankroll: 1e6,
        },
    )
    .unwrap();
    assert!(
        forced.yield_per_stake < 0.0,
        "yield {}",
        forced.yield_per_stake
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let ok = BetCandidate {
        probabilities: [0.5, 0.3, 0.2],
        odds: [2.0, 3.0, 5.0],
        closing_odds: None,
        outcome: 1,
    };
    let s = Strategy::default();
    for bad in [
        BetCandidate {
            odds: [1.0, 3.0, 5.0],
            ..ok
        },
        BetCandidate {
            odds: [f64::NAN, 3.0, 5.0],
            ..ok
        },
        BetCandidate {
            probabilities: [1.5, 0.0, 0.0],
            ..ok
        },
        BetCandidate { outcome: 3, ..ok },
        BetCandidate {
            closing_odds: Some([0.5, 2.0, 2.0]),
            ..ok
        },
    ] {
        assert!(matches!(
            simulate(&[ok, bad], &s),
            Err(BettingError::InvalidCandidate { index: 1, .. })
        ));
    }
    assert!(simulate(
        &[ok],
        &Strategy {
            initial_bankroll: 0.0,
            ..s
        }
    )
    .is_err());
    assert!(simulate(
        &[ok],
        &Strategy {
            staking: Staking::Kelly {
                fraction: 0.5,
                cap: 2.0
            },
            ..s
        }
    )
    .is_err());
    assert!(simulate(
        &[ok],
        &Strategy {
            staking: Staking::Flat { unit: -1.0 },
            ..s
        }
    )
    .is_err());
}
