//! Reliability: calibration curves and calibration errors, one outcome
//! against the rest.

use serde::{Deserialize, Serialize};

use crate::input::{validate, OutcomeIndex, RowCheck};
use crate::MetricsError;

/// How forecasts are binned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Binning {
    /// `n_bins` equal-width bins on [0, 1].
    Uniform,
    /// Bins with edges at the quantiles of the forecasts (linear
    /// interpolation between order statistics, as numpy's `percentile`).
    Quantile,
}

/// One bin of a calibration curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// The bin's lower edge.
    pub lower: f64,
    /// The bin's upper edge.
    pub upper: f64,
    /// The weighted mean forecast in the bin (NaN when empty).
    pub mean_forecast: f64,
    /// The weighted frequency of the outcome in the bin (NaN when empty).
    pub observed: f64,
    /// The number of forecasts in the bin.
    pub count: usize,
    /// Σ of their weights.
    pub weight: f64,
}

fn edges(values: &mut [f64], n_bins: usize, binning: Binning) -> Vec<f64> {
    match binning {
        Binning::Uniform => (0..=n_bins).map(|b| b as f64 / n_bins as f64).collect(),
        Binning::Quantile => {
            values.sort_by(f64::total_cmp);
            let last = (values.len() - 1) as f64;
            (0..=n_bins)
                .map(|b| {
                    let pos = last * b as f64 / n_bins as f64;
                    let lo = pos.floor() as usize;
                    let hi = pos.ceil() as usize;
                    values[lo] + (values[hi] - values[lo]) * (pos - lo as f64)
                })
                .collect()
        }
    }
}

/// The calibration curve of outcome `outcome`: forecasts `pᵢ,outcome` are
/// binned (bin of p = the number of interior edges strictly below p, as
/// scikit-learn's `calibration_curve`, so a forecast on an edge falls in
/// the lower bin), and each bin reports its weighted
/// mean forecast and the weighted frequency with which the outcome happened.
pub fn calibration_curve<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
    outcome: usize,
    n_bins: usize,
    binning: Binning,
) -> Result<Vec<ReliabilityBin>, MetricsError> {
    let mut scratch = Vec::new();
    let f = validate(
        probs,
        k,
        outcomes,
        weights,
        RowCheck::Probabilities,
        &mut scratch,
    )?;
    if outcome >= k {
        return Err(MetricsError::InvalidOption {
            option: "outcome",
            reason: format!("{outcome} is not in 0..{k}"),
        });
    }
    if n_bins == 0 {
        return Err(MetricsError::InvalidOption {
            option: "n_bins",
            reason: "must be at least 1".into(),
        });
    }
    let mut values: Vec<f64> = (0..f.count()).map(|i| f.row(i)[outcome]).collect();
    let edges = edges(&mut values.clone(), n_bins, binning);
    let interior = &edges[1..n_bins];
    let mut sum_p = vec![0.0; n_bins];
    let mut sum_o = vec![0.0; n_bins];
    let mut sum_w = vec![0.0; n_bins];
    let mut count = vec![0usize; n_bins];
    for (i, p) in values.drain(..).enumerate() {
        let b = interior.partition_point(|e| *e < p);
        let w = f.weight(i);
        sum_p[b] += w * p;
        sum_o[b] += w * f64::from(u8::from(f.outcome(i) == outcome));
        sum_w[b] += w;
        count[b] += 1;
    }
    Ok((0..n_bins)
        .map(|b| ReliabilityBin {
            lower: edges[b],
            upper: edges[b + 1],
            mean_forecast: if sum_w[b] > 0.0 {
                sum_p[b] / sum_w[b]
            } else {
                f64::NAN
            },
            observed: if sum_w[b] > 0.0 {
                sum_o[b] / sum_w[b]
            } else {
                f64::NAN
            },
            count: count[b],
            weight: sum_w[b],
        })
        .collect())
}

/// Calibration errors of the k one-vs-rest curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationError {
    /// Expected calibration error per outcome: `Σ_b (W_b / W)·|observed_b − mean_b|`.
    pub ece_per_outcome: Vec<f64>,
    /// The mean of the per-outcome ECEs (classwise ECE).
    pub ece: f64,
    /// The largest `|observed_b − mean_b|` over non-empty bins and outcomes.
    pub mce: f64,
}

/// Expected and maximum calibration error (see [`CalibrationError`]).
///
/// ```
/// use scoreline_metrics::{calibration_error, Binning};
/// // Forecasts of 0.5 for outcome 0 that come true half the time are calibrated.
/// let probs = [0.5, 0.5, 0.5, 0.5];
/// let e = calibration_error(&probs, 2, &[0u32, 1], None, 10, Binning::Uniform).unwrap();
/// assert!(e.ece.abs() < 1e-15 && e.mce.abs() < 1e-15);
/// ```
pub fn calibration_error<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
    n_bins: usize,
    binning: Binning,
) -> Result<CalibrationError, MetricsError> {
    let mut ece_per_outcome = Vec::with_capacity(k);
    let mut mce: f64 = 0.0;
    for j in 0..k {
        let bins = calibration_curve(probs, k, outcomes, weights, j, n_bins, binning)?;
        let total: f64 = bins.iter().map(|b| b.weight).sum();
        let mut ece = 0.0;
        for b in bins.iter().filter(|b| b.weight > 0.0) {
            let gap = (b.observed - b.mean_forecast).abs();
            ece += b.weight / total * gap;
            mce = mce.max(gap);
        }
        ece_per_outcome.push(ece);
    }
    Ok(CalibrationError {
        ece: ece_per_outcome.iter().sum::<f64>() / k as f64,
        ece_per_outcome,
        mce,
    })
}
