//! Errors of prediction and of model files (the crate-wide umbrella
//! `Error` is defined at the crate root, above every stage).

/// Everything that can go wrong when predicting from a model.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PredictError {
    /// A team the model was not fitted on.
    #[error("unknown team {team:?}; closest known teams: {}", .closest.join(", "))]
    UnknownTeam {
        /// The name asked for.
        team: String,
        /// The closest known names, best first.
        closest: Vec<String>,
    },
    /// The same team on both sides.
    #[error("home and away team are both {team:?}")]
    SameTeam {
        /// The team.
        team: String,
    },
    /// A grid larger than the cap.
    #[error("max_goals = {max_goals} is above the cap of {cap}")]
    MaxGoalsTooLarge {
        /// What was asked for.
        max_goals: usize,
        /// The cap.
        cap: usize,
    },
    /// A grid that leaves more probability outside than its tolerance
    /// ([`crate::grid::GridSize`]).
    #[error("a grid of {max_goals} goals a side leaves {mass_outside:.3e} of the probability outside it (tolerance {tolerance:e}); {}", match .needed { Some(m) => format!("use max_goals ≥ {m}, the adaptive default (no max_goals), or ask for truncation explicitly"), None => "the expected goals are too large for any grid up to the cap; ask for truncation explicitly".to_owned() })]
    MassOutsideGrid {
        /// The goals a side of the grid.
        max_goals: usize,
        /// `1 − Σ grid` before renormalising.
        mass_outside: f64,
        /// The largest mass outside accepted.
        tolerance: f64,
        /// The smallest adaptive grid, when one up to the cap suffices.
        needed: Option<usize>,
    },
    /// Expected goals or ρ that are not finite (or not positive).
    #[error("invalid {field} = {value}: {reason}")]
    InvalidParameter {
        /// The parameter.
        field: &'static str,
        /// Its value.
        value: f64,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A score matrix that is empty or not square
    /// ([`crate::grid::ScoreGrid::from_probabilities`]).
    #[error("a score grid needs a non-empty square matrix of (max_goals + 1)² cells (rows = home goals, columns = away goals), got {cells} cells")]
    InvalidGridShape {
        /// The number of cells given.
        cells: usize,
    },
    /// A cell of a score matrix that is not a probability.
    #[error(
        "score grid cell ({home_goals}, {away_goals}) (home goals, away goals) = {value}: {reason}"
    )]
    InvalidGridCell {
        /// The cell's home goals (row).
        home_goals: usize,
        /// The cell's away goals (column).
        away_goals: usize,
        /// Its value.
        value: f64,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A score matrix whose cells do not sum to 1 within the tolerance, or
    /// sum to nothing.
    #[error("the score grid's cells sum to {total}, not 1 within {tolerance:e} (use Normalisation::Renormalise for a grid cut from a longer distribution; the total must be positive)")]
    GridTotal {
        /// Σ of the cells.
        total: f64,
        /// The largest |total − 1| accepted (∞ when renormalising).
        tolerance: f64,
    },
    /// A betting line that is not a finite multiple of 0.25.
    #[error("line {line} must be a finite multiple of 0.25")]
    InvalidLine {
        /// The line.
        line: f64,
    },
}

/// Everything that can go wrong saving or loading a model file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelFileError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid JSON of the expected shape (e.g. truncated).
    #[error("not a valid scoreline model file: {0}")]
    Malformed(String),
    /// The `format` field names another kind of file.
    #[error("not a scoreline Dixon–Coles model file (format {found:?})")]
    WrongFormat {
        /// What the file says it is.
        found: String,
    },
    /// The file was written by a newer version of scoreline.
    #[error("model file format version {found} is newer than this scoreline supports ({supported}); upgrade scoreline")]
    NewerVersion {
        /// The file's format version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The checksum does not match the content: the file was edited or damaged.
    #[error("model file checksum mismatch: the file was edited or damaged (expected {expected}, content hashes to {actual})")]
    ChecksumMismatch {
        /// The recorded checksum.
        expected: String,
        /// The checksum of the content.
        actual: String,
    },
    /// A field of the file is out of its range or inconsistent with the
    /// others (e.g. a duplicated team name, ρ outside the region where τ is
    /// valid, a negative standard error, format version 0).
    #[error("invalid model file: {field}: {reason}")]
    InvalidField {
        /// The field, as a JSON path (e.g. `model.parameters.attack[3] ("Leeds")`).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}
