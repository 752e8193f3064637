//! Massey ratings (least squares on goal differences, time-decayed) as a
//! forecaster.
//!
//! Ratings r and one home advantage H minimise
//!
//! Σₘ wₘ (r_h − r_a + H·vₘ − gₘ)² + κ Σᵢ rᵢ² + ε H²,
//!
//! over the observed matches m (home h, away a, goal difference
//! gₘ = home − away goals, vₘ = 0 at a neutral venue and 1 otherwise),
//! with weight wₘ = e^(−ξ·tₘ) for a match tₘ days before the last observed
//! date (times the match's own weight, if any). The ridge κ fixes the
//! gauge (ratings of a connected group of teams sum to about zero) and
//! shrinks rarely seen teams; ε = 1e-9 keeps H defined with no home game.
//! The normal equations are kept up to date match by match (rescaled by
//! e^(−ξ·Δ) when the last observed date moves Δ days) and solved by
//! Cholesky at the first forecast after new matches.
//!
//! The rating difference fed to the ordered logit is r_h − r_a + H·v
//! (unknown teams rate 0).

use super::decayed::DecayedNormal;
use super::rating_forecaster::{RatingForecaster, RatingSystem};
use super::{ForecastError, Pairing};
use crate::data::Match;

/// Massey's hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MasseyConfig {
    /// ξ: the time decay per day (0 for none).
    pub xi: f64,
    /// κ > 0: the ridge on the team ratings.
    pub ridge: f64,
}

impl Default for MasseyConfig {
    /// ξ = 0.0018 per day (a half-life of about 385 days), κ = 0.1.
    fn default() -> Self {
        Self {
            xi: 0.0018,
            ridge: 0.1,
        }
    }
}

/// A small grid for out-of-sample selection: ξ ∈ {0.0009, 0.0018,
/// 0.0036, 0.006, 0.01} per day, κ = 0.1.
pub fn candidates() -> Vec<MasseyConfig> {
    [0.0009, 0.0018, 0.0036, 0.006, 0.01]
        .into_iter()
        .map(|xi| MasseyConfig {
            xi,
            ..MasseyConfig::default()
        })
        .collect()
}

/// The Massey rating system (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Massey {
    config: MasseyConfig,
    equations: DecayedNormal,
    /// H, then the team ratings, when solved since the last update.
    solution: Option<Vec<f64>>,
}

/// The position of H among the unknowns.
const HOME: usize = 0;

impl Massey {
    /// A system with no team yet. Errors: ξ negative or not finite, κ not
    /// positive and finite.
    pub fn new(config: MasseyConfig) -> Result<Self, ForecastError> {
        check(config.xi, config.ridge, "massey")?;
        Ok(Self {
            config,
            equations: DecayedNormal::new(config.xi, 1),
            solution: None,
        })
    }

    /// The Massey forecaster with this configuration.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::massey::{Massey, MasseyConfig};
    /// use scoreline_dixon_coles::forecasting::Forecaster;
    /// let f = Massey::forecaster(MasseyConfig::default()).unwrap();
    /// assert_eq!(f.name(), "massey");
    /// ```
    pub fn forecaster(config: MasseyConfig) -> Result<RatingForecaster<Self>, ForecastError> {
        Ok(RatingForecaster::new(Self::new(config)?))
    }

    /// The configuration.
    pub fn config(&self) -> &MasseyConfig {
        &self.config
    }

    /// Solves the normal equations if matches came since the last solve.
    fn solved(&mut self) -> Result<&[f64], ForecastError> {
        if self.solution.is_none() {
            let ridge = self.config.ridge;
            let x = self
                .equations
                .solve(|i| if i == HOME { 1e-9 } else { ridge }, |_| 0.0)
                .ok_or_else(|| ForecastError::Fit {
                    model: "massey".to_owned(),
                    date: chrono::NaiveDate::MIN,
                    reason: "the normal equations are not positive definite".to_owned(),
                })?;
            self.solution = Some(x);
        }
        Ok(self.solution.as_deref().unwrap_or(&[]))
    }

    /// A team's rating, if it has played (solving if needed).
    pub fn rating(&mut self, team: &str) -> Option<f64> {
        let i = self.equations.get(team)?;
        self.solved().ok()?.get(i).copied()
    }

    /// The home advantage H in goals (solving if needed).
    pub fn home_advantage(&mut self) -> Option<f64> {
        self.solved().ok()?.get(HOME).copied()
    }
}

/// Checks a decay ξ ≥ 0 and a ridge κ > 0.
pub(crate) fn check(xi: f64, ridge: f64, model: &str) -> Result<(), ForecastError> {
    if !(xi.is_finite() && xi >= 0.0) {
        return Err(ForecastError::InvalidOption {
            model: model.to_owned(),
            option: "xi",
            reason: format!("{xi} is not finite and ≥ 0"),
        });
    }
    if !(ridge.is_finite() && ridge > 0.0) {
        return Err(ForecastError::InvalidOption {
            model: model.to_owned(),
            option: "ridge",
            reason: format!("{ridge} is not finite and > 0"),
        });
    }
    Ok(())
}

/// A match's own weight: its `weight` when finite and ≥ 0, else 1.
pub(crate) fn own_weight(m: &Match) -> f64 {
    m.weight
        .filter(|w| w.is_finite() && *w >= 0.0)
        .unwrap_or(1.0)
}

impl RatingSystem for Massey {
    fn name(&self) -> String {
        "massey".to_owned()
    }

    /// About one logit unit per goal of rating difference.
    fn default_beta(&self) -> f64 {
        1.0
    }

    fn knows(&self, team: &str) -> bool {
        self.equations.get(team).is_some()
    }

    fn difference(&mut self, fixture: &Pairing<'_>) -> Result<f64, ForecastError> {
        let hi = self.equations.get(fixture.home);
        let ai = self.equations.get(fixture.away);
        let neutral = fixture.neutral;
        let x = self.solved().map_err(|e| match e {
            ForecastError::Fit { model, reason, .. } => ForecastError::Fit {
                model,
                date: fixture.date,
                reason,
            },
            other => other,
        })?;
        let r = |i: Option<usize>| i.and_then(|i| x.get(i)).copied().unwrap_or(0.0);
        let h = if neutral { 0.0 } else { r(Some(HOME)) };
        Ok(r(hi) - r(ai) + h)
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
            let g = f64::from(m.home_goals) - f64::from(m.away_goals);
            let v = if m.neutral { 0.0 } else { 1.0 };
            // Row: +1 at h, −1 at a, v at H.
            let row = [(h, 1.0), (a, -1.0), (HOME, v)];
            for &(i, ci) in &row {
                for &(j, cj) in &row {
                    self.equations.add_a(i, j, w * ci * cj);
                }
                self.equations.add_b(i, w * ci * g);
            }
        }
        self.solution = None;
        Ok(())
    }
}
