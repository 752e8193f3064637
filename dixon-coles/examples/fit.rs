//! Fit a goal model (Dixon–Coles by default) to CSV files from the command line.
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example fit -- \
//!     ../shared/data/football-data/mmz4281/2324/E0.csv --family negative_binomial \
//!     --predict "Arsenal:Chelsea" --predict "Arsenal:Chelsea:neutral" --json
//! ```
//!
//! `--family NAME` picks the goal-model family (`--help` lists them; default
//! `dixon_coles`). The family's extra parameters are printed by name (ρ for
//! Dixon–Coles, the dispersion for the negative binomial, …), with the
//! ones that ended on their bound (`at boundary: dispersion`, where the
//! likelihood is largest at the Poisson limit).
//!
//! Files may be football-data.co.uk or international-results CSVs (detected
//! from the header); `fit ../shared/data/international/results.csv` works
//! with the defaults (largest group of teams that have met, duplicates
//! kept and reported, ridge 1e-3). Bad input exits with status 1 and the error's message.
//! What validation found without failing (repeated matches and what
//! `--duplicates` did with them, near-duplicate team names) is printed as
//! `warning:` lines on standard error, or under `"warnings"` with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Parser;
use scoreline_dixon_coles::data::football_data::read_match_file;
use scoreline_dixon_coles::data::{keep_largest_component_reported, DuplicatePolicy};
use scoreline_dixon_coles::prelude::*;
use serde_json::json;

#[path = "common/family.rs"]
mod family;

/// Fit a goal model (Dixon–Coles by default) to one or more CSV files.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// CSV files (football-data.co.uk or international results).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The goal-model family.
    #[arg(long, default_value = "dixon_coles", value_parser = family::family_parser())]
    family: Family,
    /// Time-decay rate ξ per day (0 weighs every match equally).
    #[arg(long, default_value_t = 0.0018)]
    xi: f64,
    /// Reference date for the time decay (YYYY-MM-DD; default: the latest match).
    #[arg(long)]
    reference_date: Option<NaiveDate>,
    /// Fix ρ = 0 (Dixon–Coles only: the independent Poisson model).
    #[arg(long)]
    no_rho: bool,
    /// Fix the home advantage at 0.
    #[arg(long)]
    no_home_advantage: bool,
    /// Ridge penalty on attack and defence. The default 1e-3 (as in the
    /// backtests) keeps a team whose every match is decades old, and so
    /// weighs almost nothing under the time decay, at the league average
    /// instead of leaving the solver unconverged (as on the whole
    /// international history); 0 is the plain maximum likelihood.
    #[arg(long, default_value_t = 1e-3)]
    ridge: f64,
    /// Fail when the teams split into groups that never meet (by default
    /// only the largest group is fitted, with a warning naming the others,
    /// as international results need).
    #[arg(long)]
    require_connected: bool,
    /// What to do with a match (date, home, away) that appears more than
    /// once: error, keep (every copy) or drop (the later copies).
    #[arg(long, default_value_t = DuplicatePolicy::Keep)]
    duplicates: DuplicatePolicy,
    /// A fixture to predict, `HOME:AWAY` or `HOME:AWAY:neutral` (repeatable).
    #[arg(long = "predict")]
    predictions: Vec<String>,
    /// Save the fitted model to this file.
    #[arg(long)]
    save: Option<PathBuf>,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_fixture(spec: &str) -> Result<(String, String, bool), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    match parts.as_slice() {
        [h, a] => Ok((h.to_string(), a.to_string(), false)),
        [h, a, "neutral"] => Ok((h.to_string(), a.to_string(), true)),
        _ => Err(format!(
            "--predict {spec:?}: expected HOME:AWAY or HOME:AWAY:neutral"
        )),
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = args
        .predictions
        .iter()
        .map(|s| parse_fixture(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut matches = Vec::new();
    for file in &args.files {
        matches.extend(read_match_file(file)?.matches);
    }
    let mut warnings = Vec::new();
    if !args.require_connected {
        let (kept, left_out) = keep_largest_component_reported(&matches);
        matches = kept;
        warnings.extend(left_out);
    }
    let validation = ValidationOptions {
        duplicates: args.duplicates,
        ..Default::default()
    };
    let data = Dataset::from_matches(&matches, &validation)?;
    warnings.extend(data.warnings().iter().cloned());
    if !args.json {
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
    }
    let options = FitOptions {
        time_decay: TimeDecay {
            xi_per_day: args.xi,
            reference_date: args.reference_date,
        },
        rho: if args.no_rho {
            ParamMode::Fixed(0.0)
        } else {
            ParamMode::Free
        },
        home_advantage: if args.no_home_advantage {
            ParamMode::Fixed(0.0)
        } else {
            ParamMode::Free
        },
        ridge: args.ridge,
        family: args.family,
        ..Default::default()
    };
    let model = fit(&data, &options)?;
    if let Some(path) = &args.save {
        model.save(path)?;
    }
    let mut predicted = Vec::new();
    for (home, away, neutral) in &fixtures {
        let grid = model.predict(home, away, *neutral)?;
        predicted.push((home, away, *neutral, grid));
    }
    let s = model.summary();
    let p = model.parameters();
    let family = model.family();
    let extras: Vec<(&str, f64)> = family
        .extra_parameters()
        .iter()
        .map(|e| e.name)
        .zip(family.extra_values(p))
        .collect();
    if args.json {
        let preds: Vec<_> = predicted
            .iter()
            .map(|(h, a, neutral, g)| {
                let o = g.outcome_probabilities();
                json!({"home": h, "away": a, "neutral": neutral, "p_home": o.home, "p_draw": o.draw,
                       "p_away": o.away, "xg_home": g.home_rate(), "xg_away": g.away_rate()})
            })
            .collect();
        let out = json!({
            "matches": s.matches_used, "teams": data.teams().len(), "log_likelihood": s.log_likelihood,
            "iterations": s.iterations, "converged": s.converged, "gradient_norm": s.gradient_norm,
            "family": family.name(),
            "home_advantage": p.home_advantage, "rho": p.rho, "solver": s.solver, "fit_seconds": s.fit_seconds,
            "extra": extras.iter().map(|&(name, value)| (name.to_owned(), json!(value)))
                .collect::<serde_json::Map<_, _>>(),
            "at_boundary": s.at_boundary,
            "predictions": preds,
            "warnings": warnings.iter()
                .map(|w| json!({"kind": w.kind(), "message": w.to_string()}))
                .collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{} matches, {} teams: log-likelihood {:.6}, {} iterations ({}), gradient norm {:.1e}",
            s.matches_used,
            data.teams().len(),
            s.log_likelihood,
            s.iterations,
            s.solver,
            s.gradient_norm
        );
        let named: String = extras
            .iter()
            .map(|(name, value)| format!(", {name} {value:.4}"))
            .collect();
        println!(
            "{}: home advantage {:.4}{named}",
            family.name(),
            p.home_advantage
        );
        if !s.at_boundary.is_empty() {
            println!("at boundary: {}", s.at_boundary.join(", "));
        }
        for (h, a, neutral, g) in &predicted {
            let o = g.outcome_probabilities();
            let venue = if *neutral { " (neutral)" } else { "" };
            println!(
                "{h} v {a}{venue}: home {:.4} draw {:.4} away {:.4}; xG {:.2}-{:.2}",
                o.home,
                o.draw,
                o.away,
                g.home_rate(),
                g.away_rate()
            );
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
