//! Isotonic regression with scikit-learn 1.9's semantics.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::pava::{Block, Pava};
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

/// [`check_finite`] that also returns the smallest and largest value
/// (`(∞, −∞)` when empty).
fn finite_range(what: &'static str, values: &[f64]) -> Result<(f64, f64), CalibrationError> {
    let (mut lo, mut hi, mut nan) = (f64::INFINITY, f64::NEG_INFINITY, false);
    for &v in values {
        lo = if v < lo { v } else { lo };
        hi = if v > hi { v } else { hi };
        nan |= v.is_nan();
    }
    if nan || lo == f64::NEG_INFINITY || hi == f64::INFINITY {
        check_finite(what, values)?;
    }
    Ok((lo, hi))
}

/// A point: (x, y, weight).
type Point = (f64, f64, f64);

/// Below this many points the bucket sort is not worth its setup.
const BUCKET_SORT_MIN: usize = 2048;

/// Runs of equal key longer than this get a comparison sort.
const INSERTION_SORT_MAX: usize = 24;

/// About `1 << COARSE_BITS` coarse buckets: few enough write streams for
/// the scatter to stay cache- and TLB-friendly.
const COARSE_BITS: u32 = 10;

/// Orders points by x, then y.
#[inline]
fn by_x_then_y(a: &Point, b: &Point) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
}

/// Insertion sort by [`by_x_then_y`]: linear on nearly sorted points.
#[inline]
fn insertion_sort(run: &mut [Point]) {
    for i in 1..run.len() {
        let p = run[i];
        // A strictly smaller x is in order under `total_cmp` too.
        if run[i - 1].0 < p.0 {
            continue;
        }
        if by_x_then_y(&run[i - 1], &p).is_gt() {
            let mut j = i - 1;
            run[i] = run[j];
            while j > 0 && by_x_then_y(&run[j - 1], &p).is_gt() {
                run[j] = run[j - 1];
                j -= 1;
            }
            run[j] = p;
        }
    }
}

/// Sorts `src` into `run` by the fine key `fine(x)` (below
/// `counts.len() - 2`), then by (x, y) within runs of one key: a counting
/// sort, a comparison sort of runs longer than [`INSERTION_SORT_MAX`], and
/// an insertion sort pass for the rest.
fn fine_sort(src: &[Point], run: &mut [Point], counts: &mut [u32], fine: impl Fn(f64) -> usize) {
    if src.len() <= INSERTION_SORT_MAX {
        run.copy_from_slice(src);
    } else {
        counts.fill(0);
        let mut longest = 0;
        for p in src {
            let count = &mut counts[fine(p.0) + 2];
            *count += 1;
            longest = longest.max(*count);
        }
        // counts[f + 2] becomes fine bucket f's end, so counts[f + 1] is
        // its start.
        let mut sum = 0;
        for count in &mut counts[2..] {
            sum += *count;
            *count = sum;
        }
        for p in src {
            let slot = &mut counts[fine(p.0) + 1];
            run[*slot as usize] = *p;
            *slot += 1;
        }
        // Now fine bucket f is run[counts[f]..counts[f + 1]].
        if longest as usize > INSERTION_SORT_MAX {
            for f in 0..counts.len() - 2 {
                let (a, b) = (counts[f] as usize, counts[f + 1] as usize);
                if b - a > INSERTION_SORT_MAX {
                    run[a..b].sort_unstable_by(by_x_then_y);
                }
            }
        }
    }
    insertion_sort(run);
}

/// Where the pooled points go, one group at a time in increasing x.
trait GroupSink {
    /// Takes the next group; `points` is the buffer being sorted, whose
    /// indices below the group's number are free to overwrite.
    fn put(&mut self, points: &mut [Point], group: Point);
}

/// Writes group `g` to index `g` of the buffer being sorted (below the
/// index of every point not yet pooled).
struct InPlace {
    /// The number of groups written.
    groups: usize,
}

impl GroupSink for InPlace {
    #[inline]
    fn put(&mut self, points: &mut [Point], group: Point) {
        points[self.groups] = group;
        self.groups += 1;
    }
}

impl GroupSink for Pava {
    #[inline]
    fn put(&mut self, _: &mut [Point], (x, y, w): Point) {
        self.push(x, y, w);
    }
}

/// Pools ties of x among points fed in (x, y) order: a new group starts
/// when x is at least 1e-15 above the group's first x, and a group becomes
/// one point at its first x with the weighted mean y and the summed weight.
struct TiePooler {
    first_x: f64,
    sum_wy: f64,
    sum_w: f64,
}

impl TiePooler {
    /// Starts the first group at `first_x`, the smallest x.
    fn new(first_x: f64) -> Self {
        Self {
            first_x,
            sum_wy: 0.0,
            sum_w: 0.0,
        }
    }

    #[inline]
    fn push(&mut self, points: &mut [Point], (px, py, pw): Point, sink: &mut impl GroupSink) {
        if px - self.first_x >= 1e-15 {
            let group = (self.first_x, self.sum_wy / self.sum_w, self.sum_w);
            sink.put(points, group);
            self.first_x = px;
            self.sum_wy = py * pw;
            self.sum_w = pw;
        } else {
            self.sum_wy += py * pw;
            self.sum_w += pw;
        }
    }

    /// Hands over the last group.
    fn finish(self, points: &mut [Point], sink: &mut impl GroupSink) {
        let group = (self.first_x, self.sum_wy / self.sum_w, self.sum_w);
        sink.put(points, group);
    }
}

/// Steps 2–4 of [`IsotonicRegression::fit`]: drops points with weight ≤ 0,
/// sorts by (x, y) and pools ties of x, handing the groups to `sink` in
/// increasing x (see the algorithm there). `x_range` is x's smallest and
/// largest value. Returns the sorting buffer: with [`InPlace`], its first
/// `groups` entries are the pooled points.
fn pool_sorted(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    x_range: (f64, f64),
    sink: &mut impl GroupSink,
) -> Result<Vec<Point>, CalibrationError> {
    let n = x.len();
    match weights {
        Some(w) => pool_sorted_with(&x[..n], &y[..n], |i| w[i], x_range, sink),
        None => pool_sorted_with(&x[..n], &y[..n], |_| 1.0, x_range, sink),
    }
}

/// [`pool_sorted`] with the weights as a function of the index.
fn pool_sorted_with(
    x: &[f64],
    y: &[f64],
    weight: impl Fn(usize) -> f64,
    (lo, hi): (f64, f64),
    sink: &mut impl GroupSink,
) -> Result<Vec<Point>, CalibrationError> {
    let n = x.len();
    let keys = n.saturating_mul(2);
    let scale = keys as f64 / (hi - lo);
    if n < BUCKET_SORT_MIN || !(scale.is_finite() && scale > 0.0) {
        let mut points: Vec<Point> = (0..n)
            .map(|i| (x[i], y[i], weight(i)))
            .filter(|p| p.2 > 0.0)
            .collect();
        if points.is_empty() {
            return Err(CalibrationError::Empty);
        }
        points.sort_unstable_by(by_x_then_y);
        let mut pooler = TiePooler::new(points[0].0);
        for i in 0..points.len() {
            let p = points[i];
            pooler.push(&mut points, p, sink);
        }
        pooler.finish(&mut points, sink);
        return Ok(points);
    }
    // The monotone key, its high bits (coarse) and low bits (fine).
    let last = keys - 1;
    // Through i64, a cheaper conversion than to usize: the product is
    // finite and not negative.
    let key = |xi: f64| (((xi - lo) * scale) as i64 as usize).min(last);
    let fine_bits = (usize::BITS - last.leading_zeros()).saturating_sub(COARSE_BITS);
    let fine_mask = (1usize << fine_bits) - 1;
    // Count the kept points per coarse bucket, then turn the counts into
    // bucket starts.
    let mut next = vec![0usize; (last >> fine_bits) + 1];
    let mut kept = 0;
    for (i, &xi) in x.iter().enumerate() {
        if weight(i) > 0.0 {
            next[key(xi) >> fine_bits] += 1;
            kept += 1;
        }
    }
    if kept == 0 {
        return Err(CalibrationError::Empty);
    }
    let (mut start, mut largest) = (0, 0);
    for slot in next.iter_mut() {
        let count = *slot;
        largest = largest.max(count);
        *slot = start;
        start += count;
    }
    // Scatter; afterwards `next[b]` is coarse bucket b's end.
    let mut points = vec![(0.0, 0.0, 0.0); kept];
    for i in 0..n {
        let wi = weight(i);
        if wi > 0.0 {
            let slot = &mut next[key(x[i]) >> fine_bits];
            points[*slot] = (x[i], y[i], wi);
            *slot += 1;
        }
    }
    // Sort each coarse bucket on the fine bits via `scratch` and pool it.
    let mut scratch = vec![(0.0, 0.0, 0.0); largest];
    let mut counts = vec![0u32; fine_mask + 3];
    let mut pooler: Option<TiePooler> = None;
    let mut begin = 0;
    for &end in &next {
        let len = end - begin;
        if len == 0 {
            continue;
        }
        let run = &mut scratch[..len];
        fine_sort(&points[begin..end], run, &mut counts, |xi| {
            key(xi) & fine_mask
        });
        let pooler = pooler.get_or_insert_with(|| TiePooler::new(run[0].0));
        for &p in run.iter() {
            pooler.push(&mut points, p, sink);
        }
        begin = end;
    }
    pooler.expect("a kept point").finish(&mut points, sink);
    Ok(points)
}

/// Steps 6–7 of [`IsotonicRegression::fit`] on PAVA's blocks (in x order),
/// with `values` the blocks' clipped means: the thresholds whose value
/// differs from a neighbour's, plus both ends. Interior points of a block
/// equal both neighbours, so only a block's first and last point can be
/// kept. A NaN value equals nothing, so all its block's points are kept:
/// that needs the pooled `points` (`None` only when no value is NaN).
fn thresholds(blocks: &[Block], values: &[f64], points: Option<&[Point]>) -> (Vec<f64>, Vec<f64>) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    let keep = |v: f64, left: Option<f64>, right: Option<f64>| match (left, right) {
        (Some(l), Some(r)) => v != l || v != r,
        _ => true,
    };
    let mut start = 0;
    for (k, (block, &v)) in blocks.iter().zip(values).enumerate() {
        let before = k.checked_sub(1).map(|j| values[j]);
        let after = values.get(k + 1).copied();
        if v.is_nan() {
            let points = points.expect("the pooled points of a NaN block");
            for p in &points[start..start + block.len] {
                xs.push(p.0);
                ys.push(v);
            }
        } else if block.len == 1 {
            if keep(v, before, after) {
                xs.push(block.first_x);
                ys.push(v);
            }
        } else {
            if keep(v, before, Some(v)) {
                xs.push(block.first_x);
                ys.push(v);
            }
            if keep(v, Some(v), after) {
                xs.push(block.last_x);
                ys.push(v);
            }
        }
        start += block.len;
    }
    (xs, ys)
}

impl IsotonicRegression {
    /// Fits `y` against `x` with optional sample weights, exactly as
    /// scikit-learn 1.9's `IsotonicRegression.fit`:
    ///
    /// 1. the direction (with `Auto`, from Spearman's ρ on all points);
    /// 2. points with weight ≤ 0 are dropped;
    /// 3. points are sorted by x, then y (a bucket sort, see below);
    /// 4. runs of x closer than 1e-15 to the run's first x are pooled into
    ///    one point at that x with the weighted mean y and the summed weight;
    /// 5. weighted PAVA (on reversed order for a decreasing fit);
    /// 6. fitted values are clipped to `[y_min, y_max]`;
    /// 7. interior thresholds whose y equals both neighbours are dropped.
    ///
    /// # Algorithm
    ///
    /// The sort is a two-level bucket sort on a monotone integer key, O(n)
    /// for spread-out x and built to stay in cache. With x's range
    /// `[x_min, x_max]` and K = 2n keys, a point's key is
    /// `k = min(⌊(x − x_min)·(K / (x_max − x_min))⌋, K − 1)`. Subtraction,
    /// multiplication by a positive constant and truncation are all monotone
    /// in floating point, so a smaller x never gets a larger key, and points
    /// with different keys are already in order. The key's high bits pick
    /// one of about a thousand coarse buckets: the kept points are counted
    /// per coarse bucket, the counts prefix-summed and the points scattered
    /// into one buffer (a thousand sequential write streams). Each coarse
    /// bucket (typically a thousand points) is then counting-sorted on the
    /// key's low bits into a small scratch buffer; runs of equal key longer
    /// than 24 points are sorted by (x, y) with a comparison sort, and one
    /// insertion sort pass finishes the rest (a point only moves within its
    /// run, typically of zero or one other point). The sorted points are
    /// pooled (step 4) right away, while still in cache. Below 2048 points,
    /// or when the x range is empty or not finite, a plain comparison sort
    /// replaces the bucket sort. Only the order of points with equal (x, y)
    /// can differ from any other (x, y) sort, which changes nothing but the
    /// summation order of their pooling.
    ///
    /// For an increasing fit the pooled points stream straight into PAVA
    /// (a stack of blocks, each with its sums, length and end x's); for a
    /// decreasing fit they are written back into the front of the sort
    /// buffer and PAVA runs over them in reverse. The thresholds (steps 6
    /// and 7) are read off the blocks without expanding them to one value
    /// per point: only a block's first and last point can differ from a
    /// neighbour.
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
        let x_range = finite_range("x", x)?;
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
        let (lo, hi) = (
            self.y_min.unwrap_or(f64::NEG_INFINITY),
            self.y_max.unwrap_or(f64::INFINITY),
        );
        let clipped_means = |blocks: &[Block]| -> Vec<f64> {
            blocks.iter().map(|b| b.mean().clamp(lo, hi)).collect()
        };
        // An increasing fit streams the pooled points into PAVA, unless a
        // block ends up NaN (overflowing sums), which needs the points.
        let mut streamed = None;
        if increasing {
            let mut pava = Pava::default();
            pool_sorted(x, y, weights, x_range, &mut pava)?;
            let blocks = pava.finish();
            let values = clipped_means(&blocks);
            if !values.iter().any(|v| v.is_nan()) {
                streamed = Some((blocks, values));
            }
        }
        let (blocks, values, points) = match streamed {
            Some((blocks, values)) => (blocks, values, None),
            None => {
                let mut pooled = InPlace { groups: 0 };
                let mut points = pool_sorted(x, y, weights, x_range, &mut pooled)?;
                points.truncate(pooled.groups);
                let mut pava = Pava::default();
                if increasing {
                    points.iter().for_each(|p| pava.push(p.0, p.1, p.2));
                } else {
                    points.iter().rev().for_each(|p| pava.push(p.0, p.1, p.2));
                }
                let mut blocks = pava.finish();
                if !increasing {
                    blocks.reverse();
                    for b in &mut blocks {
                        std::mem::swap(&mut b.first_x, &mut b.last_x);
                    }
                }
                let values = clipped_means(&blocks);
                (blocks, values, Some(points))
            }
        };
        let (x_thresholds, y_thresholds) = thresholds(&blocks, &values, points.as_deref());
        let (x_min, x_max) = (blocks[0].first_x, blocks[blocks.len() - 1].last_x);
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
        if self.out_of_bounds == OutOfBounds::Error {
            if let Some(index) = x.iter().position(|&v| v < xs[0] || v > xs[m - 1]) {
                return Err(CalibrationError::OutOfBounds {
                    index,
                    value: x[index],
                    min: self.x_min,
                    max: self.x_max,
                });
            }
        }
        let table = BucketTable::new(xs, x.len());
        let interpolate = |xc: &[f64], oc: &mut [f64]| {
            for (&v, o) in xc.iter().zip(oc.iter_mut()) {
                let v = match self.out_of_bounds {
                    OutOfBounds::Clip => v.clamp(self.x_min, self.x_max),
                    _ => v,
                };
                if v < xs[0] || v > xs[m - 1] {
                    *o = f64::NAN;
                    continue;
                }
                let hi = table.count_below(xs, v).clamp(1, m - 1);
                let lo = hi - 1;
                let slope = (ys[hi] - ys[lo]) / (xs[hi] - xs[lo]);
                *o = slope * (v - xs[lo]) + ys[lo];
            }
        };
        // Large inputs are cut into chunks interpolated in parallel; every
        // point is computed by the same expression, so the result does not
        // depend on the thread count.
        if x.len() >= 2 * PARALLEL_CHUNK {
            x.par_chunks(PARALLEL_CHUNK)
                .zip(out.par_chunks_mut(PARALLEL_CHUNK))
                .for_each(|(xc, oc)| interpolate(xc, oc));
        } else {
            interpolate(x, out);
        }
        Ok(())
    }
}

/// Points per parallel chunk of [`FittedIsotonic::predict_into`].
const PARALLEL_CHUNK: usize = 1 << 16;

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
