//! The typed error of slate evaluation and optimisation.

use crate::error::PredictError;

/// What can be wrong with a slate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SlateError {
    /// No fixtures.
    #[error("the slate has no fixtures")]
    Empty,
    /// A budget below one combination.
    #[error("budget {0} must be at least 1 combination")]
    Budget(u64),
    /// A fixture the model cannot predict (unknown team, same team twice).
    #[error("fixture {index}: {source}")]
    Fixture {
        /// The fixture's position.
        index: usize,
        /// Why.
        #[source]
        source: PredictError,
    },
    /// Probabilities that are not a distribution.
    #[error("fixture {index}: probabilities {probabilities:?} must be in [0, 1] and sum to 1 (within 1e-9)")]
    NotADistribution {
        /// The fixture's position.
        index: usize,
        /// The values.
        probabilities: [f64; 3],
    },
    /// A pick that is not 0 (home), 1 (draw) or 2 (away), or picks of the wrong length.
    #[error("{0}")]
    InvalidPicks(String),
}
