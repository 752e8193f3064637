//! Sequential models ([`crate::forecasting`]) on the families'
//! leaderboard: the same leagues, seasons, matches and scores.
//!
//! Each league is loaded as the league report loads it (the league and its
//! history divisions), sorted by date, and the model forecasts every match
//! of the league from its second season on with
//! [`forecast_walk_forward`] (folds by the report's refit schedule; the
//! model observes every earlier match of every division before each
//! fold). The matches scored are the Dixon–Coles run's: priced, in the
//! reported seasons. Earlier forecasts are not scored but count as history
//! for the models' out-of-sample choices (selection, pool weights).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rayon::prelude::*;

use super::leaderboard::{in_league, run_families, scores_row, MatchKey, Scored};
use super::leagues::league_matches;
use super::{
    folds, market_probabilities, season_of_match, BacktestError, Leaderboard, LeagueReportOptions,
    Standing,
};
use crate::data::football_data::{available_divisions, available_seasons};
use crate::data::Match;
use crate::forecasting::models::ModelName;
use crate::forecasting::{forecast_walk_forward, outcome};
use crate::model::options::Family;

/// One sequential model's priced forecasts over every league, and its
/// forecast rounds.
struct ModelRun {
    rows: Vec<(MatchKey, [f64; 3], [f64; 3])>,
    rounds: usize,
    elapsed_s: f64,
}

/// The key of a match, as the families' runs key their predictions.
fn key_of(m: &Match) -> MatchKey {
    (
        m.division.clone().unwrap_or_default(),
        season_of_match(m),
        m.date,
        m.home_team.clone(),
        m.away_team.clone(),
        outcome(m) as u32,
    )
}

/// Runs `model` over one league; see the module documentation.
fn run_league(
    dir: &Path,
    league: &str,
    divisions: &[String],
    options: &LeagueReportOptions,
    model: ModelName,
) -> Result<(Vec<(MatchKey, [f64; 3], [f64; 3])>, usize), BacktestError> {
    let Some(first) = available_seasons(dir, league).first().cloned() else {
        return Ok((Vec::new(), 0));
    };
    let mut matches = league_matches(dir, league, divisions)?;
    matches.sort_by_key(|m| m.date);
    let targets: Vec<usize> = (0..matches.len())
        .filter(|&i| {
            matches[i].division.as_deref() == Some(league) && season_of_match(&matches[i]) != first
        })
        .collect();
    let failed = |source| BacktestError::Forecast {
        model: model.name().to_owned(),
        league: league.to_owned(),
        source,
    };
    let mut forecaster = model.build().map_err(failed)?;
    let forecasts = forecast_walk_forward(
        &matches,
        &targets,
        options.backtest.refit,
        forecaster.as_mut(),
        &AtomicBool::new(false),
    )
    .map_err(failed)?;
    let dates: Vec<_> = matches.iter().map(|m| m.date).collect();
    let rounds = folds(&dates, &targets, options.backtest.refit).len();
    let selected =
        |m: &Match| options.seasons.is_empty() || options.seasons.contains(&season_of_match(m));
    let rows = targets
        .iter()
        .zip(forecasts)
        .filter_map(|(&t, f)| {
            let m = &matches[t];
            market_probabilities(m)
                .filter(|_| selected(m))
                .map(|q| (key_of(m), f, q))
        })
        .collect();
    Ok((rows, rounds))
}

/// Runs `model` over every (selected) league of `dir`, leagues in
/// parallel.
fn run_model(
    dir: &Path,
    options: &LeagueReportOptions,
    leagues: &[String],
    model: ModelName,
) -> Result<ModelRun, BacktestError> {
    let started = Instant::now();
    let divisions = available_divisions(dir);
    let runs = leagues
        .par_iter()
        .map(|league| run_league(dir, league, &divisions, options, model))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = ModelRun {
        rows: Vec::new(),
        rounds: 0,
        elapsed_s: 0.0,
    };
    for (rows, rounds) in runs {
        out.rows.extend(rows);
        out.rounds += rounds;
    }
    out.elapsed_s = started.elapsed().as_secs_f64();
    Ok(out)
}

/// A model's forecasts of the baseline's matches, in its order (the
/// model may have forecast more: folds the backtest skipped for lack of
/// training data). Errors when it did not forecast one of them.
fn aligned(model: ModelName, run: &ModelRun, baseline: &Scored) -> Result<Scored, BacktestError> {
    let by_key: std::collections::HashMap<&MatchKey, usize> = run
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (&r.0, i))
        .collect();
    let mismatch = |reason: String| BacktestError::InvalidOption {
        option: "models",
        reason: format!("{}: {reason}", model.name()),
    };
    let mut forecasts = Vec::with_capacity(baseline.keys.len());
    let mut market = Vec::with_capacity(baseline.keys.len());
    for key in &baseline.keys {
        let Some(&i) = by_key.get(key) else {
            return Err(mismatch(format!(
                "no forecast of {} v {} on {} ({})",
                key.3, key.4, key.2, key.0
            )));
        };
        forecasts.push(run.rows[i].1);
        market.push(run.rows[i].2);
    }
    Scored::new(baseline.keys.clone(), forecasts, market)
}

/// The leaderboard of `families` ([`super::family_leaderboard`]: Dixon–Coles is
/// always run) and of the sequential `models`, side by side on the same
/// matches: every model's row per league and overall holds its RPS, log
/// loss, Brier score, ECE, the market's RPS, the gap and the
/// Diebold–Mariano p-values against Dixon–Coles and the market. Families
/// and models run in parallel.
///
/// Errors: those of [`super::family_leaderboard`]; a model's forecast error
/// ([`BacktestError::Forecast`], naming model and league); a model that
/// did not forecast the Dixon–Coles run's matches.
pub fn model_leaderboard(
    dir: &Path,
    options: &LeagueReportOptions,
    families: &[Family],
    models: &[ModelName],
) -> Result<Leaderboard, BacktestError> {
    let started = Instant::now();
    let families = if families.is_empty() {
        vec![Family::DixonColes]
    } else {
        families.to_vec()
    };
    let leagues = if options.leagues.is_empty() {
        available_divisions(dir)
    } else {
        options.leagues.clone()
    };
    let mut order: Vec<ModelName> = Vec::new();
    for &m in models {
        if !order.contains(&m) {
            order.push(m);
        }
    }
    let (families_run, model_runs) = rayon::join(
        || run_families(dir, options, &families),
        || {
            order
                .par_iter()
                .map(|&m| run_model(dir, options, &leagues, m))
                .collect::<Vec<_>>()
        },
    );
    let (mut board, baseline) = families_run?;
    let reported: Vec<String> = board
        .standings
        .first()
        .map(|s| s.leagues.iter().map(|r| r.league.clone()).collect())
        .unwrap_or_default();
    for (model, run) in order.into_iter().zip(model_runs) {
        let run = run?;
        let own = aligned(model, &run, &baseline)?;
        let all: Vec<usize> = (0..own.keys.len()).collect();
        let overall = scores_row("overall", &all, &own, &baseline)?;
        let leagues = reported
            .iter()
            .map(|league| scores_row(league, &in_league(&own, league), &own, &baseline))
            .collect::<Result<Vec<_>, _>>()?;
        board.standings.push(Standing {
            model: model.name().to_owned(),
            family: None,
            overall,
            leagues,
            refits: run.rounds,
            elapsed_s: run.elapsed_s,
        });
    }
    board.elapsed_s = started.elapsed().as_secs_f64();
    Ok(board)
}
