//! The Weibull-count copula family (Boshnakov, Kharrat & McHale 2017; penaltyblog's `WeibullCopulaGoalsModel`): Weibull-count marginals with one shape s (s = 1 is Poisson) joined by a Frank copula κ (κ = 0 independence). The Weibull-count pmf is summed to convergence, not cut at 15 terms as penaltyblog does. Distribution: `crate::distributions::weibull_copula`.

use crate::distributions::{weibull_copula as dist, Local};
use crate::model::families::kernel::{Kernel, KernelFamily};
use crate::model::families::ExtraParameter;
use crate::model::options::Family;

/// The kernel of the `weibull_copula` family (see the module documentation).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeibullCopulaKernel;

/// The `weibull_copula` family as a goal model.
pub type WeibullCopula = KernelFamily<WeibullCopulaKernel, 2, 4>;

impl Kernel<2, 4> for WeibullCopulaKernel {
    const FAMILY: Family = Family::WeibullCopula;
    const NAME: &'static str = "weibull_copula";
    const EXTRAS: &'static [ExtraParameter] = &[
        ExtraParameter {
            name: "shape",
            lower: 0.05,
            upper: f64::INFINITY,
        },
        ExtraParameter {
            name: "kappa",
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
        },
    ];
    const START: [f64; 2] = [1.0, 0.0];

    fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; 2]) -> f64 {
        dist::log_prob(x, y, eta_home, eta_away, extra)
    }

    fn local(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; 2]) -> Local<4> {
        dist::log_prob_derivatives(x, y, eta_home, eta_away, extra)
    }

    fn grid(home_rate: f64, away_rate: f64, extra: &[f64; 2], max_goals: usize) -> Vec<f64> {
        dist::score_grid(home_rate, away_rate, extra, max_goals)
    }

    fn tail(rate: f64, extra: &[f64; 2], m: usize) -> f64 {
        dist::marginal_tail(rate, extra, m)
    }

    /// One pmf evaluation per side for every size ([`dist::smallest_grid`]).
    fn smallest_grid(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; 2],
        outside: f64,
    ) -> Option<usize> {
        dist::smallest_grid(home_rate, away_rate, extra, outside)
    }
}
