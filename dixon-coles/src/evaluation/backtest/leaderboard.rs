//! The goal-model families side by side: the league report
//! ([`football_data_report`](super::football_data_report)) of every family
//! over the same folder, and for each family, per league and overall, its
//! walk-forward RPS and log loss, the market's RPS, the gap and the
//! Diebold–Mariano p-values of its per-match RPS against Dixon–Coles' and
//! against the market's.
//!
//! Every family's report is the one [`football_data_report`](super::football_data_report)
//! gives with `options.backtest.fit.family` set to it: the leaderboard
//! only adds the comparison with Dixon–Coles. The walk-forward plan (folds,
//! skipped folds, match order) depends on the dates and options, not on the
//! family, so two families' runs predict the same matches in the same order;
//! [`family_leaderboard`] checks it match by match and fails with
//! [`BacktestError::InvalidOption`] if they do not.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use scoreline_metrics::{
    brier, calibration_error, diebold_mariano, log_loss, rps_per_forecast, Binning, MetricsError,
};
use serde::{Deserialize, Serialize};

use super::leagues::{report_run, Backtested, ReportRun};
use super::report::priced_predictions;
use super::{BacktestError, LeagueReport, LeagueReportOptions, MarketComparison, Refit};
use crate::model::options::Family;

/// One model's scores over one league's reported seasons, or over every
/// reported league-season (`league` = `"overall"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// The division, or `"overall"`.
    pub league: String,
    /// Matches with a market price in the reported seasons (the ones scored).
    pub matches: usize,
    /// The family's mean ranked probability score.
    pub rps: f64,
    /// The family's mean log loss.
    pub log_loss: f64,
    /// The mean Brier score (sum over the three outcomes).
    pub brier: f64,
    /// Expected calibration error: the mean over the three outcomes of the
    /// one-vs-rest ECE with 10 equal-width bins.
    pub ece: f64,
    /// The market's mean RPS on the same matches.
    pub market_rps: f64,
    /// `rps − market_rps` (positive: the market is better).
    pub gap: f64,
    /// Two-sided Diebold–Mariano p-value (lag 0) of the family's per-match
    /// RPS against Dixon–Coles' on the same matches; 1 for Dixon–Coles
    /// itself (identical series: d̄ = 0 and V = 0).
    pub dm_p_vs_dixon_coles: f64,
    /// Two-sided Diebold–Mariano p-value of the family's per-match RPS
    /// against the market's (the report's `dm_p_value`).
    pub dm_p_vs_market: f64,
}

/// One model's standing: the overall row, flattened, then one row per league.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// The model's name: a family's ([`Family::name`]) or a sequential
    /// model's ([`ModelName::name`](crate::forecasting::models::ModelName::name)).
    pub model: String,
    /// The goal-model family, for a family's row.
    pub family: Option<Family>,
    /// True for a blend of a model with the market (not a model-only row).
    #[serde(default)]
    pub blend: bool,
    /// Over every reported league-season.
    #[serde(flatten)]
    pub overall: LeaderboardRow,
    /// Per league, in the report's order (league name order).
    pub leagues: Vec<LeaderboardRow>,
    /// The model's refits (a family) or forecast rounds (a sequential
    /// model) over all leagues.
    pub refits: usize,
    /// Wall time of the model's run (loading, backtests, report), seconds.
    pub elapsed_s: f64,
}

/// [`family_leaderboard`]'s and [`model_leaderboard`](super::model_leaderboard)'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// One standing per model: the families in the order run, then the
    /// sequential models in the order asked.
    pub standings: Vec<Standing>,
    /// Each family's full league report, in the families' order.
    pub reports: Vec<LeagueReport>,
    /// Wall time of the whole leaderboard, seconds.
    pub elapsed_s: f64,
}

fn metrics_error(e: MetricsError) -> BacktestError {
    BacktestError::InvalidOption {
        option: "forecasts",
        reason: e.to_string(),
    }
}

/// The identity of a scored match: division, season, date, home, away,
/// outcome.
pub(crate) type MatchKey = (String, String, chrono::NaiveDate, String, String, u32);

/// The priced predictions of the reported seasons of a run: an identity
/// for each match (to check that two runs scored the same matches), the
/// forecasts and outcomes, and the model's and the market's per-match RPS.
pub(crate) struct Scored {
    pub(crate) keys: Vec<MatchKey>,
    pub(crate) forecasts: Vec<[f64; 3]>,
    pub(crate) outcomes: Vec<u32>,
    pub(crate) rps: Vec<f64>,
    pub(crate) market_rps: Vec<f64>,
}

impl Scored {
    /// Scores `forecasts` of the matches `keys` against `outcomes` and
    /// the market's `market`.
    pub(crate) fn new(
        keys: Vec<MatchKey>,
        forecasts: Vec<[f64; 3]>,
        market: Vec<[f64; 3]>,
    ) -> Result<Self, BacktestError> {
        let outcomes: Vec<u32> = keys.iter().map(|k| k.5).collect();
        let flat = |f: &[[f64; 3]]| f.iter().flatten().copied().collect::<Vec<f64>>();
        let rps = rps_per_forecast(&flat(&forecasts), 3, &outcomes).map_err(metrics_error)?;
        let market_rps = rps_per_forecast(&flat(&market), 3, &outcomes).map_err(metrics_error)?;
        Ok(Self {
            keys,
            forecasts,
            outcomes,
            rps,
            market_rps,
        })
    }
}

fn scored(run: &ReportRun, seasons: &[String]) -> Result<Scored, BacktestError> {
    let priced: Vec<_> = priced_predictions(&run.backtest, &run.matches)
        .into_iter()
        .filter(|(p, _)| seasons.is_empty() || seasons.contains(&p.season))
        .collect();
    let keys = priced
        .iter()
        .map(|(p, _)| {
            (
                p.division.clone().unwrap_or_default(),
                p.season.clone(),
                p.date,
                p.home.clone(),
                p.away.clone(),
                p.outcome,
            )
        })
        .collect();
    Scored::new(
        keys,
        priced.iter().map(|(p, _)| p.probabilities).collect(),
        priced.iter().map(|(_, q)| *q).collect(),
    )
}

/// The row of the matches at `positions` of `own`: its scores, the
/// market's, and the Diebold–Mariano tests (per-match RPS, lag 0) against
/// `baseline` (Dixon–Coles) and the market.
pub(crate) fn scores_row(
    league: &str,
    positions: &[usize],
    own: &Scored,
    baseline: &Scored,
) -> Result<LeaderboardRow, BacktestError> {
    let pick = |v: &[f64]| positions.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    let forecasts: Vec<f64> = positions.iter().flat_map(|&i| own.forecasts[i]).collect();
    let outcomes: Vec<u32> = positions.iter().map(|&i| own.outcomes[i]).collect();
    let (rps, market_rps) = (pick(&own.rps), pick(&own.market_rps));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let log_loss = log_loss(&forecasts, 3, &outcomes, None).map_err(metrics_error)?;
    let brier = brier(&forecasts, 3, &outcomes, None).map_err(metrics_error)?;
    let ece = calibration_error(&forecasts, 3, &outcomes, None, 10, Binning::Uniform)
        .map_err(metrics_error)?
        .ece;
    let vs_baseline = diebold_mariano(&rps, &pick(&baseline.rps), 0).map_err(metrics_error)?;
    let vs_market = diebold_mariano(&rps, &market_rps, 0).map_err(metrics_error)?;
    Ok(LeaderboardRow {
        league: league.to_owned(),
        matches: positions.len(),
        rps: mean(&rps),
        log_loss,
        brier,
        ece,
        market_rps: mean(&market_rps),
        gap: mean(&rps) - mean(&market_rps),
        dm_p_vs_dixon_coles: vs_baseline.p_value,
        dm_p_vs_market: vs_market.p_value,
    })
}

/// The positions of `scored`'s matches in `league`.
pub(crate) fn in_league(scored: &Scored, league: &str) -> Vec<usize> {
    (0..scored.keys.len())
        .filter(|&i| scored.keys[i].0 == league)
        .collect()
}

/// The leaderboard row of a report row: [`scores_row`] with the report's
/// own RPS, log loss and market figures (the same quantities, summed in
/// the report's order).
fn row(
    comparison: &MarketComparison,
    league: &str,
    positions: &[usize],
    family: &Scored,
    baseline: &Scored,
) -> Result<LeaderboardRow, BacktestError> {
    let mut row = scores_row(league, positions, family, baseline)?;
    row.matches = comparison.matches;
    row.rps = comparison.model.rps;
    row.log_loss = comparison.model.log_loss;
    row.market_rps = comparison.market.rps;
    row.gap = comparison.model.rps - comparison.market.rps;
    row.dm_p_vs_market = comparison.dm_p_value;
    Ok(row)
}

/// The standing of one family's run against the Dixon–Coles run's scores.
fn standing(
    family: Family,
    run: &ReportRun,
    own: &Scored,
    baseline: &Scored,
) -> Result<Standing, BacktestError> {
    if own.keys != baseline.keys {
        let at = own
            .keys
            .iter()
            .zip(&baseline.keys)
            .position(|(a, b)| a != b)
            .unwrap_or(own.keys.len().min(baseline.keys.len()));
        return Err(BacktestError::InvalidOption {
            option: "families",
            reason: format!(
                "{} scored {} priced matches and dixon_coles {}; they differ at match {at}",
                family.name(),
                own.keys.len(),
                baseline.keys.len()
            ),
        });
    }
    let report = &run.report;
    let all: Vec<usize> = (0..own.rps.len()).collect();
    let overall = row(&report.overall, "overall", &all, own, baseline)?;
    let leagues = report
        .leagues
        .iter()
        .map(|comparison| {
            let positions = in_league(own, &comparison.league);
            row(comparison, &comparison.league, &positions, own, baseline)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Standing {
        model: family.name().to_owned(),
        family: Some(family),
        blend: false,
        overall,
        leagues,
        refits: report.refits,
        elapsed_s: report.elapsed_s,
    })
}

/// Runs [`football_data_report`](super::football_data_report) of `dir`
/// for every family in `families` (with `options.backtest.fit.family` set
/// to it; everything else as given) and ranks them side by side; see the
/// module documentation. Dixon–Coles, the baseline of the
/// `dm_p_vs_dixon_coles` tests, is always run: first when `families` leaves
/// it out, else where it is listed. Repeated families run once. The
/// families run side by side on the thread pool, each report's folds in
/// parallel too (a family's `elapsed_s` is its own wall time, which
/// overlaps the others'); a family that fails stops the ones listed after
/// it, and the error is the first failing family's in order.
///
/// Dixon–Coles's report is the full [`football_data_report`](super::football_data_report).
/// With refits every matchday or date, every other family is backtested on
/// the scored seasons only (the reported seasons with market prices): its
/// folds there are the same (they start from each season's first target
/// date) and each fold's fit depends only on its training window, so its
/// predictions are the ones a full run makes, without the refits of the
/// unpriced early seasons. Its report's calibrated and blend columns are
/// then fitted on its earlier scored seasons. With [`Refit::Days`] (folds
/// laid from the first target date) every family backtests every season.
///
/// Errors: an empty `families` list ([`BacktestError::InvalidOption`]),
/// any family's report error (as [`BacktestError::FamilyRun`], naming the
/// family), or runs that did not score the same matches.
pub fn family_leaderboard(
    dir: &Path,
    options: &LeagueReportOptions,
    families: &[Family],
) -> Result<Leaderboard, BacktestError> {
    Ok(run_families(dir, options, families, &AtomicBool::new(false))?.0)
}

/// [`family_leaderboard`] with the Dixon–Coles run's scores (the
/// baseline of every `dm_p_vs_dixon_coles`). Setting `cancel` stops
/// every family's run (checked before each fold).
pub(crate) fn run_families(
    dir: &Path,
    options: &LeagueReportOptions,
    families: &[Family],
    cancel: &AtomicBool,
) -> Result<(Leaderboard, Scored), BacktestError> {
    let started = Instant::now();
    if families.is_empty() {
        return Err(BacktestError::InvalidOption {
            option: "families",
            reason: "no family to compare".to_owned(),
        });
    }
    let mut order: Vec<Family> = Vec::new();
    if !families.contains(&Family::DixonColes) {
        order.push(Family::DixonColes);
    }
    for &family in families {
        if !order.contains(&family) {
            order.push(family);
        }
    }
    // Folds of a fixed length are laid from the first target date, so
    // leaving seasons out would move them: those runs backtest every season.
    let others = match options.backtest.refit {
        Refit::Days(_) => Backtested::Every,
        Refit::EachDate | Refit::Matchday => Backtested::Scored,
    };
    // The families run side by side on the thread pool (each report's
    // folds in parallel too), so one family's single-threaded parts (data
    // loading, the market report) overlap another's fits. A family that
    // fails stops the families listed after it; the error returned is the
    // first failing family's in order (that one is never stopped, so the
    // error does not depend on timing).
    // A set `cancel` stops every family: a watcher passes it on to the
    // families' own flags until the runs are over.
    let stop: Vec<AtomicBool> = order.iter().map(|_| AtomicBool::new(false)).collect();
    let finished = AtomicBool::new(false);
    let runs: Vec<Result<ReportRun, BacktestError>> = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            while !finished.load(Ordering::Relaxed) {
                if cancel.load(Ordering::Relaxed) {
                    stop.iter().for_each(|s| s.store(true, Ordering::Relaxed));
                    break;
                }
                std::thread::park_timeout(std::time::Duration::from_millis(20));
            }
        });
        let runs = order
            .par_iter()
            .enumerate()
            .map(|(i, &family)| {
                let mut options = options.clone();
                options.backtest.fit.family = family;
                let backtested = if family == Family::DixonColes {
                    Backtested::Every
                } else {
                    others
                };
                let run = report_run(dir, &options, &stop[i], backtested);
                if run.is_err() {
                    stop[i + 1..]
                        .iter()
                        .for_each(|s| s.store(true, Ordering::Relaxed));
                }
                run.map_err(|source| BacktestError::FamilyRun {
                    family,
                    source: Box::new(source),
                })
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        watcher.thread().unpark();
        runs
    });
    let runs = runs.into_iter().collect::<Result<Vec<ReportRun>, _>>()?;
    let at_baseline = order
        .iter()
        .position(|&f| f == Family::DixonColes)
        .expect("Dixon–Coles is always run");
    let baseline = scored(&runs[at_baseline], &options.seasons)?;
    let mut standings = Vec::with_capacity(order.len());
    let mut reports = Vec::with_capacity(order.len());
    for (family, run) in order.into_iter().zip(runs) {
        let own = scored(&run, &options.seasons)?;
        standings.push(standing(family, &run, &own, &baseline)?);
        reports.push(run.report);
    }
    Ok((
        Leaderboard {
            standings,
            reports,
            elapsed_s: started.elapsed().as_secs_f64(),
        },
        baseline,
    ))
}
