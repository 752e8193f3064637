//! The report of every league and season in a folder: which leagues and
//! history divisions it finds, that its rows are the single-league
//! backtest's, and its errors. Runs on a temporary folder holding links to
//! a few real files of `$SCORELINE_DATA_DIR`.

mod common;

use common::data_dir;

use std::path::Path;

use scoreline_dixon_coles::data::football_data::{
    available_divisions, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    football_data_report, market_probabilities, market_report, season_of_match, walk_forward,
    BacktestError, LeagueReportOptions,
};

/// E0 and E1 of 2122–2324 and SP1 of 2223–2324, linked into a temporary
/// football-data folder.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("2122", "E0"),
        ("2223", "E0"),
        ("2324", "E0"),
        ("2122", "E1"),
        ("2223", "E1"),
        ("2324", "E1"),
        ("2223", "SP1"),
        ("2324", "SP1"),
    ];
    for (season, division) in files {
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

fn read(dir: &Path, files: &[(&str, &str)]) -> Vec<Match> {
    files
        .iter()
        .flat_map(|(s, d)| {
            read_football_data_file(&season_path(dir, s, d))
                .unwrap()
                .matches
        })
        .collect()
}

#[test]
fn every_league_and_season_is_reported_as_its_own_backtest_would_be() {
    let dir = folder();
    assert_eq!(available_divisions(dir.path()), ["E0", "E1", "SP1"]);
    let options = LeagueReportOptions::default();
    let report = football_data_report(dir.path(), &options).unwrap();
    let keys: Vec<(&str, &str)> = report
        .seasons
        .iter()
        .map(|r| (r.league.as_str(), r.season.as_str()))
        .collect();
    // The first season of each league only trains.
    assert_eq!(
        keys,
        [
            ("E0", "2223"),
            ("E0", "2324"),
            ("E1", "2223"),
            ("E1", "2324"),
            ("SP1", "2324")
        ]
    );
    let leagues: Vec<&str> = report.leagues.iter().map(|r| r.league.as_str()).collect();
    assert_eq!(leagues, ["E0", "E1", "SP1"]);
    assert!(report.leagues.iter().all(|r| r.season == "all"));
    let total: usize = report.seasons.iter().map(|r| r.matches).sum();
    assert_eq!(report.overall.matches, total);
    assert_eq!(total, 380 + 380 + 552 + 552 + 380);
    // The seasons without a row are listed with the reason.
    let skipped: Vec<(&str, &str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.league.as_str(), s.season.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("E0", "2122", "first season: history only"),
            ("E1", "2122", "first season: history only"),
            ("SP1", "2223", "first season: history only")
        ]
    );

    // E0 is backtested on E0 + E1 (its history division), exactly as a
    // direct walk-forward with the same options.
    let files = [("2122", "E0"), ("2223", "E0"), ("2324", "E0")];
    let history = [("2122", "E1"), ("2223", "E1"), ("2324", "E1")];
    let mut matches = read(dir.path(), &files);
    matches.extend(read(dir.path(), &history));
    let direct = walk_forward(
        &matches,
        |m| m.division.as_deref() == Some("E0") && season_of_match(m) != "2122",
        &options.backtest,
        None,
    )
    .unwrap();
    let expected = market_report(&direct, &matches, &[]).unwrap();
    assert_eq!(report.seasons[..2], expected.seasons[..]);
    assert_eq!(report.leagues[0].model, expected.overall.model);
    let priced = direct
        .predictions
        .iter()
        .filter(|p| market_probabilities(&matches[p.index]).is_some())
        .count();
    assert_eq!(report.leagues[0].matches, priced);
    // Without E1 as history the promoted sides start from the prior, and the numbers change.
    let alone = read(dir.path(), &files);
    let without = walk_forward(
        &alone,
        |m| season_of_match(m) != "2122",
        &options.backtest,
        None,
    )
    .unwrap();
    let without = market_report(&without, &alone, &[]).unwrap();
    assert_ne!(without.overall.model, report.leagues[0].model);
}

#[test]
fn seasons_and_leagues_can_be_chosen_and_unknown_ones_are_errors() {
    let dir = folder();
    let options = LeagueReportOptions {
        leagues: vec!["SP1".to_owned(), "E0".to_owned()],
        seasons: vec!["2324".to_owned()],
        ..LeagueReportOptions::default()
    };
    let report = football_data_report(dir.path(), &options).unwrap();
    let keys: Vec<(&str, &str)> = report
        .seasons
        .iter()
        .map(|r| (r.league.as_str(), r.season.as_str()))
        .collect();
    assert_eq!(keys, [("E0", "2324"), ("SP1", "2324")]);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    // E0 2324 has an earlier reported season to fit the calibrator and blend on.
    assert!(report.seasons[0].blend.is_some() && report.seasons[0].calibrated.is_some());

    let unknown = LeagueReportOptions {
        leagues: vec!["D1".to_owned()],
        ..LeagueReportOptions::default()
    };
    let err = football_data_report(dir.path(), &unknown).unwrap_err();
    assert!(matches!(
        err,
        BacktestError::InvalidOption {
            option: "leagues",
            ..
        }
    ));
    assert!(
        err.to_string().contains("no D1 file") && err.to_string().contains("E0, E1, SP1"),
        "{err}"
    );

    let unpriced = LeagueReportOptions {
        seasons: vec!["1920".to_owned()],
        ..LeagueReportOptions::default()
    };
    let err = football_data_report(dir.path(), &unpriced).unwrap_err();
    assert!(err.to_string().contains("market price"), "{err}");
}
