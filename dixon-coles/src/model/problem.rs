//! The problem layer: what a likelihood problem and the solvers that run
//! on it have in common, below the fitted model in the data flow
//! (dataset → problem → fitted model).
//!
//! [`FitError`] lives here because preparing a problem (bad weights or
//! options) raises it first; the solvers, the standard errors and
//! the fit itself raise it too.
//!
//! [`SmoothProblem`] is the boundary between a likelihood and the solvers:
//! Newton, L-BFGS and the standard errors see only it.

use std::ops::Range;

use nalgebra::DMatrix;

/// Everything that can go wrong while fitting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The weight vector does not match the dataset.
    #[error("expected {expected} weights (one per match), got {found}")]
    WeightLength {
        /// Matches in the dataset.
        expected: usize,
        /// Weights given.
        found: usize,
    },
    /// A combined weight is negative or not finite.
    #[error("match #{index}: weight {weight} must be finite and non-negative")]
    InvalidWeight {
        /// The match position.
        index: usize,
        /// The weight.
        weight: f64,
    },
    /// Every match has zero weight (e.g. all after the reference date).
    #[error("no match has a positive weight (is the reference date before every match?)")]
    NoWeightedMatches,
    /// Some team has no match with positive weight, so it cannot be rated.
    #[error("team {team:?} has no match with positive weight; drop it, move the reference date, or use the ridge option")]
    UnratedTeam {
        /// The team.
        team: String,
    },
    /// An option is out of its domain.
    #[error("invalid option {option}: {reason}")]
    InvalidOption {
        /// The option name.
        option: &'static str,
        /// Why.
        reason: String,
    },
    /// The starting point is outside the region where every τ is positive.
    #[error("the starting parameters give a non-positive τ or a non-finite likelihood")]
    InfeasibleStart,
    /// The solver stopped before the gradient was flat.
    #[error("{solver} did not converge after {iterations} iterations: gradient norm {gradient_norm:.3e} (tolerance {tolerance:.1e}); {reason}")]
    NotConverged {
        /// The solver.
        solver: &'static str,
        /// Iterations done.
        iterations: usize,
        /// The gradient's largest absolute entry at the end.
        gradient_norm: f64,
        /// The tolerance asked for.
        tolerance: f64,
        /// Why it stopped.
        reason: String,
    },
    /// A rating ran off towards infinity: the likelihood has no finite
    /// maximum for this team (it never scored, or never conceded, against
    /// the teams it met).
    #[error("team {team:?}: {parameter} = {value:.2} has no finite estimate (the team never scored or never conceded enough to pin it down); use the ridge option or more matches")]
    DivergentRating {
        /// The team.
        team: String,
        /// `attack` or `defence`.
        parameter: &'static str,
        /// The value where the solver stopped.
        value: f64,
    },
    /// The intercept or the home advantage ran off towards infinity: the
    /// data cannot pin it down (e.g. no goals at all).
    #[error("{parameter} = {value:.3e} has no finite estimate (it ran off to an unbounded edge, e.g. a league without goals); use more matches or fix it")]
    UnboundedParameter {
        /// `intercept` or `home_advantage`.
        parameter: &'static str,
        /// The value where the solver stopped.
        value: f64,
    },
    /// ρ is outside the interval where τ is a valid correction for every
    /// pair of teams the model can price (see
    /// [`crate::model::params::Parameters::rho_bounds`]); e.g. a league where every
    /// match is a draw drives ρ towards −∞.
    #[error("rho = {rho:.6e} is outside [{lower:.6}, {upper:.6}], where the low-score correction τ is valid for every pair of teams (the data cannot pin ρ down, e.g. every match a draw): fix ρ (e.g. ParamMode::Fixed(0.0)) or use more matches")]
    RhoOutOfRange {
        /// The fitted (or fixed) ρ.
        rho: f64,
        /// The smallest valid ρ.
        lower: f64,
        /// The largest valid ρ.
        upper: f64,
    },
    /// A positive log-likelihood: probabilities of observed scores are at
    /// most 1, so this fit is degenerate.
    #[error("the log-likelihood {log_likelihood:.6} is positive, which no valid model gives (each observed score has probability at most 1): the fit is degenerate")]
    PositiveLogLikelihood {
        /// The log-likelihood at the solver's end point.
        log_likelihood: f64,
    },
    /// The observed information is not positive definite at the optimum.
    #[error("the observed information matrix is singular at the optimum; standard errors are unavailable")]
    SingularInformation,
}

/// A smooth objective to maximise over a flat parameter vector, as the
/// solvers (`fit::newton`, `fit::lbfgs`)
/// and the standard errors see it: they are generic over this trait and
/// never name a model.
///
/// Every goal model shares a gauge freedom: adding `c` to every entry of a
/// *gauge block* (all attacks, or all defences) and compensating in the
/// intercept leaves every expected goal unchanged, so the objective is flat
/// along those directions. A problem names its blocks
/// ([`SmoothProblem::gauge_blocks`]) and maps any vector onto the
/// representative with each block summing to zero
/// ([`SmoothProblem::recentre`]).
pub trait SmoothProblem {
    /// The length of the flat parameter vector.
    fn dimension(&self) -> usize;

    /// The objective at `theta`, or −∞ outside the region where it is defined.
    fn objective(&self, theta: &[f64]) -> f64;

    /// The objective and its gradient (written into `gradient`, of length
    /// [`SmoothProblem::dimension`]).
    fn objective_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64;

    /// The objective, its gradient and its Hessian (a `dimension × dimension`
    /// matrix, overwritten).
    fn objective_gradient_hessian(
        &self,
        theta: &[f64],
        gradient: &mut [f64],
        hessian: &mut DMatrix<f64>,
    ) -> f64;

    /// Moves `theta` along the flat directions so that every gauge block
    /// sums to zero, leaving the objective unchanged.
    fn recentre(&self, theta: &mut [f64]);

    /// The index ranges of the gauge blocks (disjoint, in increasing order):
    /// Newton adds κ to every entry of each block's part of the Hessian, and
    /// the standard errors use the basis with each block summing to zero.
    fn gauge_blocks(&self) -> Vec<Range<usize>>;

    /// Coordinates with a lower bound, as `(index, bound)` (none by
    /// default): Newton keeps them on or above it and holds one on its
    /// bound while its gradient points outward, so a maximum on the bound
    /// (e.g. a dispersion of 0, the Poisson model) is reached exactly.
    fn lower_bounds(&self) -> Vec<(usize, f64)> {
        Vec::new()
    }
}
