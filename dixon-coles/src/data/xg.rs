//! Expected goals from FiveThirtyEight's club `spi_matches.csv`, attached to
//! football-data.co.uk matches.
//!
//! The two sources name teams differently (`Man United` against
//! `Manchester United`, `M'gladbach` against `Borussia Monchengladbach`), and
//! no hand-written name table is kept. Names are matched from the data
//! itself, one division at a time (see [`attach_xg`]):
//!
//! 1. The spi `league` is mapped to a football-data division code by a fixed
//!    table ([`LEAGUE_DIVISIONS`]).
//! 2. A football-data match and a played spi match of that league *pair*
//!    when they fall on the same date with the same score and the pairing is
//!    unique: no other unpaired match of either source on that date has that
//!    score, after the names already matched have ruled candidates out (a
//!    candidate whose home or away name contradicts a known name match is
//!    dropped). Each pairing is one vote for (football-data home name, spi
//!    home name) and one for (football-data away name, spi away name).
//! 3. A football-data name matches the spi name it has the most votes for
//!    when that name has at least [`MIN_VOTES`] votes and more than half of
//!    all that football-data name's votes. Steps 2 and 3 repeat, each round's
//!    name matches resolving more same-date, same-score ambiguities, until
//!    nothing changes.
//! 4. Every football-data match whose home and away names are both matched
//!    takes the xG of the spi match between those spi teams within one day
//!    of its date (the nearest, when there are two).
//!
//! A wrong same-date, same-score coincidence (a postponed match, a date that
//! differs between the sources) gives a stray vote that the majority rule
//! outvotes; a team with fewer than [`MIN_VOTES`] pairings stays unmatched
//! and is listed in [`DivisionCoverage::unmatched_teams`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::NaiveDate;

use super::text::{check_duplicate_columns, invalid, parse_date, parse_goals, read_csv};
use super::{DataError, Match, RowRef};

/// The spi `league` names whose clubs football-data.co.uk also covers, with
/// the football-data division code of each.
pub const LEAGUE_DIVISIONS: [(&str, &str); 18] = [
    ("Barclays Premier League", "E0"),
    ("English League Championship", "E1"),
    ("English League One", "E2"),
    ("English League Two", "E3"),
    ("German Bundesliga", "D1"),
    ("German 2. Bundesliga", "D2"),
    ("Spanish Primera Division", "SP1"),
    ("Spanish Segunda Division", "SP2"),
    ("Italy Serie A", "I1"),
    ("Italy Serie B", "I2"),
    ("French Ligue 1", "F1"),
    ("French Ligue 2", "F2"),
    ("Scottish Premiership", "SC0"),
    ("Dutch Eredivisie", "N1"),
    ("Portuguese Liga", "P1"),
    ("Belgian Jupiler League", "B1"),
    ("Turkish Turkcell Super Lig", "T1"),
    ("Greek Super League", "G1"),
];

/// The fewest same-date, same-score pairings that make two names a match.
pub const MIN_VOTES: usize = 3;

/// The football-data division code of an spi `league` name, when both
/// sources cover that league.
///
/// ```
/// use scoreline_dixon_coles::data::xg::division_for_league;
/// assert_eq!(division_for_league("Barclays Premier League"), Some("E0"));
/// assert_eq!(division_for_league("Major League Soccer"), None);
/// ```
pub fn division_for_league(league: &str) -> Option<&'static str> {
    LEAGUE_DIVISIONS
        .iter()
        .find(|(l, _)| *l == league)
        .map(|&(_, d)| d)
}

/// The spi `league` name of a football-data division code, when both sources
/// cover that league.
pub fn league_for_division(division: &str) -> Option<&'static str> {
    LEAGUE_DIVISIONS
        .iter()
        .find(|(_, d)| *d == division)
        .map(|&(l, _)| l)
}

/// One row of `spi_matches.csv`: a played match or a fixture.
#[derive(Debug, Clone, PartialEq)]
pub struct SpiMatch {
    /// The day of the match (`date`).
    pub date: NaiveDate,
    /// The spi league name (`league`).
    pub league: String,
    /// The home team, in spi's spelling (`team1`).
    pub home_team: String,
    /// The away team, in spi's spelling (`team2`).
    pub away_team: String,
    /// The final score (`score1`, `score2`); `None` for a fixture.
    pub score: Option<[u32; 2]>,
    /// Shot-based expected goals (`xg1`, `xg2`), when both cells are filled.
    pub xg: Option<[f64; 2]>,
    /// Non-shot expected goals (`nsxg1`, `nsxg2`), when both cells are filled.
    pub non_shot_xg: Option<[f64; 2]>,
    /// The file and line the row was read from.
    pub origin: RowRef,
}

/// The rows of an spi matches file, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpiTable {
    /// Every row, played or not.
    pub rows: Vec<SpiMatch>,
}

impl SpiTable {
    /// The first and last date of the rows of `league` (every league when
    /// `None`); `None` when there are no such rows.
    pub fn date_range(&self, league: Option<&str>) -> Option<(NaiveDate, NaiveDate)> {
        self.rows
            .iter()
            .filter(|r| league.is_none_or(|l| r.league == l))
            .fold(None, |range, r| match range {
                None => Some((r.date, r.date)),
                Some((first, last)) => Some((first.min(r.date), last.max(r.date))),
            })
    }
}

/// The columns the reader uses.
const COLUMNS: [&str; 10] = [
    "date", "league", "team1", "team2", "score1", "score2", "xg1", "xg2", "nsxg1", "nsxg2",
];

/// The trimmed cell at `index` (empty when the row is short).
fn cell(record: &csv::StringRecord, index: usize) -> &str {
    record.get(index).map_or("", str::trim)
}

/// A pair of non-negative decimals: `None` when either cell is empty, an
/// error naming the row and column for text that is not a finite number ≥ 0.
fn decimal_pair(
    record: &csv::StringRecord,
    index: [usize; 2],
    names: [&str; 2],
    row: &RowRef,
) -> Result<Option<[f64; 2]>, DataError> {
    let mut out = [0.0; 2];
    let mut filled = true;
    for side in 0..2 {
        let text = cell(record, index[side]);
        if text.is_empty() {
            filled = false;
            continue;
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => out[side] = v,
            _ => {
                return Err(invalid(
                    row,
                    names[side],
                    text,
                    "expected a finite number ≥ 0",
                ))
            }
        }
    }
    Ok(filled.then_some(out))
}

/// Reads `spi_matches.csv` bytes; `name` names the file in errors.
///
/// Columns are found by name (`date`, `league`, `team1`, `team2`, `score1`,
/// `score2`, `xg1`, `xg2`, `nsxg1`, `nsxg2`; others are ignored). Empty
/// score cells make a fixture; empty xG cells leave [`SpiMatch::xg`] (or
/// [`SpiMatch::non_shot_xg`]) `None`. A cell that cannot be read is a
/// [`DataError::InvalidField`] naming the line and column.
///
/// ```
/// use scoreline_dixon_coles::data::xg::read_spi_bytes;
/// let csv = b"date,league,team1,team2,score1,score2,xg1,xg2,nsxg1,nsxg2\n\
///             2017-08-11,Barclays Premier League,Arsenal,Leicester City,4,3,2.05,1.39,2.86,0.75\n\
///             2019-05-12,Barclays Premier League,Watford,West Ham United,,,,,,\n";
/// let table = read_spi_bytes("spi.csv", csv).unwrap();
/// assert_eq!(table.rows[0].xg, Some([2.05, 1.39]));
/// assert_eq!(table.rows[1].score, None);
/// ```
pub fn read_spi_bytes(name: &str, bytes: &[u8]) -> Result<SpiTable, DataError> {
    let (header, records) = read_csv(name, bytes)?;
    check_duplicate_columns(name, &header, COLUMNS)?;
    let mut index = [0usize; COLUMNS.len()];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = header
            .iter()
            .position(|h| h.trim() == column)
            .ok_or_else(|| DataError::MissingColumn {
                file: name.to_owned(),
                column: column.to_owned(),
            })?;
    }
    let [date, league, team1, team2, score1, score2, xg1, xg2, nsxg1, nsxg2] = index;
    let mut rows = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = RowRef {
            file: Some(name.to_owned()),
            line: record.position().map(|p| p.line()),
            index: i,
        };
        let day = parse_date(cell(record, date), &row, "date")?;
        let league_name = cell(record, league);
        if league_name.is_empty() {
            return Err(invalid(&row, "league", "", "the league is empty"));
        }
        let (home, away) = (cell(record, team1), cell(record, team2));
        if home.is_empty() {
            return Err(DataError::EmptyTeamName {
                row,
                field: "team1",
            });
        }
        if away.is_empty() {
            return Err(DataError::EmptyTeamName {
                row,
                field: "team2",
            });
        }
        let score = match (cell(record, score1), cell(record, score2)) {
            ("", "") => None,
            ("", _) => return Err(invalid(&row, "score1", "", "empty while score2 is set")),
            (_, "") => return Err(invalid(&row, "score2", "", "empty while score1 is set")),
            (h, a) => Some([
                parse_goals(h, &row, "score1")?,
                parse_goals(a, &row, "score2")?,
            ]),
        };
        let xg = decimal_pair(record, [xg1, xg2], ["xg1", "xg2"], &row)?;
        let non_shot_xg = decimal_pair(record, [nsxg1, nsxg2], ["nsxg1", "nsxg2"], &row)?;
        rows.push(SpiMatch {
            date: day,
            league: league_name.to_owned(),
            home_team: home.to_owned(),
            away_team: away.to_owned(),
            score,
            xg,
            non_shot_xg,
            origin: row,
        });
    }
    Ok(SpiTable { rows })
}

/// Reads FiveThirtyEight's `spi_matches.csv` (see [`read_spi_bytes`]).
///
/// ```no_run
/// use std::path::Path;
/// use scoreline_dixon_coles::data::football_data::read_football_data_file;
/// use scoreline_dixon_coles::data::xg::{attach_xg, read_spi_matches};
///
/// let table = read_spi_matches(Path::new("data/xg/spi_matches.csv")).unwrap();
/// let mut matches = read_football_data_file(Path::new("data/E0.csv")).unwrap().matches;
/// let coverage = attach_xg(&mut matches, &table);
/// let e0 = coverage.division("E0").unwrap();
/// println!("{} of {} E0 matches have xG", e0.with_xg, e0.matches);
/// ```
pub fn read_spi_matches(path: &Path) -> Result<SpiTable, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_spi_bytes(&path.display().to_string(), &bytes)
}

/// How [`attach_xg`] fared on one football-data division.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DivisionCoverage {
    /// The football-data division code (`E0`, …).
    pub division: String,
    /// The spi league name it maps to.
    pub league: String,
    /// The matches of this division handed to [`attach_xg`].
    pub matches: usize,
    /// Those inside the date range the table covers for this league.
    pub matches_in_range: usize,
    /// Those paired with an spi row (names matched, date within a day).
    pub paired: usize,
    /// Those that now have xG.
    pub with_xg: usize,
    /// Paired matches whose score differs between the two sources (their xG
    /// is attached all the same).
    pub score_mismatches: usize,
    /// The name matches found: (football-data name, spi name), sorted.
    pub team_names: Vec<(String, String)>,
    /// football-data names of matches inside the table's date range that
    /// found no spi name, sorted.
    pub unmatched_teams: Vec<String>,
    /// The first and last date of the table's rows for this league (`None`
    /// when the table has none).
    pub table_dates: Option<(NaiveDate, NaiveDate)>,
}

/// What [`attach_xg`] did, division by division.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XgCoverage {
    /// One entry per division code found among the matches that
    /// [`LEAGUE_DIVISIONS`] maps, sorted by code.
    pub divisions: Vec<DivisionCoverage>,
    /// Matches with no division, or a division no spi league maps to; they
    /// are left untouched.
    pub without_league: usize,
    /// The first and last date of the whole table.
    pub table_dates: Option<(NaiveDate, NaiveDate)>,
}

impl XgCoverage {
    /// The coverage of one division code, if any match had it.
    pub fn division(&self, code: &str) -> Option<&DivisionCoverage> {
        self.divisions.iter().find(|d| d.division == code)
    }
}

/// Attaches spi xG and non-shot xG to the football-data matches it can find
/// in `table`, setting [`MatchStats::xg`](super::MatchStats::xg) and
/// [`MatchStats::non_shot_xg`](super::MatchStats::non_shot_xg).
///
/// Each match's league is found from its [`Match::division`]; matches with
/// none (such as the results-only files, which lack `Div`; set it before
/// calling) are left alone and counted in [`XgCoverage::without_league`].
/// Team names are matched automatically, as the [module](self) describes:
/// unique same-date, same-score pairings vote for name pairs, a name pair
/// with at least [`MIN_VOTES`] votes and a majority of that football-data
/// name's votes is a match, and every match between two matched names takes
/// the xG of the spi match of those teams within one day. An spi row with no
/// xG leaves the match's xG as it was.
///
/// ```
/// use chrono::NaiveDate;
/// use scoreline_dixon_coles::data::Match;
/// use scoreline_dixon_coles::data::xg::{attach_xg, read_spi_bytes};
///
/// let mut csv = String::from("date,league,team1,team2,score1,score2,xg1,xg2,nsxg1,nsxg2\n");
/// let mut matches = Vec::new();
/// let (fd, spi) = (["Man United", "Man City"], ["Manchester United", "Manchester City"]);
/// for day in 1..=4u32 {
///     let (h, a) = if day % 2 == 0 { (0, 1) } else { (1, 0) };
///     csv += &format!("2017-09-{day:02},Barclays Premier League,{},{},{day},0,1.5,0.5,1.0,0.2\n", spi[h], spi[a]);
///     let date = NaiveDate::from_ymd_opt(2017, 9, day).unwrap();
///     let mut m = Match::new(date, fd[h], fd[a], day, 0);
///     m.division = Some("E0".into());
///     matches.push(m);
/// }
/// let table = read_spi_bytes("spi.csv", csv.as_bytes()).unwrap();
/// let coverage = attach_xg(&mut matches, &table);
/// assert_eq!(coverage.division("E0").unwrap().with_xg, 4);
/// assert_eq!(matches[0].stats.xg, Some([1.5, 0.5]));
/// ```
pub fn attach_xg(matches: &mut [Match], table: &SpiTable) -> XgCoverage {
    let mut by_division: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut without_league = 0;
    for (i, m) in matches.iter().enumerate() {
        let known = m
            .division
            .as_deref()
            .and_then(league_for_division)
            .and_then(division_for_league);
        match known {
            Some(code) => by_division.entry(code).or_default().push(i),
            None => without_league += 1,
        }
    }
    let mut divisions = Vec::with_capacity(by_division.len());
    for (code, indices) in by_division {
        let league = league_for_division(code).unwrap_or_default();
        let spi: Vec<&SpiMatch> = table.rows.iter().filter(|r| r.league == league).collect();
        let names = match_names(matches, &indices, &spi);
        divisions.push(attach_division(
            matches, &indices, &spi, &names, code, league,
        ));
    }
    XgCoverage {
        divisions,
        without_league,
        table_dates: table.date_range(None),
    }
}

/// football-data name → spi name.
type NameMap = HashMap<String, String>;

/// Learns the name matches of one division (steps 2 and 3 of the module
/// documentation).
fn match_names(matches: &[Match], indices: &[usize], spi: &[&SpiMatch]) -> NameMap {
    type Key = (NaiveDate, [u32; 2]);
    let mut groups: HashMap<Key, (Vec<usize>, Vec<usize>)> = HashMap::new();
    for &i in indices {
        let m = &matches[i];
        let key = (m.date, [m.home_goals, m.away_goals]);
        groups.entry(key).or_default().0.push(i);
    }
    for (j, r) in spi.iter().enumerate() {
        if let Some(score) = r.score {
            if let Some(group) = groups.get_mut(&(r.date, score)) {
                group.1.push(j);
            }
        }
    }
    let mut groups: Vec<(Vec<usize>, Vec<usize>)> = groups
        .into_values()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    // A deterministic order, so that the result never depends on hashing.
    groups.sort_unstable();
    let mut votes: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut names = NameMap::new();
    for _round in 0..16 {
        let images: BTreeSet<&str> = names.values().map(String::as_str).collect();
        let fits = |fd: &str, sp: &str| match names.get(fd) {
            Some(known) => known == sp,
            None => !images.contains(sp),
        };
        let mut new_pairs = Vec::new();
        for (fd, sp) in &groups {
            let consistent = |f: usize, s: usize| {
                let (m, r) = (&matches[f], spi[s]);
                fits(&m.home_team, &r.home_team) && fits(&m.away_team, &r.away_team)
            };
            for &f in fd {
                let mut fitting = sp.iter().copied().filter(|&s| consistent(f, s));
                let (Some(s), None) = (fitting.next(), fitting.next()) else {
                    continue;
                };
                if fd.iter().filter(|&&g| consistent(g, s)).count() == 1 {
                    new_pairs.push((f, s));
                }
            }
        }
        let before = groups.iter().map(|(f, s)| f.len() + s.len()).sum::<usize>();
        for &(f, s) in &new_pairs {
            let (m, r) = (&matches[f], spi[s]);
            for (a, b) in [(&m.home_team, &r.home_team), (&m.away_team, &r.away_team)] {
                *votes.entry(a).or_default().entry(b).or_default() += 1;
            }
            for group in &mut groups {
                group.0.retain(|&g| g != f);
                group.1.retain(|&t| t != s);
            }
        }
        let after = groups.iter().map(|(f, s)| f.len() + s.len()).sum::<usize>();
        let learned = names_from_votes(&votes);
        if learned == names && before == after {
            break;
        }
        names = learned;
    }
    names
}

/// Step 3: each football-data name's most-voted spi name, when it has at
/// least [`MIN_VOTES`] votes and more than half of the name's votes.
fn names_from_votes(votes: &HashMap<&str, HashMap<&str, usize>>) -> NameMap {
    let mut names = NameMap::new();
    for (&fd, counts) in votes {
        let total: usize = counts.values().sum();
        // Ties on count go to the alphabetically first name, so the result
        // does not depend on hashing; a tie cannot be a majority anyway.
        let best = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
        if let Some((&sp, &count)) = best {
            if count >= MIN_VOTES && 2 * count > total {
                names.insert(fd.to_owned(), sp.to_owned());
            }
        }
    }
    names
}

/// Step 4 for one division, and its coverage.
fn attach_division(
    matches: &mut [Match],
    indices: &[usize],
    spi: &[&SpiMatch],
    names: &NameMap,
    code: &str,
    league: &str,
) -> DivisionCoverage {
    let mut fixtures: HashMap<(&str, &str), Vec<&SpiMatch>> = HashMap::new();
    for r in spi {
        fixtures
            .entry((r.home_team.as_str(), r.away_team.as_str()))
            .or_default()
            .push(r);
    }
    let table_dates = spi.iter().fold(None, |range, r| match range {
        None => Some((r.date, r.date)),
        Some((first, last)) => Some((r.date.min(first), r.date.max(last))),
    });
    let mut coverage = DivisionCoverage {
        division: code.to_owned(),
        league: league.to_owned(),
        matches: indices.len(),
        table_dates,
        ..DivisionCoverage::default()
    };
    let mut unmatched = BTreeSet::new();
    for &i in indices {
        let m = &mut matches[i];
        let in_range = table_dates.is_some_and(|(first, last)| {
            (m.date - first).num_days() >= -1 && (last - m.date).num_days() >= -1
        });
        if in_range {
            coverage.matches_in_range += 1;
            for team in [&m.home_team, &m.away_team] {
                if !names.contains_key(team) {
                    unmatched.insert(team.clone());
                }
            }
        }
        let (Some(home), Some(away)) = (names.get(&m.home_team), names.get(&m.away_team)) else {
            continue;
        };
        let Some(candidates) = fixtures.get(&(home.as_str(), away.as_str())) else {
            continue;
        };
        let days_apart = |r: &SpiMatch| (r.date - m.date).num_days().abs();
        let mut near: Vec<&SpiMatch> = candidates
            .iter()
            .copied()
            .filter(|r| days_apart(r) <= 1)
            .collect();
        near.sort_by_key(|r| days_apart(r));
        let row = match near.as_slice() {
            [] => continue,
            [only] => *only,
            [first, second, ..] if days_apart(first) < days_apart(second) => *first,
            _ => continue,
        };
        coverage.paired += 1;
        if row.score.is_some_and(|s| s != [m.home_goals, m.away_goals]) {
            coverage.score_mismatches += 1;
        }
        if let Some(xg) = row.xg {
            m.stats.xg = Some(xg);
        }
        if let Some(non_shot_xg) = row.non_shot_xg {
            m.stats.non_shot_xg = Some(non_shot_xg);
        }
        if m.stats.xg.is_some() {
            coverage.with_xg += 1;
        }
    }
    let mut team_names: Vec<(String, String)> =
        names.iter().map(|(f, s)| (f.clone(), s.clone())).collect();
    team_names.sort();
    coverage.team_names = team_names;
    coverage.unmatched_teams = unmatched.into_iter().collect();
    coverage
}
