//! The market report: the model, the calibrated model, the blend and the
//! market, per league and season, out of sample.

use std::collections::BTreeSet;

use scoreline_calibration::TemperatureScaling;
use scoreline_metrics::{diebold_mariano, rps_per_forecast};
use serde::{Deserialize, Serialize};

use super::{
    blend, fit_blend_weight, market_probabilities, score_forecasts, Backtest, BacktestError,
    MatchPrediction, Pooling, ScoreSummary,
};
use crate::data::football_data::season_start_year;
use crate::data::Match;

/// One league-season (or the overall row) of a [`MarketReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketComparison {
    /// The division (`overall` for the overall row).
    pub league: String,
    /// The season (`overall` for the overall row).
    pub season: String,
    /// Matches with a market price (the ones scored).
    pub matches: usize,
    /// The model's forecasts.
    pub model: ScoreSummary,
    /// The model after temperature scaling `qⱼ ∝ pⱼ^(1/T)`, T fitted by log
    /// loss on the league's earlier seasons (`None` without earlier seasons).
    /// A one-parameter calibrator: with a few hundred earlier matches an
    /// isotonic one-vs-rest calibrator overfits and gives some outcomes
    /// probability 0 (its log loss was 1.12 against the model's 0.97 on E0).
    pub calibrated: Option<ScoreSummary>,
    /// The logarithmic blend with the market, its weight fitted by log
    /// loss on the league's earlier seasons (`None` without them).
    pub blend: Option<ScoreSummary>,
    /// The blend's weight on the model.
    pub blend_weight: Option<f64>,
    /// The market (see [`market_probabilities`]).
    pub market: ScoreSummary,
    /// Diebold–Mariano statistic of model − market RPS (negative: the model is better).
    pub dm_statistic: f64,
    /// Its two-sided p-value.
    pub dm_p_value: f64,
}

/// [`market_report`]'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketReport {
    /// Per league and season, in order.
    pub seasons: Vec<MarketComparison>,
    /// All reported league-seasons together.
    pub overall: MarketComparison,
}

/// Forecasts of a set of matches, side by side.
#[derive(Default)]
struct Rows {
    model: Vec<f64>,
    calibrated: Vec<f64>,
    blend: Vec<f64>,
    market: Vec<f64>,
    outcomes: Vec<u32>,
    has_earlier: bool,
    weight: Option<f64>,
}

/// Chronological order of season codes (`9900` before `0001`).
fn season_key(season: &str) -> u32 {
    season_start_year(season).unwrap_or(0)
}

fn compare(league: &str, season: &str, rows: &Rows) -> Result<MarketComparison, BacktestError> {
    let metrics = |e: scoreline_metrics::MetricsError| BacktestError::InvalidOption {
        option: "forecasts",
        reason: e.to_string(),
    };
    let score = |p: &[f64]| score_forecasts(p, &rows.outcomes).map_err(metrics);
    let dm = diebold_mariano(
        &rps_per_forecast(&rows.model, 3, &rows.outcomes).map_err(metrics)?,
        &rps_per_forecast(&rows.market, 3, &rows.outcomes).map_err(metrics)?,
        0,
    )
    .map_err(metrics)?;
    Ok(MarketComparison {
        league: league.to_owned(),
        season: season.to_owned(),
        matches: rows.outcomes.len(),
        model: score(&rows.model)?,
        calibrated: if rows.has_earlier {
            Some(score(&rows.calibrated)?)
        } else {
            None
        },
        blend: if rows.has_earlier {
            Some(score(&rows.blend)?)
        } else {
            None
        },
        blend_weight: rows.weight,
        market: score(&rows.market)?,
        dm_statistic: dm.statistic,
        dm_p_value: dm.p_value,
    })
}

/// The backtest's predictions of matches with a market price, in the
/// backtest's order, each with the market's probabilities (see
/// [`market_probabilities`]): what [`market_report`] scores.
pub(crate) fn priced_predictions<'a>(
    backtest: &'a Backtest,
    matches: &[Match],
) -> Vec<(&'a MatchPrediction, [f64; 3])> {
    backtest
        .predictions
        .iter()
        .filter_map(|p| market_probabilities(&matches[p.index]).map(|q| (p, q)))
        .collect()
}

/// Compares a backtest's forecasts with the market, league by league and
/// season by season, for the seasons in `report` (all when empty). For each
/// league-season the calibrator and the blend weight are fitted on the
/// league's predictions of earlier seasons only (those with a market
/// price), so everything reported is out of sample. `matches` is the slice
/// the backtest ran on.
pub fn market_report(
    backtest: &Backtest,
    matches: &[Match],
    report: &[String],
) -> Result<MarketReport, BacktestError> {
    let priced = priced_predictions(backtest, matches);
    let keys: BTreeSet<(String, u32, String)> = priced
        .iter()
        .map(|(p, _)| {
            (
                p.division.clone().unwrap_or_default(),
                season_key(&p.season),
                p.season.clone(),
            )
        })
        .filter(|(_, _, s)| report.is_empty() || report.contains(s))
        .collect();
    let mut seasons = Vec::new();
    let mut all = Rows {
        has_earlier: true,
        ..Rows::default()
    };
    for (league, _, season) in &keys {
        let in_league = |p: &MatchPrediction| p.division.clone().unwrap_or_default() == *league;
        let mut rows = Rows::default();
        let (mut e_model, mut e_market, mut e_outcomes) = (Vec::new(), Vec::new(), Vec::new());
        for (p, q) in &priced {
            if !in_league(p) {
                continue;
            }
            if p.season == *season {
                rows.model.extend(p.probabilities);
                rows.market.extend(q);
                rows.outcomes.push(p.outcome);
            } else if season_key(&p.season) < season_key(season) {
                e_model.extend(p.probabilities);
                e_market.extend(q);
                e_outcomes.push(p.outcome);
            }
        }
        rows.has_earlier = e_outcomes.len() >= 100;
        if rows.has_earlier {
            let calibrator_outcomes: Vec<usize> = e_outcomes.iter().map(|&o| o as usize).collect();
            let calibrator = TemperatureScaling::fit(&e_model, 3, &calibrator_outcomes, None)
                .map_err(|e| BacktestError::InvalidOption {
                    option: "calibrator",
                    reason: e.to_string(),
                })?;
            rows.calibrated =
                calibrator
                    .predict(&rows.model, 3)
                    .map_err(|e| BacktestError::InvalidOption {
                        option: "calibrator",
                        reason: e.to_string(),
                    })?;
            let w = fit_blend_weight(&e_model, &e_market, &e_outcomes, Pooling::Logarithmic)?;
            rows.blend = blend(&rows.model, &rows.market, w, Pooling::Logarithmic);
            rows.weight = Some(w);
        } else {
            all.has_earlier = false;
        }
        seasons.push(compare(league, season, &rows)?);
        all.model.extend(&rows.model);
        all.market.extend(&rows.market);
        all.outcomes.extend(&rows.outcomes);
        all.calibrated.extend(&rows.calibrated);
        all.blend.extend(&rows.blend);
    }
    if all.outcomes.is_empty() {
        return Err(BacktestError::InvalidOption {
            option: "report seasons",
            reason: "no predicted match of those seasons has a market price".to_owned(),
        });
    }
    let overall = compare("overall", "overall", &all)?;
    Ok(MarketReport { seasons, overall })
}
