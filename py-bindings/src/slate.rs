//! Jackpot slates from Python: evaluation, the best covering, explanations.

use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::wagering::slate::{self, SlateError, SlateFixture};

use crate::errors::{DataError, PredictError};
use crate::model::PyFittedModel;

fn slate_error(e: SlateError) -> PyErr {
    match e {
        SlateError::Fixture { source, index } => {
            let base = crate::errors::predict_error(source);
            Python::attach(|py| {
                PyErr::from_type(
                    base.get_type(py),
                    format!("fixture {index}: {}", base.value(py)),
                )
            })
        }
        other => PredictError::new_err(other.to_string()),
    }
}

/// Per fixture: probabilities (n, 3), most_likely, most_likely_probability, entropy.
#[pyfunction]
#[pyo3(signature = (model, home, away, neutral=None))]
pub fn slate_evaluate<'py>(
    py: Python<'py>,
    model: &PyFittedModel,
    home: Vec<String>,
    away: Vec<String>,
    neutral: Option<Vec<bool>>,
) -> PyResult<Bound<'py, PyDict>> {
    if away.len() != home.len() || neutral.as_ref().is_some_and(|n| n.len() != home.len()) {
        return Err(DataError::new_err(
            "home, away and neutral must have the same length",
        ));
    }
    let fixtures: Vec<SlateFixture> = (0..home.len())
        .map(|i| SlateFixture {
            home: home[i].clone(),
            away: away[i].clone(),
            neutral: neutral.as_ref().is_some_and(|n| n[i]),
            odds: None,
        })
        .collect();
    let evaluations = slate::evaluate(&model.inner, &fixtures).map_err(slate_error)?;
    let d = PyDict::new(py);
    let flat: Vec<f64> = evaluations.iter().flat_map(|e| e.probabilities).collect();
    d.set_item(
        "probabilities",
        PyArray1::from_vec(py, flat).reshape([evaluations.len(), 3])?,
    )?;
    d.set_item(
        "most_likely",
        evaluations
            .iter()
            .map(|e| e.most_likely)
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "most_likely_probability",
        evaluations
            .iter()
            .map(|e| e.most_likely_probability)
            .collect::<Vec<_>>(),
    )?;
    d.set_item(
        "entropy",
        evaluations.iter().map(|e| e.entropy).collect::<Vec<_>>(),
    )?;
    Ok(d)
}

/// The best covering of (n, 3) probabilities within `budget`; with `at_least`,
/// the covering that maximises P(at least k covered).
#[pyfunction]
#[pyo3(signature = (probs, budget, at_least=None))]
pub fn slate_optimise<'py>(
    py: Python<'py>,
    probs: PyReadonlyArray2<'py, f64>,
    budget: u64,
    at_least: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    if probs.shape()[1] != 3 {
        return Err(DataError::new_err(
            "probs must have three columns (home, draw, away)",
        ));
    }
    let rows: Vec<[f64; 3]> = probs
        .as_slice()?
        .chunks_exact(3)
        .map(|r| [r[0], r[1], r[2]])
        .collect();
    let covering = match at_least {
        None => slate::optimise_covering(&rows, budget),
        Some(k) => slate::optimise_at_least(&rows, budget, k),
    }
    .map_err(slate_error)?;
    let d = PyDict::new(py);
    d.set_item("outcomes", covering.outcomes)?;
    d.set_item("covered_probability", covering.covered_probability)?;
    d.set_item("combinations", covering.combinations)?;
    d.set_item("probability_all", covering.probability_all)?;
    d.set_item("at_least", covering.at_least)?;
    Ok(d)
}

/// The explanation of one prediction as JSON.
#[pyfunction]
#[pyo3(signature = (model, home, away, neutral=false))]
pub fn slate_explain(
    model: &PyFittedModel,
    home: &str,
    away: &str,
    neutral: bool,
) -> PyResult<String> {
    let e = slate::explain(&model.inner, home, away, neutral).map_err(slate_error)?;
    serde_json::to_string(&e).map_err(|e| PredictError::new_err(e.to_string()))
}
