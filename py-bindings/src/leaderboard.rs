//! The leaderboard of goal-model families and sequential models on a
//! football-data folder, and the sequential models (Elo, pi-ratings, GAS,
//! pools, …) on the caller's own match columns.

use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    model_leaderboard_cancellable, LeaderboardRow, LeagueReportOptions, Refit, DEFAULT_WINDOW_DAYS,
};
use scoreline_dixon_coles::forecasting::models::{chosen_models, valid_model_names, ModelName};
use scoreline_dixon_coles::forecasting::{forecast_walk_forward, ForecastError};
use scoreline_dixon_coles::model::options::Family;

use crate::backtest::{interruptible, refit_of};
use crate::data::{check_len, matches_from_columns, optional_labels, validate_rows};
use crate::errors::{backtest_error, BacktestError, DataError, FitError};

/// The families and sequential models of a list of names
/// ([`chosen_models`]), an empty list or an unknown name as a
/// `BacktestError`.
fn chosen(names: &[String]) -> PyResult<(Vec<Family>, Vec<ModelName>)> {
    if names.is_empty() {
        return Err(BacktestError::new_err(format!(
            "models: no model given; expected {}",
            valid_model_names()
        )));
    }
    chosen_models(names).map_err(|e| BacktestError::new_err(format!("models: {e}")))
}

/// Leaderboard rows as columns.
#[derive(Default)]
struct Rows {
    model: Vec<String>,
    blend: Vec<bool>,
    league: Vec<String>,
    matches: Vec<i64>,
    refits: Vec<i64>,
    numbers: [Vec<f64>; 9],
}

/// The float columns of [`Rows::numbers`], in order.
const NUMBER_COLUMNS: [&str; 9] = [
    "rps",
    "log_loss",
    "brier",
    "ece",
    "market_rps",
    "gap",
    "dm_p_vs_dixon_coles",
    "dm_p_vs_market",
    "elapsed_s",
];

impl Rows {
    fn push(
        &mut self,
        model: &str,
        blend: bool,
        row: &LeaderboardRow,
        refits: usize,
        elapsed_s: f64,
    ) {
        self.model.push(model.to_owned());
        self.blend.push(blend);
        self.league.push(row.league.clone());
        self.matches.push(row.matches as i64);
        self.refits.push(refits as i64);
        let values = [
            row.rps,
            row.log_loss,
            row.brier,
            row.ece,
            row.market_rps,
            row.gap,
            row.dm_p_vs_dixon_coles,
            row.dm_p_vs_market,
            elapsed_s,
        ];
        for (column, v) in self.numbers.iter_mut().zip(values) {
            column.push(v);
        }
    }

    fn into_dict(self, py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("model", self.model)?;
        d.set_item("blend", self.blend)?;
        d.set_item("league", self.league)?;
        d.set_item("matches", PyArray1::from_vec(py, self.matches))?;
        for (name, values) in NUMBER_COLUMNS.iter().zip(self.numbers) {
            d.set_item(*name, PyArray1::from_vec(py, values))?;
        }
        d.set_item("refits", PyArray1::from_vec(py, self.refits))?;
        Ok(d)
    }
}

/// The leaderboard of the goal-model families and sequential models named
/// in `models` (family names, sequential model names, or "all"; Dixon–Coles
/// is always run, as the baseline) on every league of `dir` (a folder
/// holding `mmz4281/<season>/<div>.csv`), as columns: model, league,
/// matches, rps, log_loss, brier, ece, market_rps, gap,
/// dm_p_vs_dixon_coles, dm_p_vs_market, elapsed_s, refits — per model its
/// row per league, then its "overall" row. See
/// `backtest::model_leaderboard`. A Ctrl-C stops the run at the next fold
/// and raises `KeyboardInterrupt`.
#[pyfunction]
#[pyo3(signature = (dir, models, *, leagues=Vec::new(), seasons=Vec::new(), xi=0.0018, ridge=1e-3,
                    refit_days=None, window_days=DEFAULT_WINDOW_DAYS, threads=None))]
#[allow(clippy::too_many_arguments)]
pub fn backtest_model_leaderboard<'py>(
    py: Python<'py>,
    dir: std::path::PathBuf,
    models: Vec<String>,
    leagues: Vec<String>,
    seasons: Vec<String>,
    xi: f64,
    ridge: f64,
    refit_days: Option<u32>,
    window_days: u32,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let (families, sequential) = chosen(&models)?;
    if !(xi.is_finite() && xi >= 0.0 && ridge.is_finite() && ridge >= 0.0) {
        return Err(BacktestError::new_err(format!(
            "xi = {xi} and ridge = {ridge} must be finite and ≥ 0"
        )));
    }
    if window_days == 0 || refit_days == Some(0) || threads == Some(0) {
        return Err(BacktestError::new_err(
            "window_days, refit_days and threads must be at least 1",
        ));
    }
    let mut options = LeagueReportOptions {
        leagues,
        seasons,
        ..LeagueReportOptions::default()
    };
    options.backtest.window_days = Some(window_days);
    options.backtest.fit.time_decay.xi_per_day = xi;
    options.backtest.fit.ridge = ridge;
    if let Some(days) = refit_days {
        options.backtest.refit = Refit::Days(days);
    }
    let board = interruptible(py, |cancel| {
        let run = || model_leaderboard_cancellable(&dir, &options, &families, &sequential, cancel);
        match threads {
            None => Ok(run()),
            Some(k) => rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .map(|pool| pool.install(run))
                .map_err(|e| format!("cannot start {k} threads: {e}")),
        }
    })?
    .map_err(BacktestError::new_err)?
    .map_err(backtest_error)?;
    let mut rows = Rows::default();
    for s in &board.standings {
        for row in s.leagues.iter().chain([&s.overall]) {
            rows.push(&s.model, s.blend, row, s.refits, s.elapsed_s);
        }
    }
    rows.into_dict(py)
}

/// A forecasting error as the matching Python exception.
fn forecast_error(e: ForecastError) -> PyErr {
    match e {
        e @ (ForecastError::MissingStatistic { .. } | ForecastError::OutOfOrder { .. }) => {
            DataError::new_err(e.to_string())
        }
        e @ ForecastError::Fit { .. } => FitError::new_err(e.to_string()),
        other => BacktestError::new_err(other.to_string()),
    }
}

/// A per-row pair of statistics from an (n, 2) float array: `None` where
/// either value is NaN, else `convert` of both (its error names the row).
fn pairs<T>(
    array: &PyReadonlyArray2<'_, f64>,
    n: usize,
    field: &str,
    convert: impl Fn(f64) -> Option<T>,
) -> PyResult<Vec<Option<[T; 2]>>> {
    let shape = array.shape();
    if shape[1] != 2 {
        return Err(DataError::new_err(format!(
            "{field}: {} columns, expected 2 (home, away)",
            shape[1]
        )));
    }
    check_len(field, shape[0], n)?;
    let values = array.as_slice()?;
    values
        .chunks_exact(2)
        .enumerate()
        .map(|(row, v)| {
            if v[0].is_nan() || v[1].is_nan() {
                return Ok(None);
            }
            match (convert(v[0]), convert(v[1])) {
                (Some(h), Some(a)) => Ok(Some([h, a])),
                _ => Err(DataError::new_err(format!(
                    "row {row}: {field} = ({}, {}) is not valid",
                    v[0], v[1]
                ))),
            }
        })
        .collect()
}

/// The sequential model `model` (`"elo"`, `"gas_dixon_coles"`, `"log_pool"`,
/// … — `ModelName`) walked forward over match columns (factorised teams,
/// goals as floats, dates as days since 1970): the matches are sorted by
/// date (stably), and the target rows (default: all) are forecast in folds
/// by `refit`, each fold from every match dated strictly before it. Optional
/// per-row statistics: `shots_on_target` and `xg` as (n, 2) float arrays
/// (home, away; NaN where unknown). Returns columns row (the caller's row),
/// p_home, p_draw, p_away, in date order.
#[pyfunction]
#[pyo3(signature = (teams, home, away, home_goals, away_goals, dates, model, *, neutral=None,
                    division_names=None, division_codes=None, target=None, refit="matchday",
                    refit_days=None, shots_on_target=None, xg=None))]
#[allow(clippy::too_many_arguments)]
pub fn forecast_sequential<'py>(
    py: Python<'py>,
    teams: &Bound<'py, PyAny>,
    home: PyReadonlyArray1<'py, i64>,
    away: PyReadonlyArray1<'py, i64>,
    home_goals: PyReadonlyArray1<'py, f64>,
    away_goals: PyReadonlyArray1<'py, f64>,
    dates: PyReadonlyArray1<'py, i64>,
    model: &str,
    neutral: Option<PyReadonlyArray1<'py, bool>>,
    division_names: Option<&Bound<'py, PyAny>>,
    division_codes: Option<PyReadonlyArray1<'py, i64>>,
    target: Option<PyReadonlyArray1<'py, bool>>,
    refit: &str,
    refit_days: Option<u32>,
    shots_on_target: Option<PyReadonlyArray2<'py, f64>>,
    xg: Option<PyReadonlyArray2<'py, f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    let name = ModelName::from_name(model).ok_or_else(|| {
        let known: Vec<&str> = ModelName::ALL.iter().map(|m| m.name()).collect();
        let hint = if Family::from_name(model).is_some() {
            " (a goal-model family: use scoreline.backtest.walk_forward)"
        } else {
            ""
        };
        BacktestError::new_err(format!(
            "model: unknown sequential model {model:?}{hint}; expected one of {}",
            known.join(", ")
        ))
    })?;
    let refit = refit_of(refit, refit_days)?;
    let mut matches = matches_from_columns(
        teams,
        home.as_slice()?,
        away.as_slice()?,
        home_goals.as_slice()?,
        away_goals.as_slice()?,
        dates.as_slice()?,
        neutral.as_ref().map(|a| a.as_slice()).transpose()?,
        None,
    )?;
    let n = matches.len();
    if let (Some(names), Some(codes)) = (division_names, &division_codes) {
        let divisions = optional_labels(names, codes.as_slice()?, "division", n)?;
        for (m, d) in matches.iter_mut().zip(divisions) {
            m.division = d;
        }
    }
    if let Some(a) = &shots_on_target {
        let whole = |v: f64| {
            (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX))
                .then_some(v as u32)
        };
        for (m, s) in matches
            .iter_mut()
            .zip(pairs(a, n, "shots_on_target", whole)?)
        {
            m.stats.shots_on_target = s;
        }
    }
    if let Some(a) = &xg {
        let expected = |v: f64| (v.is_finite() && v >= 0.0).then_some(v);
        for (m, s) in matches.iter_mut().zip(pairs(a, n, "xg", expected)?) {
            m.stats.xg = s;
        }
    }
    let target: Vec<bool> = match &target {
        Some(t) => {
            let t = t.as_slice()?;
            check_len("target", t.len(), n)?;
            t.to_vec()
        }
        None => vec![true; n],
    };
    validate_rows(&matches)?;

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| matches[i].date);
    let sorted: Vec<Match> = order.iter().map(|&i| matches[i].clone()).collect();
    let targets: Vec<usize> = (0..n).filter(|&p| target[order[p]]).collect();
    let mut forecaster = name.build().map_err(forecast_error)?;
    let forecasts = interruptible(py, |cancel| {
        forecast_walk_forward(&sorted, &targets, refit, forecaster.as_mut(), cancel)
    })?
    .map_err(forecast_error)?;

    let d = PyDict::new(py);
    d.set_item(
        "row",
        PyArray1::from_iter(py, targets.iter().map(|&p| order[p] as i64)),
    )?;
    for (k, column) in ["p_home", "p_draw", "p_away"].into_iter().enumerate() {
        d.set_item(
            column,
            PyArray1::from_iter(py, forecasts.iter().map(|f| f[k])),
        )?;
    }
    Ok(d)
}
