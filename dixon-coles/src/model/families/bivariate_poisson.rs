//! The bivariate Poisson family (Karlis & Ntzoufras 2003; penaltyblog's `BivariatePoissonGoalModel`): X = X₁ + X₃, Y = X₂ + X₃ with X₁ ~ Pois(λ), X₂ ~ Pois(ν), X₃ ~ Pois(λ₃), λ₃ ≥ 0 the shared component (λ₃ = 0 is Poisson). Distribution: `crate::distributions::bivariate_poisson`.

use crate::distributions::{bivariate_poisson as dist, Local};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::ExtraParameter;
use crate::model::options::Family;

/// The kernel of the `bivariate_poisson` family (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BivariatePoissonKernel;

/// The `bivariate_poisson` family as a goal model.
pub type BivariatePoisson = KernelFamily<BivariatePoissonKernel, 1, 3>;

impl Kernel<1, 3> for BivariatePoissonKernel {
    const FAMILY: Family = Family::BivariatePoisson;
    const NAME: &'static str = "bivariate_poisson";
    const EXTRAS: &'static [ExtraParameter] = &[ExtraParameter {
        name: "lambda3",
        lower: 0.0,
        upper: f64::INFINITY,
    }];
    const START: [f64; 1] = [0.05];

    fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; 1]) -> f64 {
        dist::log_prob(x, y, eta_home, eta_away, extra)
    }

    fn local(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; 1]) -> Local<3> {
        dist::log_prob_derivatives(x, y, eta_home, eta_away, extra)
    }

    fn grid(home_rate: f64, away_rate: f64, extra: &[f64; 1], max_goals: usize) -> Vec<f64> {
        dist::score_grid(home_rate, away_rate, extra, max_goals)
    }

    fn tail(rate: f64, extra: &[f64; 1], m: usize) -> f64 {
        dist::marginal_tail(rate, extra, m)
    }
}
