//! Bookmaker odds → probabilities with the margin removed.

use numpy::{PyArray2, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use scoreline_dixon_coles::wagering::odds::{implied_probabilities, MarginMethod};

use crate::errors::OddsError;

/// Implied probabilities of an (n, k) array of decimal odds, row by row,
/// with the margin removed by `method` (penaltyblog's names). The GIL is
/// released; a bad row raises `OddsError` naming it.
#[pyfunction]
pub fn odds_implied<'py>(
    py: Python<'py>,
    odds: PyReadonlyArray2<'py, f64>,
    method: &str,
) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let method: MarginMethod =
        method
            .parse()
            .map_err(|e: scoreline_dixon_coles::wagering::odds::OddsError| {
                OddsError::new_err(e.to_string())
            })?;
    let (n, k) = (odds.shape()[0], odds.shape()[1]);
    let values = odds.as_slice()?;
    let out = py.detach(|| {
        let mut out = Vec::with_capacity(n * k);
        for (row, chunk) in values.chunks_exact(k.max(1)).enumerate() {
            let p = implied_probabilities(chunk, method).map_err(|e| format!("row {row}: {e}"))?;
            out.extend(p.probabilities);
        }
        Ok::<_, String>(out)
    });
    let out = out.map_err(OddsError::new_err)?;
    let array = numpy::ndarray::Array2::from_shape_vec((n, k), out)
        .map_err(|e| OddsError::new_err(e.to_string()))?;
    Ok(PyArray2::from_owned_array(py, array))
}
