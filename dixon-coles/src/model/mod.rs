//! The goal model, from its parameters to the fitted model and its file,
//! in the order each part builds on the last:
//!
//! | module | what |
//! |---|---|
//! | [`params`] | ratings, the linear predictor, the flat layout |
//! | [`options`] | the family and what controls a fit |
//! | [`problem`] | the smooth-problem trait the solvers see, and the fit's error |
//! | [`likelihood`] | the Dixon–Coles likelihood with analytic derivatives |
//! | [`families`] | the [`families::GoalModel`] trait and one file per family |
//! | [`uncertainty`] | standard errors of any smooth problem |
//! | [`fit`] | solvers and the fit itself, producing a [`FittedModel`] |
//! | [`FittedModel`] | teams, parameters, options, summary; predictions |
//! | [`file`](mod@file) | versioned model files |

mod fitted;

pub mod families;
pub mod file;
pub mod fit;
pub mod likelihood;
pub mod options;
pub mod params;
pub mod problem;
pub mod uncertainty;

pub use fitted::{FitSummary, FittedModel, TeamRating};
