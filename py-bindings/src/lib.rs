//! The native module `scoreline._scoreline`: thin wrappers that convert,
//! call the engine, and convert back. No numerics live here.

mod errors;
mod grid;
mod model;

use pyo3::prelude::*;

/// The native extension module.
#[pymodule]
fn _scoreline(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<grid::PyScoreGrid>()?;
    m.add_class::<model::PyFittedModel>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
