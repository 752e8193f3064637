//! Reading football-data.co.uk CSV files as they are on the site (and in
//! `$SCORELINE_DATA_DIR/football-data/mmz4281/<season>/<div>.csv`).
//!
//! The real files vary: `dd/mm/yy` or `dd/mm/yyyy` dates, a UTF-8 byte-order
//! mark or Latin-1 bytes, CRLF or LF, trailing rows of commas, rows shorter
//! or longer than the header, header columns with empty names, columns that
//! come and go between seasons. Columns are always found by name; missing
//! trailing cells read as empty; unnamed columns are ignored. Rows with
//! teams but no score are returned as fixtures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::international::read_international_bytes;
use super::text::{
    check_duplicate_columns, header_names, invalid, parse_date, parse_goals, read_csv,
};
use super::{DataError, Fixture, Match, OddsTriple, OverUnderOdds, RecordedOdds, RowRef};

/// The matches and fixtures of one or more files.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FootballDataFile {
    /// Rows with a full-time score.
    pub matches: Vec<Match>,
    /// Rows with teams but no score yet.
    pub fixtures: Vec<Fixture>,
    /// The match statistics the files' headers carry, both columns of the
    /// pair present: `"shots"` (`HS`, `AS`), `"shots_on_target"` (`HST`,
    /// `AST`); for several files, those of any of them. A row may still
    /// leave a cell empty (its statistic is then `None` on that match).
    pub statistics: Vec<&'static str>,
}

/// The 1X2 column families, by `RecordedOdds` field, in order of preference.
const TRIPLES: [&[[&str; 3]]; 5] = [
    &[["B365H", "B365D", "B365A"]],
    &[["PSH", "PSD", "PSA"]],
    &[["PSCH", "PSCD", "PSCA"]],
    &[["AvgH", "AvgD", "AvgA"], ["BbAvH", "BbAvD", "BbAvA"]],
    &[["MaxH", "MaxD", "MaxA"], ["BbMxH", "BbMxD", "BbMxA"]],
];

/// The over/under 2.5 column families, by `RecordedOdds` field, in order of preference.
const OVER_UNDERS: [&[[&str; 2]]; 3] = [
    &[["B365>2.5", "B365<2.5"]],
    &[["P>2.5", "P<2.5"]],
    &[["Avg>2.5", "Avg<2.5"], ["BbAv>2.5", "BbAv<2.5"]],
];

/// The columns other than odds that the reader uses.
const BASIC_COLUMNS: [&str; 6] = ["Div", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"];

/// The optional match-statistic pairs: shots and shots on target.
const STAT_PAIRS: [[&str; 2]; 2] = [["HS", "AS"], ["HST", "AST"]];

/// Every column name the reader uses (each must appear at most once).
fn used_columns() -> impl Iterator<Item = &'static str> {
    BASIC_COLUMNS
        .into_iter()
        .chain(STAT_PAIRS.iter().flatten().copied())
        .chain(TRIPLES.iter().flat_map(|f| f.iter().flatten().copied()))
        .chain(OVER_UNDERS.iter().flat_map(|f| f.iter().flatten().copied()))
}

/// Column positions by name (the first column of each name wins; the
/// columns the reader uses are checked to appear once).
struct Columns(HashMap<String, usize>);

impl Columns {
    fn new(header: &csv::StringRecord) -> Self {
        let mut map = HashMap::new();
        for (i, name) in header.iter().enumerate() {
            let name = name.trim();
            if !name.is_empty() {
                map.entry(name.to_owned()).or_insert(i);
            }
        }
        Self(map)
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }

    fn require(&self, file: &str, name: &str) -> Result<usize, DataError> {
        self.get(name).ok_or_else(|| DataError::MissingColumn {
            file: file.to_owned(),
            column: name.to_owned(),
        })
    }
}

/// The cell at `index` (empty when the row is short or the column absent).
fn cell(record: &csv::StringRecord, index: Option<usize>) -> &str {
    index.and_then(|i| record.get(i)).map_or("", str::trim)
}

/// A pair of counts (`HS`/`AS`, `HST`/`AST`): `None` when the columns are
/// absent or either cell is empty, an error naming the row and column for
/// text that is not a whole number ≥ 0.
fn count_pair(
    record: &csv::StringRecord,
    columns: &Columns,
    names: [&str; 2],
    row: &RowRef,
) -> Result<Option<[u32; 2]>, DataError> {
    let [home, away] = names.map(|name| cell(record, columns.get(name)));
    if home.is_empty() || away.is_empty() {
        return Ok(None);
    }
    Ok(Some([
        parse_goals(home, row, names[0])?,
        parse_goals(away, row, names[1])?,
    ]))
}

/// A decimal price: `None` for an empty cell or a price of 1 or less (no
/// market), an error for text that is not a number.
fn price(
    record: &csv::StringRecord,
    columns: &Columns,
    name: &str,
    row: &RowRef,
) -> Result<Option<f64>, DataError> {
    let text = cell(record, columns.get(name));
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 1.0 => Ok(Some(v)),
        Ok(_) => Ok(None),
        Err(_) => Err(invalid(row, name, text, "not a decimal price")),
    }
}

fn triple(
    record: &csv::StringRecord,
    columns: &Columns,
    names: [&str; 3],
    row: &RowRef,
) -> Result<Option<OddsTriple>, DataError> {
    let [h, d, a] = names.map(|n| price(record, columns, n, row));
    Ok(match (h?, d?, a?) {
        (Some(home), Some(draw), Some(away)) => Some(OddsTriple { home, draw, away }),
        _ => None,
    })
}

fn over_under(
    record: &csv::StringRecord,
    columns: &Columns,
    names: [&str; 2],
    row: &RowRef,
) -> Result<Option<OverUnderOdds>, DataError> {
    Ok(
        match (
            price(record, columns, names[0], row)?,
            price(record, columns, names[1], row)?,
        ) {
            (Some(over), Some(under)) => Some(OverUnderOdds { over, under }),
            _ => None,
        },
    )
}

/// The first family of columns present in the header.
fn first_present<'a, const N: usize>(
    columns: &Columns,
    families: &[[&'a str; N]],
) -> Option<[&'a str; N]> {
    families
        .iter()
        .find(|names| names.iter().all(|n| columns.get(n).is_some()))
        .copied()
}

fn odds(
    record: &csv::StringRecord,
    columns: &Columns,
    row: &RowRef,
) -> Result<RecordedOdds, DataError> {
    let t = |names: Option<[&str; 3]>| names.map_or(Ok(None), |n| triple(record, columns, n, row));
    let ou =
        |names: Option<[&str; 2]>| names.map_or(Ok(None), |n| over_under(record, columns, n, row));
    let [b365, ps, psc, avg, max] = TRIPLES.map(|f| t(first_present(columns, f)));
    let [b365_ou, p_ou, avg_ou] = OVER_UNDERS.map(|f| ou(first_present(columns, f)));
    Ok(RecordedOdds {
        bet365: b365?,
        pinnacle: ps?,
        pinnacle_closing: psc?,
        market_average: avg?,
        market_maximum: max?,
        bet365_over_under: b365_ou?,
        pinnacle_over_under: p_ou?,
        market_average_over_under: avg_ou?,
    })
}

/// Reads a football-data.co.uk file's bytes; `name` names it in errors.
///
/// ```
/// use scoreline_dixon_coles::data::football_data::read_football_data_bytes;
/// let csv = b"\xEF\xBB\xBFDiv,Date,HomeTeam,AwayTeam,FTHG,FTAG,PSH,PSD,PSA\n\
///             E0,16/08/24,Man United,Fulham,1,0,1.6,4.2,5.5\n\
///             E0,17/08/2024,Ipswich,Liverpool,,,6.0,4.5,1.5\n,,,,,,,,\n";
/// let file = read_football_data_bytes("E0.csv", csv).unwrap();
/// assert_eq!(file.matches.len(), 1);
/// assert_eq!(file.fixtures.len(), 1);
/// assert_eq!(file.matches[0].odds.pinnacle.unwrap().home, 1.6);
/// ```
pub fn read_football_data_bytes(name: &str, bytes: &[u8]) -> Result<FootballDataFile, DataError> {
    let (header, records) = read_csv(name, bytes)?;
    check_duplicate_columns(name, &header, used_columns())?;
    let columns = Columns::new(&header);
    let date = columns.require(name, "Date")?;
    let home = columns.require(name, "HomeTeam")?;
    let away = columns.require(name, "AwayTeam")?;
    let home_goals = columns.require(name, "FTHG")?;
    let away_goals = columns.require(name, "FTAG")?;
    let division = columns.get("Div");
    let mut out = FootballDataFile::default();
    for (name, [home, away]) in ["shots", "shots_on_target"].into_iter().zip(STAT_PAIRS) {
        if columns.get(home).is_some() && columns.get(away).is_some() {
            out.statistics.push(name);
        }
    }
    for (index, record) in records.iter().enumerate() {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = RowRef {
            file: Some(name.to_owned()),
            line: record.position().map(|p| p.line()),
            index,
        };
        let (home_team, away_team) = (cell(record, Some(home)), cell(record, Some(away)));
        if home_team.is_empty() && away_team.is_empty() && cell(record, Some(date)).is_empty() {
            continue;
        }
        let date = parse_date(cell(record, Some(date)), &row, "Date")?;
        let odds = odds(record, &columns, &row)?;
        let division = Some(cell(record, division))
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        let (hg, ag) = (
            cell(record, Some(home_goals)),
            cell(record, Some(away_goals)),
        );
        if hg.is_empty() && ag.is_empty() {
            out.fixtures.push(Fixture {
                date: Some(date),
                home_team: home_team.to_owned(),
                away_team: away_team.to_owned(),
                neutral: false,
                division,
                odds,
                origin: Some(row),
            });
            continue;
        }
        let mut m = Match::new(
            date,
            home_team,
            away_team,
            parse_goals(hg, &row, "FTHG")?,
            parse_goals(ag, &row, "FTAG")?,
        );
        m.division = division;
        m.odds = odds;
        m.stats.shots = count_pair(record, &columns, STAT_PAIRS[0], &row)?;
        m.stats.shots_on_target = count_pair(record, &columns, STAT_PAIRS[1], &row)?;
        m.origin = Some(row);
        out.matches.push(m);
    }
    Ok(out)
}

/// Reads one football-data.co.uk file.
pub fn read_football_data_file(path: &Path) -> Result<FootballDataFile, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_football_data_bytes(&path.display().to_string(), &bytes)
}

/// The path of `<dir>/mmz4281/<season>/<division>.csv`.
pub fn season_path(dir: &Path, season: &str, division: &str) -> PathBuf {
    dir.join("mmz4281")
        .join(season)
        .join(format!("{division}.csv"))
}

/// Reads `<dir>/mmz4281/<season>/<division>.csv` for every season (in the
/// order given) and division, where `dir` is the `football-data` folder.
///
/// A division with no file in any season is [`DataError::UnknownDivision`],
/// listing the divisions and seasons there are; a season with no file for
/// a known division is [`DataError::UnknownSeason`], listing that
/// division's seasons. Both are checked before any file is read.
pub fn read_football_data_dir(
    dir: &Path,
    divisions: &[&str],
    seasons: &[&str],
) -> Result<FootballDataFile, DataError> {
    check_available(dir, divisions, seasons)?;
    let mut out = FootballDataFile::default();
    for season in seasons {
        for division in divisions {
            let file = read_football_data_file(&season_path(dir, season, division))?;
            out.matches.extend(file.matches);
            out.fixtures.extend(file.fixtures);
            for statistic in file.statistics {
                if !out.statistics.contains(&statistic) {
                    out.statistics.push(statistic);
                }
            }
        }
    }
    Ok(out)
}

/// Checks that `<dir>/mmz4281/<season>/<division>.csv` exists for every
/// division and season, else names what is there (see [`read_football_data_dir`]).
pub fn check_available(dir: &Path, divisions: &[&str], seasons: &[&str]) -> Result<(), DataError> {
    for division in divisions {
        for season in seasons {
            if season_path(dir, season, division).is_file() {
                continue;
            }
            let available = available_seasons(dir, division);
            return Err(if available.is_empty() {
                DataError::UnknownDivision {
                    dir: dir.display().to_string(),
                    division: (*division).to_owned(),
                    available: available_divisions(dir),
                    seasons: all_seasons(dir),
                }
            } else {
                DataError::UnknownSeason {
                    dir: dir.display().to_string(),
                    division: (*division).to_owned(),
                    season: (*season).to_owned(),
                    available,
                }
            });
        }
    }
    Ok(())
}

/// Every season folder under `<dir>/mmz4281/` (whatever divisions it
/// holds), oldest first.
pub fn all_seasons(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("mmz4281")) else {
        return Vec::new();
    };
    let mut seasons: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|s| season_start_year(s).is_some())
        .collect();
    seasons.sort_by_key(|s| season_start_year(s));
    seasons
}

/// The chronological sort key of a season code such as `9394` or `2324`.
pub fn season_start_year(season: &str) -> Option<u32> {
    if season.len() != 4 || !season.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let yy: u32 = season[..2].parse().ok()?;
    Some(if yy >= 90 { 1900 + yy } else { 2000 + yy })
}

/// The seasons under `<dir>/mmz4281/` that have a file for `division`,
/// oldest first.
pub fn available_seasons(dir: &Path, division: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("mmz4281")) else {
        return Vec::new();
    };
    let mut seasons: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|s| season_start_year(s).is_some())
        .filter(|s| season_path(dir, s, division).is_file())
        .collect();
    seasons.sort_by_key(|s| season_start_year(s));
    seasons
}

/// The divisions (file names without `.csv`, such as `E0`) that have a
/// file in some season under `<dir>/mmz4281/`, sorted.
pub fn available_divisions(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("mmz4281")) else {
        return Vec::new();
    };
    let mut divisions: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|s| season_start_year(s).is_some())
        })
        .filter_map(|e| std::fs::read_dir(e.path()).ok())
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|f| {
            let name = f.file_name().into_string().ok()?;
            let code = name.strip_suffix(".csv")?;
            (!code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then(|| code.to_owned())
        })
        .collect();
    divisions.sort();
    divisions.dedup();
    divisions
}

/// Reads a match file of either format, detected from its header:
/// football-data.co.uk (`HomeTeam`, `FTHG`, …) or international results
/// (`home_team`, `home_score`, …).
pub fn read_match_file(path: &Path) -> Result<FootballDataFile, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    let names = header_names(&name, &bytes)?;
    let has = |column: &str| names.iter().any(|n| n == column);
    if has("HomeTeam") && has("FTHG") {
        read_football_data_bytes(&name, &bytes)
    } else if has("home_team") && has("home_score") {
        let file = read_international_bytes(&name, &bytes)?;
        Ok(FootballDataFile {
            matches: file.matches,
            fixtures: file.fixtures,
            statistics: Vec::new(),
        })
    } else {
        Err(DataError::UnknownFormat { file: name })
    }
}
