//! Isotonic regression with scikit-learn 1.9's semantics.

use serde::{Deserialize, Serialize};

use crate::pava::pava_increasing;
use crate::CalibrationError;

/// The direction of the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Non-decreasing.
    #[default]
    Increasing,
    /// Non-increasing.
    Decreasing,
    /// The sign of Spearman's ρ between x and y (ρ ≥ 0 → increasing; an
    /// undefined ρ, e.g. constant input, → decreasing, as scikit-learn).
    Auto,
}

/// What predictions outside the fitted x range do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutOfBounds {
    /// NaN (scikit-learn's `"nan"`).
    #[default]
    Nan,
    /// Clamp x to the fitted range first (`"clip"`).
    Clip,
    /// A typed error (`"raise"`).
    Error,
}

/// The settings of an isotonic regression (scikit-learn's parameters).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct IsotonicRegression {
    /// Lower clip applied to the fitted values (`y_min`).
    pub y_min: Option<f64>,
    /// Upper clip applied to the fitted values (`y_max`).
    pub y_max: Option<f64>,
    /// The direction.
    pub direction: Direction,
    /// Out-of-range behaviour of predictions.
    pub out_of_bounds: OutOfBounds,
}

/// A fitted isotonic regression: a piecewise-linear map through its thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedIsotonic {
    /// The x of each threshold, strictly increasing.
    pub x_thresholds: Vec<f64>,
    /// The fitted y at each threshold.
    pub y_thresholds: Vec<f64>,
    /// True for a non-decreasing fit.
    pub increasing: bool,
    /// The smallest fitted x.
    pub x_min: f64,
    /// The largest fitted x.
    pub x_max: f64,
    /// Out-of-range behaviour.
    pub out_of_bounds: OutOfBounds,
}

fn check_finite(what: &'static str, values: &[f64]) -> Result<(), CalibrationError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(CalibrationError::NonFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Average ranks (1-based; ties share the mean of their ranks).
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's ρ: the Pearson correlation of the average ranks (NaN when
/// either side is constant).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

impl IsotonicRegression {
    /// Fits `y` against `x` with optional sample weights, exactly as
    /// scikit-learn 1.9's `IsotonicRegression.fit`:
    ///
    /// 1. the direction (with `Auto`, from Spearman's ρ on all points);
    /// 2. points with weight ≤ 0 are dropped;
    /// 3. points are sorted by x, then y;
    /// 4. runs of x closer than 1e-15 to the run's first x are pooled into
    ///    one point at that x with the weighted mean y and the summed weight;
    /// 5. weighted PAVA (on reversed order for a decreasing fit);
    /// 6. fitted values are clipped to `[y_min, y_max]`;
    /// 7. interior thresholds whose y equals both neighbours are dropped.
    ///
    /// ```
    /// use scoreline_calibration::IsotonicRegression;
    /// let fitted = IsotonicRegression::default().fit(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0], None).unwrap();
    /// assert_eq!(fitted.predict(&[1.0, 2.0, 2.5, 3.0, 4.0]).unwrap(), vec![1.0, 2.5, 2.5, 2.5, 4.0]);
    /// ```
    pub fn fit(
        &self,
        x: &[f64],
        y: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<FittedIsotonic, CalibrationError> {
        let n = x.len();
        if y.len() != n {
            return Err(CalibrationError::LengthMismatch {
                what: "y",
                expected: n,
                found: y.len(),
            });
        }
        check_finite("x", x)?;
        check_finite("y", y)?;
        if let Some(w) = weights {
            if w.len() != n {
                return Err(CalibrationError::LengthMismatch {
                    what: "sample_weight",
                    expected: n,
                    found: w.len(),
                });
            }
            check_finite("sample_weight", w)?;
        }
        if let (Some(lo), Some(hi)) = (self.y_min, self.y_max) {
            if lo > hi {
                return Err(CalibrationError::InvalidOption {
                    option: "y_min/y_max",
                    reason: format!("y_min {lo} > y_max {hi}"),
                });
            }
        }
        let increasing = match self.direction {
            Direction::Increasing => true,
            Direction::Decreasing => false,
            Direction::Auto => spearman(x, y) >= 0.0,
        };
        // (x, y, w) of the points with positive weight, sorted by x then y.
        let mut points: Vec<(f64, f64, f64)> = (0..n)
            .map(|i| (x[i], y[i], weights.map_or(1.0, |w| w[i])))
            .filter(|p| p.2 > 0.0)
            .collect();
        if points.is_empty() {
            return Err(CalibrationError::Empty);
        }
        points.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        // Pool ties of x.
        let mut ux: Vec<f64> = Vec::with_capacity(points.len());
        let mut uy: Vec<f64> = Vec::with_capacity(points.len());
        let mut uw: Vec<f64> = Vec::with_capacity(points.len());
        let (mut cx, mut cwy, mut cw) = (points[0].0, 0.0, 0.0);
        for &(px, py, pw) in &points {
            if px - cx >= 1e-15 {
                ux.push(cx);
                uy.push(cwy / cw);
                uw.push(cw);
                cx = px;
                cwy = py * pw;
                cw = pw;
            } else {
                cwy += py * pw;
                cw += pw;
            }
        }
        ux.push(cx);
        uy.push(cwy / cw);
        uw.push(cw);
        if increasing {
            pava_increasing(&mut uy, &uw);
        } else {
            uy.reverse();
            uw.reverse();
            pava_increasing(&mut uy, &uw);
            uy.reverse();
        }
        let (lo, hi) = (
            self.y_min.unwrap_or(f64::NEG_INFINITY),
            self.y_max.unwrap_or(f64::INFINITY),
        );
        uy.iter_mut().for_each(|v| *v = v.clamp(lo, hi));
        let (x_min, x_max) = (ux[0], ux[ux.len() - 1]);
        // Drop interior points equal to both neighbours.
        let m = uy.len();
        let keep: Vec<bool> = (0..m)
            .map(|i| i == 0 || i == m - 1 || uy[i] != uy[i - 1] || uy[i] != uy[i + 1])
            .collect();
        let x_thresholds = ux
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(v, _)| *v)
            .collect();
        let y_thresholds = uy
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(v, _)| *v)
            .collect();
        Ok(FittedIsotonic {
            x_thresholds,
            y_thresholds,
            increasing,
            x_min,
            x_max,
            out_of_bounds: self.out_of_bounds,
        })
    }
}

impl FittedIsotonic {
    /// Predictions, as scikit-learn's `predict`: with `Clip` x is clamped
    /// to `[x_min, x_max]`; a single threshold predicts its y everywhere;
    /// otherwise linear interpolation between the thresholds around x
    /// (`y_lo + (x − x_lo)·(y_hi − y_lo)/(x_hi − x_lo)`, the bracket found by
    /// a left binary search), and outside the range NaN or an error.
    pub fn predict(&self, x: &[f64]) -> Result<Vec<f64>, CalibrationError> {
        let mut out = vec![0.0; x.len()];
        self.predict_into(x, &mut out)?;
        Ok(out)
    }

    /// [`FittedIsotonic::predict`] into a caller's buffer.
    pub fn predict_into(&self, x: &[f64], out: &mut [f64]) -> Result<(), CalibrationError> {
        if out.len() != x.len() {
            return Err(CalibrationError::LengthMismatch {
                what: "output",
                expected: x.len(),
                found: out.len(),
            });
        }
        check_finite("x", x)?;
        let xs = &self.x_thresholds;
        let ys = &self.y_thresholds;
        let m = xs.len();
        if m == 1 {
            out.iter_mut().for_each(|o| *o = ys[0]);
            return Ok(());
        }
        let table = BucketTable::new(xs, x.len());
        for (i, (&v, o)) in x.iter().zip(out.iter_mut()).enumerate() {
            let v = match self.out_of_bounds {
                OutOfBounds::Clip => v.clamp(self.x_min, self.x_max),
                _ => v,
            };
            if v < xs[0] || v > xs[m - 1] {
                if self.out_of_bounds == OutOfBounds::Error {
                    return Err(CalibrationError::OutOfBounds {
                        index: i,
                        value: v,
                        min: self.x_min,
                        max: self.x_max,
                    });
                }
                *o = f64::NAN;
                continue;
            }
            let hi = table.count_below(xs, v).clamp(1, m - 1);
            let lo = hi - 1;
            let slope = (ys[hi] - ys[lo]) / (xs[hi] - xs[lo]);
            *o = slope * (v - xs[lo]) + ys[lo];
        }
        Ok(())
    }
}

/// Narrows the binary search for a query: the threshold range is cut into
/// equal-width buckets, and `start[b]` counts the thresholds below bucket
/// b's left edge. A query searches only its bucket's thresholds (widened by
/// one bucket each side against rounding in the bucket index), which gives
/// exactly the count a full binary search would.
struct BucketTable {
    start: Vec<usize>,
    origin: f64,
    inverse_width: f64,
}

impl BucketTable {
    fn new(xs: &[f64], queries: usize) -> Self {
        let m = xs.len();
        let buckets = if queries >= 256 && m >= 32 {
            (4 * m).min(1 << 16)
        } else {
            1
        };
        let (origin, span) = (xs[0], xs[m - 1] - xs[0]);
        let inverse_width = if span > 0.0 {
            buckets as f64 / span
        } else {
            0.0
        };
        let mut start = Vec::with_capacity(buckets + 1);
        for b in 0..=buckets {
            let edge = origin + b as f64 / inverse_width.max(f64::MIN_POSITIVE);
            start.push(if b == 0 {
                0
            } else if b == buckets {
                m
            } else {
                xs.partition_point(|t| *t < edge)
            });
        }
        Self {
            start,
            origin,
            inverse_width,
        }
    }

    /// The number of thresholds strictly below `v` (v within the threshold range).
    #[inline]
    fn count_below(&self, xs: &[f64], v: f64) -> usize {
        let buckets = self.start.len() - 1;
        let b = (((v - self.origin) * self.inverse_width) as usize).min(buckets - 1);
        let lo = self.start[b.saturating_sub(1)];
        let hi = self.start[(b + 2).min(buckets)];
        lo + xs[lo..hi].partition_point(|t| *t < v)
    }
}
