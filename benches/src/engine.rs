//! Engine rows: fitting and predicting, against penaltyblog 1.13.1 on the same data.

use std::path::Path;

use chrono::{Days, NaiveDate};
use scoreline_dixon_coles::data::football_data::{available_seasons, read_football_data_dir};
use scoreline_dixon_coles::data::international::read_international_file;
use scoreline_dixon_coles::data::{keep_largest_component, Match};
use scoreline_dixon_coles::evaluation::backtest::{walk_forward, BacktestOptions};
use scoreline_dixon_coles::prelude::*;
use scoreline_dixon_coles::wagering::slate::{optimise, SlateFixture};

use crate::{data_dir, median_seconds, run_peer, Row};

const TEN_SEASONS: [&str; 10] = [
    "1415", "1516", "1617", "1718", "1819", "1920", "2021", "2122", "2223", "2324",
];

fn fit_matches(matches: &[Match], options: &FitOptions) -> FittedModel {
    let data = Dataset::from_matches(matches, &ValidationOptions::default()).expect("valid data");
    fit(&data, options).expect("fit converges")
}

/// Every engine row. `quick` uses fewer repetitions on both sides.
pub fn rows(quick: bool) -> Vec<Row> {
    let dir = data_dir().join("football-data");
    let season = read_football_data_dir(&dir, &["E0"], &["2324"])
        .expect("E0 2023-24")
        .matches;
    let ten = read_football_data_dir(&dir, &["E0"], &TEN_SEASONS)
        .expect("E0 2014-24")
        .matches;
    let international = international_since_2010(&data_dir());
    let options = FitOptions::default();
    let international_options = FitOptions {
        ridge: 1e-3,
        ..Default::default()
    };

    let mut args = vec![];
    if quick {
        args.push("--quick");
    }
    let peer = run_peer("bench_penaltyblog.py", &args);
    let peer_name =
        |p: &serde_json::Value| format!("penaltyblog {}", p["version"].as_str().unwrap_or("?"));
    let mut out = Vec::new();
    let mut push = |name: &str, ours: f64, key: &str| {
        let row = match &peer {
            Ok(p) if p[key].is_number() => {
                Row::versus(name, ours, peer_name(p), p[key].as_f64().unwrap())
            }
            _ => Row::alone(name, ours),
        };
        out.push(row);
    };

    let t = median_seconds(|| drop(fit_matches(&season, &options)), 20, 1.0);
    push(
        "fit E0 2023-24 weighted (380 matches, data + fit + SEs)",
        t,
        "fit_one_season_weighted",
    );
    let t = median_seconds(|| drop(fit_matches(&ten, &options)), 10, 1.0);
    push(
        "fit E0 2014-24 weighted (3,800 matches, 34 teams)",
        t,
        "fit_ten_seasons_weighted",
    );
    let t = median_seconds(
        || drop(fit_matches(&international, &international_options)),
        3,
        1.0,
    );
    push(
        &format!(
            "fit internationals 2010- ({} matches, ridge 1e-3)",
            international.len()
        ),
        t,
        "fit_international_since_2010",
    );

    // Walk-forward: every Premier League season, refitted every matchday on
    // the previous three years; penaltyblog's time is one fit of a
    // three-season window times the number of refits (extrapolated).
    let all_seasons = available_seasons(&dir, "E0");
    let seasons: Vec<&str> = all_seasons.iter().map(String::as_str).collect();
    let every = read_football_data_dir(&dir, &["E0"], &seasons)
        .expect("E0 files")
        .matches;
    let first_season_end = every.iter().map(|m| m.date).min().expect("matches") + Days::new(330);
    let backtest_options = BacktestOptions {
        window_days: Some(1095),
        fit: FitOptions {
            ridge: 1e-3,
            standard_errors: false,
            ..FitOptions::default()
        },
        ..BacktestOptions::default()
    };
    let run = || {
        walk_forward(
            &every,
            |m| m.date >= first_season_end,
            &backtest_options,
            None,
        )
        .expect("backtest")
    };
    let refits = run().folds.len();
    let t = median_seconds(|| drop(run()), 3, 0.0);
    let name = format!(
        "walk-forward: every E0 season ({} matches), matchday refits ({refits}), 3-year window",
        every.len()
    );
    let walk_row = match &peer {
        Ok(p) if p["fit_three_seasons_weighted"].is_number() => Row::versus(
            &name,
            t,
            format!(
                "{} (one 3-season fit × {refits}, extrapolated)",
                peer_name(p)
            ),
            p["fit_three_seasons_weighted"].as_f64().unwrap() * refits as f64,
        ),
        _ => Row::alone(&name, t),
    };

    let model = fit_matches(&season, &options);
    let t = median_seconds(
        || {
            let grid = model
                .predict("Arsenal", "Chelsea", false)
                .expect("known teams");
            std::hint::black_box((
                grid.outcome_probabilities(),
                grid.double_chance(),
                grid.draw_no_bet(),
                grid.over(2.5).expect("line"),
                grid.under(2.5).expect("line"),
                grid.asian_handicap_home(-0.25).expect("line"),
                grid.both_teams_to_score(),
                grid.most_likely_scores(5),
                grid.expected_points(),
            ));
        },
        10_000,
        0.5,
    );
    push(
        "predict one fixture: grid + all markets",
        t,
        "predict_one_fixture",
    );
    let fixtures: Vec<(&str, &str, bool)> = season
        .iter()
        .cycle()
        .take(10_000)
        .map(|m| (m.home_team.as_str(), m.away_team.as_str(), false))
        .collect();
    let t = median_seconds(
        || {
            drop(std::hint::black_box(
                model.predict_outcomes(&fixtures).expect("known teams"),
            ))
        },
        10,
        0.5,
    );
    push("predict 10,000 fixtures (1X2)", t, "predict_10000_fixtures");
    let slate: Vec<SlateFixture> = season
        .iter()
        .take(17)
        .map(|m| SlateFixture {
            home: m.home_team.clone(),
            away: m.away_team.clone(),
            neutral: false,
            odds: None,
        })
        .collect();
    let t = median_seconds(
        || drop(optimise(&model, &slate, 10_000).expect("slate")),
        200,
        0.5,
    );
    out.push(Row::alone(
        "slate: evaluate + optimise 17 fixtures, budget 10,000",
        t,
    ));
    out.push(walk_row);
    if let Err(e) = &peer {
        eprintln!("penaltyblog timings unavailable: {e}");
    }
    out
}

fn international_since_2010(root: &Path) -> Vec<Match> {
    let start = NaiveDate::from_ymd_opt(2010, 1, 1).expect("date");
    let file = read_international_file(&root.join("international/results.csv"))
        .expect("international results");
    let recent: Vec<Match> = file
        .matches
        .into_iter()
        .filter(|m| m.date >= start)
        .collect();
    keep_largest_component(&recent)
}
