//! The exact distribution of the number of correct picks.

/// P(exactly k of the independent events happen), k = 0..=n, for event
/// probabilities `p` (a Poisson-binomial distribution), by the exact
/// dynamic programme `f₀ = [1]`, `fᵢ(k) = fᵢ₋₁(k)·(1 − pᵢ) + fᵢ₋₁(k − 1)·pᵢ`.
///
/// ```
/// use scoreline_dixon_coles::slate::poisson_binomial;
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

/// `P(at least k)` for every k = 0..=n from the exact distribution.
pub fn at_least(distribution: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; distribution.len()];
    let mut tail = 0.0;
    for k in (0..distribution.len()).rev() {
        tail += distribution[k];
        out[k] = tail;
    }
    out
}
