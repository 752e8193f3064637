//! Pools of forecasters: linear and logarithmic opinion pools whose
//! weights are fitted, at the start of every season, on the members'
//! forecasts of the matches already played.
//!
//! ```text
//! linear:       p(o) = Σ_k w_k · f_k(o)                 w_k ≥ 0, Σ w_k = 1
//! logarithmic:  p(o) = Π_k f_k(o)^w_k / Σ_o' Π_k f_k(o')^w_k     w_k ≥ 0
//! ```
//!
//! The weights maximise the log-likelihood of the pooled forecasts of
//! every match whose result has been observed (only members' forecasts
//! made before the result). The logarithmic pool's weights need not sum to
//! 1: a total above 1 sharpens the pooled forecast, below 1 flattens it.

use super::selection::LOG_FLOOR;
use super::{outcome, ForecastError, Forecaster, Outcome3, Pairing, Pending};
use crate::data::Match;
use crate::evaluation::backtest::season_of;
/// How the members' forecasts are combined: the backtests' pooling of a
/// model with the market, here over any number of members.
pub use crate::evaluation::backtest::Pooling;

/// Results needed before the weights are first fitted (until then the
/// members weigh equally).
pub const MIN_POOL_HISTORY: usize = 300;

/// A pool of forecasters; see the module documentation.
pub struct Pool {
    name: String,
    kind: Pooling,
    members: Vec<Box<dyn Forecaster>>,
    weights: Vec<f64>,
    /// Each scored result: the members' forecasts and the outcome.
    history: Vec<(Vec<Outcome3>, usize)>,
    pending: Pending<Vec<Outcome3>>,
    /// The season the weights were last fitted for.
    fitted_for: Option<String>,
}

impl Pool {
    /// A pool of `members` under `name`. Errors: fewer than two members.
    pub fn new(
        name: impl Into<String>,
        kind: Pooling,
        members: Vec<Box<dyn Forecaster>>,
    ) -> Result<Self, ForecastError> {
        let name = name.into();
        if members.len() < 2 {
            return Err(ForecastError::InvalidOption {
                model: name,
                option: "members",
                reason: format!("a pool needs at least two members, got {}", members.len()),
            });
        }
        let k = members.len();
        Ok(Self {
            name,
            kind,
            weights: vec![1.0 / k as f64; k],
            members,
            history: Vec::new(),
            pending: Pending::default(),
            fitted_for: None,
        })
    }

    /// The current weights, in member order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The members' names, in order.
    pub fn member_names(&self) -> Vec<String> {
        self.members.iter().map(|m| m.name()).collect()
    }
}

/// The pooled forecast of `forecasts` with `weights`; see the module
/// documentation (probabilities floored at 1e-15 inside the logarithm).
pub fn pool(kind: Pooling, forecasts: &[Outcome3], weights: &[f64]) -> Outcome3 {
    let mut out = [0.0; 3];
    match kind {
        Pooling::Linear => {
            for (f, w) in forecasts.iter().zip(weights) {
                for o in 0..3 {
                    out[o] += w * f[o];
                }
            }
        }
        Pooling::Logarithmic => {
            let mut logs = [0.0; 3];
            for (f, w) in forecasts.iter().zip(weights) {
                for o in 0..3 {
                    logs[o] += w * f[o].max(LOG_FLOOR).ln();
                }
            }
            let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for o in 0..3 {
                out[o] = (logs[o] - top).exp();
            }
        }
    }
    let total: f64 = out.iter().sum();
    out.map(|p| p / total)
}

/// Linear-pool weights by EM for mixture weights:
/// `w_k ← mean over results of w_k f_k(o) / Σ_j w_j f_j(o)`, which never
/// lowers the log-likelihood; stops when no weight moves by 1e-7.
fn fit_linear(history: &[(Vec<Outcome3>, usize)], start: &[f64]) -> Vec<f64> {
    let mut w = start.to_vec();
    let k = w.len();
    for _ in 0..500 {
        let mut next = vec![0.0; k];
        for (f, o) in history {
            let total: f64 = (0..k).map(|j| w[j] * f[j][*o]).sum::<f64>().max(LOG_FLOOR);
            for j in 0..k {
                next[j] += w[j] * f[j][*o] / total;
            }
        }
        next.iter_mut().for_each(|v| *v /= history.len() as f64);
        let moved = next
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        w = next;
        if moved < 1e-7 {
            break;
        }
    }
    w
}

/// Log-pool weights by projected Newton on the concave log-likelihood
///
/// ```text
/// ℓ(w) = Σ_r [Σ_k w_k L_rk(o_r) − ln Σ_o exp(Σ_k w_k L_rk(o))],   L = ln f
/// ∇ℓ_k = Σ_r [L_rk(o_r) − E_p L_rk],   ∇²ℓ_jk = −Σ_r Cov_p(L_rj, L_rk)
/// ```
///
/// (p the pooled forecast of row r), weights kept ≥ 0 by clipping, steps
/// halved until ℓ increases.
fn fit_logarithmic(history: &[(Vec<Outcome3>, usize)], start: &[f64]) -> Vec<f64> {
    let k = start.len();
    let logs: Vec<(Vec<[f64; 3]>, usize)> = history
        .iter()
        .map(|(f, o)| {
            (
                f.iter()
                    .map(|fo| fo.map(|p| p.max(LOG_FLOOR).ln()))
                    .collect(),
                *o,
            )
        })
        .collect();
    let value = |w: &[f64]| -> f64 {
        logs.iter()
            .map(|(l, o)| {
                let s: [f64; 3] = std::array::from_fn(|x| (0..k).map(|j| w[j] * l[j][x]).sum());
                let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                s[*o] - top - s.iter().map(|v| (v - top).exp()).sum::<f64>().ln()
            })
            .sum()
    };
    let mut w = start.to_vec();
    let mut current = value(&w);
    for _ in 0..50 {
        let mut g = nalgebra::DVector::<f64>::zeros(k);
        let mut h = nalgebra::DMatrix::<f64>::zeros(k, k);
        for (l, o) in &logs {
            let p = pool_from_logs(l, &w);
            let mean: Vec<f64> = (0..k)
                .map(|j| (0..3).map(|x| p[x] * l[j][x]).sum())
                .collect();
            for j in 0..k {
                g[j] += l[j][*o] - mean[j];
                for m in 0..k {
                    let cov: f64 = (0..3)
                        .map(|x| p[x] * (l[j][x] - mean[j]) * (l[m][x] - mean[m]))
                        .sum();
                    h[(j, m)] += cov;
                }
            }
        }
        for j in 0..k {
            h[(j, j)] += 1e-9;
        }
        let Some(step) = h.cholesky().map(|c| c.solve(&g)) else {
            break;
        };
        let mut scale = 1.0;
        let mut moved = false;
        for _ in 0..30 {
            let next: Vec<f64> = (0..k).map(|j| (w[j] + scale * step[j]).max(0.0)).collect();
            let v = value(&next);
            if v > current {
                let change = next
                    .iter()
                    .zip(&w)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                w = next;
                current = v;
                moved = change > 1e-9;
                break;
            }
            scale *= 0.5;
        }
        if !moved {
            break;
        }
    }
    w
}

/// The log pool of per-member log forecasts `l` with weights `w`.
fn pool_from_logs(l: &[[f64; 3]], w: &[f64]) -> [f64; 3] {
    let s: [f64; 3] = std::array::from_fn(|x| l.iter().zip(w).map(|(lj, wj)| wj * lj[x]).sum());
    let top = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = s.map(|v| (v - top).exp());
    let total: f64 = e.iter().sum();
    e.map(|v| v / total)
}

impl Forecaster for Pool {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        for m in played {
            if let Some(forecasts) = self.pending.take(m) {
                self.history.push((forecasts, outcome(m)));
            }
        }
        for member in &mut self.members {
            member.observe(played)?;
        }
        Ok(())
    }

    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        if let Some(first) = fixtures.iter().map(|p| p.date).min() {
            let season = season_of(first);
            if self.fitted_for.as_ref() != Some(&season) && self.history.len() >= MIN_POOL_HISTORY {
                self.weights = match self.kind {
                    Pooling::Linear => fit_linear(&self.history, &self.weights),
                    Pooling::Logarithmic => fit_logarithmic(&self.history, &self.weights),
                };
                self.fitted_for = Some(season);
            }
        }
        let all = self
            .members
            .iter_mut()
            .map(|m| m.forecast(fixtures))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(fixtures.len());
        for (i, p) in fixtures.iter().enumerate() {
            let forecasts: Vec<Outcome3> = all.iter().map(|f| f[i]).collect();
            out.push(pool(self.kind, &forecasts, &self.weights));
            self.pending.insert(p, forecasts);
        }
        Ok(out)
    }
}
