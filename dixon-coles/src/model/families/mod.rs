//! Goal-model families behind one trait, [`GoalModel`]: each builds its
//! likelihood problem and its score grid around the shared linear
//! predictor ([`crate::model::params::linear_predictor`]); the solvers, standard
//! errors, markets, backtests and slates see only the trait (through
//! [`Family`]) or the [`ScoreGrid`] it builds.
//!
//! Adding a family is one file here implementing [`GoalModel`], a variant
//! of [`Family`] and its arms in the dispatch below.

pub mod bivariate_poisson;
pub mod conway_maxwell_poisson;
pub mod distribution;
pub mod dixon_coles;
pub mod kernel;
pub mod negative_binomial;
pub mod poisson;
pub mod start;
pub mod weibull_copula;
pub mod zero_inflated_poisson;

pub use bivariate_poisson::BivariatePoisson;
pub use conway_maxwell_poisson::ConwayMaxwellPoisson;
pub use dixon_coles::DixonColes;
pub use negative_binomial::NegativeBinomial;
pub use poisson::Poisson;
pub use weibull_copula::WeibullCopula;
pub use zero_inflated_poisson::ZeroInflatedPoisson;

use crate::data::Dataset;
use crate::error::PredictError;
use crate::grid::{GridSize, OutcomeProbabilities, ScoreGrid};
use crate::model::options::{Family, FitOptions};
use crate::model::params::Parameters;
use crate::model::problem::{FitError, SmoothProblem};

/// An extra parameter of a family beyond the linear predictor (e.g. ρ of
/// Dixon–Coles).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExtraParameter {
    /// Its name in files and tables (e.g. `"rho"`).
    pub name: &'static str,
    /// The smallest value the family allows in general (a fit may narrow
    /// it further for the data, as ρ's [`Parameters::rho_bounds`]).
    pub lower: f64,
    /// The largest value the family allows in general.
    pub upper: f64,
}

/// A family of goal models: how its parameters beyond the linear
/// predictor are laid out, how its likelihood is prepared from data, where
/// a fit starts, and how fitted parameters price a fixture with expected
/// goals (λ, ν).
pub trait GoalModel {
    /// The likelihood problem the solvers run on.
    type Problem: SmoothProblem;

    /// The family this is.
    fn family(&self) -> Family;

    /// The name in model files and on command lines (e.g. `"dixon_coles"`).
    fn name(&self) -> &'static str;

    /// The family's parameters beyond the linear predictor, in order.
    fn extra_parameters(&self) -> &'static [ExtraParameter];

    /// Their values in fitted parameters, in the order of
    /// [`GoalModel::extra_parameters`].
    fn extra_values(&self, parameters: &Parameters) -> Vec<f64>;

    /// The options as a model of this family stores them, or
    /// [`FitError::InvalidOption`] for an option the family does not have.
    fn options(&self, options: &FitOptions) -> Result<FitOptions, FitError>;

    /// The weighted likelihood problem over `data` (`weights`: one per
    /// match, the time decay; the dataset's own weights multiply in).
    fn problem(
        &self,
        data: &Dataset,
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<Self::Problem, FitError>;

    /// Starting values for a fit of `problem`.
    fn start(&self, problem: &Self::Problem) -> Parameters;

    /// The score grid for expected goals `home_rate` (λ) and `away_rate` (ν)
    /// from the linear predictor, with the family's extra parameters taken
    /// from `parameters`.
    fn score_grid(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<ScoreGrid, PredictError>;

    /// Home/draw/away probabilities of [`GoalModel::score_grid`], computed
    /// without building it where the family has a faster way.
    fn outcome_probabilities(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<OutcomeProbabilities, PredictError>;
}

/// Calls `$body` with `$model` bound to the family's [`GoalModel`].
macro_rules! dispatch {
    ($family:expr, $model:ident => $body:expr) => {
        match $family {
            Family::DixonColes => {
                let $model = &DixonColes;
                $body
            }
            Family::Poisson => {
                let $model = &Poisson;
                $body
            }
            Family::NegativeBinomial => {
                let $model = &NegativeBinomial::new();
                $body
            }
            Family::ZeroInflatedPoisson => {
                let $model = &ZeroInflatedPoisson::new();
                $body
            }
            Family::BivariatePoisson => {
                let $model = &BivariatePoisson::new();
                $body
            }
            Family::ConwayMaxwellPoisson => {
                let $model = &ConwayMaxwellPoisson::new();
                $body
            }
            Family::WeibullCopula => {
                let $model = &WeibullCopula::new();
                $body
            }
        }
    };
}

impl Family {
    /// The name in model files and on command lines (`"dixon_coles"`, `"poisson"`).
    pub fn name(self) -> &'static str {
        dispatch!(self, m => m.name())
    }

    /// The family of a name from [`Family::name`], if any.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The family's parameters beyond the linear predictor.
    pub fn extra_parameters(self) -> &'static [ExtraParameter] {
        dispatch!(self, m => m.extra_parameters())
    }

    /// Their values in `parameters` (see [`GoalModel::extra_values`]).
    pub fn extra_values(self, parameters: &Parameters) -> Vec<f64> {
        dispatch!(self, m => m.extra_values(parameters))
    }

    /// The options as a model of this family stores them (see [`GoalModel::options`]).
    pub fn options(self, options: &FitOptions) -> Result<FitOptions, FitError> {
        dispatch!(self, m => m.options(options))
    }

    /// The family's score grid (see [`GoalModel::score_grid`]).
    pub fn score_grid(
        self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<ScoreGrid, PredictError> {
        dispatch!(self, m => m.score_grid(parameters, home_rate, away_rate, size))
    }

    /// The family's home/draw/away probabilities (see
    /// [`GoalModel::outcome_probabilities`]).
    pub fn outcome_probabilities(
        self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<OutcomeProbabilities, PredictError> {
        dispatch!(self, m => m.outcome_probabilities(parameters, home_rate, away_rate, size))
    }
}
