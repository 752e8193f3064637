//! Family rows (issue 12 §5): for every goal-model family, one weighted
//! EPL season fitted (ours against penaltyblog 1.13.1's same family, timed
//! by `benches/peers/bench_penaltyblog_families.py` in the same run) and
//! one fixture priced with every market (ours alone; target under 10 µs).

use scoreline_dixon_coles::data::football_data::read_football_data_dir;
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::prelude::*;

use crate::{data_dir, median_seconds, run_peer, Row};

/// The fit: data validation + fit + standard errors, ξ = 0.0018 per day
/// from the season's last match (the default time decay), as the engine
/// area's one-season row but for `family`.
fn fit_family(matches: &[Match], family: Family) -> FittedModel {
    let data = Dataset::from_matches(matches, &ValidationOptions::default()).expect("valid data");
    let options = FitOptions {
        family,
        ..FitOptions::default()
    };
    fit(&data, &options).expect("fit converges")
}

/// One fixture with all markets: `FittedModel::predict` (the adaptive
/// grid) and every column the Python `predict_markets` computes (1X2 from
/// the grid-free kernel, expected goals, over 1.5/2.5/3.5, BTTS, double
/// chance, draw no bet, expected points, the most likely score), plus the
/// under 2.5 and the Asian handicap −0.25 of the engine area's predict row.
pub fn all_markets(model: &FittedModel, home: &str, away: &str) {
    let grid = model.predict(home, away, false).expect("known teams");
    let outcomes = model
        .outcome_probabilities_for_rates(
            grid.home_rate(),
            grid.away_rate(),
            GridSize::Truncated(grid.max_goals()),
        )
        .expect("rates of a fitted model");
    std::hint::black_box((
        outcomes,
        grid.home_rate(),
        grid.away_rate(),
        grid.over(1.5).expect("line"),
        grid.over(2.5).expect("line"),
        grid.over(3.5).expect("line"),
        grid.under(2.5).expect("line"),
        grid.asian_handicap_home(-0.25).expect("line"),
        grid.both_teams_to_score(),
        grid.double_chance(),
        grid.draw_no_bet(),
        grid.expected_points(),
        grid.most_likely_scores(1),
    ));
}

/// The family rows: per family a fit row (with penaltyblog's time and the
/// ratio where penaltyblog has the family) and a predict row.
pub fn rows(quick: bool) -> Vec<Row> {
    let dir = data_dir().join("football-data");
    let season = read_football_data_dir(&dir, &["E0"], &["2324"])
        .expect("E0 2023-24")
        .matches;
    let mut args = vec![];
    if quick {
        args.push("--quick");
    }
    let peer = run_peer("bench_penaltyblog_families.py", &args);
    if let Err(e) = &peer {
        eprintln!("penaltyblog family timings unavailable: {e}");
    }
    let peer_name =
        |p: &serde_json::Value| format!("penaltyblog {}", p["version"].as_str().unwrap_or("?"));
    let (fit_runs, predict_runs) = if quick { (5, 2_000) } else { (20, 10_000) };
    let mut fits = Vec::new();
    let mut predicts = Vec::new();
    for family in Family::ALL {
        let name = family.name();
        let t = median_seconds(|| drop(fit_family(&season, family)), fit_runs, 1.0);
        let label = format!("fit E0 2023-24 weighted: {name}");
        fits.push(match &peer {
            Ok(p) if p["fit_one_season_weighted"][name].is_number() => Row::versus(
                label,
                t,
                peer_name(p),
                p["fit_one_season_weighted"][name]
                    .as_f64()
                    .unwrap_or(f64::NAN),
            ),
            _ => Row::alone(label, t),
        });
        let model = fit_family(&season, family);
        // A different fixture each call (the season's 380, in turn): no
        // call may reuse what the one before computed for the same teams.
        let mut next = 0;
        let t = median_seconds(
            || {
                let m = &season[next % season.len()];
                next += 1;
                all_markets(&model, &m.home_team, &m.away_team);
            },
            predict_runs,
            0.5,
        );
        predicts.push(Row::alone(
            format!("predict one fixture + all markets: {name}"),
            t,
        ));
    }
    fits.extend(predicts);
    fits
}
