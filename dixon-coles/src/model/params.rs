//! Model parameters and their layout in the optimiser's flat vector.

use serde::{Deserialize, Serialize};

/// A rating beyond ±10 on the log scale (a factor of 22,000 in expected
/// goals) means the likelihood has no finite maximum for that team.
pub const MAX_ABS_RATING: f64 = 10.0;

/// Whether a scalar parameter (home advantage, ρ) is estimated or held fixed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamMode {
    /// Estimated by the fit.
    Free,
    /// Held at this value (e.g. `Fixed(0.0)` drops home advantage, or turns
    /// the model into the plain independent-Poisson model when used for ρ).
    Fixed(f64),
}

impl ParamMode {
    /// True when the parameter is estimated.
    pub fn is_free(self) -> bool {
        matches!(self, ParamMode::Free)
    }
}

/// The parameters of a fitted Dixon–Coles model.
///
/// `log λ_home = intercept + home_advantage·[not neutral] + attack[home] − defence[away]`,
/// `log λ_away = intercept + attack[away] − defence[home]`,
/// with Σ attack = Σ defence = 0. A larger attack scores more, a larger
/// defence concedes less. `rho` is the Dixon–Coles low-score dependence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    /// Attack strength per team id (sums to zero).
    pub attack: Vec<f64>,
    /// Defence strength per team id (sums to zero).
    pub defence: Vec<f64>,
    /// The intercept μ: log of the away side's expected goals between average teams.
    pub intercept: f64,
    /// The home advantage γ on the log scale.
    pub home_advantage: f64,
    /// The low-score dependence ρ (Dixon–Coles; 0 in other families).
    pub rho: f64,
    /// The family's other extra parameters, in the order of
    /// `Family::extra_parameters` (empty for Dixon–Coles and Poisson, and
    /// left out of their model files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<f64>,
}

impl Parameters {
    /// The number of teams.
    pub fn n_teams(&self) -> usize {
        self.attack.len()
    }

    /// Shifts attack and defence to sum to zero, compensating in the
    /// intercept, so that every expected-goals value is unchanged:
    /// `a ← a − mean(a)`, `d ← d − mean(d)`, `μ ← μ + mean(a) − mean(d)`.
    pub fn centre(&mut self) {
        let n = self.attack.len() as f64;
        if n == 0.0 {
            return;
        }
        let mean_attack = self.attack.iter().sum::<f64>() / n;
        let mean_defence = self.defence.iter().sum::<f64>() / n;
        self.attack.iter_mut().for_each(|a| *a -= mean_attack);
        self.defence.iter_mut().for_each(|d| *d -= mean_defence);
        self.intercept += mean_attack - mean_defence;
    }

    /// The closed interval `[lower, upper]` of ρ for which τ is a valid
    /// correction (every τ ≥ 0) for every pair of distinct teams, at home or
    /// at a neutral venue, given the other parameters.
    ///
    /// `τ(0,1) = 1 + λρ ≥ 0` and `τ(1,0) = 1 + νρ ≥ 0` need `ρ ≥ −1/R`, with
    /// `R = exp(μ + max(γ, 0) + max_{h≠a}(attack[h] − defence[a]))` the
    /// largest expected goals of any side of any pair; `τ(0,0) = 1 − λνρ ≥ 0`
    /// needs `ρ ≤ 1/P`, with `P = exp(2μ + max(γ, 0) + s₁ + s₂)` the largest
    /// `λν` (`s₁ ≥ s₂` the two largest `s_t = attack[t] − defence[t]`); and
    /// `τ(1,1) = 1 − ρ ≥ 0` needs `ρ ≤ 1`. Inside this interval every
    /// probability of the grid is in `[0, 1]`. With fewer than two teams
    /// there is no pair and the interval is `(−∞, 1]`.
    ///
    /// ```
    /// use scoreline_dixon_coles::model::params::Parameters;
    /// let p = Parameters { attack: vec![0.0, 0.0], defence: vec![0.0, 0.0],
    ///                      intercept: 0.0, home_advantage: 0.0, rho: 0.0, extra: Vec::new() };
    /// assert_eq!(p.rho_bounds(), (-1.0, 1.0));
    /// ```
    pub fn rho_bounds(&self) -> (f64, f64) {
        let n = self.attack.len().min(self.defence.len());
        if n < 2 {
            return (f64::NEG_INFINITY, 1.0);
        }
        // The largest attack[h] − defence[a] with h ≠ a, and the two largest s_t.
        let (mut best_attack, mut worst_defence) = (0, 0);
        for t in 1..n {
            if self.attack[t] > self.attack[best_attack] {
                best_attack = t;
            }
            if self.defence[t] < self.defence[worst_defence] {
                worst_defence = t;
            }
        }
        let mut largest_gap = f64::NEG_INFINITY;
        for t in 0..n {
            if t != best_attack {
                largest_gap = largest_gap.max(self.attack[best_attack] - self.defence[t]);
            }
            if t != worst_defence {
                largest_gap = largest_gap.max(self.attack[t] - self.defence[worst_defence]);
            }
        }
        let (mut s1, mut s2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for t in 0..n {
            let s = self.attack[t] - self.defence[t];
            if s > s1 {
                s2 = s1;
                s1 = s;
            } else if s > s2 {
                s2 = s;
            }
        }
        let gamma = self.home_advantage.max(0.0);
        let largest_rate = (self.intercept + gamma + largest_gap).exp();
        let largest_product = (2.0 * self.intercept + gamma + s1 + s2).exp();
        (-1.0 / largest_rate, (1.0 / largest_product).min(1.0))
    }

    /// Team `team`'s ratings as they enter the linear predictor.
    #[inline]
    pub fn side(&self, team: usize) -> SideRatings {
        SideRatings {
            attack: self.attack[team],
            defence: self.defence[team],
        }
    }

    /// The linear predictor `(η_home, η_away)` for team ids `home`, `away`
    /// (see [`linear_predictor`]).
    #[inline]
    pub fn linear_predictor(&self, home: usize, away: usize, neutral: bool) -> (f64, f64) {
        self.linear_predictor_of(self.side(home), self.side(away), neutral)
    }

    /// The linear predictor `(η_home, η_away)` for two sides given by their
    /// ratings (e.g. a team the model does not know, rated 0), with this
    /// model's intercept and home advantage (see [`linear_predictor`]).
    #[inline]
    pub fn linear_predictor_of(
        &self,
        home: SideRatings,
        away: SideRatings,
        neutral: bool,
    ) -> (f64, f64) {
        linear_predictor(
            self.intercept,
            self.home_advantage,
            if neutral { 0.0 } else { 1.0 },
            home,
            away,
        )
    }

    /// The expected goals `(λ_home, λ_away)` for team ids `home`, `away`:
    /// the exponentials of [`Parameters::linear_predictor`],
    /// `λ_home = exp(μ + γ·[not neutral] + attack[home] − defence[away])`,
    /// `λ_away = exp(μ + attack[away] − defence[home])`.
    pub fn expected_goals(&self, home: usize, away: usize, neutral: bool) -> (f64, f64) {
        let (eta_home, eta_away) = self.linear_predictor(home, away, neutral);
        (eta_home.exp(), eta_away.exp())
    }
}

/// One side's ratings as they enter the linear predictor.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SideRatings {
    /// Attack (log scale; larger scores more).
    pub attack: f64,
    /// Defence (log scale; larger concedes less).
    pub defence: f64,
}

/// The linear predictor shared by every goal model: the logs of the
/// expected goals,
///
/// ```text
/// η_home = log λ_home = μ + γ·home_flag + attack[home] − defence[away]
/// η_away = log λ_away = μ + attack[away] − defence[home]
/// ```
///
/// with μ = `intercept`, γ = `home_advantage`, and `home_flag` 1 when the
/// home side plays at home and 0 at a neutral venue (a number because the
/// likelihood stores it as one; any other value scales γ). This is the one
/// place the formula is written: [`Parameters::expected_goals`], the
/// likelihood kernel, backtests and explanations all call it. Exact for any
/// finite inputs (`γ·1 = γ` and `γ·0 = 0`), so it gives the same bits as
/// writing the sums out.
///
/// ```
/// use scoreline_dixon_coles::model::params::{linear_predictor, SideRatings};
/// let home = SideRatings { attack: 0.3, defence: 0.1 };
/// let away = SideRatings { attack: -0.2, defence: 0.05 };
/// let (eta_h, eta_a) = linear_predictor(0.1, 0.25, 1.0, home, away);
/// assert_eq!(eta_h, 0.1 + 0.25 + 0.3 - 0.05);
/// assert_eq!(eta_a, 0.1 + -0.2 - 0.1);
/// ```
#[inline(always)]
pub fn linear_predictor(
    intercept: f64,
    home_advantage: f64,
    home_flag: f64,
    home: SideRatings,
    away: SideRatings,
) -> (f64, f64) {
    (
        intercept + home_advantage * home_flag + home.attack - away.defence,
        intercept + away.attack - home.defence,
    )
}

/// Where each estimated parameter sits in the optimiser's flat vector:
/// `attack[0..n]`, `defence[0..n]`, intercept, then home advantage and ρ
/// when they are free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamLayout {
    /// The number of teams `n`.
    pub n_teams: usize,
    /// The index of the home advantage, when it is free.
    pub home_advantage: Option<usize>,
    /// The index of ρ, when it is free.
    pub rho: Option<usize>,
    /// The length of the flat vector.
    pub len: usize,
}

impl ParamLayout {
    /// The layout for `n_teams` teams with the given free scalars.
    pub fn new(n_teams: usize, home_advantage_free: bool, rho_free: bool) -> Self {
        let mut len = 2 * n_teams + 1;
        let home_advantage = home_advantage_free.then(|| {
            len += 1;
            len - 1
        });
        let rho = rho_free.then(|| {
            len += 1;
            len - 1
        });
        Self {
            n_teams,
            home_advantage,
            rho,
            len,
        }
    }

    /// The index of team `t`'s attack.
    #[inline]
    pub fn attack(&self, t: usize) -> usize {
        t
    }

    /// The index of team `t`'s defence.
    #[inline]
    pub fn defence(&self, t: usize) -> usize {
        self.n_teams + t
    }

    /// The index of the intercept.
    #[inline]
    pub fn intercept(&self) -> usize {
        2 * self.n_teams
    }

    /// Writes `params` into a flat vector (fixed scalars are left out).
    pub fn pack(&self, params: &Parameters) -> Vec<f64> {
        let mut theta = Vec::with_capacity(self.len);
        theta.extend_from_slice(&params.attack);
        theta.extend_from_slice(&params.defence);
        theta.push(params.intercept);
        if self.home_advantage.is_some() {
            theta.push(params.home_advantage);
        }
        if self.rho.is_some() {
            theta.push(params.rho);
        }
        theta
    }

    /// Reads a flat vector back, taking fixed scalars from the arguments.
    pub fn unpack(&self, theta: &[f64], fixed_home_advantage: f64, fixed_rho: f64) -> Parameters {
        let n = self.n_teams;
        Parameters {
            attack: theta[..n].to_vec(),
            defence: theta[n..2 * n].to_vec(),
            intercept: theta[2 * n],
            home_advantage: self
                .home_advantage
                .map_or(fixed_home_advantage, |i| theta[i]),
            rho: self.rho.map_or(fixed_rho, |i| theta[i]),
            extra: Vec::new(),
        }
    }

    /// Centres attack and defence of a flat vector in place (see [`Parameters::centre`]).
    pub fn centre(&self, theta: &mut [f64]) {
        let n = self.n_teams;
        let nf = n as f64;
        let mean_attack = theta[..n].iter().sum::<f64>() / nf;
        let mean_defence = theta[n..2 * n].iter().sum::<f64>() / nf;
        theta[..n].iter_mut().for_each(|a| *a -= mean_attack);
        theta[n..2 * n].iter_mut().for_each(|d| *d -= mean_defence);
        theta[2 * n] += mean_attack - mean_defence;
    }
}
