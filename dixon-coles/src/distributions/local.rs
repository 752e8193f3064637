//! One match's log-probability and its derivatives in local coordinates.

/// The log-probability `ℓ(z)` of one observed score as a function of the
/// match's `K` local coordinates `z = (η_home, η_away, e₁, …, e_{K−2})`,
/// where `η_home = ln λ` and `η_away = ln ν` come from the linear predictor
/// and `e_j` are the family's extra parameters in the coordinates the
/// solver moves (e.g. α = 1/r ≥ 0 for the negative binomial), with its
/// gradient `∂ℓ/∂z` and Hessian `∂²ℓ/∂z∂zᵀ` (symmetric, both triangles
/// filled). Outside the family's domain `value` is −∞ and the derivatives
/// are zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Local<const K: usize> {
    /// `ℓ(z)`.
    pub value: f64,
    /// `∂ℓ/∂z_k`.
    pub gradient: [f64; K],
    /// `∂²ℓ/∂z_k∂z_l`.
    pub hessian: [[f64; K]; K],
}

impl<const K: usize> Local<K> {
    /// The value outside the domain: −∞ with zero derivatives.
    pub const OUTSIDE: Self = Self {
        value: f64::NEG_INFINITY,
        gradient: [0.0; K],
        hessian: [[0.0; K]; K],
    };

    /// True when `value` is finite.
    pub fn is_finite(&self) -> bool {
        self.value.is_finite()
    }
}

/// Central-difference checks of a [`Local`] against its own values, for
/// the distribution tests: the largest absolute error of the gradient and
/// of the Hessian (each relative to `max(1, |entry|)`), with step `h`.
#[cfg(test)]
pub(crate) fn finite_difference_errors<const K: usize>(
    f: impl Fn(&[f64; K]) -> Local<K>,
    z: [f64; K],
    h: f64,
) -> (f64, f64) {
    let at = f(&z);
    let (mut gradient_error, mut hessian_error) = (0.0f64, 0.0f64);
    for k in 0..K {
        let (mut up, mut down) = (z, z);
        up[k] += h;
        down[k] -= h;
        let (fu, fd) = (f(&up), f(&down));
        let numeric = (fu.value - fd.value) / (2.0 * h);
        gradient_error =
            gradient_error.max((numeric - at.gradient[k]).abs() / at.gradient[k].abs().max(1.0));
        for l in 0..K {
            let numeric = (fu.gradient[l] - fd.gradient[l]) / (2.0 * h);
            hessian_error = hessian_error
                .max((numeric - at.hessian[k][l]).abs() / at.hessian[k][l].abs().max(1.0));
        }
    }
    (gradient_error, hessian_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ℓ(η) = 3η − e^η` (a Poisson log-probability of 3 goals, without ln 3!).
    fn poisson_three(z: &[f64; 1]) -> Local<1> {
        let rate = z[0].exp();
        Local {
            value: 3.0 * z[0] - rate,
            gradient: [3.0 - rate],
            hessian: [[-rate]],
        }
    }

    #[test]
    fn the_finite_difference_check_accepts_exact_derivatives_and_catches_wrong_ones() {
        let (g, h) = finite_difference_errors(poisson_three, [0.4], 1e-5);
        assert!(g < 1e-8 && h < 1e-8, "{g} {h}");
        let wrong = |z: &[f64; 1]| {
            let mut l = poisson_three(z);
            l.hessian[0][0] *= 1.01;
            l
        };
        assert!(finite_difference_errors(wrong, [0.4], 1e-5).1 > 1e-3);
        assert!(!Local::<2>::OUTSIDE.is_finite());
    }
}
