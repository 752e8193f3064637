//! Jackpot slates: a ticket of 13–17 fixtures, one outcome (or a double or
//! treble) per fixture.
//!
//! - [`evaluate`]: per fixture the 1X2 probabilities, the most likely
//!   outcome, its probability, the entropy, and (when odds are given) the
//!   bookmaker's margin-free probabilities;
//! - [`ticket`]: for one pick per fixture, P(all right) and the exact
//!   distribution of the number of correct picks ([`poisson_binomial`]);
//! - [`optimise_covering`] / [`optimise_at_least`]: the best doubles and
//!   trebles within a budget of combinations;
//! - [`explain`]: why the model likes a side, term by term.
//!
//! The optimisers work on plain probabilities, so calibrated or blended
//! probabilities can be fed in instead of the model's.

mod error;
mod explain;
mod optimise;
mod poisson_binomial;

use serde::{Deserialize, Serialize};

pub use error::SlateError;
pub use explain::{explain, Explanation, ExplanationStep};
pub use optimise::{optimise_at_least, optimise_covering, Covering};
pub use poisson_binomial::{at_least, poisson_binomial};

use crate::model::FittedModel;
use crate::wagering::odds::{implied_probabilities, MarginMethod};

/// A fixture on a slate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlateFixture {
    /// The home (first-named) team.
    pub home: String,
    /// The away team.
    pub away: String,
    /// True at a neutral venue.
    pub neutral: bool,
    /// Decimal 1X2 odds, when known.
    pub odds: Option<[f64; 3]>,
}

/// One fixture's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixtureEvaluation {
    /// The fixture.
    pub fixture: SlateFixture,
    /// P(home), P(draw), P(away).
    pub probabilities: [f64; 3],
    /// The most likely outcome (0 home, 1 draw, 2 away; ties to the lower index).
    pub most_likely: usize,
    /// Its probability.
    pub most_likely_probability: f64,
    /// The entropy `−Σ p ln p` in nats (0 = certain, ln 3 ≈ 1.099 = no idea).
    pub entropy: f64,
    /// The bookmaker's probabilities with the margin removed multiplicatively, when odds are given.
    pub market: Option<[f64; 3]>,
}

/// Evaluates every fixture with the model.
pub fn evaluate(
    model: &FittedModel,
    fixtures: &[SlateFixture],
) -> Result<Vec<FixtureEvaluation>, SlateError> {
    if fixtures.is_empty() {
        return Err(SlateError::Empty);
    }
    fixtures
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let fail = |source| SlateError::Fixture { index, source };
            let h = model.team_id(&f.home).map_err(fail)?;
            let a = model.team_id(&f.away).map_err(fail)?;
            let o = model
                .outcome_probabilities_ids(h, a, f.neutral, crate::grid::GridSize::Adaptive)
                .map_err(fail)?;
            let probabilities = [o.home, o.draw, o.away];
            let most_likely = crate::wagering::slate::argmax(&probabilities);
            let market = match f.odds {
                Some(odds) => Some(
                    implied_probabilities(&odds, MarginMethod::Multiplicative)
                        .map_err(|e| SlateError::InvalidPicks(format!("fixture {index}: {e}")))?
                        .probabilities
                        .try_into()
                        .expect("three outcomes in, three out"),
                ),
                None => None,
            };
            Ok(FixtureEvaluation {
                fixture: f.clone(),
                probabilities,
                most_likely,
                most_likely_probability: probabilities[most_likely],
                entropy: -probabilities
                    .iter()
                    .filter(|p| **p > 0.0)
                    .map(|p| p * p.ln())
                    .sum::<f64>(),
                market,
            })
        })
        .collect()
}

fn argmax(p: &[f64; 3]) -> usize {
    let mut best = 0;
    for j in 1..3 {
        if p[j] > p[best] {
            best = j;
        }
    }
    best
}

/// One pick per fixture: P(all right) and the distribution of correct picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketOutcome {
    /// P(every pick right).
    pub probability_all: f64,
    /// P(exactly k right), k = 0..=n.
    pub distribution: Vec<f64>,
    /// P(at least k right), k = 0..=n.
    pub at_least: Vec<f64>,
}

/// The exact distribution of correct picks for one pick per fixture
/// (`picks[i]` in 0..3), from each fixture's probabilities.
///
/// ```
/// use scoreline_dixon_coles::wagering::slate::ticket;
/// let t = ticket(&[[0.5, 0.3, 0.2], [0.6, 0.3, 0.1]], &[0, 0]).unwrap();
/// assert!((t.probability_all - 0.3).abs() < 1e-15);
/// assert!((t.at_least[1] - (1.0 - 0.5 * 0.4)).abs() < 1e-15);
/// ```
pub fn ticket(probs: &[[f64; 3]], picks: &[usize]) -> Result<TicketOutcome, SlateError> {
    if probs.is_empty() {
        return Err(SlateError::Empty);
    }
    if picks.len() != probs.len() {
        return Err(SlateError::InvalidPicks(format!(
            "{} picks for {} fixtures",
            picks.len(),
            probs.len()
        )));
    }
    let mut hit = Vec::with_capacity(picks.len());
    for (index, (p, &pick)) in probs.iter().zip(picks).enumerate() {
        if !(p.iter().all(|v| (0.0..=1.0).contains(v))
            && (p.iter().sum::<f64>() - 1.0).abs() <= 1e-9)
        {
            return Err(SlateError::NotADistribution {
                index,
                probabilities: *p,
            });
        }
        if pick > 2 {
            return Err(SlateError::InvalidPicks(format!(
                "fixture {index}: pick {pick} is not 0, 1 or 2"
            )));
        }
        hit.push(p[pick]);
    }
    let distribution = poisson_binomial(&hit);
    Ok(TicketOutcome {
        probability_all: hit.iter().product(),
        at_least: at_least(&distribution),
        distribution,
    })
}

/// Evaluates a slate and finds its best covering within `budget` (the model's probabilities).
pub fn optimise(
    model: &FittedModel,
    fixtures: &[SlateFixture],
    budget: u64,
) -> Result<(Vec<FixtureEvaluation>, Covering), SlateError> {
    let evaluations = evaluate(model, fixtures)?;
    let probs: Vec<[f64; 3]> = evaluations.iter().map(|e| e.probabilities).collect();
    let covering = optimise_covering(&probs, budget)?;
    Ok((evaluations, covering))
}
