//! Parameter recovery: simulate a 20-team double round robin many times from
//! known parameters (ρ ≠ 0, some neutral venues) and check that the
//! estimates are centred on the truth with spreads the standard errors predict.

mod common;

use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
use scoreline_dixon_coles::weights::TimeDecay;

#[test]
fn recovers_known_parameters_with_honest_standard_errors() {
    let truth = common::true_parameters(20, 7);
    let reps = 200;
    let options = FitOptions {
        time_decay: TimeDecay::none(),
        ..Default::default()
    };
    // z-scores (estimate − truth) / standard error, per parameter kind.
    let mut z_gamma = Vec::new();
    let mut z_rho = Vec::new();
    let mut z_attack = Vec::new();
    let mut z_defence = Vec::new();
    let mut mean_rho = 0.0;
    // Fits whose ρ̂ fell outside the region where τ is valid for every pair
    // (ρ moved to its edge, no standard error).
    let mut at_bound = 0;
    for rep in 0..reps {
        let matches = common::simulate_season(&truth, 1000 + rep, 5);
        let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
        let model = fit(&data, &options).unwrap();
        let p = model.parameters();
        let se = model.standard_errors().unwrap();
        z_gamma.push((p.home_advantage - truth.home_advantage) / se.home_advantage.unwrap());
        match se.rho {
            Some(se_rho) => z_rho.push((p.rho - truth.rho) / se_rho),
            None => {
                assert!(model.summary().rho_at_bound);
                at_bound += 1;
            }
        }
        mean_rho += p.rho / reps as f64;
        for t in 0..20 {
            // names T00..T19 sort in id order, so ids match the truth's indices
            z_attack.push((p.attack[t] - truth.attack[t]) / se.attack[t]);
            z_defence.push((p.defence[t] - truth.defence[t]) / se.defence[t]);
        }
    }
    eprintln!("{at_bound} of {reps} fits with ρ at its bound");
    assert!(
        at_bound * 20 <= reps,
        "{at_bound} of {reps} fits with ρ at its bound"
    );
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let sd = |v: &[f64]| {
        let m = mean(v);
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
    };
    for (name, z) in [
        ("gamma", &z_gamma),
        ("rho", &z_rho),
        ("attack", &z_attack),
        ("defence", &z_defence),
    ] {
        let (m, s) = (mean(z), sd(z));
        // Unbiased within 4 standard errors of the mean z, and standard errors
        // that describe the spread (sd of z near 1; MLE small-sample bias allowed for).
        let tol = 4.0 / (z.len() as f64).sqrt() + 0.1;
        assert!(m.abs() < tol, "{name}: mean z {m:.3} (tolerance {tol:.3})");
        assert!((0.8..1.25).contains(&s), "{name}: sd of z {s:.3}");
    }
    assert!(
        (mean_rho - truth.rho).abs() < 0.02,
        "mean rho {mean_rho} vs {}",
        truth.rho
    );
}
