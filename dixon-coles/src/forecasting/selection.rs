//! Choosing a model's hyperparameters out of sample: run every candidate
//! side by side and forecast with the one whose forecasts of the matches
//! already played had the best log-likelihood.

use super::{outcome, ForecastError, Forecaster, Outcome3, Pairing, Pending};
use crate::data::Match;

/// The smallest probability a log loss is taken of (a forecast of exactly
/// 0 for what happened scores `−ln 1e-15`, not infinity).
pub const LOG_FLOOR: f64 = 1e-15;

/// The log loss of a forecast for an outcome index: `−ln max(p[o], 1e-15)`.
pub fn log_loss(forecast: &Outcome3, outcome: usize) -> f64 {
    -forecast[outcome].max(LOG_FLOOR).ln()
}

/// Candidates of one model with different hyperparameters; see the module
/// documentation.
///
/// Every candidate observes every match and forecasts every fixture. When
/// a result arrives, each candidate's forecast of it (if it made one) is
/// scored by log loss; each forecast is the forecast of the candidate with
/// the lowest total log loss so far (the first candidate, the default,
/// until a result has been scored; ties go to the earlier candidate). Only
/// results observed before a forecast can influence it.
pub struct BestOf {
    name: String,
    candidates: Vec<Box<dyn Forecaster>>,
    losses: Vec<f64>,
    scored: usize,
    pending: Pending<Vec<Outcome3>>,
}

impl BestOf {
    /// Chooses among `candidates` (the first is the default) under `name`.
    /// Errors: no candidate.
    pub fn new(
        name: impl Into<String>,
        candidates: Vec<Box<dyn Forecaster>>,
    ) -> Result<Self, ForecastError> {
        let name = name.into();
        if candidates.is_empty() {
            return Err(ForecastError::InvalidOption {
                model: name,
                option: "candidates",
                reason: "no candidate to choose from".to_owned(),
            });
        }
        Ok(Self {
            name,
            losses: vec![0.0; candidates.len()],
            candidates,
            scored: 0,
            pending: Pending::default(),
        })
    }

    /// The position of the candidate that forecasts now.
    pub fn leader(&self) -> usize {
        let mut best = 0;
        for (i, loss) in self.losses.iter().enumerate() {
            if *loss < self.losses[best] {
                best = i;
            }
        }
        best
    }

    /// Each candidate's total log loss over the results scored so far.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Results scored so far.
    pub fn scored(&self) -> usize {
        self.scored
    }
}

impl Forecaster for BestOf {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        for m in played {
            if let Some(forecasts) = self.pending.take(m) {
                let o = outcome(m);
                for (loss, f) in self.losses.iter_mut().zip(&forecasts) {
                    *loss += log_loss(f, o);
                }
                self.scored += 1;
            }
        }
        for c in &mut self.candidates {
            c.observe(played)?;
        }
        Ok(())
    }

    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        let all = self
            .candidates
            .iter_mut()
            .map(|c| c.forecast(fixtures))
            .collect::<Result<Vec<_>, _>>()?;
        let leader = self.leader();
        for (i, p) in fixtures.iter().enumerate() {
            self.pending.insert(p, all.iter().map(|f| f[i]).collect());
        }
        Ok(all[leader].clone())
    }
}
