//! A safeguarded Newton method with the analytic Hessian.

use nalgebra::{DMatrix, DVector};

use super::{SolverReport, Termination};
use crate::model::problem::SmoothProblem;

/// Maximises the objective from `theta` by Newton steps.
///
/// Each step solves `(−H + κ·P) δ = g` by Cholesky (nalgebra), where `P`
/// adds `κ` to every entry of each gauge block
/// ([`SmoothProblem::gauge_blocks`], e.g. the attack block and the defence
/// block): the likelihood is flat along "all attacks up, intercept down"
/// (and the same for defence), and `P` removes exactly those flat
/// directions without moving the optimum, because after every step the
/// blocks are re-centred to sum to zero ([`SmoothProblem::recentre`], which
/// leaves every expected goal unchanged). κ is the blocks' part of the
/// trace of `−H` divided by the number of entries `P` touches (`Σ |block|²`). When the matrix is not positive definite (far from the
/// optimum ρ can make ℓ non-concave) a multiple of the identity is added
/// (Levenberg damping). A backtracking line search keeps the objective
/// increasing (Armijo, c = 10⁻⁴) and keeps every observed τ positive;
/// when it fails only because the objective's change is below rounding
/// (close to the optimum on large data), the full step is still taken if
/// it halves the gradient and loses at most 10⁻¹⁰·|ℓ|.
///
/// Coordinates with a lower bound ([`SmoothProblem::lower_bounds`], e.g. a
/// dispersion α ≥ 0) are kept on or above it by projecting every trial
/// point, and a coordinate on its bound whose gradient points outward
/// (∂ℓ/∂θ ≤ 0) is held there for the step (its row and column of the
/// system are the identity, its step 0): an active-set projected Newton
/// method, which reaches a maximum on the bound exactly. With bounds the
/// Armijo test uses the step actually taken, `g·(θ_new − θ)`.
///
/// Stops when the largest absolute entry of the projected gradient (the
/// gradient with the outward entries of coordinates on their bound set to
/// 0) is at most `tolerance`.
pub fn newton<P: SmoothProblem + ?Sized>(
    problem: &P,
    mut theta: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> SolverReport {
    let len = problem.dimension();
    let blocks = problem.gauge_blocks();
    let touched: usize = blocks.iter().map(|b| b.len() * b.len()).sum();
    let mut gradient = vec![0.0; len];
    let mut hessian = DMatrix::<f64>::zeros(len, len);
    let mut candidate = vec![0.0; len];
    let mut trial_gradient = vec![0.0; len];
    let mut trial_hessian = DMatrix::<f64>::zeros(len, len);
    let mut objective = problem.objective_gradient_hessian(&theta, &mut gradient, &mut hessian);
    let bounds = problem.lower_bounds();
    let mut iterations = 0;
    let termination = loop {
        let gradient_norm = projected_norm(&gradient, &theta, &bounds);
        if gradient_norm <= tolerance {
            break Termination::Converged;
        }
        if iterations >= max_iterations {
            break Termination::MaxIterations;
        }
        iterations += 1;
        // M = −H + κ P.
        let mut m = -&hessian;
        let kappa = blocks
            .iter()
            .flat_map(|b| b.clone())
            .map(|j| m[(j, j)])
            .sum::<f64>()
            / touched as f64;
        let kappa = if kappa.is_finite() && kappa > 0.0 {
            kappa
        } else {
            1.0
        };
        for block in &blocks {
            for r in block.clone() {
                for c in block.clone() {
                    m[(r, c)] += kappa;
                }
            }
        }
        // Coordinates held on their bound: identity rows, zero right-hand side.
        let mut rhs = gradient.clone();
        for &(i, lower) in &bounds {
            if theta[i] <= lower && gradient[i] <= 0.0 {
                for j in 0..len {
                    m[(i, j)] = 0.0;
                    m[(j, i)] = 0.0;
                }
                m[(i, i)] = 1.0;
                rhs[i] = 0.0;
            }
        }
        let Some(step) = solve_damped(m, &rhs) else {
            break Termination::Stalled("the Newton system could not be solved".into());
        };
        let slope: f64 = step.iter().zip(&rhs).map(|(s, g)| s * g).sum();
        // The full step, with its gradient and Hessian (needed next anyway).
        for j in 0..len {
            candidate[j] = theta[j] + step[j];
        }
        project(&mut candidate, &bounds);
        problem.recentre(&mut candidate);
        let taken = |candidate: &[f64], t: f64| {
            if bounds.is_empty() {
                t * slope
            } else {
                (0..len)
                    .map(|j| gradient[j] * (candidate[j] - theta[j]))
                    .sum()
            }
        };
        let value =
            problem.objective_gradient_hessian(&candidate, &mut trial_gradient, &mut trial_hessian);
        let rounding = 1e-10 * objective.abs().max(1.0);
        if value.is_finite()
            && (value >= objective + 1e-4 * taken(&candidate, 1.0)
                || (value >= objective - rounding
                    && projected_norm(&trial_gradient, &candidate, &bounds) < gradient_norm))
        {
            std::mem::swap(&mut theta, &mut candidate);
            std::mem::swap(&mut gradient, &mut trial_gradient);
            std::mem::swap(&mut hessian, &mut trial_hessian);
            objective = value;
            continue;
        }
        // Backtracking (Armijo) from half a step.
        let mut t = 0.5;
        let accepted = loop {
            for j in 0..len {
                candidate[j] = theta[j] + t * step[j];
            }
            project(&mut candidate, &bounds);
            problem.recentre(&mut candidate);
            let value = problem.objective(&candidate);
            if value.is_finite() && value >= objective + 1e-4 * taken(&candidate, t) {
                break true;
            }
            t *= 0.5;
            if t < 1e-14 {
                break false;
            }
        };
        if !accepted {
            break Termination::Stalled("the line search found no better point".into());
        }
        std::mem::swap(&mut theta, &mut candidate);
        objective = problem.objective_gradient_hessian(&theta, &mut gradient, &mut hessian);
    };
    SolverReport {
        gradient_norm: projected_norm(&gradient, &theta, &bounds),
        theta,
        objective,
        iterations,
        termination,
        hessian: Some(hessian),
    }
}

/// Solves `M x = g` by Cholesky, adding `ν·I` with growing ν until `M` is
/// positive definite. `None` if even heavy damping fails.
fn solve_damped(m: DMatrix<f64>, gradient: &[f64]) -> Option<Vec<f64>> {
    let rhs = DVector::from_column_slice(gradient);
    if let Some(chol) = m.clone().cholesky() {
        return Some(chol.solve(&rhs).as_slice().to_vec());
    }
    let scale = (0..m.nrows()).map(|j| m[(j, j)].abs()).fold(1e-8, f64::max);
    let mut nu = 1e-6 * scale;
    while nu < 1e12 * scale {
        let mut damped = m.clone();
        for j in 0..damped.nrows() {
            damped[(j, j)] += nu;
        }
        if let Some(chol) = damped.cholesky() {
            return Some(chol.solve(&rhs).as_slice().to_vec());
        }
        nu *= 10.0;
    }
    None
}

/// Moves every bounded coordinate below its bound up onto it.
fn project(theta: &mut [f64], bounds: &[(usize, f64)]) {
    for &(i, lower) in bounds {
        if theta[i] < lower {
            theta[i] = lower;
        }
    }
}

/// The ∞-norm of the projected gradient: an entry of a coordinate on its
/// lower bound whose gradient points outward (≤ 0) counts as 0.
pub(crate) fn projected_norm(gradient: &[f64], theta: &[f64], bounds: &[(usize, f64)]) -> f64 {
    if bounds.is_empty() {
        return max_abs(gradient);
    }
    let mut norm = 0.0f64;
    for (j, g) in gradient.iter().enumerate() {
        let held = bounds
            .iter()
            .any(|&(i, lower)| i == j && theta[j] <= lower && *g <= 0.0);
        if !held {
            norm = norm.max(g.abs());
        }
    }
    norm
}

/// The largest absolute entry (the ∞-norm).
pub(crate) fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}
