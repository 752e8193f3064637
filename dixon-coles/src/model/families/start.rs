//! Starting values for the solvers, shared by the families whose problem
//! is a [`DixonColesProblem`] (Dixon–Coles and Poisson).

use crate::model::likelihood::DixonColesProblem;
use crate::model::params::Parameters;

/// Crude but close starting values from weighted goal rates:
///
/// ```text
/// μ = ln(mean away goals),  γ = ln(mean home goals / mean away goals) (when free)
/// attack[t]  =  ln((goals scored by t + ½) / (matches of t · mean goals + ½))
/// defence[t] = −ln((goals conceded by t + ½) / (matches of t · mean goals + ½))
/// ```
///
/// then centred so that each sums to zero, and ρ = 0 when it is free.
pub fn rate_start(problem: &DixonColesProblem) -> Parameters {
    let n = problem.layout().n_teams;
    let mut scored = vec![0.0; n];
    let mut conceded = vec![0.0; n];
    let mut played = vec![0.0; n];
    let (mut home_sum, mut away_sum, mut w_sum) = (0.0, 0.0, 0.0);
    for i in 0..problem.n_pairings() {
        let (h, a) = (
            problem.home_team()[i] as usize,
            problem.away_team()[i] as usize,
        );
        let w = problem.weights()[i];
        let (wx, wy) = (
            problem.weighted_home_goals()[i],
            problem.weighted_away_goals()[i],
        );
        scored[h] += wx;
        conceded[h] += wy;
        scored[a] += wy;
        conceded[a] += wx;
        played[h] += w;
        played[a] += w;
        home_sum += wx;
        away_sum += wy;
        w_sum += w;
    }
    let mean_home = (home_sum + 0.5) / (w_sum + 1.0);
    let mean_away = (away_sum + 0.5) / (w_sum + 1.0);
    let mean_goals = 0.5 * (mean_home + mean_away);
    let layout = problem.layout();
    let home_advantage = if layout.home_advantage.is_some() {
        (mean_home / mean_away).ln()
    } else {
        problem.fixed_home_advantage()
    };
    let rho = if layout.rho.is_some() {
        0.0
    } else {
        problem.fixed_rho()
    };
    let mut params = Parameters {
        attack: (0..n)
            .map(|t| ((scored[t] + 0.5) / (played[t] * mean_goals + 0.5)).ln())
            .collect(),
        defence: (0..n)
            .map(|t| -((conceded[t] + 0.5) / (played[t] * mean_goals + 0.5)).ln())
            .collect(),
        intercept: mean_away.ln(),
        home_advantage,
        rho,
        extra: Vec::new(),
    };
    params.centre();
    params
}
