//! Match data between Python and Rust: reading football-data.co.uk files
//! into columns (pandas glue is in Python), and turning the columns Python
//! sends back into the engine's `Match` records — the one conversion that
//! fitting and backtests share.

use std::path::PathBuf;

use chrono::NaiveDate;
use numpy::{PyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use scoreline_dixon_coles::data::football_data::{read_football_data_file, FootballDataFile};
use scoreline_dixon_coles::data::{
    screen_matches, DuplicatePolicy, Match, OddsTriple, OverUnderOdds, RecordedOdds, RowRef,
    ValidationOptions,
};
use scoreline_dixon_coles::evaluation::backtest::season_of_match;

use crate::errors::{data_error, DataError};

/// Days since 1970-01-01 of a date.
pub(crate) fn days(d: NaiveDate) -> i64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

/// Days between 0001-01-01 (chrono's day 1) and 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// A date from days since 1970-01-01.
pub(crate) fn date_of(days: i64, row: usize, field: &str) -> PyResult<NaiveDate> {
    i32::try_from(days + UNIX_EPOCH_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| {
            DataError::new_err(format!(
                "row {row}: {field} = {days} days since 1970 is out of range"
            ))
        })
}

/// A goal count: a finite, non-negative whole number.
pub(crate) fn goals_of(value: f64, row: usize, field: &str) -> PyResult<u32> {
    if value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= u32::MAX as f64 {
        Ok(value as u32)
    } else {
        Err(DataError::new_err(format!(
            "row {row}: {field} = {value} is not a non-negative whole number of goals"
        )))
    }
}

/// Team names from a Python sequence, each a `str` (the error names the row).
pub(crate) fn names(values: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<String>> {
    let list = values
        .cast::<PyList>()
        .map_err(|_| DataError::new_err(format!("{field}: expected a list of team names")))?;
    list.iter()
        .enumerate()
        .map(|(row, item)| {
            item.extract::<String>().map_err(|_| {
                DataError::new_err(format!(
                    "row {row}: {field} = {} is not a team name",
                    item.repr().map_or("?".into(), |r| r.to_string())
                ))
            })
        })
        .collect()
}

/// Team names per row from factorised input: `names[codes[i]]` (a code of −1 is a missing name).
pub(crate) fn decode(names: &[String], codes: &[i64], field: &str) -> PyResult<Vec<usize>> {
    codes
        .iter()
        .enumerate()
        .map(|(row, &c)| {
            usize::try_from(c)
                .ok()
                .filter(|&c| c < names.len())
                .ok_or_else(|| DataError::new_err(format!("row {row}: {field} is missing")))
        })
        .collect()
}

/// A length check naming the column.
pub(crate) fn check_len(name: &str, len: usize, expected: usize) -> PyResult<()> {
    if len == expected {
        Ok(())
    } else {
        Err(DataError::new_err(format!(
            "{name} has {len} rows, expected {expected} (one per match)"
        )))
    }
}

/// Matches from factorised columns (`teams[home[i]]` v `teams[away[i]]`;
/// goals as floats checked to be whole numbers; dates as days since
/// 1970-01-01). Each match's origin is its row (`RowRef::index`), so that
/// later stages can map a match back to the caller's row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn matches_from_columns(
    teams: &Bound<'_, PyAny>,
    home: &[i64],
    away: &[i64],
    home_goals: &[f64],
    away_goals: &[f64],
    dates: &[i64],
    neutral: Option<&[bool]>,
    weights: Option<&[f64]>,
) -> PyResult<Vec<Match>> {
    let teams = names(teams, "teams")?;
    let (home, away) = (decode(&teams, home, "home")?, decode(&teams, away, "away")?);
    let n = home.len();
    check_len("away", away.len(), n)?;
    check_len("home_goals", home_goals.len(), n)?;
    check_len("away_goals", away_goals.len(), n)?;
    check_len("dates", dates.len(), n)?;
    if let Some(v) = neutral {
        check_len("neutral", v.len(), n)?;
    }
    if let Some(v) = weights {
        check_len("weights", v.len(), n)?;
    }
    let mut matches = Vec::with_capacity(n);
    for i in 0..n {
        let mut m = Match::new(
            date_of(dates[i], i, "date")?,
            teams[home[i]].clone(),
            teams[away[i]].clone(),
            goals_of(home_goals[i], i, "home_goals")?,
            goals_of(away_goals[i], i, "away_goals")?,
        );
        m.neutral = neutral.is_some_and(|v| v[i]);
        m.weight = weights.map(|v| v[i]);
        m.origin = Some(RowRef {
            file: None,
            line: None,
            index: i,
        });
        matches.push(m);
    }
    Ok(matches)
}

/// The caller's row of a match built by [`matches_from_columns`].
pub(crate) fn row_of(m: &Match) -> usize {
    m.origin.as_ref().map_or(0, |o| o.index)
}

/// Optional text per row from factorised input (`names[codes[i]]`; a code
/// of −1 or an empty name is `None`), e.g. divisions or seasons.
pub(crate) fn optional_labels(
    names_list: &Bound<'_, PyAny>,
    codes: &[i64],
    field: &str,
    n: usize,
) -> PyResult<Vec<Option<String>>> {
    let names = names(names_list, field)?;
    check_len(field, codes.len(), n)?;
    Ok(codes
        .iter()
        .map(|&c| {
            usize::try_from(c)
                .ok()
                .and_then(|c| names.get(c))
                .filter(|s| !s.trim().is_empty())
                .cloned()
        })
        .collect())
}

/// The odds of one family (a field of `RecordedOdds`) for a row.
enum OddsSlot<'a> {
    Triple(&'a mut Option<OddsTriple>),
    OverUnder(&'a mut Option<OverUnderOdds>),
}

/// The families Python may send, by `RecordedOdds` field name.
pub(crate) const ODDS_FAMILIES: [&str; 8] = [
    "bet365",
    "pinnacle",
    "pinnacle_closing",
    "market_average",
    "market_maximum",
    "bet365_over_under",
    "pinnacle_over_under",
    "market_average_over_under",
];

fn odds_slot<'a>(odds: &'a mut RecordedOdds, family: &str) -> Option<OddsSlot<'a>> {
    Some(match family {
        "bet365" => OddsSlot::Triple(&mut odds.bet365),
        "pinnacle" => OddsSlot::Triple(&mut odds.pinnacle),
        "pinnacle_closing" => OddsSlot::Triple(&mut odds.pinnacle_closing),
        "market_average" => OddsSlot::Triple(&mut odds.market_average),
        "market_maximum" => OddsSlot::Triple(&mut odds.market_maximum),
        "bet365_over_under" => OddsSlot::OverUnder(&mut odds.bet365_over_under),
        "pinnacle_over_under" => OddsSlot::OverUnder(&mut odds.pinnacle_over_under),
        "market_average_over_under" => OddsSlot::OverUnder(&mut odds.market_average_over_under),
        _ => return None,
    })
}

/// Attaches bookmaker odds to the matches: `odds` maps a `RecordedOdds`
/// field name (`pinnacle_closing`, `market_average`, …) to an (n, 3) array
/// of decimal home/draw/away odds, or (n, 2) over/under 2.5 odds for the
/// `*_over_under` families. As when reading a file, a row with a missing
/// (NaN) price or a price of 1 or less has no odds of that family.
pub(crate) fn set_odds(matches: &mut [Match], odds: &Bound<'_, PyDict>) -> PyResult<()> {
    for (key, value) in odds.iter() {
        let family: String = key.extract()?;
        let array: PyReadonlyArray2<'_, f64> = value.extract().map_err(|_| {
            DataError::new_err(format!("odds {family:?}: expected a 2-D float64 array"))
        })?;
        let (n, k) = (array.shape()[0], array.shape()[1]);
        check_len(&format!("odds {family:?}"), n, matches.len())?;
        let values = array.as_slice()?;
        for (m, row) in matches.iter_mut().zip(values.chunks_exact(k.max(1))) {
            let priced = row.iter().all(|p| p.is_finite() && *p > 1.0);
            let slot = odds_slot(&mut m.odds, &family).ok_or_else(|| {
                DataError::new_err(format!(
                    "unknown odds family {family:?}; expected one of {}",
                    ODDS_FAMILIES.join(", ")
                ))
            })?;
            match slot {
                OddsSlot::Triple(t) if k == 3 => {
                    *t = priced.then(|| OddsTriple {
                        home: row[0],
                        draw: row[1],
                        away: row[2],
                    });
                }
                OddsSlot::OverUnder(t) if k == 2 => {
                    *t = priced.then(|| OverUnderOdds {
                        over: row[0],
                        under: row[1],
                    });
                }
                _ => {
                    return Err(DataError::new_err(format!(
                        "odds {family:?}: {k} columns, expected {}",
                        if family.ends_with("over_under") { 2 } else { 3 }
                    )))
                }
            }
        }
    }
    Ok(())
}

/// Validates matches in the caller's order, so that an error names the
/// caller's row (the backtest validates again after sorting by date).
pub(crate) fn validate_rows(matches: &[Match]) -> PyResult<()> {
    let options = ValidationOptions {
        require_connected: false,
        ..ValidationOptions::default()
    };
    scoreline_dixon_coles::data::Dataset::from_matches(matches, &options)
        .map(drop)
        .map_err(data_error)
}

/// The season code of a record: its file's `mmz4281/<season>/` folder, else its date's.
fn season_of_record(date: NaiveDate, origin: Option<&RowRef>) -> String {
    let mut probe = Match::new(date, "", "", 0, 0);
    probe.origin = origin.cloned();
    season_of_match(&probe)
}

/// A data warning as Python sees it: its kind (`duplicate_match`, …) and message.
type KindAndMessage = (String, String);

/// Reads the given files (in order) into a dict of columns: date (days since
/// 1970), Div, Season (the file's `mmz4281/<season>/` folder, else the
/// date's season), HomeTeam, AwayTeam, FTHG, FTAG (NaN for fixtures), and
/// the odds columns as floats (NaN where missing); and the data warnings as
/// `(kind, message)` pairs (the engine's `DataWarning`: `duplicate_match`,
/// `similar_team_names`).
///
/// `duplicates` is the policy for a played match (date, home, away) that
/// appears more than once: `"error"` raises `DataError` naming both rows,
/// `"keep"` keeps every copy, `"drop"` keeps the first; the last two report
/// what they did in the warnings.
#[pyfunction]
#[pyo3(signature = (paths, duplicates="keep"))]
pub fn read_football_data_columns<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
    duplicates: &str,
) -> PyResult<(Bound<'py, PyDict>, Vec<KindAndMessage>)> {
    let policy: DuplicatePolicy =
        duplicates
            .parse()
            .map_err(|e: scoreline_dixon_coles::data::UnknownDuplicatePolicy| {
                DataError::new_err(e.to_string())
            })?;
    let mut all = FootballDataFile::default();
    let files = py.detach(|| {
        paths
            .iter()
            .map(|p| read_football_data_file(p))
            .collect::<Result<Vec<_>, _>>()
    });
    for f in files.map_err(data_error)? {
        all.matches.extend(f.matches);
        all.fixtures.extend(f.fixtures);
    }
    let screening = screen_matches(&all.matches, policy).map_err(data_error)?;
    let warnings = screening
        .warnings
        .iter()
        .map(|w| (w.kind().to_owned(), w.to_string()))
        .collect();
    let mut keep = screening.keep.into_iter();
    all.matches.retain(|_| keep.next().unwrap_or(true));
    let rows: Vec<_> = all
        .matches
        .iter()
        .map(|m| {
            (
                m.date,
                m.division.clone(),
                m.home_team.clone(),
                m.away_team.clone(),
                Some((m.home_goals, m.away_goals)),
                m.odds,
                season_of_match(m),
            )
        })
        .chain(all.fixtures.iter().map(|f| {
            (
                f.date.unwrap_or_default(),
                f.division.clone(),
                f.home_team.clone(),
                f.away_team.clone(),
                None,
                f.odds,
                season_of_record(f.date.unwrap_or_default(), f.origin.as_ref()),
            )
        }))
        .collect();
    let d = PyDict::new(py);
    d.set_item(
        "date",
        PyArray1::from_iter(py, rows.iter().map(|r| days(r.0))),
    )?;
    d.set_item(
        "Div",
        rows.iter()
            .map(|r| r.1.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "Season",
        rows.iter().map(|r| r.6.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "HomeTeam",
        rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "AwayTeam",
        rows.iter().map(|r| r.3.clone()).collect::<Vec<_>>(),
    )?;
    d.set_item(
        "FTHG",
        PyArray1::from_iter(
            py,
            rows.iter().map(|r| r.4.map_or(f64::NAN, |g| g.0 as f64)),
        ),
    )?;
    d.set_item(
        "FTAG",
        PyArray1::from_iter(
            py,
            rows.iter().map(|r| r.4.map_or(f64::NAN, |g| g.1 as f64)),
        ),
    )?;
    let triple = |name: &str,
                  get: fn(&scoreline_dixon_coles::data::RecordedOdds) -> Option<OddsTriple>|
     -> PyResult<()> {
        for (suffix, pick) in [("H", 0usize), ("D", 1), ("A", 2)] {
            let values = rows
                .iter()
                .map(|r| get(&r.5).map_or(f64::NAN, |t| [t.home, t.draw, t.away][pick]));
            d.set_item(format!("{name}{suffix}"), PyArray1::from_iter(py, values))?;
        }
        Ok(())
    };
    triple("B365", |o| o.bet365)?;
    triple("PS", |o| o.pinnacle)?;
    triple("PSC", |o| o.pinnacle_closing)?;
    triple("Avg", |o| o.market_average)?;
    triple("Max", |o| o.market_maximum)?;
    let ou = |name: &str,
              get: fn(
        &scoreline_dixon_coles::data::RecordedOdds,
    ) -> Option<scoreline_dixon_coles::data::OverUnderOdds>|
     -> PyResult<()> {
        d.set_item(
            format!("{name}>2.5"),
            PyArray1::from_iter(
                py,
                rows.iter().map(|r| get(&r.5).map_or(f64::NAN, |o| o.over)),
            ),
        )?;
        d.set_item(
            format!("{name}<2.5"),
            PyArray1::from_iter(
                py,
                rows.iter().map(|r| get(&r.5).map_or(f64::NAN, |o| o.under)),
            ),
        )?;
        Ok(())
    };
    ou("B365", |o| o.bet365_over_under)?;
    ou("P", |o| o.pinnacle_over_under)?;
    ou("Avg", |o| o.market_average_over_under)?;
    Ok((d, warnings))
}
