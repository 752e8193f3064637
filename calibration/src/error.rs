//! The typed error of calibration.

/// What can be wrong with calibration input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// Arrays of different lengths.
    #[error("{what} has length {found}, expected {expected}")]
    LengthMismatch {
        /// Which array.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A NaN or infinite value.
    #[error("{what}[{index}] = {value} is not finite")]
    NonFinite {
        /// Which array.
        what: &'static str,
        /// The position.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Nothing to fit (no point with positive weight).
    #[error("no sample with positive weight to fit")]
    Empty,
    /// A prediction outside the fitted range with `out_of_bounds = Error`.
    #[error("x[{index}] = {value} is outside the fitted range [{min}, {max}]")]
    OutOfBounds {
        /// The position.
        index: usize,
        /// The value.
        value: f64,
        /// The smallest fitted x.
        min: f64,
        /// The largest fitted x.
        max: f64,
    },
    /// A probability row or outcome that does not fit the calibrator.
    #[error("row {row}: {reason}")]
    InvalidRow {
        /// The row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// An option outside its domain (e.g. `y_min > y_max`).
    #[error("invalid {option}: {reason}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// Why.
        reason: String,
    },
    /// A saved calibrator that cannot be read.
    #[error("invalid calibrator JSON: {0}")]
    Json(String),
}
