//! Walk-forward backtests: no look-ahead, warm starts equal cold fits,
//! thread-count invariance, the league-average prior for unseen teams.

mod common;

use chrono::Days;
use common::{simulate_season, true_parameters};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{walk_forward, Backtest, BacktestOptions, Refit};

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
    // Everything but the folds' wall times.
    let untimed = |b: &Backtest| {
        let mut folds = b.folds.clone();
        folds.iter_mut().for_each(|f| f.elapsed_s = 0.0);
        folds
    };
    assert_eq!(untimed(&one), untimed(&two));
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
    // `fold` indexes the folds that were fitted, skipped ones left out.
    for (i, fold) in skipped.folds.iter().enumerate() {
        let predicted: Vec<_> = skipped.predictions.iter().filter(|p| p.fold == i).collect();
        assert_eq!(predicted.len(), fold.predicted, "fold {i}");
        assert!(predicted.iter().all(|p| p.date >= fold.start));
    }
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

/// 12 teams, 3 matches a day for `days` days; the strengths are re-drawn
/// every `regime_days` days (never, when 0).
fn drifting_league(days: u64, regime_days: u64, seed: u64) -> Vec<Match> {
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    let names = common::team_names(12);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut params = true_parameters(12, seed);
    let mut out = Vec::new();
    for day in 0..days {
        if regime_days > 0 && day > 0 && day % regime_days == 0 {
            params = true_parameters(12, rng.random());
        }
        let mut order: Vec<usize> = (0..12).collect();
        order.shuffle(&mut rng);
        for pair in order.chunks(2).take(3) {
            let (h, a) = (pair[0], pair[1]);
            let (lam, nu) = params.expected_goals(h, a, false);
            let (x, y) = common::sample_score(&mut rng, lam, nu, params.rho);
            out.push(Match::new(
                start + Days::new(day),
                &names[h],
                &names[a],
                x,
                y,
            ));
        }
    }
    out
}

#[test]
fn xi_tuning_recovers_the_decay_the_data_calls_for() {
    use scoreline_dixon_coles::evaluation::backtest::tune_xi;
    let grid = [0.0, 0.004, 0.012, 0.036];
    let options = BacktestOptions {
        refit: Refit::Days(15),
        min_training_matches: 100,
        ..BacktestOptions::default()
    };
    // Strengths that never change: every past match is as informative as
    // the last, so the best decay is none.
    let stable = drifting_league(720, 0, 11);
    let cut = stable[0].date + Days::new(360);
    let tuned = tune_xi(&stable, |m| m.date >= cut, &options, &grid, 0).unwrap();
    assert_eq!(tuned.best.xi, 0.0, "{:?}", tuned.curve);
    assert_eq!(tuned.curve.len(), 4);
    // Strengths re-drawn every 40 days: old matches mislead, so a strong decay wins.
    let drifting = drifting_league(720, 40, 12);
    let tuned = tune_xi(&drifting, |m| m.date >= cut, &options, &grid, 4).unwrap();
    assert!(tuned.best.xi >= 0.012, "{:?}", tuned.curve);
    assert!(tuned.curve.len() > 4, "golden-section points are added");
    assert!(tune_xi(&drifting, |_| true, &options, &[0.01, 0.0], 0).is_err());
}

#[test]
fn a_cancelled_run_stops_at_the_next_fold() {
    use scoreline_dixon_coles::evaluation::backtest::{
        walk_forward_cancellable, BacktestError, Progress,
    };
    use std::sync::atomic::{AtomicBool, Ordering};
    let matches = history();
    let options = BacktestOptions {
        refit: Refit::EachDate,
        ..options(Refit::EachDate)
    };
    let first_target = matches[0].date + Days::new(200);
    let total = run(&matches, &options, 1).folds.len();
    assert!(total > 50, "{total} folds");
    let cancel = AtomicBool::new(false);
    let stop_after_three = |p: Progress| {
        if p.done >= 3 {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let result = pool.install(|| {
        walk_forward_cancellable(
            &matches,
            |m| m.date >= first_target,
            &options,
            Some(&stop_after_three),
            &cancel,
        )
    });
    match result {
        Err(BacktestError::Cancelled {
            folds_done,
            folds_total,
        }) => {
            assert_eq!((folds_done, folds_total), (3, total));
        }
        other => panic!("expected a cancellation, got {other:?}"),
    }
}
