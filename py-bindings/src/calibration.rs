//! Calibrators: isotonic regression and the 1X2 outcome calibrator.

use numpy::{
    PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use scoreline_calibration::{
    Direction, FittedIsotonic, IsotonicRegression, OutOfBounds, OutcomeCalibrator,
};

use crate::errors::{calibration_error, CalibrationError};

/// A fitted isotonic regression (the engine's `FittedIsotonic`).
#[pyclass(module = "scoreline._scoreline", name = "FittedIsotonic", frozen)]
pub struct PyFittedIsotonic {
    inner: FittedIsotonic,
}

#[pymethods]
impl PyFittedIsotonic {
    /// Fits with scikit-learn's semantics; `increasing` is True, False or "auto".
    #[staticmethod]
    #[pyo3(signature = (x, y, sample_weight=None, *, increasing="true", y_min=None, y_max=None, out_of_bounds="nan"))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        x: PyReadonlyArray1<'_, f64>,
        y: PyReadonlyArray1<'_, f64>,
        sample_weight: Option<PyReadonlyArray1<'_, f64>>,
        increasing: &str,
        y_min: Option<f64>,
        y_max: Option<f64>,
        out_of_bounds: &str,
    ) -> PyResult<Self> {
        let direction = match increasing {
            "true" => Direction::Increasing,
            "false" => Direction::Decreasing,
            "auto" => Direction::Auto,
            other => {
                return Err(CalibrationError::new_err(format!(
                    "increasing must be True, False or 'auto', got {other:?}"
                )))
            }
        };
        let out_of_bounds = match out_of_bounds {
            "nan" => OutOfBounds::Nan,
            "clip" => OutOfBounds::Clip,
            "raise" => OutOfBounds::Error,
            other => {
                return Err(CalibrationError::new_err(format!(
                    "out_of_bounds must be 'nan', 'clip' or 'raise', got {other:?}"
                )))
            }
        };
        let model = IsotonicRegression {
            y_min,
            y_max,
            direction,
            out_of_bounds,
        };
        let (xs, ys) = (x.as_slice()?, y.as_slice()?);
        let ws = sample_weight.as_ref().map(|w| w.as_slice()).transpose()?;
        let inner = py
            .detach(|| model.fit(xs, ys, ws))
            .map_err(calibration_error)?;
        Ok(Self { inner })
    }

    /// Predictions for `x`.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let xs = x.as_slice()?;
        let out = py
            .detach(|| self.inner.predict(xs))
            .map_err(calibration_error)?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// The x thresholds.
    #[getter]
    fn x_thresholds<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, &self.inner.x_thresholds)
    }

    /// The fitted y at each threshold.
    #[getter]
    fn y_thresholds<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_slice(py, &self.inner.y_thresholds)
    }

    /// (x_min, x_max, increasing).
    #[getter]
    fn bounds(&self) -> (f64, f64, bool) {
        (self.inner.x_min, self.inner.x_max, self.inner.increasing)
    }

    /// JSON of the fitted map.
    fn to_json(&self) -> String {
        serde_json::to_string(&self.inner).expect("serialises")
    }

    /// Pickle support: rebuilt by `from_json`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }

    /// A fitted map from `to_json`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        let inner = serde_json::from_str(text)
            .map_err(|e| CalibrationError::new_err(format!("invalid JSON: {e}")))?;
        Ok(Self { inner })
    }
}

/// One isotonic map per outcome, rows renormalised (the 1X2 calibrator).
#[pyclass(module = "scoreline._scoreline", name = "OutcomeCalibrator", frozen)]
pub struct PyOutcomeCalibrator {
    inner: OutcomeCalibrator,
}

#[pymethods]
impl PyOutcomeCalibrator {
    /// Fits on (n, k) probabilities and outcome indices.
    #[staticmethod]
    #[pyo3(signature = (probs, outcomes, sample_weight=None))]
    fn fit(
        py: Python<'_>,
        probs: PyReadonlyArray2<'_, f64>,
        outcomes: PyReadonlyArray1<'_, i64>,
        sample_weight: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Self> {
        let k = probs.shape()[1];
        let p = probs.as_slice()?;
        let y = outcomes.as_slice()?;
        if let Some(row) = y.iter().position(|&o| o < 0) {
            return Err(CalibrationError::new_err(format!(
                "row {row}: outcome {} is negative",
                y[row]
            )));
        }
        let y: Vec<usize> = y.iter().map(|&o| o as usize).collect();
        let w = sample_weight.as_ref().map(|w| w.as_slice()).transpose()?;
        let inner = py
            .detach(|| OutcomeCalibrator::fit(p, k, &y, w))
            .map_err(calibration_error)?;
        Ok(Self { inner })
    }

    /// Calibrated (n, k) probabilities.
    fn predict<'py>(
        &self,
        py: Python<'py>,
        probs: PyReadonlyArray2<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let (n, k) = (probs.shape()[0], probs.shape()[1]);
        let p = probs.as_slice()?;
        let out = py
            .detach(|| self.inner.predict(p))
            .map_err(calibration_error)?;
        PyArray1::from_vec(py, out).reshape([n, k])
    }

    /// JSON of the calibrator.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Pickle support: rebuilt by `from_json`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }

    /// A calibrator from `to_json`.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Ok(Self {
            inner: OutcomeCalibrator::from_json(text).map_err(calibration_error)?,
        })
    }
}
