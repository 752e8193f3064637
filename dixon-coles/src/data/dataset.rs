//! The validated, integer-indexed dataset that the likelihood works on.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::validate::{check_duplicates, check_record, component_count, components};
use super::{DataError, Match, TeamIndex};

/// The default cap on goals per side. Real data has a 31–0 international, so
/// the cap is well above it; it exists to catch typos such as `110`.
pub const DEFAULT_MAX_GOALS: u32 = 50;

/// What [`Dataset::from_matches`] checks beyond the fixed rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValidationOptions {
    /// The largest goal count accepted for one side (default 50).
    pub max_goals: u32,
    /// Reject data whose teams split into groups that never meet (default true).
    pub require_connected: bool,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        Self {
            max_goals: DEFAULT_MAX_GOALS,
            require_connected: true,
        }
    }
}

/// A summary that identifies the training data of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFingerprint {
    /// The number of matches.
    pub matches: usize,
    /// The earliest match date.
    pub first_date: NaiveDate,
    /// The latest match date.
    pub last_date: NaiveDate,
    /// SHA-256 (hex) over the team names, then the matches in order (date,
    /// team ids, goals, venue, weight).
    pub sha256: String,
}

/// Matches that passed validation, with teams interned to dense ids and the
/// columns stored as parallel arrays (structure of arrays).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    teams: TeamIndex,
    dates: Vec<NaiveDate>,
    home_team: Vec<u32>,
    away_team: Vec<u32>,
    home_goals: Vec<u32>,
    away_goals: Vec<u32>,
    neutral: Vec<bool>,
    weight: Vec<f64>,
}

impl Dataset {
    /// Validates the matches and interns their teams.
    ///
    /// Rules, each a [`DataError`] naming the record at fault: non-empty team
    /// names, home ≠ away, goals ≤ `options.max_goals`, weights finite and
    /// ≥ 0, no duplicate (date, home, away), at least two teams, and (unless
    /// switched off) a connected team graph.
    ///
    /// ```
    /// use chrono::{Datelike, NaiveDate};
    /// use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
    /// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let data = Dataset::from_matches(
    ///     &[Match::new(d, "A", "B", 2, 1), Match::new(d, "B", "C", 0, 0)],
    ///     &ValidationOptions::default(),
    /// ).unwrap();
    /// assert_eq!(data.len(), 2);
    /// assert_eq!(data.teams().len(), 3);
    /// ```
    pub fn from_matches(matches: &[Match], options: &ValidationOptions) -> Result<Self, DataError> {
        for (i, m) in matches.iter().enumerate() {
            check_record(m, i, options.max_goals)?;
        }
        let teams = TeamIndex::from_names(
            matches
                .iter()
                .flat_map(|m| [m.home_team.as_str(), m.away_team.as_str()]),
        );
        if teams.len() < 2 {
            return Err(DataError::TooFewTeams { teams: teams.len() });
        }
        let id = |name: &str| teams.id(name).expect("interned above");
        let data = Self {
            dates: matches.iter().map(|m| m.date).collect(),
            home_team: matches.iter().map(|m| id(&m.home_team)).collect(),
            away_team: matches.iter().map(|m| id(&m.away_team)).collect(),
            home_goals: matches.iter().map(|m| m.home_goals).collect(),
            away_goals: matches.iter().map(|m| m.away_goals).collect(),
            neutral: matches.iter().map(|m| m.neutral).collect(),
            weight: matches.iter().map(|m| m.weight.unwrap_or(1.0)).collect(),
            teams,
        };
        check_duplicates(matches, &data.home_team, &data.away_team)?;
        if options.require_connected {
            let edges = data
                .home_team
                .iter()
                .copied()
                .zip(data.away_team.iter().copied());
            if component_count(data.teams.len(), edges) > 1 {
                return Err(DataError::Disconnected {
                    components: data.components(),
                });
            }
        }
        Ok(data)
    }

    /// The connected groups of teams (largest first).
    pub fn components(&self) -> Vec<Vec<String>> {
        components(
            &self.teams,
            self.home_team
                .iter()
                .copied()
                .zip(self.away_team.iter().copied()),
        )
    }

    /// The number of matches.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// True when there are no matches.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The interned teams.
    pub fn teams(&self) -> &TeamIndex {
        &self.teams
    }

    /// Match dates.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Home team id per match.
    pub fn home_team(&self) -> &[u32] {
        &self.home_team
    }

    /// Away team id per match.
    pub fn away_team(&self) -> &[u32] {
        &self.away_team
    }

    /// Home goals per match.
    pub fn home_goals(&self) -> &[u32] {
        &self.home_goals
    }

    /// Away goals per match.
    pub fn away_goals(&self) -> &[u32] {
        &self.away_goals
    }

    /// Neutral-venue flag per match.
    pub fn neutral(&self) -> &[bool] {
        &self.neutral
    }

    /// User weight per match (1 where none was given).
    pub fn weight(&self) -> &[f64] {
        &self.weight
    }

    /// The latest match date (`None` for an empty dataset).
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.dates.iter().max().copied()
    }

    /// The matches at positions `range`, with only the teams that play in
    /// them (re-interned in sorted name order, as [`Dataset::from_matches`]
    /// would). Cheap: no names are parsed or validated again. Used by the
    /// walk-forward backtest to cut training windows out of one dataset.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
    /// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let data = Dataset::from_matches(
    ///     &[Match::new(d, "A", "B", 2, 1), Match::new(d, "C", "D", 0, 0)],
    ///     &ValidationOptions { require_connected: false, ..Default::default() },
    /// ).unwrap();
    /// let second = data.select(1..2);
    /// assert_eq!(second.teams().names(), ["C", "D"]);
    /// assert_eq!(second.home_team(), [0]);
    /// ```
    pub fn select(&self, range: std::ops::Range<usize>) -> Dataset {
        let mut new_id = vec![u32::MAX; self.teams.len()];
        for i in range.clone() {
            new_id[self.home_team[i] as usize] = 0;
            new_id[self.away_team[i] as usize] = 0;
        }
        let mut names = Vec::new();
        for (old, slot) in new_id.iter_mut().enumerate() {
            if *slot == 0 {
                *slot = names.len() as u32;
                names.push(self.teams.name(old as u32).to_owned());
            }
        }
        let remap = |ids: &[u32]| {
            ids[range.clone()]
                .iter()
                .map(|&t| new_id[t as usize])
                .collect()
        };
        Dataset {
            teams: TeamIndex::from(names),
            dates: self.dates[range.clone()].to_vec(),
            home_team: remap(&self.home_team),
            away_team: remap(&self.away_team),
            home_goals: self.home_goals[range.clone()].to_vec(),
            away_goals: self.away_goals[range.clone()].to_vec(),
            neutral: self.neutral[range.clone()].to_vec(),
            weight: self.weight[range].to_vec(),
        }
    }

    /// The fingerprint of this dataset (`None` when it is empty).
    pub fn fingerprint(&self) -> Option<DataFingerprint> {
        let first_date = *self.dates.iter().min()?;
        let last_date = *self.dates.iter().max()?;
        let mut hasher = Sha256::new();
        for name in self.teams.names() {
            hasher.update(name.as_bytes());
            hasher.update([0]);
        }
        let mut bytes = Vec::with_capacity(self.len() * 29);
        for i in 0..self.len() {
            bytes.extend_from_slice(&self.dates[i].num_days_from_ce().to_le_bytes());
            bytes.extend_from_slice(&self.home_team[i].to_le_bytes());
            bytes.extend_from_slice(&self.away_team[i].to_le_bytes());
            bytes.extend_from_slice(&self.home_goals[i].to_le_bytes());
            bytes.extend_from_slice(&self.away_goals[i].to_le_bytes());
            bytes.push(u8::from(self.neutral[i]));
            bytes.extend_from_slice(&self.weight[i].to_le_bytes());
        }
        hasher.update(&bytes);
        let digest = hasher.finalize();
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        Some(DataFingerprint {
            matches: self.len(),
            first_date,
            last_date,
            sha256,
        })
    }
}

/// Keeps only the matches between teams of the largest connected group, for
/// data such as international results where some teams never meet the rest.
///
/// ```
/// use chrono::{Datelike, NaiveDate};
/// use scoreline_dixon_coles::data::{keep_largest_component, Match};
/// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let kept = keep_largest_component(&[
///     Match::new(d, "A", "B", 1, 0),
///     Match::new(d, "B", "C", 1, 0),
///     Match::new(d, "X", "Y", 1, 0),
/// ]);
/// assert_eq!(kept.len(), 2);
/// ```
pub fn keep_largest_component(matches: &[Match]) -> Vec<Match> {
    let teams = TeamIndex::from_names(
        matches
            .iter()
            .flat_map(|m| [m.home_team.as_str(), m.away_team.as_str()]),
    );
    let edges = matches
        .iter()
        .filter_map(|m| Some((teams.id(&m.home_team)?, teams.id(&m.away_team)?)));
    let groups = components(&teams, edges);
    let Some(largest) = groups.first() else {
        return Vec::new();
    };
    let keep: std::collections::HashSet<&str> = largest.iter().map(String::as_str).collect();
    matches
        .iter()
        .filter(|m| keep.contains(m.home_team.as_str()) && keep.contains(m.away_team.as_str()))
        .cloned()
        .collect()
}
