//! Every family recovers known parameters from simulated leagues (an
//! 8-team double round robin played 20 times, some neutral venues): the
//! z-scores (estimate − truth) / standard error of the home advantage, the
//! ratings and each extra parameter are centred on 0 with a spread near 1
//! (standard deviation in [0.8, 1.25]).
//!
//! Few teams and many matches per team: the maximum-likelihood estimate of
//! a dispersion parameter is biased towards "no extra dispersion" by about
//! (number of fitted means / matches) — the fitted ratings absorb part of
//! the noise (the incidental-parameter effect). With 20 teams and 760
//! matches that bias is about 0.6 standard errors for the negative
//! binomial's α, the inflation π, the CMP ν and the Weibull shape; with 8
//! teams and 1,120 matches it is about a quarter of one, which the test's
//! tolerance on the mean z-score covers.//!
//! Scores are drawn from the family's own score grid
//! (`Family::score_grid`), which `families_parity.rs` checks against the
//! independent scipy reference (1X2 within 1e-11 on real data) and the
//! distribution tests check cell by cell against `log_prob`.

mod common;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::{Family, FitOptions};
use scoreline_dixon_coles::model::params::Parameters;
use scoreline_dixon_coles::weights::TimeDecay;

/// Double round robins played `ROUNDS` times from `truth` under `family`,
/// one match a day.
fn simulate(family: Family, truth: &Parameters, seed: u64) -> Vec<Match> {
    let n = truth.n_teams();
    let names = common::team_names(n);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2023, 8, 1).unwrap();
    let mut matches = Vec::new();
    let mut k = 0u64;
    for _ in 0..ROUNDS {
        for h in 0..n {
            for a in 0..n {
                if h == a {
                    continue;
                }
                let neutral = k.is_multiple_of(7);
                let (lam, nu) = truth.expected_goals(h, a, neutral);
                let grid = family
                    .score_grid(truth, lam, nu, GridSize::Adaptive)
                    .unwrap();
                let u: f64 = rng.random();
                let size = grid.max_goals() + 1;
                let mut cumulative = 0.0;
                let mut score = (grid.max_goals(), grid.max_goals());
                'find: for x in 0..size {
                    for y in 0..size {
                        cumulative += grid.probability(x, y);
                        if cumulative >= u {
                            score = (x, y);
                            break 'find;
                        }
                    }
                }
                let mut m = Match::new(
                    start + Days::new(k),
                    &names[h],
                    &names[a],
                    score.0 as u32,
                    score.1 as u32,
                );
                m.neutral = neutral;
                matches.push(m);
                k += 1;
            }
        }
    }
    matches
}

/// Teams in each simulated league, and its double round robins.
const TEAMS: usize = 8;
const ROUNDS: usize = 20;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

fn recovers(family: Family, extra: &[f64], reps: u64) {
    let mut truth = common::true_parameters(TEAMS, 11);
    truth.rho = 0.0;
    truth.extra = extra.to_vec();
    let options = FitOptions {
        family,
        time_decay: TimeDecay::none(),
        ..Default::default()
    };
    let names: Vec<&str> = family.extra_parameters().iter().map(|e| e.name).collect();
    let mut z: Vec<(String, Vec<f64>)> = ["home_advantage", "attack", "defence"]
        .iter()
        .map(|s| (s.to_string(), Vec::new()))
        .chain(names.iter().map(|s| (s.to_string(), Vec::new())))
        .collect();
    let mut held = 0;
    for rep in 0..reps {
        let matches = simulate(family, &truth, 5000 + rep);
        let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
        let model = fit(&data, &options).unwrap_or_else(|e| panic!("{}: {e}", family.name()));
        let (p, se) = (model.parameters(), model.standard_errors().unwrap());
        assert!(model.summary().gradient_norm <= 1e-7);
        z[0].1
            .push((p.home_advantage - truth.home_advantage) / se.home_advantage.unwrap());
        for t in 0..TEAMS {
            z[1].1.push((p.attack[t] - truth.attack[t]) / se.attack[t]);
            z[2].1
                .push((p.defence[t] - truth.defence[t]) / se.defence[t]);
        }
        for (j, value) in p.extra.iter().enumerate() {
            match se.extra[j] {
                Some(s) => z[3 + j].1.push((value - truth.extra[j]) / s),
                None => held += 1,
            }
        }
    }
    eprintln!(
        "{}: {held} extras held on their bound in {reps} fits",
        family.name()
    );
    assert!(
        held * 20 <= reps as usize,
        "{held} of {reps} fits on the bound"
    );
    for (name, values) in &z {
        let (m, s) = (mean(values), sd(values));
        let tolerance = 4.0 / (values.len() as f64).sqrt() + 0.1;
        eprintln!(
            "{} {name}: mean z {m:+.3}, sd {s:.3} ({} values)",
            family.name(),
            values.len()
        );
        assert!(
            m.abs() < tolerance,
            "{} {name}: mean z {m:.3}",
            family.name()
        );
        assert!(
            (0.8..1.25).contains(&s),
            "{} {name}: sd of z {s:.3}",
            family.name()
        );
    }
}

#[test]
fn negative_binomial_recovers_its_parameters() {
    recovers(Family::NegativeBinomial, &[0.15], 120);
}

#[test]
fn zero_inflated_poisson_recovers_its_parameters() {
    recovers(Family::ZeroInflatedPoisson, &[0.1], 120);
}

#[test]
fn bivariate_poisson_recovers_its_parameters() {
    recovers(Family::BivariatePoisson, &[0.25], 120);
}

#[test]
fn conway_maxwell_poisson_recovers_its_parameters() {
    recovers(Family::ConwayMaxwellPoisson, &[1.3], 120);
}

#[test]
fn weibull_copula_recovers_its_parameters() {
    recovers(Family::WeibullCopula, &[1.15, -0.8], 80);
}

#[test]
fn poisson_recovers_its_parameters() {
    recovers(Family::Poisson, &[], 80);
}
