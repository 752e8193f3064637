//! The negative-binomial family: each side's goals negative binomial with mean λ (ν) and variance λ + α·λ², one dispersion α = 1/r ≥ 0 for both sides (α = 0 is the Poisson model, and a fit may end exactly there: `FitSummary::at_boundary`). The distribution and its derivatives are in `crate::distributions::negative_binomial`; penaltyblog's `NegativeBinomialGoalModel` fits the same likelihood with `dispersion` = r.

use crate::model::families::kernel::kernel_family;

kernel_family! {
    /// The kernel of the `negative_binomial` family (see the module documentation).
    kernel NegativeBinomialKernel,
    /// The `negative_binomial` family as a goal model.
    family NegativeBinomial = NegativeBinomial("negative_binomial"),
    module negative_binomial, extras 1, coordinates 3,
    [ExtraParameter {
        name: "dispersion",
        lower: 0.0,
        upper: f64::INFINITY,
    }], start [0.05];
    /// In O(max_goals), without the grid ([`dist::outcome_sums`]).
    fn outcome_sums(
        home_rate: f64,
        away_rate: f64,
        extra: &[f64; 1],
        max_goals: usize,
    ) -> Option<[f64; 3]> {
        dist::outcome_sums(home_rate, away_rate, extra, max_goals)
    }

}
