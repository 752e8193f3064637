//! Time-decayed normal equations shared by Massey and Colley: a symmetric
//! matrix A and a vector b over a growing set of teams (after `extra`
//! leading unknowns), every entry multiplied by e^(−ξ·Δ) when the reference
//! date moves Δ days later, so that a match of age t days carries weight
//! e^(−ξ·t) relative to the last observed date.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

/// Decayed normal equations (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct DecayedNormal {
    xi: f64,
    index: FxHashMap<String, usize>,
    a: Vec<Vec<f64>>,
    b: Vec<f64>,
    reference: Option<NaiveDate>,
}

impl DecayedNormal {
    /// Empty equations with `extra` unknowns before the teams.
    pub(crate) fn new(xi: f64, extra: usize) -> Self {
        Self {
            xi,
            index: FxHashMap::default(),
            a: vec![vec![0.0; extra]; extra],
            b: vec![0.0; extra],
            reference: None,
        }
    }

    /// The unknown's index of a known team.
    pub(crate) fn get(&self, team: &str) -> Option<usize> {
        self.index.get(team).copied()
    }

    /// The unknown's index of a team, added if new.
    pub(crate) fn team(&mut self, team: &str) -> usize {
        if let Some(i) = self.index.get(team) {
            return *i;
        }
        let i = self.b.len();
        self.index.insert(team.to_owned(), i);
        for row in &mut self.a {
            row.push(0.0);
        }
        self.a.push(vec![0.0; i + 1]);
        self.b.push(0.0);
        i
    }

    /// Moves the reference date to `date` (not earlier than the current
    /// one), multiplying every entry by e^(−ξ·Δdays).
    pub(crate) fn decay_to(&mut self, date: NaiveDate) {
        if let Some(r) = self.reference {
            let days = (date - r).num_days().max(0) as f64;
            let f = (-self.xi * days).exp();
            if f != 1.0 {
                for row in &mut self.a {
                    row.iter_mut().for_each(|v| *v *= f);
                }
                self.b.iter_mut().for_each(|v| *v *= f);
            }
        }
        if self.reference.is_none_or(|r| date > r) {
            self.reference = Some(date);
        }
    }

    /// A[i][j] += v.
    pub(crate) fn add_a(&mut self, i: usize, j: usize, v: f64) {
        self.a[i][j] += v;
    }

    /// b[i] += v.
    pub(crate) fn add_b(&mut self, i: usize, v: f64) {
        self.b[i] += v;
    }

    /// The number of unknowns.
    pub(crate) fn len(&self) -> usize {
        self.b.len()
    }

    /// Solves (A + diag(d)) x = b + e by Cholesky, where `d(i)` and `e(i)`
    /// give the extra diagonal and right-hand side of unknown i; `None`
    /// when the matrix is not positive definite or the solution not finite.
    pub(crate) fn solve(
        &self,
        d: impl Fn(usize) -> f64,
        e: impl Fn(usize) -> f64,
    ) -> Option<Vec<f64>> {
        let n = self.len();
        if n == 0 {
            return Some(Vec::new());
        }
        let m =
            nalgebra::DMatrix::from_fn(n, n, |i, j| self.a[i][j] + if i == j { d(i) } else { 0.0 });
        let rhs = nalgebra::DVector::from_fn(n, |i, _| self.b[i] + e(i));
        let x = m.cholesky()?.solve(&rhs);
        x.iter()
            .all(|v| v.is_finite())
            .then(|| x.iter().copied().collect())
    }
}
