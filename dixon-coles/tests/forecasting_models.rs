//! The leaderboard's sequential models together: no model sees a result,
//! statistic or price before it is played; no model uses odds at all;
//! out-of-sample selection and pools behave as documented; and
//! `model_leaderboard` puts them beside the families on the same matches.

mod common;

use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;
use common::data_dir;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_dixon_coles::data::football_data::{read_football_data_file, season_path};
use scoreline_dixon_coles::data::xg::{attach_xg, read_spi_matches};
use scoreline_dixon_coles::data::{Match, OddsTriple, RecordedOdds};
use scoreline_dixon_coles::evaluation::backtest::{
    family_leaderboard, model_leaderboard, LeagueReportOptions, Refit,
};
use scoreline_dixon_coles::forecasting::ensemble::{Pool, Pooling};
use scoreline_dixon_coles::forecasting::models::ModelName;
use scoreline_dixon_coles::forecasting::selection::BestOf;
use scoreline_dixon_coles::forecasting::{
    forecast_walk_forward, outcome, ForecastError, Forecaster, Outcome3, Pairing,
};
use scoreline_dixon_coles::model::options::Family;

/// E0 and E1 of 2017-18 and 2018-19, with xG attached, sorted by date.
fn english_matches() -> Vec<Match> {
    let dir = data_dir().join("football-data");
    let mut matches = Vec::new();
    for season in ["1718", "1819"] {
        for division in ["E0", "E1"] {
            matches.extend(
                read_football_data_file(&season_path(&dir, season, division))
                    .unwrap()
                    .matches,
            );
        }
    }
    let table = read_spi_matches(&data_dir().join("xg").join("spi_matches.csv")).unwrap();
    attach_xg(&mut matches, &table);
    matches.sort_by_key(|m| m.date);
    matches
}

fn forecasts(model: ModelName, matches: &[Match], targets: &[usize]) -> Vec<Outcome3> {
    let mut forecaster = model.build().unwrap();
    forecast_walk_forward(
        matches,
        targets,
        Refit::Matchday,
        forecaster.as_mut(),
        &AtomicBool::new(false),
    )
    .unwrap()
}

/// Every model's forecasts before a date are bit-identical when every
/// later match's result, shots, xG and odds are corrupted, and every
/// forecast is identical when no match has odds at all.
#[test]
fn no_model_peeks_and_none_uses_odds() {
    let matches = english_matches();
    let cut = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap();
    let targets: Vec<usize> = (0..matches.len())
        .filter(|&i| {
            matches[i].division.as_deref() == Some("E0")
                && matches[i].date >= NaiveDate::from_ymd_opt(2018, 10, 1).unwrap()
                && matches[i].date < NaiveDate::from_ymd_opt(2019, 2, 1).unwrap()
        })
        .collect();
    let before = targets.iter().filter(|&&t| matches[t].date < cut).count();
    assert!(before > 50 && before < targets.len());
    assert!(matches.iter().any(|m| m.date < cut && m.stats.xg.is_some()));
    assert!(matches
        .iter()
        .any(|m| m.date < cut && m.stats.shots_on_target.is_some()));
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let corrupted: Vec<Match> = matches
        .iter()
        .map(|m| {
            let mut m = m.clone();
            if m.date >= cut {
                m.home_goals = rng.random_range(0..7);
                m.away_goals = rng.random_range(0..7);
                m.stats.shots_on_target = Some([rng.random_range(0..15), rng.random_range(0..15)]);
                m.stats.xg = Some([rng.random_range(0.0..4.0), rng.random_range(0.0..4.0)]);
                m.odds.pinnacle_closing = Some(OddsTriple {
                    home: 1.5,
                    draw: 4.0,
                    away: 7.0,
                });
            }
            m
        })
        .collect();
    let without_odds: Vec<Match> = matches
        .iter()
        .map(|m| Match {
            odds: RecordedOdds::default(),
            ..m.clone()
        })
        .collect();
    for model in ModelName::ALL {
        let clean = forecasts(model, &matches, &targets);
        let spoiled = forecasts(model, &corrupted, &targets);
        assert_eq!(
            clean[..before],
            spoiled[..before],
            "{} peeked",
            model.name()
        );
        assert_ne!(
            clean[before..],
            spoiled[before..],
            "{}: the corruption changed nothing",
            model.name()
        );
        assert_eq!(
            clean,
            forecasts(model, &without_odds, &targets),
            "{} used odds",
            model.name()
        );
    }
}

/// A forecaster that always says the same.
struct Constant(&'static str, Outcome3);

impl Forecaster for Constant {
    fn name(&self) -> String {
        self.0.to_owned()
    }
    fn observe(&mut self, _: &[Match]) -> Result<(), ForecastError> {
        Ok(())
    }
    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        Ok(vec![self.1; fixtures.len()])
    }
}

/// Weekly matches between two teams, outcomes drawn from `truth`.
fn simulated(truth: Outcome3, weeks: u64) -> Vec<Match> {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let day0 = NaiveDate::from_ymd_opt(2000, 8, 5).unwrap();
    (0..weeks)
        .map(|w| {
            let u: f64 = rng.random();
            let (h, a) = if u < truth[0] {
                (2, 0)
            } else if u < truth[0] + truth[1] {
                (1, 1)
            } else {
                (0, 1)
            };
            Match::new(day0 + chrono::Days::new(7 * w), "A", "B", h, a)
        })
        .collect()
}

/// The selection forecasts with the default until a result is in, then
/// with the candidate whose past forecasts scored best.
#[test]
fn selection_follows_the_best_past_log_loss() {
    let truth = [0.5, 0.3, 0.2];
    let matches = simulated(truth, 200);
    let candidates: Vec<Box<dyn Forecaster>> = vec![
        Box::new(Constant("flat", [1.0 / 3.0; 3])),
        Box::new(Constant("true", truth)),
    ];
    let mut best = BestOf::new("best", candidates).unwrap();
    let targets: Vec<usize> = (0..matches.len()).collect();
    let out = forecast_walk_forward(
        &matches,
        &targets,
        Refit::EachDate,
        &mut best,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(out[0], [1.0 / 3.0; 3]);
    assert_eq!(best.scored(), 199);
    assert_eq!(best.leader(), 1);
    assert!(out[150..].iter().all(|f| *f == truth));
    let expected: f64 = matches[..199].iter().map(|m| -truth[outcome(m)].ln()).sum();
    assert!((best.losses()[1] - expected).abs() < 1e-9);
}

/// Both pools learn to forecast like the member that is right (the
/// linear pool by putting its weight there; the log pool's weights need
/// not sum to 1, so its check is the pooled forecast), starting from equal
/// weights.
#[test]
fn pools_learn_which_member_is_right() {
    let truth = [0.6, 0.25, 0.15];
    let matches = simulated(truth, 1500);
    let targets: Vec<usize> = (0..matches.len()).collect();
    for kind in [Pooling::Linear, Pooling::Logarithmic] {
        let members: Vec<Box<dyn Forecaster>> = vec![
            Box::new(Constant("wrong", [0.2, 0.3, 0.5])),
            Box::new(Constant("right", truth)),
        ];
        let mut pool = Pool::new("pool", kind, members).unwrap();
        let out = forecast_walk_forward(
            &matches,
            &targets,
            Refit::EachDate,
            &mut pool,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(
            out[0],
            scoreline_dixon_coles::forecasting::ensemble::pool(
                kind,
                &[[0.2, 0.3, 0.5], truth],
                &[0.5, 0.5]
            )
        );
        let w = pool.weights();
        assert!(w[1] > 3.0 * w[0], "{kind:?}: {w:?}");
        if kind == Pooling::Linear {
            assert!(w[1] > 0.85, "{w:?}");
        }
        let last = out.last().unwrap();
        assert!(
            last.iter().zip(truth).all(|(p, t)| (p - t).abs() < 0.05),
            "{kind:?}: {last:?}"
        );
    }
}

/// A folder of links to two seasons of two leagues (no history divisions).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for season in ["2223", "2324"] {
        for division in ["I1", "SP1"] {
            let to = season_path(&dir.path().join("football-data"), season, division);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(
                season_path(&data_dir().join("football-data"), season, division),
                &to,
            )
            .unwrap();
        }
    }
    dir
}

/// The sequential models' rows sit beside the families' on the same
/// matches; the families' rows are those of `family_leaderboard`.
#[test]
fn model_leaderboard_scores_every_model_on_the_same_matches() {
    let dir = folder();
    let football_data = dir.path().join("football-data");
    let mut options = LeagueReportOptions::default();
    options.backtest.refit = Refit::Days(30);
    let models = [ModelName::Elo, ModelName::GasDixonColes, ModelName::LogPool];
    let board = model_leaderboard(&football_data, &options, &[Family::Poisson], &models).unwrap();
    let names: Vec<&str> = board.standings.iter().map(|s| s.model.as_str()).collect();
    assert_eq!(
        names,
        [
            "dixon_coles",
            "poisson",
            "elo",
            "gas_dixon_coles",
            "log_pool",
            "log_pool+market"
        ]
    );
    // The blend row is labelled; with no earlier priced season to fit its
    // weight on, it is the market itself.
    let blend = &board.standings[5];
    assert!(blend.blend && board.standings[..5].iter().all(|s| !s.blend));
    assert_eq!(blend.overall.gap, 0.0);
    let families = family_leaderboard(&football_data, &options, &[Family::Poisson]).unwrap();
    for (ours, theirs) in board.standings.iter().zip(&families.standings) {
        assert_eq!(
            (&ours.overall, &ours.leagues, ours.refits),
            (&theirs.overall, &theirs.leagues, theirs.refits)
        );
    }
    let baseline = &board.standings[0];
    assert_eq!(baseline.overall.dm_p_vs_dixon_coles, 1.0);
    for s in &board.standings[2..5] {
        assert_eq!(s.family, None);
        assert_eq!(s.overall.matches, baseline.overall.matches, "{}", s.model);
        assert_eq!(
            s.overall.market_rps, baseline.overall.market_rps,
            "{}",
            s.model
        );
        let leagues: Vec<&str> = s.leagues.iter().map(|r| r.league.as_str()).collect();
        assert_eq!(leagues, ["I1", "SP1"]);
        let matches: usize = s.leagues.iter().map(|r| r.matches).sum();
        assert_eq!(matches, s.overall.matches);
        assert!(
            s.overall.rps > 0.15 && s.overall.rps < 0.3,
            "{}: {}",
            s.model,
            s.overall.rps
        );
        assert!(
            s.overall.dm_p_vs_dixon_coles < 1.0 && s.overall.ece > 0.0 && s.overall.brier > 0.0
        );
        assert!(s.refits > 0);
    }
}

/// A mixed model told to require its statistic says so when the data has
/// none; by default it falls back to goals and reports its coverage.
#[test]
fn a_model_that_needs_xg_says_when_the_data_lacks_it() {
    use scoreline_dixon_coles::forecasting::mixed_goals::{
        MixedGoalsConfig, MixedGoalsDixonColes, Statistic,
    };
    let dir = data_dir().join("football-data");
    let mut matches = read_football_data_file(&season_path(&dir, "1213", "E0"))
        .unwrap()
        .matches;
    matches.sort_by_key(|m| m.date);
    let targets: Vec<usize> = (200..matches.len()).collect();
    let config = MixedGoalsConfig {
        statistic: Statistic::Xg,
        ..MixedGoalsConfig::default()
    };
    let mut strict = MixedGoalsDixonColes::new(MixedGoalsConfig {
        require_statistic: true,
        ..config
    })
    .unwrap();
    let err = forecast_walk_forward(
        &matches,
        &targets,
        Refit::Matchday,
        &mut strict,
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert!(
        matches!(err, ForecastError::MissingStatistic { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("xG"), "{err}");
    let mut lenient = MixedGoalsDixonColes::new(config).unwrap();
    forecast_walk_forward(
        &matches,
        &targets,
        Refit::Matchday,
        &mut lenient,
        &AtomicBool::new(false),
    )
    .unwrap();
    let (with, of) = lenient.statistic_coverage();
    assert_eq!(with, 0);
    assert!(of >= 200);
}
