//! The Conway–Maxwell–Poisson family as R goalmodel's `model = 'cmp'`: the linear predictor is the approximate mean m, the CMP rate (m + (ν − 1)/(2ν))^ν, one dispersion ν > 0 for both sides (ν = 1 is Poisson; ν > 1 under-dispersed). Distribution: `crate::distributions::conway_maxwell_poisson`.

use crate::distributions::{conway_maxwell_poisson as dist, Local};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::ExtraParameter;
use crate::model::options::Family;

/// The kernel of the `conway_maxwell_poisson` family (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConwayMaxwellPoissonKernel;

/// The `conway_maxwell_poisson` family as a goal model.
pub type ConwayMaxwellPoisson = KernelFamily<ConwayMaxwellPoissonKernel, 1, 3>;

impl Kernel<1, 3> for ConwayMaxwellPoissonKernel {
    const FAMILY: Family = Family::ConwayMaxwellPoisson;
    const NAME: &'static str = "conway_maxwell_poisson";
    const EXTRAS: &'static [ExtraParameter] = &[ExtraParameter {
        name: "cmp_nu",
        lower: 0.05,
        upper: f64::INFINITY,
    }];
    const START: [f64; 1] = [1.0];

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
