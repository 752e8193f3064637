//! The `weibull_copula` family (Boshnakov, Kharrat & McHale 2017, as
//! penaltyblog's `WeibullCopulaGoalsModel` defines it, and exactly as
//! `benches/peers/reference_families.py` computes it): each side's goals are
//! a Weibull count with the common shape `s`, joined by a Frank copula with
//! dependence `κ`. Extras: `extra = [s, κ]`, `s > 0`, `κ` real (`κ = 0` is
//! independence, handled as the exact limit).
//!
//! # Weibull-count marginal
//! The number of renewals in `[0, 1]` of a renewal process whose
//! inter-arrival times have `P(T > t) = exp(−m tˢ)` (McShane et al. 2008),
//! with `m = λ = exp(η_home)` or `m = ν = exp(η_away)`; `s = 1` is
//! Poisson(`m`):
//!
//! `P(N = x) = Σ_{j ≥ x} (−1)^{x+j} mʲ B[x, j]`, with the scaled table
//! `B[0, j] = 1/j!`, `B[x+1, j] = Σ_{i=x}^{j−1} B[x, i] R[i, j]`,
//! `R[i, j] = Γ(si+1) Γ(s(j−i)+1) / (Γ(sj+1) Γ(j−i+1))` (through `ln Γ`, so
//! nothing overflows). Its shape derivatives come from
//! `∂R/∂s = R·a`, `∂²R/∂s² = R·(a² + b)`,
//! `a = iψ(si+1) + (j−i)ψ(s(j−i)+1) − jψ(sj+1)`,
//! `b = i²ψ₁(si+1) + (j−i)²ψ₁(s(j−i)+1) − j²ψ₁(sj+1)` (ψ, ψ₁ = digamma,
//! trigamma), and its `η` derivatives from `∂ᵏmʲ/∂ηᵏ = jᵏ mʲ`.
//!
//! **Convergence and accuracy.** The series is cut after the first run of 8
//! consecutive terms `mʲ |B[k, j]|` (at `j ≥ x`) below `1e-30` for every
//! row `k` used, within a table of 64, 128, …, 1024 terms (the reference
//! script's rule, which checks the last 8 terms of the table; checking every
//! `j` leaves out only terms that rule also treats as converged). The
//! rounding error of an alternating sum is bounded by
//! `2⁻⁵²·Σ_j mʲ |B[k, j]|`; where that bound exceeds `1e-10` for some row
//! `k ≤ x` (rates of ~20 goals at `s ≈ 1`, less for small `s`: row 0 alone
//! gives `2⁻⁵²·eᵐ`, so every `m > 13.3` is refused) or the series has not
//! converged at 1024 terms, the probability is treated as outside the domain
//! (−∞, as the reference does) rather than computed inaccurately.
//!
//! # Frank copula
//! With the cdfs `F`, `G` of the two sides and
//! `C(u, v) = −(1/κ) ln(1 + (e^{−κu} − 1)(e^{−κv} − 1)/(e^{−κ} − 1))`,
//! `P(x, y) = C(F(x), G(y)) − C(F(x−1), G(y)) − C(F(x), G(y−1)) + C(F(x−1), G(y−1))`.
//! That double difference loses all relative precision in the tails (at
//! `κ = 0` it is `(u₁ − u₀)(v₁ − v₀)` computed from cdfs near 1), so it is
//! evaluated in the algebraically identical, cancellation-free form
//! (`rectangle` below), with `u₀ = F(x−1)`, `p_u = P(X = x)`,
//! `u₁ = u₀ + p_u` and likewise `v₀ = G(y−1)`, `p_v`, `v₁`:
//!
//! `P(x, y) = W·L(κW)`,
//! `W = e^{−κ(u₀+v₀)} E(p_u) E(p_v) E(1) / (D̃(u₀, v₁) D̃(u₁, v₀))`,
//! `E(t) = (1 − e^{−κt})/κ`, `L(w) = −ln(1 − w)/w`,
//! `D̃(u, v) = e^{−κu} E(v) + e^{−κv} E(1 − v)`,
//!
//! which has only products, quotients and sums of positive terms (so `P` is
//! as accurate relatively as `p_u`, `p_v`, at any `κ`), equals `p_u·p_v` at
//! `κ = 0`, and is smooth through `κ = 0` (`E` and `L` use their Taylor
//! series near 0).
//!
//! # Derivatives
//! The marginal sums give `u₀ = F(x−1)`, `p_u = P(X = x)` (and the away
//! side's `v₀`, `p_v`) with their exact first and second derivatives in
//! `(η, s)`. The copula part `ln P(u₀, p_u, v₀, p_v, κ)` is differentiated
//! by hand in those five inputs (`log_rectangle_jet`: each factor of `W` is
//! a function of two or three of them) and composed with the marginal jets
//! by the chain rule, which gives the exact gradient and Hessian of `ln P`
//! in `(η_home, η_away, s, κ)`. A test checks them against a second-order
//! dual-number evaluation (`num_dual::Dual2SVec64<4>`) of the same formula
//! to 1e-9, and the proptests against central differences.
//!
//! # Cost
//! The table depends only on `s` (and `J`), so it is built once per shape
//! and thread and cached (a thread-local cache of one table per `J`); a call
//! with a cached table costs a few sums over the terms up to the cut (about
//! 30 at the rates of league football), about twenty exponentials and
//! logarithms for the copula, and no allocation (the test
//! `cost_of_one_derivative_call`, run with `--ignored`, prints the time per
//! call).

use std::cell::RefCell;
use std::rc::Rc;

#[cfg(test)]
use nalgebra::{Const, SMatrix, U1};
use num_dual::DualNum;
#[cfg(test)]
use num_dual::{Derivative, Dual2SVec64};
use special::Gamma;

use super::Local;

/// Number of extra parameters: the Weibull-count shape `s` and Frank's `κ`.
pub const EXTRAS: usize = 2;
/// Number of local coordinates `(η_home, η_away, s, κ)`.
pub const K: usize = 2 + EXTRAS;

/// The series is cut where its last 8 terms are below this (as the reference).
pub const SERIES_TAIL: f64 = 1e-30;
/// Largest accepted rounding bound `2⁻⁵²·Σ_j mʲ|B[k, j]|` of a pmf value.
pub const ROUNDING_MAX: f64 = 1e-10;
/// Largest `|κ|` computed: beyond it `e^{−κu}` overflows for some `u ∈ [0, 1]`
/// (the probability is then outside the domain, −∞).
pub const KAPPA_MAX: f64 = 700.0;

const FIRST_TERMS: usize = 64;
const MAX_TERMS: usize = 1024;
const TAIL_TERMS: usize = 8;
/// Where the series of [`h`] and [`l`] are used instead of the closed forms.
const SERIES_RADIUS: f64 = 0.25;

/// The scaled Weibull-count table of one shape, signed and cumulated.
struct Table {
    shape: f64,
    terms: usize,
    rows: usize,
    /// `|B[k, j]|`, row-major `rows × (terms + 1)`.
    abs: Vec<f64>,
    /// `max_{k' ≤ k} |B[k', j]|`, row-major like `abs`: a term bound for
    /// every row up to `k` at once.
    abs_upto: Vec<f64>,
    /// `(−1)^{k+j} ∂ᵈB[k, j]/∂sᵈ` for `d = 0, 1, 2`.
    signed: [Vec<f64>; 3],
    /// `Σ_{1 ≤ k' ≤ k} (−1)^{k'+j} ∂ᵈB[k', j]/∂sᵈ` (the cdf's coefficients
    /// without row 0, whose sum is `e^{−m}` exactly and is added in closed form).
    cumulative: [Vec<f64>; 3],
}

impl Table {
    /// Builds rows `0..rows` with `terms + 1` columns (formulas in the module doc).
    fn build(shape: f64, rows: usize, terms: usize) -> Self {
        let n = terms + 1;
        let mut lg = vec![0.0; n];
        let mut psi = vec![0.0; n];
        let mut tri = vec![0.0; n];
        let mut log_factorial = vec![0.0; n];
        let mut gamma = vec![0.0; n];
        let mut factorial = vec![0.0; n];
        for k in 0..n {
            let a = shape * k as f64 + 1.0;
            lg[k] = Gamma::ln_gamma(a).0;
            psi[k] = a.digamma();
            tri[k] = a.trigamma();
            log_factorial[k] = Gamma::ln_gamma(k as f64 + 1.0).0;
            gamma[k] = Gamma::gamma(a);
            factorial[k] = Gamma::gamma(k as f64 + 1.0);
        }
        // R, ∂R/∂s, ∂²R/∂s² (upper triangle j > i), row-major n × n.
        let mut r = vec![0.0; n * n];
        let mut r1 = vec![0.0; n * n];
        let mut r2 = vec![0.0; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let d = j - i;
                // Γ directly while finite (relative error ~1e-16 each; the
                // log form loses ~|ln Γ|·2⁻⁵², ~4e-14 at j = 64)
                let value = if gamma[j].is_finite() && gamma[d].is_finite() && d < 170 {
                    gamma[i] * gamma[d] / gamma[j] / factorial[d]
                } else {
                    (lg[i] + lg[d] - lg[j] - log_factorial[d]).exp()
                };
                let (fi, fd, fj) = (i as f64, d as f64, j as f64);
                let a = fi * psi[i] + fd * psi[d] - fj * psi[j];
                let b = fi * fi * tri[i] + fd * fd * tri[d] - fj * fj * tri[j];
                r[i * n + j] = value;
                r1[i * n + j] = value * a;
                r2[i * n + j] = value * (a * a + b);
            }
        }
        let mut b0 = vec![0.0; rows * n];
        let mut b1 = vec![0.0; rows * n];
        let mut b2 = vec![0.0; rows * n];
        for j in 0..n {
            b0[j] = (-log_factorial[j]).exp();
        }
        for x in 0..rows.saturating_sub(1) {
            let (cur, next) = (x * n, (x + 1) * n);
            for i in x..n {
                let (p0, p1, p2) = (b0[cur + i], b1[cur + i], b2[cur + i]);
                if p0 == 0.0 && p1 == 0.0 && p2 == 0.0 {
                    continue;
                }
                for j in i + 1..n {
                    let (q0, q1, q2) = (r[i * n + j], r1[i * n + j], r2[i * n + j]);
                    b0[next + j] += p0 * q0;
                    b1[next + j] += p1 * q0 + p0 * q1;
                    b2[next + j] += p2 * q0 + 2.0 * p1 * q1 + p0 * q2;
                }
            }
        }
        let abs: Vec<f64> = b0.iter().map(|v| v.abs()).collect();
        let mut abs_upto = abs.clone();
        for x in 1..rows {
            for j in 0..n {
                abs_upto[x * n + j] = abs_upto[x * n + j].max(abs_upto[(x - 1) * n + j]);
            }
        }
        let mut signed = [b0, b1, b2];
        for table in &mut signed {
            for x in 0..rows {
                for j in 0..n {
                    if (x + j) % 2 == 1 {
                        table[x * n + j] = -table[x * n + j];
                    }
                }
            }
        }
        let mut cumulative = signed.clone();
        for table in &mut cumulative {
            table[..n].fill(0.0);
            for x in 1..rows {
                for j in 0..n {
                    table[x * n + j] += table[(x - 1) * n + j];
                }
            }
        }
        Self {
            shape,
            terms,
            rows,
            abs,
            abs_upto,
            signed,
            cumulative,
        }
    }
}

thread_local! {
    /// One table per series length `J`, for the last shape it was asked for.
    static TABLES: RefCell<Vec<Table>> = const { RefCell::new(Vec::new()) };
    /// The powers of the last two rates asked for on this thread.
    static POWERS: RefCell<PowerCache> = RefCell::new(PowerCache::default());
}

/// The powers `mʲ = exp(8⌊j/8⌋η)·exp((j mod 8)η)` of one rate `m = e^η`,
/// as far as they were needed (see [`accurate_table`]).
#[derive(Default)]
struct Powers {
    /// The bits of `η`, `None` for an empty slot.
    eta: Option<u64>,
    /// `exp(rη)`, `r = 0..8`.
    low: [f64; 8],
    /// `mʲ` for `j < values.len()`.
    values: Vec<f64>,
}

/// Two [`Powers`] slots, replaced in turn: a likelihood asks for the two
/// sides of a match one after the other, and the matches of one pair of
/// teams (one rate each side) come in a row, so a pair's later scores
/// reuse its powers (the same values, bit for bit).
#[derive(Default)]
struct PowerCache {
    slots: [Powers; 2],
    next: usize,
}

impl PowerCache {
    /// The slot of `eta`, emptied and refilled with its `exp(rη)` if it is
    /// in neither.
    fn slot(&mut self, eta: f64) -> &mut Powers {
        let bits = eta.to_bits();
        let index = match self.slots.iter().position(|s| s.eta == Some(bits)) {
            Some(index) => index,
            None => {
                let index = self.next;
                self.next = 1 - index;
                let slot = &mut self.slots[index];
                slot.eta = Some(bits);
                slot.low = std::array::from_fn(|r| (r as f64 * eta).exp());
                slot.values.clear();
                index
            }
        };
        &mut self.slots[index]
    }
}

/// Runs `f` on the cached table of `shape` with at least `rows` rows and
/// `terms + 1` columns, building it first if needed.
fn with_table<T>(shape: f64, rows: usize, terms: usize, f: impl FnOnce(&Table) -> T) -> T {
    TABLES.with(|cell| {
        let mut tables = cell.borrow_mut();
        let slot = tables.iter().position(|t| t.terms == terms);
        let fits =
            |t: &Table| t.shape.to_bits() == shape.to_bits() && t.rows >= rows && t.terms == terms;
        match slot {
            Some(index) if fits(&tables[index]) => f(&tables[index]),
            Some(index) => {
                tables[index] = Table::build(shape, rows.max(16).next_power_of_two(), terms);
                f(&tables[index])
            }
            None => {
                tables.push(Table::build(shape, rows.max(16).next_power_of_two(), terms));
                f(tables.last().expect("just pushed"))
            }
        }
    })
}

/// One side's marginal values at goals `x`: the pmf `P(N = x)` and the cdf
/// `F(x − 1)` (0 at `x = 0`), each as `[value, ∂η, ∂η², ∂s, ∂η∂s, ∂s²]`
/// (the derivative entries are zero when not requested).
#[derive(Debug, Clone, Copy)]
struct Marginal {
    pmf: [f64; 6],
    below: [f64; 6],
}

/// `Σ_j mʲ jᵉ c_j` for the rows of a table, with `mʲ = exp(jη)`, over
/// the terms `j < powers.len()` (the series' cut, [`accurate_table`]).
fn jet_sums(
    table: &Table,
    row: usize,
    cumulative: bool,
    powers: &[f64],
    derivatives: bool,
) -> [f64; 6] {
    let n = table.terms + 1;
    let pick = |d: usize| {
        let t = if cumulative {
            &table.cumulative[d]
        } else {
            &table.signed[d]
        };
        &t[row * n..(row + 1) * n]
    };
    let c0 = pick(0);
    let mut out = [0.0; 6];
    if !derivatives {
        out[0] = c0.iter().zip(powers).map(|(c, p)| c * p).sum();
        return out;
    }
    let (c1, c2) = (pick(1), pick(2));
    for j in 0..powers.len() {
        let p = powers[j];
        let fj = j as f64;
        let (t0, t1) = (p * c0[j], p * c1[j]);
        out[0] += t0;
        out[1] += fj * t0;
        out[2] += fj * fj * t0;
        out[3] += t1;
        out[4] += fj * t1;
        out[5] += p * c2[j];
    }
    out
}

/// The marginal of one side at goals `x` for `m = exp(eta)` and shape `s`,
/// or `None` outside the region where the series is accurate (module doc).
fn marginal(x: usize, eta: f64, shape: f64, derivatives: bool) -> Option<Marginal> {
    let m = eta.exp();
    accurate_table(x, eta, shape, |table, powers| {
        // row 0 is Σ_j (−m)ʲ/j! = e^{−m} for every shape: closed form
        let e0 = (-m).exp();
        let zero = [e0, -m * e0, (m * m - m) * e0, 0.0, 0.0, 0.0];
        let pmf = if x == 0 {
            zero
        } else {
            jet_sums(table, x, false, powers, derivatives)
        };
        let below = if x == 0 {
            [0.0; 6]
        } else {
            let mut below = jet_sums(table, x - 1, true, powers, derivatives);
            for (b, z) in below.iter_mut().zip(zero) {
                *b += z;
            }
            below
        };
        Marginal { pmf, below }
    })
}

/// One side's pmf rows `P(N = k)`, `k = 0..=last` (values only), computed
/// under the checks of [`accurate_table`] for the largest row, with what
/// [`Rows::below`] needs to add the cdf of any rows among them (the series
/// length `J` chosen and the powers `mʲ = exp(jη)`).
struct Rows {
    shape: f64,
    terms: usize,
    powers: Vec<f64>,
    pmf: Vec<f64>,
}

impl Rows {
    /// The cdf `F(k − 1)` of rows `k = 0..=last` (`last` at most the rows
    /// computed): `0` at `k = 0`, else `e^{−m} + Σ_j mʲ C[k−1, j]` with the
    /// cumulated coefficients `C` of the same cached table and series length
    /// as the pmf (so the values are those [`accurate_table`] would give for
    /// the pmf's largest row).
    fn below(&self, last: usize) -> Vec<f64> {
        debug_assert!(last < self.pmf.len());
        let e0 = self.pmf[0];
        with_table(self.shape, last + 1, self.terms, |table| {
            let mut below = vec![0.0];
            below.extend(
                value_sums(table, 0..last, true, &self.powers)
                    .into_iter()
                    .map(|c| e0 + c),
            );
            below
        })
    }
}

/// `Σ_{j < powers.len()} mʲ c[k, j]` for the rows `k` in `rows` of the signed coefficients
/// (`cumulative` false: the pmf `P(N = k)`) or the cumulated ones (`true`:
/// `F(k) − e^{−m}`): the value entry of [`jet_sums`], each row summed in
/// the same order (`j` increasing, from −0.0), four rows at a time so the
/// four running sums overlap.
fn value_sums(
    table: &Table,
    rows: std::ops::Range<usize>,
    cumulative: bool,
    powers: &[f64],
) -> Vec<f64> {
    let n = table.terms + 1;
    let t = if cumulative {
        &table.cumulative[0]
    } else {
        &table.signed[0]
    };
    // the powers run to the series' cut (at most the table's n terms)
    debug_assert!(powers.len() <= n);
    let row = |k: usize| &t[k * n..(k + 1) * n];
    let mut out = Vec::with_capacity(rows.len());
    let mut k = rows.start;
    while k + 4 <= rows.end {
        let (r0, r1, r2, r3) = (row(k), row(k + 1), row(k + 2), row(k + 3));
        let mut acc = [-0.0f64; 4];
        for (j, &p) in powers.iter().enumerate() {
            acc[0] += r0[j] * p;
            acc[1] += r1[j] * p;
            acc[2] += r2[j] * p;
            acc[3] += r3[j] * p;
        }
        out.extend(acc);
        k += 4;
    }
    for k in k..rows.end {
        out.push(row(k).iter().zip(powers).fold(-0.0, |a, (c, p)| a + c * p));
    }
    out
}

/// The pmf `P(N = k)` of rows `k = 0..=last` (values only): `e^{−m}` at
/// `k = 0`, else `Σ_j (−1)^{k+j} mʲ B[k, j]` (module doc), under the checks
/// of [`accurate_table`] for the largest row; the cdf follows from
/// [`Rows::below`].
fn pmf_rows(last: usize, eta: f64, shape: f64) -> Option<Rows> {
    let e0 = (-eta.exp()).exp();
    accurate_table(last, eta, shape, |table, powers| Rows {
        shape,
        terms: table.terms,
        powers: powers.to_vec(),
        pmf: std::iter::once(e0)
            .chain(value_sums(table, 1..last + 1, false, powers))
            .collect(),
    })
}

/// Runs `f` on the table (with rows `0..=x`) and the powers `mʲ = exp(jη)`
/// of the series up to its cut, or `None` where the series is outside its
/// accurate region (module doc: rounding bound
/// `2⁻⁵²·max_{k≤x} Σ_j mʲ|B[k, j]|` above [`ROUNDING_MAX`], no convergence
/// at 1024 terms, or `s ≤ 0` / non-finite input).
///
/// The cut: the series stops after the first run of [`TAIL_TERMS`]
/// consecutive terms at `j ≥ x` that are below [`SERIES_TAIL`] for every
/// row `k ≤ x` (bounded by `mʲ·max_{k≤x}|B[k, j]|`) — the reference's
/// convergence rule, checked at every `j` instead of only at the end of a
/// 64-, 128-, … term table, so the sum leaves out only terms that the
/// reference also treats as converged (each below `10⁻³⁰`, and decreasing
/// past that run). Powers are `mʲ = exp(8⌊j/8⌋η)·exp((j mod 8)η)`, a
/// product of two exponentials (within ~2 ulp of `exp(jη)`, not the
/// growing error of repeated products).
fn accurate_table<T>(
    x: usize,
    eta: f64,
    shape: f64,
    f: impl FnOnce(&Table, &[f64]) -> T,
) -> Option<T> {
    if !(eta.is_finite() && shape.is_finite() && shape > 0.0) {
        return None;
    }
    POWERS.with(|cell| {
        let mut cache = cell.borrow_mut();
        let slot = cache.slot(eta);
        // row 0 alone: Σ_j mʲ/j! = eᵐ, refused where 2⁻⁵²·eᵐ > ROUNDING_MAX
        if f64::EPSILON * slot.low[1].exp() > ROUNDING_MAX {
            return None;
        }
        let mut f = Some(f);
        let mut terms = FIRST_TERMS;
        while terms <= MAX_TERMS {
            let result = with_table(shape, x + 1, terms, |table| {
                let n = terms + 1;
                let upto = &table.abs_upto[x * n..(x + 1) * n];
                let cached = slot.values.len();
                let (mut cut, mut run, mut block, mut common) = (None, 0, 0.0, 0.0);
                for (j, &bound) in upto.iter().enumerate() {
                    let power = if j < cached {
                        slot.values[j]
                    } else {
                        if j % 8 == 0 || j == cached {
                            block = ((j - j % 8) as f64 * eta).exp();
                        }
                        let power = block * slot.low[j % 8];
                        slot.values.push(power);
                        power
                    };
                    if !power.is_finite() {
                        return Some(None);
                    }
                    // the rows' common term bound, summed for the rounding bound
                    let term = power * bound;
                    common += term;
                    if j >= x && term < SERIES_TAIL {
                        run += 1;
                        if run == TAIL_TERMS {
                            cut = Some(j + 1);
                            break;
                        }
                    } else {
                        run = 0;
                    }
                }
                let len = cut?;
                let powers = &slot.values[..len];
                // the rounding bound, first through the rows' common term bound
                if f64::EPSILON * common > ROUNDING_MAX {
                    let bound = (0..=x)
                        .map(|k| {
                            let row = &table.abs[k * n..(k + 1) * n];
                            row.iter().zip(powers).map(|(b, p)| b * p).sum::<f64>()
                        })
                        .fold(0.0f64, f64::max);
                    if f64::EPSILON * bound > ROUNDING_MAX {
                        return Some(None);
                    }
                }
                let f = f.take().expect("called once");
                Some(Some(f(table, powers)))
            });
            match result {
                Some(found) => return found,
                None => terms *= 2,
            }
        }
        None
    })
}

/// `f(w)` of a dual number from `[f(w₀), f′(w₀), f″(w₀)]`, `w₀ = re(w)`:
/// `f₀ + f₁·d + f₂·d²/2` with `d = w − w₀` (exact to second order, which
/// is all a second-order dual number carries; `d = 0` for plain `f64`).
fn apply<D: DualNum<Primitive = f64> + Copy>(w: D, f: [f64; 3]) -> D {
    let d = w - w.re();
    D::from(f[0]) + d * f[1] + d * d * (0.5 * f[2])
}

/// `Σ_n c_n wⁿ` with its first and second derivatives, by Horner.
fn series(coefficients: &[f64], w: f64) -> [f64; 3] {
    let (mut f, mut f1, mut f2) = (0.0, 0.0, 0.0);
    for c in coefficients.iter().rev() {
        f2 = f2 * w + 2.0 * f1;
        f1 = f1 * w + f;
        f = f * w + c;
    }
    [f, f1, f2]
}

/// `h(w) = (1 − e^{−w})/w` (`h(0) = 1`) with `h′ = (e^{−w} − h)/w` and
/// `h″ = (−e^{−w} − 2h′)/w`: the Taylor series `Σ_{n≥0} (−w)ⁿ/(n+1)!`
/// (16 terms, truncation below 1e-20) for `|w| < 0.25`, the closed forms
/// elsewhere.
fn h<D: DualNum<Primitive = f64> + Copy>(w: D) -> D {
    let x = w.re();
    if D::NDERIV == 0 {
        // a plain value: the closed form is accurate to a few ulp for every w ≠ 0
        return D::from(if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x });
    }
    apply(w, h_jet(x))
}

/// `[h(w), h′(w), h″(w)]` of [`h`] (its series for `|w| < 0.25`).
fn h_jet(x: f64) -> [f64; 3] {
    const C: [f64; 16] = {
        let mut c = [0.0; 16];
        let (mut n, mut factorial) = (0, 1.0);
        while n < 16 {
            factorial *= (n + 1) as f64;
            c[n] = if n % 2 == 0 { 1.0 } else { -1.0 } / factorial;
            n += 1;
        }
        c
    };
    if x.abs() < SERIES_RADIUS {
        series(&C, x)
    } else {
        let ex = (-x).exp();
        let f0 = -(-x).exp_m1() / x;
        let f1 = (ex - f0) / x;
        [f0, f1, (-ex - 2.0 * f1) / x]
    }
}

/// `L(w) = −ln(1 − w)/w` (`L(0) = 1`, `w < 1`) with
/// `L′ = (1/(1−w) − L)/w` and `L″ = (1/(1−w)² − 2L′)/w`: the series
/// `Σ_{n≥0} wⁿ/(n+1)` (32 terms, truncation below 1e-19) for
/// `|w| < 0.25`, the closed forms elsewhere.
fn l<D: DualNum<Primitive = f64> + Copy>(w: D) -> D {
    let x = w.re();
    if D::NDERIV == 0 {
        // a plain value: the closed form is accurate to a few ulp for every w ≠ 0
        return D::from(if x == 0.0 { 1.0 } else { -(-x).ln_1p() / x });
    }
    apply(w, l_jet(x))
}

/// `[L(w), L′(w), L″(w)]` of [`l`] (its series for `|w| < 0.25`).
fn l_jet(x: f64) -> [f64; 3] {
    const C: [f64; 32] = {
        let mut c = [0.0; 32];
        let mut n = 0;
        while n < 32 {
            c[n] = 1.0 / (n + 1) as f64;
            n += 1;
        }
        c
    };
    if x.abs() < SERIES_RADIUS {
        series(&C, x)
    } else {
        let r = 1.0 / (1.0 - x);
        let f0 = -(-x).ln_1p() / x;
        let f1 = (r - f0) / x;
        [f0, f1, (r * r - 2.0 * f1) / x]
    }
}

/// `E(t) = (1 − e^{−κt})/κ = t·h(κt)` (`= t` at `κ = 0`).
fn e<D: DualNum<Primitive = f64> + Copy>(t: D, kappa: D) -> D {
    t * h(kappa * t)
}

/// `D̃(u, v) = e^{−κu} E(v) + e^{−κv} E(1 − v)`: `−(1/κ)` times the
/// copula's denominator `(e^{−κ} − 1) + (e^{−κu} − 1)(e^{−κv} − 1)`,
/// written as a sum of two positive terms (no cancellation, any sign of κ).
fn denominator<D: DualNum<Primitive = f64> + Copy>(u: D, v: D, kappa: D) -> D {
    let one = D::from(1.0);
    (-kappa * u).exp() * e(v, kappa) + (-kappa * v).exp() * e(one - v, kappa)
}

/// The Frank-copula probability of the rectangle
/// `(u₀, u₁] × (v₀, v₁]`, `u₁ = u₀ + p_u`, `v₁ = v₀ + p_v`, i.e.
/// `C(u₁, v₁) − C(u₀, v₁) − C(u₁, v₀) + C(u₀, v₀)`, in a cancellation-free
/// form (derived by writing `e^{−κt} − 1 = −κE(t)` and taking the two
/// differences as logarithms of ratios):
///
/// `P = W·L(κW)`,
/// `W = e^{−κ(u₀+v₀)} E(p_u) E(p_v) E(1) / (D̃(u₀, v₁) D̃(u₁, v₀))`,
///
/// with `E`, `L` and `D̃` as in [`e`], [`l`] and [`denominator`]. Only
/// products, quotients and sums of positive quantities remain, so the
/// relative accuracy of `P` is that of `p_u` and `p_v` even in the tails
/// and at large `|κ|`; at `κ = 0` it is exactly `p_u·p_v` (independence);
/// every function involved is smooth through `κ = 0`, so dual numbers give
/// the exact derivatives there too.
fn rectangle<D: DualNum<Primitive = f64> + Copy>(u0: D, pu: D, v0: D, pv: D, kappa: D) -> D {
    let one = D::from(1.0);
    let w = (-kappa * (u0 + v0)).exp() * e(pu, kappa) * e(pv, kappa) * e(one, kappa)
        / (denominator(u0, v0 + pv, kappa) * denominator(u0 + pu, v0, kappa));
    w * l(kappa * w)
}

/// Whether the extras and predictors are ones this kernel computes.
fn usable(eta_home: f64, eta_away: f64, extra: &[f64; EXTRAS]) -> bool {
    let [shape, kappa] = *extra;
    eta_home.is_finite()
        && eta_away.is_finite()
        && shape.is_finite()
        && shape > 0.0
        && kappa.is_finite()
        && kappa.abs() <= KAPPA_MAX
}

/// `ln P(X = x, Y = y)` of the Weibull-count Frank-copula model with
/// `λ = exp(eta_home)`, `ν = exp(eta_away)`, `extra = [s, κ]`:
///
/// `P(x, y) = C(F(x), G(y)) − C(F(x−1), G(y)) − C(F(x), G(y−1)) + C(F(x−1), G(y−1))`,
/// `C(u, v) = −(1/κ) ln(1 + (e^{−κu} − 1)(e^{−κv} − 1)/(e^{−κ} − 1))`,
/// `F`, `G` the Weibull-count cdfs of rates `λ`, `ν` and shape `s`
/// (`P(N = k) = Σ_{j ≥ k} (−1)^{k+j} mʲ B[k, j]`, module doc), evaluated as
/// in the cancellation-free form `W·L(κW)` of the module doc. −∞ outside the domain (`s ≤ 0`, `|κ| > KAPPA_MAX`,
/// non-finite input, or a rate where the series' rounding bound exceeds
/// [`ROUNDING_MAX`]); never NaN.
pub fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; EXTRAS]) -> f64 {
    if !usable(eta_home, eta_away, extra) {
        return f64::NEG_INFINITY;
    }
    let [shape, kappa] = *extra;
    let (Some(home), Some(away)) = (
        marginal(x as usize, eta_home, shape, false),
        marginal(y as usize, eta_away, shape, false),
    ) else {
        return f64::NEG_INFINITY;
    };
    let p = rectangle(
        home.below[0],
        home.pmf[0],
        away.below[0],
        away.pmf[0],
        kappa,
    );
    if p > 0.0 && p.is_finite() {
        p.ln()
    } else {
        f64::NEG_INFINITY
    }
}

/// `ln E(t, κ)` of [`e`] (`E = t·h(z)`, `z = κt`) with its derivatives
/// `[value, ∂t, ∂κ, ∂t², ∂t∂κ, ∂κ²]`, from `χ = ln h`
/// (`χ′ = h′/h`, `χ″ = h″/h − χ′²`):
/// `∂t = 1/t + κχ′`, `∂κ = tχ′`, `∂t² = −1/t² + κ²χ″`,
/// `∂t∂κ = χ′ + zχ″`, `∂κ² = t²χ″` (`t > 0`).
fn log_e_jet(t: f64, kappa: f64) -> [f64; 6] {
    let z = kappa * t;
    let [h0, h1, h2] = h_jet(z);
    let c1 = h1 / h0;
    let c2 = h2 / h0 - c1 * c1;
    [
        t.ln() + h0.ln(),
        1.0 / t + kappa * c1,
        t * c1,
        -1.0 / (t * t) + kappa * kappa * c2,
        c1 + z * c2,
        t * t * c2,
    ]
}

/// `E(t, κ)` of [`e`] with its derivatives `[value, ∂t, ∂κ, ∂t², ∂t∂κ, ∂κ²]`
/// (`E = t·h(z)`, `z = κt`): `∂t = h + zh′`, `∂κ = t²h′`,
/// `∂t² = κ(2h′ + zh″)`, `∂t∂κ = t(2h′ + zh″)`, `∂κ² = t³h″`; valid at
/// `t = 0` too (`E = 0`, `∂t = 1`).
fn e_jet(t: f64, kappa: f64) -> [f64; 6] {
    let z = kappa * t;
    let [h0, h1, h2] = h_jet(z);
    let mixed = 2.0 * h1 + z * h2;
    [
        t * h0,
        h0 + z * h1,
        t * t * h1,
        kappa * mixed,
        t * mixed,
        t * t * t * h2,
    ]
}

/// `ln D̃(u, v)` of [`denominator`] (`D̃ = e^{−κu}E(v) + e^{−κv}E(1 − v)`)
/// with its gradient and Hessian in `(u, v, κ)`: each term's derivatives by
/// the product rule (`∂(e^{−κu})/∂u = −κe^{−κu}`, `∂/∂κ = −u·e^{−κu}`,
/// second derivatives `κ²`, `κu − 1`, `u²` times `e^{−κu}`; [`e_jet`] for
/// `E`, with `∂(1 − v)/∂v = −1`), then `∇ ln D̃ = ∇D̃/D̃` and
/// `∇² ln D̃ = ∇²D̃/D̃ − ∇ln D̃ ∇ln D̃ᵀ`.
// index loops: the formulas are written entry by entry
#[allow(clippy::needless_range_loop)]
fn log_denominator_jet(u: f64, v: f64, kappa: f64) -> (f64, [f64; 3], [[f64; 3]; 3]) {
    // term 1: f(u, κ)·E(v, κ)
    let f = (-kappa * u).exp();
    let ev = e_jet(v, kappa);
    // term 2: g(v, κ)·E(1 − v, κ)
    let g = (-kappa * v).exp();
    let ew = e_jet(1.0 - v, kappa);
    let value = f * ev[0] + g * ew[0];
    // gradient in (u, v, κ)
    let d1 = [-kappa * f * ev[0], f * ev[1], -u * f * ev[0] + f * ev[2]];
    let d2 = [
        0.0,
        -kappa * g * ew[0] - g * ew[1],
        -v * g * ew[0] + g * ew[2],
    ];
    let mut h = [[0.0; 3]; 3];
    // term 1: f_uu E, f_u E_v, f_uκ E + f_u E_κ, f E_vv, f_κ E_v + f E_vκ, f_κκ E + 2 f_κ E_κ + f E_κκ
    let (fu, fk) = (-kappa * f, -u * f);
    let (fuu, fuk, fkk) = (kappa * kappa * f, (kappa * u - 1.0) * f, u * u * f);
    h[0][0] += fuu * ev[0];
    h[0][1] += fu * ev[1];
    h[0][2] += fuk * ev[0] + fu * ev[2];
    h[1][1] += f * ev[3];
    h[1][2] += fk * ev[1] + f * ev[4];
    h[2][2] += fkk * ev[0] + 2.0 * fk * ev[2] + f * ev[5];
    // term 2 in (v, κ) with t = 1 − v: E_v = −E_t, E_vv = E_tt, E_vκ = −E_tκ
    let (gv, gk) = (-kappa * g, -v * g);
    let (gvv, gvk, gkk) = (kappa * kappa * g, (kappa * v - 1.0) * g, v * v * g);
    let (wv, wk, wvv, wvk, wkk) = (-ew[1], ew[2], ew[3], -ew[4], ew[5]);
    h[1][1] += gvv * ew[0] + 2.0 * gv * wv + g * wvv;
    h[1][2] += gvk * ew[0] + gv * wk + gk * wv + g * wvk;
    h[2][2] += gkk * ew[0] + 2.0 * gk * wk + g * wkk;
    let grad: [f64; 3] = std::array::from_fn(|i| (d1[i] + d2[i]) / value);
    let mut out = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in i..3 {
            let hij = h[i][j] / value - grad[i] * grad[j];
            out[i][j] = hij;
            out[j][i] = hij;
        }
    }
    (value.ln(), grad, out)
}

/// The inputs of the copula part, in order: `u₀, p_u, v₀, p_v, κ`.
const U0: usize = 0;
const PU: usize = 1;
const V0: usize = 2;
const PV: usize = 3;
const KAPPA: usize = 4;

/// `ln P` of [`rectangle`] with its gradient and Hessian in the five inputs
/// `(u₀, p_u, v₀, p_v, κ)`, by hand:
///
/// `q = ln W = −κ(u₀ + v₀) + ln E(p_u) + ln E(p_v) + ln E(1)
///  − ln D̃(u₀, v₀ + p_v) − ln D̃(u₀ + p_u, v₀)`
/// (each term from [`log_e_jet`] or [`log_denominator_jet`], mapped onto the
/// inputs by its linear arguments), then `ln P = q + ψ(w)`, `w = κe^q`,
/// `ψ = ln L` (`ψ′ = L′/L`, `ψ″ = L″/L − ψ′²`):
/// `∇w = e^q(κ∇q + e_κ)`,
/// `∇²w = e^q(κ(∇²q + ∇q∇qᵀ) + e_κ∇qᵀ + ∇q e_κᵀ)`,
/// `∇ ln P = ∇q + ψ′∇w`, `∇² ln P = ∇²q + ψ′∇²w + ψ″∇w∇wᵀ`.
// index loops: the formulas are written entry by entry
#[allow(clippy::needless_range_loop)]
fn log_rectangle_jet(
    u0: f64,
    pu: f64,
    v0: f64,
    pv: f64,
    kappa: f64,
) -> (f64, [f64; 5], [[f64; 5]; 5]) {
    let mut q = 0.0;
    let mut g = [0.0; 5];
    let mut h = [[0.0; 5]; 5];
    // −κ(u₀ + v₀)
    q -= kappa * (u0 + v0);
    g[U0] -= kappa;
    g[V0] -= kappa;
    g[KAPPA] -= u0 + v0;
    h[U0][KAPPA] -= 1.0;
    h[KAPPA][U0] -= 1.0;
    h[V0][KAPPA] -= 1.0;
    h[KAPPA][V0] -= 1.0;
    // ln E(p_u), ln E(p_v), ln E(1)
    for (t, at) in [(pu, Some(PU)), (pv, Some(PV)), (1.0, None)] {
        let j = log_e_jet(t, kappa);
        q += j[0];
        g[KAPPA] += j[2];
        h[KAPPA][KAPPA] += j[5];
        if let Some(i) = at {
            g[i] += j[1];
            h[i][i] += j[3];
            h[i][KAPPA] += j[4];
            h[KAPPA][i] += j[4];
        }
    }
    // − ln D̃(u, v): (u, v, κ) = A·inputs, A's rows as index lists
    let u1 = u0 + pu;
    let v1 = v0 + pv;
    for (u, v, u_of, v_of) in [
        (u0, v1, &[U0][..], &[V0, PV][..]),
        (u1, v0, &[U0, PU][..], &[V0][..]),
    ] {
        let (value, dg, dh) = log_denominator_jet(u, v, kappa);
        q -= value;
        let of: [&[usize]; 3] = [u_of, v_of, &[KAPPA]];
        for a in 0..3 {
            for &i in of[a] {
                g[i] -= dg[a];
                for b in 0..3 {
                    for &j in of[b] {
                        h[i][j] -= dh[a][b];
                    }
                }
            }
        }
    }
    // ln P = q + ψ(κ e^q)
    let big_w = q.exp();
    let w = kappa * big_w;
    let [l0, l1, l2] = l_jet(w);
    let psi1 = l1 / l0;
    let psi2 = l2 / l0 - psi1 * psi1;
    let mut gw = [0.0; 5];
    for i in 0..5 {
        gw[i] = big_w * (kappa * g[i] + if i == KAPPA { 1.0 } else { 0.0 });
    }
    let mut out_g = [0.0; 5];
    let mut out_h = [[0.0; 5]; 5];
    for i in 0..5 {
        out_g[i] = g[i] + psi1 * gw[i];
        for j in 0..5 {
            let mut hw = kappa * (h[i][j] + g[i] * g[j]);
            if i == KAPPA {
                hw += g[j];
            }
            if j == KAPPA {
                hw += g[i];
            }
            hw *= big_w;
            out_h[i][j] = h[i][j] + psi1 * hw + psi2 * gw[i] * gw[j];
        }
    }
    (q + l0.ln(), out_g, out_h)
}

/// Both sides' marginal jets ([`marginal`] with derivatives) for goals
/// `x`, `y`, or `None` where [`log_prob`] is −∞.
fn marginal_jets(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRAS],
) -> Option<(Marginal, Marginal)> {
    if !usable(eta_home, eta_away, extra) {
        return None;
    }
    Some((
        marginal(x as usize, eta_home, extra[0], true)?,
        marginal(y as usize, eta_away, extra[0], true)?,
    ))
}

/// [`log_prob`] with its exact gradient and Hessian in the local
/// coordinates `(η_home, η_away, s, κ)`: the copula part's derivatives in
/// its inputs `(u₀, p_u, v₀, p_v, κ)` (`log_rectangle_jet`) composed with
/// the marginal jets (exact sums of the differentiated series, module doc;
/// `u₀, p_u` depend on `(η_home, s)`, `v₀, p_v` on `(η_away, s)`) by the
/// chain rule: `∇ = Jᵀ∇₅`, `∇² = Jᵀ∇₅²J + Σᵢ (∂ln P/∂inputᵢ)·∇²inputᵢ`.
/// At `κ = 0` the derivatives are the exact limits (the formula is smooth
/// there). [`Local::OUTSIDE`] where [`log_prob`] is −∞.
// index loops: the formulas are written entry by entry
#[allow(clippy::needless_range_loop)]
pub fn log_prob_derivatives(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRAS],
) -> Local<K> {
    let Some((home, away)) = marginal_jets(x, y, eta_home, eta_away, extra) else {
        return Local::OUTSIDE;
    };
    let kappa = extra[1];
    if !(home.pmf[0] > 0.0 && away.pmf[0] > 0.0) {
        return Local::OUTSIDE;
    }
    let (value, g5, h5) = log_rectangle_jet(
        home.below[0],
        home.pmf[0],
        away.below[0],
        away.pmf[0],
        kappa,
    );
    // each input's jet [value, ∂η, ∂η², ∂s, ∂η∂s, ∂s²] and its η coordinate
    let inputs: [([f64; 6], usize); 4] = [
        (home.below, 0),
        (home.pmf, 0),
        (away.below, 1),
        (away.pmf, 1),
    ];
    // J (5 × 4): ∂inputᵢ/∂z
    let mut jac = [[0.0; K]; 5];
    for (i, (jet, eta)) in inputs.iter().enumerate() {
        jac[i][*eta] = jet[1];
        jac[i][2] = jet[3];
    }
    jac[KAPPA][3] = 1.0;
    let mut out = Local {
        value,
        gradient: [0.0; K],
        hessian: [[0.0; K]; K],
    };
    for k in 0..K {
        out.gradient[k] = (0..5).map(|i| jac[i][k] * g5[i]).sum();
    }
    // H5·J, then Jᵀ(H5·J)
    let mut hj = [[0.0; K]; 5];
    for i in 0..5 {
        for l in 0..K {
            hj[i][l] = (0..5).map(|m| h5[i][m] * jac[m][l]).sum();
        }
    }
    for k in 0..K {
        for l in k..K {
            let v: f64 = (0..5).map(|i| jac[i][k] * hj[i][l]).sum();
            out.hessian[k][l] = v;
            out.hessian[l][k] = v;
        }
    }
    for (i, (jet, eta)) in inputs.iter().enumerate() {
        let gi = g5[i];
        out.hessian[*eta][*eta] += gi * jet[2];
        out.hessian[*eta][2] += gi * jet[4];
        out.hessian[2][*eta] += gi * jet[4];
        out.hessian[2][2] += gi * jet[5];
    }
    let finite = out.value.is_finite()
        && out.gradient.iter().all(|g| g.is_finite())
        && out.hessian.iter().flatten().all(|v| v.is_finite());
    if finite {
        out
    } else {
        Local::OUTSIDE
    }
}

/// The jet of a marginal quantity `[value, ∂η, ∂η², ∂s, ∂η∂s, ∂s²]` as a
/// second-order dual number in `(η_home, η_away, s, κ)`, its `η` being
/// coordinate `eta_index`.
#[cfg(test)]
fn lift(q: [f64; 6], eta_index: usize) -> Dual2SVec64<K> {
    let mut gradient = SMatrix::<f64, 1, K>::zeros();
    gradient[(0, eta_index)] = q[1];
    gradient[(0, 2)] = q[3];
    let mut hessian = SMatrix::<f64, K, K>::zeros();
    hessian[(eta_index, eta_index)] = q[2];
    hessian[(eta_index, 2)] = q[4];
    hessian[(2, eta_index)] = q[4];
    hessian[(2, 2)] = q[5];
    Dual2SVec64::new(q[0], Derivative::some(gradient), Derivative::some(hessian))
}

/// [`log_prob_derivatives`] by second-order dual numbers: the marginal jets
/// seed a `Dual2SVec64` evaluation of [`rectangle`] and of `ln P` (the
/// tests' independent check of the hand-written chain rule).
#[cfg(test)]
fn log_prob_derivatives_dual(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRAS],
) -> Local<K> {
    let Some((home, away)) = marginal_jets(x, y, eta_home, eta_away, extra) else {
        return Local::OUTSIDE;
    };
    let kappa = extra[1];
    let kappa = Dual2SVec64::<K>::from_re(kappa).derivative(3);
    let p = rectangle(
        lift(home.below, 0),
        lift(home.pmf, 0),
        lift(away.below, 1),
        lift(away.pmf, 1),
        kappa,
    );
    if !(p.re > 0.0 && p.re.is_finite()) {
        return Local::OUTSIDE;
    }
    let lp = p.ln();
    let gradient = lp.v1.unwrap_generic(U1, Const::<K>);
    let hessian = lp.v2.unwrap_generic(Const::<K>, Const::<K>);
    let mut out = Local {
        value: lp.re,
        gradient: [0.0; K],
        hessian: [[0.0; K]; K],
    };
    for k in 0..K {
        out.gradient[k] = gradient[(0, k)];
        for j in 0..K {
            // symmetric up to the rounding of the dual products
            out.hessian[k][j] = 0.5 * (hessian[(k, j)] + hessian[(j, k)]);
        }
    }
    let finite = out.value.is_finite()
        && out.gradient.iter().all(|g| g.is_finite())
        && out.hessian.iter().flatten().all(|v| v.is_finite());
    if finite {
        out
    } else {
        Local::OUTSIDE
    }
}

/// Marginal pmf `P(N = k)` and cdf `F(k − 1)` for `k = 0..=max_goals`, or
/// `None` outside the accurate region: the first rows of the pmf rows
/// `0..=R` with `R = max(32, max_goals)` rounded up to a power of two (the
/// rows [`smallest_grid`] sizes a grid from, so a prediction's grid reuses
/// them: [`shared_rows`]), and their cdf.
fn marginal_table(rate: f64, shape: f64, max_goals: usize) -> Option<(Vec<f64>, Vec<f64>)> {
    if !(rate > 0.0 && rate.is_finite()) {
        return None;
    }
    let rows = shared_rows(rate, shape, max_goals.max(FIRST_ROWS).next_power_of_two())?;
    let below = rows.below(max_goals);
    Some((rows.pmf[..=max_goals].to_vec(), below))
}

/// The fewest pmf rows a grid's marginals are computed with.
const FIRST_ROWS: usize = 32;

/// The bits of a rate and a shape, and a row count.
type RowsKey = (u64, u64, usize);

thread_local! {
    /// The last two sides' pmf rows [`shared_rows`] computed on this
    /// thread, with the bits of their rate and shape and their row count.
    static LAST_ROWS: RefCell<Vec<(RowsKey, Rc<Rows>)>> = const { RefCell::new(Vec::new()) };
}

/// [`pmf_rows`] `0..=rows` of `rate` and `shape`, the last two kept per
/// thread (a prediction sizes its grid from both sides' rows, then builds
/// it from the same rows): the same values, bit for bit.
fn shared_rows(rate: f64, shape: f64, rows: usize) -> Option<Rc<Rows>> {
    let key = (rate.to_bits(), shape.to_bits(), rows);
    LAST_ROWS.with(|cell| {
        if let Some((_, found)) = cell.borrow().iter().find(|(k, _)| *k == key) {
            return Some(Rc::clone(found));
        }
        let computed = Rc::new(pmf_rows(rows, rate.ln(), shape)?);
        let mut kept = cell.borrow_mut();
        if kept.len() == 2 {
            kept.remove(0);
        }
        kept.push((key, Rc::clone(&computed)));
        Some(computed)
    })
}

/// The joint pmf `P(x, y)` (formula of [`log_prob`]) on
/// `0..=max_goals × 0..=max_goals`, row-major (`p[x·(max_goals+1) + y]`),
/// not renormalised, for rates `λ = home_rate`, `ν = away_rate`. Outside the
/// domain of [`log_prob`] every entry is 0 (so the grid's mass is 0, never
/// NaN, and a caller's "sums to 1" validation rejects it).
pub fn score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRAS],
    max_goals: usize,
) -> Vec<f64> {
    with_score_grid(home_rate, away_rate, extra, max_goals, <[f64]>::to_vec)
}

thread_local! {
    /// The last grid [`with_score_grid`] computed on this thread, with its
    /// arguments' bits.
    static LAST_GRID: RefCell<Option<([u64; 5], Vec<f64>)>> = const { RefCell::new(None) };
}

/// Runs `f` on the grid [`score_grid`] returns for these arguments. The
/// last grid computed on the thread is kept with the bits of its
/// arguments, so the same call right after (a prediction's grid, then its
/// 1X2 from the same rates and size) reuses it instead of computing it
/// again: the same values, bit for bit.
pub fn with_score_grid<T>(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRAS],
    max_goals: usize,
    f: impl FnOnce(&[f64]) -> T,
) -> T {
    let key = [
        home_rate.to_bits(),
        away_rate.to_bits(),
        extra[0].to_bits(),
        extra[1].to_bits(),
        max_goals as u64,
    ];
    LAST_GRID.with(|cell| {
        let mut last = cell.borrow_mut();
        match &*last {
            Some((k, grid)) if *k == key => f(grid),
            _ => {
                let grid = compute_score_grid(home_rate, away_rate, extra, max_goals);
                let out = f(&grid);
                *last = Some((key, grid));
                out
            }
        }
    })
}

/// [`score_grid`] computed (the marginal rows of each side, then
/// [`copula_grid`]).
fn compute_score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRAS],
    max_goals: usize,
) -> Vec<f64> {
    let n = max_goals + 1;
    if !(home_rate > 0.0 && away_rate > 0.0 && usable(home_rate.ln(), away_rate.ln(), extra)) {
        return vec![0.0; n * n];
    }
    let shape = extra[0];
    let (Some((ph, fh)), Some((pa, fa))) = (
        marginal_table(home_rate, shape, max_goals),
        marginal_table(away_rate, shape, max_goals),
    ) else {
        return vec![0.0; n * n];
    };
    copula_grid((&ph, &fh), (&pa, &fa), extra[1], n)
}

/// The cells `P(x, y) = W·L(κW)` (formula of [`rectangle`]) on
/// `0..n × 0..n`, row-major, from each side's pmf `P(N = k)` and cdf
/// `F(k − 1)` (the first `n` entries of `home` and `away`), with every cell
/// that is not finite set to 0 and negative rounding clamped to 0. The
/// factors of `W` that depend on one side only are computed once a side:
/// `W = [e^{−κu₀} E(p_u)]·[e^{−κv₀} E(p_v)]·E(1) / (D̃(u₀, v₁)·D̃(u₁, v₀))`,
/// `D̃(u, v) = e^{−κu}·E(v) + e^{−κv}·E(1 − v)`.
fn copula_grid(home: (&[f64], &[f64]), away: (&[f64], &[f64]), kappa: f64, n: usize) -> Vec<f64> {
    let (home, away) = (one_side(home, kappa, n), one_side(away, kappa, n));
    let e1 = e(1.0, kappa);
    let mut grid = vec![0.0; n * n];
    for (x, hx) in home.iter().enumerate() {
        for (y, ay) in away.iter().enumerate() {
            let d_low_high = hx[1] * ay[4] + ay[6];
            let d_high_low = hx[2] * ay[3] + ay[5];
            let w = hx[0] * ay[0] * e1 / (d_low_high * d_high_low);
            grid[x * n + y] = cell(w, kappa);
        }
    }
    grid
}

/// `P = W·L(κW)` of [`rectangle`], 0 where it is not finite and clamped at
/// 0. `L(x) = −ln(1 − x)/x` as [`l`] computes it, except for `|x| < 2⁻¹⁰`
/// (most cells: `W` is small away from the mode), where its series
/// `1 + x/2 + x²/3 + x³/4 + x⁴/5 + x⁵/6` is used instead (the next term is
/// below `1.5e-19` of the sum, far below rounding), which saves a logarithm.
fn cell(w: f64, kappa: f64) -> f64 {
    let x = kappa * w;
    let lx = if x.abs() < 1.0 / 1024.0 {
        1.0 + x * (0.5 + x * (1.0 / 3.0 + x * (0.25 + x * (0.2 + x * (1.0 / 6.0)))))
    } else {
        l(x)
    };
    let p = w * lx;
    if p.is_finite() {
        p.max(0.0)
    } else {
        0.0
    }
}

/// The factors of [`rectangle`]'s `W` that depend on one side only, for
/// rows `k = 0..n` with `low = F(k − 1)`, `p = P(N = k)`, `high = low + p`:
/// `[e^{−κ·low}·E(p), e^{−κ·low}, e^{−κ·high}, E(low), E(high),
/// e^{−κ·low}·E(1 − low), e^{−κ·high}·E(1 − high)]`.
fn one_side((p, f): (&[f64], &[f64]), kappa: f64, n: usize) -> Vec<[f64; 7]> {
    (0..n)
        .map(|k| {
            let (low, high) = (f[k], f[k] + p[k]);
            let (at_low, at_high) = ((-kappa * low).exp(), (-kappa * high).exp());
            [
                at_low * e(p[k], kappa),
                at_low,
                at_high,
                e(low, kappa),
                e(high, kappa),
                at_low * e(1.0 - low, kappa),
                at_high * e(1.0 - high, kappa),
            ]
        })
        .collect()
}

/// Rows summed at most by [`marginal_tail`] beyond `m`.
const TAIL_ROWS: usize = 400;

/// `P(N > m)` for one side, `N` the Weibull count of rate `rate` and shape
/// `extra[0]` (the copula keeps the marginals, so this is the joint grid's
/// mass beyond row or column `m`): `Σ_{k > m} P(N = k)`, summed over the
/// pmf series of each row until a term is below `1e-17` of the sum so far
/// (at most 400 rows). Not `1 − F(m)`: the cdf carries the rounding of the
/// low rows (~3e-13 at rate 4.4, shape 0.9), while far rows are accurate to
/// their own tiny magnitude. 1 (all mass outside) where the series is
/// outside its accurate region.
pub fn marginal_tail(rate: f64, extra: &[f64; EXTRAS], m: usize) -> f64 {
    if !(rate > 0.0 && rate.is_finite()) {
        return 1.0;
    }
    let (eta, shape) = (rate.ln(), extra[0]);
    let mut extra_rows = 32;
    while extra_rows <= TAIL_ROWS {
        let Some(rows) = pmf_rows(m + extra_rows, eta, shape) else {
            return 1.0;
        };
        let mut tail = 0.0;
        for p in &rows.pmf[m + 1..] {
            let p = p.max(0.0);
            tail += p;
            // past the mode the pmf decreases faster than geometrically
            if p <= 1e-17 * tail || tail == 0.0 {
                return tail.min(1.0);
            }
        }
        extra_rows *= 2;
    }
    1.0
}

/// One side's tails for sizing a grid: with `rows` the first of 32, 64,
/// …, 400 for which the pmf beyond the last row is provably below `1e-3` of
/// `outside`, the pmf rows `0..=rows` and
/// `tail[m] = Σ_{m < k ≤ rows} P(k) + (a bound on Σ_{k > rows} P(k))` for
/// `m = 0..=rows`. Past the mode the pmf falls faster than geometrically,
/// so with `r = P(rows)/P(rows − 1) < 1` the rest is below `P(rows)·r/(1 − r)`
/// (each pmf value clamped at 0). `None` where the side is outside the
/// accurate region or 400 rows are not enough.
fn side_tails(rate: f64, shape: f64, outside: f64) -> Option<(Rc<Rows>, Vec<f64>)> {
    if !(rate > 0.0 && rate.is_finite()) {
        return None;
    }
    let mut rows = FIRST_ROWS;
    while rows <= TAIL_ROWS {
        let side = shared_rows(rate, shape, rows)?;
        let pmf = &side.pmf;
        let (last, before) = (pmf[rows].max(0.0), pmf[rows - 1].max(0.0));
        let beyond = if last == 0.0 {
            0.0
        } else if last < before {
            let r = last / before;
            last * r / (1.0 - r)
        } else {
            f64::INFINITY
        };
        if beyond <= 1e-3 * outside {
            let mut tail = vec![beyond; rows + 1];
            for k in (0..rows).rev() {
                tail[k] = tail[k + 1] + pmf[k + 1].max(0.0);
            }
            return Some((side, tail));
        }
        rows *= 2;
    }
    None
}

/// The smallest `max_goals` whose grid `0..=max_goals × 0..=max_goals`
/// leaves less than `outside` of the joint mass outside, bounded by
/// `P(X > M) + P(Y > M)` (the [`marginal_tail`] of each side, from one pmf
/// evaluation per side rather than one per candidate size: the tails of
/// `side_tails`); `None` where either side is outside the accurate region
/// or no size up to 400 is enough.
pub fn smallest_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRAS],
    outside: f64,
) -> Option<usize> {
    let (_, home) = side_tails(home_rate, extra[0], outside)?;
    let (_, away) = side_tails(away_rate, extra[0], outside)?;
    first_below(&home, &away, outside)
}

/// The first `m` with `home[m] + away[m] < outside`.
fn first_below(home: &[f64], away: &[f64], outside: f64) -> Option<usize> {
    (0..home.len().min(away.len())).find(|&m| home[m] + away[m] < outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written chain rule of `log_prob_derivatives` against the
    /// second-order dual-number evaluation of the same formula, over goals,
    /// rates, shapes and dependence (both signs, 0, large), to 1e-9
    /// relative (of the entry's scale).
    #[test]
    fn hand_derivatives_equal_the_dual_number_ones() {
        let mut checked = 0;
        for &(x, y) in &[(0, 0), (1, 0), (0, 2), (1, 1), (3, 2), (5, 0), (2, 6)] {
            for &(eh, ea) in &[(0.3, 0.1), (-1.2, 0.8), (1.4, -0.6)] {
                for &s in &[0.55, 1.0, 1.07, 1.9] {
                    for &kappa in &[0.0, -0.4, 1e-9, 0.2, -6.0, 25.0] {
                        let extra = [s, kappa];
                        let hand = log_prob_derivatives(x, y, eh, ea, &extra);
                        let dual = log_prob_derivatives_dual(x, y, eh, ea, &extra);
                        if dual == Local::OUTSIDE {
                            assert_eq!(hand, Local::OUTSIDE);
                            continue;
                        }
                        let close =
                            |a: f64, b: f64, scale: f64| (a - b).abs() <= 1e-9 * scale.max(1.0);
                        assert!(close(hand.value, dual.value, dual.value.abs()));
                        let gscale = dual.gradient.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                        let hscale = dual
                            .hessian
                            .iter()
                            .flatten()
                            .fold(0.0f64, |m, v| m.max(v.abs()));
                        for k in 0..K {
                            assert!(
                                close(hand.gradient[k], dual.gradient[k], gscale),
                                "gradient {k} at {x},{y},{eh},{ea},{s},{kappa}: {} vs {}",
                                hand.gradient[k],
                                dual.gradient[k]
                            );
                            for l in 0..K {
                                assert!(
                                    close(hand.hessian[k][l], dual.hessian[k][l], hscale),
                                    "hessian {k}{l} at {x},{y},{eh},{ea},{s},{kappa}: {} vs {}",
                                    hand.hessian[k][l],
                                    dual.hessian[k][l]
                                );
                            }
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 400, "{checked}");
    }
    use crate::distributions::local::finite_difference_errors;
    use proptest::prelude::*;

    fn poisson_log_pmf(k: u32, eta: f64) -> f64 {
        k as f64 * eta - eta.exp() - Gamma::ln_gamma(k as f64 + 1.0).0
    }

    fn at(x: u32, y: u32) -> impl Fn(&[f64; K]) -> Local<K> {
        move |z: &[f64; K]| log_prob_derivatives(x, y, z[0], z[1], &[z[2], z[3]])
    }

    /// `C(u, v)` as written in the reference (for the rectangle check).
    fn frank(u: f64, v: f64, kappa: f64) -> f64 {
        let z = (-kappa * u).exp_m1() * (-kappa * v).exp_m1() / (-kappa).exp_m1();
        -z.ln_1p() / kappa
    }

    // Values and analytic gradients of benches/peers/reference_families.py,
    // (x, y, λ, ν, s, κ, log P, [∂η_home, ∂η_away, ∂s, ∂κ]), from
    // cd benches/peers && OMP_NUM_THREADS=1 /work/main/.venv/bin/python -c "
    // import numpy as np, reference_families as r
    // pts=[(0,0,1.4,1.1,1.12,-0.6),(2,1,1.6,0.9,0.85,2.5),(1,3,0.7,2.2,1.3,-4.0),
    //      (5,0,3.1,0.4,1.05,0.7),(4,4,2.0,1.8,0.95,9.0),(0,2,0.3,1.0,1.0,0.0)]
    // for x,y,l,n,s,k in pts:
    //   t=r.weibull_copula_terms(np.array([x]),np.array([y]),np.array([l]),np.array([n]),[s,k])
    //   print((x,y,l,n,s,k), repr(float(t[0][0])),
    //         [float(t[1][0]), float(t[2][0]), float(t[3][0][0]), float(t[3][0][1])])"
    // (the reference evaluates κ = 0 at κ = 1e-12).
    #[allow(clippy::type_complexity)]
    const REFERENCE: [(u32, u32, f64, f64, f64, f64, f64, [f64; 4]); 6] = [
        (
            0,
            0,
            1.4,
            1.1,
            1.12,
            -0.6,
            -2.6596075134111268,
            [
                -1.4749440912094103,
                -1.1883796650586567,
                0.0,
                0.2806916074584279,
            ],
        ),
        (
            2,
            1,
            1.6,
            0.9,
            0.85,
            2.5,
            -2.3769374543703776,
            [
                0.12114442832401119,
                -0.10187526367937819,
                1.0958744410169339,
                0.07253483338579968,
            ],
        ),
        (
            1,
            3,
            0.7,
            2.2,
            1.3,
            -4.0,
            -3.4759262554594614,
            [
                1.3680397926738117,
                2.4383389532707174,
                -1.8171296979727254,
                0.23131836355391586,
            ],
        ),
        (
            5,
            0,
            3.1,
            0.4,
            1.05,
            0.7,
            -2.8287297709828656,
            [
                2.2179658752591207,
                -0.47629221261169735,
                -2.429177533084465,
                -0.13986456435067748,
            ],
        ),
        (
            4,
            4,
            2.0,
            1.8,
            0.95,
            9.0,
            -3.624891586075498,
            [
                0.715833756484524,
                1.7872468214798842,
                -1.748294554988191,
                0.051026052217728074,
            ],
        ),
        (
            0,
            2,
            0.3,
            1.0,
            1.0,
            0.0,
            -1.9931471805600303,
            [
                -0.3000000000000726,
                1.0000000000000693,
                -0.16666666666670782,
                -0.08465540407471876,
            ],
        ),
    ];

    #[test]
    fn log_prob_and_gradient_equal_the_reference_script() {
        for (x, y, lam, nu, s, kappa, value, gradient) in REFERENCE {
            let extra = [s, kappa];
            let ours = log_prob(x, y, lam.ln(), nu.ln(), &extra);
            assert!((ours - value).abs() < 1e-12, "({x},{y}) {ours} vs {value}");
            let local = log_prob_derivatives(x, y, lam.ln(), nu.ln(), &extra);
            assert!(
                (local.value - value).abs() < 1e-12,
                "{} vs {value}",
                local.value
            );
            // the reference evaluates κ = 0 at κ = 1e-12, where its closed-form
            // ∂C/∂κ cancels; there the κ slope is checked against the exact
            // limit ∂C/∂κ|₀ = uv(1 − u)(1 − v)/2 instead (test below)
            let compared = if kappa == 0.0 { 3 } else { K };
            for k in 0..compared {
                let err = (local.gradient[k] - gradient[k]).abs();
                assert!(
                    err < 1e-9 * gradient[k].abs().max(1.0),
                    "({x},{y}) ∂{k}: {:?} vs {gradient:?}",
                    local.gradient
                );
            }
        }
    }

    #[test]
    fn shape_one_with_kappa_zero_is_poisson() {
        for x in 0..=8 {
            for y in 0..=8 {
                for eta_home in [-1.5, -0.7, 0.0, 0.4, 1.0, 1.5] {
                    let eta_away = 0.3 - 0.5 * eta_home;
                    let poisson = poisson_log_pmf(x, eta_home) + poisson_log_pmf(y, eta_away);
                    let ours = log_prob(x, y, eta_home, eta_away, &[1.0, 0.0]);
                    assert!(
                        (ours - poisson).abs() < 1e-12,
                        "({x},{y},{eta_home}) {ours} vs {poisson}"
                    );
                    let local = log_prob_derivatives(x, y, eta_home, eta_away, &[1.0, 0.0]);
                    assert!((local.value - poisson).abs() < 1e-12);
                    // the η derivatives are Poisson's; κ → 0 is the limit of κ ≠ 0
                    assert!((local.gradient[0] - (x as f64 - eta_home.exp())).abs() < 1e-9);
                    assert!((local.gradient[1] - (y as f64 - eta_away.exp())).abs() < 1e-9);
                    assert!((local.hessian[0][0] + eta_home.exp()).abs() < 1e-9);
                    for kappa in [-1e-7, 1e-7] {
                        let near = log_prob(x, y, eta_home, eta_away, &[1.0, kappa]);
                        let slope = (near - local.value) / kappa;
                        assert!(
                            (slope - local.gradient[3]).abs() < 1e-5,
                            "{slope} vs {}",
                            local.gradient[3]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_kappa_slope_at_independence_is_the_exact_limit() {
        // C(u, v) = uv + κ·uv(1 − u)(1 − v)/2 + O(κ²), so at κ = 0
        // ∂P/∂κ = Δ_u[u(1 − u)/2]·Δ_v[v(1 − v)] over the rectangle; with s = 1 the
        // marginals are Poisson
        let poisson_cdf = |k: i32, m: f64| -> f64 {
            (0..=k)
                .map(|j| poisson_log_pmf(j as u32, m.ln()).exp())
                .sum()
        };
        for (x, y, lam, nu) in [(0, 2, 0.3, 1.0), (2, 1, 1.6, 0.9), (4, 0, 2.5, 1.2)] {
            let q = |t: f64| t * (1.0 - t);
            let (u0, u1) = (poisson_cdf(x - 1, lam), poisson_cdf(x, lam));
            let (v0, v1) = (poisson_cdf(y - 1, nu), poisson_cdf(y, nu));
            let dp = 0.5 * (q(u1) - q(u0)) * (q(v1) - q(v0));
            let p = (u1 - u0) * (v1 - v0);
            let local = log_prob_derivatives(x as u32, y as u32, lam.ln(), nu.ln(), &[1.0, 0.0]);
            assert!(
                (local.gradient[3] - dp / p).abs() < 1e-12,
                "{} vs {}",
                local.gradient[3],
                dp / p
            );
        }
    }

    #[test]
    fn the_rectangle_equals_the_double_difference_of_the_copula() {
        for kappa in [-6.0, -1.0, 0.3, 2.5, 9.0] {
            for (u0, pu, v0, pv) in [
                (0.0, 0.3, 0.0, 0.25),
                (0.2, 0.35, 0.5, 0.2),
                (0.7, 0.2, 0.1, 0.6),
            ] {
                let (u1, v1) = (u0 + pu, v0 + pv);
                let direct = frank(u1, v1, kappa) - frank(u0, v1, kappa) - frank(u1, v0, kappa)
                    + frank(u0, v0, kappa);
                let ours = rectangle(u0, pu, v0, pv, kappa);
                assert!(
                    (ours - direct).abs() < 1e-12 * direct.abs().max(1e-3),
                    "{kappa}: {ours} vs {direct}"
                );
            }
        }
        assert_eq!(rectangle(0.3, 0.2, 0.4, 0.1, 0.0), 0.2 * 0.1);
    }

    #[test]
    fn the_grid_sums_to_one_and_matches_log_prob() {
        for (home, away, s, kappa) in [
            (1.5, 1.1, 1.1, -0.6),
            (3.0, 0.5, 0.8, 4.0),
            (0.3, 2.2, 1.6, -8.0),
            (4.4, 4.4, 0.9, 0.0),
        ] {
            let extra = [s, kappa];
            let mut max_goals = 0;
            while marginal_tail(home, &extra, max_goals) >= 1e-13
                || marginal_tail(away, &extra, max_goals) >= 1e-13
            {
                max_goals += 1;
                assert!(max_goals < 80);
            }
            // smallest_grid agrees with the tails (its bound is the sum of both)
            let smallest = smallest_grid(home, away, &extra, 1e-12).expect("accurate");
            let sum_tails = |m| marginal_tail(home, &extra, m) + marginal_tail(away, &extra, m);
            assert!(sum_tails(smallest) < 1e-12, "{smallest}");
            assert!(sum_tails(smallest - 1) >= 0.999e-12, "{smallest}");
            let grid = score_grid(home, away, &extra, max_goals);
            let total: f64 = grid.iter().sum();
            // at rate 4.4 the documented rounding bound of one pmf value,
            // 2⁻⁵²·Σ_j mʲ|B[k, j]|, is itself 1.5e-12 (Σ = 6,553): the total
            // is held to a few of those there, to 1e-12 elsewhere
            let tolerance = if home > 4.0 { 5e-12 } else { 1e-12 };
            assert!((total - 1.0).abs() < tolerance, "{total} at {max_goals}");
            assert!(grid.iter().all(|p| *p >= 0.0));
            let n = max_goals + 1;
            for (x, y) in [(0, 0), (1, 2), (3, 1)] {
                let p = grid[x * n + y];
                let lp = log_prob(x as u32, y as u32, home.ln(), away.ln(), &extra);
                assert!((p.ln() - lp).abs() < 1e-12);
            }
            // the copula keeps the marginals: row and column sums are the pmfs
            let (ph, _) = marginal_table(home, s, max_goals).expect("accurate");
            let (pa, _) = marginal_table(away, s, max_goals).expect("accurate");
            assert!((ph[0] - (-home).exp()).abs() < 1e-15);
            for k in 0..4 {
                let row: f64 = grid[k * n..(k + 1) * n].iter().sum();
                let column: f64 = (0..n).map(|x| grid[x * n + k]).sum();
                assert!((row - ph[k]).abs() < 1e-12, "{row} {}", ph[k]);
                assert!((column - pa[k]).abs() < 1e-12, "{column} {}", pa[k]);
            }
        }
    }

    #[test]
    fn outside_the_domain_is_minus_infinity_never_nan() {
        let bad: [(f64, f64, [f64; 2]); 7] = [
            (0.1, 0.2, [0.0, 1.0]),
            (0.1, 0.2, [-1.0, 1.0]),
            (0.1, 0.2, [f64::NAN, 1.0]),
            (0.1, 0.2, [1.0, f64::INFINITY]),
            (0.1, 0.2, [1.0, 1e4]),
            (f64::NAN, 0.2, [1.0, 0.0]),
            (3.5, 0.2, [1.0, 0.0]), // rate 33: the series' rounding bound is far above 1e-10
        ];
        for (eh, ea, extra) in bad {
            assert_eq!(
                log_prob(2, 1, eh, ea, &extra),
                f64::NEG_INFINITY,
                "{eh} {extra:?}"
            );
            assert_eq!(log_prob_derivatives(2, 1, eh, ea, &extra), Local::OUTSIDE);
            let grid = score_grid(eh.exp(), ea.exp(), &extra, 6);
            assert!(grid.iter().all(|p| *p == 0.0));
            let tail = marginal_tail(eh.exp(), &extra, 6);
            assert!((0.0..=1.0).contains(&tail));
            if !(eh < 3.0 && extra[0] > 0.0) {
                assert_eq!(tail, 1.0, "{eh} {extra:?}");
            }
        }
        // a small shape at a moderate rate is refused (series inaccurate), not NaN
        // (the reference refuses it too: its bound over rows ≤ 3 is 5.3e-9)
        assert_eq!(log_prob(3, 1, 1.5, 0.0, &[0.1, 0.0]), f64::NEG_INFINITY);
    }

    fn check(x: u32, y: u32, z: [f64; K], h: f64, tol: f64) -> Result<(), TestCaseError> {
        let local = at(x, y)(&z);
        prop_assert!(local.is_finite(), "{x} {y} {z:?}");
        for k in 0..K {
            for j in 0..K {
                prop_assert_eq!(local.hessian[k][j], local.hessian[j][k]);
            }
        }
        prop_assert!((local.value - log_prob(x, y, z[0], z[1], &[z[2], z[3]])).abs() < 1e-12);
        let (g, hs) = finite_difference_errors(at(x, y), z, h);
        prop_assert!(
            g < tol && hs < tol,
            "({x},{y}) {z:?}: gradient {g:.1e} hessian {hs:.1e}"
        );
        Ok(())
    }

    // Below s ≈ 0.8 at rates above ~3 the alternating series carries a
    // relative rounding of up to ~1e-10 (its documented bound), which central
    // differences with h = 1e-4 amplify to ~1e-5 in the Hessian; there the
    // rates are kept to η ≤ 0.9 (the reference optimum on E0 is s ≈ 1.1):
    // at x = 8, η = 0.98, s = 0.55 two computations of the pmf within that
    // bound (powers exp(jη), or exp(8⌊j/8⌋η)·exp((j mod 8)η)) differ by
    // 1e-11 relatively, and the differences reached 1.1e-5 with one of them.
    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn derivatives_match_central_differences(
            x in 0u32..=8, y in 0u32..=8,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
            shape in 0.8f64..2.5, kappa in -8.0f64..8.0,
        ) {
            check(x, y, [eta_home, eta_away, shape, kappa], 1e-4, 1e-5)?;
        }

        #[test]
        fn derivatives_match_central_differences_at_small_shapes(
            x in 0u32..=8, y in 0u32..=8,
            eta_home in -1.5f64..0.9, eta_away in -1.5f64..0.9,
            shape in 0.5f64..0.8, kappa in -8.0f64..8.0,
        ) {
            check(x, y, [eta_home, eta_away, shape, kappa], 1e-4, 1e-5)?;
        }

        #[test]
        fn derivatives_at_independence_are_the_limits(
            x in 0u32..=8, y in 0u32..=8,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
            shape in 0.8f64..2.5,
        ) {
            check(x, y, [eta_home, eta_away, shape, 0.0], 1e-4, 1e-5)?;
        }
    }

    /// `cargo test -p scoreline-dixon-coles --release --lib distributions::weibull_copula -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn cost_of_one_derivative_call() {
        let calls = 200_000;
        let mut total = 0.0;
        let start = std::time::Instant::now();
        for i in 0..calls {
            let (x, y) = ((i % 5) as u32, (i % 3) as u32);
            let eta = -0.5 + (i % 11) as f64 * 0.1;
            total += log_prob_derivatives(x, y, eta, 0.1 - eta * 0.3, &[1.07, -0.4]).gradient[0];
        }
        let per = start.elapsed().as_nanos() as f64 / calls as f64;
        let start = std::time::Instant::now();
        for i in 0..calls {
            let (x, y) = ((i % 5) as u32, (i % 3) as u32);
            let eta = -0.5 + (i % 11) as f64 * 0.1;
            total += log_prob(x, y, eta, 0.1 - eta * 0.3, &[1.07, -0.4]);
        }
        let per_value = start.elapsed().as_nanos() as f64 / calls as f64;
        let start = std::time::Instant::now();
        for i in 0..calls {
            let (x, y) = ((i % 5) as u32, (i % 3) as u32);
            let eta = -0.5 + (i % 11) as f64 * 0.1;
            let home = marginal(x as usize, eta, 1.07, true).expect("accurate");
            let away = marginal(y as usize, 0.1 - eta * 0.3, 1.07, true).expect("accurate");
            total += home.pmf[1] + away.below[2];
        }
        let per_marginals = start.elapsed().as_nanos() as f64 / calls as f64;
        let start = std::time::Instant::now();
        for i in 0..100 {
            // a new shape each time: the table is rebuilt (J = 64, 16 rows)
            let local = log_prob_derivatives(2, 1, 0.3, 0.1, &[1.0 + i as f64 * 1e-3, -0.4]);
            total += local.value;
        }
        let per_new_shape = start.elapsed().as_nanos() as f64 / 100.0;
        let start = std::time::Instant::now();
        let mut sizes = 0;
        for i in 0..2000 {
            let (home, away) = (1.2 + (i % 7) as f64 * 0.1, 0.9 + (i % 5) as f64 * 0.1);
            let extra = [1.07, -0.4];
            let max_goals = smallest_grid(home, away, &extra, 1e-12).expect("accurate");
            sizes += max_goals;
            total += score_grid(home, away, &extra, max_goals)[0];
        }
        let per_grid = start.elapsed().as_nanos() as f64 / 2000.0;
        let start = std::time::Instant::now();
        for i in 0..2000 {
            let (home, away) = (1.2 + (i % 7) as f64 * 0.1, 0.9 + (i % 5) as f64 * 0.1);
            total += smallest_grid(home, away, &[1.07, -0.4], 1e-12).expect("accurate") as f64;
        }
        let per_size = start.elapsed().as_nanos() as f64 / 2000.0;
        println!("of which sizing: {per_size:.0} ns");
        println!(
            "grid sized to < 1e-12 outside (mean size {}) and built: {per_grid:.0} ns",
            sizes / 2000
        );
        println!("of which the two marginals' jets: {per_marginals:.0} ns; a call with a new shape (table rebuilt): {per_new_shape:.0} ns");
        println!(
            "log_prob_derivatives: {per:.0} ns/call; log_prob: {per_value:.0} ns/call ({total})"
        );
    }
}
