//! One Python exception hierarchy for every Rust error: `ScorelineError`
//! (a `ValueError`) and a subclass per stage.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use scoreline_dixon_coles::data::DataError as RustDataError;
use scoreline_dixon_coles::error::{
    ModelFileError as RustModelFileError, PredictError as RustPredictError,
};
use scoreline_dixon_coles::model::problem::FitError as RustFitError;
use scoreline_dixon_coles::Error;

create_exception!(
    scoreline,
    ScorelineError,
    PyValueError,
    "Base class of every scoreline error (a ValueError)."
);
create_exception!(
    scoreline,
    DataError,
    ScorelineError,
    "Bad match data: names the row, file or field at fault."
);
create_exception!(
    scoreline,
    FitError,
    ScorelineError,
    "A fit that failed (did not converge, no finite estimate, bad option)."
);
create_exception!(
    scoreline,
    PredictError,
    ScorelineError,
    "A prediction that cannot be made."
);
create_exception!(
    scoreline,
    UnknownTeamError,
    PredictError,
    "A team the model was not fitted on; the message names the closest known teams."
);
create_exception!(
    scoreline,
    ModelFileError,
    ScorelineError,
    "A model file that cannot be saved or loaded (damaged, edited, newer version)."
);

create_exception!(
    scoreline,
    MetricsError,
    ScorelineError,
    "Forecasts, outcomes or weights a metric cannot score (names the row)."
);
create_exception!(
    scoreline,
    CalibrationError,
    ScorelineError,
    "Input a calibrator cannot fit or apply."
);
create_exception!(
    scoreline,
    OddsError,
    ScorelineError,
    "Odds that cannot be turned into probabilities (≤ 1, missing, not finite, or no root)."
);
create_exception!(
    scoreline,
    BacktestError,
    ScorelineError,
    "A backtest or market report that cannot run (bad option, no market prices)."
);
create_exception!(
    scoreline,
    BettingError,
    ScorelineError,
    "Betting input that cannot be simulated (odds ≤ 1 or missing, probabilities outside [0, 1], a bad outcome or strategy); names the row."
);

/// Converts any engine error into the matching Python exception.
pub fn to_py(error: Error) -> PyErr {
    match error {
        Error::Data(e) => data_error(e),
        Error::Fit(e) => fit_error(e),
        Error::Predict(e) => predict_error(e),
        Error::ModelFile(e) => model_file_error(e),
        other => ScorelineError::new_err(other.to_string()),
    }
}

/// A data error as `scoreline.DataError`.
pub fn data_error(e: RustDataError) -> PyErr {
    DataError::new_err(e.to_string())
}

/// A fit error as `scoreline.FitError`.
pub fn fit_error(e: RustFitError) -> PyErr {
    FitError::new_err(e.to_string())
}

/// A prediction error as `scoreline.PredictError` (or `UnknownTeamError`).
pub fn predict_error(e: RustPredictError) -> PyErr {
    match e {
        RustPredictError::UnknownTeam { .. } => UnknownTeamError::new_err(e.to_string()),
        other => PredictError::new_err(other.to_string()),
    }
}

/// A model-file error as `scoreline.ModelFileError`.
pub fn model_file_error(e: RustModelFileError) -> PyErr {
    ModelFileError::new_err(e.to_string())
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ScorelineError", py.get_type::<ScorelineError>())?;
    m.add("DataError", py.get_type::<DataError>())?;
    m.add("FitError", py.get_type::<FitError>())?;
    m.add("PredictError", py.get_type::<PredictError>())?;
    m.add("UnknownTeamError", py.get_type::<UnknownTeamError>())?;
    m.add("ModelFileError", py.get_type::<ModelFileError>())?;
    m.add("MetricsError", py.get_type::<MetricsError>())?;
    m.add("CalibrationError", py.get_type::<CalibrationError>())?;
    m.add("OddsError", py.get_type::<OddsError>())?;
    m.add("BacktestError", py.get_type::<BacktestError>())?;
    m.add("BettingError", py.get_type::<BettingError>())?;
    Ok(())
}

/// A metrics error as `scoreline.MetricsError`.
pub fn metrics_error(e: scoreline_metrics::MetricsError) -> PyErr {
    MetricsError::new_err(e.to_string())
}

/// A calibration error as `scoreline.CalibrationError`.
pub fn calibration_error(e: scoreline_calibration::CalibrationError) -> PyErr {
    CalibrationError::new_err(e.to_string())
}

/// A backtest error: bad match data as `DataError` (naming the row), a
/// failed fold fit as `FitError`, a failed prediction as `PredictError`,
/// anything else (options, the market report) as `BacktestError`.
pub fn backtest_error(e: scoreline_dixon_coles::evaluation::backtest::BacktestError) -> PyErr {
    use scoreline_dixon_coles::evaluation::backtest::BacktestError as E;
    match e {
        E::Data(d) => data_error(d),
        e @ E::Fit { .. } => FitError::new_err(e.to_string()),
        e @ E::Predict { .. } => PredictError::new_err(e.to_string()),
        other => BacktestError::new_err(other.to_string()),
    }
}

/// A betting error as `scoreline.BettingError` (a bad candidate named by its row).
pub fn betting_error(e: scoreline_dixon_coles::wagering::betting::BettingError) -> PyErr {
    use scoreline_dixon_coles::wagering::betting::BettingError as E;
    match e {
        E::InvalidCandidate { index, reason } => {
            BettingError::new_err(format!("row {index}: {reason}"))
        }
        other => BettingError::new_err(other.to_string()),
    }
}
