//! The Conway–Maxwell–Poisson (CMP) goal model as R goalmodel's
//! `model = 'cmp'` defines it: each side's goals are independent CMP counts
//! whose (approximate) MEAN comes from the linear predictor.
//!
//! For one side with `m = exp(η)` and dispersion `ν > 0` (the extra
//! parameter, one for both sides), goalmodel's 'fast' mean-to-rate mapping
//! (Shmueli et al. 2005) gives the CMP rate
//!
//! ```text
//! rate = (m + (ν − 1)/(2ν))^ν,   P(N = k) = rate^k / (k!)^ν / Z(rate, ν),
//! Z(rate, ν) = Σ_{j≥0} rate^j / (j!)^ν
//! ```
//!
//! (`ν < 1` over-dispersed, `ν > 1` under-dispersed, `ν = 1` is
//! `Pois(m)`). goalmodel's domain is `ν > 0` with `m + (ν − 1)/(2ν) > 0`;
//! here, within 11 % of that edge and beyond it, the base
//! `m + (ν − 1)/(2ν)` is continued smoothly to 0 at `m = 0` (see
//! `LogRate`), so every `m > 0` is priced. goalmodel
//! also restricts `0.7 ≤ ν ≤ 1.7` and cuts `Z` at
//! `max(50, ⌈(rate/0.01)^{1/ν}⌉)` terms, while here `ν` is free and `Z` is
//! summed to convergence (see [`log_prob`] for the bound).

use std::cell::RefCell;
use std::sync::OnceLock;

use statrs::function::factorial::ln_factorial;

use super::local::Local;

/// The number of extra parameters: the dispersion `ν`.
pub const EXTRA: usize = 1;

/// The number of local coordinates `(η_home, η_away, ν)`.
pub const K: usize = 2 + EXTRA;

/// The series for `Z` stops once the rest of it is provably below this
/// fraction of the sum: 10⁴ times below the rounding of the sum itself,
/// so that `ln Z` and the moments are those of the full series to
/// rounding.
const SERIES_TAIL: f64 = 1e-20;

/// The largest index `j` the series for `Z` may reach (and the largest
/// mode); beyond it (dispersions `ν` near 0 with large means, far outside
/// football) the point is treated as outside the domain.
const MAX_TERMS: usize = 100_000;

/// Below this ratio `r = (m + c)/m` of goalmodel's base to the mean the
/// base is continued smoothly instead (see `LogRate`).
const EDGE_RATIO: f64 = 0.1;

/// One side's log-rate `L = ν ln base` and its derivatives in `(η, ν)`,
/// with `m = e^η`, `c = (ν − 1)/(2ν)` and goalmodel's base `m + c`
/// wherever it is at least a tenth of the mean, i.e. `r = 1 + c/m ≥ ρ₀ =
/// 0.1` (always for `ν ≥ 1`):
///
/// ```text
/// L_η  = ν m / base                 L_ηη = ν m c / base²
/// L_ν  = ln base + 1/(2ν base)      L_ην = m/base − m/(2ν base²)
/// L_νν = −1/(4ν³ base²)
/// ```
///
/// Near the edge of goalmodel's domain (`ν < 1` and `m` within 11 % of
/// `−c`, or below it, where goalmodel's rate is NaN) the base is continued
/// as `base = m·ρ₀·exp(t − t²/2)`, `t = (r − ρ₀)/ρ₀`, which meets `m r = m
/// + c` at `r = ρ₀` with equal first and second derivatives and falls to 0
/// with `m` (as a Poisson rate does) instead of vanishing at `m = −c` with
/// an unbounded slope `∂L/∂η = ν m/base`: without it a side that has only
/// scored nothing (a promoted side after a 0-0) has no maximum-likelihood
/// rating for any ridge, the fit pressing against the edge. There, with
/// `B = ln base = η + ln ρ₀ + t − t²/2`, `K₁ = (1 − t)/ρ₀`, `K₂ = −1/ρ₀²`
/// (the first two derivatives of `ln(base/m)` in `r`), `r_η = 1 − r`,
/// `r_ηη = r − 1`, `r_ν = 1/(2ν² m)`, `r_ην = −r_ν`, `r_νν = −1/(ν³ m)`:
///
/// ```text
/// B_η = 1 + K₁ r_η          B_ηη = K₂ r_η² + K₁ r_ηη
/// B_ν = K₁ r_ν              B_ην = K₂ r_η r_ν + K₁ r_ην
///                           B_νν = K₂ r_ν² + K₁ r_νν
/// L_η = ν B_η   L_ν = B + ν B_ν   L_ηη = ν B_ηη
/// L_ην = B_η + ν B_ην   L_νν = 2 B_ν + ν B_νν
/// ```
#[derive(Clone, Copy)]
struct LogRate {
    base: f64,
    value: f64,
    d_eta: f64,
    d_nu: f64,
    d_eta_eta: f64,
    d_eta_nu: f64,
    d_nu_nu: f64,
}

impl LogRate {
    /// `None` outside the domain (`ν ≤ 0`, `base ≤ 0` or anything not
    /// finite).
    fn new(mean: f64, nu: f64) -> Option<Self> {
        if !(nu > 0.0 && nu.is_finite() && mean.is_finite() && mean >= 0.0) {
            return None;
        }
        let c = (nu - 1.0) / (2.0 * nu);
        let base = mean + c;
        if base < EDGE_RATIO * mean {
            return Self::continued(mean, nu, c);
        }
        if base <= 0.0 {
            return None;
        }
        let over = 1.0 / base;
        let mo = mean * over;
        let log_base = base.ln();
        Some(Self {
            base,
            value: nu * log_base,
            d_eta: nu * mo,
            d_nu: log_base + over / (2.0 * nu),
            d_eta_eta: nu * mo * c * over,
            d_eta_nu: mo - mo * over / (2.0 * nu),
            d_nu_nu: -over * over / (4.0 * nu * nu * nu),
        })
    }

    /// The continued base near the edge (see `LogRate`).
    fn continued(mean: f64, nu: f64, c: f64) -> Option<Self> {
        if mean <= 0.0 {
            return None;
        }
        let r = 1.0 + c / mean;
        let t = (r - EDGE_RATIO) / EDGE_RATIO;
        let log_base = mean.ln() + EDGE_RATIO.ln() + t - 0.5 * t * t;
        if !log_base.is_finite() {
            return None;
        }
        // far below the edge `base` may underflow to 0; `L` stays finite
        let base = log_base.exp();
        let (k1, k2) = ((1.0 - t) / EDGE_RATIO, -1.0 / (EDGE_RATIO * EDGE_RATIO));
        let (r_eta, r_eta_eta) = (1.0 - r, r - 1.0);
        let r_nu = 1.0 / (2.0 * nu * nu * mean);
        let r_nu_nu = -1.0 / (nu * nu * nu * mean);
        let b_eta = 1.0 + k1 * r_eta;
        let b_nu = k1 * r_nu;
        let b_eta_eta = k2 * r_eta * r_eta + k1 * r_eta_eta;
        let b_eta_nu = k2 * r_eta * r_nu - k1 * r_nu;
        let b_nu_nu = k2 * r_nu * r_nu + k1 * r_nu_nu;
        Some(Self {
            base,
            value: nu * log_base,
            d_eta: nu * b_eta,
            d_nu: log_base + nu * b_nu,
            d_eta_eta: nu * b_eta_eta,
            d_eta_nu: b_eta + nu * b_eta_nu,
            d_nu_nu: 2.0 * b_nu + nu * b_nu_nu,
        })
    }
}

/// The size of the tables of [`ln_int`] and [`ln_fact`].
const LN_TABLE: usize = 1025;

/// `ln j` for `j = 0..LN_TABLE` (`ln 0 = −∞` is never asked for), filled
/// once.
fn ln_table() -> &'static [f64] {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    TABLE.get_or_init(|| (0..LN_TABLE).map(|j| (j as f64).ln()).collect())
}

/// `ln j` for `j ≥ 1`: from [`ln_table`], computed directly above it.
fn ln_int(j: usize) -> f64 {
    ln_table()
        .get(j)
        .copied()
        .unwrap_or_else(|| (j as f64).ln())
}

/// statrs' `ln_factorial(j)` (the same values, bit for bit): from a table
/// of its values for `j < 1025` filled once, computed directly above it.
fn ln_fact(j: usize) -> f64 {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    TABLE
        .get_or_init(|| (0..LN_TABLE as u64).map(ln_factorial).collect())
        .get(j)
        .copied()
        .unwrap_or_else(|| ln_factorial(j as u64))
}

/// The number of powers [`InversePowers`] keeps.
const POWERS: usize = 128;

/// The smallest prime factor of each `j < 128` (`0` for `j < 2`), computed
/// at compile time.
const SMALLEST_FACTOR: [usize; POWERS] = {
    let mut table = [0usize; POWERS];
    let mut j = 2;
    while j < POWERS {
        let mut f = 2;
        while j % f != 0 {
            f += 1;
        }
        table[j] = f;
        j += 1;
    }
    table
};

/// The powers `j^{−ν}` of one call, computed on first use and shared by
/// the two sides (which have the same `ν`): `exp(−ν ln j)` for a prime `j`
/// and `f^{−ν}·(j/f)^{−ν}` for a composite one (`f` its smallest prime
/// factor), so the series takes one `exp` per prime below its length for
/// both sides together.
struct InversePowers {
    nu: f64,
    values: [f64; POWERS],
    len: usize,
}

impl InversePowers {
    fn new(nu: f64) -> Self {
        Self {
            nu,
            values: [1.0; POWERS],
            len: 2,
        }
    }

    /// Fills every power below [`POWERS`] (one `exp` per prime below it).
    fn fill(&mut self) {
        self.get(POWERS - 1);
    }

    /// `j^{−ν}`, `j ≥ 1`.
    #[inline(always)]
    fn get(&mut self, j: usize) -> f64 {
        if j < self.len {
            self.values[j]
        } else {
            self.extend(j)
        }
    }

    /// `j^{−ν}` for a `j` not yet computed.
    #[cold]
    #[inline(never)]
    fn extend(&mut self, j: usize) -> f64 {
        if j >= POWERS {
            return (-self.nu * ln_int(j)).exp();
        }
        while self.len <= j {
            let n = self.len;
            let f = SMALLEST_FACTOR[n];
            self.values[n] = if f == n {
                (-self.nu * ln_int(n)).exp()
            } else {
                self.values[f] * self.values[n / f]
            };
            self.len += 1;
        }
        self.values[j]
    }
}

/// The CMP series `Σ_j w_j`, `w_j = exp(j L − ν ln j!)`, with the moments
/// of `j` and `ln j!` under the normalised weights, summed to convergence.
#[derive(Clone, Copy)]
struct Series {
    /// `ln Z`.
    log_z: f64,
    /// `E[j]`.
    mean_j: f64,
    /// `E[ln j!]`.
    mean_lf: f64,
    /// `Var(j)`.
    var_j: f64,
    /// `Cov(j, ln j!)`.
    cov: f64,
    /// `Var(ln j!)`.
    var_lf: f64,
    /// `Σ_{j > above} w_j / Z` for the `above` asked for.
    upper_tail: f64,
}

/// Running sums `Σ w`, `Σ w a`, `Σ w b`, `Σ w a²`, `Σ w a b`, `Σ w b²` of
/// the series with `a = j − j*`, `b = ln j! − ln j*!` (centred at the mode
/// `j*`, so the variances do not cancel).
#[derive(Default)]
struct Sums([f64; 6]);

impl Sums {
    fn add(&mut self, w: f64, a: f64, b: f64) {
        let s = &mut self.0;
        s[0] += w;
        s[1] += w * a;
        s[2] += w * b;
        s[3] += w * a * a;
        s[4] += w * a * b;
        s[5] += w * b * b;
    }
}

impl Series {
    /// A placeholder for empty cache slots.
    const EMPTY: Self = Self {
        log_z: 0.0,
        mean_j: 0.0,
        mean_lf: 0.0,
        var_j: 0.0,
        cov: 0.0,
        var_lf: 0.0,
        upper_tail: 0.0,
    };

    /// Sums the series outwards from its mode `j* = ⌊base⌋` (the ratios
    /// `w_{j+1}/w_j = rate·(j+1)^{−ν} = (base/(j+1))^ν` are ≥ 1 exactly while
    /// `j + 1 ≤ base`), with `w_{j*}` scaled to 1 so that nothing overflows:
    /// upwards by `w_j = w_{j−1}·rate·j^{−ν}`, downwards by
    /// `w_{j−1} = w_j / (rate·j^{−ν})`.
    ///
    /// Stopping rule (the series bound): in either direction away from the
    /// mode the ratio of successive terms is below 1 and keeps falling, so
    /// everything beyond the last term summed, `w_J`, is at most
    /// `w_J · r/(1 − r)` with `r` the next ratio; each direction stops at the
    /// first `J` where that bound is below `1e-20` of the sum so far (the
    /// downward one also at `j = 0`). The moments of `j` and `ln j!` are
    /// truncated at the same `J`; their neglected parts carry the same
    /// factor `1e-20` times the polynomial growth of `j²` and `(ln j!)²`
    /// (below 10⁴ for `J` under 40) against terms that fall faster than
    /// geometrically, so they are below rounding (`J` is about 20–25 at
    /// football's means). `None`
    /// (outside the domain) if the CMP rate
    /// `base^ν` exceeds `e^700`, if `base` is 100 000 or more, or if the
    /// upward sum needs terms beyond `j = 100 000`.
    fn new(rate: &LogRate, powers: &mut InversePowers, above: usize) -> Option<Self> {
        if rate.value > 700.0 || rate.base >= MAX_TERMS as f64 {
            return None;
        }
        let cmp_rate = rate.value.exp();
        let mode = rate.base.floor() as usize;
        let lf_mode = ln_fact(mode);
        let ln = ln_table();
        let ln_of = |j: usize| ln.get(j).copied().unwrap_or_else(|| (j as f64).ln());
        let mut sums = Sums::default();
        let mut tail = if mode > above { 1.0 } else { 0.0 };
        sums.add(1.0, 0.0, 0.0);
        // upwards from the mode; `r` is the ratio w_j / w_{j−1}
        let (mut w, mut b, mut j) = (1.0f64, 0.0f64, mode);
        let mut r = cmp_rate * powers.get(j + 1);
        loop {
            j += 1;
            if j > MAX_TERMS {
                return None;
            }
            w *= r;
            b += ln_of(j);
            sums.add(w, (j - mode) as f64, b);
            if j > above {
                tail += w;
            }
            r = cmp_rate * powers.get(j + 1);
            if w * r < SERIES_TAIL * sums.0[0] * (1.0 - r) {
                break;
            }
        }
        // downwards from the mode
        let (mut w, mut b) = (1.0f64, 0.0f64);
        for j in (1..=mode).rev() {
            // from w_j to w_{j−1}
            w /= cmp_rate * powers.get(j);
            b -= ln_of(j);
            sums.add(w, (j - 1) as f64 - mode as f64, b);
            if j - 1 > above {
                tail += w;
            }
            if j >= 2 {
                let q = 1.0 / (cmp_rate * powers.get(j - 1));
                if w * q < SERIES_TAIL * sums.0[0] * (1.0 - q) {
                    break;
                }
            }
        }
        let s = sums.0;
        let (ea, eb) = (s[1] / s[0], s[2] / s[0]);
        Some(Self {
            log_z: mode as f64 * rate.value - powers.nu * lf_mode + s[0].ln(),
            mean_j: mode as f64 + ea,
            mean_lf: lf_mode + eb,
            var_j: s[3] / s[0] - ea * ea,
            cov: s[4] / s[0] - ea * eb,
            var_lf: s[5] / s[0] - eb * eb,
            upper_tail: tail / s[0],
        })
    }
}

/// One side's `ln P(N = k)` and its derivatives in `(η, ν)`.
struct Side {
    value: f64,
    d_eta: f64,
    d_nu: f64,
    d_eta_eta: f64,
    d_eta_nu: f64,
    d_nu_nu: f64,
}

/// The slots of [`Cache`] (a power of two): more than the distinct
/// linear predictors of a four-season window of two divisions.
const CACHE_SLOTS: usize = 1 << 13;

/// One side's log-rate and series at one `η` of the cache's `ν`, stamped
/// with the cache's generation when it was stored.
#[derive(Clone, Copy)]
struct Entry {
    key: u64,
    generation: u64,
    rate: LogRate,
    series: Series,
}

/// One thread's memory of the last `ν` and of the log-rate and series of
/// the linear predictors asked for at that `ν` (direct-mapped by a hash of
/// the bits of `η`, an entry used only for exactly the same bits and the
/// current generation, which a new `ν` advances): a likelihood evaluation
/// asks for the same `(η, ν)` once per cell of the same two teams and
/// venue, and for the same `ν` in every cell. A cached entry is the very
/// value computed for those bits, so results do not depend on what was
/// cached. The powers `j^{−ν}` below [`POWERS`] are computed once per `ν`.
struct Cache {
    powers: InversePowers,
    generation: u64,
    entries: Vec<Entry>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        powers: InversePowers::new(f64::NAN),
        generation: 0,
        entries: Vec::new(),
    });
}

impl Cache {
    /// Starts a new generation if `ν` is not the one remembered (bit for
    /// bit).
    fn set_nu(&mut self, nu: f64) {
        if self.powers.nu.to_bits() != nu.to_bits() || self.entries.is_empty() {
            self.powers = InversePowers::new(nu);
            if nu > 0.0 && nu.is_finite() {
                self.powers.fill();
            }
            self.generation += 1;
            if self.entries.is_empty() {
                let empty = Entry {
                    key: 0,
                    generation: 0,
                    rate: LogRate::new(1.0, 1.0).expect("inside the domain"),
                    series: Series::EMPTY,
                };
                self.entries = vec![empty; CACHE_SLOTS];
            }
        }
    }

    /// The slot holding the log-rate and series of one side at `η` (and
    /// the cache's `ν`), computed if need be; `None` outside the domain.
    #[inline]
    fn moments(&mut self, eta: f64) -> Option<&Entry> {
        if !eta.is_finite() {
            return None;
        }
        let key = eta.to_bits();
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 51) as usize % CACHE_SLOTS;
        let entry = &self.entries[slot];
        if entry.key == key && entry.generation == self.generation {
            return Some(&self.entries[slot]);
        }
        let rate = LogRate::new(eta.exp(), self.powers.nu)?;
        let series = Series::new(&rate, &mut self.powers, usize::MAX)?;
        self.entries[slot] = Entry {
            key,
            generation: self.generation,
            rate,
            series,
        };
        Some(&self.entries[slot])
    }
}

/// One side's `ℓ = k L − ν ln k! − ln Z(L, ν)` and its derivatives (see
/// [`log_prob_derivatives`]), from the side's log-rate and series at its
/// `η`.
fn side(k: u32, nu: f64, Entry { rate, series, .. }: &Entry) -> Side {
    let kf = f64::from(k);
    let lf_k = ln_fact(k as usize);
    let a = kf - series.mean_j;
    Side {
        value: kf * rate.value - nu * lf_k - series.log_z,
        d_eta: a * rate.d_eta,
        d_nu: a * rate.d_nu - lf_k + series.mean_lf,
        d_eta_eta: a * rate.d_eta_eta - series.var_j * rate.d_eta * rate.d_eta,
        d_eta_nu: a * rate.d_eta_nu - series.var_j * rate.d_eta * rate.d_nu
            + series.cov * rate.d_eta,
        d_nu_nu: a * rate.d_nu_nu - series.var_j * rate.d_nu * rate.d_nu
            + 2.0 * series.cov * rate.d_nu
            - series.var_lf,
    }
}

/// Both sides' `ln P` and derivatives ([`side`]) for scores `(x, y)` at
/// `(η_home, η_away, ν)`, their log-rates and series through this thread's
/// [`Cache`]; `None` outside the domain.
fn both_sides(x: u32, y: u32, eta_home: f64, eta_away: f64, nu: f64) -> Option<[Side; 2]> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.set_nu(nu);
        let home = side(x, nu, cache.moments(eta_home)?);
        let away = side(y, nu, cache.moments(eta_away)?);
        Some([home, away])
    })
}

/// `ln P(x, y) = ln P_CMP(x; m_h, ν) + ln P_CMP(y; m_a, ν)` with
/// `m_h = exp(η_home)`, `m_a = exp(η_away)`, `ν = extra[0]`, where for one
/// side
///
/// ```text
/// ln P_CMP(k; m, ν) = k L − ν ln k! − ln Z,   L = ν ln(m + (ν − 1)/(2ν)),
/// Z = Σ_{j≥0} exp(j L − ν ln j!)
/// ```
///
/// `Z` is summed outwards from its mode with the stopping rule of the
/// series: the terms beyond the last one summed are bounded by a geometric
/// series (their ratios, `(base/(j+1))^ν` upwards, fall below 1 away from
/// the mode and keep falling), and each direction stops when that bound is
/// below `1e-20` of `Z`. Near and beyond the edge `m + (ν − 1)/(2ν) = 0`
/// of goalmodel's domain the base is continued (see `LogRate`).
/// Domain: finite `η`, `ν > 0`, and (far outside football)
/// a CMP rate `base^ν` below `e^700` and a mode `base` below 100 000;
/// outside it the value is −∞ (never NaN). At
/// `ν = 1` this is `ln Pois(x; m_h) + ln Pois(y; m_a)`.
pub fn log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64, extra: &[f64; EXTRA]) -> f64 {
    let nu = extra[0];
    match both_sides(x, y, eta_home, eta_away, nu) {
        Some([h, a]) => h.value + a.value,
        None => f64::NEG_INFINITY,
    }
}

/// `ln P(x, y)` (as [`log_prob`]) with its exact gradient and Hessian in
/// `z = (η_home, η_away, ν)`.
///
/// Per side, with `L(η, ν)` the log-rate, `ln Z` a function of `(L, ν)`
/// whose derivatives are the CMP moments (`∂ln Z/∂L = E[j]`,
/// `∂ln Z/∂ν|_L = −E[ln j!]`, `∂²ln Z/∂L² = Var(j)`,
/// `∂²ln Z/∂L∂ν = −Cov(j, ln j!)`, `∂²ln Z/∂ν² = Var(ln j!)`) and
/// `A = k − E[j]`:
///
/// ```text
/// ∂ℓ/∂η   = A L_η
/// ∂ℓ/∂ν   = A L_ν − ln k! + E[ln j!]
/// ∂²ℓ/∂η² = A L_ηη − Var(j) L_η²
/// ∂²ℓ/∂η∂ν = A L_ην − Var(j) L_η L_ν + Cov(j, ln j!) L_η
/// ∂²ℓ/∂ν² = A L_νν − Var(j) L_ν² + 2 Cov(j, ln j!) L_ν − Var(ln j!)
/// ```
///
/// with `m = e^η`, `c = (ν − 1)/(2ν)`, `base = m + c`:
/// `L_η = ν m/base`, `L_ηη = ν m c/base²`, `L_ν = ln base + 1/(2ν base)`,
/// `L_ην = m/base − m/(2ν base²)`, `L_νν = −1/(4ν³ base²)`. The two sides
/// share `ν`: their `ν` terms add, and `∂²ℓ/∂η_home∂η_away = 0`. Outside
/// the domain: [`Local::OUTSIDE`].
pub fn log_prob_derivatives(
    x: u32,
    y: u32,
    eta_home: f64,
    eta_away: f64,
    extra: &[f64; EXTRA],
) -> Local<K> {
    let nu = extra[0];
    let Some([h, a]) = both_sides(x, y, eta_home, eta_away, nu) else {
        return Local::OUTSIDE;
    };
    Local {
        value: h.value + a.value,
        gradient: [h.d_eta, a.d_eta, h.d_nu + a.d_nu],
        hessian: [
            [h.d_eta_eta, 0.0, h.d_eta_nu],
            [0.0, a.d_eta_eta, a.d_eta_nu],
            [h.d_eta_nu, a.d_eta_nu, h.d_nu_nu + a.d_nu_nu],
        ],
    }
}

/// One side's CMP pmf `P(N = j) = exp(j L − ν ln j! − ln Z)`,
/// `j = 0..=max_goals`, for `mean = exp(η)`; `None` outside the domain.
fn marginal_pmf(mean: f64, nu: f64, max_goals: usize) -> Option<Vec<f64>> {
    let rate = LogRate::new(mean, nu)?;
    let series = Series::new(&rate, &mut InversePowers::new(nu), usize::MAX)?;
    Some(
        (0..=max_goals)
            .map(|j| (j as f64 * rate.value - nu * ln_factorial(j as u64) - series.log_z).exp())
            .collect(),
    )
}

/// The joint pmf on `0..=max_goals × 0..=max_goals`, row-major
/// (`p[x * (max_goals + 1) + y]`), not renormalised: the product
/// `P(x, y) = P_CMP(x; m_h, ν) · P_CMP(y; m_a, ν)` of the two sides (see
/// [`log_prob`]), with `m_h = home_rate` and `m_a = away_rate` the values
/// `exp(η)` of the linear predictor (goalmodel's approximate means, not the
/// CMP rates) and `ν = extra[0]`. Outside the domain every entry is 0, so
/// the grid carries no mass.
pub fn score_grid(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Vec<f64> {
    let n = max_goals + 1;
    match (
        marginal_pmf(home_rate, extra[0], max_goals),
        marginal_pmf(away_rate, extra[0], max_goals),
    ) {
        (Some(h), Some(a)) => h
            .iter()
            .flat_map(|ph| a.iter().map(move |pa| ph * pa))
            .collect(),
        _ => vec![0.0; n * n],
    }
}

/// `[home, draw, away]`: the sums of the cells of [`score_grid`] over
/// `x > y`, `x = y` and `x < y`, from the two marginals `p`, `q` in
/// O(max_goals): `Σₓ p[x]·Σ_{y<x} q[y]`, `Σₓ p[x]·q[x]` and
/// `Σ_y q[y]·Σ_{x<y} p[x]` (`independent_outcome_sums`; all 0 outside
/// the domain, where the grid is 0); `None` when a cell would not be finite and ≥ 0.
pub fn outcome_sums(
    home_rate: f64,
    away_rate: f64,
    extra: &[f64; EXTRA],
    max_goals: usize,
) -> Option<[f64; 3]> {
    match (
        marginal_pmf(home_rate, extra[0], max_goals),
        marginal_pmf(away_rate, extra[0], max_goals),
    ) {
        (Some(home), Some(away)) => super::independent_outcome_sums(&home, &away),
        _ => Some([0.0; 3]),
    }
}

/// The probability that one side scores more than `m` goals,
/// `P(N > m) = Σ_{j > m} rate^j/(j!)^ν / Z`, summed with `Z` (no `1 − cdf`
/// cancellation), for `rate = exp(η)` (goalmodel's approximate mean, as in
/// [`score_grid`]). A grid of `0..=m × 0..=m` misses at most the sum of the
/// two sides' tails. Outside the domain it is 1.
pub fn marginal_tail(rate: f64, extra: &[f64; EXTRA], m: usize) -> f64 {
    let nu = extra[0];
    LogRate::new(rate, nu)
        .and_then(|log_rate| Series::new(&log_rate, &mut InversePowers::new(nu), m))
        .map_or(1.0, |series| series.upper_tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distributions::local::finite_difference_errors;
    use proptest::prelude::*;

    /// `ln Pois(x; e^η_h) + ln Pois(y; e^η_a)`.
    fn poisson_log_prob(x: u32, y: u32, eta_home: f64, eta_away: f64) -> f64 {
        f64::from(x) * eta_home - eta_home.exp() - ln_factorial(u64::from(x))
            + f64::from(y) * eta_away
            - eta_away.exp()
            - ln_factorial(u64::from(y))
    }

    fn at(x: u32, y: u32) -> impl Fn(&[f64; K]) -> Local<K> {
        move |z: &[f64; K]| log_prob_derivatives(x, y, z[0], z[1], &[z[2]])
    }

    /// The linear predictor at fraction `u ∈ [0, 1]` of the part of
    /// [−1.5, 1.5] where `e^η + (ν − 1)/(2ν)` is at least `margin` (the
    /// domain's edge for `ν < 1`); that part is never empty for
    /// `ν ≥ 0.2` and `margin ≤ 0.05`.
    fn eta_inside(u: f64, nu: f64, margin: f64) -> f64 {
        let c = (nu - 1.0) / (2.0 * nu);
        let low = if margin - c > 0.0 {
            (margin - c).ln().max(-1.5)
        } else {
            -1.5
        };
        low + u * (1.5 - low)
    }

    proptest! {
        #[test]
        fn derivatives_match_central_differences(
            x in 0u32..=8, y in 0u32..=8,
            u_home in 0.0f64..1.0, u_away in 0.0f64..1.0,
            nu in 0.2f64..4.0,
        ) {
            let (eta_home, eta_away) = (eta_inside(u_home, nu, 0.05), eta_inside(u_away, nu, 0.05));
            let z = [eta_home, eta_away, nu];
            let l = at(x, y)(&z);
            prop_assert!(l.is_finite());
            prop_assert!((l.value - log_prob(x, y, eta_home, eta_away, &[nu])).abs() < 1e-13);
            // near the edge base → 0 the third derivatives grow like base⁻³:
            // the step shrinks with base so that h² truncation stays small
            let c = (nu - 1.0) / (2.0 * nu);
            let base = (eta_home.exp() + c).min(eta_away.exp() + c);
            let (g, h) = finite_difference_errors(at(x, y), z, 1e-5 * base.min(1.0));
            prop_assert!(g < 1e-6 && h < 1e-5, "gradient {g:e} hessian {h:e} at {z:?}");
        }

        #[test]
        fn nu_one_is_poisson(
            x in 0u32..=12, y in 0u32..=12,
            eta_home in -1.5f64..1.5, eta_away in -1.5f64..1.5,
        ) {
            let ours = log_prob(x, y, eta_home, eta_away, &[1.0]);
            let poisson = poisson_log_prob(x, y, eta_home, eta_away);
            prop_assert!((ours - poisson).abs() < 1e-12, "{ours} vs {poisson}");
        }

        #[test]
        fn the_grid_sums_to_one_and_holds_the_log_probabilities(
            u_home in 0.0f64..1.0, u_away in 0.0f64..1.0, nu in 0.2f64..4.0,
        ) {
            let (eta_home, eta_away) = (eta_inside(u_home, nu, 1e-3), eta_inside(u_away, nu, 1e-3));
            let (mh, ma) = (eta_home.exp(), eta_away.exp());
            let mut m = 0;
            while marginal_tail(mh, &[nu], m) + marginal_tail(ma, &[nu], m) >= 1e-13 {
                m += 1;
            }
            let grid = score_grid(mh, ma, &[nu], m);
            let total: f64 = grid.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-12, "mass {total} with max goals {m}");
            for (x, y) in [(0, 0), (1, 0), (2, 2), (3, 1)] {
                if x <= m && y <= m {
                    let p = grid[x * (m + 1) + y];
                    let q = log_prob(x as u32, y as u32, eta_home, eta_away, &[nu]).exp();
                    prop_assert!((p - q).abs() < 1e-13 * q, "{p} {q}");
                }
            }
        }
    }

    #[test]
    fn the_marginal_tail_is_the_mass_beyond_m() {
        for (mean, nu) in [(1.4, 1.0), (2.7, 0.6), (0.8, 1.8)] {
            let pmf = marginal_pmf(mean, nu, 200).unwrap();
            for m in [0usize, 1, 3, 6, 10] {
                let beyond: f64 = pmf[m + 1..].iter().sum();
                let tail = marginal_tail(mean, &[nu], m);
                assert!(
                    (beyond - tail).abs() < 1e-14,
                    "{mean} {nu} m {m}: {beyond} vs {tail}"
                );
            }
        }
    }

    /// Values of the reference script's `cmp_terms` (log P and the first
    /// derivatives in (η_home, η_away, ν)), computed with
    /// `cd benches/peers && OMP_NUM_THREADS=1 /work/main/.venv/bin/python -c "import numpy as np, reference_families as r; t = r.cmp_terms(np.array([x]), np.array([y]), np.exp(np.array([eh])), np.exp(np.array([ea])), [nu]); print(t)"`
    /// for each row `(x, y, eh, ea, nu)` below (it returns None at the
    /// last point: e^−1.3 − 0.4/1.2 < 0, beyond goalmodel's domain, where
    /// the base is continued, see `LogRate`).
    #[test]
    fn values_equal_the_reference_script() {
        #[rustfmt::skip]
        let rows: [(u32, u32, f64, f64, f64, [f64; 4]); 5] = [
            (0, 0, 0.1, -0.2, 1.15, [-1.976999412376134, -1.1881809165512498, -0.8615652053714308, -0.3428780922880865]),
            (2, 1, 0.4, 0.05, 0.8, [-2.5202012050986005, 0.4278044373142102, -0.0588620599503517, 0.7136969283907084]),
            (3, 3, -0.5, 0.2, 1.0, [-6.311452356328912, 2.3934693402873664, 1.7785972418398301, -1.1625463726968455]),
            (5, 2, 1.2, -1.0, 1.6, [-5.441214504135015, 2.558344723765559, 1.751609300230344, -0.7346038211801463]),
            (7, 0, 1.5, -1.5, 2.5, [-3.078647609842672, 5.919540646707663, -0.1876570987134235, -0.30560238452636235]),
        ];
        for (x, y, eh, ea, nu, expected) in rows {
            let l = log_prob_derivatives(x, y, eh, ea, &[nu]);
            assert!((log_prob(x, y, eh, ea, &[nu]) - expected[0]).abs() < 1e-12);
            for (ours, theirs) in [l.value, l.gradient[0], l.gradient[1], l.gradient[2]]
                .into_iter()
                .zip(expected)
            {
                assert!(
                    (ours - theirs).abs() < 1e-12 * theirs.abs().max(1.0),
                    "({x}, {y}, {eh}, {ea}, {nu}): {ours} vs {theirs}"
                );
            }
        }
        assert!(log_prob(1, 4, -1.3, 0.9, &[0.6]).is_finite());
    }

    /// Across and beyond the edge of goalmodel's domain (`ν < 1`, `m`
    /// from well inside to far below `−c`) the continued base has exact
    /// derivatives, and `ln P(0)` of a side rises to 0 as `m → 0` with a
    /// slope that vanishes (so a ridge holds its rating).
    #[test]
    fn the_continued_base_has_exact_derivatives_and_a_vanishing_slope() {
        for nu in [0.3, 0.7, 0.97] {
            let c: f64 = (nu - 1.0) / (2.0 * nu);
            for factor in [3.0, 1.2, 1.11, 1.1, 1.05, 0.9, 0.5, 0.2] {
                let eta = (-c * factor).ln();
                for (x, y) in [(0, 0), (1, 2), (3, 0)] {
                    let z = [eta, 0.1, nu];
                    let l = at(x, y)(&z);
                    assert!(l.is_finite(), "{z:?}");
                    let (g, h) = finite_difference_errors(at(x, y), z, 1e-6);
                    assert!(
                        g < 1e-6 && h < 1e-4,
                        "gradient {g:e} hessian {h:e} at {z:?}"
                    );
                }
            }
            let slope = |eta: f64| log_prob_derivatives(0, 0, eta, 0.1, &[nu]).gradient[0];
            let edge = (-c).ln();
            assert!(slope(edge - 1.0).abs() < slope(edge).abs());
            assert!(slope(edge - 3.0).abs() < 1e-6);
        }
    }

    #[test]
    fn outside_the_domain_is_minus_infinity_never_nan() {
        for (eh, ea, nu) in [
            (0.1, 0.2, 0.0),
            (0.1, 0.2, -1.0),
            (0.1, 0.2, f64::NAN),
            (f64::NAN, 0.2, 1.0),
            (0.1, f64::INFINITY, 1.0),
            (0.1, 0.2, f64::INFINITY),
        ] {
            assert_eq!(log_prob(1, 1, eh, ea, &[nu]), f64::NEG_INFINITY);
            assert_eq!(log_prob_derivatives(1, 1, eh, ea, &[nu]), Local::OUTSIDE);
        }
        assert!(score_grid(1.0, 1.0, &[f64::NAN], 5)
            .iter()
            .all(|p| *p == 0.0));
        // beyond goalmodel's domain the continued base prices the side
        let grid = score_grid(0.2, 1.0, &[0.6], 30);
        assert!((grid.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(marginal_tail(1.0, &[f64::NAN], 5), 1.0);
        // large scores and strong over-dispersion stay finite
        let l = log_prob_derivatives(40, 35, 1.0, 0.5, &[0.7]);
        assert!(l.value.is_finite() && l.hessian.iter().flatten().all(|v| v.is_finite()));
        let l = log_prob_derivatives(3, 2, 3.0, 2.9, &[0.1]);
        assert!(l.value.is_finite() && l.hessian.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    #[ignore = "needs target/peers/reference_families.json (benches/peers/reference_families.py)"]
    fn parity_with_the_reference_fits() {
        crate::distributions::bivariate_poisson::tests::reference_parity(
            "conway_maxwell_poisson",
            "nu",
            |x, y, eh, ea, e| log_prob_derivatives(x, y, eh, ea, &[e]),
            |h, a, e, m| score_grid(h, a, &[e], m),
            |r, e, m| marginal_tail(r, &[e], m),
        );
    }

    /// Cost of one `log_prob_derivatives` call (scores 0..=4 × 0..=3,
    /// `η_home` in [−0.4, 0.4], `η_away = −η_home/2`): the median and the
    /// best of 7 rounds of 200 000 calls. Run with
    /// `cargo test -p scoreline-dixon-coles --lib distributions::conway_maxwell_poisson --config 'profile.dev.package.scoreline-dixon-coles.opt-level=3' -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn time_log_prob_derivatives() {
        let n = 200_000;
        let mut rounds: Vec<f64> = (0..7)
            .map(|_| {
                let start = std::time::Instant::now();
                let mut acc = 0.0;
                for i in 0..n {
                    let (x, y) = (((i * 7) % 5) as u32, ((i * 3) % 4) as u32);
                    let eta = (i % 17) as f64 * 0.05 - 0.4;
                    let l = log_prob_derivatives(
                        std::hint::black_box(x),
                        y,
                        eta,
                        -eta * 0.5,
                        &[std::hint::black_box(1.1)],
                    );
                    acc += l.hessian[2][2];
                }
                std::hint::black_box(acc);
                start.elapsed().as_nanos() as f64 / n as f64
            })
            .collect();
        rounds.sort_by(f64::total_cmp);
        println!(
            "conway_maxwell_poisson::log_prob_derivatives: median {:.0} ns, best {:.0} ns per call",
            rounds[3], rounds[0]
        );
    }
}
