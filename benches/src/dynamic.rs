//! Dynamic-update rows: the score-driven (GAS) Dixon–Coles filter
//! ([`GasDixonColes`]) learning one date at a time. Ours alone, against
//! the targets: one 10-match matchday of a 20-team league under
//! 50 µs, and filtering 20 seasons of one league (forecast and observe of
//! every date) well under 1 s.
//!
//! Every timed `observe` is a real update of a state that has not seen the
//! date: a repetition clones the warmed-up filter once (untimed), then
//! times its `observe` over a long run of distinct dates in one go, and
//! the row is that time divided by the number of calls (median over the
//! repetitions).

use std::time::Instant;

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::data::football_data::read_football_data_dir;
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::forecasting::gas::GasDixonColes;
use scoreline_dixon_coles::forecasting::{Forecaster, Pairing};
use serde_json::json;

use crate::{data_dir, format_seconds, median_seconds, warm_up, Row};

/// The target of one 10-match matchday's `observe`, seconds.
pub const MATCHDAY_TARGET_S: f64 = 50e-6;
/// The target of filtering 20 seasons of one league, seconds ("well
/// under" it is the aim: the ratio says by how much).
pub const TWENTY_SEASONS_TARGET_S: f64 = 1.0;

/// Simulated seasons observed before the timed ones.
const WARMUP_SEASONS: usize = 3;
/// Simulated seasons timed in each repetition (38 matchdays each).
const TIMED_SEASONS: usize = 20;

/// The 20 seasons of the Premier League filtered in the last row.
const TWENTY_SEASONS: [&str; 20] = [
    "0405", "0506", "0607", "0708", "0809", "0910", "1011", "1112", "1213", "1314", "1415", "1516",
    "1617", "1718", "1819", "1920", "2021", "2122", "2223", "2324",
];
/// Observed before the timed real season (2023-24).
const REAL_WARMUP: [&str; 9] = [
    "1415", "1516", "1617", "1718", "1819", "1920", "2021", "2122", "2223",
];

/// A Poisson draw (Knuth's product of uniforms; λ is small here).
fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    let limit = (-lambda).exp();
    let mut k = 0;
    let mut p: f64 = rng.random();
    while p > limit {
        k += 1;
        p *= rng.random::<f64>();
    }
    k
}

/// `seasons` seasons of a simulated 20-team league, one `Vec` per
/// matchday: a double round robin (circle method), every team once per
/// matchday, all 10 matches on the same date, a week between matchdays and
/// a summer break between seasons. Goals are Poisson with fixed team
/// strengths.
fn simulated_matchdays(seasons: usize, seed: u64) -> Vec<Vec<Match>> {
    const TEAMS: usize = 20;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let names: Vec<String> = (0..TEAMS).map(|i| format!("Team {i:02}")).collect();
    let attack: Vec<f64> = (0..TEAMS).map(|_| rng.random_range(-0.3..0.3)).collect();
    let defence: Vec<f64> = (0..TEAMS).map(|_| rng.random_range(-0.3..0.3)).collect();
    // Circle method: team 0 fixed, the others rotate.
    let mut rounds: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut ring: Vec<usize> = (1..TEAMS).collect();
    for r in 0..TEAMS - 1 {
        let mut pairs = Vec::with_capacity(TEAMS / 2);
        let first = if r % 2 == 0 {
            (0, ring[0])
        } else {
            (ring[0], 0)
        };
        pairs.push(first);
        for i in 1..TEAMS / 2 {
            pairs.push((ring[i], ring[TEAMS - 1 - i]));
        }
        rounds.push(pairs);
        ring.rotate_right(1);
    }
    let second: Vec<Vec<(usize, usize)>> = rounds
        .iter()
        .map(|r| r.iter().map(|&(h, a)| (a, h)).collect())
        .collect();
    rounds.extend(second);
    let start = NaiveDate::from_ymd_opt(2000, 8, 12).expect("date");
    let mut out = Vec::with_capacity(seasons * rounds.len());
    for season in 0..seasons {
        let season_start = start + Days::new(364 * season as u64);
        for (r, pairs) in rounds.iter().enumerate() {
            let date = season_start + Days::new(7 * r as u64);
            let day = pairs
                .iter()
                .map(|&(h, a)| {
                    let home = (0.5 + attack[h] - defence[a]).exp();
                    let away = (0.25 + attack[a] - defence[h]).exp();
                    let mut m = Match::new(
                        date,
                        &names[h],
                        &names[a],
                        poisson(&mut rng, home),
                        poisson(&mut rng, away),
                    );
                    m.division = Some("SIM".to_owned());
                    m
                })
                .collect();
            out.push(day);
        }
    }
    out
}

/// `matches` sorted by date and cut into one `Vec` per date.
fn by_date(mut matches: Vec<Match>) -> Vec<Vec<Match>> {
    matches.sort_by_key(|m| m.date);
    matches
        .chunk_by(|a, b| a.date == b.date)
        .map(<[Match]>::to_vec)
        .collect()
}

/// Observes every date of `days` in turn.
fn observe_all(model: &mut GasDixonColes, days: &[Vec<Match>]) {
    for day in days {
        model.observe(day).expect("dates in order");
    }
}

/// The median time of one `observe` call over `days`, in seconds: each
/// repetition clones `warm` (untimed) and times the whole run of calls.
fn per_observe(warm: &GasDixonColes, days: &[Vec<Match>], repetitions: usize) -> f64 {
    warm_up(|| observe_all(&mut warm.clone(), days));
    let mut times: Vec<f64> = (0..repetitions.max(3))
        .map(|_| {
            let mut model = warm.clone();
            let t = Instant::now();
            observe_all(&mut model, days);
            let elapsed = t.elapsed().as_secs_f64();
            std::hint::black_box(&model);
            elapsed / days.len() as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Forecasts every date of `days` from the state before it, then observes
/// it, from an empty filter.
fn filter_all(days: &[Vec<Match>]) -> GasDixonColes {
    let mut model = GasDixonColes::default();
    for day in days {
        let pairings: Vec<Pairing> = day.iter().map(Pairing::of).collect();
        std::hint::black_box(model.forecast(&pairings).expect("forecast"));
        model.observe(day).expect("dates in order");
    }
    model
}

/// The dynamic-update rows.
pub fn rows(quick: bool) -> Vec<Row> {
    let repetitions = if quick { 5 } else { 21 };
    let mut out = Vec::new();

    // A simulated 20-team league: 10 matches on every date.
    let days = simulated_matchdays(WARMUP_SEASONS + TIMED_SEASONS, 7);
    let (warmup, timed) = days.split_at(WARMUP_SEASONS * 38);
    let mut warm = GasDixonColes::default();
    observe_all(&mut warm, warmup);
    let t = per_observe(&warm, timed, repetitions);
    let row = Row::target(
        format!(
            "GAS observe: one 10-match matchday, 20-team league (mean of {} matchdays)",
            timed.len()
        ),
        t,
        "under 50 µs",
        MATCHDAY_TARGET_S,
    )
    .with_details(json!({
        "matchdays": timed.len(),
        "matches_per_matchday": 10,
        "warmup_seasons": WARMUP_SEASONS,
        "per_match_s": t / 10.0,
    }));
    println!(
        "GAS observe, 10-match matchday: {} per matchday ({} per match) against {}: {}",
        format_seconds(t),
        format_seconds(t / 10.0),
        format_seconds(MATCHDAY_TARGET_S),
        row.verdict()
    );
    out.push(row);

    // The real Premier League 2023-24, one observe call per date, after
    // nine seasons of warm-up.
    let dir = data_dir().join("football-data");
    match (
        read_football_data_dir(&dir, &["E0"], &REAL_WARMUP),
        read_football_data_dir(&dir, &["E0"], &["2324"]),
    ) {
        (Ok(history), Ok(season)) => {
            let mut warm = GasDixonColes::default();
            observe_all(&mut warm, &by_date(history.matches));
            let days = by_date(season.matches);
            let matches: usize = days.iter().map(Vec::len).sum();
            let t = per_observe(&warm, &days, repetitions);
            let per_match = t * days.len() as f64 / matches as f64;
            println!(
                "GAS observe, E0 2023-24 by date: {} per date ({} dates, {:.1} matches each), {} per match",
                format_seconds(t),
                days.len(),
                matches as f64 / days.len() as f64,
                format_seconds(per_match)
            );
            out.push(
                Row::alone(
                    format!(
                        "GAS observe: one date of E0 2023-24 (mean of {} dates, {matches} matches)",
                        days.len()
                    ),
                    t,
                )
                .with_details(json!({
                    "dates": days.len(),
                    "matches": matches,
                    "per_match_s": per_match,
                })),
            );
        }
        (Err(e), _) | (_, Err(e)) => eprintln!("E0 seasons unavailable: {e}"),
    }

    // Filtering 20 Premier League seasons from nothing.
    match read_football_data_dir(&dir, &["E0"], &TWENTY_SEASONS) {
        Ok(file) => {
            let days = by_date(file.matches);
            let matches: usize = days.iter().map(Vec::len).sum();
            let t = median_seconds(
                || drop(std::hint::black_box(filter_all(&days))),
                if quick { 3 } else { 10 },
                0.5,
            );
            let row = Row::target(
                format!(
                    "GAS filter: E0 2004-24 (20 seasons, {matches} matches), forecast + observe per date"
                ),
                t,
                "well under 1 s",
                TWENTY_SEASONS_TARGET_S,
            )
            .with_details(json!({
                "dates": days.len(),
                "matches": matches,
            }));
            println!(
                "GAS filter, 20 seasons of E0 ({} dates): {} against {}: ratio {:.0}x, {}\n",
                days.len(),
                format_seconds(t),
                format_seconds(TWENTY_SEASONS_TARGET_S),
                TWENTY_SEASONS_TARGET_S / t,
                row.verdict()
            );
            out.push(row);
        }
        Err(e) => eprintln!("E0 2004-24 unavailable: {e}"),
    }
    out
}
