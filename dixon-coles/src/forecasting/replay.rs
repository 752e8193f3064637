//! A forecaster that replays forecasts recorded from another run: a pool
//! over replayed members forecasts exactly what it would over the live
//! members (every forecaster here is deterministic given the matches it
//! observed), without running them twice.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{ForecastError, Forecaster, Outcome3, Pairing};
use crate::data::Match;

/// Recorded forecasts by (date, home, away); see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    name: String,
    forecasts: HashMap<(NaiveDate, String, String), Outcome3>,
}

impl Replay {
    /// A replay of `name`'s forecasts of `pairings` (in order, one each).
    pub fn new<'a>(
        name: impl Into<String>,
        pairings: impl IntoIterator<Item = Pairing<'a>>,
        forecasts: &[Outcome3],
    ) -> Self {
        Self {
            name: name.into(),
            forecasts: pairings
                .into_iter()
                .zip(forecasts)
                .map(|(p, f)| ((p.date, p.home.to_owned(), p.away.to_owned()), *f))
                .collect(),
        }
    }
}

impl Forecaster for Replay {
    fn name(&self) -> String {
        self.name.clone()
    }

    /// Replays learn nothing.
    fn observe(&mut self, _played: &[Match]) -> Result<(), ForecastError> {
        Ok(())
    }

    /// The recorded forecasts; an error names the first fixture without one.
    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        fixtures
            .iter()
            .map(|p| {
                self.forecasts
                    .get(&(p.date, p.home.to_owned(), p.away.to_owned()))
                    .copied()
                    .ok_or_else(|| ForecastError::Fit {
                        model: self.name.clone(),
                        date: p.date,
                        reason: format!("no recorded forecast of {} v {}", p.home, p.away),
                    })
            })
            .collect()
    }
}
