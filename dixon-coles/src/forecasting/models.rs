//! The sequential models by name: what the leaderboard, the examples and
//! Python build from a model name.

use serde::{Deserialize, Serialize};

use super::ensemble::{Pool, PoolKind};
use super::mixed_goals::{MixedGoalsConfig, MixedGoalsDixonColes, Statistic};
use super::selection::BestOf;
use super::{ForecastError, Forecaster};

/// A sequential model of the leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModelName {
    /// Dixon–Coles with one intercept per division in the joint fit of a
    /// league and its lower division (goals only).
    DivisionDixonColes,
    /// Dixon–Coles fitted to goals mixed with shots on target, weight and
    /// decay chosen out of sample.
    ShotsDixonColes,
    /// Dixon–Coles fitted to goals mixed with xG (goals alone where a
    /// match has no xG), weight and decay chosen out of sample.
    XgDixonColes,
    /// The logarithmic pool of the other model-only forecasters.
    LogPool,
    /// The linear pool of the other model-only forecasters.
    LinearPool,
}

impl ModelName {
    /// Every sequential model, pools last.
    pub const ALL: [ModelName; 5] = [
        Self::DivisionDixonColes,
        Self::ShotsDixonColes,
        Self::XgDixonColes,
        Self::LogPool,
        Self::LinearPool,
    ];

    /// The model's name (`"shots_dixon_coles"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::DivisionDixonColes => "division_dixon_coles",
            Self::ShotsDixonColes => "shots_dixon_coles",
            Self::XgDixonColes => "xg_dixon_coles",
            Self::LogPool => "log_pool",
            Self::LinearPool => "linear_pool",
        }
    }

    /// The model of a name, if there is one.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::models::ModelName;
    /// assert_eq!(ModelName::from_name("log_pool"), Some(ModelName::LogPool));
    /// assert_eq!(ModelName::from_name("nope"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The members of a pool (none for the other models).
    pub fn members(self) -> Vec<ModelName> {
        match self {
            Self::LogPool | Self::LinearPool => {
                vec![Self::ShotsDixonColes, Self::DivisionDixonColes]
            }
            _ => Vec::new(),
        }
    }

    /// A fresh forecaster of this model, with no history.
    pub fn build(self) -> Result<Box<dyn Forecaster>, ForecastError> {
        Ok(match self {
            Self::DivisionDixonColes => Box::new(
                MixedGoalsDixonColes::new(MixedGoalsConfig {
                    weight: 0.0,
                    ..MixedGoalsConfig::default()
                })?
                .named(self.name()),
            ),
            Self::ShotsDixonColes => mixed(self, Statistic::ShotsOnTarget)?,
            Self::XgDixonColes => mixed(self, Statistic::Xg)?,
            Self::LogPool | Self::LinearPool => {
                let members = self
                    .members()
                    .into_iter()
                    .map(ModelName::build)
                    .collect::<Result<Vec<_>, _>>()?;
                self.pool(members)?
            }
        })
    }

    /// True for the pools.
    pub fn is_pool(self) -> bool {
        !self.members().is_empty()
    }

    /// This pool over the given members (built, or replayed with
    /// [`super::replay::Replay`]), in [`ModelName::members`] order. Errors:
    /// not a pool, or fewer than two members.
    pub fn pool(
        self,
        members: Vec<Box<dyn Forecaster>>,
    ) -> Result<Box<dyn Forecaster>, ForecastError> {
        let kind = match self {
            Self::LogPool => PoolKind::Logarithmic,
            Self::LinearPool => PoolKind::Linear,
            _ => {
                return Err(ForecastError::InvalidOption {
                    model: self.name().to_owned(),
                    option: "members",
                    reason: "not a pool".to_owned(),
                })
            }
        };
        Ok(Box::new(Pool::new(self.name(), kind, members)?))
    }
}

/// The statistic weights and decays a mixed model chooses from, the
/// default (w = 0.5, ξ = 0.0018) first.
pub const MIXED_GRID: [(f64, f64); 6] = [
    (0.5, 0.0018),
    (0.25, 0.0018),
    (0.75, 0.0018),
    (0.25, 0.003),
    (0.5, 0.003),
    (0.75, 0.003),
];

fn mixed(model: ModelName, statistic: Statistic) -> Result<Box<dyn Forecaster>, ForecastError> {
    let candidates = MIXED_GRID
        .iter()
        .map(|&(weight, xi_per_day)| {
            MixedGoalsDixonColes::new(MixedGoalsConfig {
                statistic,
                weight,
                xi_per_day,
                ..MixedGoalsConfig::default()
            })
            .map(|m| Box::new(m.named(model.name())) as Box<dyn Forecaster>)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::new(BestOf::new(model.name(), candidates)?))
}
