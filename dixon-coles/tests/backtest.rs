//! Walk-forward backtests: no look-ahead, warm starts equal cold fits,
//! thread-count invariance, the league-average prior for unseen teams.

mod common;

use chrono::Days;
use common::{simulate_season, true_parameters};
use scoreline_dixon_coles::backtest::{walk_forward, Backtest, BacktestOptions, Refit};
use scoreline_dixon_coles::data::Match;

/// Three simulated seasons of 10 teams back to back (one match a day).
fn history() -> Vec<Match> {
    let params = true_parameters(10, 3);
    let mut all = Vec::new();
    for s in 0..3u64 {
        for mut m in simulate_season(&params, 100 + s, 0) {
            m.date = m.date + Days::new(90 * s);
            all.push(m);
        }
    }
    all
}

fn run(matches: &[Match], options: &BacktestOptions, threads: usize) -> Backtest {
    let first_target = matches[0].date + Days::new(200);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| walk_forward(matches, |m| m.date >= first_target, options, None))
        .unwrap()
}

fn options(refit: Refit) -> BacktestOptions {
    BacktestOptions {
        refit,
        chain_length: 4,
        min_training_matches: 50,
        ..BacktestOptions::default()
    }
}

#[test]
fn predictions_never_see_the_future() {
    let matches = history();
    let options = options(Refit::Days(5));
    let clean = run(&matches, &options, 2);
    assert_eq!(clean.predictions.len(), 70);
    // Corrupt every result from the start of the sixth fold on.
    let cut = clean.folds[5].start;
    let corrupted: Vec<Match> = matches
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if m.date >= cut {
                (m.home_goals, m.away_goals) = (m.away_goals + 7, m.home_goals);
            }
            m
        })
        .collect();
    let dirty = run(&corrupted, &options, 2);
    let mut compared = 0;
    for (a, b) in clean.predictions.iter().zip(&dirty.predictions) {
        assert_eq!(a.index, b.index);
        if a.fold <= 5 {
            assert_eq!(a.probabilities, b.probabilities, "{} on {}", a.home, a.date);
            assert_eq!(a.expected_goals, b.expected_goals);
            compared += 1;
        }
    }
    assert!(compared > 20);
    // Later folds do train on the corrupted results, so they change: the test can fail.
    let later = clean
        .predictions
        .iter()
        .zip(&dirty.predictions)
        .filter(|(a, _)| a.fold > 5);
    assert!(later.clone().count() > 0);
    assert!(later
        .into_iter()
        .any(|(a, b)| a.probabilities != b.probabilities));
}

#[test]
fn warm_starts_give_the_cold_fits() {
    let matches = history();
    let warm = run(&matches, &options(Refit::Days(3)), 2);
    let cold = run(
        &matches,
        &BacktestOptions {
            warm_start: false,
            ..options(Refit::Days(3))
        },
        2,
    );
    assert!(warm.folds.iter().skip(1).any(|f| f.warm));
    assert!(cold.folds.iter().all(|f| !f.warm));
    assert_eq!(warm.predictions.len(), cold.predictions.len());
    for (w, c) in warm.predictions.iter().zip(&cold.predictions) {
        for k in 0..3 {
            assert!(
                (w.probabilities[k] - c.probabilities[k]).abs() < 1e-6,
                "{w:?} vs {c:?}"
            );
        }
    }
    let warm_iterations: usize = warm.folds.iter().map(|f| f.iterations).sum();
    let cold_iterations: usize = cold.folds.iter().map(|f| f.iterations).sum();
    assert!(
        warm_iterations <= cold_iterations,
        "warm {warm_iterations} vs cold {cold_iterations}"
    );
}

#[test]
fn the_thread_count_does_not_change_the_result() {
    let matches = history();
    let options = options(Refit::EachDate);
    let one = run(&matches, &options, 1);
    let two = run(&matches, &options, 2);
    assert_eq!(one.predictions, two.predictions);
    assert_eq!(one.folds, two.folds);
    assert_eq!(one.folds.len(), 70);
}

#[test]
fn unseen_teams_get_the_league_average_and_small_folds_are_skipped() {
    let mut matches = history();
    let last = matches.last().unwrap().date;
    matches.push(Match::new(
        last + Days::new(1),
        "Newcomers",
        matches[0].home_team.clone(),
        1,
        1,
    ));
    let result = run(&matches, &options(Refit::EachDate), 2);
    let newcomer = result
        .predictions
        .iter()
        .find(|p| p.home == "Newcomers")
        .unwrap();
    assert_eq!(newcomer.prior_teams, 1);
    assert!((newcomer.probabilities.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let strict = BacktestOptions {
        min_training_matches: 250,
        ..options(Refit::EachDate)
    };
    let skipped = run(&matches, &strict, 2);
    assert!(skipped.skipped > 0 && skipped.predictions.len() + skipped.skipped == 71);
    let scores = result.scores().unwrap();
    assert!(scores.rps > 0.0 && scores.rps < 0.3 && scores.matches == 71);
    assert!(walk_forward(
        &matches,
        |_| true,
        &BacktestOptions {
            chain_length: 0,
            ..Default::default()
        },
        None
    )
    .is_err());
}
