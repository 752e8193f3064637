//! Sequential forecasters: models that learn match by match and forecast
//! the 1X2 outcome of the next fixtures — dynamic ratings, rating systems,
//! models fitted to shots or xG, and pools of any of them.
//!
//! One protocol for all of them ([`forecast_walk_forward`]): the matches
//! are taken in date order; before every fold of target matches (by the
//! backtests' [`Refit`] schedule, every matchday by default) the
//! forecaster [`observe`](Forecaster::observe)s every played match strictly
//! before the fold's first date, one date at a time, then
//! [`forecast`](Forecaster::forecast)s the fold's fixtures. A fixture is a
//! [`Pairing`]: teams, venue and division only — no score, statistic or
//! odds reaches a forecaster before its match is observed.
//!
//! Rating systems as forecasters ([`rating_forecaster`]): [`elo`],
//! [`pi_ratings`], [`massey`] and [`colley`], each turning its rating
//! difference into 1X2 through an [`ordered_logit`] fitted on its own
//! past pre-match differences.

pub mod colley;
mod decayed;
pub mod elo;
pub mod massey;
pub mod ordered_logit;
pub mod pi_ratings;
pub mod rating_forecaster;

pub mod ensemble;
pub mod mixed_goals;
pub mod models;
pub mod replay;
pub mod selection;

pub mod gas;

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use crate::data::Match;
use crate::evaluation::backtest::{folds, Refit};

/// P(home win), P(draw), P(away win).
pub type Outcome3 = [f64; 3];

/// What a forecaster is asked to price: a fixture without its result,
/// statistics or odds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing<'a> {
    /// The day of the match.
    pub date: NaiveDate,
    /// The home (first-named) team.
    pub home: &'a str,
    /// The away (second-named) team.
    pub away: &'a str,
    /// True at a neutral venue.
    pub neutral: bool,
    /// The division code, when known.
    pub division: Option<&'a str>,
}

impl<'a> Pairing<'a> {
    /// The pairing of a played match (its result left behind).
    pub fn of(m: &'a Match) -> Self {
        Self {
            date: m.date,
            home: &m.home_team,
            away: &m.away_team,
            neutral: m.neutral,
            division: m.division.as_deref(),
        }
    }
}

/// What can go wrong while forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForecastError {
    /// The model needs a statistic the data lacks.
    #[error("{model} needs {statistic}, which {what} lacks")]
    MissingStatistic {
        /// The model.
        model: String,
        /// The statistic (`"shots on target"`, `"xG"`).
        statistic: &'static str,
        /// Which data lacks it (e.g. `"every match before 2005-08-13"`).
        what: String,
    },
    /// Matches given out of date order, or a forecast for a date before
    /// an observed match.
    #[error("{model}: {reason}")]
    OutOfOrder {
        /// The model.
        model: String,
        /// Why.
        reason: String,
    },
    /// A fit inside the model failed.
    #[error("{model}: the fit before {date} failed: {reason}")]
    Fit {
        /// The model.
        model: String,
        /// The forecast date.
        date: NaiveDate,
        /// Why.
        reason: String,
    },
    /// An option out of range.
    #[error("{model}: invalid option {option}: {reason}")]
    InvalidOption {
        /// The model.
        model: String,
        /// The option.
        option: &'static str,
        /// Why.
        reason: String,
    },
    /// The run was cancelled.
    #[error("the forecasts were cancelled")]
    Cancelled,
}

/// A model that learns from played matches in date order and forecasts
/// the 1X2 outcome of fixtures.
///
/// Contract: [`observe`](Self::observe) is called with the matches of one
/// date at a time, dates increasing; [`forecast`](Self::forecast) is called
/// with fixtures on or after the last observed date (strictly after it in
/// [`forecast_walk_forward`]). Every forecast is a probability triple
/// (finite, non-negative, summing to 1).
pub trait Forecaster: Send {
    /// The model's name on the leaderboard (`"elo"`, `"pi_ratings"`, …).
    fn name(&self) -> String;

    /// Learns from the played matches of one date.
    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError>;

    /// Forecasts fixtures from what has been observed so far.
    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError>;
}

impl Forecaster for Box<dyn Forecaster> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        (**self).observe(played)
    }
    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        (**self).forecast(fixtures)
    }
}

/// Runs `forecaster` over `matches` (sorted by date) and returns its
/// forecast of every position in `targets` (ascending), in that order.
///
/// The targets are cut into folds by `refit` ([`folds`]); before each fold
/// the forecaster observes every match dated strictly before the fold's
/// first date that it has not seen yet, one date at a time (every division,
/// targets or not), then forecasts the fold. `cancel` is checked before
/// every fold.
///
/// Errors: matches not sorted by date ([`ForecastError::OutOfOrder`]), the
/// forecaster's own errors, a forecast that is not a probability triple
/// ([`ForecastError::Fit`]), or [`ForecastError::Cancelled`].
pub fn forecast_walk_forward(
    matches: &[Match],
    targets: &[usize],
    refit: Refit,
    forecaster: &mut dyn Forecaster,
    cancel: &AtomicBool,
) -> Result<Vec<Outcome3>, ForecastError> {
    if let Some(i) = (1..matches.len()).find(|&i| matches[i].date < matches[i - 1].date) {
        return Err(ForecastError::OutOfOrder {
            model: forecaster.name(),
            reason: format!(
                "match {i} ({}) comes after a match on {}",
                matches[i].date,
                matches[i - 1].date
            ),
        });
    }
    let dates: Vec<NaiveDate> = matches.iter().map(|m| m.date).collect();
    let mut out = Vec::with_capacity(targets.len());
    let mut seen = 0;
    for fold in folds(&dates, targets, refit) {
        if cancel.load(Ordering::Relaxed) {
            return Err(ForecastError::Cancelled);
        }
        while seen < matches.len() && matches[seen].date < fold.start {
            let day = matches[seen].date;
            let end = seen + matches[seen..].partition_point(|m| m.date == day);
            forecaster.observe(&matches[seen..end])?;
            seen = end;
        }
        let pairings: Vec<Pairing<'_>> = fold
            .targets
            .iter()
            .map(|&t| Pairing::of(&matches[t]))
            .collect();
        let forecasts = forecaster.forecast(&pairings)?;
        for (p, f) in pairings.iter().zip(&forecasts) {
            check_triple(&*forecaster, p, f)?;
        }
        if forecasts.len() != pairings.len() {
            return Err(ForecastError::Fit {
                model: forecaster.name(),
                date: fold.start,
                reason: format!(
                    "{} forecasts for {} fixtures",
                    forecasts.len(),
                    pairings.len()
                ),
            });
        }
        out.extend(forecasts);
    }
    Ok(out)
}

/// A forecast must be finite, non-negative and sum to 1 (to 1e-9).
/// The forecaster's name is asked for only when the check fails.
fn check_triple(
    forecaster: &dyn Forecaster,
    p: &Pairing<'_>,
    f: &Outcome3,
) -> Result<(), ForecastError> {
    let ok =
        f.iter().all(|v| v.is_finite() && *v >= 0.0) && (f.iter().sum::<f64>() - 1.0).abs() < 1e-9;
    if ok {
        Ok(())
    } else {
        Err(ForecastError::Fit {
            model: forecaster.name(),
            date: p.date,
            reason: format!(
                "the forecast of {} v {} is {f:?}, not a probability triple",
                p.home, p.away
            ),
        })
    }
}

/// The 1X2 outcome index of a played match: 0 home win, 1 draw, 2 away
/// win ([`outcome_of`](crate::evaluation::backtest::outcome_of) its score).
pub fn outcome(m: &Match) -> usize {
    crate::evaluation::backtest::outcome_of(m.home_goals, m.away_goals) as usize
}

/// Forecasts a forecaster made and has not yet seen the result of, keyed
/// by (date, home, away): pools and selections score their members on
/// them when the results arrive.
#[derive(Debug, Default, Clone)]
pub struct Pending<T> {
    waiting: std::collections::HashMap<(NaiveDate, String, String), T>,
}

impl<T> Pending<T> {
    /// Remembers what was forecast for a pairing.
    pub fn insert(&mut self, p: &Pairing<'_>, value: T) {
        self.waiting
            .insert((p.date, p.home.to_owned(), p.away.to_owned()), value);
    }

    /// Takes what was forecast for a played match, if anything.
    pub fn take(&mut self, m: &Match) -> Option<T> {
        self.waiting
            .remove(&(m.date, m.home_team.clone(), m.away_team.clone()))
    }
}
