//! Evaluate and optimise a jackpot slate.
//!
//! ```text
//! cargo run --release -p scoreline-dixon-coles --example slate -- \
//!     --slate dixon-coles/examples/slate.csv --budget 1000 --json
//! ```
//!
//! The slate file is CSV `home,away[,neutral][,odds_h,odds_d,odds_a]` (a
//! header row is optional); `dixon-coles/examples/slate.csv` is an example.
//! The model is a saved model file (`--model`) or is fitted on the last
//! three Premier League and Championship seasons under `--data` (default
//! `$SCORELINE_DATA_DIR`, else `../shared/data`, as every other tool) with
//! the goal-model family `--family NAME` (default `dixon_coles`; `--help`
//! lists them; a model file names its own family).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use scoreline_dixon_coles::data::football_data::{available_seasons, read_football_data_dir};
use scoreline_dixon_coles::prelude::*;
use scoreline_dixon_coles::wagering::slate::{explain, optimise, SlateFixture};
use serde_json::json;

#[path = "common/family.rs"]
mod family;

/// Evaluate and optimise a jackpot slate.
#[derive(Parser)]
struct Args {
    /// A saved model file.
    #[arg(long)]
    model: Option<PathBuf>,
    /// The goal-model family fitted when there is no --model.
    #[arg(long, default_value = "dixon_coles", value_parser = family::family_parser(), conflicts_with = "model")]
    family: Family,
    /// A data folder holding football-data/mmz4281/<season>/<div>.csv.
    #[arg(long, env = "SCORELINE_DATA_DIR", default_value = "../shared/data")]
    data: PathBuf,
    /// The slate CSV: home,away[,neutral][,odds_h,odds_d,odds_a].
    #[arg(long)]
    slate: PathBuf,
    /// The most combinations the ticket may have.
    #[arg(long, default_value_t = 1)]
    budget: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn read_slate(path: &Path) -> Result<Vec<SlateFixture>, Box<dyn std::error::Error>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read the slate {}: {e}", path.display()))?;
    let mut fixtures = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: line {}: {e}", path.display(), line + 1))?;
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if cells.len() < 2 || (line == 0 && cells[0].eq_ignore_ascii_case("home")) {
            continue;
        }
        let rest = &cells[2..];
        let (neutral, odds_cells) = match rest.first() {
            Some(v)
                if v.eq_ignore_ascii_case("true")
                    || v.eq_ignore_ascii_case("neutral")
                    || *v == "1" =>
            {
                (true, &rest[1..])
            }
            Some(v) if v.eq_ignore_ascii_case("false") || *v == "0" || v.is_empty() => {
                (false, &rest[1..])
            }
            _ => (false, rest),
        };
        let odds = match odds_cells {
            [] => None,
            [h, d, a] => {
                let parse = |cell: &str| {
                    cell.parse::<f64>().map_err(|e| {
                        format!("{}: line {}: odds {cell:?}: {e}", path.display(), line + 1)
                    })
                };
                Some([parse(h)?, parse(d)?, parse(a)?])
            }
            other => {
                return Err(format!(
                    "{}: line {}: expected 3 odds, got {}",
                    path.display(),
                    line + 1,
                    other.len()
                )
                .into())
            }
        };
        fixtures.push(SlateFixture {
            home: cells[0].to_owned(),
            away: cells[1].to_owned(),
            neutral,
            odds,
        });
    }
    Ok(fixtures)
}

fn model_from(args: &Args) -> Result<FittedModel, Box<dyn std::error::Error>> {
    if let Some(path) = &args.model {
        return FittedModel::load(path).map_err(|e| format!("{}: {e}", path.display()).into());
    }
    let root = args.data.join("football-data");
    let seasons = available_seasons(&root, "E0");
    let last: Vec<&str> = seasons
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    if last.is_empty() {
        return Err(format!(
            "no football-data files under {} (give --data DIR, set SCORELINE_DATA_DIR, or --model FILE)",
            root.display()
        )
        .into());
    }
    let file = read_football_data_dir(&root, &["E0", "E1"], &last)?;
    let data = Dataset::from_matches(&file.matches, &ValidationOptions::default())?;
    let options = FitOptions {
        family: args.family,
        ..FitOptions::default()
    };
    Ok(fit(&data, &options)?)
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = read_slate(&args.slate)?;
    let model = model_from(&args)?;
    let (evaluations, covering) = optimise(&model, &fixtures, args.budget)?;
    let names = ["home", "draw", "away"];
    if args.json {
        let explanations: Vec<_> = fixtures
            .iter()
            .map(|f| explain(&model, &f.home, &f.away, f.neutral))
            .collect::<Result<_, _>>()?;
        println!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"fixtures": evaluations, "covering": covering, "explanations": explanations})
            )?
        );
        return Ok(());
    }
    let picks: Vec<String> = covering
        .outcomes
        .iter()
        .map(|covered| {
            covered
                .iter()
                .map(|&o| names[o])
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    // Columns as wide as their widest entry, so long names and triples stay aligned.
    let width = |header: &str, cells: &mut dyn Iterator<Item = usize>| {
        cells.fold(header.chars().count(), usize::max)
    };
    let home_w = width(
        "home",
        &mut evaluations.iter().map(|e| e.fixture.home.chars().count()),
    );
    let away_w = width(
        "away",
        &mut evaluations.iter().map(|e| e.fixture.away.chars().count()),
    );
    let pick_w = width("pick", &mut picks.iter().map(|p| p.chars().count()));
    println!(
        "{:<home_w$} {:<away_w$} {:>6} {:>6} {:>6}  {:<pick_w$}  entropy",
        "home", "away", "1", "X", "2", "pick"
    );
    for (e, pick) in evaluations.iter().zip(&picks) {
        println!(
            "{:<home_w$} {:<away_w$} {:>6.3} {:>6.3} {:>6.3}  {:<pick_w$}  {:.3}",
            e.fixture.home,
            e.fixture.away,
            e.probabilities[0],
            e.probabilities[1],
            e.probabilities[2],
            pick,
            e.entropy
        );
    }
    println!(
        "\n{} combinations (budget {}): P(all covered) = {:.6}; P(at least n−1) = {:.4}",
        covering.combinations,
        args.budget,
        covering.probability_all,
        covering.at_least[covering.at_least.len().saturating_sub(2)]
    );
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
