//! Leaderboard rows: the whole model leaderboard (every goal-model family
//! and every sequential model, every league-season of the football-data
//! folder, the default report options) run once, against the budget of
//! 3 minutes on a 2-core machine. One row per model with its own wall time
//! (models run side by side, so their times add up to more than the
//! total), then the total against the budget. Ours alone: no peer runs a
//! leaderboard.

use scoreline_dixon_coles::evaluation::backtest::{model_leaderboard, LeagueReportOptions};
use scoreline_dixon_coles::forecasting::models::ModelName;
use scoreline_dixon_coles::prelude::*;
use serde_json::json;

use crate::{data_dir, format_seconds, Row};

/// The budget of the whole leaderboard, seconds.
pub const BUDGET_S: f64 = 180.0;

/// The leaderboard rows (empty, with a message, when the run fails). One
/// run in both modes: a run takes minutes, and the budget is on one run.
pub fn rows(_quick: bool) -> Vec<Row> {
    let dir = data_dir().join("football-data");
    println!(
        "leaderboard: {} families + {} models over every league-season of {} (about 100 s)…",
        Family::ALL.len(),
        ModelName::ALL.len(),
        dir.display()
    );
    let cpu_before = process_cpu_seconds();
    let board = match model_leaderboard(
        &dir,
        &LeagueReportOptions::default(),
        &Family::ALL,
        &ModelName::ALL,
    ) {
        Ok(board) => board,
        Err(e) => {
            eprintln!("leaderboard unavailable: {e}");
            return Vec::new();
        }
    };
    let cpu_s = process_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    let matches = board.standings.first().map_or(0, |s| s.overall.matches);
    println!(
        "{:<24} {:>8} {:>9} {:>10} {:>10}",
        "model", "RPS", "gap", "log loss", "time"
    );
    let mut out = Vec::new();
    for s in &board.standings {
        let o = &s.overall;
        println!(
            "{:<24} {:>8.5} {:>+9.5} {:>10.5} {:>10}",
            s.model,
            o.rps,
            o.gap,
            o.log_loss,
            format_seconds(s.elapsed_s)
        );
        out.push(
            Row::alone(
                format!(
                    "leaderboard: {} (RPS {:.4}, gap to market {:+.4})",
                    s.model, o.rps, o.gap
                ),
                s.elapsed_s,
            )
            .with_details(json!({
                "model": s.model,
                "matches": o.matches,
                "rps": o.rps,
                "log_loss": o.log_loss,
                "brier": o.brier,
                "ece": o.ece,
                "market_rps": o.market_rps,
                "gap": o.gap,
                "refits": s.refits,
            })),
        );
    }
    let total = Row::target(
        format!(
            "leaderboard: {} models, every league-season ({matches} priced matches)",
            board.standings.len()
        ),
        board.elapsed_s,
        "under 3 min",
        BUDGET_S,
    )
    .with_details(json!({
        "models": board.standings.len(),
        "matches": matches,
        "budget_s": BUDGET_S,
        "threads": std::thread::available_parallelism().map_or(1, usize::from),
        "cpu_s": cpu_s,
    }));
    println!(
        "total wall time {} against a budget of {}: ratio {:.2}x, {}\n",
        format_seconds(board.elapsed_s),
        format_seconds(BUDGET_S),
        BUDGET_S / board.elapsed_s,
        total.verdict()
    );
    if let Some(cpu) = cpu_s {
        // On a machine shared with other jobs the wall time exceeds what
        // two free cores would take: the CPU time says how much.
        println!(
            "CPU time {} (user + system): {:.2} cores busy on average over the run\n",
            format_seconds(cpu),
            cpu / board.elapsed_s
        );
    }
    out.push(total);
    out
}

/// This process's CPU time (user + system) so far, in seconds, from
/// `/proc/self/stat` (Linux; `None` elsewhere). Clock ticks of 1/100 s,
/// the Linux `USER_HZ`.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces), from
    // field 3 (state) on: utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}
