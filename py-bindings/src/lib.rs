//! The native module `scoreline._scoreline`: thin wrappers that convert,
//! call the engine, and convert back. No numerics live here.

mod backtest;
mod betting;
mod calibration;
mod data;
mod errors;
mod grid;
mod leaderboard;
mod metrics;
mod model;
mod odds;
mod slate;

use pyo3::prelude::*;

/// The native extension module.
#[pymodule]
fn _scoreline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<grid::PyScoreGrid>()?;
    m.add_class::<model::PyFittedModel>()?;
    m.add_class::<calibration::PyFittedIsotonic>()?;
    m.add_class::<calibration::PyOutcomeCalibrator>()?;
    m.add_function(wrap_pyfunction!(data::read_football_data_columns, m)?)?;
    metrics::register(m)?;
    m.add_function(wrap_pyfunction!(odds::odds_implied, m)?)?;
    m.add_function(wrap_pyfunction!(slate::slate_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(slate::slate_optimise, m)?)?;
    m.add_function(wrap_pyfunction!(slate::slate_explain, m)?)?;
    m.add_class::<backtest::PyBacktest>()?;
    m.add_function(wrap_pyfunction!(backtest::backtest_walk_forward, m)?)?;
    m.add_function(wrap_pyfunction!(
        backtest::backtest_football_data_report,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(
        leaderboard::backtest_model_leaderboard,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(leaderboard::forecast_sequential, m)?)?;
    m.add_function(wrap_pyfunction!(betting::betting_simulate, m)?)?;
    m.add_function(wrap_pyfunction!(betting::betting_kelly_fraction, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
