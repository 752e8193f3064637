//! # scoreline-calibration
//!
//! Making forecast probabilities honest:
//!
//! - [`IsotonicRegression`]: the weighted pool-adjacent-violators fit with
//!   scikit-learn 1.9's semantics (ties, weights, direction, clipping,
//!   out-of-bounds handling, interpolation), so it can replace it exactly;
//! - [`OutcomeCalibrator`]: one isotonic map per outcome for 1X2 forecasts,
//!   renormalised per row (scikit-learn's `CalibratedClassifierCV` with
//!   `method="isotonic"` on given probabilities);
//! - [`TemperatureScaling`]: the one-parameter smooth alternative.
//!
//! Everything fitted serialises with serde, and a loaded calibrator predicts
//! bit-identically.

#![warn(missing_docs)]

mod error;
mod isotonic;
mod outcome;
mod pava;
mod temperature;

pub use error::CalibrationError;
pub use isotonic::{spearman, Direction, FittedIsotonic, IsotonicRegression, OutOfBounds};
pub use outcome::OutcomeCalibrator;
pub use pava::pava_increasing;
pub use temperature::TemperatureScaling;
