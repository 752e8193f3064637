//! The independent-Poisson family: no parameter beyond the linear
//! predictor.
//!
//! ```text
//! P(x, y) = Pois(x; λ) · Pois(y; ν),   Pois(k; λ) = λᵏ e^(−λ) / k!
//! ℓ = Σᵢ wᵢ [ x·η_h − λ − ln x! + y·η_a − ν − ln y! ]
//! ```
//!
//! Its likelihood is the Dixon–Coles one with ρ held at 0, where every
//! τ is 1 and the kernel drops the low-score terms entirely
//! ([`DixonColesProblem`] with `rho = Fixed(0.0)`), so it shares that
//! analytic gradient and Hessian; its grid is built here from the product
//! of the two Poisson distributions.

use crate::data::Dataset;
use crate::error::PredictError;
use crate::grid::{
    check_mass, check_rates, poisson_pmf, GridSize, OutcomeProbabilities, ScoreGrid, MAX_GOALS_CAP,
};
use crate::model::families::start::rate_start;
use crate::model::families::{ExtraParameter, GoalModel};
use crate::model::likelihood::{DixonColesProblem, ModelSpec};
use crate::model::options::{Family, FitOptions};
use crate::model::params::{ParamMode, Parameters};
use crate::model::problem::FitError;

/// The independent-Poisson family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Poisson;

impl GoalModel for Poisson {
    type Problem = DixonColesProblem;

    fn family(&self) -> Family {
        Family::Poisson
    }

    fn name(&self) -> &'static str {
        "poisson"
    }

    fn extra_parameters(&self) -> &'static [ExtraParameter] {
        &[]
    }

    fn extra_values(&self, _parameters: &Parameters) -> Vec<f64> {
        Vec::new()
    }

    /// ρ must be `Free` (the default, meaning "whatever the family has") or
    /// `Fixed(0.0)`; the model stores `Fixed(0.0)`.
    fn options(&self, options: &FitOptions) -> Result<FitOptions, FitError> {
        match options.rho {
            ParamMode::Free | ParamMode::Fixed(0.0) => {}
            ParamMode::Fixed(r) => {
                return Err(FitError::InvalidOption {
                    option: "rho",
                    reason: format!(
                        "the poisson family has no ρ (got Fixed({r})); leave it Free or use the dixon_coles family"
                    ),
                })
            }
        }
        Ok(FitOptions {
            family: Family::Poisson,
            rho: ParamMode::Fixed(0.0),
            ..*options
        })
    }

    /// [`DixonColesProblem`] with ρ fixed at 0 (τ ≡ 1).
    fn problem(
        &self,
        data: &Dataset,
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<DixonColesProblem, FitError> {
        DixonColesProblem::new(
            data,
            weights,
            ModelSpec {
                home_advantage: options.home_advantage,
                rho: ParamMode::Fixed(0.0),
                ridge: options.ridge,
            },
        )
    }

    /// [`rate_start`]: weighted goal rates.
    fn start(&self, problem: &DixonColesProblem) -> Parameters {
        rate_start(problem)
    }

    /// `Pois(x; λ)·Pois(y; ν)` over 0..=max_goals, divided by its total
    /// after the mass outside is checked against the size's tolerance (the
    /// adaptive size is exact for independent Poisson margins), as
    /// [`ScoreGrid::from_probabilities`] normalises.
    fn score_grid(
        &self,
        _parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<ScoreGrid, PredictError> {
        let (max_goals, tolerance, home, away) = margins(home_rate, away_rate, size)?;
        let size = max_goals + 1;
        let mut probabilities = Vec::with_capacity(size * size);
        for px in &home[..size] {
            probabilities.extend(away[..size].iter().map(|py| px * py));
        }
        let total: f64 = probabilities.iter().sum();
        check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
        Ok(ScoreGrid::from_checked_cells(
            probabilities,
            max_goals,
            total,
            home_rate,
            away_rate,
        ))
    }

    /// In O(max_goals): `home ∝ Σₓ Pois(x; λ)·Σ_{y<x} Pois(y; ν)`,
    /// `away ∝ Σ_y Pois(y; ν)·Σ_{x<y} Pois(x; λ)`, `draw ∝ Σₓ Pois(x; λ)·Pois(x; ν)`,
    /// normalised to sum to 1.
    fn outcome_probabilities(
        &self,
        _parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<OutcomeProbabilities, PredictError> {
        let (max_goals, tolerance, home, away) = margins(home_rate, away_rate, size)?;
        let (mut h, mut d, mut a) = (0.0, 0.0, 0.0);
        let (mut below_home, mut below_away) = (0.0, 0.0);
        for k in 0..=max_goals {
            h += home[k] * below_away;
            a += away[k] * below_home;
            d += home[k] * away[k];
            below_home += home[k];
            below_away += away[k];
        }
        let total = h + d + a;
        check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
        Ok(OutcomeProbabilities {
            home: h / total,
            draw: d / total,
            away: a / total,
        })
    }
}

/// The Poisson margins `[Pois(0; λ), …]`, `[Pois(0; ν), …]` over the
/// resolved size, with its tolerance; rates finite and > 0, `max_goals` at
/// most [`MAX_GOALS_CAP`].
type Margins = (
    usize,
    Option<f64>,
    [f64; MAX_GOALS_CAP + 1],
    [f64; MAX_GOALS_CAP + 1],
);

fn margins(home_rate: f64, away_rate: f64, size: GridSize) -> Result<Margins, PredictError> {
    let (max_goals, tolerance) = size.resolve(home_rate, away_rate)?;
    check_rates(home_rate, away_rate)?;
    if max_goals > MAX_GOALS_CAP {
        return Err(PredictError::MaxGoalsTooLarge {
            max_goals,
            cap: MAX_GOALS_CAP,
        });
    }
    let mut home = [0.0; MAX_GOALS_CAP + 1];
    let mut away = [0.0; MAX_GOALS_CAP + 1];
    poisson_pmf(home_rate, max_goals, &mut home);
    poisson_pmf(away_rate, max_goals, &mut away);
    Ok((max_goals, tolerance, home, away))
}
