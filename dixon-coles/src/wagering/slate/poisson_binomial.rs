//! The exact distribution of the number of correct picks.

/// P(exactly k of the independent events happen), k = 0..=n, for event
/// probabilities `p` (a Poisson-binomial distribution), by the exact
/// dynamic programme `f₀ = [1]`, `fᵢ(k) = fᵢ₋₁(k)·(1 − pᵢ) + fᵢ₋₁(k − 1)·pᵢ`.
///
/// ```
/// use scoreline_dixon_coles::wagering::slate::poisson_binomial;
/// let d = poisson_binomial(&[0.5, 0.5]);
/// assert_eq!(d, vec![0.25, 0.5, 0.25]);
/// ```
pub fn poisson_binomial(p: &[f64]) -> Vec<f64> {
    let mut f = vec![0.0; p.len() + 1];
    f[0] = 1.0;
    for (i, &pi) in p.iter().enumerate() {
        for k in (1..=i + 1).rev() {
            f[k] = f[k] * (1.0 - pi) + f[k - 1] * pi;
        }
        f[0] *= 1.0 - pi;
    }
    f
}

/// `P(at least k) = Σ_{j≥k} P(exactly j)` for every k = 0..=n from the exact
/// distribution, summed from the top. Rounding can push a sum a few ulps
/// past 1, so each value is capped at 1 (and `P(at least 0)` is exactly 1).
///
/// ```
/// use scoreline_dixon_coles::wagering::slate::{at_least, poisson_binomial};
/// let tail = at_least(&poisson_binomial(&[0.9; 13]));
/// assert_eq!(tail[0], 1.0);
/// assert!(tail.iter().all(|&p| (0.0..=1.0).contains(&p)));
/// ```
pub fn at_least(distribution: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; distribution.len()];
    let mut tail = 0.0;
    for k in (0..distribution.len()).rev() {
        tail += distribution[k];
        out[k] = tail.min(1.0);
    }
    if let Some(first) = out.first_mut() {
        *first = 1.0;
    }
    out
}
