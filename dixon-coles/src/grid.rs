//! The score grid: the joint probability of every score up to a cap.

use serde::{Deserialize, Serialize};

use crate::error::PredictError;

/// Home win / draw / away win probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutcomeProbabilities {
    /// P(x > y).
    pub home: f64,
    /// P(x = y).
    pub draw: f64,
    /// P(x < y).
    pub away: f64,
}

/// The largest `max_goals` accepted.
pub const MAX_GOALS_CAP: usize = 50;
/// The adaptive grid ([`GridSize::Adaptive`]) is the smallest one whose
/// mass outside, `1 − F(m; λ)·F(m; ν)`, is below this.
pub const ADAPTIVE_TOLERANCE: f64 = 1e-12;
/// An explicit grid ([`GridSize::MaxGoals`]) may leave at most this much
/// probability outside it; more is [`PredictError::MassOutsideGrid`]
/// (ask for [`GridSize::Truncated`] to renormalise a small grid on purpose).
pub const EXPLICIT_TOLERANCE: f64 = 1e-9;

/// How many goals a side a score grid holds.
///
/// The default, [`GridSize::Adaptive`], makes every probability exact to
/// about 1e-12; a plain number converts to [`GridSize::MaxGoals`].
///
/// ```
/// use scoreline_dixon_coles::grid::{GridSize, ScoreGrid};
/// // Germany v San Marino: the adaptive grid holds everything.
/// let grid = ScoreGrid::new(10.6, 0.2, 0.0, GridSize::Adaptive).unwrap();
/// assert!(grid.mass_outside() < 1e-12 && grid.max_goals() > 25);
/// // An explicit 10-goal grid would leave half the home mass out: an error …
/// assert!(ScoreGrid::new(10.6, 0.2, 0.0, 10).is_err());
/// // … unless the truncation is asked for by name.
/// let cut = ScoreGrid::new(10.6, 0.2, 0.0, GridSize::Truncated(10)).unwrap();
/// assert!(cut.mass_outside() > 0.4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridSize {
    /// The smallest `max_goals` (at most [`MAX_GOALS_CAP`]) whose mass
    /// outside is below [`ADAPTIVE_TOLERANCE`]; an error when even the cap
    /// leaves more outside.
    #[default]
    Adaptive,
    /// Exactly `max_goals` goals a side; an error when the mass outside
    /// exceeds [`EXPLICIT_TOLERANCE`].
    MaxGoals(usize),
    /// Exactly `max_goals` goals a side, renormalised whatever the mass
    /// outside (reported by [`ScoreGrid::mass_outside`]).
    Truncated(usize),
}

impl From<usize> for GridSize {
    fn from(max_goals: usize) -> Self {
        GridSize::MaxGoals(max_goals)
    }
}

impl GridSize {
    /// An explicit `max_goals` if given (checked against
    /// [`EXPLICIT_TOLERANCE`], or renormalised when `truncate`), else adaptive.
    pub fn from_request(max_goals: Option<usize>, truncate: bool) -> Self {
        match (max_goals, truncate) {
            (None, _) => GridSize::Adaptive,
            (Some(m), false) => GridSize::MaxGoals(m),
            (Some(m), true) => GridSize::Truncated(m),
        }
    }

    /// The goals a side of the grid for expected goals λ and ν, and the
    /// tolerance to check the mass outside it against (`None`: adaptive grids
    /// meet theirs by construction; truncated ones accept any mass).
    ///
    /// Adaptive: the smallest `m` with `1 − F(m; λ)·F(m; ν) <`
    /// [`ADAPTIVE_TOLERANCE`], where `F(m; λ) = Σ_{k≤m} λᵏe^(−λ)/k!` is the
    /// Poisson distribution function (for `m ≥ 1` the Dixon–Coles
    /// corrections sum to zero over the grid, so this is exactly the mass
    /// beyond it).
    pub fn resolve(
        self,
        home_rate: f64,
        away_rate: f64,
    ) -> Result<(usize, Option<f64>), PredictError> {
        match self {
            GridSize::MaxGoals(m) => Ok((m, Some(EXPLICIT_TOLERANCE))),
            GridSize::Truncated(m) => Ok((m, None)),
            GridSize::Adaptive => {
                check_rates(home_rate, away_rate)?;
                let mut home = [0.0; MAX_GOALS_CAP + 1];
                let mut away = [0.0; MAX_GOALS_CAP + 1];
                poisson_pmf(home_rate, MAX_GOALS_CAP, &mut home);
                poisson_pmf(away_rate, MAX_GOALS_CAP, &mut away);
                let (mut cdf_home, mut cdf_away) = (0.0, 0.0);
                let mut outside = 1.0;
                for m in 0..=MAX_GOALS_CAP {
                    cdf_home += home[m];
                    cdf_away += away[m];
                    outside = 1.0 - cdf_home * cdf_away;
                    if m >= 1 && outside < ADAPTIVE_TOLERANCE {
                        return Ok((m, None));
                    }
                }
                Err(PredictError::MassOutsideGrid {
                    max_goals: MAX_GOALS_CAP,
                    mass_outside: outside.max(0.0),
                    tolerance: ADAPTIVE_TOLERANCE,
                    needed: None,
                })
            }
        }
    }
}

/// The joint distribution of the score, 0..=max_goals goals for each side.
///
/// `P(x, y) = τ(x, y) · Pois(x; λ) · Pois(y; ν) / Z` where `Pois(k; λ) =
/// λᵏ e^(−λ) / k!`, τ is the Dixon–Coles correction (τ(0,0) = 1 − λνρ,
/// τ(0,1) = 1 + λρ, τ(1,0) = 1 + νρ, τ(1,1) = 1 − ρ, otherwise 1; a
/// negative τ, possible only for extreme λ, ν and ρ, is clamped to 0), and
/// `Z` is the sum over the grid, so the grid sums to 1. Over all scores the
/// corrections cancel, so `1 − Z` is the mass beyond the grid, reported by
/// [`ScoreGrid::mass_outside`].
///
/// ```
/// use scoreline_dixon_coles::grid::{GridSize, ScoreGrid};
/// let grid = ScoreGrid::new(1.5, 1.1, -0.05, GridSize::Adaptive).unwrap();
/// let total: f64 = grid.probabilities().iter().sum();
/// assert!((total - 1.0).abs() < 1e-12);
/// assert!(grid.mass_outside() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreGrid {
    max_goals: usize,
    /// Row-major: `probabilities[x * (max_goals + 1) + y]` is P(home x, away y).
    probabilities: Vec<f64>,
    home_rate: f64,
    away_rate: f64,
    rho: f64,
    mass_outside: f64,
}

/// Rates finite and > 0.
fn check_rates(home_rate: f64, away_rate: f64) -> Result<(), PredictError> {
    for (field, value) in [("home_rate", home_rate), ("away_rate", away_rate)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(PredictError::InvalidParameter {
                field,
                value,
                reason: "expected goals must be finite and positive",
            });
        }
    }
    Ok(())
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

/// A grid whose cells sum to zero (possible only for a tiny grid with an
/// extreme ρ, or rates so large that every cell underflows) is an error,
/// never a NaN; so is a grid that leaves more than `tolerance` outside
/// (`1 − total`), with the smallest `max_goals` that would not.
fn check_mass(
    total: f64,
    max_goals: usize,
    tolerance: Option<f64>,
    rates: (f64, f64),
) -> Result<(), PredictError> {
    if !(total > 0.0 && total.is_finite()) {
        return Err(PredictError::InvalidParameter {
            field: "max_goals",
            value: max_goals as f64,
            reason: "the score grid holds no probability mass for these expected goals; use a larger max_goals",
        });
    }
    let mass_outside = (1.0 - total).max(0.0);
    match tolerance {
        Some(tolerance) if mass_outside > tolerance => Err(PredictError::MassOutsideGrid {
            max_goals,
            mass_outside,
            tolerance,
            needed: GridSize::Adaptive
                .resolve(rates.0, rates.1)
                .ok()
                .map(|(m, _)| m),
        }),
        _ => Ok(()),
    }
}

/// `[Pois(0; λ), …, Pois(m; λ)]` by the recurrence `p(k) = p(k−1)·λ/k`.
fn poisson_pmf(rate: f64, max_goals: usize, out: &mut [f64]) {
    let mut p = (-rate).exp();
    out[0] = p;
    for (k, slot) in out.iter_mut().enumerate().take(max_goals + 1).skip(1) {
        p *= rate / k as f64;
        *slot = p;
    }
}

impl ScoreGrid {
    /// The grid for expected goals `home_rate` (λ) and `away_rate` (ν) and
    /// dependence `rho`, of the given size ([`GridSize::Adaptive`], or a
    /// number of goals a side, checked against [`EXPLICIT_TOLERANCE`]).
    /// Rates must be finite and > 0, ρ finite, and `max_goals` at most
    /// [`MAX_GOALS_CAP`].
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
        let scale = 1.0 / total;
        probabilities.iter_mut().for_each(|p| *p *= scale);
        Ok(Self {
            max_goals,
            probabilities,
            home_rate,
            away_rate,
            rho,
            mass_outside: (1.0 - total).max(0.0),
        })
    }

    /// The largest goal count per side in the grid.
    pub fn max_goals(&self) -> usize {
        self.max_goals
    }

    /// The number of rows (and columns): `max_goals + 1`.
    pub fn size(&self) -> usize {
        self.max_goals + 1
    }

    /// All probabilities, row-major: index `x * size() + y` is P(home x, away y).
    pub fn probabilities(&self) -> &[f64] {
        &self.probabilities
    }

    /// P(home scores `home_goals`, away scores `away_goals`); 0 outside the grid.
    pub fn probability(&self, home_goals: usize, away_goals: usize) -> f64 {
        if home_goals > self.max_goals || away_goals > self.max_goals {
            0.0
        } else {
            self.probabilities[home_goals * self.size() + away_goals]
        }
    }

    /// The model's expected home goals λ.
    pub fn home_rate(&self) -> f64 {
        self.home_rate
    }

    /// The model's expected away goals ν.
    pub fn away_rate(&self) -> f64 {
        self.away_rate
    }

    /// The dependence ρ used.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// The probability of scores beyond the grid, before renormalising.
    pub fn mass_outside(&self) -> f64 {
        self.mass_outside
    }
}

/// Home/draw/away probabilities of the grid that [`ScoreGrid::new`] would
/// build, computed in O(max_goals) without building it:
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
/// use scoreline_dixon_coles::grid::{outcome_probabilities, GridSize, ScoreGrid};
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
