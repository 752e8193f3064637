//! The ordered logit: a map from a scalar rating difference to a 1X2
//! forecast, fitted by maximum likelihood with Newton's method.
//!
//! With σ(t) = 1 / (1 + e^(−t)), a rating difference `x` (home minus away,
//! any home advantage included), a slope β and two cut points c₁ < c₂:
//!
//! - P(away) = σ(c₁ − βx)
//! - P(away or draw) = σ(c₂ − βx), so P(draw) = σ(c₂ − βx) − σ(c₁ − βx)
//! - P(home) = 1 − σ(c₂ − βx)
//!
//! The fit works in the parameters θ = (β, c₁, δ) with c₂ = c₁ + e^δ, so
//! every Newton step keeps c₁ < c₂.

/// One fitting example: a pre-match rating difference, the match's 1X2
/// outcome (0 home win, 1 draw, 2 away win) and a weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The rating difference, home minus away (home advantage included).
    pub x: f64,
    /// 0 home win, 1 draw, 2 away win.
    pub outcome: usize,
    /// The example's weight (≥ 0, finite).
    pub weight: f64,
}

/// What can go wrong when fitting an ordered logit.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderedLogitError {
    /// No example with a positive weight, or no two distinct outcomes.
    #[error("too little data to fit: {0}")]
    TooLittleData(String),
    /// An example that is not finite, an outcome above 2 or a negative weight.
    #[error("invalid example {index}: {reason}")]
    InvalidExample {
        /// Its position.
        index: usize,
        /// Why.
        reason: String,
    },
    /// Newton's method did not converge (e.g. outcomes perfectly separated
    /// by `x`, or no draws, where the maximum is at infinity).
    #[error("no convergence after {iterations} iterations (gradient norm {gradient_norm:e})")]
    NotConverged {
        /// The iterations done.
        iterations: usize,
        /// The final gradient's Euclidean norm.
        gradient_norm: f64,
    },
}

/// An ordered-logit map from a rating difference to 1X2 probabilities
/// (see the [module documentation](self) for the formulas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderedLogit {
    /// The slope β on the rating difference.
    pub beta: f64,
    /// The lower cut point c₁ (P(away) = σ(c₁ − βx)).
    pub c1: f64,
    /// The upper cut point c₂ > c₁ (P(away or draw) = σ(c₂ − βx)).
    pub c2: f64,
}

/// The logistic function σ(t) = 1 / (1 + e^(−t)), computed without overflow.
fn sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        1.0 / (1.0 + (-t).exp())
    } else {
        let e = t.exp();
        e / (1.0 + e)
    }
}

/// log σ(t) = −log(1 + e^(−t)), computed without overflow.
fn log_sigmoid(t: f64) -> f64 {
    if t >= 0.0 {
        -(-t).exp().ln_1p()
    } else {
        t - t.exp().ln_1p()
    }
}

/// The logit log(p / (1 − p)).
fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

/// The value, gradient and Hessian of an objective in θ = (β, c₁, δ).
pub type Jet3 = (f64, [f64; 3], [[f64; 3]; 3]);

impl OrderedLogit {
    /// The map with base rates `(home, draw, away)` at `x = x0` and slope
    /// `beta`: c₁ = logit(away) + β·x0, c₂ = logit(away + draw) + β·x0.
    ///
    /// Returns `None` unless the rates are positive, finite and sum to 1
    /// (to 1e-9), and `beta` and `x0` are finite.
    ///
    /// ```
    /// use scoreline_dixon_coles::forecasting::ordered_logit::OrderedLogit;
    /// let m = OrderedLogit::from_base_rates([0.46, 0.26, 0.28], 1.0, 0.0).unwrap();
    /// let p = m.probabilities(0.0);
    /// assert!((p[0] - 0.46).abs() < 1e-12 && (p[2] - 0.28).abs() < 1e-12);
    /// ```
    pub fn from_base_rates(rates: [f64; 3], beta: f64, x0: f64) -> Option<Self> {
        let ok = rates.iter().all(|r| r.is_finite() && *r > 0.0)
            && (rates.iter().sum::<f64>() - 1.0).abs() < 1e-9
            && beta.is_finite()
            && x0.is_finite();
        if !ok {
            return None;
        }
        Some(Self {
            beta,
            c1: logit(rates[2]) + beta * x0,
            c2: logit(rates[2] + rates[1]) + beta * x0,
        })
    }

    /// P(home), P(draw), P(away) at rating difference `x`:
    /// P(away) = σ(c₁ − βx), P(home) = σ(βx − c₂) and
    /// P(draw) = σ(c₂ − βx) − σ(c₁ − βx), computed as
    /// σ(b)·σ(−a)·(1 − e^(a−b)) with a = c₁ − βx, b = c₂ − βx (no
    /// cancellation). A non-finite `x` is treated as 0; the triple is
    /// renormalised to sum to 1 exactly.
    pub fn probabilities(&self, x: f64) -> [f64; 3] {
        let x = if x.is_finite() { x } else { 0.0 };
        let a = self.c1 - self.beta * x;
        let b = self.c2 - self.beta * x;
        let away = sigmoid(a);
        let home = sigmoid(-b);
        let draw = (sigmoid(b) * sigmoid(-a) * (-(a - b).exp_m1())).max(0.0);
        let total = home + draw + away;
        [home / total, draw / total, away / total]
    }

    /// The fitting parameters θ = (β, c₁, δ) with δ = log(c₂ − c₁)
    /// (δ is not finite unless c₁ < c₂).
    pub fn theta(&self) -> [f64; 3] {
        [self.beta, self.c1, (self.c2 - self.c1).ln()]
    }

    /// The map of parameters θ = (β, c₁, δ): c₂ = c₁ + e^δ.
    pub fn from_theta(theta: [f64; 3]) -> Self {
        Self {
            beta: theta[0],
            c1: theta[1],
            c2: theta[1] + theta[2].exp(),
        }
    }

    /// The weighted negative log-likelihood −Σ wᵢ log P(outcomeᵢ | xᵢ) at
    /// θ = (β, c₁, δ), with its gradient and Hessian in θ.
    ///
    /// Per example, with a = c₁ − βx, b = c₂ − βx = c₁ + e^δ − βx,
    /// f(t) = σ(t)(1 − σ(t)) and f′(t) = f(t)(1 − 2σ(t)), the
    /// log-likelihood ℓ and its partial derivatives in (a, b) are
    ///
    /// - away: ℓ = log σ(a); ℓ_a = 1 − σ(a), ℓ_aa = −f(a), the rest 0;
    /// - home: ℓ = log σ(−b); ℓ_b = −σ(b), ℓ_bb = −f(b), the rest 0;
    /// - draw: ℓ = log P with P = σ(b) − σ(a); ℓ_a = −f(a)/P,
    ///   ℓ_b = f(b)/P, ℓ_aa = −f′(a)/P − f(a)²/P², ℓ_bb = f′(b)/P − f(b)²/P²,
    ///   ℓ_ab = f(a)f(b)/P².
    ///
    /// The chain rule uses ∂a/∂θ = (−x, 1, 0), ∂b/∂θ = (−x, 1, e^δ) and the
    /// only non-zero second derivative ∂²b/∂δ² = e^δ:
    /// ℓ_θ = ℓ_a a_θ + ℓ_b b_θ and
    /// ℓ_θθ′ = ℓ_aa a_θ a_θ′ + ℓ_ab (a_θ b_θ′ + b_θ a_θ′) + ℓ_bb b_θ b_θ′ + ℓ_b b_θθ′.
    ///
    /// The inputs are not checked here (see [`OrderedLogit::fit`]).
    pub fn negative_log_likelihood(theta: [f64; 3], data: &[Observation]) -> Jet3 {
        let [beta, c1, delta] = theta;
        let gap = delta.exp();
        let mut value = 0.0;
        let mut grad = [0.0; 3];
        let mut hess = [[0.0; 3]; 3];
        for o in data {
            if o.weight == 0.0 {
                continue;
            }
            let a = c1 - beta * o.x;
            let b = a + gap;
            let (l, la, lb, laa, lbb, lab) = match o.outcome {
                2 => {
                    let s = sigmoid(a);
                    (log_sigmoid(a), 1.0 - s, 0.0, -s * (1.0 - s), 0.0, 0.0)
                }
                0 => {
                    let s = sigmoid(b);
                    (log_sigmoid(-b), 0.0, -s, 0.0, -s * (1.0 - s), 0.0)
                }
                _ => {
                    let sa = sigmoid(a);
                    let sb = sigmoid(b);
                    let p = sb * sigmoid(-a) * (-(a - b).exp_m1());
                    let fa = sa * (1.0 - sa);
                    let fb = sb * (1.0 - sb);
                    let dfa = fa * (1.0 - 2.0 * sa);
                    let dfb = fb * (1.0 - 2.0 * sb);
                    (
                        p.ln(),
                        -fa / p,
                        fb / p,
                        -dfa / p - fa * fa / (p * p),
                        dfb / p - fb * fb / (p * p),
                        fa * fb / (p * p),
                    )
                }
            };
            let da = [-o.x, 1.0, 0.0];
            let db = [-o.x, 1.0, gap];
            let w = o.weight;
            value -= w * l;
            for i in 0..3 {
                grad[i] -= w * (la * da[i] + lb * db[i]);
                for j in 0..3 {
                    hess[i][j] -= w
                        * (laa * da[i] * da[j]
                            + lab * (da[i] * db[j] + db[i] * da[j])
                            + lbb * db[i] * db[j]);
                }
            }
            hess[2][2] -= w * lb * gap;
        }
        (value, grad, hess)
    }

    /// The maximum-likelihood ordered logit of weighted examples.
    ///
    /// Newton's method on the negative log-likelihood in θ = (β, c₁, δ)
    /// ([`OrderedLogit::negative_log_likelihood`]), started at β = 0 and the
    /// weighted base rates. Each step solves (H + μI) s = −g, with μ = 0
    /// when H is positive definite and otherwise grown from 1e-6·(1 + max|Hᵢᵢ|)
    /// until it is, then halves the step until the objective decreases.
    /// Converged when the gradient norm is below 1e-8·(1 + Σw), when the
    /// Newton decrement −gᵀs (the objective's predicted further decrease,
    /// independent of the scale of x) is below 1e-12·(1 + Σw), or when the
    /// objective stops decreasing at a gradient norm below 1e-5·(1 + Σw).
    ///
    /// Errors: an invalid example, fewer than two outcomes with weight, or
    /// no convergence in 100 iterations (e.g. no draws at all, where the
    /// optimum has c₂ = c₁).
    pub fn fit(data: &[Observation]) -> Result<Self, OrderedLogitError> {
        let mut counts = [0.0; 3];
        for (index, o) in data.iter().enumerate() {
            if !o.x.is_finite() {
                return Err(OrderedLogitError::InvalidExample {
                    index,
                    reason: format!("x = {}", o.x),
                });
            }
            if o.outcome > 2 {
                return Err(OrderedLogitError::InvalidExample {
                    index,
                    reason: format!("outcome {}", o.outcome),
                });
            }
            if !(o.weight.is_finite() && o.weight >= 0.0) {
                return Err(OrderedLogitError::InvalidExample {
                    index,
                    reason: format!("weight {}", o.weight),
                });
            }
            counts[o.outcome] += o.weight;
        }
        let total: f64 = counts.iter().sum();
        if counts.iter().filter(|c| **c > 0.0).count() < 2 {
            return Err(OrderedLogitError::TooLittleData(format!(
                "weighted outcome counts {counts:?}"
            )));
        }
        // Start at β = 0 and the base rates (lightly smoothed so none is 0).
        let rates = counts.map(|c| (c + 0.5) / (total + 1.5));
        let start = Self::from_base_rates(rates, 0.0, 0.0)
            .ok_or_else(|| OrderedLogitError::TooLittleData(format!("base rates {rates:?}")))?;
        let mut theta = start.theta();
        let (mut value, mut grad, mut hess) = Self::negative_log_likelihood(theta, data);
        let tol = 1e-8 * (1.0 + total);
        for _ in 0..100 {
            let gnorm = norm(&grad);
            if gnorm < tol {
                return Ok(Self::from_theta(theta));
            }
            let step = damped_newton_step(&grad, &hess);
            // The Newton decrement −gᵀs bounds the possible further decrease
            // of the objective, whatever the scale of x.
            let decrement = -(grad[0] * step[0] + grad[1] * step[1] + grad[2] * step[2]);
            if decrement.abs() < 1e-12 * (1.0 + total) {
                return Ok(Self::from_theta(theta));
            }
            let mut t = 1.0;
            let mut accepted = false;
            for _ in 0..40 {
                let trial = [
                    theta[0] + t * step[0],
                    theta[1] + t * step[1],
                    theta[2] + t * step[2],
                ];
                let jet = Self::negative_log_likelihood(trial, data);
                if jet.0.is_finite() && jet.0 <= value {
                    theta = trial;
                    (value, grad, hess) = jet;
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if !accepted {
                if gnorm < 1e3 * tol {
                    return Ok(Self::from_theta(theta));
                }
                return Err(OrderedLogitError::NotConverged {
                    iterations: 100,
                    gradient_norm: gnorm,
                });
            }
        }
        let gnorm = norm(&grad);
        if gnorm < 1e3 * tol {
            Ok(Self::from_theta(theta))
        } else {
            Err(OrderedLogitError::NotConverged {
                iterations: 100,
                gradient_norm: gnorm,
            })
        }
    }
}

/// The Euclidean norm of a 3-vector.
fn norm(v: &[f64; 3]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Solves (H + μI) s = −g for the smallest μ in {0, μ₀, 10μ₀, …} at which
/// H + μI has a Cholesky factor; falls back to steepest descent.
fn damped_newton_step(grad: &[f64; 3], hess: &[[f64; 3]; 3]) -> [f64; 3] {
    let scale = 1.0
        + hess
            .iter()
            .enumerate()
            .map(|(i, r)| r[i].abs())
            .fold(0.0, f64::max);
    let mut mu = 0.0;
    for _ in 0..30 {
        let m = nalgebra::Matrix3::from_fn(|i, j| hess[i][j] + if i == j { mu } else { 0.0 });
        if let Some(ch) = m.cholesky() {
            let s = ch.solve(&nalgebra::Vector3::new(-grad[0], -grad[1], -grad[2]));
            if s.iter().all(|v| v.is_finite()) {
                return [s[0], s[1], s[2]];
            }
        }
        mu = if mu == 0.0 { 1e-6 * scale } else { mu * 10.0 };
    }
    let g = norm(grad).max(1e-300);
    [-grad[0] / g, -grad[1] / g, -grad[2] / g]
}
