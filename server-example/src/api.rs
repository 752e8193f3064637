//! The JSON shapes of requests and responses (and their OpenAPI schemas).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The longest team name accepted (longer is a 422 naming the field).
pub const MAX_NAME_LENGTH: usize = 200;
/// The most betting lines one fixture may ask for, per market.
pub const MAX_LINES: usize = 64;
/// The most goals one side of a played match may have scored in
/// `POST /v1/evaluate` (more is a 422 naming the field).
pub const MAX_OBSERVED_GOALS: u32 = 99;
/// The over/under lines returned when none are asked for.
pub const DEFAULT_OVER_UNDER: [f64; 1] = [2.5];

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

/// `GET /ready` when a model is loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ready {
    /// Always true (not ready is a 503 error).
    pub ready: bool,
    /// The SHA-256 fingerprint of the training data, when known.
    pub fingerprint: Option<String>,
}

/// Which markets to price, beyond the 1X2 and expected goals that always come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketsRequest {
    /// Total-goals lines (multiples of 0.25); default 2.5 only.
    #[schema(max_items = 64)]
    pub over_under: Option<Vec<f64>>,
    /// Asian handicap lines for the home side (multiples of 0.25; −0.5 is "home to win"); default none.
    #[serde(default)]
    #[schema(max_items = 64)]
    pub asian_handicap: Vec<f64>,
    /// The number of most likely scores to list (default 0, at most 20).
    #[schema(minimum = 0, maximum = 20)]
    pub correct_scores: Option<u32>,
    /// Include the whole score grid (default false).
    #[serde(default)]
    pub grid: bool,
}

/// `POST /v1/predict`: one fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PredictRequest {
    /// The home (first-named) team, as the model knows it.
    #[schema(max_length = 200)]
    pub home: String,
    /// The away team.
    #[schema(max_length = 200)]
    pub away: String,
    /// True at a neutral venue (no home advantage); default false.
    #[serde(default)]
    pub neutral: bool,
    /// Goals per side in the score grid, at most 50. Default: the smallest
    /// grid that leaves less than 1e-12 of the probability outside it. An
    /// explicit grid that leaves more than 1e-9 outside is a 422
    /// (`mass_outside_grid`) unless `truncate` is true.
    #[schema(minimum = 0, maximum = 50)]
    pub max_goals: Option<u32>,
    /// With an explicit `max_goals`: renormalise the grid whatever the mass
    /// outside it (reported as `mass_outside_grid`); default false.
    #[serde(default)]
    pub truncate: bool,
    /// Markets to price.
    pub markets: Option<MarketsRequest>,
}

/// Home/draw/away probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcomes {
    /// P(home win).
    pub home: f64,
    /// P(draw).
    pub draw: f64,
    /// P(away win).
    pub away: f64,
}

/// Expected goals of each side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExpectedGoals {
    /// λ, the home side's expected goals.
    pub home: f64,
    /// μ, the away side's expected goals.
    pub away: f64,
}

/// How a bet settles: the probability of each result (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bet {
    /// The whole stake wins.
    pub win: f64,
    /// Half wins, half is returned (quarter lines).
    pub half_win: f64,
    /// The stake is returned.
    pub push: f64,
    /// Half is lost, half is returned (quarter lines).
    pub half_loss: f64,
    /// The whole stake is lost.
    pub loss: f64,
    /// The decimal odds with zero expected profit (null when the bet cannot win).
    pub fair_odds: Option<f64>,
}

/// An over/under line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverUnder {
    /// The total-goals line.
    pub line: f64,
    /// The bet on more goals than the line.
    pub over: Bet,
    /// The bet on fewer.
    pub under: Bet,
}

/// An Asian handicap line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AsianHandicap {
    /// The handicap added to the home side's goals.
    pub line: f64,
    /// The bet on the home side with that handicap.
    pub home: Bet,
    /// The bet on the away side with the opposite handicap.
    pub away: Bet,
}

/// Both teams to score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BothTeamsToScore {
    /// P(both score).
    pub yes: f64,
    /// P(at least one side scores nothing).
    pub no: f64,
}

/// A score and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScoreProbability {
    /// Home goals.
    pub home_goals: u32,
    /// Away goals.
    pub away_goals: u32,
    /// P(that score).
    pub probability: f64,
}

/// The prediction for one fixture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Prediction {
    /// The home team.
    pub home: String,
    /// The away team.
    pub away: String,
    /// True at a neutral venue.
    pub neutral: bool,
    /// Goals per side in the grid (chosen adaptively unless asked for).
    pub max_goals: u32,
    /// Expected goals.
    pub expected_goals: ExpectedGoals,
    /// Home/draw/away.
    pub outcomes: Outcomes,
    /// Over/under lines.
    pub over_under: Vec<OverUnder>,
    /// Asian handicap lines asked for.
    pub asian_handicap: Vec<AsianHandicap>,
    /// Both teams to score.
    pub both_teams_to_score: BothTeamsToScore,
    /// The most likely scores, best first.
    pub correct_scores: Vec<ScoreProbability>,
    /// Probability outside the grid (truncation), before renormalisation.
    pub mass_outside_grid: f64,
    /// The grid `grid[x][y] = P(home x, away y)`, when asked for.
    pub grid: Option<Vec<Vec<f64>>>,
}

/// `POST /v1/predict/batch`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// The fixtures, at most 10,000 (more is a 413, so the limit is not a
    /// schema constraint).
    pub fixtures: Vec<PredictRequest>,
}

/// The predictions of a batch, in request order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    /// One per fixture.
    pub predictions: Vec<Prediction>,
}

/// A played match, for `POST /v1/evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservedMatch {
    /// The home team.
    #[schema(max_length = 200)]
    pub home: String,
    /// The away team.
    #[schema(max_length = 200)]
    pub away: String,
    /// True at a neutral venue; default false.
    #[serde(default)]
    pub neutral: bool,
    /// Home goals.
    #[schema(minimum = 0, maximum = 99)]
    pub home_goals: u32,
    /// Away goals.
    #[schema(minimum = 0, maximum = 99)]
    pub away_goals: u32,
}

/// `POST /v1/evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// The matches, 1 to 10,000 (more is a 413, so the upper limit is not
    /// a schema constraint).
    #[schema(min_items = 1)]
    pub matches: Vec<ObservedMatch>,
    /// The z-score above which the RPS counts as drifting (default 3).
    #[schema(minimum = 0.0)]
    pub drift_threshold: Option<f64>,
}

/// Scores of a set of forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scores {
    /// Mean ranked probability score (0 best, 1 worst).
    pub rps: f64,
    /// Mean multi-class Brier score (0 best, 2 worst).
    pub brier: f64,
    /// Mean log loss in nats.
    pub log_loss: f64,
    /// Share of matches whose most probable outcome happened.
    pub accuracy: f64,
}

/// Whether the observed RPS is worse than the model itself expects.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Drift {
    /// The observed mean RPS.
    pub observed_rps: f64,
    /// The mean RPS the model expects on these fixtures if it is right.
    pub expected_rps: f64,
    /// The standard error of the observed mean under the model.
    pub standard_error: f64,
    /// `(observed − expected) / standard_error`.
    pub z: f64,
    /// The threshold used.
    pub threshold: f64,
    /// True when `z > threshold`: the model does worse than its own forecasts imply.
    pub drifting: bool,
}

/// `POST /v1/evaluate` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    /// Matches scored.
    pub matches: usize,
    /// The observed scores.
    pub scores: Scores,
    /// The drift check.
    pub drift: Drift,
}

/// How `GET /v1/teams` sorts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// By team name.
    #[default]
    Name,
    /// By attack rating.
    Attack,
    /// By defence rating.
    Defence,
    /// By attack + defence.
    Strength,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// Query of `GET /v1/teams`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamsQuery {
    /// The column to sort by (default `name`).
    pub sort: Option<SortKey>,
    /// The direction (default ascending for names, descending for ratings).
    pub order: Option<SortOrder>,
}

/// One row of the ratings table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TeamRow {
    /// The team.
    pub team: String,
    /// Attack (log scale, average 0).
    pub attack: f64,
    /// Defence (log scale, average 0; larger concedes less).
    pub defence: f64,
    /// attack + defence.
    pub strength: f64,
    /// Standard error of attack, when computed.
    pub attack_se: Option<f64>,
    /// Standard error of defence, when computed.
    pub defence_se: Option<f64>,
}

/// `GET /v1/teams`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Teams {
    /// The rows, sorted as asked.
    pub teams: Vec<TeamRow>,
}

/// The training data's fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fingerprint {
    /// Matches.
    pub matches: usize,
    /// The first match date (YYYY-MM-DD).
    pub first_date: String,
    /// The last match date.
    pub last_date: String,
    /// SHA-256 over teams and matches.
    pub sha256: String,
}

/// The fit's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FitInfo {
    /// Weighted log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Solver iterations.
    pub iterations: usize,
    /// Whether the gradient reached the tolerance.
    pub converged: bool,
    /// `newton` or `lbfgs`.
    pub solver: String,
    /// Matches with positive weight.
    pub matches_used: usize,
    /// The time-decay reference date.
    pub reference_date: String,
    /// When the fit finished (RFC 3339).
    pub fitted_at: String,
    /// The extra parameters held exactly on their bound at the optimum
    /// (e.g. `["dispersion"]` for a negative binomial that reached the
    /// Poisson boundary); they have no standard error. Empty otherwise.
    #[serde(default)]
    pub at_boundary: Vec<String>,
}

/// `GET /v1/model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelInfo {
    /// The model file format name.
    pub format: String,
    /// The model file format version.
    pub format_version: u32,
    /// The scoreline version serving it.
    pub scoreline_version: String,
    /// Where the model came from.
    pub origin: String,
    /// When this server loaded it (RFC 3339).
    pub loaded_at: String,
    /// How many teams it knows.
    pub teams: usize,
    /// Home advantage (log scale).
    pub home_advantage: f64,
    /// The goal-model family (`dixon_coles`, `poisson`,
    /// `negative_binomial`, `zero_inflated_poisson`, `bivariate_poisson`,
    /// `weibull_copula` or `conway_maxwell_poisson`).
    pub family: String,
    /// The family's parameters beyond the linear predictor, by name (e.g.
    /// `{"rho": -0.05}` for Dixon–Coles, `{"dispersion": 0.02}` for the
    /// negative binomial, `{"kappa": …, "shape": …}` for the Weibull
    /// copula; empty for Poisson).
    pub extra_parameters: BTreeMap<String, f64>,
    /// The Dixon–Coles ρ, also in `extra_parameters`. Present for
    /// Dixon–Coles models only (kept so that clients written before other
    /// families existed still read it); absent for every other family,
    /// which has no ρ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rho: Option<f64>,
    /// The training data's fingerprint, when known.
    pub fingerprint: Option<Fingerprint>,
    /// The fit summary.
    pub fit: FitInfo,
    /// The fit options, as stored in the model file.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

/// `POST /v1/model/reload` on success.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reloaded {
    /// Always true (a failed reload is an error response).
    pub reloaded: bool,
    /// The model now serving.
    pub model: ModelInfo,
}
