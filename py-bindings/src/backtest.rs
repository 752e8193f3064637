//! Walk-forward backtests and the market report from Python: the match
//! columns become `Match`es (the conversion fitting uses), the engine runs
//! with the GIL released, and the results come back as columns.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::data::football_data::season_start_year;
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    football_data_report_cancellable, market_report, season_of_match, walk_forward_cancellable,
    Backtest, BacktestOptions, LeagueReportOptions, MarketComparison, MatchPrediction, Progress,
    Refit, ScoreSummary, DEFAULT_WINDOW_DAYS,
};

use crate::data::{
    check_len, days, matches_from_columns, optional_labels, row_of, set_odds, validate_rows,
};
use crate::errors::{backtest_error, metrics_error, BacktestError};
use crate::model::{family_of, fit_options};

/// A finished walk-forward backtest, with the matches it ran on (the
/// market report needs their odds).
#[pyclass(module = "scoreline._scoreline", name = "Backtest", frozen)]
pub struct PyBacktest {
    inner: Backtest,
    matches: Vec<Match>,
}

/// How often to refit, from its Python spelling.
pub(crate) fn refit_of(refit: &str, days: Option<u32>) -> PyResult<Refit> {
    match (refit, days) {
        ("matchday", None) => Ok(Refit::Matchday),
        ("date", None) => Ok(Refit::EachDate),
        ("days", Some(0)) => Err(BacktestError::new_err(
            "refit every 0 days: give at least 1",
        )),
        ("days", Some(n)) => Ok(Refit::Days(n)),
        _ => Err(BacktestError::new_err(format!(
            "refit = {refit:?}: expected \"matchday\", \"date\" or a whole number of days"
        ))),
    }
}

/// Chronological order of (league, season) keys: league, then season start year.
fn chronological(league: &str, season: &str) -> (String, u32, String) {
    (
        league.to_owned(),
        season_start_year(season).unwrap_or(0),
        season.to_owned(),
    )
}

/// How often a waiting engine run looks for Ctrl-C.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `work` with the GIL released on a worker thread while this thread
/// checks for Python signals every [`SIGNAL_POLL`] (and returns as soon as
/// the worker is done): a Ctrl-C (or any
/// signal handler that raises) sets the cancel flag `work` is given, waits
/// for it to stop (one fold at most) and returns the handler's exception,
/// e.g. `KeyboardInterrupt`. Signals reach only Python's main thread; from
/// another thread this is a plain call with the GIL released.
pub(crate) fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> T + Send,
) -> PyResult<T> {
    let cancel = AtomicBool::new(false);
    let cancel = &cancel;
    let (outcome, interrupt) = py.detach(|| {
        std::thread::scope(|scope| {
            // The worker wakes this thread when it is done, so a finished
            // run returns at once rather than at the next poll.
            let caller = std::thread::current();
            let worker = scope.spawn(move || {
                let outcome = work(cancel);
                caller.unpark();
                outcome
            });
            let mut interrupt = None;
            while !worker.is_finished() {
                std::thread::park_timeout(SIGNAL_POLL);
                if interrupt.is_none() {
                    if let Err(e) = Python::attach(|py| py.check_signals()) {
                        cancel.store(true, Ordering::Relaxed);
                        interrupt = Some(e);
                    }
                }
            }
            (worker.join(), interrupt)
        })
    });
    if let Some(e) = interrupt {
        return Err(e);
    }
    outcome.map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        pyo3::exceptions::PyRuntimeError::new_err(format!("the engine panicked: {what}"))
    })
}

/// Runs a walk-forward backtest on match columns (factorised teams, goals
/// as floats, dates as days since 1970) and returns the native `Backtest`.
///
/// A match is predicted when `target[i]` holds (default: every match), its
/// division is in `leagues` and its season in `seasons` (when given). The
/// season of row i is `season_labels[i]` when given, else the season of its
/// date. `progress(done, total)` is called after each fold, one call at a
/// time, from worker threads that take the GIL for the call; its first
/// exception is raised when the run ends. Every fold fits `family` (default
/// `"dixon_coles"`; an unknown name is a `FitError` listing the families).
/// `threads` sizes a dedicated thread pool (default: the
/// global one); the result does not depend on it.
#[pyfunction]
#[pyo3(signature = (teams, home, away, home_goals, away_goals, dates, *, neutral=None, weights=None,
                    division_names=None, division_codes=None, season_names=None, season_codes=None,
                    odds=None, target=None, leagues=None, seasons=None, refit="matchday",
                    refit_days=None, window_days=None, xi=0.0018, ridge=1e-3, rho=true,
                    home_advantage=true, max_iterations=1000, tolerance=1e-7, warm_start=true,
                    chain_length=16, min_training_matches=100, max_goals=None, truncate=false, threads=None,
                    progress=None, family="dixon_coles"))]
#[allow(clippy::too_many_arguments)]
pub fn backtest_walk_forward(
    py: Python<'_>,
    teams: &Bound<'_, PyAny>,
    home: PyReadonlyArray1<'_, i64>,
    away: PyReadonlyArray1<'_, i64>,
    home_goals: PyReadonlyArray1<'_, f64>,
    away_goals: PyReadonlyArray1<'_, f64>,
    dates: PyReadonlyArray1<'_, i64>,
    neutral: Option<PyReadonlyArray1<'_, bool>>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
    division_names: Option<&Bound<'_, PyAny>>,
    division_codes: Option<PyReadonlyArray1<'_, i64>>,
    season_names: Option<&Bound<'_, PyAny>>,
    season_codes: Option<PyReadonlyArray1<'_, i64>>,
    odds: Option<&Bound<'_, PyDict>>,
    target: Option<PyReadonlyArray1<'_, bool>>,
    leagues: Option<Vec<String>>,
    seasons: Option<Vec<String>>,
    refit: &str,
    refit_days: Option<u32>,
    window_days: Option<u32>,
    xi: f64,
    ridge: f64,
    rho: bool,
    home_advantage: bool,
    max_iterations: usize,
    tolerance: f64,
    warm_start: bool,
    chain_length: usize,
    min_training_matches: usize,
    max_goals: Option<usize>,
    truncate: bool,
    threads: Option<usize>,
    progress: Option<Py<PyAny>>,
    family: &str,
) -> PyResult<PyBacktest> {
    let family = family_of(family)?;
    let mut matches = matches_from_columns(
        teams,
        home.as_slice()?,
        away.as_slice()?,
        home_goals.as_slice()?,
        away_goals.as_slice()?,
        dates.as_slice()?,
        neutral.as_ref().map(|a| a.as_slice()).transpose()?,
        weights.as_ref().map(|a| a.as_slice()).transpose()?,
    )?;
    let n = matches.len();
    if let (Some(names), Some(codes)) = (division_names, &division_codes) {
        let divisions = optional_labels(names, codes.as_slice()?, "division", n)?;
        for (m, d) in matches.iter_mut().zip(divisions) {
            m.division = d;
        }
    }
    let season_labels = match (season_names, &season_codes) {
        (Some(names), Some(codes)) => Some(optional_labels(names, codes.as_slice()?, "season", n)?),
        _ => None,
    };
    if let Some(odds) = odds {
        set_odds(&mut matches, odds)?;
    }
    let target = target.as_ref().map(|t| t.as_slice()).transpose()?;
    if let Some(t) = target {
        check_len("target", t.len(), n)?;
    }
    let target: Vec<bool> = target.map_or_else(|| vec![true; n], <[bool]>::to_vec);
    if threads == Some(0) {
        return Err(BacktestError::new_err("threads = 0: give at least 1"));
    }
    let options = BacktestOptions {
        refit: refit_of(refit, refit_days)?,
        window_days,
        fit: fit_options(
            family,
            xi,
            None,
            rho,
            home_advantage,
            ridge,
            max_iterations,
            tolerance,
        ),
        warm_start,
        chain_length,
        min_training_matches,
        grid_size: scoreline_dixon_coles::grid::GridSize::from_request(max_goals, truncate),
    };
    validate_rows(&matches)?;

    let season = |m: &Match| -> String {
        season_labels
            .as_ref()
            .and_then(|s| s[row_of(m)].clone())
            .unwrap_or_else(|| season_of_match(m))
    };
    let is_target = |m: &Match| {
        target[row_of(m)]
            && leagues.as_ref().is_none_or(|l| {
                m.division
                    .as_ref()
                    .is_some_and(|d| l.iter().any(|x| x == d))
            })
            && seasons.as_ref().is_none_or(|s| s.contains(&season(m)))
    };
    // One call at a time (the lock is taken before the GIL, so no thread
    // holding the GIL ever waits for it); the first exception is kept.
    let failure: Mutex<Option<PyErr>> = Mutex::new(None);
    let report = |p: Progress| {
        if let Some(callback) = &progress {
            let mut first = failure.lock().unwrap_or_else(|e| e.into_inner());
            Python::attach(|py| {
                if let Err(e) = callback.call1(py, (p.done, p.total)) {
                    first.get_or_insert(e);
                }
            });
        }
    };
    let result = interruptible(py, |cancel| {
        let run = || walk_forward_cancellable(&matches, is_target, &options, Some(&report), cancel);
        match threads {
            None => Ok(run()),
            Some(k) => rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .map(|pool| pool.install(run))
                .map_err(|e| format!("cannot start {k} threads: {e}")),
        }
    })?;
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let mut inner = result
        .map_err(BacktestError::new_err)?
        .map_err(backtest_error)?;
    if let Some(labels) = &season_labels {
        for p in &mut inner.predictions {
            if let Some(s) = &labels[p.index] {
                p.season.clone_from(s);
            }
        }
    }
    Ok(PyBacktest { inner, matches })
}

/// A score summary's fields, in the order of [`SCORE_FIELDS`].
fn score_values(s: &ScoreSummary) -> [f64; 5] {
    [s.rps, s.brier, s.log_loss, s.accuracy, s.ece]
}

/// The scores of a [`ScoreSummary`], as column suffixes.
const SCORE_FIELDS: [&str; 5] = ["rps", "brier", "log_loss", "accuracy", "ece"];

/// Columns built row by row: text columns and float columns.
#[derive(Default)]
struct Table {
    text: BTreeMap<&'static str, Vec<String>>,
    numbers: Vec<(String, Vec<f64>)>,
}

impl Table {
    fn text(&mut self, name: &'static str, value: &str) {
        self.text.entry(name).or_default().push(value.to_owned());
    }

    fn number(&mut self, name: &str, value: f64) {
        match self.numbers.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => v.push(value),
            None => self.numbers.push((name.to_owned(), vec![value])),
        }
    }

    fn scores(&mut self, prefix: &str, s: Option<&ScoreSummary>) {
        let values = s.map_or([f64::NAN; 5], score_values);
        for (field, v) in SCORE_FIELDS.iter().zip(values) {
            let name = if prefix.is_empty() {
                (*field).to_owned()
            } else {
                format!("{prefix}_{field}")
            };
            self.number(&name, v);
        }
    }

    fn into_dict<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, values) in self.text {
            d.set_item(name, values)?;
        }
        for (name, values) in self.numbers {
            d.set_item(name, PyArray1::from_vec(py, values))?;
        }
        Ok(d)
    }
}

/// Market-report rows (comparison, league, season) as columns: league,
/// season, matches, `model_rps` … `market_ece`, blend_weight,
/// dm_statistic, dm_p_value (NaN where a value is absent).
fn comparison_table<'a>(
    rows: impl IntoIterator<Item = (&'a MarketComparison, &'a str, &'a str)>,
) -> Table {
    let mut table = Table::default();
    for (c, league, season) in rows {
        table.text("league", league);
        table.text("season", season);
        table.number("matches", c.matches as f64);
        table.scores("model", Some(&c.model));
        table.scores("calibrated", c.calibrated.as_ref());
        table.scores("blend", c.blend.as_ref());
        table.scores("market", Some(&c.market));
        table.number("blend_weight", c.blend_weight.unwrap_or(f64::NAN));
        table.number("dm_statistic", c.dm_statistic);
        table.number("dm_p_value", c.dm_p_value);
    }
    table
}

/// The market report of every league and season under `dir` (a folder
/// holding `mmz4281/<season>/<div>.csv`), as columns like
/// `Backtest.market_report_columns`: each league's seasons, then its row
/// over all seasons (season "all"), and last the overall row (league and
/// season "all"). See `backtest::football_data_report`.
#[pyfunction]
#[pyo3(signature = (dir, *, leagues=Vec::new(), seasons=Vec::new(), xi=0.0018, ridge=1e-3,
                    refit_days=None, window_days=DEFAULT_WINDOW_DAYS))]
#[allow(clippy::too_many_arguments)]
pub fn backtest_football_data_report<'py>(
    py: Python<'py>,
    dir: std::path::PathBuf,
    leagues: Vec<String>,
    seasons: Vec<String>,
    xi: f64,
    ridge: f64,
    refit_days: Option<u32>,
    window_days: u32,
) -> PyResult<Bound<'py, PyDict>> {
    if !(xi.is_finite() && xi >= 0.0 && ridge.is_finite() && ridge >= 0.0) {
        return Err(BacktestError::new_err(format!(
            "xi = {xi} and ridge = {ridge} must be finite and ≥ 0"
        )));
    }
    if window_days == 0 || refit_days == Some(0) {
        return Err(BacktestError::new_err(
            "window_days and refit_days must be at least 1",
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
    let report = interruptible(py, |cancel| {
        football_data_report_cancellable(&dir, &options, cancel)
    })?
    .map_err(backtest_error)?;
    let rows = report.leagues.iter().flat_map(|league| {
        report
            .seasons
            .iter()
            .filter(|c| c.league == league.league)
            .map(|c| (c, c.league.as_str(), c.season.as_str()))
            .chain([(league, league.league.as_str(), "all")])
    });
    comparison_table(rows.chain([(&report.overall, "all", "all")])).into_dict(py)
}

/// What a pickled [`PyBacktest`] holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct BacktestState {
    inner: Backtest,
    matches: Vec<Match>,
}

#[pymethods]
impl PyBacktest {
    /// Pickle support (`pickle`, `cloudpickle`, Spark): the result and its
    /// matches as JSON (every number round-trips), rebuilt by `_from_state`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let this = slf.get();
        let state = serde_json::to_string(&BacktestState {
            inner: this.inner.clone(),
            matches: this.matches.clone(),
        })
        .map_err(|e| BacktestError::new_err(e.to_string()))?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// A backtest from the state `__reduce__` wrote.
    #[staticmethod]
    fn _from_state(state: &str) -> PyResult<Self> {
        let state: BacktestState = serde_json::from_str(state)
            .map_err(|e| BacktestError::new_err(format!("invalid Backtest state: {e}")))?;
        Ok(Self {
            inner: state.inner,
            matches: state.matches,
        })
    }

    /// Wall time of the run in seconds.
    #[getter]
    fn elapsed_s(&self) -> f64 {
        self.inner.elapsed_s
    }

    /// Target matches not predicted (their fold had too little training data).
    #[getter]
    fn skipped(&self) -> usize {
        self.inner.skipped
    }

    /// Every prediction as columns: row (the caller's row), date (days since
    /// 1970), season, division (None when unknown), home_team, away_team,
    /// p_home, p_draw, p_away, xg_home, xg_away, p_over_2_5, p_btts,
    /// outcome, fold, prior_teams.
    fn predictions_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = &self.inner.predictions;
        let d = PyDict::new(py);
        let ints = |f: fn(&MatchPrediction) -> i64| PyArray1::from_iter(py, p.iter().map(f));
        let floats = |f: fn(&MatchPrediction) -> f64| PyArray1::from_iter(py, p.iter().map(f));
        d.set_item("row", ints(|p| p.index as i64))?;
        d.set_item("date", ints(|p| days(p.date)))?;
        d.set_item(
            "season",
            p.iter().map(|p| p.season.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "division",
            p.iter().map(|p| p.division.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "home_team",
            p.iter().map(|p| p.home.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "away_team",
            p.iter().map(|p| p.away.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item("p_home", floats(|p| p.probabilities[0]))?;
        d.set_item("p_draw", floats(|p| p.probabilities[1]))?;
        d.set_item("p_away", floats(|p| p.probabilities[2]))?;
        d.set_item("xg_home", floats(|p| p.expected_goals[0]))?;
        d.set_item("xg_away", floats(|p| p.expected_goals[1]))?;
        d.set_item("p_over_2_5", floats(|p| p.over_2_5))?;
        d.set_item("p_btts", floats(|p| p.btts))?;
        d.set_item("outcome", ints(|p| i64::from(p.outcome)))?;
        d.set_item("fold", ints(|p| p.fold as i64))?;
        d.set_item("prior_teams", ints(|p| i64::from(p.prior_teams)))?;
        Ok(d)
    }

    /// The folds (one per refit) as a JSON list of objects, every field of
    /// the engine's `FoldSummary` (dates as ISO strings).
    fn folds_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.folds).map_err(|e| BacktestError::new_err(e.to_string()))
    }

    /// Scores as columns league, season, matches, rps, brier, log_loss,
    /// accuracy, ece: one row for everything (league and season "all"), one
    /// per season, and — when there is more than one league — one per
    /// league and one per league-season. Seasons in chronological order.
    fn metrics_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let mut table = Table::default();
        let mut row = |league: &str, season: &str, s: &ScoreSummary| {
            table.text("league", league);
            table.text("season", season);
            table.number("matches", s.matches as f64);
            table.scores("", Some(s));
        };
        if !self.inner.predictions.is_empty() {
            let league = |p: &MatchPrediction| p.division.clone().unwrap_or_default();
            let by = |key: &dyn Fn(&MatchPrediction) -> (String, String)| {
                let mut groups = self
                    .inner
                    .scores_by(|p| {
                        let (l, s) = key(p);
                        format!("{l}\u{1f}{s}")
                    })
                    .map_err(metrics_error)?
                    .into_iter()
                    .map(|(k, s)| {
                        let (l, season) = k.split_once('\u{1f}').unwrap_or((&k, ""));
                        (chronological(l, season), s)
                    })
                    .collect::<Vec<_>>();
                groups.sort_by(|a, b| a.0.cmp(&b.0));
                Ok::<_, PyErr>(groups)
            };
            let all = self.inner.scores().map_err(metrics_error)?;
            row("all", "all", &all);
            for ((_, _, season), s) in by(&|p| ("all".to_owned(), p.season.clone()))? {
                row("all", &season, &s);
            }
            let leagues: BTreeSet<String> = self.inner.predictions.iter().map(league).collect();
            if leagues.len() > 1 {
                for ((l, _, _), s) in by(&|p| (league(p), "all".to_owned()))? {
                    row(&l, "all", &s);
                }
                for ((l, _, season), s) in by(&|p| (league(p), p.season.clone()))? {
                    row(&l, &season, &s);
                }
            }
        }
        table.into_dict(py)
    }

    /// The market report as columns: league, season (both "all" on the
    /// overall row, the last), matches, then rps, brier, log_loss, accuracy
    /// and ece of the model, the calibrated model, the blend and the market
    /// (`model_rps`, …, NaN where there is no earlier season to fit the
    /// calibrator and blend on), blend_weight, dm_statistic and dm_p_value
    /// (Diebold–Mariano of model − market RPS). `seasons` limits the report
    /// to those seasons (all when empty).
    #[pyo3(signature = (seasons=Vec::new()))]
    fn market_report_columns<'py>(
        &self,
        py: Python<'py>,
        seasons: Vec<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let report = py
            .detach(|| market_report(&self.inner, &self.matches, &seasons))
            .map_err(backtest_error)?;
        let rows = report
            .seasons
            .iter()
            .map(|c| (c, c.league.as_str(), c.season.as_str()))
            .chain([(&report.overall, "all", "all")]);
        comparison_table(rows).into_dict(py)
    }

    /// The number of predictions.
    fn __len__(&self) -> usize {
        self.inner.predictions.len()
    }
}
