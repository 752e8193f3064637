//! Is one forecaster really better than another on the same matches?

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::MetricsError;

/// The Diebold–Mariano test of equal predictive accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DieboldMariano {
    /// `d̄ = mean(score_a − score_b)`: negative means A scores lower (better, for losses).
    pub mean_difference: f64,
    /// The Newey–West long-run variance of d.
    pub variance: f64,
    /// `d̄ / √(variance / n)`.
    pub statistic: f64,
    /// The two-sided p-value `2·(1 − Φ(|statistic|))`.
    pub p_value: f64,
    /// The number of paired scores.
    pub n: usize,
    /// The Newey–West lag.
    pub lag: usize,
}

fn differences(a: &[f64], b: &[f64]) -> Result<Vec<f64>, MetricsError> {
    if a.len() != b.len() {
        return Err(MetricsError::LengthMismatch {
            what: "scores of forecaster B",
            expected: a.len(),
            found: b.len(),
        });
    }
    if a.len() < 2 {
        return Err(MetricsError::Empty { n: a.len(), k: 2 });
    }
    a.iter()
        .zip(b)
        .enumerate()
        .map(|(row, (x, y))| {
            let d = x - y;
            if d.is_finite() {
                Ok(d)
            } else {
                Err(MetricsError::InvalidScore {
                    row,
                    value: if x.is_finite() { *y } else { *x },
                })
            }
        })
        .collect()
}

/// Diebold–Mariano on per-match scores of two forecasters (e.g. RPS):
///
/// ```text
/// dᵢ = aᵢ − bᵢ,  d̄ = mean d,  γ_l = (1/n) Σᵢ₌ₗ₊₁ⁿ (dᵢ − d̄)(dᵢ₋ₗ − d̄)
/// V  = γ₀ + 2 Σₗ₌₁ᴸ (1 − l/(L+1)) γ_l          (Newey–West, Bartlett weights, lag L)
/// DM = d̄ / √(V/n),  p = 2(1 − Φ(|DM|))
/// ```
///
/// When V = 0 the statistic is 0 (p = 1) if d̄ = 0, else ±∞ (p = 0).
///
/// ```
/// use scoreline_metrics::diebold_mariano;
/// let a = [0.20, 0.18, 0.25, 0.21, 0.19, 0.22];
/// let b = [0.22, 0.21, 0.24, 0.25, 0.20, 0.26];
/// let dm = diebold_mariano(&a, &b, 0).unwrap();
/// assert!(dm.mean_difference < 0.0 && dm.p_value < 0.1);
/// ```
pub fn diebold_mariano(a: &[f64], b: &[f64], lag: usize) -> Result<DieboldMariano, MetricsError> {
    let d = differences(a, b)?;
    let n = d.len();
    if lag >= n {
        return Err(MetricsError::InvalidOption {
            option: "lag",
            reason: format!("{lag} must be below the number of scores ({n})"),
        });
    }
    let mean = d.iter().sum::<f64>() / n as f64;
    let autocovariance = |l: usize| {
        (l..n)
            .map(|i| (d[i] - mean) * (d[i - l] - mean))
            .sum::<f64>()
            / n as f64
    };
    let mut variance = autocovariance(0);
    for l in 1..=lag {
        variance += 2.0 * (1.0 - l as f64 / (lag + 1) as f64) * autocovariance(l);
    }
    let (statistic, p_value) = if variance > 0.0 {
        let s = mean / (variance / n as f64).sqrt();
        let normal = Normal::standard();
        (s, 2.0 * (1.0 - normal.cdf(s.abs())))
    } else if mean == 0.0 {
        (0.0, 1.0)
    } else {
        (mean.signum() * f64::INFINITY, 0.0)
    };
    Ok(DieboldMariano {
        mean_difference: mean,
        variance,
        statistic,
        p_value,
        n,
        lag,
    })
}

/// A paired bootstrap interval for the mean score difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BootstrapInterval {
    /// The observed mean difference `mean(a − b)`.
    pub mean_difference: f64,
    /// The lower percentile bound.
    pub lower: f64,
    /// The upper percentile bound.
    pub upper: f64,
    /// The confidence level (e.g. 0.95).
    pub confidence: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
}

/// Resamples matches with replacement `resamples` times (ChaCha8 seeded by
/// `seed`, so results repeat), takes the mean difference of each resample,
/// and returns the `(1 − confidence)/2` and `(1 + confidence)/2` percentiles
/// (nearest-rank).
pub fn bootstrap_mean_difference(
    a: &[f64],
    b: &[f64],
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<BootstrapInterval, MetricsError> {
    let d = differences(a, b)?;
    if resamples == 0 || !(confidence > 0.0 && confidence < 1.0) {
        return Err(MetricsError::InvalidOption {
            option: "bootstrap",
            reason: format!(
                "need resamples ≥ 1 and confidence in (0, 1), got {resamples} and {confidence}"
            ),
        });
    }
    let n = d.len();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| d[rng.random_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    let rank = |q: f64| means[((q * resamples as f64).ceil() as usize).clamp(1, resamples) - 1];
    Ok(BootstrapInterval {
        mean_difference: d.iter().sum::<f64>() / n as f64,
        lower: rank((1.0 - confidence) / 2.0),
        upper: rank((1.0 + confidence) / 2.0),
        confidence,
        resamples,
    })
}
