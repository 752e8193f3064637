//! The model against the closing line for every league and season in the
//! data folder (`backtest::football_data_report`).
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example report -- [--leagues E0,SP1] [--seasons 2324,2425] [--json]
//! ```
//!
//! Each league is backtested from its second season on, refitted every
//! matchday on the last three seasons plus the season so far of the
//! league and the other divisions of its country, and every season with
//! market prices is reported: RPS and log loss of the model, the model
//! calibrated by temperature scaling fitted on the league's earlier
//! seasons, the logarithmic blend with the market (weight fitted on
//! earlier seasons) and the market (Pinnacle closing odds de-margined by
//! Shin's method, else the market average), with the Diebold–Mariano
//! p-value of model against market on RPS. One row per league over all
//! its seasons (`all`) and one over everything close the table.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use scoreline_dixon_coles::evaluation::backtest::{
    football_data_report, LeagueReportOptions, MarketComparison, Refit, DEFAULT_WINDOW_DAYS,
};

/// Command-line options.
#[derive(Parser)]
#[command(about = "Every league and season in the data against the closing line")]
struct Args {
    /// The data folder (holding football-data/mmz4281/<season>/<div>.csv).
    #[arg(long, env = "SCORELINE_DATA_DIR", default_value = "../shared/data")]
    data: PathBuf,
    /// Leagues to report (comma-separated; default: every division found).
    #[arg(long, value_delimiter = ',')]
    leagues: Vec<String>,
    /// Seasons to report (comma-separated codes such as 2324; default: all with prices).
    #[arg(long, value_delimiter = ',')]
    seasons: Vec<String>,
    /// Time decay ξ per day, ≥ 0.
    #[arg(long, default_value_t = 0.0018, allow_negative_numbers = true)]
    xi: f64,
    /// Ridge penalty on attack and defence, ≥ 0.
    #[arg(long, default_value_t = 1e-3, allow_negative_numbers = true)]
    ridge: f64,
    /// Refit every N days instead of every matchday.
    #[arg(long)]
    refit_days: Option<u32>,
    /// Days of training history before each refit (≥ 1).
    #[arg(long, default_value_t = DEFAULT_WINDOW_DAYS)]
    window_days: u32,
    /// Threads, ≥ 1 (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn options(args: &Args) -> Result<LeagueReportOptions, String> {
    if !(args.xi.is_finite() && args.xi >= 0.0) {
        return Err(format!(
            "--xi {}: must be finite and ≥ 0 (per day)",
            args.xi
        ));
    }
    if !(args.ridge.is_finite() && args.ridge >= 0.0) {
        return Err(format!("--ridge {}: must be finite and ≥ 0", args.ridge));
    }
    if args.window_days == 0 || args.refit_days == Some(0) || args.threads == Some(0) {
        return Err("--window-days, --refit-days and --threads must be at least 1".to_owned());
    }
    let mut options = LeagueReportOptions {
        leagues: args.leagues.clone(),
        seasons: args.seasons.clone(),
        ..LeagueReportOptions::default()
    };
    options.backtest.window_days = Some(args.window_days);
    options.backtest.fit.time_decay.xi_per_day = args.xi;
    options.backtest.fit.ridge = args.ridge;
    if let Some(days) = args.refit_days {
        options.backtest.refit = Refit::Days(days);
    }
    Ok(options)
}

fn print_row(row: &MarketComparison) {
    let rps = |s: Option<f64>| s.map_or("     -".to_owned(), |v| format!("{v:.4}"));
    let log_loss = |s: Option<f64>| s.map_or("     -".to_owned(), |v| format!("{v:.4}"));
    println!(
        "  {:>7} {:>7} {:>6}  {:.4} {:.4}  {} {}  {} {}  {:.4} {:.4}  {:+.4}  {:.3}",
        row.league,
        row.season,
        row.matches,
        row.model.rps,
        row.model.log_loss,
        rps(row.calibrated.map(|s| s.rps)),
        log_loss(row.calibrated.map(|s| s.log_loss)),
        rps(row.blend.map(|s| s.rps)),
        log_loss(row.blend.map(|s| s.log_loss)),
        row.market.rps,
        row.market.log_loss,
        row.model.rps - row.market.rps,
        row.dm_p_value
    );
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let options = options(args)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let report =
        pool.install(|| football_data_report(&args.data.join("football-data"), &options))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!(
        "Every league and season against the closing line (ξ = {}/day, ridge {}, {} days of history):",
        args.xi, args.ridge, args.window_days
    );
    println!("                          model           calibrated      blend           market");
    println!("   league  season matches  RPS   logloss   RPS   logloss   RPS   logloss   RPS   logloss   gap     DM p");
    for league in &report.leagues {
        for row in report.seasons.iter().filter(|r| r.league == league.league) {
            print_row(row);
        }
        print_row(league);
    }
    print_row(&report.overall);
    if !report.skipped.is_empty() {
        let listed: Vec<String> = report
            .skipped
            .iter()
            .map(|s| format!("{} {} ({})", s.league, s.season, s.reason))
            .collect();
        println!(
            "no row for {} league-seasons: {}",
            listed.len(),
            listed.join(", ")
        );
    }
    println!(
        "{} refits over {} leagues in {:.1} s",
        report.refits,
        report.leagues.len(),
        report.elapsed_s
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("report: {e}");
            ExitCode::FAILURE
        }
    }
}
