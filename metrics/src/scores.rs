//! Proper scoring rules and accuracy for n forecasts of k ordered outcomes.
//!
//! `probs` is a row-major n × k matrix (row i is the forecast of match i),
//! `outcomes[i]` the index of what happened, `weights` optional sample
//! weights; every average is `Σ wᵢ sᵢ / Σ wᵢ`.

use crate::input::{validate, weighted_mean_score, Forecasts, OutcomeIndex, RowCheck};
use crate::MetricsError;

/// `Σⱼ (pⱼ − oⱼ)² = Σⱼ pⱼ² − 2·p_outcome + 1`, written without branches on
/// the outcome (random outcomes would otherwise defeat branch prediction).
#[inline(always)]
fn brier_one(row: &[f64], outcome: usize) -> f64 {
    row.iter().map(|p| p * p).sum::<f64>() - 2.0 * row[outcome] + 1.0
}

/// `Σⱼ₌₁ᵏ⁻¹ (Pⱼ − Oⱼ)² / (k − 1)` with `Oⱼ = 1{outcome ≤ j}` computed
/// arithmetically (no branch on the outcome).
#[inline(always)]
fn rps_one(row: &[f64], outcome: usize) -> f64 {
    let k = row.len();
    if k == 3 {
        // Home/draw/away: O₁ = 1{home}, O₂ = 1{not away}, by table lookup.
        const FIRST: [f64; 3] = [1.0, 0.0, 0.0];
        const SECOND: [f64; 3] = [1.0, 1.0, 0.0];
        let d1 = row[0] - FIRST[outcome];
        let d2 = row[0] + row[1] - SECOND[outcome];
        return (d1 * d1 + d2 * d2) * 0.5;
    }
    let mut cumulative = 0.0;
    let mut total = 0.0;
    for (j, &p) in row.iter().enumerate().take(k - 1) {
        cumulative += p;
        // 1 when outcome ≤ j, else 0, in integer arithmetic.
        let observed = (j + 1).saturating_sub(outcome).min(1) as f64;
        let d = cumulative - observed;
        total += d * d;
    }
    total / (k - 1) as f64
}

fn per_forecast(f: &Forecasts<'_>, score: impl Fn(&[f64], usize) -> f64) -> Vec<f64> {
    (0..f.count())
        .map(|i| score(f.row(i), f.outcome(i)))
        .collect()
}

/// The multi-class Brier score `mean over forecasts of Σⱼ (pᵢⱼ − oᵢⱼ)²`,
/// where `oᵢⱼ` is 1 for the outcome that happened. Range 0 (perfect) to 2;
/// rows must sum to 1.
///
/// ```
/// use scoreline_metrics::brier;
/// let probs = [0.7, 0.2, 0.1, 0.2, 0.3, 0.5];
/// let score = brier(&probs, 3, &[0u32, 2], None).unwrap();
/// assert!((score - 0.5 * ((0.09 + 0.04 + 0.01) + (0.04 + 0.09 + 0.25))).abs() < 1e-15);
/// ```
pub fn brier<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<f64, MetricsError> {
    weighted_mean_score(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Distribution,
        brier_one,
    )
}

/// The Brier score of each forecast.
pub fn brier_per_forecast<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
) -> Result<Vec<f64>, MetricsError> {
    let mut scratch = Vec::new();
    let f = validate(
        probs,
        k,
        outcomes,
        None,
        RowCheck::Distribution,
        &mut scratch,
    )?;
    Ok(per_forecast(&f, brier_one))
}

/// The Brier score split by outcome: component j is `mean of (pᵢⱼ − oᵢⱼ)²`
/// (brier_home, brier_draw, brier_away for 1X2); they sum to [`brier`].
pub fn brier_components<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<Vec<f64>, MetricsError> {
    let mut scratch = Vec::new();
    let f = validate(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Distribution,
        &mut scratch,
    )?;
    Ok((0..k)
        .map(|j| {
            f.mean((0..f.count()).map(|i| {
                let d = f.row(i)[j] - f64::from(u8::from(f.outcome(i) == j));
                d * d
            }))
        })
        .collect())
}

/// The ranked probability score: per forecast
/// `Σⱼ₌₁ᵏ⁻¹ (Pᵢⱼ − Oᵢⱼ)² / (k − 1)` with `P` and `O` the cumulative forecast
/// and outcome, averaged. Range 0 to 1; rows must sum to 1.
///
/// ```
/// use scoreline_metrics::rps;
/// // A home win forecast at (0.5, 0.3, 0.2): ((0.5 − 1)² + (0.8 − 1)²) / 2.
/// let score = rps(&[0.5, 0.3, 0.2], 3, &[0usize], None).unwrap();
/// assert!((score - 0.145).abs() < 1e-15);
/// ```
pub fn rps<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<f64, MetricsError> {
    weighted_mean_score(probs, k, outcomes, weights, RowCheck::Distribution, rps_one)
}

/// The ranked probability score of each forecast.
pub fn rps_per_forecast<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
) -> Result<Vec<f64>, MetricsError> {
    let mut scratch = Vec::new();
    let f = validate(
        probs,
        k,
        outcomes,
        None,
        RowCheck::Distribution,
        &mut scratch,
    )?;
    Ok(per_forecast(&f, rps_one))
}

/// Log loss (natural log) with scikit-learn's convention:
/// `−mean ln(clip(pᵢ,yᵢ, ε, 1 − ε))`, ε = f64::EPSILON, rows not
/// renormalised (entries must lie in [0, 1]; rows need not sum to 1).
///
/// ```
/// use scoreline_metrics::log_loss;
/// let score = log_loss(&[0.5, 0.3, 0.2], 3, &[1u32], None).unwrap();
/// assert!((score + 0.3f64.ln()).abs() < 1e-15);
/// ```
pub fn log_loss<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<f64, MetricsError> {
    weighted_mean_score(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Probabilities,
        log_loss_one,
    )
}

#[inline(always)]
fn log_loss_one(row: &[f64], outcome: usize) -> f64 {
    -row[outcome].clamp(f64::EPSILON, 1.0 - f64::EPSILON).ln()
}

/// The log loss of each forecast.
pub fn log_loss_per_forecast<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
) -> Result<Vec<f64>, MetricsError> {
    let mut scratch = Vec::new();
    let f = validate(
        probs,
        k,
        outcomes,
        None,
        RowCheck::Probabilities,
        &mut scratch,
    )?;
    Ok(per_forecast(&f, log_loss_one))
}

/// The ignorance score (penaltyblog's convention): `−mean log₂(max(pᵢ,yᵢ, 1e-15))`.
pub fn ignorance<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<f64, MetricsError> {
    weighted_mean_score(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Probabilities,
        |row, o| -row[o].max(1e-15).log2(),
    )
}

/// The share of forecasts whose most probable outcome happened. Ties go
/// to the lowest index (a 0.4/0.4/0.2 forecast picks the home win).
pub fn accuracy<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
) -> Result<f64, MetricsError> {
    weighted_mean_score(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Probabilities,
        |row, o| f64::from(u8::from(argmax(row) == o)),
    )
}

/// The index of the largest entry, ties to the lowest index.
pub fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (j, &p) in row.iter().enumerate().skip(1) {
        if p > row[best] {
            best = j;
        }
    }
    best
}
