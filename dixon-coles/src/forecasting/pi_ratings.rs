//! Pi-ratings (Constantinou & Fenton 2013) as a forecaster.
//!
//! Every team has a home rating Rᴴ and an away rating Rᴬ (both 0 at
//! first, carried across divisions). With b = 10 and c = 3:
//!
//! - a rating's expected goal difference against an average team is
//!   ψ(r) = sign(r)·(b^(|r|/c) − 1);
//! - the predicted goal difference of home team h against away team a is
//!   ĝ = ψ(Rᴴ_h) − ψ(Rᴬ_a);
//! - the error is e = |g − ĝ| for the observed goal difference g, and its
//!   diminished form is φ(e) = c·log_b(1 + e);
//! - the home team's error is e_h = +φ(e) when g > ĝ (it did better than
//!   predicted) and −φ(e) otherwise; the away team's is e_a = −e_h;
//! - updates with learning rates λ and γ:
//!   Rᴴ_h += λ·e_h, then Rᴬ_h += γ·(the change of Rᴴ_h);
//!   Rᴬ_a += λ·e_a, then Rᴴ_a += γ·(the change of Rᴬ_a).
//!
//! At a neutral venue (not in the paper) each team's rating is the mean of
//! its home and away ratings for the prediction; the update is the same as
//! at home.
//!
//! The rating difference fed to the ordered logit is the predicted goal
//! difference ĝ.

use rustc_hash::FxHashMap;

use super::rating_forecaster::{RatingForecaster, RatingSystem};
use super::{ForecastError, Pairing};
use crate::data::Match;

/// The base b of the ψ transform.
pub const B: f64 = 10.0;
/// The scale c of the ψ transform.
pub const C: f64 = 3.0;

/// The pi-ratings' learning rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PiConfig {
    /// λ: how far a venue rating moves per unit of diminished error.
    pub lambda: f64,
    /// γ: how much of a venue rating's change passes to the other venue.
    pub gamma: f64,
}

impl Default for PiConfig {
    /// The paper's λ = 0.035, γ = 0.7.
    fn default() -> Self {
        Self {
            lambda: 0.035,
            gamma: 0.7,
        }
    }
}

/// A small grid for out-of-sample selection: λ ∈ {0.02, 0.035, 0.05,
/// 0.07, 0.1} with γ = 0.7.
pub fn candidates() -> Vec<PiConfig> {
    [0.02, 0.035, 0.05, 0.07, 0.1]
        .into_iter()
        .map(|lambda| PiConfig {
            lambda,
            ..PiConfig::default()
        })
        .collect()
}

/// ψ(r) = sign(r)·(b^(|r|/c) − 1): a rating's expected goal difference.
pub fn expected_goal_difference(r: f64) -> f64 {
    r.signum() * (B.powf(r.abs() / C) - 1.0)
}

/// φ(e) = c·log_b(1 + e): the diminished error.
pub fn diminished_error(e: f64) -> f64 {
    C * (1.0 + e).log(B)
}

/// The pi-ratings system (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct PiRatings {
    config: PiConfig,
    ratings: FxHashMap<String, [f64; 2]>,
}

impl PiRatings {
    /// A system with no team yet. Errors: λ or γ not finite or negative.
    pub fn new(config: PiConfig) -> Result<Self, ForecastError> {
        for (option, v) in [("lambda", config.lambda), ("gamma", config.gamma)] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(ForecastError::InvalidOption {
                    model: "pi_ratings".to_owned(),
                    option,
                    reason: format!("{v} is not finite and ≥ 0"),
                });
            }
        }
        Ok(Self {
            config,
            ratings: FxHashMap::default(),
        })
    }

    /// The pi-ratings forecaster with this configuration.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::pi_ratings::{PiConfig, PiRatings};
    /// use scoreline_dixon_coles::forecasting::Forecaster;
    /// let f = PiRatings::forecaster(PiConfig::default()).unwrap();
    /// assert_eq!(f.name(), "pi_ratings");
    /// ```
    pub fn forecaster(config: PiConfig) -> Result<RatingForecaster<Self>, ForecastError> {
        Ok(RatingForecaster::new(Self::new(config)?))
    }

    /// A team's (home, away) ratings, if it has played.
    pub fn ratings(&self, team: &str) -> Option<[f64; 2]> {
        self.ratings.get(team).copied()
    }

    fn get(&self, team: &str) -> [f64; 2] {
        self.ratings.get(team).copied().unwrap_or([0.0, 0.0])
    }

    /// ĝ = ψ(Rᴴ_h) − ψ(Rᴬ_a), or with mean ratings at a neutral venue.
    fn predicted(&self, home: &str, away: &str, neutral: bool) -> f64 {
        let h = self.get(home);
        let a = self.get(away);
        let (rh, ra) = if neutral {
            ((h[0] + h[1]) / 2.0, (a[0] + a[1]) / 2.0)
        } else {
            (h[0], a[1])
        };
        expected_goal_difference(rh) - expected_goal_difference(ra)
    }
}

impl RatingSystem for PiRatings {
    fn name(&self) -> String {
        "pi_ratings".to_owned()
    }

    /// About one logit unit per goal of predicted difference.
    fn default_beta(&self) -> f64 {
        1.0
    }

    fn knows(&self, team: &str) -> bool {
        self.ratings.contains_key(team)
    }

    fn difference(&mut self, fixture: &Pairing<'_>) -> Result<f64, ForecastError> {
        Ok(self.predicted(fixture.home, fixture.away, fixture.neutral))
    }

    fn update(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        let PiConfig { lambda, gamma } = self.config;
        for m in played {
            let predicted = self.predicted(&m.home_team, &m.away_team, m.neutral);
            let observed = f64::from(m.home_goals) - f64::from(m.away_goals);
            let phi = diminished_error((observed - predicted).abs());
            let e_home = if observed > predicted { phi } else { -phi };
            let mut h = self.get(&m.home_team);
            let mut a = self.get(&m.away_team);
            h[0] += lambda * e_home;
            h[1] += gamma * lambda * e_home;
            a[1] -= lambda * e_home;
            a[0] -= gamma * lambda * e_home;
            self.ratings.insert(m.home_team.clone(), h);
            self.ratings.insert(m.away_team.clone(), a);
        }
        Ok(())
    }
}
