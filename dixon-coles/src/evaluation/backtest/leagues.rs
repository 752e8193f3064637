//! The market report of every league and season in a football-data folder.
//!
//! For each league (division file name such as `E0`) found under
//! `<dir>/mmz4281/<season>/`, every match from its second season on is
//! backtested with [`walk_forward`], trained on the league and its
//! *history divisions* — the other divisions of the same country (the
//! same letters before the number: `E1` for `E0` and `E0` for `E1`), so
//! promoted and relegated sides arrive with a rating — and
//! [`market_report`] sets model, calibrated model, blend and market side
//! by side for every league-season with market prices. Leagues run one
//! after another; the folds of each run in parallel.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{
    market_probabilities, market_report, season_of_match, walk_forward_cancellable, Backtest,
    BacktestError, BacktestOptions, MarketComparison,
};
use crate::data::football_data::{
    available_divisions, available_seasons, read_football_data_file, season_path,
};
use crate::data::Match;

/// Days of training history in [`LeagueReportOptions::default`]: three
/// seasons plus the season so far (4 × 365 + 1).
pub const DEFAULT_WINDOW_DAYS: u32 = 4 * 365 + 1;

/// What [`football_data_report`] backtests and reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueReportOptions {
    /// The backtest of each league. The default refits every matchday on
    /// the last [`DEFAULT_WINDOW_DAYS`] days (ξ = 0.0018/day, ridge 1e-3).
    pub backtest: BacktestOptions,
    /// The leagues to report (empty: every division in the folder).
    pub leagues: Vec<String>,
    /// The seasons to report (empty: every season with market prices).
    /// Earlier seasons are still backtested: calibrators and blend
    /// weights are fitted on them.
    pub seasons: Vec<String>,
}

impl Default for LeagueReportOptions {
    fn default() -> Self {
        Self {
            backtest: BacktestOptions {
                window_days: Some(DEFAULT_WINDOW_DAYS),
                ..BacktestOptions::default()
            },
            leagues: Vec::new(),
            seasons: Vec::new(),
        }
    }
}

/// [`football_data_report`]'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeagueReport {
    /// One row per league and season, leagues in name order, seasons in
    /// chronological order.
    pub seasons: Vec<MarketComparison>,
    /// One row per league over its reported seasons (season `all`).
    pub leagues: Vec<MarketComparison>,
    /// Every reported league-season together.
    pub overall: MarketComparison,
    /// Refits over all leagues.
    pub refits: usize,
    /// Wall time of loading, backtests and report, in seconds.
    pub elapsed_s: f64,
    /// League-seasons in the data (and the selection) that have no row, and why.
    pub skipped: Vec<SkippedSeason>,
}

/// A league-season the report has no row for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedSeason {
    /// The division code.
    pub league: String,
    /// The season code (`"2324"`).
    pub season: String,
    /// Why: `"first season: history only"`, `"no played matches"` or
    /// `"no market prices"`; for a selected season without a file,
    /// `"no file"`.
    pub reason: String,
}

/// The divisions of the same country as `league` among `divisions`: the
/// same letters before the number, another number.
///
/// ```
/// use scoreline_dixon_coles::evaluation::backtest::history_divisions;
/// let all = ["D1", "E0", "E1", "SC0", "SP1"].map(String::from);
/// assert_eq!(history_divisions("E0", &all), ["E1"]);
/// assert!(history_divisions("SP1", &all).is_empty());
/// ```
pub fn history_divisions(league: &str, divisions: &[String]) -> Vec<String> {
    let country = |code: &str| {
        code.trim_end_matches(|c: char| c.is_ascii_digit())
            .to_owned()
    };
    divisions
        .iter()
        .filter(|d| d.as_str() != league && country(d) == country(league))
        .cloned()
        .collect()
}

/// The matches a league is backtested on: every season file of the league
/// and of its history divisions ([`history_divisions`] among `divisions`)
/// for the league's seasons, in file order.
pub(crate) fn league_matches(
    dir: &Path,
    league: &str,
    divisions: &[String],
) -> Result<Vec<Match>, BacktestError> {
    let seasons = available_seasons(dir, league);
    let mut matches = Vec::new();
    for division in std::iter::once(league.to_owned()).chain(history_divisions(league, divisions)) {
        for season in available_seasons(dir, &division) {
            if seasons.contains(&season) {
                matches.extend(
                    read_football_data_file(&season_path(dir, &season, &division))?.matches,
                );
            }
        }
    }
    Ok(matches)
}

/// Backtests every (selected) league in `dir` and reports it against the
/// market; see the module documentation. Leagues without a single priced
/// prediction in the selected seasons are left out; if none is left, the
/// result is an [`BacktestError::InvalidOption`] error.
pub fn football_data_report(
    dir: &Path,
    options: &LeagueReportOptions,
) -> Result<LeagueReport, BacktestError> {
    football_data_report_cancellable(dir, options, &AtomicBool::new(false))
}

/// [`football_data_report`] that stops with [`BacktestError::Cancelled`]
/// about one fold after `cancel` becomes true (see
/// [`walk_forward_cancellable`]).
pub fn football_data_report_cancellable(
    dir: &Path,
    options: &LeagueReportOptions,
    cancel: &AtomicBool,
) -> Result<LeagueReport, BacktestError> {
    Ok(report_run(dir, options, cancel, Backtested::Every)?.report)
}

/// A [`football_data_report`] with what it was computed from.
pub(crate) struct ReportRun {
    /// The report.
    pub(crate) report: LeagueReport,
    /// Every reported league's backtest, one after another, match indices
    /// into `matches`.
    pub(crate) backtest: Backtest,
    /// The matches of every reported league's backtest, one after another.
    pub(crate) matches: Vec<Match>,
}

/// Which seasons of a league [`report_run`] backtests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backtested {
    /// Every season after the first (the report: calibrators and blend
    /// weights are fitted on the earlier seasons, priced or not).
    Every,
    /// Only the reported seasons with market prices, the ones a
    /// leaderboard scores. Each fold's fit depends only on its training
    /// window, so their predictions are those of [`Backtested::Every`];
    /// the report's calibrated and blend columns are then fitted on the
    /// earlier scored seasons only.
    Scored,
}

/// [`football_data_report_cancellable`], keeping the merged backtest and
/// its matches (the leaderboard compares families on them).
pub(crate) fn report_run(
    dir: &Path,
    options: &LeagueReportOptions,
    cancel: &AtomicBool,
    backtested: Backtested,
) -> Result<ReportRun, BacktestError> {
    let started = Instant::now();
    let divisions = available_divisions(dir);
    let leagues: Vec<String> = if options.leagues.is_empty() {
        divisions.clone()
    } else {
        if let Some(missing) = options.leagues.iter().find(|l| !divisions.contains(l)) {
            return Err(BacktestError::InvalidOption {
                option: "leagues",
                reason: format!(
                    "no {missing} file under {}; found {}",
                    dir.join("mmz4281").display(),
                    divisions.join(", ")
                ),
            });
        }
        options.leagues.clone()
    };
    let mut all_matches: Vec<Match> = Vec::new();
    let mut merged = Backtest {
        predictions: Vec::new(),
        folds: Vec::new(),
        skipped: 0,
        elapsed_s: 0.0,
    };
    let mut league_rows = Vec::new();
    let mut skipped = Vec::new();
    for league in &leagues {
        let seasons = available_seasons(dir, league);
        let Some(first) = seasons.first().cloned() else {
            continue;
        };
        let selected =
            |season: &String| options.seasons.is_empty() || options.seasons.contains(season);
        let skip = |season: &str, reason: &str| SkippedSeason {
            league: league.clone(),
            season: season.to_owned(),
            reason: reason.to_owned(),
        };
        skipped.extend(
            options
                .seasons
                .iter()
                .filter(|s| !seasons.contains(s))
                .map(|s| skip(s, "no file")),
        );
        if selected(&first) {
            skipped.push(skip(&first, "first season: history only"));
        }
        let matches = league_matches(dir, league, &divisions)?;
        let own = |m: &Match| m.division.as_deref() == Some(league.as_str());
        let scored: HashSet<String> = matches
            .iter()
            .filter(|m| own(m) && market_probabilities(m).is_some())
            .map(season_of_match)
            .filter(|season| selected(season))
            .collect();
        let is_target = |m: &Match| {
            own(m)
                && match backtested {
                    Backtested::Every => season_of_match(m) != first,
                    Backtested::Scored => {
                        let season = season_of_match(m);
                        season != first && scored.contains(&season)
                    }
                }
        };
        let backtest =
            walk_forward_cancellable(&matches, is_target, &options.backtest, None, cancel)?;
        for season in seasons.iter().skip(1).filter(|s| selected(s)) {
            let mut predicted = backtest.predictions.iter().filter(|p| &p.season == season);
            if backtested == Backtested::Scored && !scored.contains(season) {
                skipped.push(skip(season, "no market prices"));
            } else if predicted.clone().next().is_none() {
                skipped.push(skip(season, "no played matches"));
            } else if !predicted.any(|p| market_probabilities(&matches[p.index]).is_some()) {
                skipped.push(skip(season, "no market prices"));
            }
        }
        let priced = backtest
            .predictions
            .iter()
            .any(|p| selected(&p.season) && market_probabilities(&matches[p.index]).is_some());
        if !priced {
            continue;
        }
        let mut overall = market_report(&backtest, &matches, &options.seasons)?.overall;
        overall.league.clone_from(league);
        overall.season = "all".to_owned();
        league_rows.push(overall);
        let offset = all_matches.len();
        merged
            .predictions
            .extend(backtest.predictions.into_iter().map(|mut p| {
                p.index += offset;
                p
            }));
        merged.folds.extend(backtest.folds);
        merged.skipped += backtest.skipped;
        all_matches.extend(matches);
    }
    if league_rows.is_empty() {
        return Err(BacktestError::InvalidOption {
            option: "leagues",
            reason: format!(
                "no predicted match of {} has a market price",
                leagues.join(", ")
            ),
        });
    }
    let report = market_report(&merged, &all_matches, &options.seasons)?;
    let report = LeagueReport {
        seasons: report.seasons,
        leagues: league_rows,
        overall: report.overall,
        refits: merged.folds.len(),
        elapsed_s: started.elapsed().as_secs_f64(),
        skipped,
    };
    Ok(ReportRun {
        report,
        backtest: merged,
        matches: all_matches,
    })
}
