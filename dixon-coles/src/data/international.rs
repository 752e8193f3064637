//! Reading international results (`date,home_team,away_team,home_score,
//! away_score,tournament,city,country,neutral`).

use std::path::Path;

use super::text::{check_duplicate_columns, invalid, parse_date, parse_goals, read_csv};
use super::{DataError, Fixture, Match, RowRef};

/// The matches and fixtures of an international results file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InternationalFile {
    /// Played matches.
    pub matches: Vec<Match>,
    /// The tournament of each match (parallel to `matches`).
    pub tournaments: Vec<String>,
    /// Rows without a score (`NA`).
    pub fixtures: Vec<Fixture>,
}

/// Every column name the reader uses (each must appear at most once).
const COLUMNS: [&str; 7] = [
    "date",
    "home_team",
    "away_team",
    "home_score",
    "away_score",
    "tournament",
    "neutral",
];

fn neutral_flag(text: &str, row: &RowRef) -> Result<bool, DataError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        _ => Err(invalid(row, "neutral", text, "expected TRUE or FALSE")),
    }
}

/// Reads the bytes of an international results file; `name` names it in errors.
///
/// ```
/// use scoreline_dixon_coles::data::international::read_international_bytes;
/// let csv = b"date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n\
///             2001-04-11,Australia,American Samoa,31,0,FIFA World Cup qualification,Coffs Harbour,Australia,FALSE\n\
///             2026-07-19,Spain,France,NA,NA,FIFA World Cup,New York,United States,TRUE\n";
/// let file = read_international_bytes("results.csv", csv).unwrap();
/// assert_eq!(file.matches[0].home_goals, 31);
/// assert!(file.fixtures[0].neutral);
/// ```
pub fn read_international_bytes(name: &str, bytes: &[u8]) -> Result<InternationalFile, DataError> {
    let (header, records) = read_csv(name, bytes)?;
    check_duplicate_columns(name, &header, COLUMNS)?;
    let column = |wanted: &str| {
        header
            .iter()
            .position(|h| h.trim() == wanted)
            .ok_or_else(|| DataError::MissingColumn {
                file: name.to_owned(),
                column: wanted.to_owned(),
            })
    };
    let [date, home, away, hs, aws] =
        ["date", "home_team", "away_team", "home_score", "away_score"].map(column);
    let (date, home, away, hs, aws) = (date?, home?, away?, hs?, aws?);
    let tournament = column("tournament").ok();
    let neutral = column("neutral").ok();
    let mut out = InternationalFile::default();
    for (index, record) in records.iter().enumerate() {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = RowRef {
            file: Some(name.to_owned()),
            line: record.position().map(|p| p.line()),
            index,
        };
        let get = |i: Option<usize>| i.and_then(|i| record.get(i)).map_or("", str::trim);
        let day = parse_date(get(Some(date)), &row, "date")?;
        let is_neutral = neutral_flag(get(neutral), &row)?;
        let (x, y) = (get(Some(hs)), get(Some(aws)));
        let missing = |s: &str| s.is_empty() || s.eq_ignore_ascii_case("na");
        if missing(x) && missing(y) {
            out.fixtures.push(Fixture {
                date: Some(day),
                home_team: get(Some(home)).to_owned(),
                away_team: get(Some(away)).to_owned(),
                neutral: is_neutral,
                division: None,
                odds: Default::default(),
                origin: Some(row),
            });
            continue;
        }
        let mut m = Match::new(
            day,
            get(Some(home)),
            get(Some(away)),
            parse_goals(x, &row, "home_score")?,
            parse_goals(y, &row, "away_score")?,
        );
        m.neutral = is_neutral;
        m.origin = Some(row);
        out.matches.push(m);
        out.tournaments.push(get(tournament).to_owned());
    }
    Ok(out)
}

/// Reads an international results file.
pub fn read_international_file(path: &Path) -> Result<InternationalFile, DataError> {
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_international_bytes(&path.display().to_string(), &bytes)
}
