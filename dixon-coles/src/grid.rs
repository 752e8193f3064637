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

/// How [`ScoreGrid::from_probabilities`] treats the total of the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// The cells hold the whole distribution: they must sum to 1 within
    /// [`EXPLICIT_TOLERANCE`] (then they are divided by their total).
    #[default]
    Exact,
    /// The cells may hold less (a grid cut from a longer distribution): any
    /// positive total is divided out, and `1 − total` is reported by
    /// [`ScoreGrid::mass_outside`].
    Renormalise,
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

/// The joint distribution of the score, 0..=max_goals goals for each side,
/// summing to 1: what every market is computed from. It holds no model
/// parameters; any goal model builds one through
/// [`ScoreGrid::from_probabilities`] (the Dixon–Coles model through
/// [`ScoreGrid::new`]), and [`ScoreGrid::mass_outside`] reports the
/// probability beyond the grid before it was renormalised.
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
    mass_outside: f64,
}

/// Rates finite and > 0.
pub(crate) fn check_rates(home_rate: f64, away_rate: f64) -> Result<(), PredictError> {
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

/// A grid whose cells sum to zero (possible only for a tiny grid with an
/// extreme ρ, or rates so large that every cell underflows) is an error,
/// never a NaN; so is a grid that leaves more than `tolerance` outside
/// (`1 − total`), with the smallest `max_goals` that would not.
pub(crate) fn check_mass(
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
pub(crate) fn poisson_pmf(rate: f64, max_goals: usize, out: &mut [f64]) {
    let mut p = (-rate).exp();
    out[0] = p;
    for (k, slot) in out.iter_mut().enumerate().take(max_goals + 1).skip(1) {
        p *= rate / k as f64;
        *slot = p;
    }
}

impl ScoreGrid {
    /// A grid from any joint score matrix: `probabilities` row-major with
    /// `(max_goals + 1)²` cells, `probabilities[x * (max_goals + 1) + y]` =
    /// P(home scores x, away scores y), every cell finite and ≥ 0, and
    /// `max_goals` at most [`MAX_GOALS_CAP`]. Any goal model's grid comes
    /// through here, so markets, slates, odds and betting never see a
    /// model's parameters.
    ///
    /// With [`Normalisation::Exact`] the cells must sum to 1 within
    /// [`EXPLICIT_TOLERANCE`]; with [`Normalisation::Renormalise`] any
    /// positive total is accepted (a grid cut from a longer distribution).
    /// Either way the cells are then divided by their total `Z`, so the grid
    /// sums to 1, and [`ScoreGrid::mass_outside`] is `max(0, 1 − Z)`.
    /// [`ScoreGrid::home_rate`] and [`ScoreGrid::away_rate`] are the grid's
    /// mean home and away goals `(Σ x·P(x, y), Σ y·P(x, y))` (a model's
    /// builder, such as [`ScoreGrid::new`], sets its own expectations
    /// instead).
    ///
    /// A matrix that is empty or not square is
    /// [`PredictError::InvalidGridShape`]; a cell that is NaN, infinite or
    /// negative is [`PredictError::InvalidGridCell`] naming it; a total off
    /// 1 (or not positive) is [`PredictError::GridTotal`].
    ///
    /// ```
    /// use scoreline_dixon_coles::grid::{Normalisation, ScoreGrid};
    /// // 0-0, 0-1, 1-0, 1-1 only.
    /// let grid = ScoreGrid::from_probabilities(vec![0.3, 0.2, 0.4, 0.1], Normalisation::Exact).unwrap();
    /// assert!((grid.outcome_probabilities().home - 0.4).abs() < 1e-15);
    /// let err = ScoreGrid::from_probabilities(vec![0.3, f64::NAN, 0.4, 0.3], Normalisation::Exact);
    /// assert!(err.unwrap_err().to_string().contains("(0, 1)"));
    /// ```
    pub fn from_probabilities(
        probabilities: Vec<f64>,
        normalisation: Normalisation,
    ) -> Result<Self, PredictError> {
        let cells = probabilities.len();
        let size = cells.isqrt();
        if cells == 0 || size * size != cells {
            return Err(PredictError::InvalidGridShape { cells });
        }
        let max_goals = size - 1;
        if max_goals > MAX_GOALS_CAP {
            return Err(PredictError::MaxGoalsTooLarge {
                max_goals,
                cap: MAX_GOALS_CAP,
            });
        }
        let mut total = 0.0;
        for (k, &p) in probabilities.iter().enumerate() {
            if !(p.is_finite() && p >= 0.0) {
                return Err(PredictError::InvalidGridCell {
                    home_goals: k / size,
                    away_goals: k % size,
                    value: p,
                    reason: "a probability must be finite and at least 0",
                });
            }
            total += p;
        }
        let tolerance = match normalisation {
            Normalisation::Exact => EXPLICIT_TOLERANCE,
            Normalisation::Renormalise => f64::INFINITY,
        };
        if !(total > 0.0 && total.is_finite() && (total - 1.0).abs() <= tolerance) {
            return Err(PredictError::GridTotal { total, tolerance });
        }
        let mut grid = Self::from_checked_cells(probabilities, max_goals, total, 0.0, 0.0);
        let (mut home_mean, mut away_mean) = (0.0, 0.0);
        for (x, row) in grid.probabilities.chunks_exact(size).enumerate() {
            let mut row_sum = 0.0;
            for (y, &p) in row.iter().enumerate() {
                row_sum += p;
                away_mean += y as f64 * p;
            }
            home_mean += x as f64 * row_sum;
        }
        grid.home_rate = home_mean;
        grid.away_rate = away_mean;
        Ok(grid)
    }

    /// The last step of [`ScoreGrid::from_probabilities`], for a model's
    /// builder whose cells are finite and ≥ 0 by construction and whose
    /// positive `total` (their sum, in row-major order) it has already
    /// checked against its size's tolerance: the cells are divided by
    /// `total`, the mass outside is `max(0, 1 − total)`, and the rates are
    /// the model's expected goals. Skipping the per-cell checks and the
    /// grid means keeps prediction as fast as before the seam.
    pub(crate) fn from_checked_cells(
        mut probabilities: Vec<f64>,
        max_goals: usize,
        total: f64,
        home_rate: f64,
        away_rate: f64,
    ) -> Self {
        debug_assert_eq!(probabilities.len(), (max_goals + 1) * (max_goals + 1));
        let scale = 1.0 / total;
        probabilities.iter_mut().for_each(|p| *p *= scale);
        Self {
            max_goals,
            probabilities,
            home_rate,
            away_rate,
            mass_outside: (1.0 - total).max(0.0),
        }
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

    /// The expected home goals λ of the model that built the grid (for a
    /// grid from [`ScoreGrid::from_probabilities`], its mean home goals).
    pub fn home_rate(&self) -> f64 {
        self.home_rate
    }

    /// The expected away goals ν of the model that built the grid (for a
    /// grid from [`ScoreGrid::from_probabilities`], its mean away goals).
    pub fn away_rate(&self) -> f64 {
        self.away_rate
    }

    /// The probability of scores beyond the grid, before renormalising.
    pub fn mass_outside(&self) -> f64 {
        self.mass_outside
    }
}
