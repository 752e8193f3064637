//! Elo ratings with a goal-difference multiplier, as a forecaster.
//!
//! Every team has one rating, carried across divisions (a team seen in
//! E1 and later in E0 keeps its rating). For a match of home team h and
//! away team a, with home advantage H (0 at a neutral venue):
//!
//! - expected home score E = 1 / (1 + 10^(−(R_h + H − R_a)/400));
//! - actual score W = 1 for a home win, ½ for a draw, 0 for a loss;
//! - goal-difference multiplier G (World Football Elo): 1 for |gd| ≤ 1,
//!   1.5 for |gd| = 2, (11 + |gd|)/8 for |gd| ≥ 3;
//! - update R_h += K·G·(W − E), R_a −= K·G·(W − E).
//!
//! The matches of one date are applied in order, each from the ratings
//! left by the previous one.
//!
//! New teams: a team first seen in a division that was already present at
//! an earlier season break enters at that division's mean rating minus
//! [`EloConfig::new_team_offset`] (typically a promoted team from an
//! unobserved lower division, weaker than the division's average); in a
//! division met for the first time every team enters at
//! [`EloConfig::initial`].
//!
//! Season break: when a date comes at least [`SEASON_BREAK_DAYS`] days
//! after the last observed match, every rating is pulled towards the mean
//! of its division (the division of the team's last match; matches
//! without a division code form one division of their own) by the factor
//! [`EloConfig::regression`]: R ← R − ρ·(R − mean). The pull happens once
//! per break, before the new season's first forecast or match.
//!
//! The rating difference fed to the ordered logit is R_h + H − R_a.

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use super::rating_forecaster::{RatingForecaster, RatingSystem};
use super::{ForecastError, Pairing};
use crate::data::Match;

/// A gap (days) between two observed dates that marks a season break.
pub const SEASON_BREAK_DAYS: i64 = 30;

/// Elo's fixed hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EloConfig {
    /// The update factor K (rating points per unit of surprise).
    pub k: f64,
    /// The home advantage H in rating points, added for non-neutral venues.
    pub home_advantage: f64,
    /// The fraction ρ ∈ [0, 1] of the distance to the division mean
    /// removed at a season break.
    pub regression: f64,
    /// The rating of a team of a division met for the first time.
    pub initial: f64,
    /// How far below its division's mean a newcomer to a known division
    /// enters (rating points).
    pub new_team_offset: f64,
}

impl Default for EloConfig {
    /// K = 20, H = 65, ρ = 0.2, initial 1500, newcomers 50 below the mean.
    fn default() -> Self {
        Self {
            k: 20.0,
            home_advantage: 65.0,
            regression: 0.2,
            initial: 1500.0,
            new_team_offset: 50.0,
        }
    }
}

/// A small grid for out-of-sample selection: K ∈ {10, 15, 20, 25, 30, 40},
/// the other fields at their defaults (ρ = 0.2 is fixed, not searched).
pub fn candidates() -> Vec<EloConfig> {
    [10.0, 15.0, 20.0, 25.0, 30.0, 40.0]
        .into_iter()
        .map(|k| EloConfig {
            k,
            ..EloConfig::default()
        })
        .collect()
}

/// The World Football Elo goal-difference multiplier: 1 for |gd| ≤ 1,
/// 1.5 for |gd| = 2, (11 + |gd|)/8 for |gd| ≥ 3.
pub fn goal_difference_multiplier(home_goals: u32, away_goals: u32) -> f64 {
    let gd = home_goals.abs_diff(away_goals);
    match gd {
        0 | 1 => 1.0,
        2 => 1.5,
        _ => (11.0 + f64::from(gd)) / 8.0,
    }
}

/// The expected home score 1 / (1 + 10^(−d/400)) at a rating difference d
/// (home advantage included).
pub fn expected_score(d: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf(-d / 400.0))
}

/// The Elo rating system (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Elo {
    config: EloConfig,
    ratings: FxHashMap<String, f64>,
    division_of: FxHashMap<String, String>,
    established: FxHashSet<String>,
    last_date: Option<NaiveDate>,
    regressed_after: Option<NaiveDate>,
}

impl Elo {
    /// A system with no team yet. Errors: K or H not finite, K < 0,
    /// regression outside [0, 1], or a non-finite initial rating or offset.
    pub fn new(config: EloConfig) -> Result<Self, ForecastError> {
        let bad = |option: &'static str, reason: String| ForecastError::InvalidOption {
            model: "elo".to_owned(),
            option,
            reason,
        };
        if !(config.k.is_finite() && config.k >= 0.0) {
            return Err(bad("k", format!("{} is not a finite K ≥ 0", config.k)));
        }
        if !config.home_advantage.is_finite() {
            return Err(bad("home_advantage", "not finite".to_owned()));
        }
        if !(0.0..=1.0).contains(&config.regression) {
            return Err(bad(
                "regression",
                format!("{} is outside [0, 1]", config.regression),
            ));
        }
        if !(config.initial.is_finite() && config.new_team_offset.is_finite()) {
            return Err(bad(
                "initial",
                "initial or new_team_offset not finite".to_owned(),
            ));
        }
        Ok(Self {
            config,
            ratings: FxHashMap::default(),
            division_of: FxHashMap::default(),
            established: FxHashSet::default(),
            last_date: None,
            regressed_after: None,
        })
    }

    /// The Elo forecaster with this configuration.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::elo::{Elo, EloConfig};
    /// use scoreline_dixon_coles::forecasting::Forecaster;
    /// let f = Elo::forecaster(EloConfig::default()).unwrap();
    /// assert_eq!(f.name(), "elo");
    /// ```
    pub fn forecaster(config: EloConfig) -> Result<RatingForecaster<Self>, ForecastError> {
        Ok(RatingForecaster::new(Self::new(config)?))
    }

    /// The configuration.
    pub fn config(&self) -> &EloConfig {
        &self.config
    }

    /// A team's current rating, if it has played.
    pub fn rating(&self, team: &str) -> Option<f64> {
        self.ratings.get(team).copied()
    }

    /// The mean rating of the teams whose last match was in `division`.
    fn division_mean(&self, division: &str) -> Option<f64> {
        let (sum, n) = self
            .division_of
            .iter()
            .filter(|(_, d)| d.as_str() == division)
            .filter_map(|(t, _)| self.ratings.get(t))
            .fold((0.0, 0usize), |(s, n), r| (s + r, n + 1));
        (n > 0).then(|| sum / n as f64)
    }

    /// The rating a team would have now: its own, else its entry rating.
    fn current(&self, team: &str, division: Option<&str>) -> f64 {
        if let Some(r) = self.ratings.get(team) {
            return *r;
        }
        let d = division.unwrap_or("");
        if self.established.contains(d) {
            self.division_mean(d)
                .map_or(self.config.initial, |m| m - self.config.new_team_offset)
        } else {
            self.config.initial
        }
    }

    fn home_advantage(&self, neutral: bool) -> f64 {
        if neutral {
            0.0
        } else {
            self.config.home_advantage
        }
    }
}

impl RatingSystem for Elo {
    fn name(&self) -> String {
        "elo".to_owned()
    }

    /// About the slope of the Elo curve itself: ln 10 / 400 ≈ 0.0058 per
    /// rating point, rounded down to 0.005.
    fn default_beta(&self) -> f64 {
        0.005
    }

    fn knows(&self, team: &str) -> bool {
        self.ratings.contains_key(team)
    }

    fn advance_to(&mut self, date: NaiveDate) {
        let Some(last) = self.last_date else {
            return;
        };
        if (date - last).num_days() < SEASON_BREAK_DAYS || self.regressed_after == Some(last) {
            return;
        }
        self.regressed_after = Some(last);
        let mut means: FxHashMap<String, f64> = FxHashMap::default();
        for d in self.division_of.values() {
            if !means.contains_key(d) {
                if let Some(m) = self.division_mean(d) {
                    means.insert(d.clone(), m);
                }
            }
        }
        let rho = self.config.regression;
        for (team, r) in self.ratings.iter_mut() {
            if let Some(mean) = self.division_of.get(team).and_then(|d| means.get(d)) {
                *r -= rho * (*r - mean);
            }
        }
        self.established.extend(means.into_keys());
    }

    fn difference(&mut self, fixture: &Pairing<'_>) -> Result<f64, ForecastError> {
        Ok(
            self.current(fixture.home, fixture.division) + self.home_advantage(fixture.neutral)
                - self.current(fixture.away, fixture.division),
        )
    }

    fn update(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        for m in played {
            let division = m.division.as_deref();
            let rh = self.current(&m.home_team, division);
            let ra = self.current(&m.away_team, division);
            let e = expected_score(rh + self.home_advantage(m.neutral) - ra);
            let w = match m.home_goals.cmp(&m.away_goals) {
                std::cmp::Ordering::Greater => 1.0,
                std::cmp::Ordering::Equal => 0.5,
                std::cmp::Ordering::Less => 0.0,
            };
            let delta =
                self.config.k * goal_difference_multiplier(m.home_goals, m.away_goals) * (w - e);
            self.ratings.insert(m.home_team.clone(), rh + delta);
            self.ratings.insert(m.away_team.clone(), ra - delta);
            let d = division.unwrap_or("");
            self.division_of.insert(m.home_team.clone(), d.to_owned());
            self.division_of.insert(m.away_team.clone(), d.to_owned());
            self.last_date = Some(m.date);
        }
        Ok(())
    }
}
