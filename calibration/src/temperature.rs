//! Temperature scaling: one parameter, fitted by log loss.

use argmin::core::{CostFunction, Error as ArgminError, Executor};
use argmin::solver::brent::BrentOpt;
use serde::{Deserialize, Serialize};

use crate::CalibrationError;

/// Rescales forecasts as `qⱼ ∝ pⱼ^(1/T)`: T > 1 flattens over-confident
/// forecasts, T < 1 sharpens timid ones, T = 1 changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TemperatureScaling {
    /// The temperature T (> 0).
    pub temperature: f64,
}

/// `qⱼ = pⱼ^(1/T) / Σₗ pₗ^(1/T)` for one row (in place).
fn scale_row(row: &mut [f64], inverse_t: f64) {
    let mut sum = 0.0;
    for v in row.iter_mut() {
        *v = if *v > 0.0 { v.powf(inverse_t) } else { 0.0 };
        sum += *v;
    }
    if sum > 0.0 {
        row.iter_mut().for_each(|v| *v /= sum);
    }
}

struct LogLoss<'a> {
    probs: &'a [f64],
    k: usize,
    outcomes: &'a [usize],
    weights: Option<&'a [f64]>,
}

impl CostFunction for LogLoss<'_> {
    type Param = f64;
    type Output = f64;

    /// The weighted mean log loss at `T = exp(log_t)`.
    fn cost(&self, log_t: &f64) -> Result<f64, ArgminError> {
        let inverse_t = (-log_t).exp();
        let mut row = vec![0.0; self.k];
        let (mut total, mut weight) = (0.0, 0.0);
        for (i, p) in self.probs.chunks_exact(self.k).enumerate() {
            row.copy_from_slice(p);
            scale_row(&mut row, inverse_t);
            let w = self.weights.map_or(1.0, |w| w[i]);
            total -= w * row[self.outcomes[i]]
                .clamp(f64::EPSILON, 1.0 - f64::EPSILON)
                .ln();
            weight += w;
        }
        Ok(total / weight)
    }
}

impl TemperatureScaling {
    /// Fits T by minimising the weighted log loss over ln T in [−4, 4]
    /// (argmin's Brent minimiser).
    pub fn fit(
        probs: &[f64],
        k: usize,
        outcomes: &[usize],
        weights: Option<&[f64]>,
    ) -> Result<Self, CalibrationError> {
        if k < 2 || probs.len() != outcomes.len() * k || outcomes.is_empty() {
            return Err(CalibrationError::LengthMismatch {
                what: "probabilities",
                expected: outcomes.len() * k,
                found: probs.len(),
            });
        }
        if let Some(i) = probs.iter().position(|p| !(0.0..=1.0).contains(p)) {
            return Err(CalibrationError::InvalidRow {
                row: i / k,
                reason: format!("probability {} is not in [0, 1]", probs[i]),
            });
        }
        if let Some(row) = outcomes.iter().position(|&o| o >= k) {
            return Err(CalibrationError::InvalidRow {
                row,
                reason: format!("outcome {} is not in 0..{k}", outcomes[row]),
            });
        }
        if let Some(w) = weights {
            if w.len() != outcomes.len() {
                return Err(CalibrationError::LengthMismatch {
                    what: "sample_weight",
                    expected: outcomes.len(),
                    found: w.len(),
                });
            }
            if let Some(index) = w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
                return Err(CalibrationError::NonFinite {
                    what: "sample_weight",
                    index,
                    value: w[index],
                });
            }
        }
        let problem = LogLoss {
            probs,
            k,
            outcomes,
            weights,
        };
        let result = Executor::new(problem, BrentOpt::new(-4.0, 4.0))
            .configure(|s| s.max_iters(200))
            .run()
            .map_err(|e| CalibrationError::InvalidOption {
                option: "temperature",
                reason: e.to_string(),
            })?;
        let log_t = result.state.best_param.unwrap_or(0.0);
        Ok(Self {
            temperature: log_t.exp(),
        })
    }

    /// Rescaled rows (row-major, k per row).
    pub fn predict(&self, probs: &[f64], k: usize) -> Result<Vec<f64>, CalibrationError> {
        if k < 2 || !probs.len().is_multiple_of(k) {
            return Err(CalibrationError::InvalidOption {
                option: "k",
                reason: format!("{} values are not rows of {k}", probs.len()),
            });
        }
        let mut out = probs.to_vec();
        for row in out.chunks_exact_mut(k) {
            scale_row(row, 1.0 / self.temperature);
        }
        Ok(out)
    }
}
