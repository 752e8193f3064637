//! Betting simulation: value bets, stakes, settlement and the bankroll.
//!
//! For each match in date order, the bettor may back one outcome. The
//! *edge* of outcome i is `pᵢ·oᵢ − 1` (model probability × decimal odds
//! offered, minus one). A bet is placed on the outcome with the largest edge
//! when that edge exceeds `min_edge` and `pᵢ ≥ min_probability`. Stakes:
//!
//! ```text
//! flat:            stake = unit
//! Kelly:           f* = (p·o − 1) / (o − 1)          (the growth-optimal fraction)
//! fractional:      f  = min(λ·f*, cap)                stake = f · bankroll before the bet
//! ```
//!
//! A winning bet returns `stake·(o − 1)`, a losing one costs the stake.
//! Closing-line value compares the odds taken with the closing odds of the
//! same outcome: `CLV = o_taken / o_closing − 1` (positive means the bettor
//! beat the closing price).

use serde::{Deserialize, Serialize};

/// One match the bettor may bet on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BetCandidate {
    /// The model's probabilities (home, draw, away).
    pub probabilities: [f64; 3],
    /// The decimal odds available when betting.
    pub odds: [f64; 3],
    /// Closing decimal odds, when known (for closing-line value).
    pub closing_odds: Option<[f64; 3]>,
    /// The result: 0 home, 1 draw, 2 away.
    pub outcome: usize,
}

/// How much to stake.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Staking {
    /// The same stake on every bet.
    Flat {
        /// The stake.
        unit: f64,
    },
    /// A fraction `fraction·f*` of the current bankroll, at most `cap` of it
    /// (`fraction = 1`, `cap = 1` is full Kelly).
    Kelly {
        /// λ, the share of the Kelly fraction staked (e.g. 0.25).
        fraction: f64,
        /// The largest stake as a share of the bankroll (e.g. 0.05).
        cap: f64,
    },
}

/// The rules of a betting strategy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    /// Bet only when `p·o − 1` exceeds this (e.g. 0.1 for a 10% edge).
    pub min_edge: f64,
    /// Bet only on outcomes with at least this model probability.
    pub min_probability: f64,
    /// The stake rule.
    pub staking: Staking,
    /// The starting bankroll.
    pub initial_bankroll: f64,
}

impl Default for Strategy {
    /// The seed system's rule: confidence 0.6, margin 0.1, stakes at most 5%
    /// (quarter Kelly), bankroll 100.
    fn default() -> Self {
        Self {
            min_edge: 0.1,
            min_probability: 0.6,
            staking: Staking::Kelly {
                fraction: 0.25,
                cap: 0.05,
            },
            initial_bankroll: 100.0,
        }
    }
}

/// One placed bet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlacedBet {
    /// The candidate's position in the input.
    pub index: usize,
    /// The outcome backed (0 home, 1 draw, 2 away).
    pub outcome: usize,
    /// The odds taken.
    pub odds: f64,
    /// The model probability.
    pub probability: f64,
    /// The stake.
    pub stake: f64,
    /// Profit (negative for a loss).
    pub profit: f64,
    /// The bankroll after settlement.
    pub bankroll: f64,
}

/// The outcome of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BettingSummary {
    /// Every bet placed, in order.
    pub bets: Vec<PlacedBet>,
    /// Number of bets.
    pub n_bets: usize,
    /// Share of bets won.
    pub hit_rate: f64,
    /// Σ stakes.
    pub total_staked: f64,
    /// Σ profit.
    pub profit: f64,
    /// profit / initial bankroll.
    pub roi: f64,
    /// profit / total staked (the yield per unit staked).
    pub yield_per_stake: f64,
    /// The final bankroll.
    pub final_bankroll: f64,
    /// The largest fall from a peak, as a share of that peak.
    pub max_drawdown: f64,
    /// Mean closing-line value over bets with closing odds (`None` if none).
    pub mean_clv: Option<f64>,
}

/// What can be wrong with a simulation's input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BettingError {
    /// A candidate with odds ≤ 1 or not finite, or probabilities outside [0, 1].
    #[error("candidate {index}: {reason}")]
    InvalidCandidate {
        /// The candidate.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A strategy parameter out of its domain.
    #[error("invalid strategy: {0}")]
    InvalidStrategy(String),
}

/// The Kelly fraction `f* = (p·o − 1)/(o − 1)` of the bankroll to stake on
/// an outcome of probability p at decimal odds o (0 when there is no edge).
///
/// ```
/// use scoreline_dixon_coles::wagering::betting::kelly_fraction;
/// assert!((kelly_fraction(0.5, 2.5) - (0.5 * 2.5 - 1.0) / 1.5).abs() < 1e-15);
/// assert_eq!(kelly_fraction(0.3, 2.0), 0.0);
/// ```
pub fn kelly_fraction(probability: f64, odds: f64) -> f64 {
    ((probability * odds - 1.0) / (odds - 1.0)).max(0.0)
}

fn check(c: &BetCandidate, index: usize) -> Result<(), BettingError> {
    let bad = |reason: String| Err(BettingError::InvalidCandidate { index, reason });
    if c.outcome > 2 {
        return bad(format!("outcome {} is not 0, 1 or 2", c.outcome));
    }
    for (k, o) in c
        .odds
        .iter()
        .chain(c.closing_odds.iter().flatten())
        .enumerate()
    {
        if !(o.is_finite() && *o > 1.0) {
            return bad(format!("odds #{k} = {o} must be finite and > 1"));
        }
    }
    if c.probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
        return bad(format!(
            "probabilities {:?} must lie in [0, 1]",
            c.probabilities
        ));
    }
    Ok(())
}

/// Runs the strategy over the candidates in the order given (sort them by date).
pub fn simulate(
    candidates: &[BetCandidate],
    strategy: &Strategy,
) -> Result<BettingSummary, BettingError> {
    let ok = |v: f64| v.is_finite() && v >= 0.0;
    if !(ok(strategy.initial_bankroll)
        && strategy.initial_bankroll > 0.0
        && strategy.min_edge.is_finite()
        && ok(strategy.min_probability))
    {
        return Err(BettingError::InvalidStrategy(format!("{strategy:?}")));
    }
    match strategy.staking {
        Staking::Flat { unit } if !(ok(unit) && unit > 0.0) => {
            return Err(BettingError::InvalidStrategy(format!(
                "flat unit {unit} must be > 0"
            )));
        }
        Staking::Kelly { fraction, cap } if !(ok(fraction) && ok(cap) && cap <= 1.0) => {
            return Err(BettingError::InvalidStrategy(format!(
                "Kelly fraction {fraction} must be ≥ 0 and cap {cap} in [0, 1]"
            )));
        }
        _ => {}
    }
    let mut bankroll = strategy.initial_bankroll;
    let mut peak = bankroll;
    let mut max_drawdown: f64 = 0.0;
    let mut bets = Vec::new();
    let mut clv = Vec::new();
    for (index, c) in candidates.iter().enumerate() {
        check(c, index)?;
        let best = (0..3)
            .filter(|&i| c.probabilities[i] >= strategy.min_probability)
            .map(|i| (i, c.probabilities[i] * c.odds[i] - 1.0))
            .filter(|&(_, edge)| edge > strategy.min_edge)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((outcome, _)) = best else { continue };
        let (p, o) = (c.probabilities[outcome], c.odds[outcome]);
        let stake = match strategy.staking {
            Staking::Flat { unit } => unit,
            Staking::Kelly { fraction, cap } => {
                (fraction * kelly_fraction(p, o)).min(cap) * bankroll
            }
        };
        if stake <= 0.0 {
            continue;
        }
        let profit = if c.outcome == outcome {
            stake * (o - 1.0)
        } else {
            -stake
        };
        bankroll += profit;
        peak = peak.max(bankroll);
        if peak > 0.0 {
            max_drawdown = max_drawdown.max((peak - bankroll) / peak);
        }
        if let Some(closing) = c.closing_odds {
            clv.push(o / closing[outcome] - 1.0);
        }
        bets.push(PlacedBet {
            index,
            outcome,
            odds: o,
            probability: p,
            stake,
            profit,
            bankroll,
        });
    }
    let n_bets = bets.len();
    let total_staked: f64 = bets.iter().map(|b| b.stake).sum();
    let profit = bankroll - strategy.initial_bankroll;
    let wins = bets.iter().filter(|b| b.profit > 0.0).count();
    Ok(BettingSummary {
        n_bets,
        hit_rate: if n_bets > 0 {
            wins as f64 / n_bets as f64
        } else {
            0.0
        },
        total_staked,
        profit,
        roi: profit / strategy.initial_bankroll,
        yield_per_stake: if total_staked > 0.0 {
            profit / total_staked
        } else {
            0.0
        },
        final_bankroll: bankroll,
        max_drawdown,
        mean_clv: (!clv.is_empty()).then(|| clv.iter().sum::<f64>() / clv.len() as f64),
        bets,
    })
}
