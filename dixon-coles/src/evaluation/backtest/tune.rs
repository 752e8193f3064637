//! Choosing the time-decay rate ξ by out-of-sample predictive likelihood.

use serde::{Deserialize, Serialize};

use super::{walk_forward, BacktestError, BacktestOptions};
use crate::data::Match;

/// One point of the ξ curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct XiPoint {
    /// ξ per day.
    pub xi: f64,
    /// Mean out-of-sample log-likelihood of the 1X2 outcomes, `(1/n) Σ ln p(outcome)`.
    pub log_likelihood: f64,
    /// Mean RPS of the same predictions.
    pub rps: f64,
}

/// The result of [`tune_xi`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XiTuning {
    /// The ξ with the highest predictive log-likelihood.
    pub best: XiPoint,
    /// Every ξ tried, in increasing ξ (grid points and golden-section points).
    pub curve: Vec<XiPoint>,
}

/// Scores one ξ: a whole walk-forward backtest.
fn evaluate(
    matches: &[Match],
    is_target: &(impl Fn(&Match) -> bool + Sync),
    options: &BacktestOptions,
    xi: f64,
) -> Result<XiPoint, BacktestError> {
    let mut options = *options;
    options.fit.time_decay.xi_per_day = xi;
    let result = walk_forward(matches, is_target, &options, None)?;
    let n = result.predictions.len().max(1) as f64;
    let log_likelihood = result
        .predictions
        .iter()
        .map(|p| p.probabilities[p.outcome as usize].ln())
        .sum::<f64>()
        / n;
    let rps = result.scores().map(|s| s.rps).unwrap_or(f64::NAN);
    Ok(XiPoint {
        xi,
        log_likelihood,
        rps,
    })
}

/// Chooses ξ by maximising the out-of-sample predictive log-likelihood of
/// the 1X2 outcome over a walk-forward backtest (Dixon & Coles 1997,
/// section 4.5): `S(ξ) = Σ ln p̂_ξ(outcome of match k)` over the target
/// matches, each predicted by the model fitted on the matches before it.
///
/// Every ξ of `grid` (sorted ascending, each ≥ 0) is scored; then, when
/// `refine` > 0, that many golden-section steps narrow the bracket between
/// the best grid point's neighbours (ratio `(√5 − 1)/2`). Each score is a
/// whole backtest, so the cost is `(grid.len() + refine)` backtests.
pub fn tune_xi(
    matches: &[Match],
    is_target: impl Fn(&Match) -> bool + Sync,
    options: &BacktestOptions,
    grid: &[f64],
    refine: usize,
) -> Result<XiTuning, BacktestError> {
    if grid.is_empty()
        || grid.iter().any(|x| !(x.is_finite() && *x >= 0.0))
        || grid.windows(2).any(|w| w[0] >= w[1])
    {
        return Err(BacktestError::InvalidOption {
            option: "xi grid",
            reason: "needs at least one finite ξ ≥ 0, strictly increasing".to_owned(),
        });
    }
    let mut curve = grid
        .iter()
        .map(|&xi| evaluate(matches, &is_target, options, xi))
        .collect::<Result<Vec<_>, _>>()?;
    let best_at = |curve: &[XiPoint]| {
        (0..curve.len())
            .max_by(|&a, &b| curve[a].log_likelihood.total_cmp(&curve[b].log_likelihood))
            .expect("non-empty")
    };
    let k = best_at(&curve);
    if refine > 0 && grid.len() >= 2 {
        let golden = (5f64.sqrt() - 1.0) / 2.0;
        let (mut lo, mut hi) = (grid[k.saturating_sub(1)], grid[(k + 1).min(grid.len() - 1)]);
        let mut c = hi - golden * (hi - lo);
        let mut d = lo + golden * (hi - lo);
        let mut fc = evaluate(matches, &is_target, options, c)?;
        let mut fd = evaluate(matches, &is_target, options, d)?;
        curve.push(fc);
        curve.push(fd);
        for _ in 2..refine.max(2) {
            if fc.log_likelihood >= fd.log_likelihood {
                hi = d;
                d = c;
                fd = fc;
                c = hi - golden * (hi - lo);
                fc = evaluate(matches, &is_target, options, c)?;
                curve.push(fc);
            } else {
                lo = c;
                c = d;
                fc = fd;
                d = lo + golden * (hi - lo);
                fd = evaluate(matches, &is_target, options, d)?;
                curve.push(fd);
            }
        }
    }
    curve.sort_by(|a, b| a.xi.total_cmp(&b.xi));
    curve.dedup_by(|a, b| a.xi == b.xi);
    let best = curve[best_at(&curve)];
    Ok(XiTuning { best, curve })
}
