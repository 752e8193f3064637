//! Validated views of forecasts: an n × k row-major probability matrix,
//! outcome indices and optional weights.

use crate::MetricsError;

/// An outcome index type (`u8`, `u32`, `usize`, `i32`, `i64`).
pub trait OutcomeIndex: Copy {
    /// The index, or `None` when it is negative.
    fn index(self) -> Option<usize>;
    /// The value for error messages.
    fn value(self) -> i64;
}

macro_rules! outcome_index {
    ($($t:ty),*) => {$(
        impl OutcomeIndex for $t {
            #[inline]
            fn index(self) -> Option<usize> {
                usize::try_from(self).ok()
            }
            fn value(self) -> i64 {
                i64::try_from(self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
outcome_index!(u8, u16, u32, u64, usize, i32, i64);

/// Forecasts checked once, then scored by any metric.
#[derive(Debug, Clone, Copy)]
pub struct Forecasts<'a> {
    probs: &'a [f64],
    k: usize,
    outcomes: &'a [usize],
    weights: Option<&'a [f64]>,
    total_weight: f64,
}

/// How strictly rows are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowCheck {
    /// Every entry in [0, 1] and every row summing to 1 within 1e-9.
    Distribution,
    /// Every entry in [0, 1] (log loss: scikit-learn does not require rows to sum to 1).
    Probabilities,
}

/// Checks the shapes, the probabilities, the outcomes and the weights;
/// returns the outcomes as `usize` (written into `scratch`).
pub fn validate<'a, O: OutcomeIndex>(
    probs: &'a [f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&'a [f64]>,
    rows: RowCheck,
    scratch: &'a mut Vec<usize>,
) -> Result<Forecasts<'a>, MetricsError> {
    let n = outcomes.len();
    if n == 0 || k < 2 {
        return Err(MetricsError::Empty { n, k });
    }
    if probs.len() != n * k {
        return Err(MetricsError::LengthMismatch {
            what: "probabilities",
            expected: n * k,
            found: probs.len(),
        });
    }
    scratch.clear();
    scratch.reserve(n);
    for (row, &o) in outcomes.iter().enumerate() {
        match o.index() {
            Some(i) if i < k => scratch.push(i),
            _ => {
                return Err(MetricsError::OutcomeOutOfRange {
                    row,
                    outcome: o.value(),
                    k,
                })
            }
        }
    }
    for (row, p) in probs.chunks_exact(k).enumerate() {
        let mut sum = 0.0;
        for (column, &value) in p.iter().enumerate() {
            if !(0.0..=1.0).contains(&value) {
                return Err(MetricsError::InvalidProbability { row, column, value });
            }
            sum += value;
        }
        if rows == RowCheck::Distribution && (sum - 1.0).abs() > 1e-9 {
            return Err(MetricsError::RowSum { row, sum });
        }
    }
    let total_weight = match weights {
        None => n as f64,
        Some(w) => {
            if w.len() != n {
                return Err(MetricsError::LengthMismatch {
                    what: "sample weights",
                    expected: n,
                    found: w.len(),
                });
            }
            let mut total = 0.0;
            for (row, &weight) in w.iter().enumerate() {
                if !(weight.is_finite() && weight >= 0.0) {
                    return Err(MetricsError::InvalidWeight { row, weight });
                }
                total += weight;
            }
            if total <= 0.0 {
                return Err(MetricsError::InvalidWeight {
                    row: usize::MAX,
                    weight: 0.0,
                });
            }
            total
        }
    };
    Ok(Forecasts {
        probs,
        k,
        outcomes: scratch.as_slice(),
        weights,
        total_weight,
    })
}

impl<'a> Forecasts<'a> {
    /// The number of forecasts (at least one, once validated).
    pub fn count(&self) -> usize {
        self.outcomes.len()
    }

    /// Row i of the probability matrix.
    #[inline]
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.probs[i * self.k..(i + 1) * self.k]
    }

    /// The outcome of forecast i.
    #[inline]
    pub fn outcome(&self, i: usize) -> usize {
        self.outcomes[i]
    }

    /// The weighted mean of per-forecast values: `Σ wᵢ vᵢ / Σ wᵢ` (plain mean without weights).
    pub fn mean(&self, per_forecast: impl Iterator<Item = f64>) -> f64 {
        match self.weights {
            None => per_forecast.sum::<f64>() / self.total_weight,
            Some(w) => per_forecast.zip(w).map(|(v, w)| v * w).sum::<f64>() / self.total_weight,
        }
    }

    /// The weight of forecast i (1 without weights).
    #[inline]
    pub fn weight(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }
}
