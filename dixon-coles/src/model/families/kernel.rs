//! Families given by a score distribution of `crate::distributions`: one
//! [`Kernel`] per family (its name, extra parameters and the four
//! functions of its distribution file), and [`KernelFamily`], which makes
//! any kernel a [`GoalModel`] — its likelihood is a [`DistributionProblem`]
//! and its score grid is built from the distribution's own cells.

use std::marker::PhantomData;

use crate::data::Dataset;
use crate::distributions::Local;
use crate::error::PredictError;
use crate::grid::{
    check_mass, check_rates, GridSize, OutcomeProbabilities, ScoreGrid, ADAPTIVE_TOLERANCE,
    MAX_GOALS_CAP,
};
use crate::model::families::distribution::{
    DistributionProblem, DistributionSpec, ScoreDistribution,
};
use crate::model::families::{ExtraParameter, GoalModel};
use crate::model::options::{Family, FitOptions};
use crate::model::params::{ParamMode, Parameters};
use crate::model::problem::FitError;

/// A family's score distribution: `E` extra parameters and `K = 2 + E`
/// local coordinates `(η_home, η_away, extras…)`.
pub trait Kernel<const E: usize, const K: usize>: Copy + Default + Send + Sync + 'static {
    /// The family.
    const FAMILY: Family;
    /// Its name in files and on command lines.
    const NAME: &'static str;
    /// Its extra parameters with their bounds.
    const EXTRAS: &'static [ExtraParameter];
    /// Where a fit starts them (inside the bounds).
    const START: [f64; E];
    /// Whether the likelihood should visit the cells of one pair of teams
    /// (and venue) in a row: a kernel that keeps what depends on the two
    /// rates alone (the Weibull copula's series powers) reuses it there.
    const CELLS_BY_PAIR: bool = false;

    /// `log P(x, y)` (−∞ outside the domain).
    fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; E]) -> f64;
    /// `log P(x, y)` with its exact gradient and Hessian in local coordinates.
    fn local(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; E]) -> Local<K>;
    /// The joint pmf on `0..=max_goals` a side, row-major, not renormalised.
    fn grid(home_rate: f64, away_rate: f64, extra: &[f64; E], max_goals: usize) -> Vec<f64>;
    /// P(one side's goals > m) for that side's rate.
    fn tail(rate: f64, extra: &[f64; E], m: usize) -> f64;

    /// The smallest `m ≥ 1` (at most [`MAX_GOALS_CAP`]) with
    /// `P(X > m) + P(Y > m) < outside`, `None` if there is none. By
    /// default from [`Kernel::tail`] by bisection: past the mode the tails
    /// fall with `m` by a factor far larger than their rounding, so the
    /// sizes that hold enough mass are all those from the smallest one on,
    /// and about log₂ 50 ≈ 6 sizes are tried instead of each in turn; a
    /// family whose tail is costly computes all sizes in one pass.
    fn smallest_grid(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; E],
        outside: f64,
    ) -> Option<usize> {
        let enough =
            |m: usize| Self::tail(home_rate, extra, m) + Self::tail(away_rate, extra, m) < outside;
        if !enough(MAX_GOALS_CAP) {
            return None;
        }
        // enough(high) holds; the answer lies in (low, high]
        let (mut low, mut high) = (0, MAX_GOALS_CAP);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if enough(mid) {
                high = mid;
            } else {
                low = mid;
            }
        }
        Some(high)
    }

    /// The adaptive grid in one pass: `M` = [`Kernel::smallest_grid`]
    /// raised to `min_goals` (`None` when there is none or it exceeds
    /// `max_goals`) and the cells [`Kernel::grid`] gives on `0..=M`. By
    /// default the two calls in turn; a family whose sizing already computes
    /// the marginals builds the grid from them.
    fn sized_grid(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; E],
        outside: f64,
        (min_goals, max_goals): (usize, usize),
    ) -> Option<(usize, Vec<f64>)> {
        let m = Self::smallest_grid(home_rate, away_rate, extra, outside)
            .filter(|&m| m <= max_goals)?
            .max(min_goals);
        Some((m, Self::grid(home_rate, away_rate, extra, m)))
    }

    /// `[home, draw, away]`: the sums of the cells of [`Kernel::grid`] on
    /// `0..=max_goals` over `x > y`, `x = y` and `x < y` (not
    /// renormalised), or `None` when a cell is not finite and ≥ 0. By
    /// default summed from the grid; a family computes them without it
    /// where it can.
    fn outcome_sums(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; E],
        max_goals: usize,
    ) -> Option<[f64; 3]> {
        grid_outcome_sums(
            &Self::grid(home_rate, away_rate, extra, max_goals),
            max_goals,
        )
    }
}

/// `[Σ_{x>y}, Σ_{x=y}, Σ_{x<y}]` of the cells `P(x, y)` of a row-major grid
/// on `0..=max_goals`, or `None` when a cell is not finite and ≥ 0.
pub(crate) fn grid_outcome_sums(cells: &[f64], max_goals: usize) -> Option<[f64; 3]> {
    if cells.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
        return None;
    }
    let mut sums = [0.0; 3];
    for (x, row) in cells.chunks_exact(max_goals + 1).enumerate() {
        sums[0] += row[..x].iter().sum::<f64>();
        sums[1] += row[x];
        sums[2] += row[x + 1..].iter().sum::<f64>();
    }
    Some(sums)
}

/// A [`Kernel`] as a [`GoalModel`] (and a [`ScoreDistribution`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KernelFamily<T, const E: usize, const K: usize>(PhantomData<T>);

impl<T, const E: usize, const K: usize> KernelFamily<T, E, K> {
    /// The family of kernel `T`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

/// The extras of a parameter set as an array, or a typed error when the
/// set holds the wrong number or values outside their bounds.
fn extra_array<const E: usize>(
    parameters: &Parameters,
    extras: &[ExtraParameter],
) -> Result<[f64; E], PredictError> {
    let values: [f64; E] =
        parameters
            .extra
            .as_slice()
            .try_into()
            .map_err(|_| PredictError::InvalidParameter {
                field: "extra",
                value: parameters.extra.len() as f64,
                reason: "the model holds the wrong number of extra parameters for its family",
            })?;
    for (v, e) in values.iter().zip(extras) {
        if !(v.is_finite() && *v >= e.lower && *v <= e.upper) {
            return Err(PredictError::InvalidParameter {
                field: e.name,
                value: *v,
                reason: "outside the family's range",
            });
        }
    }
    Ok(values)
}

impl<T: Kernel<E, K>, const E: usize, const K: usize> ScoreDistribution<K>
    for KernelFamily<T, E, K>
{
    fn extras(&self) -> &'static [ExtraParameter] {
        T::EXTRAS
    }

    fn extra_start(&self) -> [f64; K] {
        let mut z = [0.0; K];
        z[2..].copy_from_slice(&T::START);
        z
    }

    fn local(&self, home_goals: u32, away_goals: u32, z: &[f64; K]) -> Local<K> {
        let mut extra = [0.0; E];
        extra.copy_from_slice(&z[2..]);
        T::local(home_goals, away_goals, z[0], z[1], &extra)
    }

    fn cells_by_pair(&self) -> bool {
        T::CELLS_BY_PAIR
    }

    fn log_prob(&self, home_goals: u32, away_goals: u32, z: &[f64; K]) -> f64 {
        let mut extra = [0.0; E];
        extra.copy_from_slice(&z[2..]);
        T::log_prob(home_goals, away_goals, z[0], z[1], &extra)
    }
}

impl<T: Kernel<E, K>, const E: usize, const K: usize> GoalModel for KernelFamily<T, E, K> {
    type Problem = DistributionProblem<Self, K>;

    fn family(&self) -> Family {
        T::FAMILY
    }

    fn name(&self) -> &'static str {
        T::NAME
    }

    fn extra_parameters(&self) -> &'static [ExtraParameter] {
        T::EXTRAS
    }

    fn extra_values(&self, parameters: &Parameters) -> Vec<f64> {
        parameters.extra.clone()
    }

    /// ρ belongs to Dixon–Coles: it must be left `Free` (the default) or
    /// `Fixed(0.0)`; the model stores `Fixed(0.0)`.
    fn options(&self, options: &FitOptions) -> Result<FitOptions, FitError> {
        if let ParamMode::Fixed(r) = options.rho {
            if r != 0.0 {
                return Err(FitError::InvalidOption {
                    option: "rho",
                    reason: format!(
                        "the {} family has no ρ (got Fixed({r})); leave it Free or use the dixon_coles family",
                        T::NAME
                    ),
                });
            }
        }
        Ok(FitOptions {
            family: T::FAMILY,
            rho: ParamMode::Fixed(0.0),
            ..*options
        })
    }

    fn problem(
        &self,
        data: &Dataset,
        weights: &[f64],
        options: &FitOptions,
    ) -> Result<Self::Problem, FitError> {
        DistributionProblem::new(
            *self,
            data,
            weights,
            DistributionSpec {
                home_advantage: options.home_advantage,
                ridge: options.ridge,
            },
        )
    }

    /// Every team average, μ = 0.3 (about 1.35 goals), γ = 0.25 when
    /// estimated, the extras at [`Kernel::START`]; the fit itself starts
    /// from the Poisson optimum instead (see `model::fit`).
    fn start(&self, problem: &Self::Problem) -> Parameters {
        let n = problem.n_teams();
        Parameters {
            attack: vec![0.0; n],
            defence: vec![0.0; n],
            intercept: 0.3,
            home_advantage: if problem.home_advantage_index().is_some() {
                0.25
            } else {
                problem.fixed_home_advantage()
            },
            rho: 0.0,
            extra: T::START.to_vec(),
        }
    }

    /// The distribution's cells on `0..=m` a side. Adaptive: the smallest
    /// `m ≥ 1` (at most [`MAX_GOALS_CAP`]) with `P(X > m) + P(Y > m) <`
    /// [`ADAPTIVE_TOLERANCE`], which bounds the mass outside the square,
    /// sized and built in one pass ([`Kernel::sized_grid`]); the grid is
    /// then divided by its total (`mass_outside` = 1 − total).
    fn score_grid(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<ScoreGrid, PredictError> {
        check_rates(home_rate, away_rate)?;
        let extra = extra_array::<E>(parameters, T::EXTRAS)?;
        let (max_goals, tolerance, cells) = match size {
            GridSize::MaxGoals(m) | GridSize::Truncated(m) if m > MAX_GOALS_CAP => {
                return Err(PredictError::MaxGoalsTooLarge {
                    max_goals: m,
                    cap: MAX_GOALS_CAP,
                })
            }
            GridSize::MaxGoals(m) => (
                m,
                Some(crate::grid::EXPLICIT_TOLERANCE),
                T::grid(home_rate, away_rate, &extra, m),
            ),
            GridSize::Truncated(m) => (m, None, T::grid(home_rate, away_rate, &extra, m)),
            GridSize::Adaptive => {
                let found = T::sized_grid(
                    home_rate,
                    away_rate,
                    &extra,
                    ADAPTIVE_TOLERANCE,
                    (1, MAX_GOALS_CAP),
                );
                match found {
                    Some((m, cells)) => (m, None, cells),
                    None => {
                        return Err(PredictError::MassOutsideGrid {
                            max_goals: MAX_GOALS_CAP,
                            mass_outside: T::tail(home_rate, &extra, MAX_GOALS_CAP)
                                + T::tail(away_rate, &extra, MAX_GOALS_CAP),
                            tolerance: ADAPTIVE_TOLERANCE,
                            needed: None,
                        })
                    }
                }
            }
        };
        if cells.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
            return Err(PredictError::InvalidParameter {
                field: "expected_goals",
                value: home_rate.max(away_rate),
                reason: "the family's distribution cannot be computed accurately here",
            });
        }
        let total: f64 = cells.iter().sum();
        check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
        Ok(ScoreGrid::from_checked_cells(
            cells, max_goals, total, home_rate, away_rate,
        ))
    }

    /// The home/draw/away sums of the grid [`GoalModel::score_grid`] would
    /// build, sized and checked as it is ([`Kernel::outcome_sums`], without
    /// the grid where the family can), each divided by their total.
    fn outcome_probabilities(
        &self,
        parameters: &Parameters,
        home_rate: f64,
        away_rate: f64,
        size: GridSize,
    ) -> Result<OutcomeProbabilities, PredictError> {
        check_rates(home_rate, away_rate)?;
        let extra = extra_array::<E>(parameters, T::EXTRAS)?;
        let (max_goals, tolerance) = match size {
            GridSize::MaxGoals(m) => (m, Some(crate::grid::EXPLICIT_TOLERANCE)),
            GridSize::Truncated(m) => (m, None),
            GridSize::Adaptive => {
                let found = T::smallest_grid(home_rate, away_rate, &extra, ADAPTIVE_TOLERANCE)
                    .filter(|&m| m <= MAX_GOALS_CAP)
                    .map(|m| m.max(1));
                match found {
                    Some(m) => (m, None),
                    None => {
                        return Err(PredictError::MassOutsideGrid {
                            max_goals: MAX_GOALS_CAP,
                            mass_outside: T::tail(home_rate, &extra, MAX_GOALS_CAP)
                                + T::tail(away_rate, &extra, MAX_GOALS_CAP),
                            tolerance: ADAPTIVE_TOLERANCE,
                            needed: None,
                        })
                    }
                }
            }
        };
        if max_goals > MAX_GOALS_CAP {
            return Err(PredictError::MaxGoalsTooLarge {
                max_goals,
                cap: MAX_GOALS_CAP,
            });
        }
        let [home, draw, away] = T::outcome_sums(home_rate, away_rate, &extra, max_goals).ok_or(
            PredictError::InvalidParameter {
                field: "expected_goals",
                value: home_rate.max(away_rate),
                reason: "the family's distribution cannot be computed accurately here",
            },
        )?;
        let total = home + draw + away;
        check_mass(total, max_goals, tolerance, (home_rate, away_rate))?;
        Ok(OutcomeProbabilities {
            home: home / total,
            draw: draw / total,
            away: away / total,
        })
    }
}

/// Declares a family given by a distribution module of
/// `crate::distributions` (its `log_prob`, `log_prob_derivatives`,
/// `score_grid` and `marginal_tail`): the kernel type, the family type and
/// the [`Kernel`] implementation forwarding to the module, plus any
/// overriding items given after the start values.
macro_rules! kernel_family {
    (
        $(#[$kernel_doc:meta])* kernel $kernel:ident,
        $(#[$family_doc:meta])* family $alias:ident = $variant:ident($name:literal),
        module $module:ident, extras $e:literal, coordinates $k:literal,
        [$($extra:expr),* $(,)?], start $start:expr
        $(; $($item:item)*)?
    ) => {
        use crate::distributions::{$module as dist, Local};
        use crate::model::families::kernel::{Kernel, KernelFamily};
        use crate::model::families::ExtraParameter;
        use crate::model::options::Family;

        $(#[$kernel_doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $kernel;

        $(#[$family_doc])*
        pub type $alias = KernelFamily<$kernel, $e, $k>;

        impl Kernel<$e, $k> for $kernel {
            const FAMILY: Family = Family::$variant;
            const NAME: &'static str = $name;
            const EXTRAS: &'static [ExtraParameter] = &[$($extra),*];
            const START: [f64; $e] = $start;

            fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; $e]) -> f64 {
                dist::log_prob(x, y, eta_home, eta_away, extra)
            }

            fn local(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; $e]) -> Local<$k> {
                dist::log_prob_derivatives(x, y, eta_home, eta_away, extra)
            }

            fn grid(home_rate: f64, away_rate: f64, extra: &[f64; $e], max_goals: usize) -> Vec<f64> {
                dist::score_grid(home_rate, away_rate, extra, max_goals)
            }

            fn tail(rate: f64, extra: &[f64; $e], m: usize) -> f64 {
                dist::marginal_tail(rate, extra, m)
            }

            $($($item)*)?
        }
    };
}
pub(crate) use kernel_family;
