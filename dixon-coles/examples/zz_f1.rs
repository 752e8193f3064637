use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::Refit;
use scoreline_dixon_coles::forecasting::mixed_goals::{MixedGoalsConfig, MixedGoalsDixonColes};
use scoreline_dixon_coles::forecasting::{forecast_walk_forward, Forecaster};
use std::path::Path;
use std::sync::atomic::AtomicBool;
fn main() {
    let dir = Path::new("/work/shared/data/football-data");
    let mut matches: Vec<Match> = Vec::new();
    for s in available_seasons(dir, "F1") {
        matches.extend(
            read_football_data_file(&season_path(dir, &s, "F1"))
                .unwrap()
                .matches,
        );
    }
    matches.sort_by_key(|m| m.date);
    let cut = chrono::NaiveDate::from_ymd_opt(2020, 9, 10).unwrap();
    let targets: Vec<usize> = (0..matches.len())
        .filter(|&i| matches[i].date == cut)
        .collect();
    for m in matches
        .iter()
        .filter(|m| m.date >= chrono::NaiveDate::from_ymd_opt(2020, 8, 1).unwrap() && m.date <= cut)
    {
        println!(
            "{} {} {} {}-{}",
            m.date, m.home_team, m.away_team, m.home_goals, m.away_goals
        );
    }
    let mut model = MixedGoalsDixonColes::new(MixedGoalsConfig {
        weight: 0.0,
        ..Default::default()
    })
    .unwrap();
    let r = forecast_walk_forward(
        &matches,
        &targets,
        Refit::Matchday,
        &mut model as &mut dyn Forecaster,
        &AtomicBool::new(false),
    );
    println!("{r:?}");
}
