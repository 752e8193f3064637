//! What controls a fit: the family, the solver and their options. They sit
//! below the families (which build a likelihood problem from them) and the
//! fitted model (which stores them).

use serde::{Deserialize, Serialize};

use crate::model::params::ParamMode;
use crate::weights::TimeDecay;

/// A goal-model family: how the score distribution is built from the
/// shared linear predictor's expected goals (λ, ν) and the family's own
/// extra parameters. What each family computes is in `crate::model::families`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Family {
    /// Dixon & Coles (1997): independent Poisson goals with the low-score
    /// correction τ and its dependence ρ (`"dixon_coles"`).
    #[default]
    DixonColes,
    /// Independent Poisson goals (`"poisson"`): no extra parameter.
    Poisson,
    /// Negative-binomial goals, one dispersion α ≥ 0 (`"negative_binomial"`).
    NegativeBinomial,
    /// Zero-inflated Poisson goals, one inflation π (`"zero_inflated_poisson"`).
    ZeroInflatedPoisson,
    /// Bivariate Poisson goals with a shared component λ₃ ≥ 0 (`"bivariate_poisson"`).
    BivariatePoisson,
    /// Conway–Maxwell–Poisson goals, one dispersion ν (`"conway_maxwell_poisson"`).
    ConwayMaxwellPoisson,
    /// Weibull-count goals joined by a Frank copula (`"weibull_copula"`).
    WeibullCopula,
}

impl Family {
    /// Every family, in a fixed order.
    pub const ALL: [Family; 7] = [
        Family::Poisson,
        Family::DixonColes,
        Family::NegativeBinomial,
        Family::ZeroInflatedPoisson,
        Family::BivariatePoisson,
        Family::WeibullCopula,
        Family::ConwayMaxwellPoisson,
    ];

    /// True for [`Family::DixonColes`] (the default, which option files leave out).
    pub fn is_dixon_coles(&self) -> bool {
        *self == Family::DixonColes
    }
}

/// Above this many teams [`SolverChoice::Auto`] uses L-BFGS instead of Newton.
///
/// Measured here on international results since 2010 (308 teams, 15,925
/// matches, ridge 1e-3): Newton converges in 7 iterations (about 0.15 s),
/// L-BFGS does not reach the tolerance in 1,000 iterations (4 s), so Newton
/// is the default well past
/// 300 teams; L-BFGS is for thousands of teams, where a dense Cholesky
/// factorisation per iteration becomes the bottleneck.
pub const NEWTON_MAX_TEAMS: usize = 500;

/// Which solver runs the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolverChoice {
    /// Newton up to [`NEWTON_MAX_TEAMS`] teams, L-BFGS beyond.
    #[default]
    Auto,
    /// Newton's method with the analytic Hessian.
    Newton,
    /// argmin's L-BFGS with the analytic gradient.
    Lbfgs,
}

/// Everything that controls a fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitOptions {
    /// Time-decay weighting (default ξ = 0.0018 per day, reference = latest match).
    pub time_decay: TimeDecay,
    /// Home advantage: `Free` (default) or `Fixed(value)`; `Fixed(0.0)` drops it.
    pub home_advantage: ParamMode,
    /// ρ of the Dixon–Coles family: `Free` (default) or `Fixed(value)`;
    /// `Fixed(0.0)` is the plain Poisson model. Other families have no ρ and
    /// accept only `Free` or `Fixed(0.0)` (their fitted models store
    /// `Fixed(0.0)`).
    pub rho: ParamMode,
    /// Ridge penalty `ridge·Σ(attack² + defence²)` subtracted from ℓ (default 0).
    pub ridge: f64,
    /// The solver (default [`SolverChoice::Auto`]).
    pub solver: SolverChoice,
    /// Converged when the largest absolute gradient entry is at most this (default 1e-7).
    pub gradient_tolerance: f64,
    /// The iteration cap (default 1000; Newton needs about 5).
    pub max_iterations: usize,
    /// Compute standard errors from the observed information (default true).
    pub standard_errors: bool,
    /// The goal-model family (default [`Family::DixonColes`]). Left out of
    /// the JSON for Dixon–Coles, so options written before families existed
    /// read back, and write, unchanged.
    #[serde(default, skip_serializing_if = "Family::is_dixon_coles")]
    pub family: Family,
}

impl Default for FitOptions {
    fn default() -> Self {
        Self {
            time_decay: TimeDecay::default(),
            home_advantage: ParamMode::Free,
            rho: ParamMode::Free,
            ridge: 0.0,
            solver: SolverChoice::Auto,
            gradient_tolerance: 1e-7,
            max_iterations: 1000,
            standard_errors: true,
            family: Family::DixonColes,
        }
    }
}
