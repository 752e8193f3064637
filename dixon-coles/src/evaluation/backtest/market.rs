//! The bookmaker baseline and blending the model with it.

use argmin::core::{CostFunction, Error as ArgminError, Executor};
use argmin::solver::brent::BrentOpt;
use serde::{Deserialize, Serialize};

use super::BacktestError;
use crate::data::Match;
use crate::wagering::odds::{implied_probabilities, MarginMethod};

/// The market's 1X2 probabilities for a match: Pinnacle's closing odds
/// (`PSCH/PSCD/PSCA`) with the margin removed by Shin's method, else the
/// market average (`AvgH/AvgD/AvgA`, or `BbAv*` in older files) the same
/// way; `None` when neither is recorded (or the odds are invalid).
pub fn market_probabilities(m: &Match) -> Option<[f64; 3]> {
    [m.odds.pinnacle_closing, m.odds.market_average]
        .into_iter()
        .flatten()
        .find_map(|o| {
            let p = implied_probabilities(&[o.home, o.draw, o.away], MarginMethod::Shin).ok()?;
            Some([p.probabilities[0], p.probabilities[1], p.probabilities[2]])
        })
}

/// How two forecasts are pooled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pooling {
    /// `p ∝ model^w · market^(1−w)` (logarithmic pooling).
    Logarithmic,
    /// `p = w·model + (1−w)·market` (linear pooling).
    Linear,
}

/// Pools `model` and `market` rows (n×3) with weight `w` on the model:
/// logarithmic `pⱼ = mⱼ^w·bⱼ^(1−w) / Σₗ mₗ^w·bₗ^(1−w)` or linear
/// `pⱼ = w·mⱼ + (1−w)·bⱼ`.
///
/// ```
/// use scoreline_dixon_coles::evaluation::backtest::{blend, Pooling};
/// let p = blend(&[0.5, 0.3, 0.2], &[0.4, 0.3, 0.3], 0.5, Pooling::Linear);
/// assert!((p[0] - 0.45).abs() < 1e-15);
/// let q = blend(&[0.5, 0.3, 0.2], &[0.4, 0.3, 0.3], 1.0, Pooling::Logarithmic);
/// assert!((q[2] - 0.2).abs() < 1e-15);
/// ```
pub fn blend(model: &[f64], market: &[f64], w: f64, pooling: Pooling) -> Vec<f64> {
    let mut out = Vec::with_capacity(model.len());
    for (m, b) in model.chunks_exact(3).zip(market.chunks_exact(3)) {
        match pooling {
            Pooling::Linear => out.extend((0..3).map(|j| w * m[j] + (1.0 - w) * b[j])),
            Pooling::Logarithmic => {
                let raw: Vec<f64> = (0..3)
                    .map(|j| (w * m[j].max(1e-300).ln() + (1.0 - w) * b[j].max(1e-300).ln()).exp())
                    .collect();
                let sum: f64 = raw.iter().sum();
                out.extend(raw.iter().map(|v| v / sum));
            }
        }
    }
    out
}

struct BlendLoss<'a> {
    model: &'a [f64],
    market: &'a [f64],
    outcomes: &'a [u32],
    pooling: Pooling,
}

impl CostFunction for BlendLoss<'_> {
    type Param = f64;
    type Output = f64;

    /// Mean log loss of the blend with weight `w`.
    fn cost(&self, w: &f64) -> Result<f64, ArgminError> {
        let p = blend(self.model, self.market, *w, self.pooling);
        let n = self.outcomes.len() as f64;
        Ok(-self
            .outcomes
            .iter()
            .enumerate()
            .map(|(i, &o)| p[3 * i + o as usize].max(f64::EPSILON).ln())
            .sum::<f64>()
            / n)
    }
}

/// The model weight `w ∈ [0, 1]` minimising the mean log loss of the
/// blend on these (earlier) matches, by argmin's Brent minimiser.
///
/// Brent stops a tolerance short of an end of the interval (w ≈ 1.5e-5 when
/// the best weight is 0), so the ends are compared with its answer and an
/// end that is at least as good is returned exactly: a model the market
/// makes redundant gets weight 0, not a solver floor.
pub fn fit_blend_weight(
    model: &[f64],
    market: &[f64],
    outcomes: &[u32],
    pooling: Pooling,
) -> Result<f64, BacktestError> {
    if outcomes.is_empty() || model.len() != 3 * outcomes.len() || market.len() != model.len() {
        return Err(BacktestError::InvalidOption {
            option: "blend inputs",
            reason: format!(
                "{} model values and {} market values for {} outcomes",
                model.len(),
                market.len(),
                outcomes.len()
            ),
        });
    }
    let problem = || BlendLoss {
        model,
        market,
        outcomes,
        pooling,
    };
    let loss = |w: f64| {
        problem()
            .cost(&w)
            .map_err(|e| BacktestError::InvalidOption {
                option: "blend weight",
                reason: e.to_string(),
            })
    };
    let (at_zero, at_one) = (loss(0.0)?, loss(1.0)?);
    let result = Executor::new(problem(), BrentOpt::new(0.0, 1.0))
        .configure(|s| s.max_iters(100))
        .run()
        .map_err(|e| BacktestError::InvalidOption {
            option: "blend weight",
            reason: e.to_string(),
        })?;
    let inner = result.state.best_param.unwrap_or(0.5).clamp(0.0, 1.0);
    let inner_loss = loss(inner)?;
    Ok(if at_zero <= inner_loss && at_zero <= at_one {
        0.0
    } else if at_one <= inner_loss {
        1.0
    } else {
        inner
    })
}
