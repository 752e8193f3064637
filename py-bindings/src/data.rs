//! Reading football-data.co.uk files into columns (pandas glue is in Python).

use std::path::PathBuf;

use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::data::football_data::{read_football_data_file, FootballDataFile};
use scoreline_dixon_coles::data::OddsTriple;

use crate::errors::data_error;

/// Days since 1970-01-01 of a date.
fn days(d: chrono::NaiveDate) -> i64 {
    (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days()
}

/// Reads the given files (in order) into a dict of columns: date (days since
/// 1970), division, home_team, away_team, home_goals, away_goals (NaN for
/// fixtures), and the odds columns as floats (NaN where missing).
#[pyfunction]
pub fn read_football_data_columns<'py>(
    py: Python<'py>,
    paths: Vec<PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
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
    Ok(d)
}
