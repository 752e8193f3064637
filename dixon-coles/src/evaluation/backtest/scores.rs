//! Scoring 1X2 forecasts: the summary a backtest reports per group.

use scoreline_metrics::{accuracy, brier, calibration_error, log_loss, rps, Binning, MetricsError};
use serde::{Deserialize, Serialize};

/// RPS, Brier, log loss, accuracy and ECE of a set of 1X2 forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreSummary {
    /// Forecasts scored.
    pub matches: usize,
    /// Mean ranked probability score.
    pub rps: f64,
    /// Mean multi-class Brier score (0–2).
    pub brier: f64,
    /// Mean log loss (nats).
    pub log_loss: f64,
    /// Share of matches whose most probable outcome happened.
    pub accuracy: f64,
    /// Expected calibration error: the mean over outcomes of the
    /// count-weighted |observed − forecast| over 10 uniform bins.
    pub ece: f64,
}

/// Scores forecasts `probs` (n×3, row-major) against `outcomes` (0 home,
/// 1 draw, 2 away) with the `scoreline-metrics` definitions.
///
/// ```
/// use scoreline_dixon_coles::evaluation::backtest::score_forecasts;
/// let s = score_forecasts(&[0.5, 0.3, 0.2], &[0]).unwrap();
/// assert!((s.rps - 0.145).abs() < 1e-15 && s.accuracy == 1.0);
/// ```
pub fn score_forecasts(probs: &[f64], outcomes: &[u32]) -> Result<ScoreSummary, MetricsError> {
    Ok(ScoreSummary {
        matches: outcomes.len(),
        rps: rps(probs, 3, outcomes, None)?,
        brier: brier(probs, 3, outcomes, None)?,
        log_loss: log_loss(probs, 3, outcomes, None)?,
        accuracy: accuracy(probs, 3, outcomes, None)?,
        ece: calibration_error(probs, 3, outcomes, None, 10, Binning::Uniform)?.ece,
    })
}
