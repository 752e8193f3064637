//! Walk-forward backtests: refit on the past, predict the next matches,
//! repeat, and score every prediction out of sample.
//!
//! The matches are sorted by date (stably) and validated once. The target
//! matches are cut into [`Fold`]s by the [`Refit`] schedule; each fold is
//! fitted on the matches strictly before its first date (all of them, or
//! the last `window_days`), with the time decay measured from that date,
//! and predicts its targets. Consecutive folds are chained in groups of
//! `chain_length`: within a chain each fit starts from the previous one's
//! parameters (a warm start), and chains run in parallel with rayon. The
//! chains depend only on the options, never on the thread count, so the
//! result is the same with 1 thread or 64.
//!
//! A team with no training match (a promoted side without second-division
//! history) is priced with the league-average prior: attack = defence = 0.
//! Add the lower division as history, or set a ridge penalty, to do better.

mod bets;
mod leaderboard;
mod leagues;
mod market;
mod report;
mod schedule;
mod scores;
mod sequential;
mod tune;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{Datelike, Days, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use bets::{
    bet_candidates, report_json_row, simulate_backtest, BacktestBetting, OddsSource, SeasonBetting,
};
pub use leaderboard::{family_leaderboard, Leaderboard, LeaderboardRow, Standing};
pub use leagues::{
    football_data_report, football_data_report_cancellable, history_divisions, LeagueReport,
    LeagueReportOptions, SkippedSeason, DEFAULT_WINDOW_DAYS,
};
pub use market::{blend, fit_blend_weight, market_probabilities, Pooling};
pub use report::{market_report, MarketComparison, MarketReport};
pub use schedule::{folds, Fold, Refit, MATCHDAY_SPAN_DAYS};
pub use scores::{score_forecasts, ScoreSummary};
pub use sequential::{model_leaderboard, model_leaderboard_cancellable};
pub use tune::{tune_xi, XiPoint, XiTuning};

use crate::data::{DataError, Dataset, Match, ValidationOptions};
use crate::grid::GridSize;
use crate::model::fit::{fit_with, Fingerprint};
use crate::model::options::{Family, FitOptions};
use crate::model::params::SideRatings;
use crate::model::problem::FitError;
use crate::model::FittedModel;
use crate::PredictError;

/// Everything that controls a walk-forward backtest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BacktestOptions {
    /// When to refit (default: every matchday).
    pub refit: Refit,
    /// Train on the last `window_days` days only (`None`, the default: every earlier match).
    pub window_days: Option<u32>,
    /// The fit (ξ, ridge, solver, ...). The time decay's reference date is
    /// set to each fold's first date, and standard errors are not computed.
    /// The default has a ridge of 1e-3: over hundreds of refits some fold
    /// sees a side that has not scored yet (a promoted team after a 0-3 on
    /// the opening day), whose unpenalised attack diverges.
    pub fit: FitOptions,
    /// Start each fit from the previous fold's parameters (default true).
    pub warm_start: bool,
    /// Folds per warm-start chain; chains run in parallel (default 16).
    pub chain_length: usize,
    /// Folds with fewer training matches are skipped (default 100).
    pub min_training_matches: usize,
    /// The size of the prediction grids (default adaptive: exact to 1e-12).
    pub grid_size: GridSize,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        Self {
            refit: Refit::Matchday,
            window_days: None,
            fit: FitOptions {
                ridge: 1e-3,
                standard_errors: false,
                ..FitOptions::default()
            },
            warm_start: true,
            chain_length: 16,
            min_training_matches: 100,
            grid_size: GridSize::Adaptive,
        }
    }
}

/// What can go wrong in a backtest.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BacktestError {
    /// The matches do not validate.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A fold's fit failed.
    #[error("the fit before {start} ({training} training matches) failed: {source}; a small ridge (e.g. 1e-3) or more history usually helps")]
    Fit {
        /// The fold's first date.
        start: NaiveDate,
        /// Its training matches.
        training: usize,
        /// The fit error.
        #[source]
        source: FitError,
    },
    /// A prediction failed (e.g. non-finite rates from a diverged fit).
    #[error("predicting {home} v {away} on {date}: {source}")]
    Predict {
        /// The match date.
        date: NaiveDate,
        /// The home team.
        home: String,
        /// The away team.
        away: String,
        /// The prediction error.
        #[source]
        source: PredictError,
    },
    /// The run was cancelled through the flag given to
    /// [`walk_forward_cancellable`] (e.g. Ctrl-C in Python).
    #[error("the backtest was cancelled after {folds_done} of {folds_total} folds")]
    Cancelled {
        /// Folds finished when the cancellation was seen.
        folds_done: usize,
        /// All folds of the plan.
        folds_total: usize,
    },
    /// One family's run of a [`family_leaderboard`] failed.
    #[error("{}: {source}", .family.name())]
    FamilyRun {
        /// The family whose run failed.
        family: Family,
        /// Why.
        #[source]
        source: Box<BacktestError>,
    },
    /// A sequential model's forecasts failed in one league.
    #[error("{model} in {league}: {source}")]
    Forecast {
        /// The model.
        model: String,
        /// The league.
        league: String,
        /// Why.
        #[source]
        source: Box<crate::forecasting::ForecastError>,
    },
    /// Options out of range.
    #[error("invalid backtest option {option}: {reason}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// Why.
        reason: String,
    },
}

/// One out-of-sample prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchPrediction {
    /// The match's position in the input slice.
    pub index: usize,
    /// The match date.
    pub date: NaiveDate,
    /// The season code (see [`season_of_match`]).
    pub season: String,
    /// The division, when the match has one.
    pub division: Option<String>,
    /// The home team.
    pub home: String,
    /// The away team.
    pub away: String,
    /// P(home), P(draw), P(away).
    pub probabilities: [f64; 3],
    /// Expected goals (home, away).
    pub expected_goals: [f64; 2],
    /// P(more than 2.5 goals).
    pub over_2_5: f64,
    /// P(both teams score).
    pub btts: f64,
    /// What happened: 0 home win, 1 draw, 2 away win.
    pub outcome: u32,
    /// The fold that predicted it: its position in [`Backtest::folds`].
    pub fold: usize,
    /// How many of the two teams were priced with the league-average prior.
    pub prior_teams: u8,
}

/// One refit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldSummary {
    /// The first prediction date.
    pub start: NaiveDate,
    /// Matches predicted.
    pub predicted: usize,
    /// Matches trained on.
    pub training_matches: usize,
    /// Solver iterations.
    pub iterations: usize,
    /// The weighted log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// True when the fit started from the previous fold's parameters.
    pub warm: bool,
    /// Wall time of this fold's fit and predictions, in seconds (folds run
    /// in parallel, so the sum over folds can exceed the backtest's wall time).
    #[serde(default)]
    pub elapsed_s: f64,
}

/// The result of [`walk_forward`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    /// Every prediction, in date order.
    pub predictions: Vec<MatchPrediction>,
    /// Every refit, in date order.
    pub folds: Vec<FoldSummary>,
    /// Target matches not predicted because their fold had too little training data.
    pub skipped: usize,
    /// Wall time in seconds.
    pub elapsed_s: f64,
}

/// Progress of a running backtest: folds done out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Folds finished.
    pub done: usize,
    /// All folds.
    pub total: usize,
}

/// The season code of a date: `2324` for 1 July 2023 – 30 June 2024.
///
/// ```
/// use chrono::NaiveDate;
/// use scoreline_dixon_coles::evaluation::backtest::season_of;
/// assert_eq!(season_of(NaiveDate::from_ymd_opt(2024, 5, 19).unwrap()), "2324");
/// assert_eq!(season_of(NaiveDate::from_ymd_opt(1999, 8, 7).unwrap()), "9900");
/// ```
pub fn season_of(date: NaiveDate) -> String {
    let start = if date.month() >= 7 {
        date.year()
    } else {
        date.year() - 1
    };
    format!(
        "{:02}{:02}",
        start.rem_euclid(100),
        (start + 1).rem_euclid(100)
    )
}

/// The season of a match: the `mmz4281/<season>/` folder of the file it
/// was read from when there is one (so that the 2019-20 matches played in
/// July 2020 stay in 1920), else [`season_of`] its date.
pub fn season_of_match(m: &Match) -> String {
    let from_file = m
        .origin
        .as_ref()
        .and_then(|o| o.file.as_deref())
        .and_then(|file| {
            let parts: Vec<&str> = file.split(['/', '\\']).collect();
            parts
                .windows(2)
                .find(|w| {
                    w[0] == "mmz4281" && w[1].len() == 4 && w[1].bytes().all(|b| b.is_ascii_digit())
                })
                .map(|w| w[1].to_owned())
        });
    from_file.unwrap_or_else(|| season_of(m.date))
}

/// The 1X2 outcome of a score: 0 home win, 1 draw, 2 away win.
pub fn outcome_of(home_goals: u32, away_goals: u32) -> u32 {
    match home_goals.cmp(&away_goals) {
        std::cmp::Ordering::Greater => 0,
        std::cmp::Ordering::Equal => 1,
        std::cmp::Ordering::Less => 2,
    }
}

/// Runs a walk-forward backtest over `matches` (any order), predicting the
/// matches for which `is_target` holds; the others are training history
/// only (e.g. the second division). `progress`, when given, is called after
/// every fold (from worker threads).
///
/// ```
/// use chrono::{Days, NaiveDate};
/// use scoreline_dixon_coles::evaluation::backtest::{walk_forward, BacktestOptions, Refit};
/// use scoreline_dixon_coles::data::Match;
/// let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
/// let teams = ["A", "B", "C", "D"];
/// let mut matches = Vec::new();
/// for round in 0..30u64 {
///     for (i, h) in teams.iter().enumerate() {
///         let a = teams[(i + 1 + round as usize % 3) % 4];
///         matches.push(Match::new(day + Days::new(7 * round), *h, a, (round % 3) as u32, (i % 2) as u32));
///     }
/// }
/// let options = BacktestOptions { refit: Refit::EachDate, min_training_matches: 40, ..Default::default() };
/// let result = walk_forward(&matches, |m| m.date >= day + Days::new(7 * 20), &options, None).unwrap();
/// assert_eq!(result.predictions.len(), 40);
/// assert!(result.predictions.iter().all(|p| (p.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12));
/// ```
pub fn walk_forward(
    matches: &[Match],
    is_target: impl Fn(&Match) -> bool,
    options: &BacktestOptions,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
) -> Result<Backtest, BacktestError> {
    walk_forward_cancellable(
        matches,
        is_target,
        options,
        progress,
        &AtomicBool::new(false),
    )
}

/// [`walk_forward`] that stops early when `cancel` becomes true: every
/// chain checks the flag before each fold (a fold is one fit, milliseconds
/// on league data), so the run returns [`BacktestError::Cancelled`] about
/// one fold after the flag is set, from any thread.
///
/// ```
/// use std::sync::atomic::AtomicBool;
/// use scoreline_dixon_coles::evaluation::backtest::{walk_forward_cancellable, BacktestError, BacktestOptions};
/// # use chrono::{Days, NaiveDate};
/// # use scoreline_dixon_coles::data::Match;
/// # let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
/// # let matches: Vec<Match> = (0..200u64)
/// #     .map(|i| Match::new(day + Days::new(i), ["A", "B", "C"][i as usize % 3], ["B", "C", "A"][i as usize % 3], (i % 3) as u32, (i % 2) as u32))
/// #     .collect();
/// let cancelled = AtomicBool::new(true);
/// let err = walk_forward_cancellable(&matches, |_| true, &BacktestOptions::default(), None, &cancelled).unwrap_err();
/// assert!(matches!(err, BacktestError::Cancelled { folds_done: 0, .. }));
/// ```
pub fn walk_forward_cancellable(
    matches: &[Match],
    is_target: impl Fn(&Match) -> bool,
    options: &BacktestOptions,
    progress: Option<&(dyn Fn(Progress) + Sync)>,
    cancel: &AtomicBool,
) -> Result<Backtest, BacktestError> {
    let started = Instant::now();
    if options.chain_length == 0 {
        return Err(BacktestError::InvalidOption {
            option: "chain_length",
            reason: "must be at least 1".to_owned(),
        });
    }
    if let Refit::Days(0) = options.refit {
        return Err(BacktestError::InvalidOption {
            option: "refit",
            reason: "a refit every 0 days".to_owned(),
        });
    }
    let mut order: Vec<usize> = (0..matches.len()).collect();
    order.sort_by_key(|&i| matches[i].date);
    let sorted: Vec<Match> = order.iter().map(|&i| matches[i].clone()).collect();
    let data = Dataset::from_matches(
        &sorted,
        &ValidationOptions {
            require_connected: false,
            ..ValidationOptions::default()
        },
    )?;
    let targets: Vec<usize> = (0..sorted.len())
        .filter(|&p| is_target(&sorted[p]))
        .collect();
    let plan = folds(data.dates(), &targets, options.refit);
    let total = plan.len();
    let done = AtomicUsize::new(0);
    let chains: Vec<(usize, &[Fold])> = plan
        .chunks(options.chain_length)
        .enumerate()
        .map(|(c, chunk)| (c * options.chain_length, chunk))
        .collect();
    let context = Context {
        data: &data,
        sorted: &sorted,
        order: &order,
        options,
        cancel,
    };
    let cancelled = || BacktestError::Cancelled {
        folds_done: done.load(Ordering::Relaxed),
        folds_total: total,
    };
    let results: Vec<Result<ChainResult, BacktestError>> = chains
        .par_iter()
        .map(|&(first, chain)| {
            context.run_chain(first, chain, &cancelled, || {
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(report) = progress {
                    report(Progress { done: d, total });
                }
            })
        })
        .collect();
    let mut out = Backtest {
        predictions: Vec::with_capacity(targets.len()),
        folds: Vec::with_capacity(total),
        skipped: 0,
        elapsed_s: 0.0,
    };
    // Predictions carry their fold's number in the refit plan; renumber
    // them as positions in `folds`, which leaves out the skipped folds.
    let mut position_of = vec![usize::MAX; total];
    for result in results {
        let chain = result?;
        for (planned, summary) in chain.fitted.into_iter().zip(chain.folds) {
            position_of[planned] = out.folds.len();
            out.folds.push(summary);
        }
        out.predictions.extend(chain.predictions);
        out.skipped += chain.skipped;
    }
    for p in &mut out.predictions {
        p.fold = position_of[p.fold];
    }
    out.elapsed_s = started.elapsed().as_secs_f64();
    Ok(out)
}

struct Context<'a> {
    data: &'a Dataset,
    sorted: &'a [Match],
    order: &'a [usize],
    options: &'a BacktestOptions,
    /// Checked before every fold.
    cancel: &'a AtomicBool,
}

struct ChainResult {
    predictions: Vec<MatchPrediction>,
    folds: Vec<FoldSummary>,
    /// The plan numbers of `folds`.
    fitted: Vec<usize>,
    skipped: usize,
}

impl Context<'_> {
    fn run_chain(
        &self,
        first: usize,
        chain: &[Fold],
        cancelled: &dyn Fn() -> BacktestError,
        tick: impl Fn(),
    ) -> Result<ChainResult, BacktestError> {
        let dates = self.data.dates();
        let mut out = ChainResult {
            predictions: Vec::new(),
            folds: Vec::new(),
            fitted: Vec::new(),
            skipped: 0,
        };
        let mut previous: Option<FittedModel> = None;
        for (k, fold) in chain.iter().enumerate() {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(cancelled());
            }
            let hi = dates.partition_point(|&d| d < fold.start);
            let lo = match self.options.window_days {
                Some(days) => {
                    dates.partition_point(|&d| d < fold.start - Days::new(u64::from(days)))
                }
                None => 0,
            };
            if hi - lo < self.options.min_training_matches {
                out.skipped += fold.targets.len();
                tick();
                continue;
            }
            let fold_started = Instant::now();
            let training = self.data.select(lo..hi);
            let mut fit_options = self.options.fit;
            fit_options.time_decay.reference_date = Some(fold.start);
            fit_options.standard_errors = false;
            let warm = self.options.warm_start && previous.is_some();
            let start = if warm { previous.as_ref() } else { None };
            // a fold's model is used once and never saved: no fingerprint
            let fitted =
                fit_with(&training, &fit_options, start, Fingerprint::Skip).map_err(|source| {
                    BacktestError::Fit {
                        start: fold.start,
                        training: hi - lo,
                        source,
                    }
                })?;
            for &t in &fold.targets {
                out.predictions.push(self.predict(&fitted, t, first + k)?);
            }
            out.folds.push(FoldSummary {
                start: fold.start,
                predicted: fold.targets.len(),
                training_matches: hi - lo,
                iterations: fitted.summary().iterations,
                log_likelihood: fitted.summary().log_likelihood,
                warm,
                elapsed_s: fold_started.elapsed().as_secs_f64(),
            });
            out.fitted.push(first + k);
            previous = Some(fitted);
            tick();
        }
        Ok(out)
    }

    /// Prices the match at sorted position `t` with `model`; a team the
    /// model does not know gets attack = defence = 0.
    fn predict(
        &self,
        model: &FittedModel,
        t: usize,
        fold: usize,
    ) -> Result<MatchPrediction, BacktestError> {
        let m = &self.sorted[t];
        let p = model.parameters();
        let rating = |name: &str| {
            model
                .teams()
                .id(name)
                .map_or((SideRatings::default(), 1u8), |id| (p.side(id as usize), 0))
        };
        let (home_side, home_prior) = rating(&m.home_team);
        let (away_side, away_prior) = rating(&m.away_team);
        let (eta_home, eta_away) = p.linear_predictor_of(home_side, away_side, m.neutral);
        let (home_rate, away_rate) = (eta_home.exp(), eta_away.exp());
        let grid = model
            .grid_for_rates(home_rate, away_rate, self.options.grid_size)
            .map_err(|source| BacktestError::Predict {
                date: m.date,
                home: m.home_team.clone(),
                away: m.away_team.clone(),
                source,
            })?;
        let o = grid.outcome_probabilities();
        let over = grid.over(2.5).map(|s| s.win).unwrap_or(f64::NAN);
        Ok(MatchPrediction {
            index: self.order[t],
            date: m.date,
            season: season_of_match(m),
            division: m.division.clone(),
            home: m.home_team.clone(),
            away: m.away_team.clone(),
            probabilities: [o.home, o.draw, o.away],
            expected_goals: [home_rate, away_rate],
            over_2_5: over,
            btts: grid.both_teams_to_score().yes,
            outcome: outcome_of(m.home_goals, m.away_goals),
            fold,
            prior_teams: home_prior + away_prior,
        })
    }
}

impl Backtest {
    /// The predictions' 1X2 probabilities, n×3 row-major.
    pub fn probabilities(&self) -> Vec<f64> {
        self.predictions
            .iter()
            .flat_map(|p| p.probabilities)
            .collect()
    }

    /// The predictions' outcomes.
    pub fn outcomes(&self) -> Vec<u32> {
        self.predictions.iter().map(|p| p.outcome).collect()
    }

    /// Scores of every prediction.
    pub fn scores(&self) -> Result<ScoreSummary, scoreline_metrics::MetricsError> {
        score_forecasts(&self.probabilities(), &self.outcomes())
    }

    /// Scores per group (e.g. `|p| p.season.clone()`), groups in sorted order.
    pub fn scores_by(
        &self,
        key: impl Fn(&MatchPrediction) -> String,
    ) -> Result<Vec<(String, ScoreSummary)>, scoreline_metrics::MetricsError> {
        let mut groups: std::collections::BTreeMap<String, (Vec<f64>, Vec<u32>)> =
            Default::default();
        for p in &self.predictions {
            let g = groups.entry(key(p)).or_default();
            g.0.extend(p.probabilities);
            g.1.push(p.outcome);
        }
        groups
            .into_iter()
            .map(|(k, (probs, outcomes))| Ok((k, score_forecasts(&probs, &outcomes)?)))
            .collect()
    }
}
