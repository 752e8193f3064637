//! Where a model comes from, and loading it: a model file, or a fit of
//! the latest seasons of a league at start-up and on every reload.

use std::path::PathBuf;
use std::time::Instant;

use scoreline_dixon_coles::data::football_data::{available_seasons, read_football_data_dir};
use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::model::file::{ModelFile, FORMAT_VERSION};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_dixon_coles::weights::TimeDecay;

/// A fit at start-up: the latest `seasons` seasons of `league`.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSource {
    /// The data folder (holding `football-data/mmz4281/<season>/<div>.csv`).
    pub data_dir: PathBuf,
    /// The division code, e.g. `E0`.
    pub league: String,
    /// How many of the latest seasons to use.
    pub seasons: usize,
    /// The time-decay rate ξ per day.
    pub xi: f64,
}

/// Where the served model comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSource {
    /// A saved model file, read again on every reload.
    File(PathBuf),
    /// A fit of match data, redone on every reload.
    Fit(FitSource),
}

/// A model that passed the load checks, with what the server reports about it.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    /// The model.
    pub model: FittedModel,
    /// Where it came from, without directories (shown to clients): the
    /// file name (`model.json`), or `fit E0 2223,2324,2425`. The full path
    /// is only logged.
    pub origin: String,
    /// When it was loaded (UTC, RFC 3339).
    pub loaded_at: String,
    /// The model file's format version (for a fit, the version it would be saved as).
    pub format_version: u32,
}

impl ModelSource {
    /// Loads (or fits) the model and checks it: it must have at least two
    /// teams and predict a finite, normalised 1X2 for its first two teams.
    /// Blocking: call it from a blocking task.
    pub fn load(&self) -> Result<LoadedModel, String> {
        let started = Instant::now();
        let (model, origin, format_version) = match self {
            ModelSource::File(path) => {
                let file = ModelFile::load(path).map_err(|e| e.to_string())?;
                let name = path.file_name().map_or_else(
                    || "model file".to_owned(),
                    |name| name.to_string_lossy().into_owned(),
                );
                (file.model, name, file.format_version)
            }
            ModelSource::Fit(source) => {
                let (model, origin) = fit_latest(source)?;
                (model, origin, FORMAT_VERSION)
            }
        };
        check(&model)?;
        tracing::info!(
            source = ?self,
            origin,
            teams = model.teams().len(),
            seconds = started.elapsed().as_secs_f64(),
            "model loaded"
        );
        Ok(LoadedModel {
            model,
            origin,
            loaded_at: chrono::Utc::now().to_rfc3339(),
            format_version,
        })
    }
}

fn fit_latest(source: &FitSource) -> Result<(FittedModel, String), String> {
    let dir = source.data_dir.join("football-data");
    let all = available_seasons(&dir, &source.league);
    if all.is_empty() {
        return Err(format!(
            "no {} files under {} (expected football-data/mmz4281/<season>/{}.csv)",
            source.league,
            source.data_dir.display(),
            source.league
        ));
    }
    let seasons: Vec<&str> = all[all.len().saturating_sub(source.seasons)..]
        .iter()
        .map(String::as_str)
        .collect();
    let file = read_football_data_dir(&dir, &[source.league.as_str()], &seasons)
        .map_err(|e| e.to_string())?;
    let data = Dataset::from_matches(&file.matches, &ValidationOptions::default())
        .map_err(|e| e.to_string())?;
    if !(source.xi.is_finite() && source.xi >= 0.0) {
        return Err(format!("xi = {} must be finite and at least 0", source.xi));
    }
    let options = FitOptions {
        time_decay: TimeDecay {
            xi_per_day: source.xi,
            reference_date: None,
        },
        ..FitOptions::default()
    };
    let model = fit(&data, &options).map_err(|e| e.to_string())?;
    let origin = format!("fit {} {}", source.league, seasons.join(","));
    Ok((model, origin))
}

fn check(model: &FittedModel) -> Result<(), String> {
    let teams = model.teams();
    if teams.len() < 2 {
        return Err(format!(
            "the model knows {} team(s); at least 2 are needed",
            teams.len()
        ));
    }
    let p = model
        .outcome_probabilities_ids(0, 1, false, GridSize::Adaptive)
        .map_err(|e| format!("the model cannot predict: {e}"))?;
    let total = p.home + p.draw + p.away;
    if !total.is_finite() || (total - 1.0).abs() >= 1e-6 {
        return Err(format!("the model predicts 1X2 summing to {total}"));
    }
    Ok(())
}
