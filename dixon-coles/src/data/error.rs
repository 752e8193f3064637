//! The typed error for everything that can be wrong with match data.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where a record came from: a file and line, or a position in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowRef {
    /// The source file, when the record was read from one.
    pub file: Option<String>,
    /// The 1-based line in that file (the header is line 1).
    pub line: Option<u64>,
    /// The 0-based position among the records handed to the validator.
    pub index: usize,
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file} line {line}"),
            (Some(file), None) => write!(f, "{file} record {}", self.index),
            (None, Some(line)) => write!(f, "line {line}"),
            (None, None) => write!(f, "match #{}", self.index),
        }
    }
}

/// Everything that can be wrong with match data, each naming the row or
/// field at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// A file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV layer could not split a row.
    #[error("{file}: malformed CSV near line {line}: {message}")]
    Csv {
        /// The file.
        file: String,
        /// The line, as far as the CSV reader knows it.
        line: u64,
        /// What the CSV reader said.
        message: String,
    },
    /// The header lacks a column the format needs.
    #[error("{file}: missing column {column:?} in the header")]
    MissingColumn {
        /// The file.
        file: String,
        /// The column name.
        column: String,
    },
    /// A column the reader uses appears more than once in the header.
    #[error("{file}: column {column:?} appears {} times in the header (columns {}); remove or rename the extra copies", .positions.len(), join_numbers(.positions))]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The column name.
        column: String,
        /// The 1-based positions of its copies.
        positions: Vec<usize>,
    },
    /// A quote opened at the start of a field is never closed, so the CSV
    /// reader ran the following lines into that field.
    #[error("{file} line {line}: a quote (\") opened on this line is never closed, so the lines after it ran into one field; close or remove that quote")]
    UnbalancedQuote {
        /// The file.
        file: String,
        /// The line on which the quoted field starts.
        line: u64,
    },
    /// A division with no file in a football-data folder.
    #[error("{dir}: no division {division:?} (available divisions: {}; seasons: {})", list_or_none(.available), list_or_none(.seasons))]
    UnknownDivision {
        /// The `football-data` folder.
        dir: String,
        /// The division asked for.
        division: String,
        /// The divisions that have a file in some season.
        available: Vec<String>,
        /// Every season folder (any division), oldest first.
        seasons: Vec<String>,
    },
    /// A season with no file for a division in a football-data folder.
    #[error("{dir}: no {division} file for season {season:?} (seasons available for {division}: {})", list_or_none(.available))]
    UnknownSeason {
        /// The `football-data` folder.
        dir: String,
        /// The division.
        division: String,
        /// The season asked for.
        season: String,
        /// The seasons that have a file for this division, oldest first.
        available: Vec<String>,
    },
    /// The header matches no format we can read.
    #[error("{file}: unrecognised header (expected a football-data.co.uk file or an international results file)")]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// A cell could not be parsed.
    #[error("{row}: field {field:?} has invalid value {value:?}: {reason}")]
    InvalidField {
        /// The row.
        row: RowRef,
        /// The column name.
        field: String,
        /// The raw cell text.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A team name is empty.
    #[error("{row}: {field} is empty")]
    EmptyTeamName {
        /// The row.
        row: RowRef,
        /// `home_team` or `away_team`.
        field: &'static str,
    },
    /// A team plays itself.
    #[error("{row}: home team and away team are both {team:?}")]
    SameTeam {
        /// The row.
        row: RowRef,
        /// The team.
        team: String,
    },
    /// A goal count above the configured cap.
    #[error("{row}: {field} = {goals} is above the cap of {cap} (raise ValidationOptions::max_goals if this is real)")]
    GoalsAboveCap {
        /// The row.
        row: RowRef,
        /// `home_goals` or `away_goals`.
        field: &'static str,
        /// The value.
        goals: u32,
        /// The cap.
        cap: u32,
    },
    /// A weight that is negative or not finite.
    #[error("{row}: weight {weight} must be finite and non-negative")]
    InvalidWeight {
        /// The row.
        row: RowRef,
        /// The value.
        weight: f64,
    },
    /// The same match (date, home, away) appears twice.
    #[error("{row}: duplicate match {home} v {away} on {date} (first seen at {first})")]
    DuplicateMatch {
        /// The second occurrence.
        row: RowRef,
        /// The first occurrence.
        first: Box<RowRef>,
        /// The date.
        date: chrono::NaiveDate,
        /// The home team.
        home: String,
        /// The away team.
        away: String,
    },
    /// Fewer than three teams (a single match included): with two teams, one
    /// team's attack cannot be told apart from the other's defence.
    #[error("need at least three teams, found {teams} in {matches} match(es): with fewer, a team's attack cannot be told apart from its opponent's defence")]
    TooFewTeams {
        /// How many teams there were.
        teams: usize,
        /// How many matches there were.
        matches: usize,
    },
    /// Every match is between a team of one group and a team of the other
    /// (the teams that have met form a bipartite graph: no three teams close
    /// a cycle of odd length), so attack and defence ratings are not
    /// identifiable: raising the attack of one group and the defence of the
    /// other by the same amount leaves every expected score unchanged.
    #[error("every match is between a team of {} and a team of {}, so attack and defence cannot be told apart; add matches within a group (a cycle of three teams, say) or switch off ValidationOptions::require_connected and fit with a ridge", describe_components(&.groups[..1]), describe_components(&.groups[1..]))]
    NotIdentifiable {
        /// The two groups of team names, larger first.
        groups: [Vec<String>; 2],
    },
    /// Some teams never meet the others, directly or through others.
    #[error("the teams form {} groups that never meet, so they cannot be rated against each other: {}", .components.len(), describe_components(.components))]
    Disconnected {
        /// The groups of team names, largest first.
        components: Vec<Vec<String>>,
    },
    /// A download failed (feature `fetch`).
    #[error("cannot download {url}: {message}")]
    Fetch {
        /// The address.
        url: String,
        /// What went wrong.
        message: String,
    },
}

/// Summarises components as `N teams (A, B, C, …)`.
fn describe_components(components: &[Vec<String>]) -> String {
    components
        .iter()
        .map(|c| {
            let shown: Vec<&str> = c.iter().take(5).map(String::as_str).collect();
            let more = if c.len() > 5 { ", …" } else { "" };
            format!("{} teams ({}{more})", c.len(), shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `1, 3, 7`.
fn join_numbers(numbers: &[usize]) -> String {
    numbers
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `A, B, C`, or `none`.
fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
