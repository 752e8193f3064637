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
