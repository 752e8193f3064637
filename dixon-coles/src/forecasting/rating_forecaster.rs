//! A forecaster from any rating system: the system gives a rating
//! difference and learns from results; an [`OrderedLogit`] fitted on the
//! system's own past pre-match differences turns the difference into 1X2.
//!
//! The history: for every observed match whose two teams the system had
//! rated before it (both seen in an earlier match), the pair (x, outcome)
//! with x computed *before* the system learns from that match's date.
//! The map is refitted on the whole history when it first reaches
//! [`MIN_HISTORY`] pairs and then every [`REFIT_EVERY`] new pairs (about a
//! season of one 20-team division), always from past pairs only. Before
//! the first fit the map is the default: slope
//! [`RatingSystem::default_beta`] and the base rates 0.46 / 0.26 / 0.28 at
//! the history's mean x (at x = 0 with no history). If a refit fails the
//! previous map is kept (a failed first fit is retried after
//! [`MIN_HISTORY`] more pairs). The pairs are unweighted: a refit uses
//! every past pair, however old.

use chrono::NaiveDate;

use super::ordered_logit::{Observation, OrderedLogit};
use super::{outcome, ForecastError, Forecaster, Outcome3, Pairing};
use crate::data::Match;

/// The history size of the first ordered-logit fit.
pub const MIN_HISTORY: usize = 200;

/// New history pairs between two ordered-logit refits.
pub const REFIT_EVERY: usize = 380;

/// The default 1X2 base rates (home, draw, away) before the first fit.
pub const BASE_RATES: [f64; 3] = [0.46, 0.26, 0.28];

/// A rating system: a scalar rating difference for a fixture, and an
/// update from played matches.
pub trait RatingSystem: Send {
    /// The forecaster's name (`"elo"`, …).
    fn name(&self) -> String;

    /// The ordered-logit slope used before enough history is collected,
    /// in the units of [`RatingSystem::difference`].
    fn default_beta(&self) -> f64;

    /// True when the team has been seen in an observed match.
    fn knows(&self, team: &str) -> bool;

    /// Called before the matches of a date are learnt from, and before
    /// fixtures are rated (with their earliest date), never with a date
    /// before the last observed match: time-driven changes, such as a
    /// season break, happen here. The default does nothing.
    fn advance_to(&mut self, date: NaiveDate) {
        let _ = date;
    }

    /// The rating difference of a fixture, home minus away, including any
    /// home advantage (unknown teams get an entry rating). A non-finite
    /// value is forecast as a difference of 0.
    fn difference(&mut self, fixture: &Pairing<'_>) -> Result<f64, ForecastError>;

    /// Learns from the played matches of one date.
    fn update(&mut self, played: &[Match]) -> Result<(), ForecastError>;
}

/// A [`Forecaster`] made of a [`RatingSystem`] and an ordered logit fitted
/// on the system's past pre-match differences (see the
/// [module documentation](self)).
#[derive(Debug, Clone)]
pub struct RatingForecaster<R> {
    system: R,
    history: Vec<Observation>,
    fitted: Option<OrderedLogit>,
    fitted_at: usize,
    last_date: Option<NaiveDate>,
}

impl<R: RatingSystem> RatingForecaster<R> {
    /// A forecaster that has observed nothing.
    pub fn new(system: R) -> Self {
        Self {
            system,
            history: Vec::new(),
            fitted: None,
            fitted_at: 0,
            last_date: None,
        }
    }

    /// The rating system.
    pub fn system(&self) -> &R {
        &self.system
    }

    /// The (pre-match difference, outcome) pairs collected so far.
    pub fn history(&self) -> &[Observation] {
        &self.history
    }

    /// The map in use: the last fit, else the default (see the
    /// [module documentation](self)).
    pub fn mapping(&self) -> OrderedLogit {
        if let Some(m) = self.fitted {
            return m;
        }
        let x0 = if self.history.is_empty() {
            0.0
        } else {
            self.history.iter().map(|o| o.x).sum::<f64>() / self.history.len() as f64
        };
        let beta = self.system.default_beta();
        OrderedLogit::from_base_rates(BASE_RATES, beta, x0)
            .or_else(|| OrderedLogit::from_base_rates(BASE_RATES, 0.0, 0.0))
            .unwrap_or(OrderedLogit {
                beta: 0.0,
                c1: -0.94,
                c2: 0.16,
            })
    }

    fn out_of_order(&self, reason: String) -> ForecastError {
        ForecastError::OutOfOrder {
            model: self.system.name(),
            reason,
        }
    }

    fn maybe_refit(&mut self) {
        let n = self.history.len();
        let due = if self.fitted.is_none() {
            n >= MIN_HISTORY && n >= self.fitted_at + REFIT_EVERY.min(MIN_HISTORY)
        } else {
            n >= self.fitted_at + REFIT_EVERY
        };
        if !due {
            return;
        }
        self.fitted_at = n;
        if let Ok(m) = OrderedLogit::fit(&self.history) {
            if m.beta.is_finite() && m.c1.is_finite() && m.c2.is_finite() && m.c1 < m.c2 {
                self.fitted = Some(m);
            }
        }
    }
}

impl<R: RatingSystem> Forecaster for RatingForecaster<R> {
    fn name(&self) -> String {
        self.system.name()
    }

    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        let Some(first) = played.first() else {
            return Ok(());
        };
        let date = first.date;
        if let Some(m) = played.iter().find(|m| m.date != date) {
            return Err(self.out_of_order(format!(
                "observe got matches of {date} and {} together",
                m.date
            )));
        }
        if let Some(last) = self.last_date {
            if date <= last {
                return Err(
                    self.out_of_order(format!("matches of {date} observed after those of {last}"))
                );
            }
        }
        self.system.advance_to(date);
        for m in played {
            if self.system.knows(&m.home_team) && self.system.knows(&m.away_team) {
                let x = self.system.difference(&Pairing::of(m))?;
                if x.is_finite() {
                    self.history.push(Observation {
                        x,
                        outcome: outcome(m),
                        weight: 1.0,
                    });
                }
            }
        }
        self.system.update(played)?;
        self.last_date = Some(date);
        self.maybe_refit();
        Ok(())
    }

    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        if let (Some(last), Some(p)) = (
            self.last_date,
            fixtures.iter().find(|p| Some(p.date) < self.last_date),
        ) {
            return Err(self.out_of_order(format!(
                "a forecast for {} v {} on {} after observing {last}",
                p.home, p.away, p.date
            )));
        }
        if let Some(earliest) = fixtures.iter().map(|p| p.date).min() {
            self.system.advance_to(earliest);
        }
        let mapping = self.mapping();
        fixtures
            .iter()
            .map(|p| Ok(mapping.probabilities(self.system.difference(p)?)))
            .collect()
    }
}
