//! The typed error of every metric.

/// What can be wrong with forecasts, outcomes or weights.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// No forecasts, or k < 2 outcomes.
    #[error("need at least one forecast of at least two outcomes (got {n} forecasts of {k})")]
    Empty {
        /// Forecasts.
        n: usize,
        /// Outcomes per forecast.
        k: usize,
    },
    /// Array lengths that do not fit together.
    #[error("{what} has length {found}, expected {expected}")]
    LengthMismatch {
        /// Which array.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A probability that is NaN, infinite, negative or above 1.
    #[error("row {row}: probability {value} in column {column} is not in [0, 1]")]
    InvalidProbability {
        /// The forecast.
        row: usize,
        /// The outcome column.
        column: usize,
        /// The value.
        value: f64,
    },
    /// A row that does not sum to 1 within 1e-9.
    #[error("row {row}: probabilities sum to {sum}, not 1 (within 1e-9)")]
    RowSum {
        /// The forecast.
        row: usize,
        /// Its sum.
        sum: f64,
    },
    /// An outcome index outside 0..k.
    #[error("row {row}: outcome {outcome} is not an index in 0..{k}")]
    OutcomeOutOfRange {
        /// The forecast.
        row: usize,
        /// The outcome given.
        outcome: i64,
        /// The number of outcomes.
        k: usize,
    },
    /// A weight that is negative or not finite, or weights summing to 0.
    #[error(
        "row {row}: weight {weight} must be finite and ≥ 0 (and the weights must not all be 0)"
    )]
    InvalidWeight {
        /// The forecast (`usize::MAX` for "all weights are zero").
        row: usize,
        /// The value.
        weight: f64,
    },
    /// A score that is NaN or infinite.
    #[error("row {row}: score {value} is not finite")]
    InvalidScore {
        /// The forecast.
        row: usize,
        /// The value.
        value: f64,
    },
    /// An option outside its domain.
    #[error("invalid {option}: {reason}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// Why.
        reason: String,
    },
}
