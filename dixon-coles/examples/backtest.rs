//! Walk-forward backtest of a league against the bookmakers' closing line.
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example backtest -- \
//!     --league E0 --history E1 --seasons 1920,2122,2223,2324,2425 --refit matchday --json
//! ```
//!
//! For every target season the model is refitted before every matchday (or
//! date, or every N days) on the league and its history divisions, from
//! three seasons before each target season on (`--lookback`), and
//! predicts the matches up to the next refit. The season before each
//! target season is backtested too (a warm-up, not reported), so that a
//! blend weight or calibrator of a season can be fitted on earlier seasons
//! only.
//! Reported per season and overall: the model and the market (Pinnacle
//! closing odds de-margined by Shin's method, else the market average),
//! each scored by RPS, Brier, log loss, accuracy and ECE, with the
//! Diebold–Mariano test of model against market on RPS. (The calibrated
//! model, the fitted blend, ξ tuning and betting are still to come.)

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use scoreline_dixon_coles::backtest::{
    score_forecasts, season_of, season_of_match, walk_forward, Backtest, BacktestOptions, Refit,
};
use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::fit::FitOptions;
use scoreline_dixon_coles::odds::{implied_probabilities, MarginMethod};
use scoreline_dixon_coles::weights::TimeDecay;
use scoreline_metrics::{diebold_mariano, rps_per_forecast};
use serde_json::json;

/// Command-line options.
#[derive(Parser)]
#[command(about = "Walk-forward backtest against the closing line")]
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
    /// Train on the last N days only.
    #[arg(long)]
    window_days: Option<u32>,
    /// Time decay ξ per day.
    #[arg(long, default_value_t = 0.0018)]
    xi: f64,
    /// Ridge penalty on attack and defence.
    #[arg(long, default_value_t = 1e-3)]
    ridge: f64,
    /// Threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Fit every fold from scratch (no warm starts).
    #[arg(long)]
    cold: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
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
                format!("--refit {days:?}: expected date, matchday or a number of days")
            }),
    }
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

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let refit = parse_refit(&args.refit)?;
    let (matches, targets) = load(args)?;
    let options = BacktestOptions {
        refit,
        window_days: args.window_days,
        warm_start: !args.cold,
        fit: FitOptions {
            time_decay: TimeDecay {
                xi_per_day: args.xi,
                reference_date: None,
            },
            ridge: args.ridge,
            standard_errors: false,
            ..FitOptions::default()
        },
        ..BacktestOptions::default()
    };
    let league = args.league.clone();
    let is_target = |m: &Match| {
        m.division.as_deref() == Some(league.as_str()) && targets.contains(&season_of_match(m))
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let backtest: Backtest = pool.install(|| walk_forward(&matches, is_target, &options, None))?;
    // The market: Pinnacle's closing odds de-margined by Shin's method, else
    // the market average; only matches with a market price are compared.
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for p in backtest
        .predictions
        .iter()
        .filter(|p| args.seasons.contains(&p.season))
    {
        let m = &matches[p.index];
        let Some(o) = m.odds.pinnacle_closing.or(m.odds.market_average) else {
            continue;
        };
        let Ok(implied) = implied_probabilities(&[o.home, o.draw, o.away], MarginMethod::Shin)
        else {
            continue;
        };
        for key in [p.season.clone(), "overall".to_owned()] {
            let g = groups.entry(key).or_default();
            g.model.extend(p.probabilities);
            g.market.extend(implied.probabilities.iter().copied());
            g.outcomes.push(p.outcome);
        }
    }
    let mut report = serde_json::Map::new();
    for (key, g) in &groups {
        let model = score_forecasts(&g.model, &g.outcomes)?;
        let market = score_forecasts(&g.market, &g.outcomes)?;
        let dm = diebold_mariano(
            &rps_per_forecast(&g.model, 3, &g.outcomes)?,
            &rps_per_forecast(&g.market, 3, &g.outcomes)?,
            0,
        )?;
        let folds = backtest
            .folds
            .iter()
            .filter(|f| key == "overall" || season_of(f.start) == *key)
            .count();
        report.insert(
            key.clone(),
            json!({"matches": g.outcomes.len(), "refits": folds, "model": model, "market": market,
                   "rps_gap": model.rps - market.rps,
                   "diebold_mariano": {"statistic": dm.statistic, "p_value": dm.p_value}}),
        );
        if !args.json {
            println!(
                "{key:>8}  {:>4} matches  RPS model {:.4}  market {:.4}  gap {:+.4}  DM p = {:.3}",
                g.outcomes.len(),
                model.rps,
                market.rps,
                model.rps - market.rps,
                dm.p_value
            );
        }
    }
    report.insert("elapsed_s".to_owned(), json!(backtest.elapsed_s));
    report.insert("refits".to_owned(), json!(backtest.folds.len()));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} refits (including warm-up seasons) in {:.2} s",
            backtest.folds.len(),
            backtest.elapsed_s
        );
    }
    Ok(())
}

/// Forecasts of one group of matches.
#[derive(Default)]
struct Group {
    model: Vec<f64>,
    market: Vec<f64>,
    outcomes: Vec<u32>,
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
