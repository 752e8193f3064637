//! # scoreline-dixon-coles
//!
//! The Dixon–Coles (1997) goal model: exact fits, score grids and betting
//! markets, fast.
//!
//! ## The model
//!
//! For a match between home team h and away team a:
//!
//! ```text
//! log λ_home = μ + γ·[not neutral] + attack[h] − defence[a]
//! log λ_away = μ + attack[a] − defence[h]
//! Σ attack = Σ defence = 0
//! P(x, y) = τ(x, y) · Pois(x; λ_home) · Pois(y; λ_away)
//! τ(0,0) = 1 − λ_home·λ_away·ρ   τ(0,1) = 1 + λ_home·ρ   τ(1,0) = 1 + λ_away·ρ   τ(1,1) = 1 − ρ   τ = 1 otherwise
//! ```
//!
//! A larger attack scores more; a larger defence concedes less. μ is the log
//! of the expected goals of an average away side against an average home
//! side at a neutral venue; γ is the home advantage; ρ is the low-score
//! dependence. Matches are weighted by `exp(−ξ·days before the reference
//! date)` ([`weights`]).
//!
//! ## Data flow and layout
//!
//! files ([`data::football_data`], [`data::international`]) → validated
//! [`data::Dataset`] (with [`weights`]) → a family's likelihood problem
//! ([`model::families::GoalModel`], e.g. [`model::likelihood::DixonColesProblem`],
//! a [`model::problem::SmoothProblem`]) → [`model::fit::fit`] (options in
//! [`model::options`]) → [`model::FittedModel`] → [`grid::ScoreGrid`] →
//! markets ([`markets`]) → evaluation ([`evaluation`]: backtests) and
//! wagering ([`wagering`]: odds, betting, slates). No module imports from
//! one later in that chain. The family is a choice
//! ([`model::options::Family`]: Dixon–Coles by default, or independent
//! Poisson).

//! ## Quick start
//!
//! ```
//! use chrono::{Days, NaiveDate};
//! use scoreline_dixon_coles::prelude::*;
//!
//! // A tiny league; real data comes from data::football_data.
//! let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
//! let results = [("Ajax", "PSV", 2, 1), ("PSV", "Feyenoord", 1, 1), ("Feyenoord", "AZ", 0, 2),
//!                ("AZ", "Ajax", 1, 3), ("Ajax", "Feyenoord", 2, 0), ("PSV", "AZ", 0, 1),
//!                ("PSV", "Ajax", 1, 1), ("Feyenoord", "PSV", 2, 3), ("AZ", "Feyenoord", 4, 2),
//!                ("Ajax", "AZ", 1, 0), ("Feyenoord", "Ajax", 0, 0), ("AZ", "PSV", 2, 2)];
//! let matches: Vec<Match> = results.iter().enumerate()
//!     .map(|(i, &(h, a, x, y))| Match::new(day + Days::new(7 * i as u64), h, a, x, y))
//!     .collect();
//! let data = Dataset::from_matches(&matches, &ValidationOptions::default())?;
//!
//! // Fit, predict, save, load.
//! let model = fit(&data, &FitOptions::default())?;
//! let grid = model.predict("Ajax", "PSV", false)?;
//! let p = grid.outcome_probabilities();
//! println!("Ajax v PSV: {:.3} / {:.3} / {:.3}", p.home, p.draw, p.away);
//! println!("over 2.5: {:.3}", grid.over(2.5)?.win);
//!
//! let path = std::env::temp_dir().join("scoreline-quickstart.json");
//! model.save(&path)?;
//! let loaded = FittedModel::load(&path)?;
//! assert_eq!(loaded.predict("Ajax", "PSV", false)?, grid);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), scoreline_dixon_coles::Error>(())
//! ```

#![warn(missing_docs)]

pub mod data;
pub mod distributions;
pub mod error;
pub mod evaluation;
pub mod forecasting;
pub mod grid;
pub mod markets;
pub mod model;
pub mod wagering;
pub mod weights;

pub use error::{ModelFileError, PredictError};

/// The repository README, compiled here so that its quick start is a doc test.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// Any scoreline Dixon–Coles error, so that `?` works across stages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad match data.
    #[error(transparent)]
    Data(#[from] data::DataError),
    /// A fit that failed.
    #[error(transparent)]
    Fit(#[from] model::problem::FitError),
    /// A prediction that cannot be made.
    #[error(transparent)]
    Predict(#[from] PredictError),
    /// A model file that cannot be saved or loaded.
    #[error(transparent)]
    ModelFile(#[from] ModelFileError),
}

/// The names most programs need.
pub mod prelude {
    pub use crate::data::{Dataset, Fixture, Match, ValidationOptions};
    pub use crate::grid::ScoreGrid;
    pub use crate::model::fit::{fit, fit_from};
    pub use crate::model::options::{Family, FitOptions, SolverChoice};
    pub use crate::model::params::ParamMode;
    pub use crate::model::FittedModel;
    pub use crate::weights::TimeDecay;
    pub use crate::Error;
}
