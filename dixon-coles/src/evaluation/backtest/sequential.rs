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

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use rayon::prelude::*;

use super::leaderboard::{in_league, run_families, scores_row, MatchKey, Scored};
use super::leagues::league_matches;
use super::{
    blend, fit_blend_weight, folds, market_probabilities, season_of_match, BacktestError,
    Leaderboard, LeagueReportOptions, Pooling, Standing,
};
use crate::data::football_data::{available_divisions, available_seasons, season_start_year};
use crate::data::xg::{attach_xg, read_spi_matches, SpiTable};
use crate::data::Match;
use crate::forecasting::models::ModelName;
use crate::forecasting::replay::Replay;
use crate::forecasting::{forecast_walk_forward, outcome, Forecaster, Outcome3, Pairing};
use crate::model::options::Family;

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

/// One league's matches (the league and its history divisions, sorted by
/// date, with xG attached when the data folder has it) and the positions
/// the sequential models forecast.
struct LeagueData {
    matches: Vec<Match>,
    targets: Vec<usize>,
}

/// Seasons forecast before a league's first priced season: their forecasts
/// are not scored, but give the models' out-of-sample choices (selection,
/// pool weights) a history before the first scored match.
pub const WARM_UP_SEASONS: usize = 2;

/// The FiveThirtyEight xG file beside a football-data folder
/// (`<data>/xg/spi_matches.csv` for `<data>/football-data`), read if it
/// is there.
fn xg_table(dir: &Path) -> Result<Option<SpiTable>, BacktestError> {
    let Some(path) = dir.parent().map(|d| d.join("xg").join("spi_matches.csv")) else {
        return Ok(None);
    };
    if !path.is_file() {
        return Ok(None);
    }
    Ok(Some(read_spi_matches(&path)?))
}

/// Loads one league; see [`LeagueData`]. The targets are the league's
/// matches from [`WARM_UP_SEASONS`] seasons before its first priced season
/// (never its first season) on.
fn league_data(
    dir: &Path,
    league: &str,
    divisions: &[String],
    xg: Option<&SpiTable>,
) -> Result<LeagueData, BacktestError> {
    let seasons = available_seasons(dir, league);
    let mut matches = league_matches(dir, league, divisions)?;
    if let Some(table) = xg {
        attach_xg(&mut matches, table);
    }
    matches.sort_by_key(|m| m.date);
    let own = |m: &Match| m.division.as_deref() == Some(league);
    let first_priced = matches
        .iter()
        .filter(|m| own(m) && market_probabilities(m).is_some())
        .filter_map(|m| seasons.iter().position(|s| *s == season_of_match(m)))
        .min()
        .unwrap_or(seasons.len());
    let from = first_priced.saturating_sub(WARM_UP_SEASONS).max(1);
    let forecast: Vec<&String> = seasons.iter().skip(from).collect();
    let targets = (0..matches.len())
        .filter(|&i| own(&matches[i]) && forecast.contains(&&season_of_match(&matches[i])))
        .collect();
    Ok(LeagueData { matches, targets })
}

/// One model's forecasts of every league's targets, its forecast rounds
/// and wall time.
struct ModelRun {
    forecasts: Vec<Vec<Outcome3>>,
    rounds: usize,
    elapsed_s: f64,
}

/// Runs a model (built fresh, or a pool over `replayed` members' recorded
/// forecasts) over one league.
fn run_league(
    data: &LeagueData,
    league: &str,
    options: &LeagueReportOptions,
    model: ModelName,
    replayed: &[(ModelName, &[Outcome3])],
    cancel: &AtomicBool,
) -> Result<Vec<Outcome3>, BacktestError> {
    let failed = |source| BacktestError::Forecast {
        model: model.name().to_owned(),
        league: league.to_owned(),
        source: Box::new(source),
    };
    let mut forecaster = if replayed.is_empty() {
        model.build()
    } else {
        let pairings = || data.targets.iter().map(|&t| Pairing::of(&data.matches[t]));
        model.pool(
            replayed
                .iter()
                .map(|(m, f)| Box::new(Replay::new(m.name(), pairings(), f)) as Box<dyn Forecaster>)
                .collect(),
        )
    }
    .map_err(failed)?;
    forecast_walk_forward(
        &data.matches,
        &data.targets,
        options.backtest.refit,
        forecaster.as_mut(),
        cancel,
    )
    .map_err(failed)
}

/// Runs `model` over every league (in parallel); a pool replays its
/// members' runs from `done`.
fn run_model(
    data: &[(String, LeagueData)],
    options: &LeagueReportOptions,
    model: ModelName,
    done: &HashMap<ModelName, ModelRun>,
    cancel: &AtomicBool,
) -> Result<ModelRun, BacktestError> {
    let started = Instant::now();
    let forecasts = data
        .par_iter()
        .enumerate()
        .map(|(l, (league, d))| {
            let replayed: Vec<(ModelName, &[Outcome3])> = model
                .members()
                .into_iter()
                .filter_map(|m| done.get(&m).map(|run| (m, run.forecasts[l].as_slice())))
                .collect();
            run_league(d, league, options, model, &replayed, cancel)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rounds = data
        .iter()
        .map(|(_, d)| {
            let dates: Vec<_> = d.matches.iter().map(|m| m.date).collect();
            folds(&dates, &d.targets, options.backtest.refit).len()
        })
        .sum();
    Ok(ModelRun {
        forecasts,
        rounds,
        elapsed_s: started.elapsed().as_secs_f64(),
    })
}

/// A model's priced forecasts in the reported seasons, keyed.
fn priced_rows(
    data: &[(String, LeagueData)],
    run: &ModelRun,
    options: &LeagueReportOptions,
) -> Vec<(MatchKey, Outcome3, Outcome3)> {
    let mut rows = Vec::new();
    for ((_, d), forecasts) in data.iter().zip(&run.forecasts) {
        for (&t, f) in d.targets.iter().zip(forecasts) {
            let m = &d.matches[t];
            let selected =
                options.seasons.is_empty() || options.seasons.contains(&season_of_match(m));
            if let Some(q) = market_probabilities(m).filter(|_| selected) {
                rows.push((key_of(m), *f, q));
            }
        }
    }
    rows
}

/// A model's forecasts of the baseline's matches, in its order (the
/// model may have forecast more: folds the backtest skipped for lack of
/// training data). Errors when it did not forecast one of them.
fn aligned(
    model: ModelName,
    rows: &[(MatchKey, Outcome3, Outcome3)],
    baseline: &Scored,
) -> Result<(Scored, Vec<Outcome3>), BacktestError> {
    let by_key: HashMap<&MatchKey, usize> =
        rows.iter().enumerate().map(|(i, r)| (&r.0, i)).collect();
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
        forecasts.push(rows[i].1);
        market.push(rows[i].2);
    }
    let scored = Scored::new(baseline.keys.clone(), forecasts, market.clone())?;
    Ok((scored, market))
}

/// Matches of a league's earlier seasons a blend weight needs before it is
/// fitted (with fewer, the blend is the market alone).
pub const MIN_BLEND_HISTORY: usize = 100;

/// The logarithmic blend of a model with the market: for each league and
/// season, `p ∝ model^w · market^(1−w)` with `w` fitted
/// ([`fit_blend_weight`]) on the league's earlier scored seasons; the
/// market alone where fewer than [`MIN_BLEND_HISTORY`] earlier matches
/// exist (a league's first priced season).
fn market_blend(own: &Scored, market: &[Outcome3]) -> Result<Vec<Outcome3>, BacktestError> {
    let mut out = market.to_vec();
    let season_key = |s: &str| season_start_year(s).unwrap_or(0);
    let mut groups: Vec<(&str, &str)> = own
        .keys
        .iter()
        .map(|k| (k.0.as_str(), k.1.as_str()))
        .collect();
    groups.sort_by_key(|&(l, s)| (l, season_key(s)));
    groups.dedup();
    for (league, season) in groups {
        let earlier: Vec<usize> = (0..own.keys.len())
            .filter(|&i| own.keys[i].0 == league && season_key(&own.keys[i].1) < season_key(season))
            .collect();
        if earlier.len() < MIN_BLEND_HISTORY {
            continue;
        }
        let flat =
            |v: &[Outcome3], at: &[usize]| at.iter().flat_map(|&i| v[i]).collect::<Vec<f64>>();
        let outcomes: Vec<u32> = earlier.iter().map(|&i| own.outcomes[i]).collect();
        let w = fit_blend_weight(
            &flat(&own.forecasts, &earlier),
            &flat(market, &earlier),
            &outcomes,
            Pooling::Logarithmic,
        )?;
        let now: Vec<usize> = (0..own.keys.len())
            .filter(|&i| own.keys[i].0 == league && own.keys[i].1 == season)
            .collect();
        let pooled = blend(
            &flat(&own.forecasts, &now),
            &flat(market, &now),
            w,
            Pooling::Logarithmic,
        );
        for (j, &i) in now.iter().enumerate() {
            out[i] = [pooled[3 * j], pooled[3 * j + 1], pooled[3 * j + 2]];
        }
    }
    Ok(out)
}

/// Loads every league and runs the sequential `models` (and the members
/// of the pools among them), the pools last over their members' replayed
/// forecasts.
#[allow(clippy::type_complexity)]
fn run_sequential(
    dir: &Path,
    options: &LeagueReportOptions,
    leagues: &[String],
    models: &[ModelName],
    cancel: &AtomicBool,
) -> Result<(Vec<(String, LeagueData)>, HashMap<ModelName, ModelRun>), BacktestError> {
    if models.is_empty() {
        return Ok((Vec::new(), HashMap::new()));
    }
    let divisions = available_divisions(dir);
    let xg = xg_table(dir)?;
    let data = leagues
        .par_iter()
        .map(|league| {
            Ok((
                league.clone(),
                league_data(dir, league, &divisions, xg.as_ref())?,
            ))
        })
        .collect::<Result<Vec<_>, BacktestError>>()?;
    let mut plain: Vec<ModelName> = Vec::new();
    for &m in models {
        for needed in m.members().into_iter().chain(std::iter::once(m)) {
            if !needed.is_pool() && !plain.contains(&needed) {
                plain.push(needed);
            }
        }
    }
    let empty = HashMap::new();
    let mut done: HashMap<ModelName, ModelRun> = plain
        .par_iter()
        .map(|&m| Ok((m, run_model(&data, options, m, &empty, cancel)?)))
        .collect::<Result<_, BacktestError>>()?;
    for &m in models.iter().filter(|m| m.is_pool()) {
        let run = run_model(&data, options, m, &done, cancel)?;
        done.insert(m, run);
    }
    Ok((data, done))
}

/// The leaderboard of `families` ([`super::family_leaderboard`]: Dixon–Coles is
/// always run) and of the sequential `models`, side by side on the same
/// matches: every model's row per league and overall holds its RPS, log
/// loss, Brier score, ECE, the market's RPS, the gap and the
/// Diebold–Mariano p-values against Dixon–Coles and the market. Families
/// and models run in parallel. Each pool also gets a separately labelled
/// blend row with the market (`<pool>+market`, [`Standing::blend`]): its
/// logarithmic blend with the closing line, the weight fitted per league
/// on earlier seasons; the market is never a member of any other row.
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
    model_leaderboard_cancellable(dir, options, families, models, &AtomicBool::new(false))
}

/// [`model_leaderboard`] that stops early once `cancel` is set (checked
/// before every fold of every family and model; the error is then the
/// run's cancellation).
pub fn model_leaderboard_cancellable(
    dir: &Path,
    options: &LeagueReportOptions,
    families: &[Family],
    models: &[ModelName],
    cancel: &AtomicBool,
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
        || run_families(dir, options, &families, cancel),
        || run_sequential(dir, options, &leagues, &order, cancel),
    );
    let (mut board, baseline) = families_run?;
    let (data, mut runs) = model_runs?;
    let reported: Vec<String> = board
        .standings
        .first()
        .map(|s| s.leagues.iter().map(|r| r.league.clone()).collect())
        .unwrap_or_default();
    for model in order {
        let run = runs.remove(&model).expect("every model was run");
        let (own, market) = aligned(model, &priced_rows(&data, &run, options), &baseline)?;
        let standing = |name: String,
                        scored: &Scored,
                        blend: bool|
         -> Result<Standing, BacktestError> {
            let all: Vec<usize> = (0..scored.keys.len()).collect();
            Ok(Standing {
                model: name,
                family: None,
                blend,
                overall: scores_row("overall", &all, scored, &baseline)?,
                leagues: reported
                    .iter()
                    .map(|league| scores_row(league, &in_league(scored, league), scored, &baseline))
                    .collect::<Result<Vec<_>, _>>()?,
                refits: run.rounds,
                elapsed_s: run.elapsed_s,
            })
        };
        board
            .standings
            .push(standing(model.name().to_owned(), &own, false)?);
        if model.is_pool() {
            let blended = Scored::new(own.keys.clone(), market_blend(&own, &market)?, market)?;
            board.standings.push(standing(
                format!("{}+market", model.name()),
                &blended,
                true,
            )?);
        }
    }
    board.elapsed_s = started.elapsed().as_secs_f64();
    Ok(board)
}
