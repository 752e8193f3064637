//! Betting simulations from Python: value bets, Kelly or flat stakes, the
//! bankroll curve and closing-line value.

use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::wagering::betting::{self, BetCandidate, PlacedBet, Staking, Strategy};

use crate::errors::{betting_error, BettingError};

/// The rows of an (n, 3) array, checked against `n`.
fn triples<'a>(array: &'a PyReadonlyArray2<'_, f64>, name: &str, n: usize) -> PyResult<&'a [f64]> {
    let shape = array.shape();
    if shape != [n, 3] {
        return Err(BettingError::new_err(format!(
            "{name} has shape ({}, {}), expected ({n}, 3): one home/draw/away row per match",
            shape[0], shape[1]
        )));
    }
    Ok(array.as_slice()?)
}

/// Simulates a betting strategy over matches in the order given (sort them
/// by date): `probabilities` and `odds` (n, 3), `outcomes` (n,) with 0 home,
/// 1 draw, 2 away, optional `closing_odds` (n, 3; a row of NaN means
/// unknown). `staking` is "kelly" (`kelly_fraction`·f*, at most `cap` of
/// the bankroll) or "flat" (`unit` a bet). Returns the summary fields and
/// `bets`, the placed bets as columns (row, outcome, odds, probability,
/// stake, profit, bankroll). Bad input raises `BettingError` naming the row.
#[pyfunction]
#[pyo3(signature = (probabilities, odds, outcomes, closing_odds=None, *, min_edge=0.1,
                    min_probability=0.6, staking="kelly", unit=1.0, kelly_fraction=0.25, cap=0.05,
                    initial_bankroll=100.0))]
#[allow(clippy::too_many_arguments)]
pub fn betting_simulate<'py>(
    py: Python<'py>,
    probabilities: PyReadonlyArray2<'py, f64>,
    odds: PyReadonlyArray2<'py, f64>,
    outcomes: PyReadonlyArray1<'py, i64>,
    closing_odds: Option<PyReadonlyArray2<'py, f64>>,
    min_edge: f64,
    min_probability: f64,
    staking: &str,
    unit: f64,
    kelly_fraction: f64,
    cap: f64,
    initial_bankroll: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let outcomes = outcomes.as_slice()?;
    let n = outcomes.len();
    let probabilities = triples(&probabilities, "probabilities", n)?;
    let odds = triples(&odds, "odds", n)?;
    let closing = closing_odds
        .as_ref()
        .map(|c| triples(c, "closing_odds", n))
        .transpose()?;
    let staking = match staking {
        "kelly" => Staking::Kelly {
            fraction: kelly_fraction,
            cap,
        },
        "flat" => Staking::Flat { unit },
        other => {
            return Err(BettingError::new_err(format!(
                "staking = {other:?}: expected \"kelly\" or \"flat\""
            )))
        }
    };
    let strategy = Strategy {
        min_edge,
        min_probability,
        staking,
        initial_bankroll,
    };
    let row = |values: &[f64], i: usize| [values[3 * i], values[3 * i + 1], values[3 * i + 2]];
    let candidates = (0..n)
        .map(|i| {
            let outcome = usize::try_from(outcomes[i]).map_err(|_| {
                BettingError::new_err(format!("row {i}: outcome {} is not 0, 1 or 2", outcomes[i]))
            })?;
            Ok(BetCandidate {
                probabilities: row(probabilities, i),
                odds: row(odds, i),
                closing_odds: closing
                    .map(|c| row(c, i))
                    .filter(|c| !c.iter().all(|o| o.is_nan())),
                outcome,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let summary = py
        .detach(|| betting::simulate(&candidates, &strategy))
        .map_err(betting_error)?;
    let d = PyDict::new(py);
    d.set_item("n_bets", summary.n_bets)?;
    d.set_item("hit_rate", summary.hit_rate)?;
    d.set_item("total_staked", summary.total_staked)?;
    d.set_item("profit", summary.profit)?;
    d.set_item("roi", summary.roi)?;
    d.set_item("yield_per_stake", summary.yield_per_stake)?;
    d.set_item("final_bankroll", summary.final_bankroll)?;
    d.set_item("max_drawdown", summary.max_drawdown)?;
    d.set_item("mean_clv", summary.mean_clv)?;
    let bets = PyDict::new(py);
    let b = &summary.bets;
    let ints = |f: fn(&PlacedBet) -> i64| PyArray1::from_iter(py, b.iter().map(f));
    let floats = |f: fn(&PlacedBet) -> f64| PyArray1::from_iter(py, b.iter().map(f));
    bets.set_item("row", ints(|b| b.index as i64))?;
    bets.set_item("outcome", ints(|b| b.outcome as i64))?;
    bets.set_item("odds", floats(|b| b.odds))?;
    bets.set_item("probability", floats(|b| b.probability))?;
    bets.set_item("stake", floats(|b| b.stake))?;
    bets.set_item("profit", floats(|b| b.profit))?;
    bets.set_item("bankroll", floats(|b| b.bankroll))?;
    d.set_item("bets", bets)?;
    Ok(d)
}

/// The Kelly fraction `f* = (p·o − 1)/(o − 1)` (0 without an edge) of each
/// pair of probability p ∈ [0, 1] and decimal odds o > 1.
#[pyfunction]
pub fn betting_kelly_fraction<'py>(
    py: Python<'py>,
    probability: PyReadonlyArray1<'py, f64>,
    odds: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (p, o) = (probability.as_slice()?, odds.as_slice()?);
    if p.len() != o.len() {
        return Err(BettingError::new_err(format!(
            "{} probabilities for {} odds",
            p.len(),
            o.len()
        )));
    }
    let mut out = Vec::with_capacity(p.len());
    for (i, (&p, &o)) in p.iter().zip(o).enumerate() {
        if !(0.0..=1.0).contains(&p) {
            return Err(BettingError::new_err(format!(
                "row {i}: probability {p} must lie in [0, 1]"
            )));
        }
        if !(o.is_finite() && o > 1.0) {
            return Err(BettingError::new_err(format!(
                "row {i}: odds {o} must be finite and > 1"
            )));
        }
        out.push(betting::kelly_fraction(p, o));
    }
    Ok(PyArray1::from_vec(py, out))
}
