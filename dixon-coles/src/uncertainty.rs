//! Parameter uncertainty from the observed information.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use crate::fit::FitError;
use crate::likelihood::DixonColesProblem;

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
    let layout = problem.layout();
    let p = layout.len;
    let n = layout.n_teams;
    let mut gradient = vec![0.0; p];
    let mut hessian = DMatrix::zeros(p, p);
    problem.objective_gradient_hessian(theta, &mut gradient, &mut hessian);
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
    let cov = reduced
        .cholesky()
        .ok_or(FitError::SingularInformation)?
        .inverse();
    let sd = |v: f64| v.max(0.0).sqrt();
    let block_sum = |from: usize, to: usize| -> f64 {
        let mut s = 0.0;
        for k in from..to {
            for l in from..to {
                s += cov[(k, l)];
            }
        }
        s
    };
    let mut attack: Vec<f64> = (0..n - 1).map(|k| sd(cov[(k, k)])).collect();
    attack.push(sd(block_sum(0, n - 1)));
    let mut defence: Vec<f64> = (n - 1..2 * n - 2).map(|k| sd(cov[(k, k)])).collect();
    defence.push(sd(block_sum(n - 1, 2 * n - 2)));
    let scalar = |full: usize| {
        let k = full - 2;
        sd(cov[(k, k)])
    };
    Ok(StandardErrors {
        attack,
        defence,
        intercept: scalar(layout.intercept()),
        home_advantage: layout.home_advantage.map(scalar),
        rho: layout.rho.map(scalar),
    })
}
