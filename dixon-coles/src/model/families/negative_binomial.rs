//! The negative-binomial family: each side's goals negative binomial with mean λ (ν) and variance λ + α·λ², one dispersion α = 1/r ≥ 0 for both sides (α = 0 is the Poisson model, and a fit may end exactly there: `FitSummary::at_boundary`). The distribution and its derivatives are in `crate::distributions::negative_binomial`; penaltyblog's `NegativeBinomialGoalModel` fits the same likelihood with `dispersion` = r.

use crate::distributions::{negative_binomial as dist, Local};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::ExtraParameter;
use crate::model::options::Family;

/// The kernel of the `negative_binomial` family (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NegativeBinomialKernel;

/// The `negative_binomial` family as a goal model.
pub type NegativeBinomial = KernelFamily<NegativeBinomialKernel, 1, 3>;

impl Kernel<1, 3> for NegativeBinomialKernel {
    const FAMILY: Family = Family::NegativeBinomial;
    const NAME: &'static str = "negative_binomial";
    const EXTRAS: &'static [ExtraParameter] = &[ExtraParameter {
        name: "dispersion",
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
