//! Dixon–Coles ratings fitted to a mix of goals and a shot statistic
//! (shots on target or expected goals), with a division effect.
//!
//! Goals are a noisy measure of how well a side played; shots on target
//! and xG are less noisy. This model refits, before every forecast, a
//! Poisson rating model to *mixed targets*
//!
//! ```text
//! y = (1 − w)·goals + w·k·statistic        (matches with the statistic)
//! y = goals                                (matches without it)
//! ```
//!
//! where `w` is the statistic's weight and `k` converts the statistic into
//! goals (the training window's weighted goals per unit of the statistic,
//! `k = Σ ω·goals / Σ ω·statistic` over the matches that have it: about
//! 0.3 goals per shot on target, about 1 for xG). The rates are
//!
//! ```text
//! log λ_home = μ[division] + γ·[not neutral] + attack[h] − defence[a]
//! log λ_away = μ[division] + attack[a] − defence[h]
//! ```
//!
//! with one intercept μ per division (a joint fit of a league and its
//! lower division prices the level difference), and the Dixon–Coles
//! dependence ρ is then fitted to the *goals* given those rates. The
//! forecast is the Dixon–Coles grid's 1X2. With `w = 0` the ratings are a
//! Poisson fit to goals with a division effect.

use std::collections::HashMap;

use chrono::NaiveDate;
use nalgebra::{DMatrix, DVector};

use super::{ForecastError, Forecaster, Outcome3, Pairing};
use crate::data::Match;
use crate::evaluation::backtest::outcome_of;
use crate::grid::{GridSize, ScoreGrid};

/// The statistic mixed into the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Shots on target (`HST`, `AST`).
    ShotsOnTarget,
    /// Expected goals.
    Xg,
}

impl Statistic {
    /// The statistic of a match (home, away), if recorded.
    pub fn of(self, m: &Match) -> Option<[f64; 2]> {
        match self {
            Self::ShotsOnTarget => m
                .stats
                .shots_on_target
                .map(|[h, a]| [f64::from(h), f64::from(a)]),
            Self::Xg => m.stats.xg,
        }
    }

    /// The statistic's name in model names and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::ShotsOnTarget => "shots_on_target",
            Self::Xg => "xg",
        }
    }
}

/// The options of a [`MixedGoalsDixonColes`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixedGoalsConfig {
    /// The statistic mixed into the targets.
    pub statistic: Statistic,
    /// Its weight `w` in `[0, 1]`.
    pub weight: f64,
    /// Time decay ξ per day: a match `t` days before the forecast date
    /// weighs `exp(−ξ·t)`.
    pub xi_per_day: f64,
    /// Only matches within this many days before the forecast date count.
    pub window_days: u32,
    /// Ridge penalty `ridge/2·Σ(attack² + defence²)` (fixes the gauge and
    /// prices a side without history at the average).
    pub ridge: f64,
    /// With fewer matches in the window the model does not fit and
    /// forecasts the window's home, draw and away shares instead (the
    /// backtests skip such folds too).
    pub min_matches: usize,
    /// When true, a forecast whose training window has no match with the
    /// statistic is a [`ForecastError::MissingStatistic`] error; when false
    /// (the default) such a window is fitted to goals alone
    /// ([`MixedGoalsDixonColes::statistic_coverage`] tells how much of the
    /// window had it).
    pub require_statistic: bool,
}

impl Default for MixedGoalsConfig {
    /// Shots on target at weight 0.5, ξ = 0.0018/day, four years of
    /// history, ridge 1e-3 (the league report's settings).
    fn default() -> Self {
        Self {
            statistic: Statistic::ShotsOnTarget,
            weight: 0.5,
            xi_per_day: 0.0018,
            window_days: 4 * 365 + 1,
            ridge: 1e-3,
            min_matches: 100,
            require_statistic: false,
        }
    }
}

/// One observed match, indexed.
#[derive(Debug, Clone, Copy)]
struct Row {
    date: NaiveDate,
    home: usize,
    away: usize,
    division: usize,
    neutral: bool,
    goals: [u32; 2],
    statistic: Option<[f64; 2]>,
}

/// The fitted state: ratings by global team id, intercepts by division.
#[derive(Debug, Clone, Default)]
struct Fitted {
    attack: HashMap<usize, f64>,
    defence: HashMap<usize, f64>,
    intercept: HashMap<usize, f64>,
    home_advantage: f64,
    rho: f64,
}

/// Dixon–Coles ratings refitted before every forecast to goals mixed with
/// a shot statistic; see the module documentation.
#[derive(Debug, Clone)]
pub struct MixedGoalsDixonColes {
    name: String,
    config: MixedGoalsConfig,
    teams: HashMap<String, usize>,
    divisions: HashMap<String, usize>,
    rows: Vec<Row>,
    fitted: Option<Fitted>,
    /// Rows observed when `fitted` was computed, and its reference date.
    fitted_on: Option<(usize, NaiveDate)>,
    observed: usize,
}

impl MixedGoalsDixonColes {
    /// A model with no history. Errors: a weight outside `[0, 1]`, a
    /// negative or non-finite ξ or ridge, or a zero window.
    pub fn new(config: MixedGoalsConfig) -> Result<Self, ForecastError> {
        let invalid = |option, reason: &str| ForecastError::InvalidOption {
            model: format!("{}_dixon_coles", config.statistic.name()),
            option,
            reason: reason.to_owned(),
        };
        if !(0.0..=1.0).contains(&config.weight) {
            return Err(invalid("weight", "must be in [0, 1]"));
        }
        if !(config.xi_per_day.is_finite() && config.xi_per_day >= 0.0) {
            return Err(invalid("xi_per_day", "must be finite and ≥ 0"));
        }
        if !(config.ridge.is_finite() && config.ridge > 0.0) {
            return Err(invalid("ridge", "must be finite and > 0"));
        }
        if config.window_days == 0 {
            return Err(invalid("window_days", "must be at least 1"));
        }
        Ok(Self {
            name: format!("{}_dixon_coles", config.statistic.name()),
            config,
            teams: HashMap::new(),
            divisions: HashMap::new(),
            rows: Vec::new(),
            fitted: None,
            fitted_on: None,
            observed: 0,
        })
    }

    /// The same model under another name (e.g. `"division_dixon_coles"`
    /// for weight 0).
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Of the matches in the last training window: how many had the
    /// statistic, and how many there were.
    pub fn statistic_coverage(&self) -> (usize, usize) {
        let with = self.rows.iter().filter(|r| r.statistic.is_some()).count();
        (with, self.rows.len())
    }

    fn team(&mut self, name: &str) -> usize {
        let next = self.teams.len();
        *self.teams.entry(name.to_owned()).or_insert(next)
    }

    fn division(&mut self, code: Option<&str>) -> usize {
        let next = self.divisions.len();
        *self
            .divisions
            .entry(code.unwrap_or("").to_owned())
            .or_insert(next)
    }

    /// Refits on the window before `date` unless nothing changed.
    fn refit(&mut self, date: NaiveDate) -> Result<(), ForecastError> {
        if self.fitted_on == Some((self.observed, date)) {
            return Ok(());
        }
        let first = date - chrono::Days::new(u64::from(self.config.window_days));
        self.rows.retain(|r| r.date >= first);
        if self.config.require_statistic && self.rows.iter().all(|r| r.statistic.is_none()) {
            return Err(ForecastError::MissingStatistic {
                model: self.name(),
                statistic: match self.config.statistic {
                    Statistic::ShotsOnTarget => "shots on target",
                    Statistic::Xg => "xG",
                },
                what: format!(
                    "every match of the {} days before {date}",
                    self.config.window_days
                ),
            });
        }
        if self.rows.len() < self.config.min_matches {
            self.fitted = None;
            self.fitted_on = Some((self.observed, date));
            return Ok(());
        }
        let fitted =
            fit(&self.rows, date, &self.config, self.fitted.as_ref()).map_err(|reason| {
                ForecastError::Fit {
                    model: self.name(),
                    date,
                    reason,
                }
            })?;
        self.fitted = Some(fitted);
        self.fitted_on = Some((self.observed, date));
        Ok(())
    }
}

impl Forecaster for MixedGoalsDixonColes {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn observe(&mut self, played: &[Match]) -> Result<(), ForecastError> {
        for m in played {
            let row = Row {
                date: m.date,
                home: self.team(&m.home_team),
                away: self.team(&m.away_team),
                division: self.division(m.division.as_deref()),
                neutral: m.neutral,
                goals: [m.home_goals, m.away_goals],
                statistic: self
                    .config
                    .statistic
                    .of(m)
                    .filter(|s| s.iter().all(|v| v.is_finite() && *v >= 0.0)),
            };
            self.rows.push(row);
            self.observed += 1;
        }
        Ok(())
    }

    fn forecast(&mut self, fixtures: &[Pairing<'_>]) -> Result<Vec<Outcome3>, ForecastError> {
        let Some(date) = fixtures.iter().map(|p| p.date).min() else {
            return Ok(Vec::new());
        };
        self.refit(date)?;
        let Some(fitted) = self.fitted.clone() else {
            return Ok(vec![shares(&self.rows); fixtures.len()]);
        };
        let mean_intercept = if fitted.intercept.is_empty() {
            0.0
        } else {
            fitted.intercept.values().sum::<f64>() / fitted.intercept.len() as f64
        };
        fixtures
            .iter()
            .map(|p| {
                let rating = |team: &str, of: &HashMap<usize, f64>| {
                    self.teams
                        .get(team)
                        .and_then(|id| of.get(id))
                        .copied()
                        .unwrap_or(0.0)
                };
                let mu = p
                    .division
                    .and_then(|d| self.divisions.get(d))
                    .or_else(|| self.divisions.get(""))
                    .and_then(|d| fitted.intercept.get(d))
                    .copied()
                    .unwrap_or(mean_intercept);
                let home_advantage = if p.neutral {
                    0.0
                } else {
                    fitted.home_advantage
                };
                let home_rate = (mu + home_advantage + rating(p.home, &fitted.attack)
                    - rating(p.away, &fitted.defence))
                .exp();
                let away_rate =
                    (mu + rating(p.away, &fitted.attack) - rating(p.home, &fitted.defence)).exp();
                dixon_coles_outcomes(home_rate, away_rate, fitted.rho).map_err(|reason| {
                    ForecastError::Fit {
                        model: self.name(),
                        date: p.date,
                        reason,
                    }
                })
            })
            .collect()
    }
}

/// The home-win, draw and away-win shares of `rows` with one pseudo-match
/// of each outcome added (1/3 each when there are none).
fn shares(rows: &[Row]) -> Outcome3 {
    let mut counts = [1.0; 3];
    for r in rows {
        counts[outcome_of(r.goals[0], r.goals[1]) as usize] += 1.0;
    }
    let total: f64 = counts.iter().sum();
    counts.map(|c| c / total)
}

/// P(home), P(draw), P(away) of the Dixon–Coles grid with rates λ, ν and
/// dependence ρ ([`ScoreGrid::new`]).
pub(crate) fn dixon_coles_outcomes(
    home_rate: f64,
    away_rate: f64,
    rho: f64,
) -> Result<Outcome3, String> {
    let grid =
        ScoreGrid::new(home_rate, away_rate, rho, GridSize::Adaptive).map_err(|e| e.to_string())?;
    let o = grid.outcome_probabilities();
    Ok([o.home, o.draw, o.away])
}

/// The parameter layout of one fit: the window's teams and divisions
/// get consecutive positions.
struct Layout {
    /// Global team id → local position.
    team: HashMap<usize, usize>,
    teams: Vec<usize>,
    /// Global division id → local position.
    division: HashMap<usize, usize>,
    divisions: Vec<usize>,
}

impl Layout {
    fn new(rows: &[Row]) -> Self {
        let mut layout = Self {
            team: HashMap::new(),
            teams: Vec::new(),
            division: HashMap::new(),
            divisions: Vec::new(),
        };
        for r in rows {
            for t in [r.home, r.away] {
                if let std::collections::hash_map::Entry::Vacant(e) = layout.team.entry(t) {
                    e.insert(layout.teams.len());
                    layout.teams.push(t);
                }
            }
            if let std::collections::hash_map::Entry::Vacant(e) = layout.division.entry(r.division)
            {
                e.insert(layout.divisions.len());
                layout.divisions.push(r.division);
            }
        }
        layout
    }

    /// θ = [attack (n), defence (n), γ, μ (divisions)].
    fn len(&self) -> usize {
        2 * self.teams.len() + 1 + self.divisions.len()
    }
}

/// The fit of the module documentation on `rows` (all before `date`),
/// weighted `exp(−ξ·days before date)`.
///
/// The ratings maximise the penalised Poisson pseudo-log-likelihood of the
/// mixed targets,
///
/// ```text
/// ℓ(θ) = Σ_m ω_m Σ_side [y·log λ − λ] − ridge/2·Σ_i (attack_i² + defence_i²)
/// ∂ℓ/∂η = ω·(y − λ) for each side's log-rate η,   ∂²ℓ/∂η² = −ω·λ
/// ```
///
/// by Newton's method (the Hessian is the sum of `−ω·λ·x xᵀ` over the
/// sides' design vectors x, minus the ridge; negative definite, so each
/// step solves by Cholesky, halving while ℓ does not increase). Then ρ
/// maximises `Σ_m ω_m log τ(x_m, y_m; λ_m, ν_m, ρ)` over the real goals
/// by a safeguarded one-dimensional Newton (only 0-0, 0-1, 1-0 and 1-1
/// contribute: `∂τ/∂ρ` = −λν, λ, ν, −1 there).
fn fit(
    rows: &[Row],
    date: NaiveDate,
    config: &MixedGoalsConfig,
    start: Option<&Fitted>,
) -> Result<Fitted, String> {
    let layout = Layout::new(rows);
    let n = layout.teams.len();
    let p = layout.len();
    let weights: Vec<f64> = rows
        .iter()
        .map(|r| (-config.xi_per_day * (date - r.date).num_days() as f64).exp())
        .collect();
    // The statistic's goals per unit.
    let (mut goals, mut stat) = (0.0, 0.0);
    for (r, w) in rows.iter().zip(&weights) {
        if let Some(s) = r.statistic {
            goals += w * f64::from(r.goals[0] + r.goals[1]);
            stat += w * (s[0] + s[1]);
        }
    }
    let per_unit = if stat > 0.0 { goals / stat } else { 0.0 };
    let targets: Vec<[f64; 2]> =
        rows.iter()
            .map(|r| {
                let g = r.goals.map(f64::from);
                match r.statistic {
                    Some(s) if per_unit > 0.0 => [0, 1]
                        .map(|i| (1.0 - config.weight) * g[i] + config.weight * per_unit * s[i]),
                    _ => g,
                }
            })
            .collect();
    let sides: Vec<[SideDesign; 2]> = rows
        .iter()
        .map(|r| {
            let (h, a) = (layout.team[&r.home], layout.team[&r.away]);
            let d = 2 * n + 1 + layout.division[&r.division];
            [(h, n + a, !r.neutral, d), (a, n + h, false, d)]
        })
        .collect();
    let mut theta = DVector::<f64>::zeros(p);
    if let Some(s) = start {
        for (local, global) in layout.teams.iter().enumerate() {
            theta[local] = s.attack.get(global).copied().unwrap_or(0.0);
            theta[n + local] = s.defence.get(global).copied().unwrap_or(0.0);
        }
        theta[2 * n] = s.home_advantage;
        for (local, global) in layout.divisions.iter().enumerate() {
            theta[2 * n + 1 + local] = s.intercept.get(global).copied().unwrap_or(0.0);
        }
    } else {
        // Start at the mean log goals per side.
        let total: f64 = weights.iter().sum::<f64>() * 2.0;
        let mean: f64 = targets
            .iter()
            .zip(&weights)
            .map(|(t, w)| w * (t[0] + t[1]))
            .sum::<f64>()
            / total;
        for d in 0..layout.divisions.len() {
            theta[2 * n + 1 + d] = mean.max(0.1).ln();
        }
    }
    let problem = MixedProblem {
        sides: &sides,
        targets: &targets,
        weights: &weights,
        teams: n,
        ridge: config.ridge,
    };
    let (mut value, mut gradient, mut information) = problem.evaluate(&theta);
    let mut converged = false;
    for _ in 0..100 {
        let Some(cholesky) = information.clone().cholesky() else {
            return Err("the Hessian is not negative definite".to_owned());
        };
        let step = cholesky.solve(&gradient);
        let mut scale = 1.0;
        let mut accepted = false;
        for _ in 0..30 {
            let next = &theta + &step * scale;
            let (next_value, next_gradient, next_information) = problem.evaluate(&next);
            if next_value.is_finite() && next_value >= value - 1e-12 * value.abs() {
                (theta, value, gradient, information) =
                    (next, next_value, next_gradient, next_information);
                accepted = true;
                break;
            }
            scale *= 0.5;
        }
        if !accepted {
            return Err("no step increased the likelihood".to_owned());
        }
        if step.amax() * scale < 1e-8 {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err("Newton did not converge in 100 iterations".to_owned());
    }
    let rates: Vec<[f64; 2]> = sides
        .iter()
        .map(|side| {
            side.map(|(att, def, home, div)| {
                (theta[att] - theta[def] + theta[div] + if home { theta[2 * n] } else { 0.0 }).exp()
            })
        })
        .collect();
    let rho = fit_rho(rows, &rates, &weights, start.map_or(0.0, |s| s.rho));
    let mut fitted = Fitted {
        home_advantage: theta[2 * n],
        rho,
        ..Fitted::default()
    };
    for (local, &global) in layout.teams.iter().enumerate() {
        fitted.attack.insert(global, theta[local]);
        fitted.defence.insert(global, theta[n + local]);
    }
    for (local, &global) in layout.divisions.iter().enumerate() {
        fitted.intercept.insert(global, theta[2 * n + 1 + local]);
    }
    Ok(fitted)
}

/// One side's design: (attack position, defence position, home?,
/// division intercept position).
type SideDesign = (usize, usize, bool, usize);

/// The penalised pseudo-log-likelihood of [`fit`] over θ = [attack (n),
/// defence (n), γ, μ (divisions)].
pub(crate) struct MixedProblem<'a> {
    sides: &'a [[SideDesign; 2]],
    targets: &'a [[f64; 2]],
    weights: &'a [f64],
    teams: usize,
    ridge: f64,
}

impl MixedProblem<'_> {
    /// ℓ(θ), its gradient and its information matrix `−∇²ℓ` (formulas in
    /// [`fit`]): per side with log-rate η = x·θ, `ℓ += ω(y·η − e^η)`,
    /// `∇ℓ += ω(y − e^η)·x`, `−∇²ℓ += ω·e^η·x xᵀ`; then the ridge,
    /// `−ridge/2·Σ θ_i²`, `−ridge·θ_i` and `+ridge` on the ratings'
    /// diagonal.
    pub(crate) fn evaluate(&self, theta: &DVector<f64>) -> (f64, DVector<f64>, DMatrix<f64>) {
        let p = theta.len();
        let n = self.teams;
        let mut value = 0.0;
        let mut gradient = DVector::<f64>::zeros(p);
        let mut information = DMatrix::<f64>::zeros(p, p);
        for ((side, t), w) in self.sides.iter().zip(self.targets).zip(self.weights) {
            for (k, &(att, def, home, div)) in side.iter().enumerate() {
                let eta =
                    theta[att] - theta[def] + theta[div] + if home { theta[2 * n] } else { 0.0 };
                let rate = eta.exp();
                value += w * (t[k] * eta - rate);
                let g = w * (t[k] - rate);
                let h = w * rate;
                let design = [(att, 1.0), (def, -1.0), (div, 1.0), (2 * n, 1.0)];
                let used = if home { 4 } else { 3 };
                for &(i, xi) in &design[..used] {
                    gradient[i] += g * xi;
                    for &(j, xj) in &design[..used] {
                        information[(i, j)] += h * xi * xj;
                    }
                }
            }
        }
        for i in 0..2 * n {
            value -= 0.5 * self.ridge * theta[i] * theta[i];
            gradient[i] -= self.ridge * theta[i];
            information[(i, i)] += self.ridge;
        }
        // γ and μ have no ridge; a tiny one keeps H invertible whatever
        // the data.
        for i in 2 * n..p {
            information[(i, i)] += 1e-12;
        }
        (value, gradient, information)
    }
}

/// ρ maximising `Σ ω log τ` given the rates; see [`fit`]. Stays inside the
/// interval where every τ of the data is positive.
fn fit_rho(rows: &[Row], rates: &[[f64; 2]], weights: &[f64], start: f64) -> f64 {
    // τ(x, y) = 1 + c·ρ with c = −λν, λ, ν, −1 for 0-0, 0-1, 1-0, 1-1.
    let terms: Vec<(f64, f64)> = rows
        .iter()
        .zip(rates)
        .zip(weights)
        .filter_map(|((r, &[l, v]), &w)| {
            let c = match (r.goals[0], r.goals[1]) {
                (0, 0) => -l * v,
                (0, 1) => l,
                (1, 0) => v,
                (1, 1) => -1.0,
                _ => return None,
            };
            Some((c, w))
        })
        .collect();
    // Feasible interval: 1 + c·ρ > 0 for every term.
    let (mut low, mut high) = (-1.0f64, 1.0f64);
    for &(c, _) in &terms {
        if c > 0.0 {
            low = low.max(-1.0 / c);
        } else if c < 0.0 {
            high = high.min(-1.0 / c);
        }
    }
    let (low, high) = (low * 0.999, high * 0.999);
    let mut rho = start.clamp(low, high);
    for _ in 0..50 {
        let (mut g, mut h) = (0.0, 0.0);
        for &(c, w) in &terms {
            let q = c / (1.0 + c * rho);
            g += w * q;
            h -= w * q * q;
        }
        if h >= 0.0 {
            break;
        }
        let next = (rho - g / h).clamp(low, high);
        let done = (next - rho).abs() < 1e-12;
        rho = next;
        if done {
            break;
        }
    }
    rho
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// Four teams, two divisions, a neutral match: every kind of design row.
    fn small_problem() -> (Vec<[SideDesign; 2]>, Vec<[f64; 2]>, Vec<f64>) {
        let n = 4;
        let pairs = [
            (0, 1, true, 0),
            (2, 3, true, 1),
            (1, 2, false, 0),
            (3, 0, true, 1),
        ];
        let sides = pairs
            .iter()
            .map(|&(h, a, home, d)| {
                let div = 2 * n + 1 + d;
                [(h, n + a, home, div), (a, n + h, false, div)]
            })
            .collect();
        let targets = vec![[1.5, 0.3], [2.0, 1.1], [0.0, 0.7], [3.2, 2.0]];
        let weights = vec![1.0, 0.6, 0.9, 0.3];
        (sides, targets, weights)
    }

    proptest! {
        /// The gradient and information matrix are the central differences
        /// of the value and of the gradient.
        #[test]
        fn derivatives_match_central_differences(theta in prop::collection::vec(-0.8f64..0.8, 11)) {
            let (sides, targets, weights) = small_problem();
            let problem = MixedProblem { sides: &sides, targets: &targets, weights: &weights, teams: 4, ridge: 0.01 };
            let theta = DVector::from_vec(theta);
            let (_, gradient, information) = problem.evaluate(&theta);
            let h = 1e-5;
            for i in 0..theta.len() {
                let mut up = theta.clone();
                let mut down = theta.clone();
                up[i] += h;
                down[i] -= h;
                let (vu, gu, _) = problem.evaluate(&up);
                let (vd, gd, _) = problem.evaluate(&down);
                prop_assert!(((vu - vd) / (2.0 * h) - gradient[i]).abs() < 1e-6);
                for j in 0..theta.len() {
                    let second = -(gu[j] - gd[j]) / (2.0 * h);
                    prop_assert!((second - information[(j, i)]).abs() < 1e-6, "({j}, {i}): {second} vs {}", information[(j, i)]);
                }
            }
        }
    }

    /// A simulated 16-team league over three seasons: ratings fitted to
    /// goals alone, to shots on target alone and to the mix all recover
    /// the true rates, and the shots-only fit is the closest.
    #[test]
    fn recovers_true_rates_from_goals_and_shots() {
        let n = 16;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let attack: Vec<f64> = (0..n).map(|_| rng.random_range(-0.4..0.4)).collect();
        let defence: Vec<f64> = (0..n).map(|_| rng.random_range(-0.4..0.4)).collect();
        let (mu, gamma, per_shot) = (0.1, 0.25, 0.3);
        let poisson = |rng: &mut ChaCha8Rng, rate: f64| {
            let (mut k, mut p, limit) = (0u32, 1.0, (-rate).exp());
            loop {
                p *= rng.random::<f64>();
                if p < limit {
                    return k;
                }
                k += 1;
            }
        };
        let day0 = NaiveDate::from_ymd_opt(2020, 8, 1).unwrap();
        let mut rows = Vec::new();
        for round in 0..3 * 2 * (n - 1) {
            for h in 0..n {
                let a = (h + 1 + round % (n - 1)) % n;
                if h >= a && round % 2 == 0 || h < a && round % 2 == 1 {
                    continue;
                }
                let rates = [
                    (mu + gamma + attack[h] - defence[a]).exp(),
                    (mu + attack[a] - defence[h]).exp(),
                ];
                let goals = rates.map(|r| poisson(&mut rng, r));
                let shots = rates.map(|r| f64::from(poisson(&mut rng, r / per_shot)));
                rows.push(Row {
                    date: day0 + chrono::Days::new(round as u64),
                    home: h,
                    away: a,
                    division: 0,
                    neutral: false,
                    goals,
                    statistic: Some(shots),
                });
            }
        }
        let date = rows.last().unwrap().date + chrono::Days::new(1);
        let error = |weight: f64| {
            let config = MixedGoalsConfig {
                weight,
                xi_per_day: 0.0,
                ..MixedGoalsConfig::default()
            };
            let fitted = fit(&rows, date, &config, None).unwrap();
            let mut worst: f64 = 0.0;
            for (h, true_attack) in attack.iter().enumerate() {
                for (a, true_defence) in defence.iter().enumerate().filter(|&(a, _)| a != h) {
                    let fitted_log_rate =
                        fitted.intercept[&0] + fitted.home_advantage + fitted.attack[&h]
                            - fitted.defence[&a];
                    worst = worst
                        .max((fitted_log_rate - (mu + gamma + true_attack - true_defence)).abs());
                }
            }
            worst
        };
        let (goals, mixed, shots) = (error(0.0), error(0.5), error(1.0));
        assert!(goals < 0.45, "goals only: worst log-rate error {goals}");
        assert!(mixed < goals, "mixed {mixed} vs goals {goals}");
        assert!(
            shots < mixed && shots < 0.25,
            "shots {shots} vs mixed {mixed}"
        );
    }
}
