//! Parameter uncertainty from the observed information.

use nalgebra::DMatrix;
use serde::{Deserialize, Serialize};

use std::ops::Range;

use crate::model::params::ParamLayout;
use crate::model::problem::{FitError, SmoothProblem};

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
    /// The family's other extra parameters, in order (`None` for one held
    /// on its bound); empty for Dixon–Coles and Poisson.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<Option<f64>>,
}

/// The standard errors of every entry of the flat parameter vector of a
/// [`SmoothProblem`] at its optimum `theta`, under the constraints that each
/// gauge block ([`SmoothProblem::gauge_blocks`]) sums to zero: the square
/// roots of the diagonal of the covariance.
///
/// With `A = −H` the observed information of the maximised objective at
/// `theta` and `Z` the basis of the constrained space that writes the last
/// entry of each block as minus the sum of the block's others,
/// `Cov = Z (Zᵀ A Z)⁻¹ Zᵀ`. With a ridge penalty `A` includes its curvature
/// (`2·ridge` on the team diagonal), which makes this the curvature of the
/// penalised objective. An information matrix that is not positive definite
/// is [`FitError::SingularInformation`].
pub fn standard_errors<P: SmoothProblem + ?Sized>(
    problem: &P,
    theta: &[f64],
) -> Result<Vec<f64>, FitError> {
    let p = problem.dimension();
    let mut gradient = vec![0.0; p];
    let mut hessian = DMatrix::zeros(p, p);
    problem.objective_gradient_hessian(theta, &mut gradient, &mut hessian);
    constrained_standard_errors(&problem.gauge_blocks(), &hessian)
}

/// [`standard_errors`] from a Hessian already computed at the optimum, with
/// the gauge blocks given (disjoint, increasing, each of at least one entry).
///
/// Only the diagonal of the covariance and the sums over each block are
/// needed, so with `Zᵀ A Z = L Lᵀ` (Cholesky) and `X = L⁻¹`:
/// `Var_k = Σ_j X_jk²` and `1ᵀ Cov_block 1 = ‖X 1_block‖²`; the last entry
/// of a block is minus the sum of the others, so its variance is the
/// latter.
pub fn constrained_standard_errors(
    blocks: &[Range<usize>],
    hessian: &DMatrix<f64>,
) -> Result<Vec<f64>, FitError> {
    let p = hessian.nrows();
    // Reduced coordinate k ↦ (its own full index, the index it is subtracted
    // from): every block entry but the last, block by block, then every
    // index outside the blocks.
    let mut column = Vec::with_capacity(p);
    let mut reduced_blocks = Vec::with_capacity(blocks.len());
    let mut in_block = vec![false; p];
    for block in blocks {
        let last = block.end - 1;
        let from = column.len();
        for j in block.start..last {
            column.push((j, Some(last)));
        }
        reduced_blocks.push((from, column.len(), last));
        block.clone().for_each(|j| in_block[j] = true);
    }
    for (j, _) in in_block.iter().enumerate().filter(|(_, b)| !**b) {
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
    let sd = |v: f64| v.max(0.0).sqrt();
    let mut errors = vec![0.0; p];
    for (k, &(full, _)) in column.iter().enumerate() {
        errors[full] = sd(x.column(k).norm_squared());
    }
    for (from, to, last) in reduced_blocks {
        let block_sum: f64 = (0..r)
            .map(|j| (from..to).map(|k| x[(j, k)]).sum::<f64>().powi(2))
            .sum();
        errors[last] = sd(block_sum);
    }
    Ok(errors)
}

impl StandardErrors {
    /// The Dixon–Coles layout's view of flat standard errors (from
    /// [`standard_errors`] or [`constrained_standard_errors`]).
    pub fn from_flat(layout: ParamLayout, errors: &[f64]) -> Self {
        let n = layout.n_teams;
        StandardErrors {
            attack: errors[..n].to_vec(),
            defence: errors[n..2 * n].to_vec(),
            intercept: errors[layout.intercept()],
            home_advantage: layout.home_advantage.map(|i| errors[i]),
            rho: layout.rho.map(|i| errors[i]),
            extra: Vec::new(),
        }
    }
}

/// [`constrained_standard_errors`] for the Dixon–Coles layout (gauge blocks
/// attack `0..n` and defence `n..2n`), as [`StandardErrors`].
pub fn standard_errors_from_hessian(
    layout: ParamLayout,
    hessian: &DMatrix<f64>,
) -> Result<StandardErrors, FitError> {
    let n = layout.n_teams;
    let errors = constrained_standard_errors(&[0..n, n..2 * n], hessian)?;
    Ok(StandardErrors::from_flat(layout, &errors))
}
