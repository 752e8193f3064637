//! The goal-model leaderboard (`family_leaderboard`): one row per family,
//! per league and overall, that agree with a direct `football_data_report`
//! of each family, Diebold–Mariano p-values against Dixon–Coles on the
//! same matches, and its errors. Runs on a temporary folder holding links
//! to two seasons of two leagues of `$SCORELINE_DATA_DIR` (no history
//! divisions), refitted every 30 days to stay quick in debug builds.

mod common;

use common::data_dir;

use scoreline_dixon_coles::data::football_data::{read_football_data_file, season_path};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    family_leaderboard, football_data_report, market_probabilities, season_of_match, walk_forward,
    BacktestError, LeaderboardRow, LeagueReportOptions, MarketComparison, Refit,
};
use scoreline_dixon_coles::model::options::Family;
use scoreline_metrics::{diebold_mariano, rps_per_forecast};

const FILES: [(&str, &str); 4] = [
    ("2223", "I1"),
    ("2324", "I1"),
    ("2223", "SP1"),
    ("2324", "SP1"),
];

/// I1 and SP1 of 2223–2324, linked into a temporary football-data folder.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (season, division) in FILES {
        let to = season_path(dir.path(), season, division);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(
            season_path(&data_dir().join("football-data"), season, division),
            &to,
        )
        .unwrap();
    }
    dir
}

fn options() -> LeagueReportOptions {
    let mut options = LeagueReportOptions::default();
    options.backtest.refit = Refit::Days(30);
    options
}

fn with_family(family: Family) -> LeagueReportOptions {
    let mut options = options();
    options.backtest.fit.family = family;
    options
}

/// A leaderboard row must be the report row it summarises.
fn assert_row_is(row: &LeaderboardRow, report: &MarketComparison, family: Family) {
    assert_eq!(row.matches, report.matches, "{family:?} {}", row.league);
    assert_eq!(row.rps, report.model.rps, "{family:?} {}", row.league);
    assert_eq!(
        row.log_loss, report.model.log_loss,
        "{family:?} {}",
        row.league
    );
    assert_eq!(
        row.market_rps, report.market.rps,
        "{family:?} {}",
        row.league
    );
    assert_eq!(row.gap, report.model.rps - report.market.rps);
    assert_eq!(
        row.dm_p_vs_market, report.dm_p_value,
        "{family:?} {}",
        row.league
    );
}

#[test]
fn one_row_per_family_each_as_its_own_report() {
    let dir = folder();
    let board = family_leaderboard(dir.path(), &options(), &Family::ALL).unwrap();
    let families: Vec<Family> = board
        .standings
        .iter()
        .map(|s| s.family.expect("a family row"))
        .collect();
    assert_eq!(families, Family::ALL);
    assert_eq!(board.reports.len(), Family::ALL.len());
    for (standing, report) in board.standings.iter().zip(&board.reports) {
        let family = standing.family.expect("a family row");
        // The row is what a direct report of that family gives.
        let mut direct = football_data_report(dir.path(), &with_family(family)).unwrap();
        direct.elapsed_s = report.elapsed_s;
        assert_eq!(*report, direct, "{family:?}");
        assert_eq!(standing.overall.league, "overall");
        assert_row_is(&standing.overall, &direct.overall, family);
        let leagues: Vec<&str> = standing.leagues.iter().map(|r| r.league.as_str()).collect();
        assert_eq!(leagues, ["I1", "SP1"]);
        for (row, league) in standing.leagues.iter().zip(&direct.leagues) {
            assert_eq!(row.league, league.league);
            assert_row_is(row, league, family);
        }
        assert_eq!(standing.refits, direct.refits);
        // Dixon–Coles against itself: identical series, p = 1.
        let p_self = |s: &LeaderboardRow| s.dm_p_vs_dixon_coles;
        if family == Family::DixonColes {
            assert_eq!(p_self(&standing.overall), 1.0);
            assert!(standing.leagues.iter().all(|r| p_self(r) == 1.0));
        } else {
            for row in std::iter::once(&standing.overall).chain(&standing.leagues) {
                assert!(
                    (0.0..=1.0).contains(&p_self(row)),
                    "{family:?} {}: {}",
                    row.league,
                    p_self(row)
                );
            }
        }
    }
    // Families differ: at least one is not Dixon–Coles' forecast in disguise.
    assert!(board
        .standings
        .iter()
        .any(|s| s.family != Some(Family::DixonColes) && s.overall.dm_p_vs_dixon_coles < 1.0));
}

/// Priced per-match RPS of a direct walk-forward of SP1 2324 with `family`.
fn direct_rps(matches: &[Match], family: Family) -> Vec<f64> {
    let backtest = walk_forward(
        matches,
        |m| season_of_match(m) == "2324",
        &with_family(family).backtest,
        None,
    )
    .unwrap();
    let priced: Vec<_> = backtest
        .predictions
        .iter()
        .filter(|p| market_probabilities(&matches[p.index]).is_some())
        .collect();
    let probabilities: Vec<f64> = priced.iter().flat_map(|p| p.probabilities).collect();
    let outcomes: Vec<u32> = priced.iter().map(|p| p.outcome).collect();
    rps_per_forecast(&probabilities, 3, &outcomes).unwrap()
}

#[test]
fn dm_against_dixon_coles_pairs_the_same_matches() {
    let dir = folder();
    let only_sp1 = LeagueReportOptions {
        leagues: vec!["SP1".to_owned()],
        ..options()
    };
    // Dixon–Coles is run (first) even when not asked for.
    let board = family_leaderboard(dir.path(), &only_sp1, &[Family::Poisson]).unwrap();
    let families: Vec<Family> = board
        .standings
        .iter()
        .map(|s| s.family.expect("a family row"))
        .collect();
    assert_eq!(families, [Family::DixonColes, Family::Poisson]);

    let matches: Vec<Match> = ["2223", "2324"]
        .iter()
        .flat_map(|s| {
            read_football_data_file(&season_path(dir.path(), s, "SP1"))
                .unwrap()
                .matches
        })
        .collect();
    let expected = diebold_mariano(
        &direct_rps(&matches, Family::Poisson),
        &direct_rps(&matches, Family::DixonColes),
        0,
    )
    .unwrap();
    let poisson = &board.standings[1];
    assert_eq!(poisson.overall.matches, expected.n);
    assert!(
        (poisson.overall.dm_p_vs_dixon_coles - expected.p_value).abs() < 1e-12,
        "{} vs {}",
        poisson.overall.dm_p_vs_dixon_coles,
        expected.p_value
    );
    assert_eq!(
        poisson.leagues[0].dm_p_vs_dixon_coles,
        poisson.overall.dm_p_vs_dixon_coles
    );
}

#[test]
fn no_family_is_an_error() {
    let dir = folder();
    let err = family_leaderboard(dir.path(), &options(), &[]).unwrap_err();
    assert!(
        matches!(
            err,
            BacktestError::InvalidOption {
                option: "families",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_failing_family_run_is_named() {
    // Two seasons without prices: the Dixon–Coles run (the first) has nothing to report.
    let dir = tempfile::tempdir().unwrap();
    for season in ["9394", "9495"] {
        let to = season_path(dir.path(), season, "SP1");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(
            season_path(&data_dir().join("football-data"), season, "SP1"),
            &to,
        )
        .unwrap();
    }
    let err = family_leaderboard(dir.path(), &options(), &[Family::Poisson]).unwrap_err();
    assert!(
        matches!(
            &err,
            BacktestError::FamilyRun {
                family: Family::DixonColes,
                source,
            } if matches!(**source, BacktestError::InvalidOption { option: "leagues", .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("dixon_coles: "), "{err}");
}

/// With matchday refits, a family other than Dixon–Coles is backtested on
/// the scored (priced) seasons only: with an unpriced season before the
/// priced one, it refits less than a direct report, and its model rows are
/// still the direct report's (the same folds, and each fold's fit depends
/// only on its training window).
#[test]
fn other_families_refit_only_the_scored_seasons() {
    let dir = tempfile::tempdir().unwrap();
    // I1 0304 (history), 0405 (no market prices) and 0506 (priced).
    for season in ["0304", "0405", "0506"] {
        let to = season_path(dir.path(), season, "I1");
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(
            season_path(&data_dir().join("football-data"), season, "I1"),
            &to,
        )
        .unwrap();
    }
    let matchday = |family: Family| {
        let mut options = with_family(family);
        options.backtest.refit = Refit::Matchday;
        options
    };
    let board = family_leaderboard(
        dir.path(),
        &matchday(Family::DixonColes),
        &[Family::Poisson],
    )
    .unwrap();
    let direct = football_data_report(dir.path(), &matchday(Family::Poisson)).unwrap();
    let [baseline, poisson] = &board.standings[..] else {
        panic!("two standings");
    };
    assert_eq!(baseline.family, Some(Family::DixonColes));
    assert!(
        poisson.refits < direct.refits && poisson.refits * 3 < baseline.refits * 2,
        "{} refits against {} (direct) and {} (Dixon–Coles)",
        poisson.refits,
        direct.refits,
        baseline.refits
    );
    assert_eq!(poisson.overall.matches, direct.overall.matches);
    assert!(
        (poisson.overall.rps - direct.overall.model.rps).abs() < 1e-9,
        "{} vs {}",
        poisson.overall.rps,
        direct.overall.model.rps
    );
    assert!((poisson.overall.log_loss - direct.overall.model.log_loss).abs() < 1e-9);
    assert_eq!(poisson.overall.market_rps, direct.overall.market.rps);
    let skipped = &board.reports[1].skipped;
    assert!(
        skipped
            .iter()
            .any(|s| s.season == "0405" && s.reason == "no market prices"),
        "{skipped:?}"
    );
    // Folds every 30 days are laid from the first target date: there every
    // family backtests every season.
    let board = family_leaderboard(dir.path(), &options(), &[Family::Poisson]).unwrap();
    let direct = football_data_report(dir.path(), &with_family(Family::Poisson)).unwrap();
    assert_eq!(board.standings[1].refits, direct.refits);
    assert_eq!(board.standings[1].overall.rps, direct.overall.model.rps);
}

#[test]
fn a_cancelled_model_leaderboard_stops_with_an_error() {
    use scoreline_dixon_coles::evaluation::backtest::{
        model_leaderboard, model_leaderboard_cancellable,
    };
    use scoreline_dixon_coles::forecasting::models::ModelName;
    use std::sync::atomic::AtomicBool;

    let dir = folder();
    let families = [Family::DixonColes, Family::Poisson];
    let models = [ModelName::Elo, ModelName::GasDixonColes, ModelName::LogPool];
    let cancelled = AtomicBool::new(true);
    let err = model_leaderboard_cancellable(dir.path(), &options(), &families, &models, &cancelled)
        .unwrap_err();
    assert!(err.to_string().contains("cancel"), "{err}");
    // Not cancelled: the same run as model_leaderboard.
    let running = AtomicBool::new(false);
    let board = model_leaderboard_cancellable(
        dir.path(),
        &options(),
        &families,
        &[ModelName::Elo],
        &running,
    )
    .unwrap();
    let plain = model_leaderboard(dir.path(), &options(), &families, &[ModelName::Elo]).unwrap();
    let rps = |b: &scoreline_dixon_coles::evaluation::backtest::Leaderboard| -> Vec<f64> {
        b.standings.iter().map(|s| s.overall.rps).collect()
    };
    assert_eq!(rps(&board), rps(&plain));
}
