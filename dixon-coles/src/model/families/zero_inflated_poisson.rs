//! The zero-inflated Poisson family (penaltyblog's `ZeroInflatedPoissonGoalsModel`): each side's goals are 0 with probability π + (1 − π)e^(−λ) and k ≥ 1 with (1 − π)·Pois(k; λ), independently, one π ∈ [0, 1) for both sides (π = 0 is Poisson). Distribution: `crate::distributions::zero_inflated_poisson`.

use crate::model::families::kernel::kernel_family;

kernel_family! {
    /// The kernel of the `zero_inflated_poisson` family (see the module documentation).
    kernel ZeroInflatedPoissonKernel,
    /// The `zero_inflated_poisson` family as a goal model.
    family ZeroInflatedPoisson = ZeroInflatedPoisson("zero_inflated_poisson"),
    module zero_inflated_poisson, extras 1, coordinates 3,
    [ExtraParameter {
        name: "zero_inflation",
        lower: 0.0,
        upper: 1.0,
    }], start [0.02];
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
