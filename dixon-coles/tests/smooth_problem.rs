//! The solvers and the standard errors are generic over `SmoothProblem`:
//! a problem that is not a goal model (a least-squares fit with one gauge
//! block) is solved by Newton and by L-BFGS to the same point, and its
//! standard errors match the closed form.

use std::ops::Range;

use nalgebra::DMatrix;
use scoreline_dixon_coles::model::fit::{lbfgs, newton, Termination};
use scoreline_dixon_coles::model::problem::SmoothProblem;
use scoreline_dixon_coles::model::uncertainty::standard_errors;

/// `f(a, m) = −Σᵢ (aᵢ + m − tᵢ)²` over `θ = (a₀, …, a_{k−1}, m)`: flat along
/// "every a up by c, m down by c", so `a` is a gauge block.
struct Offsets {
    targets: Vec<f64>,
}

impl SmoothProblem for Offsets {
    fn dimension(&self) -> usize {
        self.targets.len() + 1
    }

    fn objective(&self, theta: &[f64]) -> f64 {
        let m = theta[self.targets.len()];
        -self
            .targets
            .iter()
            .zip(theta)
            .map(|(t, a)| (a + m - t).powi(2))
            .sum::<f64>()
    }

    fn objective_gradient(&self, theta: &[f64], gradient: &mut [f64]) -> f64 {
        let k = self.targets.len();
        gradient[k] = 0.0;
        for i in 0..k {
            let r = theta[i] + theta[k] - self.targets[i];
            gradient[i] = -2.0 * r;
            gradient[k] -= 2.0 * r;
        }
        self.objective(theta)
    }

    fn objective_gradient_hessian(
        &self,
        theta: &[f64],
        gradient: &mut [f64],
        hessian: &mut DMatrix<f64>,
    ) -> f64 {
        let k = self.targets.len();
        hessian.fill(0.0);
        for i in 0..k {
            hessian[(i, i)] = -2.0;
            hessian[(i, k)] = -2.0;
            hessian[(k, i)] = -2.0;
        }
        hessian[(k, k)] = -2.0 * k as f64;
        self.objective_gradient(theta, gradient)
    }

    fn recentre(&self, theta: &mut [f64]) {
        let k = self.targets.len();
        let mean = theta[..k].iter().sum::<f64>() / k as f64;
        theta[..k].iter_mut().for_each(|a| *a -= mean);
        theta[k] += mean;
    }

    fn gauge_blocks(&self) -> Vec<Range<usize>> {
        let one_block = 0..self.targets.len();
        Vec::from([one_block])
    }
}

#[test]
fn newton_lbfgs_and_standard_errors_work_on_any_smooth_problem() {
    let targets = vec![1.0, -0.5, 2.5, 0.25];
    let k = targets.len();
    let mean = targets.iter().sum::<f64>() / k as f64;
    let problem = Offsets {
        targets: targets.clone(),
    };
    let start = vec![0.3, 0.1, -0.2, 0.0, 5.0];
    let by_newton = newton(&problem, start.clone(), 1e-10, 50);
    let by_lbfgs = lbfgs(&problem, start, 1e-8, 500);
    for report in [&by_newton, &by_lbfgs] {
        assert_eq!(report.termination, Termination::Converged);
        // The optimum with Σ a = 0: m = mean(t), aᵢ = tᵢ − mean(t).
        assert!((report.theta[k] - mean).abs() < 1e-7, "{:?}", report.theta);
        for (a, t) in report.theta.iter().zip(&targets) {
            assert!((a - (t - mean)).abs() < 1e-7);
        }
    }
    // Information 2·(I + 1 1ᵀ-coupling); under Σ a = 0 the covariance of a is
    // (I − 11ᵀ/k)/2 and that of m is 1/(2k).
    let se = standard_errors(&problem, &by_newton.theta).unwrap();
    let var_a = (1.0 - 1.0 / k as f64) / 2.0;
    for s in &se[..k] {
        assert!((s - var_a.sqrt()).abs() < 1e-12, "{se:?}");
    }
    assert!((se[k] - (0.5 / k as f64).sqrt()).abs() < 1e-12, "{se:?}");
}
