//! Calibrating multi-outcome forecasts (1X2) one outcome at a time.

use serde::{Deserialize, Serialize};

use crate::isotonic::{Direction, FittedIsotonic, IsotonicRegression, OutOfBounds};
use crate::CalibrationError;

/// One isotonic map per outcome, fitted one-vs-rest, then rows renormalised:
/// the semantics of scikit-learn's `CalibratedClassifierCV(method="isotonic")`
/// applied to already-computed probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeCalibrator {
    maps: Vec<FittedIsotonic>,
}

fn check_rows(probs: &[f64], k: usize) -> Result<usize, CalibrationError> {
    if k < 2 || !probs.len().is_multiple_of(k) {
        return Err(CalibrationError::InvalidOption {
            option: "k",
            reason: format!(
                "{} probabilities cannot form rows of {k} outcomes",
                probs.len()
            ),
        });
    }
    if let Some(i) = probs.iter().position(|p| !(0.0..=1.0).contains(p)) {
        return Err(CalibrationError::InvalidRow {
            row: i / k,
            reason: format!("probability {} is not in [0, 1]", probs[i]),
        });
    }
    Ok(probs.len() / k)
}

impl OutcomeCalibrator {
    /// Fits outcome j's map on `(pᵢⱼ, 1{outcomeᵢ = j})` with increasing
    /// isotonic regression that clips out-of-range inputs, for every j.
    /// `probs` is row-major n × k; `outcomes[i]` in 0..k.
    pub fn fit(
        probs: &[f64],
        k: usize,
        outcomes: &[usize],
        weights: Option<&[f64]>,
    ) -> Result<Self, CalibrationError> {
        let n = check_rows(probs, k)?;
        if outcomes.len() != n {
            return Err(CalibrationError::LengthMismatch {
                what: "outcomes",
                expected: n,
                found: outcomes.len(),
            });
        }
        if let Some(row) = outcomes.iter().position(|&o| o >= k) {
            return Err(CalibrationError::InvalidRow {
                row,
                reason: format!("outcome {} is not in 0..{k}", outcomes[row]),
            });
        }
        let regression = IsotonicRegression {
            out_of_bounds: OutOfBounds::Clip,
            direction: Direction::Increasing,
            ..Default::default()
        };
        let maps = (0..k)
            .map(|j| {
                let x: Vec<f64> = probs.iter().skip(j).step_by(k).copied().collect();
                let y: Vec<f64> = outcomes
                    .iter()
                    .map(|&o| f64::from(u8::from(o == j)))
                    .collect();
                regression.fit(&x, &y, weights)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { maps })
    }

    /// The number of outcomes.
    pub fn k(&self) -> usize {
        self.maps.len()
    }

    /// The fitted map of each outcome.
    pub fn maps(&self) -> &[FittedIsotonic] {
        &self.maps
    }

    /// Calibrated rows: `qᵢⱼ = fⱼ(pᵢⱼ) / Σₗ fₗ(pᵢₗ)`, a row whose maps all give
    /// 0 becomes uniform, and values in (1, 1 + 1e-5] are set to 1.
    pub fn predict(&self, probs: &[f64]) -> Result<Vec<f64>, CalibrationError> {
        let k = self.k();
        let n = check_rows(probs, k)?;
        let mut out = vec![0.0; probs.len()];
        let mut column_in = vec![0.0; n];
        let mut column_out = vec![0.0; n];
        for (j, map) in self.maps.iter().enumerate() {
            for (c, p) in column_in.iter_mut().zip(probs.iter().skip(j).step_by(k)) {
                *c = *p;
            }
            map.predict_into(&column_in, &mut column_out)?;
            for (i, v) in column_out.iter().enumerate() {
                out[i * k + j] = *v;
            }
        }
        for row in out.chunks_exact_mut(k) {
            let sum: f64 = row.iter().sum();
            if sum != 0.0 {
                row.iter_mut().for_each(|v| *v /= sum);
            } else {
                row.iter_mut().for_each(|v| *v = 1.0 / k as f64);
            }
            row.iter_mut()
                .filter(|v| **v > 1.0 && **v <= 1.0 + 1e-5)
                .for_each(|v| *v = 1.0);
        }
        Ok(out)
    }

    /// The calibrator as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a calibrator always serialises")
    }

    /// A calibrator from [`OutcomeCalibrator::to_json`].
    pub fn from_json(text: &str) -> Result<Self, CalibrationError> {
        let c: Self =
            serde_json::from_str(text).map_err(|e| CalibrationError::Json(e.to_string()))?;
        if c.maps.len() < 2
            || c.maps
                .iter()
                .any(|m| m.x_thresholds.is_empty() || m.x_thresholds.len() != m.y_thresholds.len())
        {
            return Err(CalibrationError::Json("inconsistent maps".into()));
        }
        Ok(c)
    }
}
