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

/// Validates and scores in one pass: for each forecast, checks its
/// probabilities (and, with [`RowCheck::Distribution`], that the row sums to
/// 1 within 1e-9) and its outcome, then adds `wᵢ·score(row, outcome)`;
/// returns `Σ wᵢ sᵢ / Σ wᵢ`.
pub fn weighted_mean_score<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
    rows: RowCheck,
    score: impl Fn(&[f64], usize) -> f64,
) -> Result<f64, MetricsError> {
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
    if let Some(w) = weights {
        if w.len() != n {
            return Err(MetricsError::LengthMismatch {
                what: "sample weights",
                expected: n,
                found: w.len(),
            });
        }
    }
    let (total, total_weight) = match k {
        2 => accumulate::<2, O>(probs, outcomes, weights, rows, &score)?,
        3 => accumulate::<3, O>(probs, outcomes, weights, rows, &score)?,
        _ => accumulate_dyn(probs, k, outcomes, weights, rows, &score)?,
    };
    if total_weight <= 0.0 {
        return Err(MetricsError::InvalidWeight {
            row: usize::MAX,
            weight: 0.0,
        });
    }
    Ok(total / total_weight)
}

/// Checks one row (entries in [0, 1]; the sum when a distribution is needed).
#[inline(always)]
fn check_row(row: &[f64], row_index: usize, rows: RowCheck) -> Result<(), MetricsError> {
    let mut sum = 0.0;
    let mut valid = true;
    for &p in row {
        valid &= (0.0..=1.0).contains(&p);
        sum += p;
    }
    if !valid {
        let column = row
            .iter()
            .position(|p| !(0.0..=1.0).contains(p))
            .unwrap_or(0);
        return Err(MetricsError::InvalidProbability {
            row: row_index,
            column,
            value: row[column],
        });
    }
    if rows == RowCheck::Distribution && (sum - 1.0).abs() > 1e-9 {
        return Err(MetricsError::RowSum {
            row: row_index,
            sum,
        });
    }
    Ok(())
}

#[inline(always)]
fn checked_outcome<O: OutcomeIndex>(o: O, row: usize, k: usize) -> Result<usize, MetricsError> {
    match o.index() {
        Some(i) if i < k => Ok(i),
        _ => Err(MetricsError::OutcomeOutOfRange {
            row,
            outcome: o.value(),
            k,
        }),
    }
}

#[inline(always)]
fn checked_weight(weights: Option<&[f64]>, row: usize) -> Result<f64, MetricsError> {
    match weights {
        None => Ok(1.0),
        Some(ws) => {
            let w = ws[row];
            if w.is_finite() && w >= 0.0 {
                Ok(w)
            } else {
                Err(MetricsError::InvalidWeight { row, weight: w })
            }
        }
    }
}

/// `(Σ wᵢ sᵢ, Σ wᵢ)` for rows of a fixed width `K`, in one pass: the
/// checks are accumulated without early exits (so the loop stays
/// branch-free and unrolled) and, only if one failed, the rows are scanned
/// again to name the first row at fault.
fn accumulate<const K: usize, O: OutcomeIndex>(
    probs: &[f64],
    outcomes: &[O],
    weights: Option<&[f64]>,
    rows: RowCheck,
    score: &impl Fn(&[f64], usize) -> f64,
) -> Result<(f64, f64), MetricsError> {
    let distribution = rows == RowCheck::Distribution;
    let mut ok = true;
    let mut total = 0.0;
    let mut total_weight = 0.0;
    for (i, (row, &o)) in probs.chunks_exact(K).zip(outcomes).enumerate() {
        let row: &[f64; K] = row.try_into().expect("chunks of K");
        let mut sum = 0.0;
        for &p in row {
            ok &= (0.0..=1.0).contains(&p);
            sum += p;
        }
        ok &= !distribution | ((sum - 1.0).abs() <= 1e-9);
        let index = o.index().unwrap_or(K);
        ok &= index < K;
        let w = weights.map_or(1.0, |ws| ws[i]);
        ok &= w.is_finite() & (w >= 0.0);
        total += w * score(row, index.min(K - 1));
        total_weight += w;
    }
    if !ok {
        accumulate_dyn(probs, K, outcomes, weights, rows, score)?;
    }
    Ok((total, total_weight))
}

/// [`accumulate`] for any width.
fn accumulate_dyn<O: OutcomeIndex>(
    probs: &[f64],
    k: usize,
    outcomes: &[O],
    weights: Option<&[f64]>,
    rows: RowCheck,
    score: &impl Fn(&[f64], usize) -> f64,
) -> Result<(f64, f64), MetricsError> {
    let (mut total, mut total_weight) = (0.0, 0.0);
    for (i, (row, &o)) in probs.chunks_exact(k).zip(outcomes).enumerate() {
        let outcome = checked_outcome(o, i, k)?;
        check_row(row, i, rows)?;
        let w = checked_weight(weights, i)?;
        total += w * score(row, outcome);
        total_weight += w;
    }
    Ok((total, total_weight))
}
