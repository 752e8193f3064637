//! Match data: records as read from files, team interning, and the validated
//! [`Dataset`] that the likelihood works on.
//!
//! Data flows one way: files ([`football_data`], [`international`]) →
//! [`Match`] / [`Fixture`] records → [`Dataset`] (validated, teams interned to
//! dense `u32` ids) → the likelihood problem in [`crate::model::likelihood`].
//!
//! [`xg`] reads FiveThirtyEight's per-match expected goals and attaches them
//! to football-data matches ([`MatchStats::xg`]), matching team names from the
//! data.

mod dataset;
mod error;
pub mod football_data;
pub mod international;
mod records;
mod team_index;
mod text;
mod validate;
mod warning;
pub mod xg;

#[cfg(feature = "fetch")]
pub mod fetch;

pub use dataset::{
    keep_largest_component, keep_largest_component_reported, DataFingerprint, Dataset,
    ValidationOptions, DEFAULT_MAX_GOALS,
};
pub use error::{DataError, RowRef};
pub use records::{Fixture, Match, MatchStats, OddsTriple, OverUnderOdds, RecordedOdds};
pub use team_index::TeamIndex;
pub use warning::{
    screen_matches, DataWarning, DuplicatePolicy, Screening, UnknownDuplicatePolicy,
};
