//! Shared helpers for the engine's integration tests: the real data folder
//! and simulated leagues.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::model::params::Parameters;

/// `$SCORELINE_DATA_DIR`, else `../shared/data` beside the repository.
pub fn data_dir() -> PathBuf {
    std::env::var_os("SCORELINE_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"))
}

/// Team names `T00`, `T01`, ….
pub fn team_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("T{i:02}")).collect()
}

/// True parameters for an `n`-team league, centred.
pub fn true_parameters(n: usize, seed: u64) -> Parameters {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut p = Parameters {
        attack: (0..n).map(|_| rng.random_range(-0.4..0.4)).collect(),
        defence: (0..n).map(|_| rng.random_range(-0.4..0.4)).collect(),
        intercept: 0.1,
        home_advantage: 0.25,
        rho: -0.08,
        extra: Vec::new(),
    };
    p.centre();
    p
}

/// Samples a score from the Dixon–Coles distribution, written here
/// independently of the crate's grid: τ·Pois·Pois on 0..=15, normalised.
pub fn sample_score(rng: &mut impl Rng, lam: f64, nu: f64, rho: f64) -> (u32, u32) {
    const M: usize = 15;
    let pois = |rate: f64, k: usize| {
        let mut p = (-rate).exp();
        for i in 1..=k {
            p *= rate / i as f64;
        }
        p
    };
    let mut cells = Vec::with_capacity((M + 1) * (M + 1));
    let mut total = 0.0;
    for x in 0..=M {
        for y in 0..=M {
            let tau = match (x, y) {
                (0, 0) => 1.0 - lam * nu * rho,
                (0, 1) => 1.0 + lam * rho,
                (1, 0) => 1.0 + nu * rho,
                (1, 1) => 1.0 - rho,
                _ => 1.0,
            };
            let p = tau * pois(lam, x) * pois(nu, y);
            total += p;
            cells.push((x as u32, y as u32, total));
        }
    }
    let u = rng.random::<f64>() * total;
    cells
        .iter()
        .find(|c| c.2 >= u)
        .map(|c| (c.0, c.1))
        .unwrap_or((M as u32, M as u32))
}

/// A double round robin between the teams of `params`, one match per day;
/// every `neutral_every`-th match (if non-zero) is at a neutral venue.
pub fn simulate_season(params: &Parameters, seed: u64, neutral_every: usize) -> Vec<Match> {
    let n = params.n_teams();
    let names = team_names(n);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = NaiveDate::from_ymd_opt(2023, 8, 1).unwrap();
    let mut matches = Vec::new();
    let mut k = 0u64;
    for h in 0..n {
        for a in 0..n {
            if h == a {
                continue;
            }
            let neutral = neutral_every > 0 && (k as usize).is_multiple_of(neutral_every);
            let (lam, nu) = params.expected_goals(h, a, neutral);
            let (x, y) = sample_score(&mut rng, lam, nu, params.rho);
            let mut m = Match::new(start + Days::new(k), &names[h], &names[a], x, y);
            m.neutral = neutral;
            matches.push(m);
            k += 1;
        }
    }
    matches
}

/// Edits the model inside a model file and recomputes the checksum (the
/// SHA-256 of the model's canonical JSON), as a corrupting tool or a hand
/// edit that "fixed" the checksum would: only the field checks can catch it.
pub fn reseal(text: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
    use sha2::{Digest, Sha256};
    let mut doc: serde_json::Value = serde_json::from_str(text).unwrap();
    edit(&mut doc["model"]);
    let model: scoreline_dixon_coles::model::FittedModel =
        serde_json::from_value(doc["model"].clone()).unwrap();
    let canonical = serde_json::to_string(&model).unwrap();
    let digest = Sha256::digest(canonical.as_bytes());
    doc["checksum"] = digest
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .into();
    serde_json::to_string_pretty(&doc).unwrap()
}
