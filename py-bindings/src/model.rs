//! `FittedModel`: fitting from columns and predicting, with the GIL released
//! while Rust works.

use std::sync::Arc;

use chrono::NaiveDate;
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::error::ModelFileError;
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::model::file::{Metadata, ModelFile};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::{Family, FitOptions};
use scoreline_dixon_coles::model::params::ParamMode;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_dixon_coles::weights::TimeDecay;
use scoreline_dixon_coles::Error;

use crate::data::{check_len, date_of, decode, matches_from_columns, names};
use crate::errors::{
    data_error, fit_error, model_file_error, predict_error, to_py, FitError, PredictError,
};
use crate::grid::PyScoreGrid;

/// The family of a name from `Family::name` (`"dixon_coles"`, `"poisson"`,
/// …), or `FitError` listing every family.
pub(crate) fn family_of(name: &str) -> PyResult<Family> {
    Family::from_name(name).ok_or_else(|| {
        let known: Vec<&str> = Family::ALL.iter().map(|f| f.name()).collect();
        FitError::new_err(format!(
            "family: unknown family {name:?}; expected one of {}",
            known.join(", ")
        ))
    })
}

/// The fit options the Python API exposes (shared by `FittedModel.fit` and
/// the walk-forward backtest); everything else keeps the engine's default.
/// `rho` applies to Dixon–Coles only (other families have no ρ).
#[allow(clippy::too_many_arguments)]
pub(crate) fn fit_options(
    family: Family,
    xi: f64,
    reference_date: Option<NaiveDate>,
    rho: bool,
    home_advantage: bool,
    ridge: f64,
    max_iterations: usize,
    tolerance: f64,
) -> FitOptions {
    let mode = |free: bool| {
        if free {
            ParamMode::Free
        } else {
            ParamMode::Fixed(0.0)
        }
    };
    FitOptions {
        time_decay: TimeDecay {
            xi_per_day: xi,
            reference_date,
        },
        rho: mode(rho),
        home_advantage: mode(home_advantage),
        ridge,
        max_iterations,
        gradient_tolerance: tolerance,
        family,
        ..Default::default()
    }
}

/// A fitted goal model of any family (the engine's `FittedModel`).
#[pyclass(module = "scoreline._scoreline", name = "FittedModel", frozen)]
pub struct PyFittedModel {
    pub(crate) inner: Arc<FittedModel>,
}

impl PyFittedModel {
    fn fixture_pairs(
        home: &[String],
        away: &[String],
        neutral: Option<&[bool]>,
    ) -> PyResult<Vec<(usize, bool)>> {
        check_len("away", away.len(), home.len())?;
        if let Some(n) = neutral {
            check_len("neutral", n.len(), home.len())?;
        }
        Ok((0..home.len())
            .map(|i| (i, neutral.is_some_and(|n| n[i])))
            .collect())
    }
}

#[pymethods]
impl PyFittedModel {
    /// Fits a model of `family` (default `"dixon_coles"`) to match columns.
    /// Goals are floats checked to be whole numbers; dates are days since
    /// 1970-01-01. `rho=False` fixes ρ = 0 (Dixon–Coles only).
    #[staticmethod]
    #[pyo3(signature = (teams, home, away, home_goals, away_goals, dates, *, neutral=None, weights=None,
                        family="dixon_coles", xi=0.0018, reference_date=None, rho=true, home_advantage=true, ridge=0.0,
                        max_iterations=1000, tolerance=1e-7, max_goals_cap=50))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        teams: &Bound<'_, PyAny>,
        home: PyReadonlyArray1<'_, i64>,
        away: PyReadonlyArray1<'_, i64>,
        home_goals: PyReadonlyArray1<'_, f64>,
        away_goals: PyReadonlyArray1<'_, f64>,
        dates: PyReadonlyArray1<'_, i64>,
        neutral: Option<PyReadonlyArray1<'_, bool>>,
        weights: Option<PyReadonlyArray1<'_, f64>>,
        family: &str,
        xi: f64,
        reference_date: Option<i64>,
        rho: bool,
        home_advantage: bool,
        ridge: f64,
        max_iterations: usize,
        tolerance: f64,
        max_goals_cap: u32,
    ) -> PyResult<Self> {
        let family = family_of(family)?;
        let matches = matches_from_columns(
            teams,
            home.as_slice()?,
            away.as_slice()?,
            home_goals.as_slice()?,
            away_goals.as_slice()?,
            dates.as_slice()?,
            neutral.as_ref().map(|a| a.as_slice()).transpose()?,
            weights.as_ref().map(|a| a.as_slice()).transpose()?,
        )?;
        let reference_date = reference_date
            .map(|d| date_of(d, 0, "reference_date"))
            .transpose()?;
        let options = fit_options(
            family,
            xi,
            reference_date,
            rho,
            home_advantage,
            ridge,
            max_iterations,
            tolerance,
        );
        let validation = ValidationOptions {
            max_goals: max_goals_cap,
            ..Default::default()
        };
        let model = py.detach(move || -> Result<FittedModel, Error> {
            let data = Dataset::from_matches(&matches, &validation)?;
            Ok(fit(&data, &options)?)
        });
        let model = model.map_err(|e| match e {
            Error::Data(d) => data_error(d),
            Error::Fit(f) => fit_error(f),
            other => to_py(other),
        })?;
        Ok(Self {
            inner: Arc::new(model),
        })
    }

    /// The score grid for one fixture.
    #[pyo3(signature = (home, away, neutral=false, max_goals=None, truncate=false))]
    fn predict(
        &self,
        home: &str,
        away: &str,
        neutral: bool,
        max_goals: Option<usize>,
        truncate: bool,
    ) -> PyResult<PyScoreGrid> {
        let grid = self
            .inner
            .predict_with_size(
                home,
                away,
                neutral,
                GridSize::from_request(max_goals, truncate),
            )
            .map_err(predict_error)?;
        Ok(PyScoreGrid { inner: grid })
    }

    /// Home/draw/away probabilities for many fixtures as an (n, 3) array,
    /// from factorised team names (`teams[home[i]]` v `teams[away[i]]`).
    #[pyo3(signature = (teams, home, away, neutral=None, max_goals=None, truncate=false))]
    #[allow(clippy::too_many_arguments)]
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        teams: &Bound<'py, PyAny>,
        home: PyReadonlyArray1<'py, i64>,
        away: PyReadonlyArray1<'py, i64>,
        neutral: Option<PyReadonlyArray1<'py, bool>>,
        max_goals: Option<usize>,
        truncate: bool,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let size = GridSize::from_request(max_goals, truncate);
        let teams = names(teams, "teams")?;
        let (home, away) = (
            decode(&teams, home.as_slice()?, "home")?,
            decode(&teams, away.as_slice()?, "away")?,
        );
        check_len("away", away.len(), home.len())?;
        let neutral = neutral.as_ref().map(|a| a.as_slice()).transpose()?;
        if let Some(v) = neutral {
            check_len("neutral", v.len(), home.len())?;
        }
        // Each distinct name is looked up once.
        let ids: Vec<Option<u32>> = teams.iter().map(|t| self.inner.team_id(t).ok()).collect();
        let model = Arc::clone(&self.inner);
        let n = home.len();
        let flat = py.detach(|| {
            let mut flat = Vec::with_capacity(3 * n);
            for i in 0..n {
                let (h, a) = match (ids[home[i]], ids[away[i]]) {
                    (Some(h), Some(a)) => (h, a),
                    (None, _) => return Err((i, model.team_id(&teams[home[i]]).unwrap_err())),
                    (_, None) => return Err((i, model.team_id(&teams[away[i]]).unwrap_err())),
                };
                let o = model
                    .outcome_probabilities_ids(h, a, neutral.is_some_and(|v| v[i]), size)
                    .map_err(|e| (i, e))?;
                flat.extend([o.home, o.draw, o.away]);
            }
            Ok(flat)
        });
        let flat = flat.map_err(|(i, e)| fixture_error(i, e))?;
        PyArray1::from_vec(py, flat).reshape([n, 3])
    }

    /// The MLflow flavour's columns for many fixtures from factorised team
    /// names, as a dict of equal-length arrays: `p_home, p_draw, p_away`
    /// (the grid-free kernel, the same bits as `predict_proba`), `xg_home,
    /// xg_away` (λ, ν), `p_over_2_5` and `p_btts` (from the score grid, the
    /// same bits as `predict_markets`). No strings are built per fixture,
    /// which is what makes it several times faster than `predict_markets`.
    #[pyo3(signature = (teams, home, away, neutral=None, max_goals=None, truncate=false))]
    #[allow(clippy::too_many_arguments)]
    fn predict_summary<'py>(
        &self,
        py: Python<'py>,
        teams: &Bound<'py, PyAny>,
        home: PyReadonlyArray1<'py, i64>,
        away: PyReadonlyArray1<'py, i64>,
        neutral: Option<PyReadonlyArray1<'py, bool>>,
        max_goals: Option<usize>,
        truncate: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        const COLUMNS: [&str; 7] = [
            "p_home",
            "p_draw",
            "p_away",
            "xg_home",
            "xg_away",
            "p_over_2_5",
            "p_btts",
        ];
        let size = GridSize::from_request(max_goals, truncate);
        let teams = names(teams, "teams")?;
        let (home, away) = (
            decode(&teams, home.as_slice()?, "home")?,
            decode(&teams, away.as_slice()?, "away")?,
        );
        check_len("away", away.len(), home.len())?;
        let neutral = neutral.as_ref().map(|a| a.as_slice()).transpose()?;
        if let Some(v) = neutral {
            check_len("neutral", v.len(), home.len())?;
        }
        let ids: Vec<Option<u32>> = teams.iter().map(|t| self.inner.team_id(t).ok()).collect();
        let model = Arc::clone(&self.inner);
        let n = home.len();
        let computed = py.detach(|| {
            let mut columns = vec![Vec::with_capacity(n); COLUMNS.len()];
            for i in 0..n {
                let (h, a) = match (ids[home[i]], ids[away[i]]) {
                    (Some(h), Some(a)) => (h, a),
                    (None, _) => return Err((i, model.team_id(&teams[home[i]]).unwrap_err())),
                    (_, None) => return Err((i, model.team_id(&teams[away[i]]).unwrap_err())),
                };
                let at_neutral = neutral.is_some_and(|v| v[i]);
                let g = model
                    .predict_ids(h, a, at_neutral, size)
                    .map_err(|e| (i, e))?;
                let o = model
                    .outcome_probabilities_for_rates(
                        g.home_rate(),
                        g.away_rate(),
                        GridSize::Truncated(g.max_goals()),
                    )
                    .map_err(|e| (i, e))?;
                let over = g.over(2.5).map_err(|e| (i, e))?.win;
                let values = [
                    o.home,
                    o.draw,
                    o.away,
                    g.home_rate(),
                    g.away_rate(),
                    over,
                    g.both_teams_to_score().yes,
                ];
                for (c, v) in columns.iter_mut().zip(values) {
                    c.push(v);
                }
            }
            Ok(columns)
        });
        let columns = computed.map_err(|(i, e)| fixture_error(i, e))?;
        let out = PyDict::new(py);
        for (name, values) in COLUMNS.iter().zip(columns) {
            out.set_item(*name, PyArray1::from_vec(py, values))?;
        }
        Ok(out)
    }

    /// The usual markets for many fixtures, as a dict of equal-length arrays.
    #[pyo3(signature = (home, away, neutral=None, max_goals=None, truncate=false))]
    fn predict_markets<'py>(
        &self,
        py: Python<'py>,
        home: &Bound<'py, PyAny>,
        away: &Bound<'py, PyAny>,
        neutral: Option<Vec<bool>>,
        max_goals: Option<usize>,
        truncate: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let size = GridSize::from_request(max_goals, truncate);
        let (home, away) = (names(home, "home")?, names(away, "away")?);
        const COLUMNS: [&str; 16] = [
            "p_home",
            "p_draw",
            "p_away",
            "xg_home",
            "xg_away",
            "p_over_1_5",
            "p_over_2_5",
            "p_over_3_5",
            "p_btts",
            "p_home_or_draw",
            "p_draw_or_away",
            "dnb_home",
            "dnb_away",
            "exp_points_home",
            "exp_points_away",
            "p_most_likely_score",
        ];
        let pairs = Self::fixture_pairs(&home, &away, neutral.as_deref())?;
        let model = Arc::clone(&self.inner);
        let computed = py.detach(move || {
            let mut columns = vec![Vec::with_capacity(pairs.len()); COLUMNS.len()];
            let mut scores = Vec::with_capacity(pairs.len());
            for &(i, neutral) in &pairs {
                let g = model
                    .predict_with_size(&home[i], &away[i], neutral, size)
                    .map_err(|e| (i, e))?;
                // The same 1X2 as predict_proba (the grid-free kernel), to the last bit.
                let o = model
                    .outcome_probabilities_for_rates(
                        g.home_rate(),
                        g.away_rate(),
                        GridSize::Truncated(g.max_goals()),
                    )
                    .map_err(|e| (i, e))?;
                let dc = g.double_chance();
                let dnb = g.draw_no_bet();
                let pts = g.expected_points();
                let top = g.most_likely_scores(1)[0];
                let over = |l: f64| g.over(l).map(|s| s.win).map_err(|e| (i, e));
                let values = [
                    o.home,
                    o.draw,
                    o.away,
                    g.home_rate(),
                    g.away_rate(),
                    over(1.5)?,
                    over(2.5)?,
                    over(3.5)?,
                    g.both_teams_to_score().yes,
                    dc.home_or_draw,
                    dc.draw_or_away,
                    dnb.home,
                    dnb.away,
                    pts.home,
                    pts.away,
                    top.probability,
                ];
                for (c, v) in columns.iter_mut().zip(values) {
                    c.push(v);
                }
                scores.push(format!("{}-{}", top.home_goals, top.away_goals));
            }
            Ok::<_, (usize, scoreline_dixon_coles::PredictError)>((columns, scores))
        });
        let (columns, scores) = computed.map_err(|(i, e)| fixture_error(i, e))?;
        let out = PyDict::new(py);
        for (name, values) in COLUMNS.iter().zip(columns) {
            out.set_item(*name, PyArray1::from_vec(py, values))?;
        }
        out.set_item("most_likely_score", scores)?;
        Ok(out)
    }

    /// Team names in id order.
    #[getter]
    fn teams(&self) -> Vec<String> {
        self.inner.teams().names().to_vec()
    }

    /// The family's name (`"dixon_coles"`, `"poisson"`, `"negative_binomial"`, …).
    #[getter]
    fn family(&self) -> &'static str {
        self.inner.family().name()
    }

    /// The names of the family's extra parameters, in order (`["rho"]` for
    /// Dixon–Coles, `["dispersion"]` for the negative binomial, `[]` for Poisson).
    #[getter]
    fn extra_names(&self) -> Vec<&'static str> {
        self.inner
            .family()
            .extra_parameters()
            .iter()
            .map(|e| e.name)
            .collect()
    }

    /// The parameters: attack and defence (dicts by team), intercept,
    /// home_advantage and the family's extra parameters by name (`rho` for
    /// Dixon–Coles, `dispersion` for the negative binomial, …).
    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = self.inner.parameters();
        let names = self.inner.teams().names();
        let d = PyDict::new(py);
        let by_team = |values: &[f64]| -> PyResult<Bound<'py, PyDict>> {
            let t = PyDict::new(py);
            for (n, v) in names.iter().zip(values) {
                t.set_item(n, v)?;
            }
            Ok(t)
        };
        d.set_item("attack", by_team(&p.attack)?)?;
        d.set_item("defence", by_team(&p.defence)?)?;
        d.set_item("intercept", p.intercept)?;
        d.set_item("home_advantage", p.home_advantage)?;
        let family = self.inner.family();
        for (e, v) in family.extra_parameters().iter().zip(family.extra_values(p)) {
            d.set_item(e.name, v)?;
        }
        Ok(d)
    }

    /// The ratings table as columns: team, attack, defence, attack_se, defence_se.
    fn ratings_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let ratings = self.inner.ratings();
        let d = PyDict::new(py);
        d.set_item(
            "team",
            ratings.iter().map(|r| r.team.clone()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "attack",
            PyArray1::from_iter(py, ratings.iter().map(|r| r.attack)),
        )?;
        d.set_item(
            "defence",
            PyArray1::from_iter(py, ratings.iter().map(|r| r.defence)),
        )?;
        let se = |f: fn(&scoreline_dixon_coles::model::TeamRating) -> Option<f64>| {
            PyArray1::from_iter(py, ratings.iter().map(|r| f(r).unwrap_or(f64::NAN)))
        };
        d.set_item("attack_se", se(|r| r.attack_se))?;
        d.set_item("defence_se", se(|r| r.defence_se))?;
        Ok(d)
    }

    /// Standard errors of the family's extra parameters by name (`None` for
    /// one held fixed or on its bound; `None` overall when not computed).
    fn extra_standard_errors<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(s) = self.inner.standard_errors() else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        let family = self.inner.family();
        if family.is_dixon_coles() {
            d.set_item("rho", s.rho)?;
        } else {
            for (e, v) in family.extra_parameters().iter().zip(&s.extra) {
                d.set_item(e.name, *v)?;
            }
        }
        Ok(Some(d))
    }

    /// Standard errors of the scalar parameters: intercept, home_advantage, rho (None when fixed).
    fn scalar_standard_errors(&self) -> Option<(f64, Option<f64>, Option<f64>)> {
        self.inner
            .standard_errors()
            .map(|s| (s.intercept, s.home_advantage, s.rho))
    }

    /// The fit summary as a dict (log_likelihood, iterations, converged, …).
    fn summary_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.summary())
            .map_err(|e| PredictError::new_err(e.to_string()))
    }

    /// The fit options as JSON.
    fn options_json(&self) -> PyResult<String> {
        serde_json::to_string(self.inner.options())
            .map_err(|e| PredictError::new_err(e.to_string()))
    }

    /// The training-data fingerprint as JSON (or "null").
    fn fingerprint_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner.fingerprint())
            .map_err(|e| PredictError::new_err(e.to_string()))
    }

    /// The weighted log-likelihood at the optimum.
    #[getter]
    fn loglik(&self) -> f64 {
        self.inner.summary().log_likelihood
    }

    /// True for a converged fit (always, since failures raise FitError).
    #[getter]
    fn converged(&self) -> bool {
        self.inner.summary().converged
    }

    /// Solver iterations.
    #[getter]
    fn n_iter(&self) -> usize {
        self.inner.summary().iterations
    }

    /// The versioned model-file JSON; `metadata` (the JSON text of an
    /// object, e.g. the Python options) is kept in the file under the checksum.
    #[pyo3(signature = (metadata=None))]
    fn to_json(&self, metadata: Option<&str>) -> PyResult<String> {
        let metadata = parse_metadata(metadata)?;
        self.inner
            .to_json_with_metadata(metadata.as_ref())
            .map_err(model_file_error)
    }

    /// Pickle support (`pickle`, `cloudpickle`, Spark): rebuilt by
    /// `from_json` from the model file, which round-trips every number.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = slf.get().to_json(None)?;
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }

    /// A model from a model file's text (checked: format, version, checksum, every field).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let model = FittedModel::from_json(text).map_err(model_file_error)?;
        Ok(Self {
            inner: Arc::new(model),
        })
    }

    /// Saves atomically (temporary file, then rename), with optional
    /// metadata (the JSON text of an object).
    #[pyo3(signature = (path, metadata=None))]
    fn save(&self, path: std::path::PathBuf, metadata: Option<&str>) -> PyResult<()> {
        let metadata = parse_metadata(metadata)?;
        self.inner
            .save_with_metadata(path, metadata.as_ref())
            .map_err(model_file_error)
    }

    /// Loads a saved model.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        let model = FittedModel::load(path).map_err(model_file_error)?;
        Ok(Self {
            inner: Arc::new(model),
        })
    }

    /// Reads a model file's text: `(model, format_version, metadata JSON or None)`.
    #[staticmethod]
    fn parse_model_file(text: &str) -> PyResult<(Self, u32, Option<String>)> {
        model_file_parts(ModelFile::from_json(text))
    }

    /// Loads a model file: `(model, format_version, metadata JSON or None)`.
    #[staticmethod]
    fn load_model_file(path: std::path::PathBuf) -> PyResult<(Self, u32, Option<String>)> {
        model_file_parts(ModelFile::load(path))
    }
}

/// Metadata from the JSON text of an object.
fn parse_metadata(metadata: Option<&str>) -> PyResult<Option<Metadata>> {
    metadata
        .map(|text| {
            serde_json::from_str::<Metadata>(text).map_err(|e| {
                model_file_error(ModelFileError::InvalidField {
                    field: "metadata".into(),
                    reason: format!("must be the JSON text of an object: {e}"),
                })
            })
        })
        .transpose()
}

/// A loaded model file as `(model, format_version, metadata JSON or None)`.
fn model_file_parts(
    file: Result<ModelFile, ModelFileError>,
) -> PyResult<(PyFittedModel, u32, Option<String>)> {
    let file = file.map_err(model_file_error)?;
    let metadata = file
        .metadata
        .map(|m| serde_json::to_string(&m))
        .transpose()
        .map_err(|e| model_file_error(ModelFileError::Malformed(e.to_string())))?;
    Ok((
        PyFittedModel {
            inner: Arc::new(file.model),
        },
        file.format_version,
        metadata,
    ))
}

/// A prediction error for fixture `i` of a batch.
fn fixture_error(i: usize, e: scoreline_dixon_coles::PredictError) -> PyErr {
    let base = predict_error(e);
    Python::attach(|py| {
        let message = format!("fixture {i}: {}", base.value(py));
        PyErr::from_type(base.get_type(py), message)
    })
}
