//! Findings in match data that do not stop a fit, and the duplicate policy:
//! repeated matches (and what the policy did with them) and team names that
//! differ only in case, spacing or look-alike characters.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::validate::row_of;
use super::{DataError, Match, RowRef};

/// What to do with a match that appears more than once: the same date, home
/// team and away team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Reject the data with [`DataError::DuplicateMatch`], naming both rows.
    Error,
    /// Keep every copy and report them with [`DataWarning::DuplicateMatch`].
    /// The default: repeats with different scores are usually two real
    /// matches on one day (the international results have Tahiti v New
    /// Caledonia twice on 1974-02-17, 2–1 and 1–2), and dropping one would
    /// lose a result.
    #[default]
    Keep,
    /// Keep the first copy, drop the later ones, and report them with
    /// [`DataWarning::DuplicateMatch`].
    Drop,
}

impl DuplicatePolicy {
    /// The policy's name: `error`, `keep` or `drop`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Keep => "keep",
            Self::Drop => "drop",
        }
    }
}

impl fmt::Display for DuplicatePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not `error`, `keep` or `drop`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown duplicate policy {0:?}: expected error, keep or drop")]
pub struct UnknownDuplicatePolicy(pub String);

impl FromStr for DuplicatePolicy {
    type Err = UnknownDuplicatePolicy;

    /// `error`, `keep` or `drop` (any case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "keep" => Ok(Self::Keep),
            "drop" => Ok(Self::Drop),
            _ => Err(UnknownDuplicatePolicy(text.to_owned())),
        }
    }
}

/// Something in the data worth a look that does not stop a fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DataWarning {
    /// A match (date, home team, away team) appears more than once.
    DuplicateMatch {
        /// The date.
        date: NaiveDate,
        /// The home team.
        home: String,
        /// The away team.
        away: String,
        /// Every copy, in input order (the first is the one kept by
        /// [`DuplicatePolicy::Drop`]).
        rows: Vec<RowRef>,
        /// What was done: [`DuplicatePolicy::Keep`] kept every copy,
        /// [`DuplicatePolicy::Drop`] kept only the first.
        policy: DuplicatePolicy,
    },
    /// Team names that differ only in letter case, white space or
    /// look-alike characters (Unicode confusables such as Cyrillic `а` for
    /// Latin `a`), so probably one team spelled two ways. Each is rated as a
    /// team of its own.
    SimilarTeamNames {
        /// The names, sorted.
        names: Vec<String>,
        /// The number of matches of each name (parallel to `names`).
        matches: Vec<usize>,
    },
    /// The teams split into groups that never meet, and only the largest
    /// group was kept (see [`super::keep_largest_component_reported`]).
    SmallerGroupsLeftOut {
        /// The number of teams kept.
        teams_kept: usize,
        /// The groups left out, each a sorted list of team names, largest first.
        groups: Vec<Vec<String>>,
        /// The number of matches left out (those involving a team of a group left out).
        matches_left_out: usize,
    },
}

impl DataWarning {
    /// A short machine-readable kind: `duplicate_match`,
    /// `similar_team_names` or `smaller_groups_left_out`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::DuplicateMatch { .. } => "duplicate_match",
            Self::SimilarTeamNames { .. } => "similar_team_names",
            Self::SmallerGroupsLeftOut { .. } => "smaller_groups_left_out",
        }
    }
}

impl fmt::Display for DataWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateMatch {
                date,
                home,
                away,
                rows,
                policy,
            } => {
                let at: Vec<String> = rows.iter().map(ToString::to_string).collect();
                let did = match policy {
                    DuplicatePolicy::Drop => "kept the first, dropped the rest",
                    _ => "kept every copy",
                };
                write!(
                    f,
                    "{home} v {away} on {date} appears {} times ({}): {did} (duplicate policy {policy})",
                    rows.len(),
                    at.join(", ")
                )
            }
            Self::SimilarTeamNames { names, matches } => {
                let shown: Vec<String> = names
                    .iter()
                    .zip(matches)
                    .map(|(n, k)| format!("{n:?} ({k} matches)"))
                    .collect();
                write!(
                    f,
                    "team names {} differ only in case, spacing or look-alike characters; if they are one team, spell it one way",
                    shown.join(", ")
                )
            }
            Self::SmallerGroupsLeftOut {
                teams_kept,
                groups,
                matches_left_out,
            } => {
                let shown: Vec<String> = groups.iter().map(|g| g.join(", ")).collect();
                write!(
                    f,
                    "the teams form {} groups that never meet: kept the largest ({teams_kept} teams) and left out {matches_left_out} matches of {} ({})",
                    groups.len() + 1,
                    if groups.len() == 1 { "the group" } else { "the groups" },
                    shown.join("; ")
                )
            }
        }
    }
}

/// What [`screen_matches`] found: which matches to keep, and the warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Screening {
    /// One flag per input match: false for a repeat dropped by
    /// [`DuplicatePolicy::Drop`].
    pub keep: Vec<bool>,
    /// Repeated matches first (in input order), then similar team names.
    pub warnings: Vec<DataWarning>,
}

/// Applies the duplicate policy and looks for near-duplicate team names
/// (among the kept matches).
///
/// A repeat is a match with the same date, home team and away team as an
/// earlier one. Two names are near-duplicates when their keys are equal,
/// where key(name) = skeleton(lowercase(name with white space removed)) and
/// skeleton is the confusable-detection skeleton of Unicode Technical
/// Standard #39 (so `Man City`, `man city`, `ManCity` and `Man Сity` with a
/// Cyrillic `С` share a key).
///
/// ```
/// use chrono::NaiveDate;
/// use scoreline_dixon_coles::data::{screen_matches, DataWarning, DuplicatePolicy, Match};
/// let d = NaiveDate::from_ymd_opt(1974, 2, 17).unwrap();
/// let matches = [
///     Match::new(d, "Tahiti", "New Caledonia", 2, 1),
///     Match::new(d, "Tahiti", "New Caledonia", 1, 2),
///     Match::new(d, "Fiji", "tahiti", 0, 0),
/// ];
/// let screening = screen_matches(&matches, DuplicatePolicy::Drop).unwrap();
/// assert_eq!(screening.keep, [true, false, true]);
/// assert_eq!(screening.warnings[0].kind(), "duplicate_match");
/// assert!(matches!(&screening.warnings[1], DataWarning::SimilarTeamNames { names, .. }
///     if names == &["Tahiti", "tahiti"]));
/// assert!(screen_matches(&matches, DuplicatePolicy::Error).is_err());
/// ```
pub fn screen_matches(
    matches: &[Match],
    duplicates: DuplicatePolicy,
) -> Result<Screening, DataError> {
    let mut keep = vec![true; matches.len()];
    let mut warnings = Vec::new();
    let mut first_of: FxHashMap<(NaiveDate, &str, &str), usize> = FxHashMap::default();
    let mut copies: Vec<Vec<usize>> = Vec::new();
    let mut group_of_first: FxHashMap<usize, usize> = FxHashMap::default();
    for (i, m) in matches.iter().enumerate() {
        let key = (m.date, m.home_team.as_str(), m.away_team.as_str());
        let Some(&first) = first_of.get(&key) else {
            first_of.insert(key, i);
            continue;
        };
        if duplicates == DuplicatePolicy::Error {
            return Err(DataError::DuplicateMatch {
                row: row_of(m, i),
                first: Box::new(row_of(&matches[first], first)),
                date: m.date,
                home: m.home_team.clone(),
                away: m.away_team.clone(),
            });
        }
        let group = *group_of_first.entry(first).or_insert_with(|| {
            copies.push(vec![first]);
            copies.len() - 1
        });
        copies[group].push(i);
        if duplicates == DuplicatePolicy::Drop {
            keep[i] = false;
        }
    }
    for rows in copies {
        let m = &matches[rows[0]];
        warnings.push(DataWarning::DuplicateMatch {
            date: m.date,
            home: m.home_team.clone(),
            away: m.away_team.clone(),
            rows: rows.iter().map(|&i| row_of(&matches[i], i)).collect(),
            policy: duplicates,
        });
    }
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for m in matches
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(m, _)| m)
    {
        *counts.entry(m.home_team.as_str()).or_default() += 1;
        *counts.entry(m.away_team.as_str()).or_default() += 1;
    }
    warnings.extend(similar_team_names(counts));
    Ok(Screening { keep, warnings })
}

/// The comparison key of a team name: skeleton(lowercase(name without white space)).
fn name_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    unicode_security::confusable_detection::skeleton(&folded).collect()
}

/// One [`DataWarning::SimilarTeamNames`] per group of names (with their
/// match counts) that share a [`name_key`], sorted by first name.
fn similar_team_names(counts: FxHashMap<&str, usize>) -> Vec<DataWarning> {
    let mut groups: FxHashMap<String, Vec<(&str, usize)>> = FxHashMap::default();
    for (name, count) in counts {
        groups
            .entry(name_key(name))
            .or_default()
            .push((name, count));
    }
    let mut out: Vec<Vec<(&str, usize)>> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    out.sort_unstable();
    out.into_iter()
        .map(|g| DataWarning::SimilarTeamNames {
            names: g.iter().map(|(n, _)| (*n).to_owned()).collect(),
            matches: g.iter().map(|(_, k)| *k).collect(),
        })
        .collect()
}
