//! The bivariate Poisson family (Karlis & Ntzoufras 2003; penaltyblog's `BivariatePoissonGoalModel`): X = X₁ + X₃, Y = X₂ + X₃ with X₁ ~ Pois(λ), X₂ ~ Pois(ν), X₃ ~ Pois(λ₃), λ₃ ≥ 0 the shared component (λ₃ = 0 is Poisson). Distribution: `crate::distributions::bivariate_poisson`.

use crate::model::families::kernel::kernel_family;

kernel_family! {
    /// The kernel of the `bivariate_poisson` family (see the module documentation).
    kernel BivariatePoissonKernel,
    /// The `bivariate_poisson` family as a goal model.
    family BivariatePoisson = BivariatePoisson("bivariate_poisson"),
    module bivariate_poisson, extras 1, coordinates 3,
    [ExtraParameter {
        name: "lambda3",
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
