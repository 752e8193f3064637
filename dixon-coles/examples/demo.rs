//! `make demo`: fit the last three Premier League and Championship seasons
//! jointly, print the ratings, and predict the last round in the data out of
//! sample (the fit uses only matches before that round).
//!
//! Data comes from `$SCORELINE_DATA_DIR/football-data/mmz4281/<season>/<div>.csv`
//! (default `../shared/data`); when no file is there, the seasons are
//! downloaded from football-data.co.uk into `data/` (feature `fetch`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::Days;
use scoreline_dixon_coles::data::football_data::{available_seasons, read_football_data_dir};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::prelude::*;

const DIVISIONS: [&str; 2] = ["E0", "E1"];

fn data_dir() -> PathBuf {
    std::env::var_os("SCORELINE_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"))
}

/// The football-data folder and the last three seasons that have both divisions.
fn locate() -> Result<(PathBuf, Vec<String>), String> {
    let dir = data_dir().join("football-data");
    let seasons: Vec<String> = available_seasons(&dir, "E0")
        .into_iter()
        .filter(|s| available_seasons(&dir, "E1").contains(s))
        .collect();
    if seasons.len() >= 3 {
        return Ok((dir, seasons[seasons.len() - 3..].to_vec()));
    }
    fetch_fallback(&dir)
}

#[cfg(feature = "fetch")]
fn fetch_fallback(searched: &Path) -> Result<(PathBuf, Vec<String>), String> {
    use scoreline_dixon_coles::data::fetch::FootballDataFetcher;
    let cache = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/football-data");
    eprintln!(
        "no football-data files under {} (set SCORELINE_DATA_DIR to a folder holding football-data/mmz4281/<season>/<div>.csv); downloading into {}",
        searched.display(),
        cache.display()
    );
    let seasons: Vec<String> = ["2223", "2324", "2425"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let fetcher = FootballDataFetcher::new(&cache);
    for s in &seasons {
        for d in DIVISIONS {
            fetcher.fetch(s, d).map_err(|e| e.to_string())?;
        }
    }
    Ok((cache, seasons))
}

#[cfg(not(feature = "fetch"))]
fn fetch_fallback(searched: &Path) -> Result<(PathBuf, Vec<String>), String> {
    Err(format!(
        "no football-data files under {}: set SCORELINE_DATA_DIR to a folder holding \
         football-data/mmz4281/<season>/<div>.csv (e.g. football-data/mmz4281/2324/E0.csv), \
         or build with --features fetch to download them",
        searched.display()
    ))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, seasons) = locate()?;
    let season_refs: Vec<&str> = seasons.iter().map(String::as_str).collect();
    let file = read_football_data_dir(&dir, &DIVISIONS, &season_refs)?;
    let matches = file.matches;
    // The last round: Premier League matches within 3 days of its latest match.
    let last_date = matches
        .iter()
        .filter(|m| m.division.as_deref() == Some("E0"))
        .map(|m| m.date)
        .max()
        .ok_or("no Premier League matches found")?;
    let round_start = last_date - Days::new(3);
    let last_round: Vec<&Match> = matches
        .iter()
        .filter(|m| m.division.as_deref() == Some("E0") && m.date >= round_start)
        .collect();
    let history: Vec<Match> = matches
        .iter()
        .filter(|m| m.date < round_start)
        .cloned()
        .collect();
    let data = Dataset::from_matches(&history, &ValidationOptions::default())?;
    let options = FitOptions::default();
    let model = fit(&data, &options)?;
    let s = model.summary();
    let p = model.parameters();
    let se = model.standard_errors().ok_or("no standard errors")?;

    println!(
        "scoreline demo: Dixon–Coles on {} seasons {}, divisions {}",
        dir.display(),
        seasons.join(", "),
        DIVISIONS.join("+")
    );
    println!(
        "{} matches, {} teams, ξ = {}/day, reference date {}",
        s.matches_used,
        data.teams().len(),
        options.time_decay.xi_per_day,
        s.reference_date
    );
    println!(
        "fit: {} in {} iterations, {:.2} ms, log-likelihood {:.4}, gradient norm {:.1e}\n",
        s.solver,
        s.iterations,
        s.fit_seconds * 1e3,
        s.log_likelihood,
        s.gradient_norm
    );
    let mut ratings = model.ratings();
    ratings.sort_by(|a, b| (b.attack + b.defence).total_cmp(&(a.attack + a.defence)));
    println!(
        "{:<4} {:<18} {:>8} {:>7} {:>8} {:>7}",
        "rank", "team", "attack", "± se", "defence", "± se"
    );
    for (i, r) in ratings.iter().enumerate() {
        println!(
            "{:<4} {:<18} {:>8.3} {:>7.3} {:>8.3} {:>7.3}",
            i + 1,
            r.team,
            r.attack,
            r.attack_se.unwrap_or(f64::NAN),
            r.defence,
            r.defence_se.unwrap_or(f64::NAN)
        );
    }
    println!(
        "\nhome advantage γ = {:.4} ± {:.4} (×{:.3} goals), ρ = {:.4} ± {:.4}, intercept μ = {:.4}",
        p.home_advantage,
        se.home_advantage.unwrap_or(f64::NAN),
        p.home_advantage.exp(),
        p.rho,
        se.rho.unwrap_or(f64::NAN),
        p.intercept
    );
    println!(
        "\nlast round in the data ({} to {}), predicted from matches before it:",
        round_start, last_date
    );
    println!(
        "{:<16} {:<16} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}  result",
        "home", "away", "xG h", "xG a", "1", "X", "2", "o2.5", "btts"
    );
    for m in last_round {
        let grid = match model.predict(&m.home_team, &m.away_team, m.neutral) {
            Ok(g) => g,
            Err(e) => {
                println!(
                    "{:<16} {:<16} cannot predict: {e}",
                    m.home_team, m.away_team
                );
                continue;
            }
        };
        let o = grid.outcome_probabilities();
        println!(
            "{:<16} {:<16} {:>6.2} {:>6.2} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}  {}-{}",
            m.home_team,
            m.away_team,
            grid.home_rate(),
            grid.away_rate(),
            o.home,
            o.draw,
            o.away,
            grid.over(2.5)?.win,
            grid.both_teams_to_score().yes,
            m.home_goals,
            m.away_goals
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
