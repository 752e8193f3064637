//! argmin's L-BFGS on any [`SmoothProblem`], for data with many teams where
//! a dense Newton step is too expensive.

use std::sync::Mutex;

use argmin::core::{
    CostFunction, Error as ArgminError, Executor, Gradient, Hessian, TerminationReason,
    TerminationStatus,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use nalgebra::DMatrix;

use super::newton::max_abs;
use super::{SolverReport, Termination};
use crate::model::problem::SmoothProblem;

/// The last point evaluated: scaled coordinates, cost and scaled gradient.
type CachedEvaluation = (Vec<f64>, f64, Vec<f64>);

/// The cost reported outside the feasible region.
const INFEASIBLE_COST: f64 = 1e100;

/// The likelihood as an argmin minimisation problem: cost = −objective.
///
/// Cost and gradient at the same point are computed in one pass and cached,
/// because argmin asks for them separately.
///
/// The solver works in scaled coordinates `z`, with `θ = origin + scale ⊙ z`
/// (diagonal preconditioning: `scale_j = 1/√(−H_jj)` at the start), which
/// makes the first steps of L-BFGS about the size of Newton steps.
pub struct NegativeObjective<'a, P: SmoothProblem + ?Sized> {
    problem: &'a P,
    origin: Vec<f64>,
    scale: Vec<f64>,
    cache: Mutex<Option<CachedEvaluation>>,
}

impl<'a, P: SmoothProblem + ?Sized> NegativeObjective<'a, P> {
    /// Wraps a problem, preconditioned at `origin` (z = 0 is `origin`).
    pub fn new(problem: &'a P, origin: Vec<f64>) -> Self {
        let len = origin.len();
        let mut g = vec![0.0; len];
        let mut h = DMatrix::zeros(len, len);
        problem.objective_gradient_hessian(&origin, &mut g, &mut h);
        let scale = (0..len)
            .map(|j| {
                let d = -h[(j, j)];
                if d.is_finite() && d > 1e-12 {
                    1.0 / d.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Self {
            problem,
            origin,
            scale,
            cache: Mutex::new(None),
        }
    }

    /// The parameter vector θ of scaled coordinates `z`.
    pub fn theta(&self, z: &[f64]) -> Vec<f64> {
        self.origin
            .iter()
            .zip(&self.scale)
            .zip(z)
            .map(|((o, s), z)| o + s * z)
            .collect()
    }

    fn cost_and_gradient(&self, z: &[f64]) -> (f64, Vec<f64>) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((x, c, g)) = cache.as_ref() {
            if x.as_slice() == z {
                return (*c, g.clone());
            }
        }
        let theta = self.theta(z);
        let mut g = vec![0.0; theta.len()];
        let value = self.problem.objective_gradient(&theta, &mut g);
        // Outside the region where every τ is positive the objective is −∞;
        // argmin's line search needs finite numbers, so report a huge cost
        // with a flat gradient there, which makes it shrink the step.
        let cost = if value.is_finite() {
            -value
        } else {
            INFEASIBLE_COST
        };
        if value.is_finite() {
            g.iter_mut()
                .zip(&self.scale)
                .for_each(|(v, s)| *v = -*v * s);
        } else {
            g.iter_mut().for_each(|v| *v = 0.0);
        }
        *cache = Some((z.to_vec(), cost, g.clone()));
        (cost, g)
    }
}

impl<P: SmoothProblem + ?Sized> CostFunction for NegativeObjective<'_, P> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, param: &Self::Param) -> Result<Self::Output, ArgminError> {
        Ok(self.cost_and_gradient(param).0)
    }
}

impl<P: SmoothProblem + ?Sized> Gradient for NegativeObjective<'_, P> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;

    fn gradient(&self, param: &Self::Param) -> Result<Self::Gradient, ArgminError> {
        Ok(self.cost_and_gradient(param).1)
    }
}

impl<P: SmoothProblem + ?Sized> Hessian for NegativeObjective<'_, P> {
    type Param = Vec<f64>;
    type Hessian = Vec<Vec<f64>>;

    fn hessian(&self, param: &Self::Param) -> Result<Self::Hessian, ArgminError> {
        let len = param.len();
        let mut g = vec![0.0; len];
        let mut h = DMatrix::zeros(len, len);
        self.problem
            .objective_gradient_hessian(&self.theta(param), &mut g, &mut h);
        Ok((0..len)
            .map(|r| {
                (0..len)
                    .map(|c| -h[(r, c)] * self.scale[r] * self.scale[c])
                    .collect()
            })
            .collect())
    }
}

/// Maximises the objective with argmin's L-BFGS (memory 10, Moré–Thuente
/// line search, diagonal preconditioning) until the largest absolute
/// gradient entry is at most `tolerance`, then re-centres attack and defence.
pub fn lbfgs<P: SmoothProblem + ?Sized>(
    problem: &P,
    theta: Vec<f64>,
    tolerance: f64,
    max_iterations: usize,
) -> SolverReport {
    let cost = NegativeObjective::new(problem, theta.clone());
    let z0 = vec![0.0; theta.len()];
    // ∂/∂z = scale ⊙ ∂/∂θ, so |∂/∂θ|∞ ≤ tolerance once ‖∂/∂z‖₂ ≤ tolerance·min(scale).
    let min_scale = cost.scale.iter().fold(f64::INFINITY, |m, s| m.min(*s));
    let linesearch = match MoreThuenteLineSearch::new().with_bounds(1e-12, 1.0) {
        Ok(l) => l,
        Err(e) => return failed(problem, theta, 0, e.to_string()),
    };
    let solver = match LBFGS::new(linesearch, 10)
        .with_tolerance_grad(tolerance * min_scale)
        .and_then(|s| s.with_tolerance_cost(0.0))
    {
        Ok(s) => s,
        Err(e) => return failed(problem, theta, 0, e.to_string()),
    };
    let start = theta.clone();
    let result = Executor::new(cost, solver)
        .configure(|state| state.param(z0).max_iters(max_iterations as u64))
        .run();
    let (mut best, iterations, status) = match result {
        Ok(res) => {
            let mut state = res.state;
            let iterations = state.iter as usize;
            let status = state.termination_status.clone();
            match state.best_param.take() {
                Some(z) => (
                    res.problem
                        .problem
                        .as_ref()
                        .map_or_else(|| start.clone(), |p| p.theta(&z)),
                    iterations,
                    status,
                ),
                None => return failed(problem, start, iterations, "no parameters".into()),
            }
        }
        Err(e) => return failed(problem, start, 0, e.to_string()),
    };
    problem.recentre(&mut best);
    let mut gradient = vec![0.0; best.len()];
    let objective = problem.objective_gradient(&best, &mut gradient);
    let gradient_norm = max_abs(&gradient);
    let termination = match status {
        _ if gradient_norm <= tolerance => Termination::Converged,
        TerminationStatus::Terminated(TerminationReason::MaxItersReached) => {
            Termination::MaxIterations
        }
        other => Termination::Stalled(format!("{other}")),
    };
    SolverReport {
        theta: best,
        objective,
        gradient_norm,
        iterations,
        termination,
        hessian: None,
    }
}

fn failed<P: SmoothProblem + ?Sized>(
    problem: &P,
    theta: Vec<f64>,
    iterations: usize,
    why: String,
) -> SolverReport {
    let mut gradient = vec![0.0; theta.len()];
    let objective = problem.objective_gradient(&theta, &mut gradient);
    SolverReport {
        gradient_norm: max_abs(&gradient),
        theta,
        objective,
        iterations,
        termination: Termination::Stalled(why),
        hessian: None,
    }
}
