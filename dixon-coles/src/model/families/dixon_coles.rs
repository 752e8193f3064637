//! The Dixon–Coles (1997) family: its likelihood
//! ([`crate::model::likelihood::DixonColesProblem`]), its score distribution (the
//! grid with the low-score correction τ) and its fast home/draw/away
//! probabilities.
//!
//! ```text
//! P(x, y) = τ(x, y) · Pois(x; λ) · Pois(y; ν)
//! τ(0,0) = 1 − λνρ   τ(0,1) = 1 + λρ   τ(1,0) = 1 + νρ   τ(1,1) = 1 − ρ   τ = 1 otherwise
//! ```

use crate::data::Dataset;
use crate::error::PredictError;
use crate::grid::{
    check_mass, check_rates, poisson_pmf, GridSize, OutcomeProbabilities, ScoreGrid, MAX_GOALS_CAP,
};
use crate::model::families::start::rate_start;
use crate::model::families::{ExtraParameter, GoalModel};
use crate::model::likelihood::{DixonColesProblem, ModelSpec};
use crate::model::options::{Family, FitOptions};
use crate::model::params::Parameters;
use crate::model::problem::FitError;

/// The Dixon–Coles family: `extra = [ρ]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DixonColes;

/// ρ: τ(1,1) = 1 − ρ ≥ 0 needs ρ ≤ 1; the lower bound (and a tighter upper
/// one) depends on the expected goals ([`Parameters::rho_bounds`]).
const EXTRA: [ExtraParameter; 1] = [ExtraParameter {
    name: "rho",
    lower: f64::NEG_INFINITY,
    upper: 1.0,
}];

impl GoalModel for DixonColes {
    type Problem = DixonColesProblem;

    fn family(&self) -> Family {
        Family::DixonColes
    }

    fn name(&self) -> &'static str {
        "dixon_coles"
    }

    fn extra_parameters(&self) -> &'static [ExtraParameter] {
        &EXTRA
    }

    fn extra_values(&self, parameters: &Parameters) -> Vec<f64> {
        vec![parameters.rho]
    }

    fn options(&self, options: &FitOptions) -> Result<FitOptions, FitError> {
        Ok(FitOptions {
            family: Family::DixonColes,
            ..*options
        })
    }

    /// [`DixonColesProblem`] with ρ free or fixed as `options.rho` says.
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
                rho: options.rho,
                ridge: options.ridge,
            },
        )
    }

    /// [`rate_start`]: weighted goal rates, ρ = 0 when free.
    fn start(&self, problem: &DixonColesProblem) -> Parameters {
        rate_start(problem)
    }

    /// [`ScoreGrid::new`] with the model's ρ.
    fn score_grid(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<ScoreGrid, PredictError> {
        ScoreGrid::new(home_rate, away_rate, parameters.rho, size)
    }

    /// [`outcome_probabilities`] with the model's ρ.
    fn outcome_probabilities(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<OutcomeProbabilities, PredictError> {
        outcome_probabilities(home_rate, away_rate, parameters.rho, size)
    }
}

/// Rates finite and > 0, ρ finite, `max_goals` at most [`MAX_GOALS_CAP`].
fn check_inputs(
    home_rate: f64,
    away_rate: f64,
    rho: f64,
    max_goals: usize,
) -> Result<(), PredictError> {
    check_rates(home_rate, away_rate)?;
    if !rho.is_finite() {
        return Err(PredictError::InvalidParameter {
            field: "rho",
            value: rho,
            reason: "must be finite",
        });
    }
    if max_goals > MAX_GOALS_CAP {
        return Err(PredictError::MaxGoalsTooLarge {
            max_goals,
            cap: MAX_GOALS_CAP,
        });
    }
    Ok(())
}

impl ScoreGrid {
    /// The Dixon–Coles grid for expected goals `home_rate` (λ) and
    /// `away_rate` (ν) and dependence `rho`, of the given size
    /// ([`GridSize::Adaptive`], or a number of goals a side, checked against
    /// [`EXPLICIT_TOLERANCE`](crate::grid::EXPLICIT_TOLERANCE)):
    ///
    /// `P(x, y) = τ(x, y) · Pois(x; λ) · Pois(y; ν) / Z` where `Pois(k; λ) =
    /// λᵏ e^(−λ) / k!`, τ is the Dixon–Coles correction (τ(0,0) = 1 − λνρ,
    /// τ(0,1) = 1 + λρ, τ(1,0) = 1 + νρ, τ(1,1) = 1 − ρ, otherwise 1; a
    /// negative τ, possible only for extreme λ, ν and ρ, is clamped to 0), and
    /// `Z` is the sum over the grid, so the grid sums to 1. Over all scores the
    /// corrections cancel, so `1 − Z` is the mass beyond the grid, reported by
    /// [`ScoreGrid::mass_outside`]. After the mass outside is checked
    /// against the size's tolerance, the cells are normalised exactly as
    /// [`ScoreGrid::from_probabilities`] with
    /// [`Normalisation::Renormalise`](crate::grid::Normalisation::Renormalise)
    /// does, without re-checking cells that are finite and ≥ 0 by
    /// construction (the same grid, bit for bit; the proptest in
    /// `tests/grid_from_probabilities.rs` checks every market).
    ///
    /// Rates must be finite and > 0, ρ finite, and `max_goals` at most
    /// [`MAX_GOALS_CAP`].
    ///
    /// ```
    /// use scoreline_dixon_coles::grid::{GridSize, ScoreGrid};
    /// let grid = ScoreGrid::new(1.5, 1.1, -0.05, GridSize::Adaptive).unwrap();
    /// let total: f64 = grid.probabilities().iter().sum();
    /// assert!((total - 1.0).abs() < 1e-12);
    /// assert!(grid.mass_outside() < 1e-12);
    /// ```
    pub fn new(
        home_rate: f64,
        away_rate: f64,
        rho: f64,
        size: impl Into<GridSize>,
    ) -> Result<Self, PredictError> {
        let (max_goals, tolerance) = size.into().resolve(home_rate, away_rate)?;
        check_inputs(home_rate, away_rate, rho, max_goals)?;
        let size = max_goals + 1;
        let mut home = [0.0; MAX_GOALS_CAP + 1];
        let mut away = [0.0; MAX_GOALS_CAP + 1];
        poisson_pmf(home_rate, max_goals, &mut home);
        poisson_pmf(away_rate, max_goals, &mut away);
        let mut probabilities = vec![0.0; size * size];
        let mut total = 0.0;
        for x in 0..size {
            let px = home[x];
            let row = &mut probabilities[x * size..(x + 1) * size];
            for (y, cell) in row.iter_mut().enumerate() {
                *cell = px * away[y];
            }
        }
        let tau = |x: usize, y: usize| -> f64 {
            match (x, y) {
                (0, 0) => 1.0 - home_rate * away_rate * rho,
                (0, 1) => 1.0 + home_rate * rho,
                (1, 0) => 1.0 + away_rate * rho,
                (1, 1) => 1.0 - rho,
                _ => 1.0,
            }
        };
        for x in 0..size.min(2) {
            for y in 0..size.min(2) {
                probabilities[x * size + y] *= tau(x, y).max(0.0);
            }
        }
        for p in &probabilities {
            total += p;
        }
        check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
        Ok(ScoreGrid::from_checked_cells(
            probabilities,
            max_goals,
            total,
            home_rate,
            away_rate,
        ))
    }
}

/// Home/draw/away probabilities of the Dixon–Coles grid that
/// [`ScoreGrid::new`] would build, computed in O(max_goals) without building it:
///
/// ```text
/// home ∝ Σₓ Pois(x; λ)·Σ_{y<x} Pois(y; ν) + (τ(1,0) − 1)·Pois(1; λ)·Pois(0; ν)
/// away ∝ Σ_y Pois(y; ν)·Σ_{x<y} Pois(x; λ) + (τ(0,1) − 1)·Pois(0; λ)·Pois(1; ν)
/// draw ∝ Σₓ Pois(x; λ)·Pois(x; ν) + (τ(0,0) − 1)·Pois(0; λ)Pois(0; ν) + (τ(1,1) − 1)·Pois(1; λ)Pois(1; ν)
/// ```
///
/// over 0..=max_goals (as [`ScoreGrid::new`] sizes it), each τ clamped at
/// 0, then normalised to sum to 1 (equal to the grid's
/// [`ScoreGrid::outcome_probabilities`] up to rounding).
///
/// ```
/// use scoreline_dixon_coles::model::families::dixon_coles::outcome_probabilities;
/// use scoreline_dixon_coles::grid::{GridSize, ScoreGrid};
/// let fast = outcome_probabilities(1.6, 1.1, -0.08, GridSize::Adaptive).unwrap();
/// let grid = ScoreGrid::new(1.6, 1.1, -0.08, GridSize::Adaptive).unwrap().outcome_probabilities();
/// assert!((fast.home - grid.home).abs() < 1e-14 && (fast.away - grid.away).abs() < 1e-14);
/// ```
pub fn outcome_probabilities(
    home_rate: f64,
    away_rate: f64,
    rho: f64,
    size: impl Into<GridSize>,
) -> Result<OutcomeProbabilities, PredictError> {
    let (max_goals, tolerance) = size.into().resolve(home_rate, away_rate)?;
    check_inputs(home_rate, away_rate, rho, max_goals)?;
    let mut home = [0.0; MAX_GOALS_CAP + 1];
    let mut away = [0.0; MAX_GOALS_CAP + 1];
    poisson_pmf(home_rate, max_goals, &mut home);
    poisson_pmf(away_rate, max_goals, &mut away);
    let (mut h, mut d, mut a) = (0.0, 0.0, 0.0);
    let (mut below_home, mut below_away) = (0.0, 0.0);
    for k in 0..=max_goals {
        h += home[k] * below_away;
        a += away[k] * below_home;
        d += home[k] * away[k];
        below_home += home[k];
        below_away += away[k];
    }
    if max_goals >= 1 {
        let t00 = (1.0 - home_rate * away_rate * rho).max(0.0);
        let t01 = (1.0 + home_rate * rho).max(0.0);
        let t10 = (1.0 + away_rate * rho).max(0.0);
        let t11 = (1.0 - rho).max(0.0);
        d += (t00 - 1.0) * home[0] * away[0] + (t11 - 1.0) * home[1] * away[1];
        a += (t01 - 1.0) * home[0] * away[1];
        h += (t10 - 1.0) * home[1] * away[0];
    } else {
        d += ((1.0 - home_rate * away_rate * rho).max(0.0) - 1.0) * home[0] * away[0];
    }
    let total = h + d + a;
    check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
    Ok(OutcomeProbabilities {
        home: h / total,
        draw: d / total,
        away: a / total,
    })
}
