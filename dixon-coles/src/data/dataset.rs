//! The validated, integer-indexed dataset that the likelihood works on.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::validate::{bipartite_sides, check_record, component_count, components};
use super::{screen_matches, DataError, DataWarning, DuplicatePolicy, Match, TeamIndex};

/// The default cap on goals per side. Real data has a 31–0 international, so
/// the cap is well above it; it exists to catch typos such as `110`.
pub const DEFAULT_MAX_GOALS: u32 = 50;

/// What [`Dataset::from_matches`] checks beyond the fixed rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ValidationOptions {
    /// The largest goal count accepted for one side (default 50).
    pub max_goals: u32,
    /// Reject data whose ratings cannot be identified (default true): teams
    /// that split into groups that never meet, or teams that split into two
    /// sides with every match between the sides.
    pub require_connected: bool,
    /// What to do with a match that appears more than once (default
    /// [`DuplicatePolicy::Keep`], reported in [`Dataset::warnings`]).
    #[serde(default)]
    pub duplicates: DuplicatePolicy,
}

impl Default for ValidationOptions {
    fn default() -> Self {
        Self {
            max_goals: DEFAULT_MAX_GOALS,
            require_connected: true,
            duplicates: DuplicatePolicy::default(),
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
    warnings: Vec<DataWarning>,
}

impl Dataset {
    /// Validates the matches and interns their teams.
    ///
    /// Rules, each a [`DataError`] naming the record at fault: non-empty team
    /// names, home ≠ away, goals ≤ `options.max_goals`, weights finite and
    /// ≥ 0, repeats of a (date, home, away) handled by `options.duplicates`
    /// (an error, or kept or dropped and reported), at least three teams,
    /// and (unless switched off) a team graph that identifies the ratings:
    /// connected, and not bipartite (with two sides whose every match is
    /// across, adding c to one side's attack and to the other side's
    /// defence changes no expected score).
    ///
    /// What the checks found without failing (repeated matches, team names
    /// that differ only in case, spacing or look-alike characters) is in
    /// [`Dataset::warnings`].
    ///
    /// ```
    /// use chrono::{Datelike, NaiveDate};
    /// use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
    /// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    /// let data = Dataset::from_matches(
    ///     &[Match::new(d, "A", "B", 2, 1), Match::new(d, "B", "C", 0, 0), Match::new(d, "C", "A", 1, 1)],
    ///     &ValidationOptions::default(),
    /// ).unwrap();
    /// assert_eq!(data.len(), 3);
    /// assert_eq!(data.teams().len(), 3);
    /// assert!(data.warnings().is_empty());
    /// ```
    pub fn from_matches(matches: &[Match], options: &ValidationOptions) -> Result<Self, DataError> {
        for (i, m) in matches.iter().enumerate() {
            check_record(m, i, options.max_goals)?;
        }
        let screening = screen_matches(matches, options.duplicates)?;
        let kept: Vec<&Match> = matches
            .iter()
            .zip(&screening.keep)
            .filter(|(_, keep)| **keep)
            .map(|(m, _)| m)
            .collect();
        let teams = TeamIndex::from_names(
            kept.iter()
                .flat_map(|m| [m.home_team.as_str(), m.away_team.as_str()]),
        );
        if teams.len() < 3 {
            return Err(DataError::TooFewTeams {
                teams: teams.len(),
                matches: kept.len(),
            });
        }
        let id = |name: &str| teams.id(name).expect("interned above");
        let data = Self {
            dates: kept.iter().map(|m| m.date).collect(),
            home_team: kept.iter().map(|m| id(&m.home_team)).collect(),
            away_team: kept.iter().map(|m| id(&m.away_team)).collect(),
            home_goals: kept.iter().map(|m| m.home_goals).collect(),
            away_goals: kept.iter().map(|m| m.away_goals).collect(),
            neutral: kept.iter().map(|m| m.neutral).collect(),
            weight: kept.iter().map(|m| m.weight.unwrap_or(1.0)).collect(),
            teams,
            warnings: screening.warnings,
        };
        if options.require_connected {
            if component_count(data.teams.len(), data.edges()) > 1 {
                return Err(DataError::Disconnected {
                    components: data.components(),
                });
            }
            if let Some(groups) = bipartite_sides(&data.teams, data.edges()) {
                return Err(DataError::NotIdentifiable { groups });
            }
        }
        Ok(data)
    }

    /// The `(home_id, away_id)` pair of every match.
    fn edges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.home_team
            .iter()
            .copied()
            .zip(self.away_team.iter().copied())
    }

    /// What validation found without failing: repeated matches (and what the
    /// duplicate policy did with them), then groups of team names that
    /// differ only in case, spacing or look-alike characters.
    pub fn warnings(&self) -> &[DataWarning] {
        &self.warnings
    }

    /// The connected groups of teams (largest first).
    pub fn components(&self) -> Vec<Vec<String>> {
        components(&self.teams, self.edges())
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
    /// would). Cheap: no names are parsed or validated again, and the slice
    /// carries no [`Dataset::warnings`]. Used by the
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
            warnings: Vec::new(),
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
    keep_largest_component_reported(matches).0
}

/// [`keep_largest_component`], with a [`DataWarning::SmallerGroupsLeftOut`]
/// naming what was left out when anything was.
///
/// ```
/// use chrono::NaiveDate;
/// use scoreline_dixon_coles::data::{keep_largest_component_reported, DataWarning, Match};
/// let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let (kept, warning) = keep_largest_component_reported(&[
///     Match::new(d, "A", "B", 1, 0),
///     Match::new(d, "B", "C", 1, 0),
///     Match::new(d, "Y", "X", 1, 0),
/// ]);
/// assert_eq!(kept.len(), 2);
/// assert!(matches!(warning, Some(DataWarning::SmallerGroupsLeftOut { teams_kept: 3, matches_left_out: 1, .. })));
/// assert!(warning.unwrap().to_string().contains("X, Y"));
/// ```
pub fn keep_largest_component_reported(matches: &[Match]) -> (Vec<Match>, Option<DataWarning>) {
    let teams = TeamIndex::from_names(
        matches
            .iter()
            .flat_map(|m| [m.home_team.as_str(), m.away_team.as_str()]),
    );
    let edges = matches
        .iter()
        .filter_map(|m| Some((teams.id(&m.home_team)?, teams.id(&m.away_team)?)));
    let mut groups = components(&teams, edges);
    if groups.is_empty() {
        return (Vec::new(), None);
    }
    let largest = groups.remove(0);
    let keep: std::collections::HashSet<&str> = largest.iter().map(String::as_str).collect();
    let kept: Vec<Match> = matches
        .iter()
        .filter(|m| keep.contains(m.home_team.as_str()) && keep.contains(m.away_team.as_str()))
        .cloned()
        .collect();
    let warning = (!groups.is_empty()).then(|| DataWarning::SmallerGroupsLeftOut {
        teams_kept: largest.len(),
        matches_left_out: matches.len() - kept.len(),
        groups,
    });
    (kept, warning)
}
