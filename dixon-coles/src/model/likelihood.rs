//! The weighted Dixon–Coles log-likelihood with its analytic gradient and
//! Hessian, as a problem that solvers (ours or argmin's) optimise.
//!
//! For match i with home team h, away team a, goals x and y, and weight wᵢ:
//!
//! ```text
//! η_h = μ + γ·[not neutral] + attack[h] − defence[a]      λ = exp(η_h)
//! η_a = μ + attack[a] − defence[h]                        ν = exp(η_a)
//! (η from crate::model::params::linear_predictor, the one linear predictor)
//! ℓ   = Σᵢ wᵢ [ ln τ(x, y) + x·η_h − λ − ln x! + y·η_a − ν − ln y! ]
//! τ(0,0) = 1 − λνρ   τ(0,1) = 1 + λρ   τ(1,0) = 1 + νρ   τ(1,1) = 1 − ρ   τ = 1 otherwise
//! ```
//!
//! The objective that is maximised is `ℓ − ridge·Σ (attack² + defence²)`.
//! Every τ of an observed low score must stay strictly positive; outside
//! that region the objective is −∞, so solvers stay inside it.

use nalgebra::DMatrix;
use rustc_hash::FxHashMap;

use crate::data::Dataset;
use crate::model::params::{linear_predictor, ParamLayout, ParamMode, SideRatings};
use crate::model::problem::{FitError, SmoothProblem};

/// Which parameters a model estimates and how it is penalised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSpec {
    /// Home advantage: estimated, or fixed (fixed at 0 drops it).
    pub home_advantage: ParamMode,
    /// ρ: estimated, or fixed (fixed at 0 is the independent-Poisson model).
    pub rho: ParamMode,
    /// The ridge penalty on attack and defence (≥ 0).
    pub ridge: f64,
}

/// The Dixon–Coles likelihood over a prepared, integer-indexed set of
/// matches with positive weight (structure of arrays).
///
/// Matches between the same two teams at the same kind of venue share λ and
/// ν, so they are aggregated exactly into one *pairing* with sufficient
/// statistics: `W = Σ w`, `WX = Σ w·x`, `WY = Σ w·y`, and the total weight
/// of each low score (0-0, 0-1, 1-0, 1-1). Then
/// `ℓ_pairing = WX·η_h − W·λ + WY·η_a − W·ν + Σ_c W_c·ln τ_c − Σ w (ln x! + ln y!)`.
#[derive(Debug, Clone)]
pub struct DixonColesProblem {
    layout: ParamLayout,
    spec: ModelSpec,
    home: Vec<u32>,
    away: Vec<u32>,
    home_flag: Vec<f64>,
    weight: Vec<f64>,
    weighted_home_goals: Vec<f64>,
    weighted_away_goals: Vec<f64>,
    /// Total weight of the scores 0-0, 0-1, 1-0, 1-1 per pairing.
    low_score_weight: Vec<[f64; 4]>,
    /// True when a pairing has any low score with weight.
    has_low_score: Vec<bool>,
    /// Σ wᵢ (ln xᵢ! + ln yᵢ!), the constant part of ℓ.
    log_factorials: f64,
    total_weight: f64,
    n_matches: usize,
}

/// `ln k!` by summation (exact enough for the small counts of football).
fn ln_factorial(k: u32) -> f64 {
    (2..=k).map(|i| (i as f64).ln()).sum()
}

impl DixonColesProblem {
    /// Prepares the matches of `data` whose weight (time decay × user weight)
    /// is positive. `weights` has one entry per match of `data`.
    pub fn new(data: &Dataset, weights: &[f64], spec: ModelSpec) -> Result<Self, FitError> {
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
        for (name, mode) in [("home_advantage", spec.home_advantage), ("rho", spec.rho)] {
            if let ParamMode::Fixed(v) = mode {
                if !v.is_finite() {
                    return Err(FitError::InvalidOption {
                        option: name,
                        reason: format!("fixed value must be finite, got {v}"),
                    });
                }
            }
        }
        let rho_matters = !matches!(spec.rho, ParamMode::Fixed(r) if r == 0.0);
        let layout = ParamLayout::new(
            data.teams().len(),
            spec.home_advantage.is_free(),
            spec.rho.is_free(),
        );
        let mut problem = Self {
            layout,
            spec,
            home: Vec::new(),
            away: Vec::new(),
            home_flag: Vec::new(),
            weight: Vec::new(),
            weighted_home_goals: Vec::new(),
            weighted_away_goals: Vec::new(),
            low_score_weight: Vec::new(),
            has_low_score: Vec::new(),
            log_factorials: 0.0,
            total_weight: 0.0,
            n_matches: 0,
        };
        let mut slot: FxHashMap<(u32, u32, bool), usize> = FxHashMap::default();
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
            let k = *slot.entry((h, a, neutral)).or_insert_with(|| {
                problem.home.push(h);
                problem.away.push(a);
                problem.home_flag.push(if neutral { 0.0 } else { 1.0 });
                problem.weight.push(0.0);
                problem.weighted_home_goals.push(0.0);
                problem.weighted_away_goals.push(0.0);
                problem.low_score_weight.push([0.0; 4]);
                problem.has_low_score.push(false);
                problem.home.len() - 1
            });
            let (x, y) = (data.home_goals()[i], data.away_goals()[i]);
            problem.weight[k] += w;
            problem.weighted_home_goals[k] += w * x as f64;
            problem.weighted_away_goals[k] += w * y as f64;
            if rho_matters && x <= 1 && y <= 1 {
                problem.low_score_weight[k][(2 * x + y) as usize] += w;
                problem.has_low_score[k] = true;
            }
            problem.log_factorials += w * (ln_factorial(x) + ln_factorial(y));
            problem.total_weight += w;
            problem.n_matches += 1;
        }
        if problem.n_matches == 0 {
            return Err(FitError::NoWeightedMatches);
        }
        Ok(problem)
    }

    /// Where each estimated parameter sits in the flat vector.
    pub fn layout(&self) -> ParamLayout {
        self.layout
    }

    /// The model specification.
    pub fn spec(&self) -> ModelSpec {
        self.spec
    }

    /// The number of matches with positive weight.
    pub fn n_matches(&self) -> usize {
        self.n_matches
    }

    /// The number of distinct pairings (home, away, venue) in the fit.
    pub fn n_pairings(&self) -> usize {
        self.home.len()
    }

    /// Σ wᵢ over the matches in the fit.
    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Home team id per pairing.
    pub fn home_team(&self) -> &[u32] {
        &self.home
    }

    /// Away team id per pairing.
    pub fn away_team(&self) -> &[u32] {
        &self.away
    }

    /// 1 for a pairing with home advantage, 0 at a neutral venue.
    pub fn home_flag(&self) -> &[f64] {
        &self.home_flag
    }

    /// Total weight per pairing.
    pub fn weights(&self) -> &[f64] {
        &self.weight
    }

    /// Σ w·(home goals) per pairing.
    pub fn weighted_home_goals(&self) -> &[f64] {
        &self.weighted_home_goals
    }

    /// Σ w·(away goals) per pairing.
    pub fn weighted_away_goals(&self) -> &[f64] {
        &self.weighted_away_goals
    }

    /// The fixed home advantage (used when it is not estimated).
    pub fn fixed_home_advantage(&self) -> f64 {
        match self.spec.home_advantage {
            ParamMode::Fixed(v) => v,
            ParamMode::Free => 0.0,
        }
    }

    /// The fixed ρ (used when it is not estimated).
    pub fn fixed_rho(&self) -> f64 {
        match self.spec.rho {
            ParamMode::Fixed(v) => v,
            ParamMode::Free => 0.0,
        }
    }

    /// The weighted log-likelihood ℓ at `theta` (without the ridge penalty),
    /// or −∞ outside the region where every observed τ is positive.
    pub fn log_likelihood(&self, theta: &[f64]) -> f64 {
        self.kernel::<0>(theta, &mut [], &mut []) + self.ridge_penalty(theta)
    }

    /// The objective `ℓ − ridge·Σ(attack² + defence²)` at `theta`.
    pub fn objective(&self, theta: &[f64]) -> f64 {
        self.kernel::<0>(theta, &mut [], &mut [])
    }

    /// The objective and its gradient (written into `gradient`, of length
    /// `layout().len`).
    pub fn objective_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        self.kernel::<1>(theta, gradient, &mut [])
    }

    /// The objective, its gradient and its Hessian (a `len × len` matrix,
    /// overwritten).
    pub fn objective_gradient_hessian(
        &self,
        theta: &[f64],
        gradient: &mut [f64],
        hessian: &mut DMatrix<f64>,
    ) -> f64 {
        assert_eq!(hessian.nrows(), self.layout.len);
        assert_eq!(hessian.ncols(), self.layout.len);
        self.kernel::<2>(theta, gradient, hessian.as_mut_slice())
    }

    /// `ridge·Σ(attack² + defence²)`, the amount the objective is below ℓ.
    fn ridge_penalty(&self, theta: &[f64]) -> f64 {
        if self.spec.ridge == 0.0 {
            return 0.0;
        }
        let n2 = 2 * self.layout.n_teams;
        self.spec.ridge * theta[..n2].iter().map(|v| v * v).sum::<f64>()
    }

    /// The single loop behind every evaluation. `ORDER` 0 computes the
    /// objective, 1 adds the gradient, 2 adds the Hessian (row-major, which
    /// is the same as column-major for a symmetric matrix).
    ///
    /// Per match, with `g_h = ∂ℓᵢ/∂η_h`, `g_a = ∂ℓᵢ/∂η_a`, `g_ρ = ∂ℓᵢ/∂ρ`:
    ///
    /// ```text
    /// g_h = w (x − λ + ∂ln τ/∂η_h)     g_a = w (y − ν + ∂ln τ/∂η_a)     g_ρ = w ∂ln τ/∂ρ
    /// (0,0): s = λν, q = sρ:  ∂/∂η_h = ∂/∂η_a = −q/τ,  ∂/∂ρ = −s/τ,
    ///        ∂²/∂η_h² = ∂²/∂η_a² = ∂²/∂η_h∂η_a = −q/τ²,  ∂²/∂η∂ρ = −s/τ²,  ∂²/∂ρ² = −s²/τ²
    /// (0,1): t = λρ:  ∂/∂η_h = t/τ,  ∂/∂ρ = λ/τ,  ∂²/∂η_h² = t/τ²,  ∂²/∂η_h∂ρ = λ/τ²,  ∂²/∂ρ² = −λ²/τ²
    /// (1,0): the same with ν and η_a
    /// (1,1): ∂/∂ρ = −1/τ,  ∂²/∂ρ² = −1/τ²
    /// ```
    ///
    /// plus the Poisson curvature `−λ` (η_h) and `−ν` (η_a). The chain rule
    /// maps η_h onto (+attack[h], −defence[a], +μ, +γ·[not neutral]) and η_a
    /// onto (+attack[a], −defence[h], +μ).
    fn kernel<const ORDER: u8>(&self, theta: &[f64], grad: &mut [f64], hess: &mut [f64]) -> f64 {
        let layout = self.layout;
        let n = layout.n_teams;
        let len = layout.len;
        let attack = &theta[..n];
        let defence = &theta[n..2 * n];
        let intercept = theta[2 * n];
        let gamma = layout
            .home_advantage
            .map_or(self.fixed_home_advantage(), |i| theta[i]);
        let rho = layout.rho.map_or(self.fixed_rho(), |i| theta[i]);
        let mu_i = layout.intercept();
        if ORDER >= 1 {
            grad.iter_mut().for_each(|g| *g = 0.0);
        }
        if ORDER >= 2 {
            hess.iter_mut().for_each(|h| *h = 0.0);
        }
        let mut total = 0.0;
        // Gradient parts for μ, γ and ρ are accumulated in scalars.
        let (mut g_mu, mut g_gamma, mut g_rho) = (0.0, 0.0, 0.0);
        for i in 0..self.home.len() {
            let h = self.home[i] as usize;
            let a = self.away[i] as usize;
            let hf = self.home_flag[i];
            let w = self.weight[i];
            // The shared linear predictor (inlined: the same arithmetic).
            let (eta_h, eta_a) = linear_predictor(
                intercept,
                gamma,
                hf,
                SideRatings {
                    attack: attack[h],
                    defence: defence[h],
                },
                SideRatings {
                    attack: attack[a],
                    defence: defence[a],
                },
            );
            let lam = eta_h.exp();
            let nu = eta_a.exp();
            let (wx, wy) = (self.weighted_home_goals[i], self.weighted_away_goals[i]);
            let mut ll = wx * eta_h - w * lam + wy * eta_a - w * nu;
            let mut gh = wx - w * lam;
            let mut ga = wy - w * nu;
            let mut gr = 0.0;
            let (mut hhh, mut haa) = (-w * lam, -w * nu);
            let (mut hha, mut hhr, mut har, mut hrr) = (0.0, 0.0, 0.0, 0.0);
            if self.has_low_score[i] {
                let [w00, w01, w10, w11] = self.low_score_weight[i];
                if w00 > 0.0 {
                    let s = lam * nu;
                    let q = s * rho;
                    let tau = 1.0 - q;
                    if tau <= 0.0 {
                        return f64::NEG_INFINITY;
                    }
                    ll += w00 * tau.ln();
                    if ORDER >= 1 {
                        gh -= w00 * q / tau;
                        ga -= w00 * q / tau;
                        gr -= w00 * s / tau;
                    }
                    if ORDER >= 2 {
                        let t2 = tau * tau;
                        hhh -= w00 * q / t2;
                        haa -= w00 * q / t2;
                        hha -= w00 * q / t2;
                        hhr -= w00 * s / t2;
                        har -= w00 * s / t2;
                        hrr -= w00 * s * s / t2;
                    }
                }
                if w01 > 0.0 {
                    let t = lam * rho;
                    let tau = 1.0 + t;
                    if tau <= 0.0 {
                        return f64::NEG_INFINITY;
                    }
                    ll += w01 * tau.ln();
                    if ORDER >= 1 {
                        gh += w01 * t / tau;
                        gr += w01 * lam / tau;
                    }
                    if ORDER >= 2 {
                        let t2 = tau * tau;
                        hhh += w01 * t / t2;
                        hhr += w01 * lam / t2;
                        hrr -= w01 * lam * lam / t2;
                    }
                }
                if w10 > 0.0 {
                    let t = nu * rho;
                    let tau = 1.0 + t;
                    if tau <= 0.0 {
                        return f64::NEG_INFINITY;
                    }
                    ll += w10 * tau.ln();
                    if ORDER >= 1 {
                        ga += w10 * t / tau;
                        gr += w10 * nu / tau;
                    }
                    if ORDER >= 2 {
                        let t2 = tau * tau;
                        haa += w10 * t / t2;
                        har += w10 * nu / t2;
                        hrr -= w10 * nu * nu / t2;
                    }
                }
                if w11 > 0.0 {
                    let tau = 1.0 - rho;
                    if tau <= 0.0 {
                        return f64::NEG_INFINITY;
                    }
                    ll += w11 * tau.ln();
                    if ORDER >= 1 {
                        gr -= w11 / tau;
                    }
                    if ORDER >= 2 {
                        hrr -= w11 / (tau * tau);
                    }
                }
            }
            total += ll;
            if ORDER >= 1 {
                grad[h] += gh;
                grad[n + a] -= gh;
                grad[a] += ga;
                grad[n + h] -= ga;
                g_mu += gh + ga;
                g_gamma += hf * gh;
                g_rho += gr;
            }
            if ORDER >= 2 {
                // η_h = (+attack[h], −defence[a], +μ, +γ·hf); η_a = (+attack[a], −defence[h], +μ).
                let mut u_idx = [h, n + a, mu_i, 0];
                let mut u_coef = [1.0, -1.0, 1.0, 0.0];
                let mut u_len = 3;
                if let Some(gi) = layout.home_advantage {
                    u_idx[3] = gi;
                    u_coef[3] = hf;
                    u_len = 4;
                }
                let v_idx = [a, n + h, mu_i];
                let v_coef = [1.0, -1.0, 1.0];
                for p in 0..u_len {
                    let row = u_idx[p] * len;
                    let cp = u_coef[p];
                    for q in 0..u_len {
                        hess[row + u_idx[q]] += hhh * cp * u_coef[q];
                    }
                    for q in 0..3 {
                        let c = hha * cp * v_coef[q];
                        hess[row + v_idx[q]] += c;
                        hess[v_idx[q] * len + u_idx[p]] += c;
                    }
                }
                for p in 0..3 {
                    let row = v_idx[p] * len;
                    for q in 0..3 {
                        hess[row + v_idx[q]] += haa * v_coef[p] * v_coef[q];
                    }
                }
                if let Some(ri) = layout.rho {
                    for p in 0..u_len {
                        let c = hhr * u_coef[p];
                        hess[u_idx[p] * len + ri] += c;
                        hess[ri * len + u_idx[p]] += c;
                    }
                    for p in 0..3 {
                        let c = har * v_coef[p];
                        hess[v_idx[p] * len + ri] += c;
                        hess[ri * len + v_idx[p]] += c;
                    }
                    hess[ri * len + ri] += hrr;
                }
            }
        }
        total -= self.log_factorials;
        if ORDER >= 1 {
            grad[mu_i] += g_mu;
            if let Some(gi) = layout.home_advantage {
                grad[gi] += g_gamma;
            }
            if let Some(ri) = layout.rho {
                grad[ri] += g_rho;
            }
        }
        let ridge = self.spec.ridge;
        if ridge > 0.0 {
            for j in 0..2 * n {
                total -= ridge * theta[j] * theta[j];
                if ORDER >= 1 {
                    grad[j] -= 2.0 * ridge * theta[j];
                }
                if ORDER >= 2 {
                    hess[j * len + j] -= 2.0 * ridge;
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

/// The Dixon–Coles objective as the solvers see it (the inherent methods of
/// the same names do the work); the gauge blocks are the attacks
/// `0..n` and the defences `n..2n`.
impl SmoothProblem for DixonColesProblem {
    fn dimension(&self) -> usize {
        self.layout.len
    }

    fn objective(&self, theta: &[f64]) -> f64 {
        DixonColesProblem::objective(self, theta)
    }

    fn objective_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        DixonColesProblem::objective_gradient(self, theta, gradient)
    }

    fn objective_gradient_hessian(
        &self,
        theta: &[f64],
        gradient: &mut [f64],
        hessian: &mut DMatrix<f64>,
    ) -> f64 {
        DixonColesProblem::objective_gradient_hessian(self, theta, gradient, hessian)
    }

    fn recentre(&self, theta: &mut [f64]) {
        self.layout.centre(theta);
    }

    fn gauge_blocks(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.layout.n_teams;
        vec![0..n, n..2 * n]
    }
}
