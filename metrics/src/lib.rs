//! # scoreline-metrics
//!
//! Scoring rules for probability forecasts of k ordered outcomes (home /
//! draw / away is k = 3): Brier score, ranked probability score, log loss,
//! ignorance, accuracy, reliability (calibration curves, ECE, MCE), and
//! tests of whether one forecaster beats another (Diebold–Mariano, paired
//! bootstrap).
//!
//! Forecasts are a row-major n × k `&[f64]` plus k; outcomes are indices
//! (`&[u32]`, `&[usize]`, `&[i64]`, …); sample weights are optional. Input is
//! validated and every problem is a [`MetricsError`] naming the row. The
//! conventions match scikit-learn (log loss) and penaltyblog (Brier, RPS,
//! ignorance) exactly.

#![warn(missing_docs)]

mod compare;
mod error;
mod input;
mod reliability;
mod scores;

pub use compare::{bootstrap_mean_difference, diebold_mariano, BootstrapInterval, DieboldMariano};
pub use error::MetricsError;
pub use input::OutcomeIndex;
pub use reliability::{
    calibration_curve, calibration_error, Binning, CalibrationError, ReliabilityBin,
};
pub use scores::{
    accuracy, argmax, brier, brier_components, brier_per_forecast, ignorance, log_loss,
    log_loss_per_forecast, rps, rps_per_forecast,
};
