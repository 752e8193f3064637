//! Betting on a backtest: which odds a candidate gets, which matches are
//! skipped, per-season and overall simulations, and the JSON report row.

mod common;

use chrono::{Days, NaiveDate};
use scoreline_dixon_coles::data::{Match, OddsTriple};
use scoreline_dixon_coles::evaluation::backtest::{
    bet_candidates, report_json_row, score_forecasts, simulate_backtest, walk_forward, Backtest,
    BacktestOptions, MarketComparison, MatchPrediction, OddsSource, Refit,
};
use scoreline_dixon_coles::wagering::betting::{Staking, Strategy};

fn triple(home: f64, draw: f64, away: f64) -> Option<OddsTriple> {
    Some(OddsTriple { home, draw, away })
}

/// Five matches: Pinnacle + Bet365 + closing, Bet365 only, none, Pinnacle
/// only, and a broken Pinnacle price (1.0) with Bet365 — 2-1, 0-0, 1-3, ….
fn matches() -> Vec<Match> {
    let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let scores = [(2, 1), (0, 0), (1, 3), (1, 1), (0, 2)];
    let mut out: Vec<Match> = scores
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| Match::new(day + Days::new(70 * i as u64), "A", "B", x, y))
        .collect();
    out[0].odds.pinnacle = triple(2.0, 3.5, 4.0);
    out[0].odds.bet365 = triple(1.9, 3.4, 3.9);
    out[0].odds.pinnacle_closing = triple(1.8, 3.6, 4.5);
    out[1].odds.bet365 = triple(2.5, 3.0, 3.0);
    out[3].odds.pinnacle = triple(3.0, 3.0, 2.5);
    out[4].odds.pinnacle = triple(1.0, 3.0, 2.5);
    out[4].odds.bet365 = triple(2.2, 3.1, 3.3);
    out
}

/// A backtest that predicted `matches` in reverse input order (so that a
/// prediction's position differs from its match's index).
fn predicted(matches: &[Match], probabilities: [f64; 3]) -> Backtest {
    let predictions = (0..matches.len())
        .rev()
        .map(|index| {
            let m = &matches[index];
            MatchPrediction {
                index,
                date: m.date,
                season: scoreline_dixon_coles::evaluation::backtest::season_of(m.date),
                division: Some("E0".to_owned()),
                home: m.home_team.clone(),
                away: m.away_team.clone(),
                probabilities,
                expected_goals: [1.4, 1.1],
                over_2_5: 0.5,
                btts: 0.5,
                outcome: scoreline_dixon_coles::evaluation::backtest::outcome_of(
                    m.home_goals,
                    m.away_goals,
                ),
                fold: 0,
                prior_teams: 0,
            }
        })
        .collect();
    Backtest {
        predictions,
        folds: Vec::new(),
        skipped: 0,
        elapsed_s: 0.0,
    }
}

#[test]
fn candidates_bet_at_pinnacle_else_bet365_and_close_at_pinnacle_closing() {
    let matches = matches();
    let backtest = predicted(&matches, [0.5, 0.3, 0.2]);
    let candidates = bet_candidates(&backtest, &matches, OddsSource::PinnacleThenBet365);
    // Prediction k is match 4 − k; match 2 has no odds.
    let by_match: Vec<usize> = candidates
        .iter()
        .map(|(k, _)| backtest.predictions[*k].index)
        .collect();
    assert_eq!(by_match, [4, 3, 1, 0]);
    let odds: Vec<[f64; 3]> = candidates.iter().map(|(_, c)| c.odds).collect();
    assert_eq!(
        odds,
        [
            [2.2, 3.1, 3.3], // Pinnacle's 1.0 is no price: Bet365
            [3.0, 3.0, 2.5], // Pinnacle
            [2.5, 3.0, 3.0], // Bet365
            [2.0, 3.5, 4.0], // Pinnacle, not Bet365
        ]
    );
    let closing: Vec<Option<[f64; 3]>> = candidates.iter().map(|(_, c)| c.closing_odds).collect();
    assert_eq!(closing, [None, None, None, Some([1.8, 3.6, 4.5])]);
    let outcomes: Vec<usize> = candidates.iter().map(|(_, c)| c.outcome).collect();
    assert_eq!(outcomes, [2, 1, 1, 0]);
    assert!(candidates
        .iter()
        .all(|(_, c)| c.probabilities == [0.5, 0.3, 0.2]));

    let bet365 = bet_candidates(&backtest, &matches, OddsSource::Bet365);
    let odds: Vec<[f64; 3]> = bet365.iter().map(|(_, c)| c.odds).collect();
    assert_eq!(odds, [[2.2, 3.1, 3.3], [2.5, 3.0, 3.0], [1.9, 3.4, 3.9]]);
    let pinnacle = bet_candidates(&backtest, &matches, OddsSource::Pinnacle);
    let odds: Vec<[f64; 3]> = pinnacle.iter().map(|(_, c)| c.odds).collect();
    assert_eq!(odds, [[3.0, 3.0, 2.5], [2.0, 3.5, 4.0]]);
}

#[test]
fn simulations_per_season_and_overall_report_prediction_indices() {
    let matches = matches();
    // Seasons: match 0 (May 2024) is 2324, the others 2425.
    let backtest = predicted(&matches, [0.6, 0.25, 0.15]);
    let flat = Strategy {
        min_edge: 0.0,
        min_probability: 0.0,
        staking: Staking::Flat { unit: 1.0 },
        initial_bankroll: 10.0,
    };
    let all = simulate_backtest(
        &backtest,
        &matches,
        OddsSource::PinnacleThenBet365,
        &flat,
        &[],
    )
    .unwrap();
    let seasons: Vec<&str> = all.seasons.iter().map(|s| s.season.as_str()).collect();
    assert_eq!(seasons, ["2324", "2425"]);
    assert!(all.seasons.iter().all(|s| s.league == "E0"));
    // Edges 0.6·o − 1 on the home win: 0.32 (match 4), 0.8 (3), 0.5 (1), 0.2 (0).
    assert_eq!(all.overall.n_bets, 4);
    let indices: Vec<usize> = all.overall.bets.iter().map(|b| b.index).collect();
    assert_eq!(indices, [0, 1, 3, 4]);
    assert!(all.overall.bets.iter().all(|b| b.outcome == 0));
    // Only match 0 (2-1) is a home win: +1.0 at 2.0, three losses of 1.
    assert!((all.overall.profit - (1.0 - 3.0)).abs() < 1e-12);
    let per_season: f64 = all.seasons.iter().map(|s| s.summary.profit).sum();
    assert!((per_season - all.overall.profit).abs() < 1e-12);
    // CLV only where there is a closing price: 2.0 / 1.8 − 1.
    assert!((all.overall.mean_clv.unwrap() - (2.0 / 1.8 - 1.0)).abs() < 1e-12);
    assert_eq!(all.seasons[1].summary.mean_clv, None);

    let only = simulate_backtest(
        &backtest,
        &matches,
        OddsSource::PinnacleThenBet365,
        &flat,
        &["2425".to_owned()],
    )
    .unwrap();
    assert_eq!(only.seasons.len(), 1);
    assert_eq!(only.overall.n_bets, 3);
    assert_eq!(only.overall, only.seasons[0].summary);

    // The seed system (p ≥ 0.6, edge > 0.1, quarter Kelly capped at 5%).
    let seed = simulate_backtest(
        &backtest,
        &matches,
        OddsSource::PinnacleThenBet365,
        &Strategy::default(),
        &[],
    )
    .unwrap();
    assert_eq!(seed.overall.n_bets, 4);
    assert!(seed
        .overall
        .bets
        .iter()
        .all(|b| b.stake <= 0.05 * (b.bankroll - b.profit) + 1e-12));
}

#[test]
fn a_real_walk_forward_bets_only_where_there_are_odds() {
    let params = common::true_parameters(8, 5);
    let mut matches = Vec::new();
    for s in 0..2u64 {
        for mut m in common::simulate_season(&params, 40 + s, 0) {
            m.date = m.date + Days::new(60 * s);
            matches.push(m);
        }
    }
    for (i, m) in matches.iter_mut().enumerate() {
        if i % 3 != 0 {
            m.odds.bet365 = triple(2.4, 3.3, 3.1);
        }
    }
    let first_target = matches[0].date + Days::new(100);
    let options = BacktestOptions {
        refit: Refit::Days(7),
        min_training_matches: 50,
        ..BacktestOptions::default()
    };
    let backtest = walk_forward(&matches, |m| m.date >= first_target, &options, None).unwrap();
    assert!(backtest.folds.iter().all(|f| f.elapsed_s > 0.0));
    let candidates = bet_candidates(&backtest, &matches, OddsSource::default());
    let with_odds = backtest
        .predictions
        .iter()
        .filter(|p| p.index % 3 != 0)
        .count();
    assert_eq!(candidates.len(), with_odds);
    assert!(with_odds < backtest.predictions.len());
    for (k, c) in &candidates {
        let p = &backtest.predictions[*k];
        assert_eq!(c.probabilities, p.probabilities);
        assert_eq!(c.outcome, p.outcome as usize);
    }
    let anything = Strategy {
        min_edge: -1.0,
        min_probability: 0.0,
        staking: Staking::Flat { unit: 1.0 },
        initial_bankroll: 1000.0,
    };
    let betting =
        simulate_backtest(&backtest, &matches, OddsSource::default(), &anything, &[]).unwrap();
    assert_eq!(betting.overall.n_bets, with_odds);
}

#[test]
fn the_json_row_has_the_documented_keys() {
    let model = score_forecasts(&[0.5, 0.3, 0.2, 0.2, 0.3, 0.5], &[0, 1]).unwrap();
    let market = score_forecasts(&[0.6, 0.2, 0.2, 0.3, 0.3, 0.4], &[0, 1]).unwrap();
    let row = MarketComparison {
        league: "E0".into(),
        season: "2324".into(),
        matches: 2,
        model,
        calibrated: Some(model),
        blend: None,
        blend_weight: None,
        market,
        dm_statistic: 0.5,
        dm_p_value: 0.6,
    };
    let matches = matches();
    let betting = simulate_backtest(
        &predicted(&matches, [0.6, 0.25, 0.15]),
        &matches,
        OddsSource::default(),
        &Strategy::default(),
        &[],
    )
    .unwrap()
    .overall;
    let json = report_json_row(&row, 7, 1.5, Some(&betting), false);
    for key in [
        "league",
        "season",
        "matches",
        "refits",
        "elapsed_s",
        "model",
        "calibrated",
        "blend",
        "market",
        "blend_weight",
        "dm_statistic",
        "dm_p_value",
        "rps_gap_model_market",
        "betting",
    ] {
        assert!(json.get(key).is_some(), "no {key} in {json}");
    }
    for scores in ["model", "calibrated", "market"] {
        for key in ["rps", "brier", "log_loss", "accuracy", "ece"] {
            assert!(json[scores][key].is_f64(), "{scores}.{key} in {json}");
        }
    }
    assert!(json["blend"].is_null() && json["blend_weight"].is_null());
    assert_eq!(json["refits"], 7);
    assert_eq!(json["elapsed_s"], 1.5);
    for key in [
        "n_bets",
        "hit_rate",
        "total_staked",
        "profit",
        "roi",
        "yield_per_stake",
        "final_bankroll",
        "max_drawdown",
        "mean_clv",
    ] {
        assert!(json["betting"].get(key).is_some(), "no betting.{key}");
    }
    assert!(json["betting"].get("bets").is_none());
    let detailed = report_json_row(&row, 7, 1.5, Some(&betting), true);
    assert_eq!(
        detailed["betting"]["bets"].as_array().unwrap().len(),
        betting.n_bets
    );
    assert!(report_json_row(&row, 7, 1.5, None, true)
        .get("betting")
        .is_none());
}
