//! The likelihood problem of any family whose score distribution is a
//! function of the two expected goals and a few extra parameters: the
//! family supplies one match's log-probability with its exact derivatives
//! in local coordinates ([`Local`], from `crate::distributions`), and this
//! file sums them over the matches and maps them onto the parameters by
//! the chain rule.
//!
//! For match i (home h, away a, goals x, y, weight wᵢ) with local
//! coordinates `z = (η_h, η_a, e₁ … e_E)`:
//!
//! ```text
//! η_h = μ + γ·[not neutral] + attack[h] − defence[a]
//! η_a = μ + attack[a] − defence[h]
//! ℓ   = Σᵢ wᵢ · log P(xᵢ, yᵢ | z)  −  ridge·Σ (attack² + defence²)
//! ∂ℓ/∂θ   = Σᵢ wᵢ Σ_k (∂ log P/∂z_k) · J_k
//! ∂²ℓ/∂θ² = Σᵢ wᵢ Σ_{k,l} (∂² log P/∂z_k∂z_l) · J_k J_lᵀ
//! ```
//!
//! where `J_k = ∂z_k/∂θ`: `J_η_h` has +1 at `attack[h]`, −1 at
//! `defence[a]`, +1 at μ and `[not neutral]` at γ; `J_η_a` has +1 at
//! `attack[a]`, −1 at `defence[h]` and +1 at μ; the extras map to themselves. Matches with the
//! same teams, venue and score share every term, so they are aggregated
//! into one cell with the sum of their weights.

use std::ops::Range;

use nalgebra::DMatrix;
use rustc_hash::FxHashMap;

use crate::data::Dataset;
use crate::distributions::Local;
use crate::model::families::ExtraParameter;
use crate::model::params::ParamMode;
use crate::model::problem::{FitError, SmoothProblem};

/// A joint score distribution with `K − 2` extra parameters, as the
/// likelihood sees it: `K` local coordinates `(η_home, η_away, extras…)`.
pub trait ScoreDistribution<const K: usize>: Copy + Sync {
    /// The extra parameters, in the order of the local coordinates after
    /// the two linear predictors (`K − 2` of them).
    fn extras(&self) -> &'static [ExtraParameter];

    /// Where a fit starts each extra parameter (inside its bounds).
    fn extra_start(&self) -> [f64; K];

    /// One score's log-probability with its exact gradient and Hessian in
    /// the local coordinates (−∞ outside the family's domain).
    fn local(&self, home_goals: u32, away_goals: u32, z: &[f64; K]) -> Local<K>;

    /// Whether the cells of one pair of teams (and venue) should come in a
    /// row (see `Kernel::CELLS_BY_PAIR`); by default no.
    fn cells_by_pair(&self) -> bool {
        false
    }

    /// One score's log-probability alone (by default from
    /// [`ScoreDistribution::local`]; a family may compute it cheaper).
    fn log_prob(&self, home_goals: u32, away_goals: u32, z: &[f64; K]) -> f64 {
        self.local(home_goals, away_goals, z).value
    }
}

/// What is estimated besides the teams and how it is penalised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DistributionSpec {
    /// Home advantage: estimated, or held at a value.
    pub home_advantage: ParamMode,
    /// The ridge penalty on attack and defence (≥ 0).
    pub ridge: f64,
}

/// One aggregated cell: the matches with the same teams, venue and score.
#[derive(Debug, Clone, Copy)]
struct Cell {
    home: u32,
    away: u32,
    home_flag: f64,
    home_goals: u32,
    away_goals: u32,
    weight: f64,
}

/// The weighted likelihood of a [`ScoreDistribution`] over a dataset, as a
/// [`SmoothProblem`]. The flat vector is `attack[0..n]`, `defence[0..n]`,
/// μ, then γ when it is estimated, then the `K − 2` extras.
pub struct DistributionProblem<D: ScoreDistribution<K>, const K: usize> {
    distribution: D,
    n_teams: usize,
    home_advantage: Option<usize>,
    fixed_home_advantage: f64,
    first_extra: usize,
    len: usize,
    ridge: f64,
    cells: Vec<Cell>,
    n_matches: usize,
    total_weight: f64,
    every_team_rated: bool,
}

impl<D: ScoreDistribution<K>, const K: usize> DistributionProblem<D, K> {
    /// Prepares the matches of `data` with positive weight (`weights`: one
    /// per match, multiplied by the dataset's own weights).
    pub fn new(
        distribution: D,
        data: &Dataset,
        weights: &[f64],
        spec: DistributionSpec,
    ) -> Result<Self, FitError> {
        if weights.len() != data.len() {
            return Err(FitError::WeightLength {
                expected: data.len(),
                found: weights.len(),
            });
        }
        if !(spec.ridge.is_finite() && spec.ridge >= 0.0) {
            return Err(FitError::InvalidOption {
                option: "ridge",
                reason: format!("must be finite and ≥ 0, got {}", spec.ridge),
            });
        }
        let fixed_home_advantage = match spec.home_advantage {
            ParamMode::Fixed(v) if !v.is_finite() => {
                return Err(FitError::InvalidOption {
                    option: "home_advantage",
                    reason: format!("fixed value must be finite, got {v}"),
                })
            }
            ParamMode::Fixed(v) => v,
            ParamMode::Free => 0.0,
        };
        let n_teams = data.teams().len();
        let home_advantage = spec.home_advantage.is_free().then_some(2 * n_teams + 1);
        let first_extra = 2 * n_teams + 1 + usize::from(home_advantage.is_some());
        let mut cells: Vec<Cell> = Vec::new();
        let mut slot: FxHashMap<(u32, u32, bool, u32, u32), usize> = FxHashMap::default();
        let (mut n_matches, mut total_weight) = (0, 0.0);
        for (i, &w) in weights.iter().enumerate() {
            let w = w * data.weight()[i];
            if !w.is_finite() || w < 0.0 {
                return Err(FitError::InvalidWeight {
                    index: i,
                    weight: w,
                });
            }
            if w == 0.0 {
                continue;
            }
            let (h, a, neutral) = (data.home_team()[i], data.away_team()[i], data.neutral()[i]);
            let (x, y) = (data.home_goals()[i], data.away_goals()[i]);
            let k = *slot.entry((h, a, neutral, x, y)).or_insert_with(|| {
                cells.push(Cell {
                    home: h,
                    away: a,
                    home_flag: if neutral { 0.0 } else { 1.0 },
                    home_goals: x,
                    away_goals: y,
                    weight: 0.0,
                });
                cells.len() - 1
            });
            cells[k].weight += w;
            n_matches += 1;
            total_weight += w;
        }
        if n_matches == 0 {
            return Err(FitError::NoWeightedMatches);
        }
        if distribution.cells_by_pair() {
            // The cells of one pair of teams (and venue) in a row.
            cells.sort_unstable_by_key(|c| {
                (
                    c.home,
                    c.away,
                    c.home_flag > 0.0,
                    c.home_goals,
                    c.away_goals,
                )
            });
        }
        let mut rated = vec![false; n_teams];
        for cell in &cells {
            rated[cell.home as usize] = true;
            rated[cell.away as usize] = true;
        }
        Ok(Self {
            distribution,
            n_teams,
            home_advantage,
            fixed_home_advantage,
            first_extra,
            len: first_extra + K - 2,
            ridge: spec.ridge,
            cells,
            n_matches,
            total_weight,
            every_team_rated: rated.iter().all(|&r| r),
        })
    }

    /// The number of teams.
    pub fn n_teams(&self) -> usize {
        self.n_teams
    }

    /// The index of γ in the flat vector, when it is estimated.
    pub fn home_advantage_index(&self) -> Option<usize> {
        self.home_advantage
    }

    /// The home advantage used when it is held fixed.
    pub fn fixed_home_advantage(&self) -> f64 {
        self.fixed_home_advantage
    }

    /// The index of the first extra parameter in the flat vector.
    pub fn first_extra(&self) -> usize {
        self.first_extra
    }

    /// Whether every team has a match with positive weight (without a
    /// ridge penalty, a team without one has no estimate).
    pub fn every_team_rated(&self) -> bool {
        self.every_team_rated
    }

    /// Matches with positive weight.
    pub fn n_matches(&self) -> usize {
        self.n_matches
    }

    /// Σ of their weights.
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// The weighted log-likelihood ℓ at `theta` (without the ridge penalty).
    pub fn log_likelihood(&self, theta: &[f64]) -> f64 {
        let objective = self.kernel::<0>(theta, &mut [], &mut []);
        objective + self.ridge_penalty(theta)
    }

    fn ridge_penalty(&self, theta: &[f64]) -> f64 {
        self.ridge * theta[..2 * self.n_teams].iter().map(|v| v * v).sum::<f64>()
    }

    /// The one loop behind every evaluation: `ORDER` 0 the objective, 1
    /// adds the gradient, 2 the Hessian (see the module documentation).
    fn kernel<const ORDER: u8>(&self, theta: &[f64], grad: &mut [f64], hess: &mut [f64]) -> f64 {
        let n = self.n_teams;
        let len = self.len;
        let mu = 2 * n;
        let gamma = self
            .home_advantage
            .map_or(self.fixed_home_advantage, |i| theta[i]);
        if ORDER >= 1 {
            grad.iter_mut().for_each(|g| *g = 0.0);
        }
        if ORDER >= 2 {
            hess.iter_mut().for_each(|h| *h = 0.0);
        }
        let mut z = [0.0; K];
        z[2..].copy_from_slice(&theta[self.first_extra..self.first_extra + K - 2]);
        let mut total = 0.0;
        for cell in &self.cells {
            let (h, a) = (cell.home as usize, cell.away as usize);
            // The shared linear predictor (`params::linear_predictor`), inlined.
            z[0] = theta[mu] + gamma * cell.home_flag + theta[h] - theta[n + a];
            z[1] = theta[mu] + theta[a] - theta[n + h];
            let w = cell.weight;
            if ORDER == 0 {
                let value = self
                    .distribution
                    .log_prob(cell.home_goals, cell.away_goals, &z);
                if !value.is_finite() {
                    return f64::NEG_INFINITY;
                }
                total += w * value;
                continue;
            }
            let local = self
                .distribution
                .local(cell.home_goals, cell.away_goals, &z);
            if !local.value.is_finite() {
                return f64::NEG_INFINITY;
            }
            total += w * local.value;
            // J_k as (index, coefficient) lists.
            let mut index = [[0usize; 4]; K];
            let mut coef = [[0.0f64; 4]; K];
            let mut count = [0usize; K];
            index[0][..3].copy_from_slice(&[h, n + a, mu]);
            coef[0][..3].copy_from_slice(&[1.0, -1.0, 1.0]);
            count[0] = 3;
            if let Some(g) = self.home_advantage {
                index[0][3] = g;
                coef[0][3] = cell.home_flag;
                count[0] = 4;
            }
            index[1][..3].copy_from_slice(&[a, n + h, mu]);
            coef[1][..3].copy_from_slice(&[1.0, -1.0, 1.0]);
            count[1] = 3;
            for e in 2..K {
                index[e][0] = self.first_extra + e - 2;
                coef[e][0] = 1.0;
                count[e] = 1;
            }
            for k in 0..K {
                let gk = w * local.gradient[k];
                for p in 0..count[k] {
                    grad[index[k][p]] += gk * coef[k][p];
                }
            }
            if ORDER >= 2 {
                for k in 0..K {
                    for l in 0..K {
                        let hkl = w * local.hessian[k][l];
                        if hkl == 0.0 {
                            continue;
                        }
                        for p in 0..count[k] {
                            let row = index[k][p] * len;
                            let cp = hkl * coef[k][p];
                            for q in 0..count[l] {
                                hess[row + index[l][q]] += cp * coef[l][q];
                            }
                        }
                    }
                }
            }
        }
        if self.ridge > 0.0 {
            for j in 0..2 * n {
                total -= self.ridge * theta[j] * theta[j];
                if ORDER >= 1 {
                    grad[j] -= 2.0 * self.ridge * theta[j];
                }
                if ORDER >= 2 {
                    hess[j * len + j] -= 2.0 * self.ridge;
                }
            }
        }
        if total.is_finite() {
            total
        } else {
            f64::NEG_INFINITY
        }
    }
}

impl<D: ScoreDistribution<K>, const K: usize> SmoothProblem for DistributionProblem<D, K> {
    fn dimension(&self) -> usize {
        self.len
    }

    fn objective(&self, theta: &[f64]) -> f64 {
        self.kernel::<0>(theta, &mut [], &mut [])
    }

    fn objective_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        self.kernel::<1>(theta, gradient, &mut [])
    }

    fn objective_gradient_hessian(
        &self,
        theta: &[f64],
        gradient: &mut [f64],
        hessian: &mut DMatrix<f64>,
    ) -> f64 {
        assert_eq!(hessian.nrows(), self.len);
        self.kernel::<2>(theta, gradient, hessian.as_mut_slice())
    }

    /// `a ← a − mean(a)`, `d ← d − mean(d)`, `μ ← μ + mean(a) − mean(d)`.
    fn recentre(&self, theta: &mut [f64]) {
        let n = self.n_teams;
        let mean_attack = theta[..n].iter().sum::<f64>() / n as f64;
        let mean_defence = theta[n..2 * n].iter().sum::<f64>() / n as f64;
        theta[..n].iter_mut().for_each(|a| *a -= mean_attack);
        theta[n..2 * n].iter_mut().for_each(|d| *d -= mean_defence);
        theta[2 * n] += mean_attack - mean_defence;
    }

    fn gauge_blocks(&self) -> Vec<Range<usize>> {
        let n = self.n_teams;
        vec![0..n, n..2 * n]
    }

    fn lower_bounds(&self) -> Vec<(usize, f64)> {
        self.distribution
            .extras()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.lower.is_finite())
            .map(|(j, e)| (self.first_extra + j, e.lower))
            .collect()
    }
}
