//! The Conway–Maxwell–Poisson family as R goalmodel's `model = 'cmp'`: the linear predictor is the approximate mean m, the CMP rate (m + (ν − 1)/(2ν))^ν, one dispersion ν > 0 for both sides (ν = 1 is Poisson; ν > 1 under-dispersed). Distribution: `crate::distributions::conway_maxwell_poisson`.

use crate::model::families::kernel::kernel_family;

kernel_family! {
    /// The kernel of the `conway_maxwell_poisson` family (see the module documentation).
    kernel ConwayMaxwellPoissonKernel,
    /// The `conway_maxwell_poisson` family as a goal model.
    family ConwayMaxwellPoisson = ConwayMaxwellPoisson("conway_maxwell_poisson"),
    module conway_maxwell_poisson, extras 1, coordinates 3,
    [ExtraParameter {
        name: "cmp_nu",
        lower: 0.05,
        upper: f64::INFINITY,
    }], start [1.0];
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
