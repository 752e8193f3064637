//! Scoring rules over numpy arrays (probabilities (n, k), outcomes (n,)).

use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_metrics as m;

use crate::errors::metrics_error;

type Probs<'py> = PyReadonlyArray2<'py, f64>;
type Outcomes<'py> = PyReadonlyArray1<'py, i64>;
type Weights<'py> = Option<PyReadonlyArray1<'py, f64>>;
/// A scalar scoring rule of the metrics crate.
type Score = fn(&[f64], usize, &[i64], Option<&[f64]>) -> Result<f64, m::MetricsError>;

/// A scalar score with the GIL released.
fn scalar(
    py: Python<'_>,
    probs: &Probs<'_>,
    outcomes: &Outcomes<'_>,
    weights: &Weights<'_>,
    f: Score,
) -> PyResult<f64> {
    let k = probs.shape()[1];
    let p = probs.as_slice()?;
    let y = outcomes.as_slice()?;
    let w = weights.as_ref().map(|w| w.as_slice()).transpose()?;
    py.detach(|| f(p, k, y, w)).map_err(metrics_error)
}

/// Mean ranked probability score.
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn rps(
    py: Python<'_>,
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<f64> {
    scalar(py, &probs, &outcomes, &sample_weight, m::rps)
}

/// Mean multi-class Brier score (0–2).
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn brier(
    py: Python<'_>,
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<f64> {
    scalar(py, &probs, &outcomes, &sample_weight, m::brier)
}

/// Log loss (natural log, scikit-learn's clipping).
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn log_loss(
    py: Python<'_>,
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<f64> {
    scalar(py, &probs, &outcomes, &sample_weight, m::log_loss)
}

/// Ignorance score (log base 2, clip at 1e-15).
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn ignorance(
    py: Python<'_>,
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<f64> {
    scalar(py, &probs, &outcomes, &sample_weight, m::ignorance)
}

/// Arg-max accuracy (ties to the lowest index).
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn accuracy(
    py: Python<'_>,
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<f64> {
    scalar(py, &probs, &outcomes, &sample_weight, m::accuracy)
}

/// Per-forecast scores: `kind` is "rps", "brier" or "log_loss".
#[pyfunction]
pub fn per_forecast<'py>(
    py: Python<'py>,
    kind: &str,
    probs: Probs<'py>,
    outcomes: Outcomes<'py>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let k = probs.shape()[1];
    let (p, y) = (probs.as_slice()?, outcomes.as_slice()?);
    let values = match kind {
        "rps" => m::rps_per_forecast(p, k, y),
        "brier" => m::brier_per_forecast(p, k, y),
        "log_loss" => m::log_loss_per_forecast(p, k, y),
        other => {
            return Err(crate::errors::MetricsError::new_err(format!(
                "unknown score {other:?}"
            )))
        }
    }
    .map_err(metrics_error)?;
    Ok(PyArray1::from_vec(py, values))
}

/// Per-outcome Brier components.
#[pyfunction]
#[pyo3(signature = (probs, outcomes, sample_weight=None))]
pub fn brier_components(
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    sample_weight: Weights<'_>,
) -> PyResult<Vec<f64>> {
    let k = probs.shape()[1];
    let w = sample_weight.as_ref().map(|w| w.as_slice()).transpose()?;
    m::brier_components(probs.as_slice()?, k, outcomes.as_slice()?, w).map_err(metrics_error)
}

fn binning(strategy: &str) -> PyResult<m::Binning> {
    match strategy {
        "uniform" => Ok(m::Binning::Uniform),
        "quantile" => Ok(m::Binning::Quantile),
        other => Err(crate::errors::MetricsError::new_err(format!(
            "strategy must be 'uniform' or 'quantile', got {other:?}"
        ))),
    }
}

/// The calibration curve of one outcome: dict of arrays lower, upper, mean_forecast, observed, count.
#[pyfunction]
#[pyo3(signature = (probs, outcomes, outcome, n_bins=10, strategy="uniform", sample_weight=None))]
#[allow(clippy::too_many_arguments)]
pub fn calibration_curve<'py>(
    py: Python<'py>,
    probs: Probs<'py>,
    outcomes: Outcomes<'py>,
    outcome: usize,
    n_bins: usize,
    strategy: &str,
    sample_weight: Weights<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    let k = probs.shape()[1];
    let w = sample_weight.as_ref().map(|w| w.as_slice()).transpose()?;
    let bins = m::calibration_curve(
        probs.as_slice()?,
        k,
        outcomes.as_slice()?,
        w,
        outcome,
        n_bins,
        binning(strategy)?,
    )
    .map_err(metrics_error)?;
    let d = PyDict::new(py);
    d.set_item(
        "lower",
        PyArray1::from_iter(py, bins.iter().map(|b| b.lower)),
    )?;
    d.set_item(
        "upper",
        PyArray1::from_iter(py, bins.iter().map(|b| b.upper)),
    )?;
    d.set_item(
        "mean_forecast",
        PyArray1::from_iter(py, bins.iter().map(|b| b.mean_forecast)),
    )?;
    d.set_item(
        "observed",
        PyArray1::from_iter(py, bins.iter().map(|b| b.observed)),
    )?;
    d.set_item(
        "count",
        PyArray1::from_iter(py, bins.iter().map(|b| b.count as i64)),
    )?;
    Ok(d)
}

/// (ECE, MCE, per-outcome ECE).
#[pyfunction]
#[pyo3(signature = (probs, outcomes, n_bins=10, strategy="uniform", sample_weight=None))]
pub fn calibration_error(
    probs: Probs<'_>,
    outcomes: Outcomes<'_>,
    n_bins: usize,
    strategy: &str,
    sample_weight: Weights<'_>,
) -> PyResult<(f64, f64, Vec<f64>)> {
    let k = probs.shape()[1];
    let w = sample_weight.as_ref().map(|w| w.as_slice()).transpose()?;
    let e = m::calibration_error(
        probs.as_slice()?,
        k,
        outcomes.as_slice()?,
        w,
        n_bins,
        binning(strategy)?,
    )
    .map_err(metrics_error)?;
    Ok((e.ece, e.mce, e.ece_per_outcome))
}

/// Diebold–Mariano: (statistic, p_value, mean_difference, variance).
#[pyfunction]
#[pyo3(signature = (scores_a, scores_b, lag=0))]
pub fn diebold_mariano(
    scores_a: PyReadonlyArray1<'_, f64>,
    scores_b: PyReadonlyArray1<'_, f64>,
    lag: usize,
) -> PyResult<(f64, f64, f64, f64)> {
    let r = m::diebold_mariano(scores_a.as_slice()?, scores_b.as_slice()?, lag)
        .map_err(metrics_error)?;
    Ok((r.statistic, r.p_value, r.mean_difference, r.variance))
}

/// Paired bootstrap interval of mean(a − b): (mean, lower, upper).
#[pyfunction]
#[pyo3(signature = (scores_a, scores_b, resamples=2000, confidence=0.95, seed=0))]
pub fn bootstrap_mean_difference(
    scores_a: PyReadonlyArray1<'_, f64>,
    scores_b: PyReadonlyArray1<'_, f64>,
    resamples: usize,
    confidence: f64,
    seed: u64,
) -> PyResult<(f64, f64, f64)> {
    let r = m::bootstrap_mean_difference(
        scores_a.as_slice()?,
        scores_b.as_slice()?,
        resamples,
        confidence,
        seed,
    )
    .map_err(metrics_error)?;
    Ok((r.mean_difference, r.lower, r.upper))
}

/// Registers the functions in the `_scoreline` module (prefixed `metrics_`).
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(rps, module)?)?;
    module.add_function(wrap_pyfunction!(brier, module)?)?;
    module.add_function(wrap_pyfunction!(log_loss, module)?)?;
    module.add_function(wrap_pyfunction!(ignorance, module)?)?;
    module.add_function(wrap_pyfunction!(accuracy, module)?)?;
    module.add_function(wrap_pyfunction!(per_forecast, module)?)?;
    module.add_function(wrap_pyfunction!(brier_components, module)?)?;
    module.add_function(wrap_pyfunction!(calibration_curve, module)?)?;
    module.add_function(wrap_pyfunction!(calibration_error, module)?)?;
    module.add_function(wrap_pyfunction!(diebold_mariano, module)?)?;
    module.add_function(wrap_pyfunction!(bootstrap_mean_difference, module)?)?;
    Ok(())
}
