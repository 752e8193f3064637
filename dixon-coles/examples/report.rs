//! The model against the closing line for every league and season in the
//! data folder (`backtest::football_data_report`).
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example report -- [--leagues E0,SP1] [--seasons 2324,2425] [--family NAME | --families all] [--json]
//! ```
//!
//! `--family NAME` picks the goal-model family of the backtests (`--help`
//! lists them; default `dixon_coles`).
//!
//! `--families all` (or a comma list such as `poisson,negative_binomial`;
//! `--models` is an alias) runs the report once per family
//! ([`family_leaderboard`]) and prints the Dixon–Coles report, then the
//! leaderboard: per league and overall, for every family, the RPS, log
//! loss, the market's RPS, the gap (model − market) and the
//! Diebold–Mariano p-values (per-match RPS, lag 0) against Dixon–Coles and
//! against the market, and how long each family took. With `--json` the
//! Dixon–Coles report gains `leaderboard` (one object per family: the
//! overall `family, matches, rps, log_loss, market_rps, gap,
//! dm_p_vs_dixon_coles, dm_p_vs_market`, its `leagues` rows, `refits`,
//! `elapsed_s`) and `leaderboard_elapsed_s`.
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

use clap::builder::PossibleValuesParser;
use clap::Parser;
use scoreline_dixon_coles::evaluation::backtest::{
    football_data_report, model_leaderboard, Leaderboard, LeaderboardRow, LeagueReport,
    LeagueReportOptions, MarketComparison, Refit, Standing, DEFAULT_WINDOW_DAYS,
};
use scoreline_dixon_coles::forecasting::models::{chosen_models, ModelName};
use scoreline_dixon_coles::model::options::Family;

#[path = "common/family.rs"]
mod family;

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
    /// The goal-model family of the backtests.
    #[arg(long, default_value = "dixon_coles", value_parser = family::family_parser())]
    family: Family,
    /// Compare goal-model families: `all` or a comma-separated list of
    /// names. Dixon–Coles, the baseline, is always run; its report is printed
    /// first, then the leaderboard per league and overall.
    #[arg(long, alias = "models", value_delimiter = ',', conflicts_with = "family",
          value_parser = families_parser())]
    families: Vec<String>,
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

/// `--families` / `--models`: `all`, or names from [`Family::ALL`] and
/// [`ModelName::ALL`] (listed by `--help`).
fn families_parser() -> PossibleValuesParser {
    let mut names = vec!["all"];
    names.extend(Family::ALL.map(Family::name));
    names.extend(ModelName::ALL.map(ModelName::name));
    PossibleValuesParser::new(names)
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
    options.backtest.fit.family = args.family;
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

fn print_report(args: &Args, family: Family, report: &LeagueReport) {
    println!(
        "Every league and season against the closing line ({}, ξ = {}/day, ridge {}, {} days of history):",
        family.name(), args.xi, args.ridge, args.window_days
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
}

fn print_leaderboard_row(model: &str, row: &LeaderboardRow) {
    println!(
        "  {:<24} {:>7}  {:>6.4}  {:>7.4}  {:>6.4}  {:>6.4}  {:>6.4}  {:>+7.4}  {:>10.2e}  {:>10.2e}",
        model,
        row.matches,
        row.rps,
        row.log_loss,
        row.brier,
        row.ece,
        row.market_rps,
        row.gap,
        row.dm_p_vs_dixon_coles,
        row.dm_p_vs_market
    );
}

fn print_leaderboard(board: &Leaderboard) {
    let header = format!(
        "  {:<24} {:>7}  {:>6}  {:>7}  {:>6}  {:>6}  {:>6}  {:>7}  {:>10}  {:>10}",
        "model",
        "matches",
        "RPS",
        "logloss",
        "Brier",
        "ECE",
        "market",
        "gap",
        "DM p vs DC",
        "vs market"
    );
    println!("Every model, walk-forward over every reported league-season (DM p-values on per-match RPS):");
    let leagues: Vec<&str> = board
        .standings
        .first()
        .map(|s| s.leagues.iter().map(|r| r.league.as_str()).collect())
        .unwrap_or_default();
    for league in leagues {
        println!("{league}:");
        println!("{header}");
        for standing in &board.standings {
            if let Some(row) = standing.leagues.iter().find(|r| r.league == league) {
                print_leaderboard_row(&standing.model, row);
            }
        }
    }
    println!("overall:");
    println!("{header}");
    for standing in &board.standings {
        print_leaderboard_row(&standing.model, &standing.overall);
    }
    let times: Vec<String> = board
        .standings
        .iter()
        .map(|s| format!("{} {:.1} s", s.model, s.elapsed_s))
        .collect();
    println!(
        "{} models in {:.1} s ({})",
        board.standings.len(),
        board.elapsed_s,
        times.join(", ")
    );
}

/// The best model-only row overall (lowest RPS), or `None` for an empty
/// board.
fn best_standing(board: &Leaderboard) -> Option<&Standing> {
    board
        .standings
        .iter()
        .filter(|s| !s.blend)
        .min_by(|a, b| a.overall.rps.total_cmp(&b.overall.rps))
}

/// A text plot of each league's gap to the market (model RPS − market
/// RPS; shorter is better) for Dixon–Coles and the best model overall.
fn print_gap_plot(board: &Leaderboard) {
    let Some(best) = best_standing(board) else {
        return;
    };
    let Some(baseline) = board
        .standings
        .iter()
        .find(|s| s.family == Some(Family::DixonColes))
    else {
        return;
    };
    let widest = baseline
        .leagues
        .iter()
        .chain(&best.leagues)
        .map(|r| r.gap)
        .fold(0.0f64, f64::max);
    let scale = if widest > 0.0 { 50.0 / widest } else { 0.0 };
    println!(
        "Gap to the closing line per league (RPS − market RPS; '#' {}, '=' {}):",
        baseline.model, best.model
    );
    let bar = |gap: f64, c: &str| c.repeat((gap.max(0.0) * scale).round() as usize);
    for (dc, ours) in baseline.leagues.iter().zip(&best.leagues) {
        println!("  {:>7} {:+.4} {}", dc.league, dc.gap, bar(dc.gap, "#"));
        println!("  {:>7} {:+.4} {}", "", ours.gap, bar(ours.gap, "="));
    }
    println!(
        "  {:>7} {:+.4} {}\n  {:>7} {:+.4} {}",
        "overall",
        baseline.overall.gap,
        bar(baseline.overall.gap, "#"),
        "",
        best.overall.gap,
        bar(best.overall.gap, "=")
    );
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let options = options(args)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let dir = args.data.join("football-data");
    if args.families.is_empty() {
        let report = pool.install(|| football_data_report(&dir, &options))?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_report(args, args.family, &report);
        }
        return Ok(());
    }
    let (families, models) = chosen_models(&args.families)?;
    let board = pool.install(|| model_leaderboard(&dir, &options, &families, &models))?;
    let at = board
        .standings
        .iter()
        .position(|s| s.family == Some(Family::DixonColes))
        .ok_or("the leaderboard has no Dixon–Coles row")?;
    let report = &board.reports[at];
    if args.json {
        let mut out = serde_json::to_value(report)?;
        out["leaderboard"] = serde_json::to_value(&board.standings)?;
        out["leaderboard_elapsed_s"] = serde_json::to_value(board.elapsed_s)?;
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    print_report(args, Family::DixonColes, report);
    println!();
    print_leaderboard(&board);
    println!();
    print_gap_plot(&board);
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
