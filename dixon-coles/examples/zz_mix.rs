use rayon::prelude::*;
use scoreline_dixon_coles::data::football_data::{
    available_divisions, available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    history_divisions, market_probabilities, season_of_match, walk_forward, BacktestOptions, Refit,
    DEFAULT_WINDOW_DAYS,
};
use scoreline_dixon_coles::forecasting::mixed_goals::{MixedGoalsConfig, MixedGoalsDixonColes};
use scoreline_dixon_coles::forecasting::{forecast_walk_forward, outcome, Forecaster};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn rps(p: &[f64; 3], o: usize) -> f64 {
    let c1 = p[0] - if o == 0 { 1.0 } else { 0.0 };
    let c2 = p[0] + p[1] - if o <= 1 { 1.0 } else { 0.0 };
    (c1 * c1 + c2 * c2) / 2.0
}

fn main() {
    let dir = Path::new("/work/shared/data/football-data");
    let weights: Vec<f64> = std::env::args()
        .skip(1)
        .map(|s| s.parse().unwrap())
        .collect();
    let divisions = available_divisions(dir);
    let leagues = ["D1", "E0", "E1", "F1", "I1", "SP1"];
    let results: Vec<(String, Vec<f64>)> = leagues
        .par_iter()
        .map(|league| {
            let mut matches: Vec<Match> = Vec::new();
            let seasons = available_seasons(dir, league);
            for d in
                std::iter::once(league.to_string()).chain(history_divisions(league, &divisions))
            {
                for s in available_seasons(dir, &d) {
                    if seasons.contains(&s) {
                        matches.extend(
                            read_football_data_file(&season_path(dir, &s, &d))
                                .unwrap()
                                .matches,
                        );
                    }
                }
            }
            matches.sort_by_key(|m| m.date);
            let first = seasons[0].clone();
            let targets: Vec<usize> = (0..matches.len())
                .filter(|&i| {
                    let m = &matches[i];
                    m.division.as_deref() == Some(league)
                        && season_of_match(m) != first
                        && market_probabilities(m).is_some()
                })
                .collect();
            let mut options = BacktestOptions::default();
            options.window_days = Some(DEFAULT_WINDOW_DAYS);
            let tset: std::collections::HashSet<usize> = targets.iter().copied().collect();
            let idx: Vec<usize> = (0..matches.len()).collect();
            let _ = (&tset, &idx);
            let bt = walk_forward(
                &matches,
                |m| {
                    m.division.as_deref() == Some(league)
                        && season_of_match(m) != first
                        && market_probabilities(m).is_some()
                },
                &options,
                None,
            )
            .unwrap();
            let mut dc: Vec<(usize, [f64; 3])> = bt
                .predictions
                .iter()
                .map(|p| (p.index, p.probabilities))
                .collect();
            dc.sort_by_key(|x| x.0);
            let mut out = vec![];
            let dc_rps: f64 = dc
                .iter()
                .map(|(i, p)| rps(p, outcome(&matches[*i])))
                .sum::<f64>()
                / dc.len() as f64;
            let mk: f64 = dc
                .iter()
                .map(|(i, _)| {
                    rps(
                        &market_probabilities(&matches[*i]).unwrap(),
                        outcome(&matches[*i]),
                    )
                })
                .sum::<f64>()
                / dc.len() as f64;
            out.push(dc.len() as f64);
            out.push(dc_rps);
            out.push(mk);
            let dc_set: Vec<usize> = dc.iter().map(|x| x.0).collect();
            for &w in &weights {
                let mut model = MixedGoalsDixonColes::new(MixedGoalsConfig {
                    weight: w,
                    xi_per_day: std::env::var("XI")
                        .map(|s| s.parse().unwrap())
                        .unwrap_or(0.0018),
                    ..Default::default()
                })
                .unwrap();
                let f = forecast_walk_forward(
                    &matches,
                    &dc_set,
                    Refit::Matchday,
                    &mut model as &mut dyn Forecaster,
                    &AtomicBool::new(false),
                )
                .unwrap();
                let r: f64 = dc_set
                    .iter()
                    .zip(&f)
                    .map(|(i, p)| rps(p, outcome(&matches[*i])))
                    .sum::<f64>()
                    / f.len() as f64;
                out.push(r);
            }
            (league.to_string(), out)
        })
        .collect();
    let mut tot = vec![0.0; 3 + weights.len()];
    let mut n = 0.0;
    for (l, r) in &results {
        println!(
            "{l} n={} dc={:.4} mkt={:.4} {:?}",
            r[0],
            r[1],
            r[2],
            r[3..].iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>()
        );
        n += r[0];
        for k in 1..r.len() {
            tot[k] += r[k] * r[0];
        }
    }
    println!(
        "overall dc={:.4} mkt={:.4} {:?}",
        tot[1] / n,
        tot[2] / n,
        tot[3..]
            .iter()
            .map(|x| format!("{:.4}", x / n))
            .collect::<Vec<_>>()
    );
}
