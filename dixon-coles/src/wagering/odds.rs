//! Bookmaker odds → probabilities: removing the margin (overround).
//!
//! With decimal odds `oᵢ` for n mutually exclusive outcomes, the raw implied
//! probabilities are `πᵢ = 1/oᵢ` and the margin is `m = Σ πᵢ − 1`. Each
//! method maps π to a distribution p (Σ p = 1):
//!
//! | method | formula |
//! |---|---|
//! | multiplicative | `pᵢ = πᵢ / Σ π` |
//! | additive | `pᵢ = πᵢ − m/n` |
//! | power | `pᵢ = πᵢᵏ`, k solving `Σ πᵢᵏ = 1` on [0, 100] |
//! | Shin (1992) | `pᵢ = (√(z² + 4(1−z)·πᵢ²/Σπ) − z) / (2(1−z))`, z solving Σ p = 1 on [0, 100] |
//! | odds ratio | `pᵢ = πᵢ / (c + πᵢ − c·πᵢ)`, c solving Σ p = 1 on [0, 100] |
//! | logarithmic | `logit pᵢ = logit πᵢ − c` (π clipped to [1e-15, 1 − 1e-15]), c solving Σ p = 1 on [0, 20], else [−20, 20]; `p = π` when `|m| ≤ 1e-8` |
//! | differential margin weighting | fair odds `n·oᵢ / (n − m·oᵢ)`, i.e. `pᵢ = πᵢ − m/n` (Buchdahl; equal to additive) |
//!
//! These are the definitions of penaltyblog's `calculate_implied`
//! (brackets included), so results agree with it; roots are found with
//! argmin's Brent solver to a relative tolerance of 1e-14.

use argmin::core::{CostFunction, Error as ArgminError, Executor};
use argmin::solver::brent::BrentRoot;
use serde::{Deserialize, Serialize};

/// How the margin is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarginMethod {
    /// Divide by the booksum.
    Multiplicative,
    /// Subtract an equal share of the margin.
    Additive,
    /// Raise to a common power.
    Power,
    /// Shin's insider-trading model.
    Shin,
    /// A common odds ratio.
    OddsRatio,
    /// A common shift of the log-odds.
    Logarithmic,
    /// Buchdahl's differential margin weighting.
    DifferentialMarginWeighting,
}

impl MarginMethod {
    /// Every method, in a fixed order.
    pub const ALL: [MarginMethod; 7] = [
        MarginMethod::Multiplicative,
        MarginMethod::Additive,
        MarginMethod::Power,
        MarginMethod::Shin,
        MarginMethod::OddsRatio,
        MarginMethod::Logarithmic,
        MarginMethod::DifferentialMarginWeighting,
    ];

    /// The method's snake_case name (as in penaltyblog).
    pub fn name(self) -> &'static str {
        match self {
            MarginMethod::Multiplicative => "multiplicative",
            MarginMethod::Additive => "additive",
            MarginMethod::Power => "power",
            MarginMethod::Shin => "shin",
            MarginMethod::OddsRatio => "odds_ratio",
            MarginMethod::Logarithmic => "logarithmic",
            MarginMethod::DifferentialMarginWeighting => "differential_margin_weighting",
        }
    }
}

impl std::str::FromStr for MarginMethod {
    type Err = OddsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MarginMethod::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| OddsError::UnknownMethod(s.to_owned()))
    }
}

/// What can go wrong turning odds into probabilities.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OddsError {
    /// Fewer than two outcomes.
    #[error("need odds for at least two outcomes, got {0}")]
    TooFewOutcomes(usize),
    /// Odds that are not finite decimal odds above 1.
    #[error("outcome {index}: decimal odds {value} must be finite and greater than 1")]
    InvalidOdds {
        /// The outcome.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The root of a method's equation is not inside its bracket.
    #[error("{method}: no solution inside [{low}, {high}] for these odds (margin {margin:.4})")]
    NoRoot {
        /// The method.
        method: &'static str,
        /// The bracket.
        low: f64,
        /// The bracket.
        high: f64,
        /// The margin of the odds.
        margin: f64,
    },
    /// An unknown method name.
    #[error("unknown margin method {0:?}; expected one of multiplicative, additive, power, shin, odds_ratio, logarithmic, differential_margin_weighting")]
    UnknownMethod(String),
}

/// Probabilities with the margin removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpliedProbabilities {
    /// One probability per outcome, summing to 1.
    pub probabilities: Vec<f64>,
    /// The margin `Σ 1/oᵢ − 1` of the odds.
    pub margin: f64,
    /// The method used.
    pub method: MarginMethod,
    /// The fitted parameter (k, z or c) for root-finding methods.
    pub parameter: Option<f64>,
}

/// Removes the margin from decimal `odds` with `method`.
///
/// ```
/// use scoreline_dixon_coles::wagering::odds::{implied_probabilities, MarginMethod};
/// let p = implied_probabilities(&[2.7, 2.3, 4.4], MarginMethod::Shin).unwrap();
/// assert!((p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// assert!((p.margin - (1.0 / 2.7 + 1.0 / 2.3 + 1.0 / 4.4 - 1.0)).abs() < 1e-15);
/// assert!(implied_probabilities(&[2.0, 0.9], MarginMethod::Power).is_err());
/// ```
pub fn implied_probabilities(
    odds: &[f64],
    method: MarginMethod,
) -> Result<ImpliedProbabilities, OddsError> {
    if odds.len() < 2 {
        return Err(OddsError::TooFewOutcomes(odds.len()));
    }
    if let Some((index, &value)) = odds
        .iter()
        .enumerate()
        .find(|(_, o)| !(o.is_finite() && **o > 1.0))
    {
        return Err(OddsError::InvalidOdds { index, value });
    }
    let raw: Vec<f64> = odds.iter().map(|o| 1.0 / o).collect();
    let booksum: f64 = raw.iter().sum();
    let margin = booksum - 1.0;
    let n = raw.len() as f64;
    let done = |probabilities: Vec<f64>, parameter: Option<f64>| ImpliedProbabilities {
        probabilities,
        margin,
        method,
        parameter,
    };
    Ok(match method {
        MarginMethod::Multiplicative => done(raw.iter().map(|p| p / booksum).collect(), None),
        MarginMethod::Additive => done(raw.iter().map(|p| p - margin / n).collect(), None),
        MarginMethod::DifferentialMarginWeighting => done(
            odds.iter().map(|o| (n - margin * o) / (n * o)).collect(),
            None,
        ),
        MarginMethod::Power => {
            let power = |k: f64, p: f64| p.powf(k);
            let k = solve(&raw, power, "power", 0.0, 100.0, margin)?;
            done(raw.iter().map(|&p| power(k, p)).collect(), Some(k))
        }
        MarginMethod::Shin => {
            let shin = move |z: f64, p: f64| {
                ((z * z + 4.0 * (1.0 - z) * p * p / booksum).sqrt() - z) / (2.0 - 2.0 * z)
            };
            let z = solve(&raw, shin, "shin", 0.0, 100.0, margin)?;
            done(raw.iter().map(|&p| shin(z, p)).collect(), Some(z))
        }
        MarginMethod::OddsRatio => {
            let ratio = |c: f64, p: f64| p / (c + p - c * p);
            let c = solve(&raw, ratio, "odds_ratio", 0.0, 100.0, margin)?;
            done(raw.iter().map(|&p| ratio(c, p)).collect(), Some(c))
        }
        MarginMethod::Logarithmic => {
            if margin.abs() <= 1e-8 {
                return Ok(done(raw, Some(0.0)));
            }
            let logits: Vec<f64> = raw
                .iter()
                .map(|p| {
                    let q = p.clamp(1e-15, 1.0 - 1e-15);
                    (q / (1.0 - q)).ln()
                })
                .collect();
            let shifted = |c: f64, logit: f64| 1.0 / (1.0 + (c - logit).exp());
            let c = solve(&logits, shifted, "logarithmic", 0.0, 20.0, margin)
                .or_else(|_| solve(&logits, shifted, "logarithmic", -20.0, 20.0, margin))?;
            done(logits.iter().map(|&l| shifted(c, l)).collect(), Some(c))
        }
    })
}

/// `Σᵢ f(x, valuesᵢ) − 1` as a one-dimensional root problem.
struct SumToOne<'a, F> {
    values: &'a [f64],
    f: F,
}

impl<F: Fn(f64, f64) -> f64> CostFunction for SumToOne<'_, F> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, x: &f64) -> Result<f64, ArgminError> {
        Ok(self.values.iter().map(|&v| (self.f)(*x, v)).sum::<f64>() - 1.0)
    }
}

/// The x in [low, high] with `Σ f(x, valuesᵢ) = 1` (argmin's Brent root finder).
fn solve<F: Fn(f64, f64) -> f64>(
    values: &[f64],
    f: F,
    method: &'static str,
    low: f64,
    high: f64,
    margin: f64,
) -> Result<f64, OddsError> {
    let no_root = || OddsError::NoRoot {
        method,
        low,
        high,
        margin,
    };
    let problem = SumToOne { values, f };
    let (f_low, f_high) = (
        problem.cost(&low).map_err(|_| no_root())?,
        problem.cost(&high).map_err(|_| no_root())?,
    );
    if f_low == 0.0 {
        return Ok(low);
    }
    if f_high == 0.0 {
        return Ok(high);
    }
    if !(f_low.is_finite() && f_high.is_finite()) || f_low.signum() == f_high.signum() {
        return Err(no_root());
    }
    let result = Executor::new(problem, BrentRoot::new(low, high, 1e-14))
        .configure(|state| state.max_iters(200))
        .run()
        .map_err(|_| no_root())?;
    let root = result
        .state
        .best_param
        .or(result.state.param)
        .ok_or_else(no_root)?;
    if root.is_finite() {
        Ok(root)
    } else {
        Err(no_root())
    }
}
