//! The zero-inflated Poisson family (penaltyblog's `ZeroInflatedPoissonGoalsModel`): each side's goals are 0 with probability π + (1 − π)e^(−λ) and k ≥ 1 with (1 − π)·Pois(k; λ), independently, one π ∈ [0, 1) for both sides (π = 0 is Poisson). Distribution: `crate::distributions::zero_inflated_poisson`.

use crate::distributions::{zero_inflated_poisson as dist, Local};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::ExtraParameter;
use crate::model::options::Family;

/// The kernel of the `zero_inflated_poisson` family (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZeroInflatedPoissonKernel;

/// The `zero_inflated_poisson` family as a goal model.
pub type ZeroInflatedPoisson = KernelFamily<ZeroInflatedPoissonKernel, 1, 3>;

impl Kernel<1, 3> for ZeroInflatedPoissonKernel {
    const FAMILY: Family = Family::ZeroInflatedPoisson;
    const NAME: &'static str = "zero_inflated_poisson";
    const EXTRAS: &'static [ExtraParameter] = &[ExtraParameter {
        name: "zero_inflation",
        lower: 0.0,
        upper: 1.0,
    }];
    const START: [f64; 1] = [0.02];

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
