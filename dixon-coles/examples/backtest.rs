//! Walk-forward backtest of a league against the bookmakers' closing line.
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example backtest -- \
//!     --league E0 --history E1 --seasons 1920,2122,2223,2324,2425 --refit matchday --tune-xi --bet --json
//! ```
//!
//! For every target season the model is refitted before every matchday (or
//! date, or every N days) on the league and its history divisions, from
//! three seasons before each target season on (`--lookback`), and
//! predicts the matches up to the next refit. The season before each
//! target season is backtested too (a warm-up, not reported), so that a
//! blend weight or calibrator of a season can be fitted on earlier seasons
//! only.
//! Reported per season and overall: the model, the model calibrated by
//! temperature scaling fitted on earlier seasons, the logarithmic blend
//! with the market (its weight fitted on earlier seasons) and the market
//! (Pinnacle closing odds de-margined by Shin's method, else the market
//! average), each scored by RPS, Brier, log loss, accuracy and ECE, with
//! the Diebold–Mariano test of model against market on RPS. `--tune-xi`
//! picks ξ by out-of-sample 1X2 log-likelihood first (it replaces `--xi`;
//! giving both is an error).
//!
//! `--family NAME` picks the goal-model family refitted at every fold
//! (`--help` lists them; default `dixon_coles`).
//!
//! `--bet` simulates value betting on the reported seasons' predictions:
//! back the outcome with the largest edge `p·o − 1` when it exceeds
//! `--min-edge` and `p ≥ --min-probability`, at Pinnacle's pre-closing odds
//! (`PSH/PSD/PSA`, else Bet365's; `--odds`), staking a capped fraction of
//! Kelly or a flat unit; closing-line value is measured against Pinnacle's
//! closing odds. Each season starts from the initial bankroll (100); the
//! overall row carries one bankroll through every reported season.
//!
//! JSON (`--json`): `{league, family, history, xi, ridge, refits, elapsed_s,
//! [xi_tuning], [betting_strategy, odds_source], seasons: [row, …], overall:
//! row}`, each row `{league, season, matches, refits, elapsed_s, model,
//! calibrated, blend, market, blend_weight, dm_statistic, dm_p_value,
//! rps_gap_model_market, [betting]}` (see `report_json_row`). A season's
//! `elapsed_s` sums its folds' fit and prediction times; the overall
//! row's is the backtest's wall time, warm-up seasons included; the
//! top-level one is the whole run's (loading, tuning, backtest, report).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::NaiveDate;
use clap::{Parser, ValueEnum};
use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::evaluation::backtest::{
    market_report, report_json_row, season_of_match, simulate_backtest, tune_xi, walk_forward,
    Backtest, BacktestBetting, BacktestOptions, MarketComparison, OddsSource, Refit,
};
use scoreline_dixon_coles::model::options::{Family, FitOptions};
use scoreline_dixon_coles::wagering::betting::{BettingSummary, Staking, Strategy};
use scoreline_dixon_coles::weights::TimeDecay;
use serde_json::json;

#[path = "common/family.rs"]
mod family;

/// ξ per day when neither `--xi` nor `--tune-xi` is given.
const DEFAULT_XI: f64 = 0.0018;

/// How to stake (`--staking`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum StakingRule {
    /// A fraction of Kelly, capped, of the current bankroll.
    Kelly,
    /// The same stake (`--unit`) on every bet.
    Flat,
}

/// Which pre-closing odds to bet at (`--odds`).
#[derive(Clone, Copy, ValueEnum)]
enum Odds {
    /// Pinnacle (PSH/PSD/PSA), else Bet365 (B365H/D/A).
    PinnacleThenBet365,
    /// Pinnacle only.
    Pinnacle,
    /// Bet365 only.
    Bet365,
}

/// Command-line options.
#[derive(Parser)]
#[command(about = "Walk-forward backtest against the closing line, with optional value betting")]
struct Args {
    /// The data folder (holding football-data/mmz4281/<season>/<div>.csv).
    #[arg(long, env = "SCORELINE_DATA_DIR", default_value = "../shared/data")]
    data: PathBuf,
    /// The league to predict.
    #[arg(long, default_value = "E0")]
    league: String,
    /// Divisions used as training history only (comma-separated).
    #[arg(long, default_value = "E1", value_delimiter = ',')]
    history: Vec<String>,
    /// Target seasons (comma-separated codes such as 2324).
    #[arg(
        long,
        default_value = "1920,2122,2223,2324,2425",
        value_delimiter = ','
    )]
    seasons: Vec<String>,
    /// Seasons of history before each target season.
    #[arg(long, default_value_t = 3)]
    lookback: usize,
    /// When to refit: date, matchday or a number of days.
    #[arg(long, default_value = "matchday")]
    refit: String,
    /// Train on the last N days only (N ≥ 1).
    #[arg(long)]
    window_days: Option<u32>,
    /// Time decay ξ per day, ≥ 0 [default: 0.0018]. Not with --tune-xi.
    #[arg(long, conflicts_with = "tune_xi", allow_negative_numbers = true)]
    xi: Option<f64>,
    /// Ridge penalty on attack and defence, ≥ 0.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    ridge: f64,
    /// The goal-model family.
    #[arg(long, default_value = "dixon_coles", value_parser = family::family_parser())]
    family: Family,
    /// Threads, ≥ 1 (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Choose ξ by out-of-sample 1X2 log-likelihood (a grid, then golden section).
    #[arg(long)]
    tune_xi: bool,
    /// Fit every fold from scratch (no warm starts).
    #[arg(long)]
    cold: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Simulate value betting on the reported seasons.
    #[arg(long)]
    bet: bool,
    /// Bet only when p·odds − 1 exceeds this [default: 0.1].
    #[arg(long, requires = "bet", allow_negative_numbers = true)]
    min_edge: Option<f64>,
    /// Bet only on outcomes with at least this model probability, in [0, 1] [default: 0.6].
    #[arg(long, requires = "bet")]
    min_probability: Option<f64>,
    /// Stake rule [default: kelly].
    #[arg(long, requires = "bet", value_enum)]
    staking: Option<StakingRule>,
    /// Share of the Kelly stake, > 0 (kelly staking) [default: 0.25].
    #[arg(long, requires = "bet")]
    kelly_fraction: Option<f64>,
    /// Largest stake as a share of the bankroll, in (0, 1] (kelly staking) [default: 0.05].
    #[arg(long, requires = "bet")]
    cap: Option<f64>,
    /// Stake per bet, > 0 (flat staking; the bankroll starts at 100) [default: 1].
    #[arg(long, requires = "bet")]
    unit: Option<f64>,
    /// Odds to bet at [default: pinnacle-then-bet365].
    #[arg(long, requires = "bet", value_enum)]
    odds: Option<Odds>,
    /// Include every placed bet in the JSON.
    #[arg(long, requires = "bet")]
    bets_detail: bool,
}

fn parse_refit(text: &str) -> Result<Refit, String> {
    match text {
        "date" => Ok(Refit::EachDate),
        "matchday" => Ok(Refit::Matchday),
        days => days
            .parse::<u32>()
            .ok()
            .filter(|&d| d > 0)
            .map(Refit::Days)
            .ok_or_else(|| {
                format!("--refit {days:?}: expected date, matchday or a number of days ≥ 1")
            }),
    }
}

/// The betting strategy from the flags, defaults from `Strategy::default()`
/// (the seed system: edge 0.1, probability 0.6, quarter Kelly capped at 5%).
fn strategy(args: &Args) -> Result<Strategy, String> {
    let seed = Strategy::default();
    let Staking::Kelly {
        fraction: seed_fraction,
        cap: seed_cap,
    } = seed.staking
    else {
        unreachable!("the default strategy stakes Kelly")
    };
    let min_edge = args.min_edge.unwrap_or(seed.min_edge);
    if !min_edge.is_finite() {
        return Err(format!("--min-edge {min_edge}: must be finite"));
    }
    let min_probability = args.min_probability.unwrap_or(seed.min_probability);
    if !(0.0..=1.0).contains(&min_probability) {
        return Err(format!(
            "--min-probability {min_probability}: must lie in [0, 1]"
        ));
    }
    let staking = match args.staking.unwrap_or(StakingRule::Kelly) {
        StakingRule::Kelly => {
            if args.unit.is_some() {
                return Err("--unit applies to --staking flat only".to_owned());
            }
            let fraction = args.kelly_fraction.unwrap_or(seed_fraction);
            if !(fraction.is_finite() && fraction > 0.0) {
                return Err(format!("--kelly-fraction {fraction}: must be > 0"));
            }
            let cap = args.cap.unwrap_or(seed_cap);
            if !(cap > 0.0 && cap <= 1.0) {
                return Err(format!("--cap {cap}: must lie in (0, 1]"));
            }
            Staking::Kelly { fraction, cap }
        }
        StakingRule::Flat => {
            if args.kelly_fraction.is_some() || args.cap.is_some() {
                return Err("--kelly-fraction and --cap apply to --staking kelly only".to_owned());
            }
            let unit = args.unit.unwrap_or(1.0);
            if !(unit.is_finite() && unit > 0.0) {
                return Err(format!("--unit {unit}: must be > 0"));
            }
            Staking::Flat { unit }
        }
    };
    Ok(Strategy {
        min_edge,
        min_probability,
        staking,
        ..seed
    })
}

/// Checks the numeric flags clap cannot.
fn check(args: &Args) -> Result<(), String> {
    if let Some(xi) = args.xi {
        if !(xi.is_finite() && xi >= 0.0) {
            return Err(format!("--xi {xi}: must be finite and ≥ 0 (per day)"));
        }
    }
    if !(args.ridge.is_finite() && args.ridge >= 0.0) {
        return Err(format!("--ridge {}: must be finite and ≥ 0", args.ridge));
    }
    if args.threads == Some(0) {
        return Err("--threads 0: need at least 1 (omit it for all cores)".to_owned());
    }
    if args.window_days == Some(0) {
        return Err("--window-days 0: need at least 1 day".to_owned());
    }
    if let Some(s) = args
        .seasons
        .iter()
        .find(|s| s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("--seasons: {s:?} is not a season code like 2324"));
    }
    Ok(())
}

fn load(args: &Args) -> Result<(Vec<Match>, Vec<String>), Box<dyn std::error::Error>> {
    let dir = args.data.join("football-data");
    let available = available_seasons(&dir, &args.league);
    let mut needed: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    for s in &args.seasons {
        let at = available.iter().position(|a| a == s).ok_or_else(|| {
            format!(
                "no {} file for season {s} under {}",
                args.league,
                dir.display()
            )
        })?;
        targets.push(s.clone());
        if at >= 1 {
            targets.push(available[at - 1].clone());
        }
        for a in &available[at.saturating_sub(args.lookback + 1)..=at] {
            if !needed.contains(a) {
                needed.push(a.clone());
            }
        }
    }
    let mut matches = Vec::new();
    for season in &needed {
        for div in std::iter::once(&args.league).chain(&args.history) {
            let path = season_path(&dir, season, div);
            if path.is_file() {
                matches.extend(read_football_data_file(&path)?.matches);
            }
        }
    }
    targets.sort();
    targets.dedup();
    Ok((matches, targets))
}

/// Refits and summed fold seconds per season; a fold belongs to the
/// season of the matches it predicts (those on its first date).
fn fold_totals(backtest: &Backtest) -> HashMap<String, (usize, f64)> {
    let season_on: HashMap<NaiveDate, &str> = backtest
        .predictions
        .iter()
        .map(|p| (p.date, p.season.as_str()))
        .collect();
    let mut totals: HashMap<String, (usize, f64)> = HashMap::new();
    for f in &backtest.folds {
        if let Some(season) = season_on.get(&f.start) {
            let t = totals.entry((*season).to_owned()).or_default();
            t.0 += 1;
            t.1 += f.elapsed_s;
        }
    }
    totals
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    check(args)?;
    let refit = parse_refit(&args.refit)?;
    let strategy = if args.bet {
        Some(strategy(args)?)
    } else {
        None
    };
    let source = match args.odds.unwrap_or(Odds::PinnacleThenBet365) {
        Odds::PinnacleThenBet365 => OddsSource::PinnacleThenBet365,
        Odds::Pinnacle => OddsSource::Pinnacle,
        Odds::Bet365 => OddsSource::Bet365,
    };
    let (matches, targets) = load(args)?;
    let mut options = BacktestOptions {
        refit,
        window_days: args.window_days,
        warm_start: !args.cold,
        fit: FitOptions {
            time_decay: TimeDecay {
                xi_per_day: args.xi.unwrap_or(DEFAULT_XI),
                reference_date: None,
            },
            ridge: args.ridge,
            standard_errors: false,
            family: args.family,
            ..FitOptions::default()
        },
        ..BacktestOptions::default()
    };
    let league = args.league.clone();
    let is_target = &|m: &Match| {
        m.division.as_deref() == Some(league.as_str()) && targets.contains(&season_of_match(m))
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let tuning = if args.tune_xi {
        let grid = [0.0006, 0.0012, 0.0018, 0.0025, 0.0035, 0.005];
        let t = pool.install(|| tune_xi(&matches, is_target, &options, &grid, 4))?;
        options.fit.time_decay.xi_per_day = t.best.xi;
        Some(t)
    } else {
        None
    };
    let backtest: Backtest = pool.install(|| walk_forward(&matches, is_target, &options, None))?;
    let report = market_report(&backtest, &matches, &args.seasons)?;
    let betting: Option<BacktestBetting> = strategy
        .as_ref()
        .map(|s| simulate_backtest(&backtest, &matches, source, s, &args.seasons))
        .transpose()?;
    let totals = fold_totals(&backtest);
    let rows: Vec<(&MarketComparison, usize, f64, Option<&BettingSummary>)> = report
        .seasons
        .iter()
        .map(|row| {
            let (refits, elapsed) = totals.get(&row.season).copied().unwrap_or_default();
            let bets = betting.as_ref().and_then(|b| {
                b.seasons
                    .iter()
                    .find(|s| s.league == row.league && s.season == row.season)
                    .map(|s| &s.summary)
            });
            (row, refits, elapsed, bets)
        })
        .collect();
    let overall_refits = rows.iter().map(|r| r.1).sum();
    let overall = (
        &report.overall,
        overall_refits,
        backtest.elapsed_s,
        betting.as_ref().map(|b| &b.overall),
    );
    let xi = options.fit.time_decay.xi_per_day;
    if args.json {
        let row_json = |&(row, refits, elapsed, bets): &(
            &MarketComparison,
            usize,
            f64,
            Option<&BettingSummary>,
        )| {
            let mut value = report_json_row(row, refits, elapsed, bets, args.bets_detail);
            if let Some(list) = value
                .get_mut("betting")
                .and_then(|b| b.get_mut("bets"))
                .and_then(|b| b.as_array_mut())
            {
                for bet in list {
                    let p = &backtest.predictions[bet["index"].as_u64().unwrap_or(0) as usize];
                    bet["date"] = json!(p.date);
                    bet["home"] = json!(p.home);
                    bet["away"] = json!(p.away);
                }
            }
            value
        };
        let mut out = json!({
            "league": args.league,
            "family": args.family.name(),
            "history": args.history,
            "xi": xi,
            "ridge": args.ridge,
            "refits": backtest.folds.len(),
            "seasons": rows.iter().map(row_json).collect::<Vec<_>>(),
            "overall": row_json(&overall),
        });
        if let Some(t) = &tuning {
            out["xi_tuning"] = serde_json::to_value(t)?;
        }
        if let Some(s) = &strategy {
            out["betting_strategy"] = serde_json::to_value(s)?;
            out["odds_source"] = serde_json::to_value(source)?;
        }
        out["elapsed_s"] = json!(started.elapsed().as_secs_f64());
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if let Some(t) = &tuning {
        println!("ξ tuned by out-of-sample 1X2 log-likelihood:");
        for p in &t.curve {
            println!(
                "  ξ = {:.5}/day  log-lik {:.5}  RPS {:.5}",
                p.xi, p.log_likelihood, p.rps
            );
        }
    }
    println!(
        "{} {} — RPS of {} (ξ = {:.4}/day, ridge {}, history {:?})",
        args.league,
        args.seasons.join(","),
        args.family.name(),
        xi,
        args.ridge,
        args.history
    );
    println!(
        "  season  matches   model  calibrated   blend (w)        market   gap    DM p  refits     s"
    );
    let opt = |v: Option<f64>| v.map_or("     -".to_owned(), |v| format!("{v:.4}"));
    let all: Vec<_> = rows.iter().chain(std::iter::once(&overall)).collect();
    for (row, refits, elapsed, _) in &all {
        println!(
            "  {:>7} {:>7}  {:.4}  {:>10}  {:>6} ({})  {:.4}  {:+.4}  {:.3}  {:>6}  {:>4.2}",
            row.season,
            row.matches,
            row.model.rps,
            opt(row.calibrated.map(|s| s.rps)),
            opt(row.blend.map(|s| s.rps)),
            row.blend_weight
                .map_or("  -  ".to_owned(), |w| format!("{w:.2}")),
            row.market.rps,
            row.model.rps - row.market.rps,
            row.dm_p_value,
            refits,
            elapsed
        );
    }
    println!(
        "{} refits (including warm-up seasons) in {:.2} s; a season's s sums its folds' times",
        backtest.folds.len(),
        backtest.elapsed_s
    );
    if let Some(s) = &strategy {
        let stake = match s.staking {
            Staking::Kelly { fraction, cap } => {
                format!("{fraction} Kelly capped at {:.0}%", 100.0 * cap)
            }
            Staking::Flat { unit } => format!("flat {unit}"),
        };
        println!(
            "Betting at {} odds: edge > {}, p ≥ {}, {stake}; bankroll {} per season (overall: one bankroll)",
            match source {
                OddsSource::PinnacleThenBet365 => "Pinnacle (else Bet365)",
                OddsSource::Pinnacle => "Pinnacle",
                OddsSource::Bet365 => "Bet365",
            },
            s.min_edge,
            s.min_probability,
            s.initial_bankroll
        );
        println!("  season  bets    hit   staked   profit      ROI    yield  max DD      CLV");
        let pct = |v: f64| format!("{:+.1}%", 100.0 * v);
        for (row, _, _, bets) in &all {
            let Some(b) = bets else { continue };
            println!(
                "  {:>7} {:>5}  {:.3}  {:>7.2}  {:>+7.2}  {:>7}  {:>7}  {:>5.1}%  {:>7}",
                row.season,
                b.n_bets,
                b.hit_rate,
                b.total_staked,
                b.profit,
                pct(b.roi),
                pct(b.yield_per_stake),
                100.0 * b.max_drawdown,
                b.mean_clv.map_or("-".to_owned(), pct)
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backtest: {e}");
            ExitCode::FAILURE
        }
    }
}
