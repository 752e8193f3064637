//! Betting on a backtest's out-of-sample predictions.
//!
//! Each predicted match with a betting price becomes a
//! [`BetCandidate`]: the model's 1X2 probabilities, the odds available
//! before kick-off (Pinnacle's `PSH/PSD/PSA`, else Bet365's `B365H/D/A`;
//! see [`OddsSource`]) and Pinnacle's closing odds (`PSCH/PSCD/PSCA`) for
//! the closing-line value `CLV = o_taken / o_closing − 1`.
//! [`simulate_backtest`] then runs a [`Strategy`] over them season by
//! season and over all seasons together.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Backtest, MarketComparison, MatchPrediction};
use crate::data::football_data::season_start_year;
use crate::data::{Match, OddsTriple, RecordedOdds};
use crate::wagering::betting::{simulate, BetCandidate, BettingError, BettingSummary, Strategy};

/// Which recorded pre-closing odds a backtest bets at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OddsSource {
    /// Pinnacle (`PSH/PSD/PSA`), else Bet365 (`B365H/B365D/B365A`). The default.
    #[default]
    PinnacleThenBet365,
    /// Pinnacle (`PSH/PSD/PSA`) only.
    Pinnacle,
    /// Bet365 (`B365H/B365D/B365A`) only.
    Bet365,
}

/// `[home, draw, away]` when every price is finite and > 1 (a usable price).
fn usable(odds: Option<OddsTriple>) -> Option<[f64; 3]> {
    let o = odds?;
    let prices = [o.home, o.draw, o.away];
    prices
        .iter()
        .all(|p| p.is_finite() && *p > 1.0)
        .then_some(prices)
}

impl OddsSource {
    /// The decimal odds `[home, draw, away]` to bet at, or `None` when the
    /// source has no usable price (a missing triple, or one with a price
    /// that is not finite and > 1, counts as absent, so
    /// [`PinnacleThenBet365`](Self::PinnacleThenBet365) then falls back to Bet365).
    ///
    /// ```
    /// use scoreline_dixon_coles::evaluation::backtest::OddsSource;
    /// use scoreline_dixon_coles::data::{OddsTriple, RecordedOdds};
    /// let odds = RecordedOdds {
    ///     bet365: Some(OddsTriple { home: 2.0, draw: 3.4, away: 4.0 }),
    ///     ..RecordedOdds::default()
    /// };
    /// assert_eq!(OddsSource::PinnacleThenBet365.odds(&odds), Some([2.0, 3.4, 4.0]));
    /// assert_eq!(OddsSource::Pinnacle.odds(&odds), None);
    /// ```
    pub fn odds(self, odds: &RecordedOdds) -> Option<[f64; 3]> {
        match self {
            Self::PinnacleThenBet365 => usable(odds.pinnacle).or_else(|| usable(odds.bet365)),
            Self::Pinnacle => usable(odds.pinnacle),
            Self::Bet365 => usable(odds.bet365),
        }
    }
}

/// The bet candidates of a backtest, in the predictions' (date) order: for
/// every prediction whose match (`matches[prediction.index]`, `matches`
/// being the slice the backtest ran on) has odds from `source`, the pair
/// (index into `backtest.predictions`, candidate). The candidate holds the
/// model's probabilities, the odds from `source`, Pinnacle's closing odds
/// (`PSCH/PSCD/PSCA`) when usable, and the result. Matches without betting
/// odds are skipped.
///
/// ```
/// use chrono::{Days, NaiveDate};
/// use scoreline_dixon_coles::evaluation::backtest::{bet_candidates, walk_forward, BacktestOptions, OddsSource};
/// use scoreline_dixon_coles::data::{Match, OddsTriple};
/// let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
/// let teams = ["A", "B", "C", "D"];
/// let mut matches = Vec::new();
/// for round in 0..30u64 {
///     for (i, h) in teams.iter().enumerate() {
///         let a = teams[(i + 1 + round as usize % 3) % 4];
///         let mut m = Match::new(day + Days::new(7 * round), *h, a, (round % 3) as u32, (i % 2) as u32);
///         if i != 0 {
///             m.odds.bet365 = Some(OddsTriple { home: 2.1, draw: 3.3, away: 3.6 });
///         }
///         matches.push(m);
///     }
/// }
/// let options = BacktestOptions { min_training_matches: 40, ..Default::default() };
/// let backtest = walk_forward(&matches, |m| m.date >= day + Days::new(7 * 20), &options, None).unwrap();
/// let candidates = bet_candidates(&backtest, &matches, OddsSource::PinnacleThenBet365);
/// assert_eq!(candidates.len(), 30); // 40 predictions, 10 without odds
/// assert!(candidates.iter().all(|(_, c)| c.odds == [2.1, 3.3, 3.6] && c.closing_odds.is_none()));
/// ```
pub fn bet_candidates(
    backtest: &Backtest,
    matches: &[Match],
    source: OddsSource,
) -> Vec<(usize, BetCandidate)> {
    backtest
        .predictions
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let m = &matches[p.index];
            let odds = source.odds(&m.odds)?;
            Some((
                k,
                BetCandidate {
                    probabilities: p.probabilities.map(|q| q.clamp(0.0, 1.0)),
                    odds,
                    closing_odds: usable(m.odds.pinnacle_closing),
                    outcome: p.outcome as usize,
                },
            ))
        })
        .collect()
}

/// One league-season of a [`BacktestBetting`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeasonBetting {
    /// The division (empty when the matches have none).
    pub league: String,
    /// The season code.
    pub season: String,
    /// The simulation of that league-season alone, from the initial bankroll.
    pub summary: BettingSummary,
}

/// [`simulate_backtest`]'s result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestBetting {
    /// Per league and season, in chronological order (each from the initial bankroll).
    pub seasons: Vec<SeasonBetting>,
    /// One bankroll carried through every reported league-season, in date order.
    pub overall: BettingSummary,
}

/// Chronological order of season codes (`9900` before `0001`).
fn season_key(p: &MatchPrediction) -> (String, u32, String) {
    (
        p.division.clone().unwrap_or_default(),
        season_start_year(&p.season).unwrap_or(0),
        p.season.clone(),
    )
}

/// Runs `strategy` over the [`bet_candidates`] of the predictions of the
/// seasons in `seasons` (all when empty): once per league-season, starting
/// from `strategy.initial_bankroll` each time, and once over all of them
/// with one bankroll (`overall`). Every reported league-season with a
/// prediction gets a row, with no bets when it has no odds.
///
/// In the returned summaries, [`PlacedBet::index`](crate::wagering::betting::PlacedBet::index)
/// is the bet's index into `backtest.predictions` (not into the candidates).
///
/// ```
/// use chrono::{Days, NaiveDate};
/// use scoreline_dixon_coles::evaluation::backtest::{simulate_backtest, walk_forward, BacktestOptions, OddsSource};
/// use scoreline_dixon_coles::wagering::betting::{Staking, Strategy};
/// use scoreline_dixon_coles::data::{Match, OddsTriple};
/// let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
/// let teams = ["A", "B", "C", "D"];
/// let mut matches = Vec::new();
/// for round in 0..60u64 {
///     for (i, h) in teams.iter().enumerate() {
///         let a = teams[(i + 1 + round as usize % 3) % 4];
///         let mut m = Match::new(day + Days::new(7 * round), *h, a, (round % 3) as u32, (i % 2) as u32);
///         m.odds.pinnacle = Some(OddsTriple { home: 3.0, draw: 3.0, away: 3.0 });
///         matches.push(m);
///     }
/// }
/// let options = BacktestOptions { min_training_matches: 40, ..Default::default() };
/// let backtest = walk_forward(&matches, |m| m.date >= day + Days::new(7 * 20), &options, None).unwrap();
/// // Back anything the model gives more than 1/3 at flat stakes of 1.
/// let strategy = Strategy { min_edge: 0.0, min_probability: 0.0, staking: Staking::Flat { unit: 1.0 }, initial_bankroll: 100.0 };
/// let betting = simulate_backtest(&backtest, &matches, OddsSource::Pinnacle, &strategy, &[]).unwrap();
/// // The predictions (December 2024 to September 2025) span seasons 2425 and 2526.
/// assert_eq!(betting.seasons.len(), 2);
/// assert_eq!(betting.seasons[1].season, "2526");
/// let per_season: usize = betting.seasons.iter().map(|s| s.summary.n_bets).sum();
/// assert_eq!(per_season, betting.overall.n_bets);
/// assert!((betting.overall.profit - betting.overall.bets.iter().map(|b| b.profit).sum::<f64>()).abs() < 1e-9);
/// ```
pub fn simulate_backtest(
    backtest: &Backtest,
    matches: &[Match],
    source: OddsSource,
    strategy: &Strategy,
    seasons: &[String],
) -> Result<BacktestBetting, BettingError> {
    let reported = |p: &MatchPrediction| seasons.is_empty() || seasons.contains(&p.season);
    let candidates: Vec<(usize, BetCandidate)> = bet_candidates(backtest, matches, source)
        .into_iter()
        .filter(|&(k, _)| reported(&backtest.predictions[k]))
        .collect();
    let run = |rows: &[&(usize, BetCandidate)]| -> Result<BettingSummary, BettingError> {
        let list: Vec<BetCandidate> = rows.iter().map(|(_, c)| *c).collect();
        let mut summary = simulate(&list, strategy)?;
        for bet in &mut summary.bets {
            bet.index = rows[bet.index].0;
        }
        Ok(summary)
    };
    let keys: BTreeSet<(String, u32, String)> = backtest
        .predictions
        .iter()
        .filter(|p| reported(p))
        .map(season_key)
        .collect();
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let rows: Vec<&(usize, BetCandidate)> = candidates
            .iter()
            .filter(|(k, _)| season_key(&backtest.predictions[*k]) == key)
            .collect();
        let (league, _, season) = key;
        out.push(SeasonBetting {
            league,
            season,
            summary: run(&rows)?,
        });
    }
    Ok(BacktestBetting {
        seasons: out,
        overall: run(&candidates.iter().collect::<Vec<_>>())?,
    })
}

/// One row of the backtest example's JSON report: the fields of `row`
/// (`league`, `season`, `matches`, `model`, `calibrated`, `blend`,
/// `blend_weight`, `market`, `dm_statistic`, `dm_p_value`) plus `refits`,
/// `elapsed_s`, `rps_gap_model_market` (model RPS − market RPS, negative
/// when the model is better) and, when given, `betting` (the summary
/// without its `bets` list unless `bets_detail`).
///
/// ```
/// use scoreline_dixon_coles::evaluation::backtest::{report_json_row, score_forecasts, MarketComparison};
/// let model = score_forecasts(&[0.5, 0.3, 0.2], &[0]).unwrap();
/// let market = score_forecasts(&[0.6, 0.2, 0.2], &[0]).unwrap();
/// let row = MarketComparison {
///     league: "E0".into(), season: "2324".into(), matches: 1, model, calibrated: None,
///     blend: None, blend_weight: None, market, dm_statistic: 0.0, dm_p_value: 1.0,
/// };
/// let json = report_json_row(&row, 3, 0.25, None, false);
/// assert_eq!(json["refits"], 3);
/// assert!(json["calibrated"].is_null() && json.get("betting").is_none());
/// assert!((json["rps_gap_model_market"].as_f64().unwrap() - (model.rps - market.rps)).abs() < 1e-15);
/// ```
pub fn report_json_row(
    row: &MarketComparison,
    refits: usize,
    elapsed_s: f64,
    betting: Option<&BettingSummary>,
    bets_detail: bool,
) -> Value {
    let mut value = serde_json::to_value(row).expect("a MarketComparison serialises");
    value["refits"] = json!(refits);
    value["elapsed_s"] = json!(elapsed_s);
    value["rps_gap_model_market"] = json!(row.model.rps - row.market.rps);
    if let Some(summary) = betting {
        let mut b = serde_json::to_value(summary).expect("a BettingSummary serialises");
        if !bets_detail {
            if let Some(fields) = b.as_object_mut() {
                fields.remove("bets");
            }
        }
        value["betting"] = b;
    }
    value
}
