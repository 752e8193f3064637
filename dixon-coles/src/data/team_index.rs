//! Interning team names to dense integer ids.

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

/// A two-way map between team names and dense ids `0..len()`.
///
/// Ids are assigned in sorted name order, so the same set of names always
/// gets the same ids whatever order the matches came in.
///
/// ```
/// use scoreline_dixon_coles::data::TeamIndex;
/// let teams = TeamIndex::from_names(["Leeds", "Arsenal", "Leeds"]);
/// assert_eq!(teams.len(), 2);
/// assert_eq!(teams.id("Arsenal"), Some(0));
/// assert_eq!(teams.name(1), "Leeds");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<String>", into = "Vec<String>")]
pub struct TeamIndex {
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl TeamIndex {
    /// Interns the distinct names, sorted.
    pub fn from_names<I, S>(names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut seen: FxHashMap<String, ()> = FxHashMap::default();
        for name in names {
            let name = name.as_ref();
            if !seen.contains_key(name) {
                seen.insert(name.to_owned(), ());
            }
        }
        let mut sorted: Vec<String> = seen.into_keys().collect();
        sorted.sort_unstable();
        Self::from(sorted)
    }

    /// The number of teams.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are no teams.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The id of a name, if known.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    /// The name of an id. Panics if the id is out of range (ids come from this index).
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// All names, in id order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Up to `limit` known names closest to `name` (Jaro–Winkler similarity,
    /// ignoring case), best first, for "unknown team" messages.
    pub fn closest(&self, name: &str, limit: usize) -> Vec<String> {
        let wanted = name.to_lowercase();
        let mut scored: Vec<(f64, &String)> = self
            .names
            .iter()
            .map(|n| (strsim::jaro_winkler(&wanted, &n.to_lowercase()), n))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, n)| n.clone())
            .collect()
    }
}

impl From<Vec<String>> for TeamIndex {
    /// Uses the names in the order given (they must be distinct).
    fn from(names: Vec<String>) -> Self {
        let ids = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Self { names, ids }
    }
}

impl From<TeamIndex> for Vec<String> {
    fn from(index: TeamIndex) -> Self {
        index.names
    }
}
