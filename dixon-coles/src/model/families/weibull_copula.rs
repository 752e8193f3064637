//! The Weibull-count copula family (Boshnakov, Kharrat & McHale 2017; penaltyblog's `WeibullCopulaGoalsModel`): Weibull-count marginals with one shape s (s = 1 is Poisson) joined by a Frank copula κ (κ = 0 independence). The Weibull-count pmf is summed to convergence, not cut at 15 terms as penaltyblog does. Distribution: `crate::distributions::weibull_copula`.

use crate::model::families::kernel::kernel_family;

kernel_family! {
    /// The kernel of the `weibull_copula` family (see the module documentation).
    kernel WeibullCopulaKernel,
    /// The `weibull_copula` family as a goal model.
    family WeibullCopula = WeibullCopula("weibull_copula"),
    module weibull_copula, extras 2, coordinates 4,
    [ExtraParameter {
            name: "shape",
            lower: 0.05,
            upper: f64::INFINITY,
        },
        ExtraParameter {
            name: "kappa",
            lower: f64::NEG_INFINITY,
            upper: f64::INFINITY,
        }], start [1.0, 0.0];
    /// Each side's series powers are kept for its last rate.
    const CELLS_BY_PAIR: bool = true;
    /// The sums of [`dist::score_grid`]'s cells, without copying the grid
    /// (the one a prediction just built is reused: [`dist::with_score_grid`]).
    fn outcome_sums(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; 2],
        max_goals: usize,
    ) -> Option<[f64; 3]> {
        dist::with_score_grid(home_rate, away_rate, extra, max_goals, |cells| {
            crate::model::families::kernel::grid_outcome_sums(cells, max_goals)
        })
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
