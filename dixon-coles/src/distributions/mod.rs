//! Joint score distributions of the goal-model families, one file per
//! family (as statrs keeps one file per distribution): the probability of
//! a score `(x, y)` given the two expected-goals values of the shared
//! linear predictor and the family's extra parameters, its exact first and
//! second derivatives in the match's local coordinates ([`Local`]), and the
//! joint probability grid that predictions are built from. The formulas are
//! documented on the functions that compute them; every derivative is
//! checked against central differences in the module's tests.
//!
//! These are pure functions: the likelihood problems of `families` sum
//! them over matches and map the local derivatives onto the parameters by
//! the chain rule.

pub mod bivariate_poisson;
pub mod conway_maxwell_poisson;
pub mod local;
pub mod negative_binomial;
pub mod weibull_copula;
pub mod zero_inflated_poisson;

pub use local::Local;

/// `[home, draw, away]` of the grid `P(x, y) = home[x]·away[y]` of two
/// independent sides on `0..n × 0..n` (`n` the length of both slices),
/// in O(n) without building it:
///
/// ```text
/// home win = Σₓ home[x]·Σ_{y<x} away[y]   draw = Σₓ home[x]·away[x]
/// away win = Σ_y away[y]·Σ_{x<y} home[x]
/// ```
///
/// `None` when a marginal value is not finite and ≥ 0 (the grid would hold
/// a cell that is not a probability).
pub(crate) fn independent_outcome_sums(home: &[f64], away: &[f64]) -> Option<[f64; 3]> {
    let valid = |p: &f64| p.is_finite() && *p >= 0.0;
    if !(home.iter().all(valid) && away.iter().all(valid)) {
        return None;
    }
    let (mut h, mut d, mut a) = (0.0, 0.0, 0.0);
    let (mut below_home, mut below_away) = (0.0, 0.0);
    for (&px, &py) in home.iter().zip(away) {
        h += px * below_away;
        a += py * below_home;
        d += px * py;
        below_home += px;
        below_away += py;
    }
    Some([h, d, a])
}
