//! Parameter uncertainty from the observed information.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::likelihood::DixonColesProblem;
use crate::params::ParamLayout;
use crate::problem::FitError;

/// Standard errors of the estimates (`None` for a parameter held fixed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandardErrors {
    /// Per team id.
    pub attack: Vec<f64>,
    /// Per team id.
    pub defence: Vec<f64>,
    /// The intercept μ.
    pub intercept: f64,
    /// The home advantage γ, when estimated.
    pub home_advantage: Option<f64>,
    /// ρ, when estimated.
    pub rho: Option<f64>,
}

/// The covariance of the estimates under the constraints Σ attack = Σ defence = 0,
/// returned as its square-root diagonal.
///
/// With `A = −H` the observed information of the maximised objective at
/// `theta` and `Z` the basis of the constrained space that writes the last
/// team's attack as minus the sum of the others (and likewise defence),
/// `Cov = Z (Zᵀ A Z)⁻¹ Zᵀ`. With a ridge penalty `A` includes its curvature
/// (`2·ridge` on the team diagonal), which makes this the curvature of the
/// penalised objective. An information matrix that is not positive definite
/// is [`FitError::SingularInformation`].
pub fn standard_errors(
    problem: &DixonColesProblem,
    theta: &[f64],
) -> Result<StandardErrors, FitError> {
    let p = problem.layout().len;
    let mut gradient = vec![0.0; p];
    let mut hessian = DMatrix::zeros(p, p);
    problem.objective_gradient_hessian(theta, &mut gradient, &mut hessian);
    standard_errors_from_hessian(problem.layout(), &hessian)
}

/// [`standard_errors`] from a Hessian already computed at the optimum.
///
/// Only the diagonal of the covariance and the sums over the attack and
/// defence blocks are needed, so with `Zᵀ A Z = L Lᵀ` (Cholesky) and
/// `X = L⁻¹`: `Var_k = Σ_j X_jk²` and `1ᵀ Cov_block 1 = ‖X 1_block‖²`.
pub fn standard_errors_from_hessian(
    layout: ParamLayout,
    hessian: &DMatrix<f64>,
) -> Result<StandardErrors, FitError> {
    let p = layout.len;
    let n = layout.n_teams;
    // Reduced coordinate k ↦ (its own full index, the index it is subtracted from).
    let last_attack = n - 1;
    let last_defence = 2 * n - 1;
    let mut column = Vec::with_capacity(p - 2);
    for t in 0..n - 1 {
        column.push((t, Some(last_attack)));
    }
    for t in 0..n - 1 {
        column.push((n + t, Some(last_defence)));
    }
    for j in 2 * n..p {
        column.push((j, None));
    }
    let r = column.len();
    let a = |i: usize, j: usize| -hessian[(i, j)];
    let reduced = DMatrix::from_fn(r, r, |k, l| {
        let (ck, mk) = column[k];
        let (cl, ml) = column[l];
        let mut v = a(ck, cl);
        if let Some(ml) = ml {
            v -= a(ck, ml);
        }
        if let Some(mk) = mk {
            v -= a(mk, cl);
            if let Some(ml) = ml {
                v += a(mk, ml);
            }
        }
        v
    });
    let chol = reduced.cholesky().ok_or(FitError::SingularInformation)?;
    let x = chol
        .l()
        .solve_lower_triangular(&DMatrix::identity(r, r))
        .ok_or(FitError::SingularInformation)?;
    let variance: Vec<f64> = (0..r).map(|k| x.column(k).norm_squared()).collect();
    let block_sum = |from: usize, to: usize| -> f64 {
        (0..r)
            .map(|j| (from..to).map(|k| x[(j, k)]).sum::<f64>().powi(2))
            .sum()
    };
    let sd = |v: f64| v.max(0.0).sqrt();
    let mut attack: Vec<f64> = (0..n - 1).map(|k| sd(variance[k])).collect();
    attack.push(sd(block_sum(0, n - 1)));
    let mut defence: Vec<f64> = (n - 1..2 * n - 2).map(|k| sd(variance[k])).collect();
    defence.push(sd(block_sum(n - 1, 2 * n - 2)));
    let scalar = |full: usize| sd(variance[full - 2]);
    Ok(StandardErrors {
        attack,
        defence,
        intercept: scalar(layout.intercept()),
        home_advantage: layout.home_advantage.map(scalar),
        rho: layout.rho.map(scalar),
    })
}
