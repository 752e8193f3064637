//! Walk-forward backtest of a league against the bookmakers' closing line.
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example backtest -- \
//!     --league E0 --history E1 --seasons 1920,2122,2223,2324,2425 --refit matchday --tune-xi --json
//! ```
//!
//! For every target season the model is refitted before every matchday (or
//! date, or every N days) on the league and its history divisions, from
//! three seasons before each target season on (`--lookback`), and
//! predicts the matches up to the next refit. The season before each
//! target season is backtested too (a warm-up, not reported), so that a
//! blend weight or calibrator of a season can be fitted on earlier seasons
//! only.
//! Reported per season and overall: the model, the model calibrated by an
//! isotonic calibrator fitted on earlier seasons, the logarithmic blend
//! with the market (its weight fitted on earlier seasons) and the market
//! (Pinnacle closing odds de-margined by Shin's method, else the market
//! average), each scored by RPS, Brier, log loss, accuracy and ECE, with
//! the Diebold–Mariano test of model against market on RPS. `--tune-xi`
//! picks ξ by out-of-sample 1X2 log-likelihood first.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use scoreline_dixon_coles::backtest::{
    market_report, season_of, season_of_match, tune_xi, walk_forward, Backtest, BacktestOptions,
    MarketComparison, Refit,
};
use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::fit::FitOptions;
use scoreline_dixon_coles::weights::TimeDecay;
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
    /// Choose ξ by out-of-sample 1X2 log-likelihood (a grid, then golden section).
    #[arg(long)]
    tune_xi: bool,
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
    let is_target = &|m: &Match| {
        m.division.as_deref() == Some(league.as_str()) && targets.contains(&season_of_match(m))
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let mut options = options;
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
    let refits = |season: &str| {
        backtest
            .folds
            .iter()
            .filter(|f| {
                season == "overall" && args.seasons.contains(&season_of(f.start))
                    || season_of(f.start) == season
            })
            .count()
    };
    let rows: Vec<&MarketComparison> = report
        .seasons
        .iter()
        .chain(std::iter::once(&report.overall))
        .collect();
    if args.json {
        let mut out = serde_json::Map::new();
        for row in &rows {
            let mut value = serde_json::to_value(row)?;
            value["refits"] = json!(refits(&row.season));
            value["rps_gap_model_market"] = json!(row.model.rps - row.market.rps);
            out.insert(row.season.clone(), value);
        }
        out.insert("elapsed_s".to_owned(), json!(backtest.elapsed_s));
        out.insert("refits".to_owned(), json!(backtest.folds.len()));
        out.insert("xi".to_owned(), json!(options.fit.time_decay.xi_per_day));
        if let Some(t) = &tuning {
            out.insert("xi_tuning".to_owned(), serde_json::to_value(t)?);
        }
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
        "{} {} — RPS (ξ = {:.4}/day, ridge {}, history {:?})",
        args.league,
        args.seasons.join(","),
        options.fit.time_decay.xi_per_day,
        args.ridge,
        args.history
    );
    println!("  season  matches   model  calibrated   blend (w)        market   gap    DM p");
    let opt = |v: Option<f64>| v.map_or("     -".to_owned(), |v| format!("{v:.4}"));
    for row in &rows {
        println!(
            "  {:>7} {:>7}  {:.4}  {:>10}  {:>6} ({})  {:.4}  {:+.4}  {:.3}",
            row.season,
            row.matches,
            row.model.rps,
            opt(row.calibrated.map(|s| s.rps)),
            opt(row.blend.map(|s| s.rps)),
            row.blend_weight
                .map_or("  -  ".to_owned(), |w| format!("{w:.2}")),
            row.market.rps,
            row.model.rps - row.market.rps,
            row.dm_p_value
        );
    }
    println!(
        "{} refits (including warm-up seasons) in {:.2} s",
        backtest.folds.len(),
        backtest.elapsed_s
    );
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
