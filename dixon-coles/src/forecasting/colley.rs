//! Colley ratings (time-decayed) as a forecaster.
//!
//! Colley's ratings solve C r = b with, over the observed matches weighted
//! wₘ = e^(−ξ·tₘ) for a match tₘ days before the last observed date (times
//! the match's own weight, if any):
//!
//! - C_ii = 2 + n_i, where n_i is team i's weighted number of games;
//! - C_ij = −n_ij, the weighted number of games between i and j;
//! - b_i = 1 + (w_i − l_i)/2, with w_i and l_i its weighted wins and
//!   losses (a draw counts as half a win and half a loss, so it adds
//!   nothing to w_i − l_i).
//!
//! C is 2I plus a weighted graph Laplacian, hence positive definite; the
//! ratings average ½ and an unknown team rates ½. The equations are kept
//! up to date match by match (rescaled by e^(−ξ·Δ) when the last observed
//! date moves Δ days) and solved by Cholesky at the first forecast after
//! new matches.
//!
//! The rating difference fed to the ordered logit is r_h − r_a: Colley
//! knows no venue, so the home advantage is absorbed by the ordered
//! logit's cut points (fitted on non-neutral matches mostly; a neutral
//! fixture is priced like a home one).

use super::decayed::DecayedNormal;
use super::massey::{check, own_weight};
use super::rating_forecaster::{RatingForecaster, RatingSystem};
use super::{ForecastError, Pairing};
use crate::data::Match;

/// Colley's hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColleyConfig {
    /// ξ: the time decay per day (0 for none).
    pub xi: f64,
}

impl Default for ColleyConfig {
    /// ξ = 0.0018 per day (a half-life of about 385 days).
    fn default() -> Self {
        Self { xi: 0.0018 }
    }
}

/// A small grid for out-of-sample selection: ξ ∈ {0.0009, 0.0018,
/// 0.0036, 0.006} per day.
pub fn candidates() -> Vec<ColleyConfig> {
    [0.0009, 0.0018, 0.0036, 0.006]
        .into_iter()
        .map(|xi| ColleyConfig { xi })
        .collect()
}

/// The Colley rating system (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Colley {
    config: ColleyConfig,
    /// A holds the weighted game counts (C − 2I), b holds (w − l)/2.
    equations: DecayedNormal,
    solution: Option<Vec<f64>>,
}

impl Colley {
    /// A system with no team yet. Errors: ξ negative or not finite.
    pub fn new(config: ColleyConfig) -> Result<Self, ForecastError> {
        check(config.xi, 1.0, "colley")?;
        Ok(Self {
            config,
            equations: DecayedNormal::new(config.xi, 0),
            solution: None,
        })
    }

    /// The Colley forecaster with this configuration.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::colley::{Colley, ColleyConfig};
    /// use scoreline_dixon_coles::forecasting::Forecaster;
    /// let f = Colley::forecaster(ColleyConfig::default()).unwrap();
    /// assert_eq!(f.name(), "colley");
    /// ```
    pub fn forecaster(config: ColleyConfig) -> Result<RatingForecaster<Self>, ForecastError> {
        Ok(RatingForecaster::new(Self::new(config)?))
    }

    /// The configuration.
    pub fn config(&self) -> &ColleyConfig {
        &self.config
    }

    fn solved(&mut self, date: chrono::NaiveDate) -> Result<&[f64], ForecastError> {
        if self.solution.is_none() {
            let x = self
                .equations
                .solve(|_| 2.0, |_| 1.0)
                .ok_or_else(|| ForecastError::Fit {
                    model: "colley".to_owned(),
                    date,
                    reason: "the Colley matrix is not positive definite".to_owned(),
                })?;
            self.solution = Some(x);
        }
        Ok(self.solution.as_deref().unwrap_or(&[]))
    }

    /// A team's rating, if it has played (solving if needed).
    pub fn rating(&mut self, team: &str) -> Option<f64> {
        let i = self.equations.get(team)?;
        self.solved(chrono::NaiveDate::MIN).ok()?.get(i).copied()
    }
}

impl RatingSystem for Colley {
    fn name(&self) -> String {
        "colley".to_owned()
    }

    /// Colley differences are fractions of a win rate: about 4 logit
    /// units per unit of difference.
    fn default_beta(&self) -> f64 {
        4.0
    }

    fn knows(&self, team: &str) -> bool {
        self.equations.get(team).is_some()
    }

    fn difference(&mut self, fixture: &Pairing<'_>) -> Result<f64, ForecastError> {
        let hi = self.equations.get(fixture.home);
        let ai = self.equations.get(fixture.away);
        let x = self.solved(fixture.date)?;
        let r = |i: Option<usize>| i.and_then(|i| x.get(i)).copied().unwrap_or(0.5);
        Ok(r(hi) - r(ai))
    }

    fn update(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        for m in played {
            self.equations.decay_to(m.date);
            let h = self.equations.team(&m.home_team);
            let a = self.equations.team(&m.away_team);
            if h == a {
                continue;
            }
            let w = own_weight(m);
            self.equations.add_a(h, h, w);
            self.equations.add_a(a, a, w);
            self.equations.add_a(h, a, -w);
            self.equations.add_a(a, h, -w);
            let s = match m.home_goals.cmp(&m.away_goals) {
                std::cmp::Ordering::Greater => 0.5,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Less => -0.5,
            };
            self.equations.add_b(h, w * s);
            self.equations.add_b(a, -w * s);
        }
        self.solution = None;
        Ok(())
    }
}
