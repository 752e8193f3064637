//! The validation rules a list of matches must pass before it is fitted.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::{DataError, Match, RowRef, TeamIndex};

/// The row reference of record `index`: its own origin when it has one.
pub(super) fn row_of(m: &Match, index: usize) -> RowRef {
    match &m.origin {
        Some(origin) => RowRef {
            index,
            ..origin.clone()
        },
        None => RowRef {
            file: None,
            line: None,
            index,
        },
    }
}

/// Checks each record on its own: team names, goal cap and weight.
pub(super) fn check_record(m: &Match, index: usize, max_goals: u32) -> Result<(), DataError> {
    if m.home_team.trim().is_empty() {
        return Err(DataError::EmptyTeamName {
            row: row_of(m, index),
            field: "home_team",
        });
    }
    if m.away_team.trim().is_empty() {
        return Err(DataError::EmptyTeamName {
            row: row_of(m, index),
            field: "away_team",
        });
    }
    if m.home_team == m.away_team {
        return Err(DataError::SameTeam {
            row: row_of(m, index),
            team: m.home_team.clone(),
        });
    }
    for (field, goals) in [("home_goals", m.home_goals), ("away_goals", m.away_goals)] {
        if goals > max_goals {
            return Err(DataError::GoalsAboveCap {
                row: row_of(m, index),
                field,
                goals,
                cap: max_goals,
            });
        }
    }
    if let Some(weight) = m.weight {
        if !weight.is_finite() || weight < 0.0 {
            return Err(DataError::InvalidWeight {
                row: row_of(m, index),
                weight,
            });
        }
    }
    Ok(())
}

/// Rejects a second record with the same date, home team and away team
/// (given as interned ids, parallel to `matches`).
pub(super) fn check_duplicates(
    matches: &[Match],
    home: &[u32],
    away: &[u32],
) -> Result<(), DataError> {
    let mut seen: FxHashMap<(NaiveDate, u32, u32), usize> = FxHashMap::default();
    seen.reserve(matches.len());
    for (i, m) in matches.iter().enumerate() {
        let key = (m.date, home[i], away[i]);
        if let Some(&first) = seen.get(&key) {
            return Err(DataError::DuplicateMatch {
                row: row_of(m, i),
                first: Box::new(row_of(&matches[first], first)),
                date: m.date,
                home: m.home_team.clone(),
                away: m.away_team.clone(),
            });
        }
        seen.insert(key, i);
    }
    Ok(())
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Union–find over the "has played" graph: the root of every team id and
/// the number of groups.
fn union_find(n: usize, edges: impl Iterator<Item = (u32, u32)>) -> (Vec<usize>, usize) {
    let mut parent: Vec<usize> = (0..n).collect();
    let mut groups = n;
    for (a, b) in edges {
        let ra = find(&mut parent, a as usize);
        let rb = find(&mut parent, b as usize);
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
            groups -= 1;
        }
    }
    (parent, groups)
}

/// The number of connected groups of teams.
pub fn component_count(n_teams: usize, edges: impl Iterator<Item = (u32, u32)>) -> usize {
    union_find(n_teams, edges).1
}

/// Groups the teams into connected components of the "has played" graph,
/// largest first (ties by first name). Edges are `(home_id, away_id)` pairs.
pub fn components(teams: &TeamIndex, edges: impl Iterator<Item = (u32, u32)>) -> Vec<Vec<String>> {
    let n = teams.len();
    let (mut parent, _) = union_find(n, edges);
    let mut groups: HashMap<usize, Vec<String>> = HashMap::new();
    for id in 0..n {
        let root = find(&mut parent, id);
        groups
            .entry(root)
            .or_default()
            .push(teams.name(id as u32).to_owned());
    }
    let mut out: Vec<Vec<String>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a[0].cmp(&b[0])));
    out
}
