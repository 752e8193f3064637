//! `ScoreGrid`: the score distribution of one fixture and every market on it.

use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use scoreline_dixon_coles::grid::ScoreGrid;
use scoreline_dixon_coles::markets::Settlement;

use crate::errors::predict_error;

/// The joint distribution of the score of one fixture, 0..=max_goals a side.
#[pyclass(module = "scoreline._scoreline", name = "ScoreGrid", frozen)]
pub struct PyScoreGrid {
    pub(crate) inner: ScoreGrid,
}

fn settlement<'py>(py: Python<'py>, s: Settlement) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("win", s.win)?;
    d.set_item("half_win", s.half_win)?;
    d.set_item("push", s.push)?;
    d.set_item("half_loss", s.half_loss)?;
    d.set_item("loss", s.loss)?;
    d.set_item("fair_odds", s.fair_odds())?;
    Ok(d)
}

#[pymethods]
impl PyScoreGrid {
    /// Pickle support: the grid's JSON, rebuilt by `_from_state`.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let state = serde_json::to_string(&slf.get().inner)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok((slf.get_type().getattr("_from_state")?, (state,)))
    }

    /// A grid from the state `__reduce__` wrote.
    #[staticmethod]
    fn _from_state(state: &str) -> PyResult<Self> {
        let inner = serde_json::from_str(state).map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("invalid ScoreGrid state: {e}"))
        })?;
        Ok(Self { inner })
    }

    /// The grid as a (max_goals+1, max_goals+1) array: row = home goals, column = away goals.
    fn to_numpy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let size = self.inner.size();
        let rows: Vec<Vec<f64>> = self
            .inner
            .probabilities()
            .chunks_exact(size)
            .map(<[f64]>::to_vec)
            .collect();
        Ok(PyArray2::from_vec2(py, &rows)?)
    }

    /// The largest goal count per side.
    #[getter]
    fn max_goals(&self) -> usize {
        self.inner.max_goals()
    }

    /// The model's expected home goals λ.
    #[getter]
    fn home_rate(&self) -> f64 {
        self.inner.home_rate()
    }

    /// The model's expected away goals.
    #[getter]
    fn away_rate(&self) -> f64 {
        self.inner.away_rate()
    }

    /// The probability of scores beyond the grid (before renormalising).
    #[getter]
    fn mass_outside(&self) -> f64 {
        self.inner.mass_outside()
    }

    /// P(home win).
    #[getter]
    fn home_win(&self) -> f64 {
        self.inner.outcome_probabilities().home
    }

    /// P(draw).
    #[getter]
    fn draw(&self) -> f64 {
        self.inner.outcome_probabilities().draw
    }

    /// P(away win).
    #[getter]
    fn away_win(&self) -> f64 {
        self.inner.outcome_probabilities().away
    }

    /// (P(home), P(draw), P(away)).
    #[getter]
    fn home_draw_away(&self) -> (f64, f64, f64) {
        let o = self.inner.outcome_probabilities();
        (o.home, o.draw, o.away)
    }

    /// Expected goals over the grid, (home, away).
    #[getter]
    fn expected_goals(&self) -> (f64, f64) {
        self.inner.expected_goals()
    }

    /// Expected league points, (home, away).
    #[getter]
    fn expected_points(&self) -> (f64, f64) {
        let p = self.inner.expected_points();
        (p.home, p.away)
    }

    /// Both teams to score: (yes, no).
    #[getter]
    fn btts(&self) -> (f64, f64) {
        let b = self.inner.both_teams_to_score();
        (b.yes, b.no)
    }

    /// Double chance: (1X, 12, X2).
    #[getter]
    fn double_chance(&self) -> (f64, f64, f64) {
        let d = self.inner.double_chance();
        (d.home_or_draw, d.home_or_away, d.draw_or_away)
    }

    /// Draw no bet: (home, away), each side's win probability given no draw.
    #[getter]
    fn draw_no_bet(&self) -> (f64, f64) {
        let d = self.inner.draw_no_bet();
        (d.home, d.away)
    }

    /// Over `line` total goals: a dict of win/half_win/push/half_loss/loss/fair_odds.
    fn over<'py>(&self, py: Python<'py>, line: f64) -> PyResult<Bound<'py, PyDict>> {
        settlement(py, self.inner.over(line).map_err(predict_error)?)
    }

    /// Under `line` total goals (see `over`).
    fn under<'py>(&self, py: Python<'py>, line: f64) -> PyResult<Bound<'py, PyDict>> {
        settlement(py, self.inner.under(line).map_err(predict_error)?)
    }

    /// Asian handicap on the home side with `line` added to its goals.
    fn asian_handicap_home<'py>(&self, py: Python<'py>, line: f64) -> PyResult<Bound<'py, PyDict>> {
        settlement(
            py,
            self.inner
                .asian_handicap_home(line)
                .map_err(predict_error)?,
        )
    }

    /// Asian handicap on the away side with `line` added to its goals.
    fn asian_handicap_away<'py>(&self, py: Python<'py>, line: f64) -> PyResult<Bound<'py, PyDict>> {
        settlement(
            py,
            self.inner
                .asian_handicap_away(line)
                .map_err(predict_error)?,
        )
    }

    /// P(exactly home_goals – away_goals).
    fn exact_score(&self, home_goals: usize, away_goals: usize) -> f64 {
        self.inner.exact_score(home_goals, away_goals)
    }

    /// The `count` most likely scores as (home_goals, away_goals, probability).
    #[pyo3(signature = (count = 5))]
    fn most_likely_scores(&self, count: usize) -> Vec<(usize, usize, f64)> {
        self.inner
            .most_likely_scores(count)
            .into_iter()
            .map(|s| (s.home_goals, s.away_goals, s.probability))
            .collect()
    }

    /// P(home goals = k) for k = 0..=max_goals.
    fn home_goal_distribution<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.home_goal_distribution())
    }

    /// P(away goals = k) for k = 0..=max_goals.
    fn away_goal_distribution<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.away_goal_distribution())
    }

    /// P(total goals = k) for k = 0..=2·max_goals.
    fn total_goals_distribution<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.total_goals_distribution())
    }

    /// P(home − away = k − max_goals) for k = 0..=2·max_goals.
    fn goal_difference_distribution<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.goal_difference_distribution())
    }

    fn __repr__(&self) -> String {
        let o = self.inner.outcome_probabilities();
        format!(
            "ScoreGrid(home_rate={:.3}, away_rate={:.3}, home={:.4}, draw={:.4}, away={:.4}, max_goals={})",
            self.inner.home_rate(),
            self.inner.away_rate(),
            o.home,
            o.draw,
            o.away,
            self.inner.max_goals()
        )
    }
}
