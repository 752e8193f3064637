//! Walk-forward predictions of E0 1920, 2122–2425 (and their warm-up
//! seasons) with E1 history, written as CSV with the market's
//! probabilities, for `analyse.py`.
//!
//! ```text
//! issue6-gap OUT.csv [--xi X] [--ridge R] [--refit matchday|date]
//!            [--signal goals|HST,AST|HS,AS|market:FILE]
//! ```
//!
//! `--signal` replaces the goals the model is trained on: a pair of
//! football-data columns (shots on target, shots), or `market:FILE`, the
//! market-implied expected goals written by `market_xg.py`, ×10 and
//! rounded (the Poisson score equations are linear in the counts, so
//! scaling them scales the fitted rates and leaves the ratings' ordering
//! intact; predictions are divided by 10 again in `analyse.py`). With a
//! replaced signal ρ is fixed at 0 (the τ correction is about goals).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use scoreline_dixon_coles::evaluation::backtest::{
    market_probabilities, season_of_match, walk_forward, BacktestOptions, Refit,
};
use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_file, season_path,
};
use scoreline_dixon_coles::data::Match;
use scoreline_dixon_coles::model::options::FitOptions;
use scoreline_dixon_coles::model::params::ParamMode;
use scoreline_dixon_coles::weights::TimeDecay;

type Pairs = HashMap<(String, String), (u32, u32)>;

/// (home, away) → the replacement counts of one season file.
fn signal_of(
    path: &Path,
    season: &str,
    div: &str,
    signal: &str,
) -> Result<Pairs, Box<dyn std::error::Error>> {
    let mut out = HashMap::new();
    if let Some(file) = signal.strip_prefix("market:") {
        for r in csv::Reader::from_path(file)?.records() {
            let r = r?;
            if &r[0] == season && &r[1] == div {
                let scaled = |v: &str| -> Result<u32, std::num::ParseFloatError> {
                    Ok((v.parse::<f64>()? * 10.0).round() as u32)
                };
                out.insert(
                    (r[2].to_owned(), r[3].to_owned()),
                    (scaled(&r[4])?, scaled(&r[5])?),
                );
            }
        }
        return Ok(out);
    }
    let (home_col, away_col) = signal
        .split_once(',')
        .ok_or("--signal: expected H,A columns")?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    let header = reader.headers()?.clone();
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or(format!("{} has no {name}", path.display()))
    };
    let (h, a, ch, ca) = (
        at("HomeTeam")?,
        at("AwayTeam")?,
        at(home_col)?,
        at(away_col)?,
    );
    for r in reader.records() {
        let r = r?;
        if let (Some(x), Some(y)) = (
            r.get(ch).and_then(|v| v.parse().ok()),
            r.get(ca).and_then(|v| v.parse().ok()),
        ) {
            out.insert((r[h].to_owned(), r[a].to_owned()), (x, y));
        }
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out = args.first().ok_or("usage: issue6-gap OUT.csv [flags]")?;
    let xi: f64 = flag("--xi").map_or(Ok(0.0031), |v| v.parse())?;
    let ridge: f64 = flag("--ridge").map_or(Ok(1e-3), |v| v.parse())?;
    let signal = flag("--signal").unwrap_or_else(|| "goals".to_owned());
    let refit = match flag("--refit").as_deref() {
        Some("date") => Refit::EachDate,
        _ => Refit::Matchday,
    };
    let data = PathBuf::from(
        std::env::var("SCORELINE_DATA_DIR").unwrap_or_else(|_| "../shared/data".into()),
    );
    let dir = data.join("football-data");
    let available = available_seasons(&dir, "E0");
    let mut needed: Vec<String> = Vec::new();
    let mut targets: Vec<String> = Vec::new();
    for s in ["1920", "2122", "2223", "2324", "2425"] {
        let at = available
            .iter()
            .position(|x| x == s)
            .ok_or(format!("no E0 {s}"))?;
        targets.extend([s.to_owned(), available[at - 1].clone()]);
        for x in &available[at - 4..=at] {
            if !needed.contains(x) {
                needed.push(x.clone());
            }
        }
    }
    let mut matches: Vec<Match> = Vec::new();
    for season in &needed {
        for div in ["E0", "E1"] {
            let path = season_path(&dir, season, div);
            let mut file = read_football_data_file(&path)?.matches;
            if signal != "goals" {
                let pairs = signal_of(&path, season, div, &signal)?;
                file.retain_mut(
                    |m| match pairs.get(&(m.home_team.clone(), m.away_team.clone())) {
                        Some(&(x, y)) => {
                            (m.home_goals, m.away_goals) = (x, y);
                            true
                        }
                        None => false,
                    },
                );
            }
            matches.extend(file);
        }
    }
    let options = BacktestOptions {
        refit,
        fit: FitOptions {
            time_decay: TimeDecay {
                xi_per_day: xi,
                reference_date: None,
            },
            ridge,
            rho: if signal == "goals" {
                ParamMode::Free
            } else {
                ParamMode::Fixed(0.0)
            },
            standard_errors: false,
            ..FitOptions::default()
        },
        ..BacktestOptions::default()
    };
    let is_target =
        |m: &Match| m.division.as_deref() == Some("E0") && targets.contains(&season_of_match(m));
    let backtest = walk_forward(&matches, is_target, &options, None)?;
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        file,
        "date,season,home,away,ph,pd,pa,xh,xa,outcome,qh,qd,qa,hg,ag"
    )?;
    for p in &backtest.predictions {
        let m = &matches[p.index];
        let Some(q) = market_probabilities(m) else {
            continue;
        };
        let [ph, pd, pa] = p.probabilities;
        let [xh, xa] = p.expected_goals;
        writeln!(
            file,
            "{},{},{},{},{ph},{pd},{pa},{xh},{xa},{},{},{},{},{},{}",
            p.date,
            p.season,
            p.home,
            p.away,
            p.outcome,
            q[0],
            q[1],
            q[2],
            m.home_goals,
            m.away_goals
        )?;
    }
    eprintln!(
        "{out}: {} predictions, {} refits, {:.2} s",
        backtest.predictions.len(),
        backtest.folds.len(),
        backtest.elapsed_s
    );
    Ok(())
}
