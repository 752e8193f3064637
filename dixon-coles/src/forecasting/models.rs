//! The sequential models by name: what the leaderboard, the examples and
//! Python build from a model name.

use serde::{Deserialize, Serialize};

use super::colley::{self, Colley};
use super::elo::{self, Elo};
use super::ensemble::{Pool, Pooling};
use super::gas::{self, GasDixonColes};
use super::massey::{self, Massey};
use super::mixed_goals::{MixedGoalsConfig, MixedGoalsDixonColes, Statistic};
use super::pi_ratings::{self, PiRatings};
use super::rating_forecaster::RatingForecaster;
use super::selection::BestOf;
use super::{ForecastError, Forecaster};
use crate::model::options::Family;

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
    /// Score-driven (GAS) dynamic Dixon–Coles ratings, step sizes chosen
    /// out of sample.
    GasDixonColes,
    /// Elo with goal-difference scaling, K chosen out of sample.
    Elo,
    /// Pi-ratings (Constantinou & Fenton 2013), learning rate chosen out of
    /// sample.
    PiRatings,
    /// Time-decayed Massey ratings, decay chosen out of sample.
    Massey,
    /// Time-decayed Colley ratings, decay chosen out of sample.
    Colley,
    /// The logarithmic pool of the shots-mixed and the dynamic
    /// Dixon–Coles ratings (two different kinds of information: shots, and
    /// ratings that move).
    LogPool,
    /// The linear pool of the same two.
    LinearPool,
    /// The logarithmic pool of every other model-only forecaster except
    /// xG (goals-only where the data has no xG).
    LogPoolAll,
}

impl ModelName {
    /// Every sequential model, pools last.
    pub const ALL: [ModelName; 11] = [
        Self::DivisionDixonColes,
        Self::ShotsDixonColes,
        Self::XgDixonColes,
        Self::GasDixonColes,
        Self::Elo,
        Self::PiRatings,
        Self::Massey,
        Self::Colley,
        Self::LogPool,
        Self::LinearPool,
        Self::LogPoolAll,
    ];

    /// The model's name (`"shots_dixon_coles"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::DivisionDixonColes => "division_dixon_coles",
            Self::ShotsDixonColes => "shots_dixon_coles",
            Self::XgDixonColes => "xg_dixon_coles",
            Self::GasDixonColes => "gas_dixon_coles",
            Self::Elo => "elo",
            Self::PiRatings => "pi_ratings",
            Self::Massey => "massey",
            Self::Colley => "colley",
            Self::LogPool => "log_pool",
            Self::LinearPool => "linear_pool",
            Self::LogPoolAll => "log_pool_all",
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
            Self::LogPool | Self::LinearPool => vec![Self::ShotsDixonColes, Self::GasDixonColes],
            Self::LogPoolAll => vec![
                Self::ShotsDixonColes,
                Self::DivisionDixonColes,
                Self::GasDixonColes,
                Self::Elo,
                Self::PiRatings,
                Self::Massey,
                Self::Colley,
            ],
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
            Self::GasDixonColes => best_of(self, gas::candidates(), GasDixonColes::new)?,
            Self::Elo => best_of(self, elo::candidates(), |c| {
                Elo::new(c).map(RatingForecaster::new)
            })?,
            Self::PiRatings => best_of(self, pi_ratings::candidates(), |c| {
                PiRatings::new(c).map(RatingForecaster::new)
            })?,
            Self::Massey => best_of(self, massey::candidates(), |c| {
                Massey::new(c).map(RatingForecaster::new)
            })?,
            Self::Colley => best_of(self, colley::candidates(), |c| {
                Colley::new(c).map(RatingForecaster::new)
            })?,
            Self::LogPool | Self::LinearPool | Self::LogPoolAll => {
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
            Self::LogPool | Self::LogPoolAll => Pooling::Logarithmic,
            Self::LinearPool => Pooling::Linear,
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

/// A [`BestOf`] over the forecasters `build` makes of `configs` (the
/// first is the default).
fn best_of<C, F: Forecaster + 'static>(
    model: ModelName,
    configs: Vec<C>,
    build: impl Fn(C) -> Result<F, ForecastError>,
) -> Result<Box<dyn Forecaster>, ForecastError> {
    let candidates = configs
        .into_iter()
        .map(|c| build(c).map(|f| Box::new(f) as Box<dyn Forecaster>))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::new(BestOf::new(model.name(), candidates)?))
}

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

/// Every name [`chosen_models`] accepts, as one phrase for messages:
/// `"all"`, the families' names and the sequential models' names.
pub fn valid_model_names() -> String {
    let families: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
    let models: Vec<&str> = ModelName::ALL.iter().map(|m| m.name()).collect();
    format!(
        "\"all\", a goal-model family ({}) or a sequential model ({})",
        families.join(", "),
        models.join(", ")
    )
}

/// The goal-model families and sequential models named in `names`
/// (`"all"` is every one of both), each once, in the order first named.
/// Errors: the first name that is neither, with [`valid_model_names`].
///
/// ```
/// use scoreline_dixon_coles::forecasting::models::{chosen_models, ModelName};
/// use scoreline_dixon_coles::model::options::Family;
/// let (families, models) = chosen_models(&["elo", "dixon_coles", "elo"]).unwrap();
/// assert_eq!((families, models), (vec![Family::DixonColes], vec![ModelName::Elo]));
/// assert!(chosen_models(&["nope"]).unwrap_err().contains("\"nope\""));
/// ```
pub fn chosen_models<S: AsRef<str>>(names: &[S]) -> Result<(Vec<Family>, Vec<ModelName>), String> {
    let mut families = Vec::new();
    let mut models = Vec::new();
    for name in names {
        let (listed, sequential): (Vec<Family>, Vec<ModelName>) = match name.as_ref() {
            "all" => (Family::ALL.to_vec(), ModelName::ALL.to_vec()),
            other => {
                let family = Family::from_name(other);
                let model = ModelName::from_name(other);
                if family.is_none() && model.is_none() {
                    return Err(format!(
                        "unknown model {other:?}; expected {}",
                        valid_model_names()
                    ));
                }
                (family.into_iter().collect(), model.into_iter().collect())
            }
        };
        for f in listed {
            if !families.contains(&f) {
                families.push(f);
            }
        }
        for m in sequential {
            if !models.contains(&m) {
                models.push(m);
            }
        }
    }
    Ok((families, models))
}
