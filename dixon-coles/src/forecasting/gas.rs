//! Score-driven (GAS) dynamic Dixon–Coles ratings, in the spirit of
//! Koopman & Lit (2019, *International Journal of Forecasting*): every team
//! carries an attack and a defence rating that move after each of its
//! matches by a step along the score (the gradient of the match's
//! log-likelihood).
//!
//! ## The model
//!
//! For a match of division `k` between home team h and away team a:
//!
//! ```text
//! η_home = log λ_home = μ_k + γ_k·[not neutral] + a_h − d_a
//! η_away = log λ_away = μ_k + a_a − d_h
//! P(x, y) = τ(x, y; λ_home, λ_away, ρ) · Pois(x; λ_home) · Pois(y; λ_away)
//! ```
//!
//! with the Dixon–Coles τ of the crate (see the crate documentation). The
//! division key is [`Match::division`] (`None` is one shared key). Ratings
//! belong to teams, not divisions: a relegated side keeps its rating and the
//! division intercept μ_k absorbs the level difference between divisions.
//!
//! ## The filter
//!
//! Every forecast of a date is made from the state before that date; then
//! all the date's matches update the state, each from the state before the
//! date (the order of a date's matches does not matter). For one match with
//! score `g = ∂ℓ/∂η` ([`match_gradient`]) and scaling `S` ([`Scaling`]):
//!
//! ```text
//! a_h ← a_h + α_a·m·S_h·g_home      d_a ← d_a − α_d·m·S_h·g_home
//! a_a ← a_a + α_a·m·S_a·g_away      d_h ← d_h − α_d·m·S_a·g_away
//! μ_k ← μ_k + α_μ·S_μ·(g_home + g_away)
//! γ_k ← γ_k + α_γ·S_h·g_home        (not at a neutral venue)
//! ρ   ← clamp(ρ + α_ρ·∂ℓ/∂ρ, −0.25, 0.25)
//! ```
//!
//! `m` is the team's step multiplier ("variance inflation at the summer
//! break"): `(1 + boost·(k − n)/k)·(1 + newcomer_boost·(k − N)/k)` with n
//! its matches since its last season break and N its matches in all, each
//! factor 1 once its count reaches k. The steps are computed at the
//! ratings the date's forecasts used (after any season-break regression).
//! `S_h`, `S_a`, `S_μ` are the scalings of λ_home, λ_away and
//! λ_home + λ_away; every scaled score is clamped to [−5, 5]. μ_k and γ_k
//! are per division and follow the same score-driven rule with small
//! steps; ρ is shared by all divisions (fixed when α_ρ = 0).
//!
//! Season break: when a team plays after a gap of at least
//! [`GasConfig::season_gap_days`] days, its ratings first regress toward the
//! mean rating of the division it last played in:
//! `a ← ā + φ·(a − ā)`, `d ← d̄ + φ·(d − d̄)`. Between season breaks there is
//! no per-match decay (ω = 1).
//!
//! New teams: a team seen for the first time starts at its division's mean
//! rating plus the learned newcomer offset of that division
//! ([`GasDixonColes::newcomer_offset`]): a weighted average of
//! [`GasConfig::newcomer_offset`] (weight [`GasConfig::newcomer_prior_weight`])
//! and the offsets from the division mean that the division's earlier
//! newcomers had at the end of their first season.
//!
//! ```
//! use chrono::NaiveDate;
//! use scoreline_dixon_coles::data::Match;
//! use scoreline_dixon_coles::forecasting::gas::GasDixonColes;
//! use scoreline_dixon_coles::forecasting::{Forecaster, Pairing};
//!
//! let day = NaiveDate::from_ymd_opt(2024, 8, 10).unwrap();
//! let mut model = GasDixonColes::default();
//! model.observe(&[Match::new(day, "Ajax", "PSV", 3, 0)]).unwrap();
//! let next = Match::new(day.succ_opt().unwrap(), "PSV", "Ajax", 0, 0);
//! let p = model.forecast(&[Pairing::of(&next)]).unwrap()[0];
//! assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! assert!(p[2] > p[0] - 0.2);
//! ```

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use super::{ForecastError, Forecaster, Outcome3, Pairing};
use crate::data::Match;

/// The model's name on the leaderboard.
const NAME: &str = "gas_dixon_coles";

/// The key of matches with no division.
const NO_DIVISION: &str = "";

/// Log-rates are clamped to `[−ETA_MAX, ETA_MAX]` before exponentiation.
const ETA_MAX: f64 = 4.0;

/// A scaled score component is clamped to `[−SCORE_CAP, SCORE_CAP]`.
const SCORE_CAP: f64 = 5.0;

/// The τ factor below which a cell's dependence term is dropped.
const TAU_FLOOR: f64 = 1e-9;

/// The bound on |ρ| when it is updated.
const RHO_BOUND: f64 = 0.25;

/// Days a team stays a member of a division after its last match there:
/// less than a year, so the sides relegated a season earlier drop out of
/// the mean at the end of the next season, more than a summer break.
const MEMBERSHIP_DAYS: i64 = 300;

/// Days after a division's first match before its new teams count as
/// newcomers (promoted sides rather than the founding members of the data).
const ESTABLISHED_DAYS: i64 = 180;

/// How a score component is scaled before the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scaling {
    /// `S = 1`: the raw gradient.
    Unit,
    /// `S = 1/λ`: the inverse Fisher information of a Poisson log-rate
    /// (λ floored at 0.2); for μ, `S_μ = 1/(λ_home + λ_away)`.
    InverseFisher,
    /// `S = 1/√λ`: the inverse square root of the Poisson information
    /// (λ floored at 0.2); for μ, `S_μ = 1/√(λ_home + λ_away)`.
    InverseSqrtFisher,
}

impl Scaling {
    /// The scale `S` of a log-rate with rate `lambda` (see the variants).
    fn of(self, lambda: f64) -> f64 {
        let l = lambda.max(0.2);
        match self {
            Scaling::Unit => 1.0,
            Scaling::InverseFisher => 1.0 / l,
            Scaling::InverseSqrtFisher => 1.0 / l.sqrt(),
        }
    }
}

/// The options of [`GasDixonColes`].
#[derive(Debug, Clone, PartialEq)]
pub struct GasConfig {
    /// α_a: the step of attack ratings.
    pub alpha_attack: f64,
    /// α_d: the step of defence ratings.
    pub alpha_defence: f64,
    /// α_μ: the step of the division intercepts.
    pub alpha_intercept: f64,
    /// α_γ: the step of the division home advantages.
    pub alpha_home: f64,
    /// α_ρ: the step of ρ (0 keeps ρ fixed at [`Self::rho`]).
    pub alpha_rho: f64,
    /// ρ: the Dixon–Coles low-score dependence (its start value when
    /// `alpha_rho > 0`), within (−0.25, 0.25).
    pub rho: f64,
    /// How the score is scaled.
    pub scaling: Scaling,
    /// The gap (days since a team's last match) that starts a new season.
    pub season_gap_days: i64,
    /// φ: the regression toward the division mean at a season break
    /// (1 keeps the ratings, 0 resets them to the mean), in [0, 1].
    pub phi: f64,
    /// k: how many matches after a season break take a larger step.
    pub season_start_matches: u32,
    /// The extra step of the first match after a break (decaying linearly
    /// to 0 over k matches), ≥ 0.
    pub season_start_boost: f64,
    /// The extra step of a team's first match in the data (decaying
    /// linearly to 0 over its first k matches; on top of the season-start
    /// boost), ≥ 0.
    pub newcomer_boost: f64,
    /// The prior offset from the division mean of a new team's attack and
    /// defence (negative: newcomers are weaker).
    pub newcomer_offset: f64,
    /// The weight (in teams) of [`Self::newcomer_offset`] against the
    /// offsets learned from the division's earlier newcomers, ≥ 0.
    pub newcomer_prior_weight: f64,
    /// The start value of a division intercept μ.
    pub initial_intercept: f64,
    /// The start value of a division home advantage γ.
    pub initial_home: f64,
}

// Tuning record (the `tune_on_old_seasons` harness of
// tests/forecasting_gas.rs; targets: seasons 1995-96 to 2009-10 of E0 and
// E1 (both observed), D1, SP1, I1, F1, walk-forward by matchday; mean RPS
// and log loss over all six). Later seasons were never looked at.
// - First guess (InverseSqrtFisher, α 0.06, φ 0.8, k 8, boost 1):
//   RPS 0.2100, log loss 1.0325. Smaller steps were much better.
// - α × scaling × boost: Unit, InverseSqrtFisher and InverseFisher all
//   reach RPS ≈ 0.2056 at their best α (Unit 0.015, ISF 0.02, IF 0.02–0.025);
//   Unit was best by a hair (0.20560, log loss 1.01699). Boost 3 hurt, 0–1
//   about equal.
// - One at a time from there: φ 0.6 / 0.7 / 0.8 / 0.9 / 1.0 → 0.2065 /
//   0.2060 / 0.2056 / 0.2054 / 0.2054 (mild regression is enough); k 4–38
//   flat; α_attack ≠ α_defence no better; newcomer offset 0 to −0.3 and its
//   prior weight 0–10 flat (±0.0001); α_μ 0–0.01 flat; α_γ = 0 worse
//   (0.2069), 0.002 best; ρ −0.1 or an updated ρ (α_ρ 0.0005–0.002)
//   slightly better in log loss (1.0164–1.0166 vs 1.0170).
// - Joint α {0.012 … 0.022} × boost {0.5, 1, 2} × φ {0.85, 0.9, 0.95} with
//   k 16, α_ρ 0.001, ρ₀ −0.08: best α 0.012, boost 1, φ 0.95: RPS 0.20526,
//   log loss 1.01545 (a flat optimum: α 0.015 boost 0.5 φ 0.95 is 1.01551).
// - A newcomer boost of 0.5–1 on top: 1.01541 (kept at 0.5); 2–4 worse.
// - Division membership window 400 → 300 days (a fix: sides relegated a
//   season earlier had stayed in the mean): RPS 0.20522, log loss 1.01532.
impl Default for GasConfig {
    /// The defaults, tuned on seasons before 2010 only (see the tuning
    /// record in the source and [`candidates`]).
    fn default() -> Self {
        Self {
            alpha_attack: 0.012,
            alpha_defence: 0.012,
            alpha_intercept: 0.002,
            alpha_home: 0.002,
            alpha_rho: 0.001,
            rho: -0.08,
            scaling: Scaling::Unit,
            season_gap_days: 30,
            phi: 0.95,
            season_start_matches: 16,
            season_start_boost: 1.0,
            newcomer_boost: 0.5,
            newcomer_offset: -0.1,
            newcomer_prior_weight: 3.0,
            initial_intercept: 0.25,
            initial_home: 0.25,
        }
    }
}

impl GasConfig {
    /// Checks every option, naming the first that is out of range.
    pub fn validate(&self) -> Result<(), ForecastError> {
        let bad = |option: &'static str, reason: &str| ForecastError::InvalidOption {
            model: NAME.to_owned(),
            option,
            reason: reason.to_owned(),
        };
        let steps = [
            ("alpha_attack", self.alpha_attack),
            ("alpha_defence", self.alpha_defence),
            ("alpha_intercept", self.alpha_intercept),
            ("alpha_home", self.alpha_home),
            ("alpha_rho", self.alpha_rho),
            ("season_start_boost", self.season_start_boost),
            ("newcomer_prior_weight", self.newcomer_prior_weight),
            ("newcomer_boost", self.newcomer_boost),
        ];
        for (name, v) in steps {
            if !(v.is_finite() && (0.0..=10.0).contains(&v)) {
                return Err(bad(name, &format!("{v} is not in [0, 10]")));
            }
        }
        if !(self.rho.is_finite() && self.rho.abs() < RHO_BOUND) {
            return Err(bad("rho", &format!("{} is not in (−0.25, 0.25)", self.rho)));
        }
        if !(self.phi.is_finite() && (0.0..=1.0).contains(&self.phi)) {
            return Err(bad("phi", &format!("{} is not in [0, 1]", self.phi)));
        }
        if self.season_gap_days < 1 {
            return Err(bad("season_gap_days", "must be at least 1"));
        }
        for (name, v) in [
            ("newcomer_offset", self.newcomer_offset),
            ("initial_intercept", self.initial_intercept),
            ("initial_home", self.initial_home),
        ] {
            if !(v.is_finite() && v.abs() <= 2.0) {
                return Err(bad(name, &format!("{v} is not in [−2, 2]")));
            }
        }
        Ok(())
    }
}

/// A small grid (12 configurations) of rating steps α (attack = defence
/// ∈ {0.009, 0.012, 0.016}) × (φ, season-start boost) ∈ {(0.95, 1),
/// (0.85, 1), (0.95, 0), (0.95, 2)}, everything else at the default, for
/// an out-of-sample selection of the configuration; the first is
/// [`GasConfig::default`].
pub fn candidates() -> Vec<GasConfig> {
    let base = GasConfig::default();
    let mut out = vec![base.clone()];
    for alpha in [0.009, 0.012, 0.016] {
        for (phi, boost) in [(0.95, 1.0), (0.85, 1.0), (0.95, 0.0), (0.95, 2.0)] {
            let c = GasConfig {
                alpha_attack: alpha,
                alpha_defence: alpha,
                phi,
                season_start_boost: boost,
                ..base.clone()
            };
            if c != base {
                out.push(c);
            }
        }
    }
    out
}

/// The Dixon–Coles dependence factor
/// `τ(0,0) = 1 − λν·ρ`, `τ(0,1) = 1 + λ·ρ`, `τ(1,0) = 1 + ν·ρ`,
/// `τ(1,1) = 1 − ρ`, 1 otherwise (λ home rate, ν away rate).
pub fn tau(x: u32, y: u32, lambda: f64, nu: f64, rho: f64) -> f64 {
    match (x, y) {
        (0, 0) => 1.0 - lambda * nu * rho,
        (0, 1) => 1.0 + lambda * rho,
        (1, 0) => 1.0 + nu * rho,
        (1, 1) => 1.0 - rho,
        _ => 1.0,
    }
}

/// The log-likelihood of one score `(x, y)` at log-rates `η_home`,
/// `η_away` (λ = e^η_home, ν = e^η_away):
/// `ℓ = log τ(x, y) + x·η_home − λ − log x! + y·η_away − ν − log y!`,
/// the τ term dropped when τ ≤ 1e-9 (where the model is undefined).
pub fn match_log_likelihood(x: u32, y: u32, eta_home: f64, eta_away: f64, rho: f64) -> f64 {
    let (lambda, nu) = (eta_home.exp(), eta_away.exp());
    let t = tau(x, y, lambda, nu, rho);
    let log_tau = if t > TAU_FLOOR { t.ln() } else { 0.0 };
    let xf = f64::from(x);
    let yf = f64::from(y);
    log_tau + xf * eta_home - lambda - ln_factorial(x) + yf * eta_away - nu - ln_factorial(y)
}

/// `log k!` (exact sum below 30, Stirling's series above).
fn ln_factorial(k: u32) -> f64 {
    if k < 30 {
        (2..=k).map(|i| f64::from(i).ln()).sum()
    } else {
        let n = f64::from(k) + 1.0;
        (n - 0.5) * n.ln() - n + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * n)
            - 1.0 / (360.0 * n * n * n)
    }
}

/// The score of one match: the gradient of [`match_log_likelihood`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchGradient {
    /// `∂ℓ/∂η_home = x − λ + ∂log τ/∂η_home`.
    pub home: f64,
    /// `∂ℓ/∂η_away = y − ν + ∂log τ/∂η_away`.
    pub away: f64,
    /// `∂ℓ/∂ρ = ∂log τ/∂ρ`.
    pub rho: f64,
}

/// The score `∂ℓ/∂(η_home, η_away, ρ)` of one match (see
/// [`match_log_likelihood`]):
///
/// ```text
/// ∂ℓ/∂η_home = x − λ + ∂log τ/∂η_home     ∂ℓ/∂η_away = y − ν + ∂log τ/∂η_away
/// (0,0): ∂log τ/∂η_home = ∂log τ/∂η_away = −λνρ/τ,  ∂log τ/∂ρ = −λν/τ
/// (0,1): ∂log τ/∂η_home = λρ/τ,                     ∂log τ/∂ρ = λ/τ
/// (1,0): ∂log τ/∂η_away = νρ/τ,                     ∂log τ/∂ρ = ν/τ
/// (1,1): ∂log τ/∂ρ = −1/τ
/// ```
///
/// and every other τ derivative 0. By the chain rule the rating scores are
/// `∂ℓ/∂a_h = ∂ℓ/∂η_home`, `∂ℓ/∂d_a = −∂ℓ/∂η_home`,
/// `∂ℓ/∂a_a = ∂ℓ/∂η_away`, `∂ℓ/∂d_h = −∂ℓ/∂η_away`,
/// `∂ℓ/∂μ = ∂ℓ/∂η_home + ∂ℓ/∂η_away`, `∂ℓ/∂γ = ∂ℓ/∂η_home` (not neutral).
pub fn match_gradient(x: u32, y: u32, eta_home: f64, eta_away: f64, rho: f64) -> MatchGradient {
    let (lambda, nu) = (eta_home.exp(), eta_away.exp());
    let mut g = MatchGradient {
        home: f64::from(x) - lambda,
        away: f64::from(y) - nu,
        rho: 0.0,
    };
    let t = tau(x, y, lambda, nu, rho);
    if t <= TAU_FLOOR {
        return g;
    }
    match (x, y) {
        (0, 0) => {
            let d = -lambda * nu * rho / t;
            g.home += d;
            g.away += d;
            g.rho = -lambda * nu / t;
        }
        (0, 1) => {
            g.home += lambda * rho / t;
            g.rho = lambda / t;
        }
        (1, 0) => {
            g.away += nu * rho / t;
            g.rho = nu / t;
        }
        (1, 1) => g.rho = -1.0 / t,
        _ => {}
    }
    g
}

/// The Poisson pmf `P(k) = e^−λ λ^k / k!` for k = 0, 1, … until the mass
/// left beyond is below 1e-12 (at most 400 terms).
fn poisson_pmf(lambda: f64, out: &mut Vec<f64>) {
    out.clear();
    let mut p = (-lambda).exp();
    let mut cum = 0.0;
    for k in 0..400u32 {
        out.push(p);
        cum += p;
        if 1.0 - cum < 1e-12 && f64::from(k) > lambda {
            break;
        }
        p *= lambda / f64::from(k + 1);
    }
}

/// The 1X2 probabilities of the Dixon–Coles score distribution with rates
/// `λ` (home), `ν` (away) and dependence ρ:
///
/// ```text
/// P(home) = Σ_x p_λ(x)·F_ν(x − 1)    P(draw) = Σ_x p_λ(x)·p_ν(x)    P(away) = 1 − both
/// ```
///
/// with the Poisson pmfs cut where the mass beyond is below 1e-12, then
/// `(τ − 1)·p_λ(x)·p_ν(y)` added for the four low cells (to the draw for
/// (0,0) and (1,1), the home win for (1,0), the away win for (0,1)), each
/// cell's probability floored at 0, and the triple normalised. Rates are
/// clamped to `[e^−4, e^4]`.
pub fn outcome_probabilities(lambda: f64, nu: f64, rho: f64) -> Outcome3 {
    let clamp = |r: f64| {
        if r.is_finite() {
            r.clamp((-ETA_MAX).exp(), ETA_MAX.exp())
        } else {
            1.0
        }
    };
    let (lambda, nu) = (clamp(lambda), clamp(nu));
    let rho = if rho.is_finite() { rho } else { 0.0 };
    let mut ph = Vec::with_capacity(32);
    let mut pa = Vec::with_capacity(32);
    poisson_pmf(lambda, &mut ph);
    poisson_pmf(nu, &mut pa);
    let (mut home, mut draw, mut away) = (0.0, 0.0, 0.0);
    let mut cdf_a = 0.0; // F_ν(x − 1)
    for (x, &px) in ph.iter().enumerate() {
        let pay = pa.get(x).copied().unwrap_or(0.0);
        home += px * cdf_a;
        draw += px * pay;
        cdf_a += pay;
    }
    let total_a: f64 = pa.iter().sum();
    let total_h: f64 = ph.iter().sum();
    away += total_h * total_a - home - draw;
    let cell =
        |x: usize, y: usize| ph.get(x).copied().unwrap_or(0.0) * pa.get(y).copied().unwrap_or(0.0);
    // A cell's corrected probability is τ·p ≥ 0: the correction is at least −p.
    let adj = |x: u32, y: u32| {
        let p = cell(x as usize, y as usize);
        (tau(x, y, lambda, nu, rho) - 1.0).max(-1.0) * p
    };
    draw += adj(0, 0) + adj(1, 1);
    home += adj(1, 0);
    away += adj(0, 1);
    let (home, draw, away) = (home.max(0.0), draw.max(0.0), away.max(0.0));
    let sum = home + draw + away;
    if sum > 0.0 && sum.is_finite() {
        [home / sum, draw / sum, away / sum]
    } else {
        [1.0 / 3.0; 3]
    }
}

/// What the filter knows of one team.
#[derive(Debug, Clone)]
struct Team {
    /// Attack rating (log scale).
    attack: f64,
    /// Defence rating (log scale).
    defence: f64,
    /// Its last match.
    last_date: NaiveDate,
    /// The division of its last match.
    division: String,
    /// Matches since its last season break.
    season_matches: u32,
    /// Matches in all.
    total_matches: u32,
}

/// What the filter knows of one division.
#[derive(Debug, Clone)]
struct Division {
    /// μ: the intercept.
    intercept: f64,
    /// γ: the home advantage.
    home: f64,
    /// Its first and last match.
    first_date: NaiveDate,
    last_date: NaiveDate,
    /// Every team that played in it, with its last match there.
    /// (Sorted, so sums over members are the same in every run.)
    members: BTreeMap<String, NaiveDate>,
    /// Newcomers of the current season, not yet recorded.
    pending: Vec<String>,
    /// The sums of recorded newcomers' (attack, defence) offsets and their count.
    newcomer_sum: (f64, f64),
    newcomer_count: f64,
}

/// Score-driven dynamic Dixon–Coles ratings (see the module documentation).
#[derive(Debug, Clone)]
pub struct GasDixonColes {
    config: GasConfig,
    rho: f64,
    teams: FxHashMap<String, Team>,
    divisions: FxHashMap<String, Division>,
    last_observed: Option<NaiveDate>,
}

impl Default for GasDixonColes {
    /// The filter with [`GasConfig::default`].
    fn default() -> Self {
        Self::with_valid_config(GasConfig::default())
    }
}

/// One match's pending update, computed from the state before its date.
struct Step {
    home: String,
    away: String,
    division: String,
    d_attack_home: f64,
    d_defence_away: f64,
    d_attack_away: f64,
    d_defence_home: f64,
    d_intercept: f64,
    d_home: f64,
    d_rho: f64,
}

impl GasDixonColes {
    /// A filter with `config`, checked by [`GasConfig::validate`].
    pub fn new(config: GasConfig) -> Result<Self, ForecastError> {
        config.validate()?;
        Ok(Self::with_valid_config(config))
    }

    fn with_valid_config(config: GasConfig) -> Self {
        Self {
            rho: config.rho,
            config,
            teams: FxHashMap::default(),
            divisions: FxHashMap::default(),
            last_observed: None,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GasConfig {
        &self.config
    }

    /// The current ρ.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// A team's stored (attack, defence), before any season-break
    /// regression still to come; `None` for a team never observed.
    pub fn rating(&self, team: &str) -> Option<(f64, f64)> {
        self.teams.get(team).map(|t| (t.attack, t.defence))
    }

    /// A division's (μ, γ); `None` for a division never observed (`None`
    /// as the division is the shared key of matches without one).
    pub fn division_levels(&self, division: Option<&str>) -> Option<(f64, f64)> {
        self.divisions
            .get(division.unwrap_or(NO_DIVISION))
            .map(|d| (d.intercept, d.home))
    }

    /// The mean (attack, defence) of the teams whose last match in
    /// `division` is at most 300 days before `date`, (0, 0) when none.
    fn division_mean(&self, division: &str, date: NaiveDate) -> (f64, f64) {
        let Some(div) = self.divisions.get(division) else {
            return (0.0, 0.0);
        };
        let (mut a, mut d, mut n) = (0.0, 0.0, 0.0);
        for (name, &last) in &div.members {
            if (date - last).num_days() <= MEMBERSHIP_DAYS {
                if let Some(t) = self.teams.get(name) {
                    a += t.attack;
                    d += t.defence;
                    n += 1.0;
                }
            }
        }
        if n > 0.0 {
            (a / n, d / n)
        } else {
            (0.0, 0.0)
        }
    }

    /// True when `date` starts a new season for a division last seen on `last`.
    fn is_break(&self, last: NaiveDate, date: NaiveDate) -> bool {
        (date - last).num_days() >= self.config.season_gap_days
    }

    /// The learned newcomer offset of a division as of `date`:
    /// `(w·o + Σ offsets) / (w + n)` with o = [`GasConfig::newcomer_offset`],
    /// w = [`GasConfig::newcomer_prior_weight`] and the sum over the n
    /// newcomers recorded so far (attack offset, defence offset). At a
    /// division's season break its newcomers of the season before count
    /// too (their offsets from the division mean at the end of it).
    pub fn newcomer_offset(&self, division: Option<&str>, date: NaiveDate) -> (f64, f64) {
        let key = division.unwrap_or(NO_DIVISION);
        let w = self.config.newcomer_prior_weight;
        let o = self.config.newcomer_offset;
        let Some(div) = self.divisions.get(key) else {
            return (o, o);
        };
        let (mut sa, mut sd) = div.newcomer_sum;
        let mut n = div.newcomer_count;
        if self.is_break(div.last_date, date) && !div.pending.is_empty() {
            let (ma, md) = self.division_mean(key, div.last_date);
            for name in &div.pending {
                if let Some(t) = self.teams.get(name) {
                    sa += t.attack - ma;
                    sd += t.defence - md;
                    n += 1.0;
                }
            }
        }
        if w + n > 0.0 {
            ((w * o + sa) / (w + n), (w * o + sd) / (w + n))
        } else {
            (o, o)
        }
    }

    /// A team's (attack, defence) for a match on `date` in `division`:
    /// its stored ratings, regressed toward the mean of its last division
    /// (`a ← ā + φ·(a − ā)`) when `date` starts a new season for it; for an
    /// unknown team the division mean plus the newcomer offset.
    fn effective(&self, team: &str, division: &str, date: NaiveDate) -> (f64, f64) {
        match self.teams.get(team) {
            Some(t) => {
                if self.is_break(t.last_date, date) {
                    let (ma, md) = self.division_mean(&t.division, t.last_date);
                    let phi = self.config.phi;
                    (ma + phi * (t.attack - ma), md + phi * (t.defence - md))
                } else {
                    (t.attack, t.defence)
                }
            }
            None => {
                let (ma, md) = self.division_mean(division, date);
                let (oa, od) = self.newcomer_offset(Some(division), date);
                (ma + oa, md + od)
            }
        }
    }

    /// (μ, γ) of a division, the configured start values when unknown.
    fn levels(&self, division: &str) -> (f64, f64) {
        self.divisions
            .get(division)
            .map(|d| (d.intercept, d.home))
            .unwrap_or((self.config.initial_intercept, self.config.initial_home))
    }

    /// The log-rates `(η_home, η_away)` of a fixture from the state before
    /// `date` (see the module documentation), clamped to [−4, 4].
    fn log_rates(
        &self,
        home: &str,
        away: &str,
        neutral: bool,
        division: &str,
        date: NaiveDate,
    ) -> (f64, f64) {
        let (ah, dh) = self.effective(home, division, date);
        let (aa, da) = self.effective(away, division, date);
        let (mu, gamma) = self.levels(division);
        let g = if neutral { 0.0 } else { gamma };
        let eh = (mu + g + ah - da).clamp(-ETA_MAX, ETA_MAX);
        let ea = (mu + aa - dh).clamp(-ETA_MAX, ETA_MAX);
        let fix = |e: f64| if e.is_finite() { e } else { 0.0 };
        (fix(eh), fix(ea))
    }

    /// The step multiplier of a team that has played n matches since its
    /// last season break (n = 0 when `date` starts a season for it) and N
    /// matches in all (before this date):
    /// `m = (1 + boost·(k − n)/k) · (1 + newcomer_boost·(k − N)/k)`, each
    /// factor 1 once its count reaches k = [`GasConfig::season_start_matches`].
    fn multiplier(&self, team: &str, date: NaiveDate) -> f64 {
        let k = self.config.season_start_matches;
        let (n, total) = match self.teams.get(team) {
            Some(t) if !self.is_break(t.last_date, date) => (t.season_matches, t.total_matches),
            Some(t) => (0, t.total_matches),
            None => (0, 0),
        };
        let factor = |count: u32, boost: f64| {
            if k == 0 || count >= k {
                1.0
            } else {
                1.0 + boost * f64::from(k - count) / f64::from(k)
            }
        };
        factor(n, self.config.season_start_boost) * factor(total, self.config.newcomer_boost)
    }

    /// The update of one match from the state before its date.
    fn step(&self, m: &Match) -> Step {
        let division = m.division.as_deref().unwrap_or(NO_DIVISION);
        let (eh, ea) = self.log_rates(&m.home_team, &m.away_team, m.neutral, division, m.date);
        let g = match_gradient(m.home_goals, m.away_goals, eh, ea, self.rho);
        let sc = self.config.scaling;
        let (lambda, nu) = (eh.exp(), ea.exp());
        let cap = |v: f64| {
            if v.is_finite() {
                v.clamp(-SCORE_CAP, SCORE_CAP)
            } else {
                0.0
            }
        };
        let sh = cap(sc.of(lambda) * g.home);
        let sa = cap(sc.of(nu) * g.away);
        let smu = cap(sc.of(lambda + nu) * (g.home + g.away));
        let mh = self.multiplier(&m.home_team, m.date);
        let ma = self.multiplier(&m.away_team, m.date);
        let c = &self.config;
        Step {
            home: m.home_team.clone(),
            away: m.away_team.clone(),
            division: division.to_owned(),
            d_attack_home: c.alpha_attack * mh * sh,
            d_defence_away: -c.alpha_defence * ma * sh,
            d_attack_away: c.alpha_attack * ma * sa,
            d_defence_home: -c.alpha_defence * mh * sa,
            d_intercept: c.alpha_intercept * smu,
            d_home: if m.neutral { 0.0 } else { c.alpha_home * sh },
            d_rho: c.alpha_rho * cap(g.rho),
        }
    }

    /// Brings a division up to `date`: creates it, or at its season break
    /// records the last season's newcomers.
    fn touch_division(&mut self, key: &str, date: NaiveDate) {
        if !self.divisions.contains_key(key) {
            self.divisions.insert(
                key.to_owned(),
                Division {
                    intercept: self.config.initial_intercept,
                    home: self.config.initial_home,
                    first_date: date,
                    last_date: date,
                    members: BTreeMap::new(),
                    pending: Vec::new(),
                    newcomer_sum: (0.0, 0.0),
                    newcomer_count: 0.0,
                },
            );
            return;
        }
        let (last, has_pending) = match self.divisions.get(key) {
            Some(d) => (d.last_date, !d.pending.is_empty()),
            None => return,
        };
        if self.is_break(last, date) && has_pending {
            let (ma, md) = self.division_mean(key, last);
            let pending = self
                .divisions
                .get_mut(key)
                .map(|d| std::mem::take(&mut d.pending))
                .unwrap_or_default();
            let mut add = (0.0, 0.0, 0.0);
            for name in &pending {
                if let Some(t) = self.teams.get(name) {
                    add.0 += t.attack - ma;
                    add.1 += t.defence - md;
                    add.2 += 1.0;
                }
            }
            if let Some(d) = self.divisions.get_mut(key) {
                d.newcomer_sum.0 += add.0;
                d.newcomer_sum.1 += add.1;
                d.newcomer_count += add.2;
            }
        }
    }

    /// A team's start for `date` from the state before it: its effective
    /// ratings ([`Self::effective`]), whether the date starts a season for
    /// it, and whether it is a newcomer of an established division.
    fn start(&self, name: &str, division: &str, date: NaiveDate) -> Start {
        let (attack, defence) = self.effective(name, division, date);
        let (new_season, newcomer) = match self.teams.get(name) {
            Some(t) => (self.is_break(t.last_date, date), false),
            None => (
                true,
                self.divisions
                    .get(division)
                    .is_some_and(|d| (date - d.first_date).num_days() > ESTABLISHED_DAYS),
            ),
        };
        Start {
            name: name.to_owned(),
            division: division.to_owned(),
            attack,
            defence,
            new_season,
            newcomer,
        }
    }

    /// Applies a team's start: its ratings, its season counter, its
    /// newcomer record.
    fn apply_start(&mut self, s: Start, date: NaiveDate) {
        if s.newcomer {
            if let Some(d) = self.divisions.get_mut(&s.division) {
                d.pending.push(s.name.clone());
            }
        }
        let t = self.teams.entry(s.name).or_insert_with(|| Team {
            attack: s.attack,
            defence: s.defence,
            last_date: date,
            division: s.division,
            season_matches: 0,
            total_matches: 0,
        });
        t.attack = s.attack;
        t.defence = s.defence;
        if s.new_season {
            t.season_matches = 0;
        }
    }
}

/// A team's start on a date (see [`GasDixonColes::start`]).
struct Start {
    name: String,
    division: String,
    attack: f64,
    defence: f64,
    new_season: bool,
    newcomer: bool,
}

impl Forecaster for GasDixonColes {
    fn name(&self) -> String {
        NAME.to_owned()
    }

    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        let Some(first) = played.first() else {
            return Ok(());
        };
        let date = first.date;
        if let Some(m) = played.iter().find(|m| m.date != date) {
            return Err(ForecastError::OutOfOrder {
                model: NAME.to_owned(),
                reason: format!("one observe call holds {} and {}", date, m.date),
            });
        }
        if let Some(last) = self.last_observed {
            if date <= last {
                return Err(ForecastError::OutOfOrder {
                    model: NAME.to_owned(),
                    reason: format!("matches of {date} observed after those of {last}"),
                });
            }
        }
        // Every update from the state before the date.
        let steps: Vec<Step> = played.iter().map(|m| self.step(m)).collect();
        // Every team's start (season-break regression, newcomer prior),
        // also from the state before the date.
        let mut starts: Vec<Start> = Vec::with_capacity(2 * played.len());
        for m in played {
            let key = m.division.as_deref().unwrap_or(NO_DIVISION);
            for name in [&m.home_team, &m.away_team] {
                if !starts.iter().any(|s| &s.name == name) {
                    starts.push(self.start(name, key, date));
                }
            }
        }
        for m in played {
            let key = m.division.as_deref().unwrap_or(NO_DIVISION);
            self.touch_division(key, date);
        }
        for s in starts {
            self.apply_start(s, date);
        }
        for s in &steps {
            for (name, da, dd) in [
                (&s.home, s.d_attack_home, s.d_defence_home),
                (&s.away, s.d_attack_away, s.d_defence_away),
            ] {
                if let Some(t) = self.teams.get_mut(name) {
                    t.attack += da;
                    t.defence += dd;
                    t.last_date = date;
                    t.division.clone_from(&s.division);
                    t.season_matches = t.season_matches.saturating_add(1);
                    t.total_matches = t.total_matches.saturating_add(1);
                }
            }
            if let Some(d) = self.divisions.get_mut(&s.division) {
                d.intercept += s.d_intercept;
                d.home += s.d_home;
                d.last_date = date;
                d.members.insert(s.home.clone(), date);
                d.members.insert(s.away.clone(), date);
            }
            self.rho = (self.rho + s.d_rho).clamp(-RHO_BOUND, RHO_BOUND);
        }
        self.last_observed = Some(date);
        Ok(())
    }

    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        Ok(fixtures
            .iter()
            .map(|p| {
                let division = p.division.unwrap_or(NO_DIVISION);
                let (eh, ea) = self.log_rates(p.home, p.away, p.neutral, division, p.date);
                outcome_probabilities(eh.exp(), ea.exp(), self.rho)
            })
            .collect())
    }
}
