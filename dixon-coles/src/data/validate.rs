//! The validation rules a list of matches must pass before it is fitted.

use std::collections::HashMap;

use super::{DataError, Match, RowRef, TeamIndex};

/// The row reference of record `index`: its own origin when it has one.
pub(crate) fn row_of(m: &Match, index: usize) -> RowRef {
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

/// The two sides of the "has played" graph when it is bipartite (every match
/// is between a team of one side and a team of the other), else `None`.
///
/// Found by colouring each team 0 or 1 in a breadth-first search so that
/// opponents differ; a match between two teams of one colour (an odd cycle)
/// means no such split exists. Edges are `(home_id, away_id)` pairs.
pub fn bipartite_sides(
    teams: &TeamIndex,
    edges: impl Iterator<Item = (u32, u32)>,
) -> Option<[Vec<String>; 2]> {
    let n = teams.len();
    let mut neighbours: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (a, b) in edges {
        neighbours[a as usize].push(b);
        neighbours[b as usize].push(a);
    }
    let mut colour: Vec<Option<u8>> = vec![None; n];
    let mut queue = std::collections::VecDeque::new();
    for start in 0..n {
        if colour[start].is_some() {
            continue;
        }
        colour[start] = Some(0);
        queue.push_back(start);
        while let Some(team) = queue.pop_front() {
            let own = colour[team]?;
            for &other in &neighbours[team] {
                match colour[other as usize] {
                    Some(c) if c == own => return None,
                    Some(_) => {}
                    None => {
                        colour[other as usize] = Some(1 - own);
                        queue.push_back(other as usize);
                    }
                }
            }
        }
    }
    let mut sides: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for (id, c) in colour.iter().enumerate() {
        sides[usize::from(c.unwrap_or(0))].push(teams.name(id as u32).to_owned());
    }
    if sides[1].len() > sides[0].len() {
        sides.swap(0, 1);
    }
    Some(sides)
}
