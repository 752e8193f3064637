//! The fitted model: teams, parameters, how they were obtained (the fit
//! options and summary it stores), and predictions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::data::{DataFingerprint, TeamIndex};
use crate::error::PredictError;
use crate::grid::{GridSize, OutcomeProbabilities, ScoreGrid};
use crate::model::options::{Family, FitOptions};
use crate::model::params::Parameters;
use crate::model::uncertainty::StandardErrors;

/// The outcome of a fit, stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    /// The weighted log-likelihood ℓ at the optimum (without the ridge penalty).
    pub log_likelihood: f64,
    /// The maximised objective (ℓ minus the ridge penalty).
    pub objective: f64,
    /// Solver iterations.
    pub iterations: usize,
    /// The largest absolute gradient entry at the optimum.
    pub gradient_norm: f64,
    /// True when the gradient is within tolerance (always true for a returned fit).
    pub converged: bool,
    /// `newton` or `lbfgs`.
    pub solver: String,
    /// Matches with positive weight that entered the fit.
    pub matches_used: usize,
    /// Σ of their weights.
    pub total_weight: f64,
    /// The reference date of the time decay.
    pub reference_date: NaiveDate,
    /// Wall time of the fit in seconds.
    pub fit_seconds: f64,
    /// When the fit finished (UTC, RFC 3339).
    pub fitted_at: String,
    /// True when the estimate of ρ fell outside the region where τ is valid
    /// for every pair of teams and ρ was moved to its edge (see
    /// [`Parameters::rho_bounds`]); the gradient norm is then that of the
    /// other parameters, and ρ has no standard error. Absent (false) in
    /// files written before it existed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rho_at_bound: bool,
    /// The extra parameters whose maximum is on their bound (e.g.
    /// `["dispersion"]` when the negative binomial's best fit is the
    /// Poisson model, α = 0): held there exactly, with the score pointing
    /// outward; they have no standard error. Empty (absent) otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_boundary: Vec<String>,
}

/// A fitted goal model of any [`Family`] (stored in its options). It
/// predicts for any two known teams, at home or at a neutral venue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedModel {
    teams: TeamIndex,
    parameters: Parameters,
    options: FitOptions,
    summary: FitSummary,
    fingerprint: Option<DataFingerprint>,
    standard_errors: Option<StandardErrors>,
}

/// One team's ratings, for tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRating {
    /// The team.
    pub team: String,
    /// Attack (log scale, league average 0).
    pub attack: f64,
    /// Defence (log scale, league average 0; larger concedes less).
    pub defence: f64,
    /// Standard error of attack, when computed.
    pub attack_se: Option<f64>,
    /// Standard error of defence, when computed.
    pub defence_se: Option<f64>,
}

impl FittedModel {
    /// Assembles a model (used by the fit and by model files).
    pub fn new(
        teams: TeamIndex,
        parameters: Parameters,
        options: FitOptions,
        summary: FitSummary,
        fingerprint: Option<DataFingerprint>,
        standard_errors: Option<StandardErrors>,
    ) -> Self {
        Self {
            teams,
            parameters,
            options,
            summary,
            fingerprint,
            standard_errors,
        }
    }

    /// The teams the model knows.
    pub fn teams(&self) -> &TeamIndex {
        &self.teams
    }

    /// The fitted parameters (indexed by team id).
    pub fn parameters(&self) -> &Parameters {
        &self.parameters
    }

    /// The model's family (from its options).
    pub fn family(&self) -> Family {
        self.options.family
    }

    /// The options the model was fitted with.
    pub fn options(&self) -> &FitOptions {
        &self.options
    }

    /// The fit summary (log-likelihood, iterations, convergence, …).
    pub fn summary(&self) -> &FitSummary {
        &self.summary
    }

    /// The training-data fingerprint.
    pub fn fingerprint(&self) -> Option<&DataFingerprint> {
        self.fingerprint.as_ref()
    }

    /// Standard errors, when they were computed.
    pub fn standard_errors(&self) -> Option<&StandardErrors> {
        self.standard_errors.as_ref()
    }

    /// The ratings table, one row per team in name order.
    pub fn ratings(&self) -> Vec<TeamRating> {
        let se = self.standard_errors.as_ref();
        self.teams
            .names()
            .iter()
            .enumerate()
            .map(|(t, team)| TeamRating {
                team: team.clone(),
                attack: self.parameters.attack[t],
                defence: self.parameters.defence[t],
                attack_se: se.map(|s| s.attack[t]),
                defence_se: se.map(|s| s.defence[t]),
            })
            .collect()
    }

    /// The id of a team, or [`PredictError::UnknownTeam`] with the closest names.
    pub fn team_id(&self, team: &str) -> Result<u32, PredictError> {
        self.teams
            .id(team)
            .ok_or_else(|| PredictError::UnknownTeam {
                team: team.to_owned(),
                closest: self.teams.closest(team, 3),
            })
    }

    /// Expected goals `(λ_home, λ_away)` for two known teams.
    pub fn expected_goals(
        &self,
        home: &str,
        away: &str,
        neutral: bool,
    ) -> Result<(f64, f64), PredictError> {
        let (h, a) = self.pair(home, away)?;
        Ok(self
            .parameters
            .expected_goals(h as usize, a as usize, neutral))
    }

    /// The score grid (0..=10 goals a side) for `home` v `away`.
    ///
    /// ```
    /// # use chrono::{Days, NaiveDate};
    /// # use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
    /// # use scoreline_dixon_coles::model::fit::fit;
    /// # use scoreline_dixon_coles::model::options::FitOptions;
    /// # let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
    /// # let results = [("A", "B", 2, 1), ("B", "C", 1, 1), ("C", "D", 0, 2), ("D", "A", 1, 3),
    /// #                ("A", "C", 2, 0), ("B", "D", 0, 1), ("B", "A", 1, 1), ("C", "B", 2, 3),
    /// #                ("D", "C", 4, 2), ("A", "D", 1, 0), ("C", "A", 0, 0), ("D", "B", 2, 2)];
    /// # let matches: Vec<Match> = results.iter().enumerate()
    /// #     .map(|(i, &(h, a, x, y))| Match::new(day + Days::new(i as u64), h, a, x, y)).collect();
    /// # let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    /// # let model = fit(&data, &FitOptions::default()).unwrap();
    /// let grid = model.predict("A", "B", false).unwrap();
    /// let p = grid.outcome_probabilities();
    /// assert!((p.home + p.draw + p.away - 1.0).abs() < 1e-12);
    /// let err = model.predict("Aa", "B", false).unwrap_err();
    /// assert!(err.to_string().contains("closest known teams: A"));
    /// ```
    pub fn predict(
        &self,
        home: &str,
        away: &str,
        neutral: bool,
    ) -> Result<ScoreGrid, PredictError> {
        self.predict_with_size(home, away, neutral, GridSize::Adaptive)
    }

    /// The score grid of a given size: [`GridSize::Adaptive`] (what
    /// [`FittedModel::predict`] uses), a number of goals a side (at most 50;
    /// an error if it leaves more than [`crate::grid::EXPLICIT_TOLERANCE`]
    /// outside) or [`GridSize::Truncated`].
    pub fn predict_with_size(
        &self,
        home: &str,
        away: &str,
        neutral: bool,
        size: impl Into<GridSize>,
    ) -> Result<ScoreGrid, PredictError> {
        let (h, a) = self.pair(home, away)?;
        self.predict_ids(h, a, neutral, size)
    }

    /// The score grid for team ids (from [`FittedModel::team_id`]).
    pub fn predict_ids(
        &self,
        home: u32,
        away: u32,
        neutral: bool,
        size: impl Into<GridSize>,
    ) -> Result<ScoreGrid, PredictError> {
        let (lam, nu) = self.rates_ids(home, away, neutral)?;
        self.grid_for_rates(lam, nu, size)
    }

    /// The score grid of this model's family for expected goals `home_rate`
    /// (λ) and `away_rate` (ν), e.g. from [`crate::model::params::Parameters::linear_predictor_of`]
    /// for a team the model does not know, built by the model's family
    /// ([`Family::score_grid`]). Callers never see the family's own
    /// parameters (for Dixon–Coles, ρ: [`ScoreGrid::new`]).
    pub fn grid_for_rates(
        &self,
        home_rate: f64,
        away_rate: f64,
        size: impl Into<GridSize>,
    ) -> Result<ScoreGrid, PredictError> {
        self.options
            .family
            .score_grid(&self.parameters, home_rate, away_rate, size.into())
    }

    /// Home/draw/away probabilities of [`FittedModel::grid_for_rates`]
    /// without building the grid ([`Family::outcome_probabilities`]).
    pub fn outcome_probabilities_for_rates(
        &self,
        home_rate: f64,
        away_rate: f64,
        size: impl Into<GridSize>,
    ) -> Result<OutcomeProbabilities, PredictError> {
        self.options.family.outcome_probabilities(
            &self.parameters,
            home_rate,
            away_rate,
            size.into(),
        )
    }

    /// Home/draw/away probabilities for many fixtures at once (adaptive
    /// grids), in the order given.
    pub fn predict_outcomes(
        &self,
        fixtures: &[(&str, &str, bool)],
    ) -> Result<Vec<OutcomeProbabilities>, PredictError> {
        fixtures
            .iter()
            .map(|&(h, a, neutral)| {
                let (h, a) = self.pair(h, a)?;
                self.outcome_probabilities_ids(h, a, neutral, GridSize::Adaptive)
            })
            .collect()
    }

    /// Home/draw/away probabilities for team ids without building the grid
    /// (see [`FittedModel::outcome_probabilities_for_rates`]).
    pub fn outcome_probabilities_ids(
        &self,
        home: u32,
        away: u32,
        neutral: bool,
        size: impl Into<GridSize>,
    ) -> Result<OutcomeProbabilities, PredictError> {
        let (lam, nu) = self.rates_ids(home, away, neutral)?;
        self.outcome_probabilities_for_rates(lam, nu, size)
    }

    /// Expected goals for two distinct, known team ids.
    fn rates_ids(&self, home: u32, away: u32, neutral: bool) -> Result<(f64, f64), PredictError> {
        let n = self.teams.len() as u32;
        if home >= n || away >= n {
            return Err(PredictError::UnknownTeam {
                team: format!("id {}", home.max(away)),
                closest: Vec::new(),
            });
        }
        if home == away {
            return Err(PredictError::SameTeam {
                team: self.teams.name(home).to_owned(),
            });
        }
        let (lam, nu) = self
            .parameters
            .expected_goals(home as usize, away as usize, neutral);
        Ok((lam, nu))
    }

    fn pair(&self, home: &str, away: &str) -> Result<(u32, u32), PredictError> {
        if home == away {
            return Err(PredictError::SameTeam {
                team: home.to_owned(),
            });
        }
        Ok((self.team_id(home)?, self.team_id(away)?))
    }
}
