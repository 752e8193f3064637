//! Why the model likes a side: the 1X2 probabilities built up term by term.

use serde::{Deserialize, Serialize};

use super::SlateError;
use crate::grid::{GridSize, OutcomeProbabilities};
use crate::model::params::{linear_predictor, SideRatings};
use crate::model::FittedModel;

/// One term of `log λ_home` or `log λ_away` and the 1X2 after adding it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExplanationStep {
    /// What the term is and which log-rate it enters, e.g. "attack of
    /// Arsenal (home rate)" or "−defence of Chelsea (home rate)": a defence
    /// rating enters the opponent's rate with a minus sign.
    pub term: String,
    /// Its value on the log scale.
    pub value: f64,
    /// Which rate it enters: "home" or "away" (both for the intercept).
    pub rate: String,
    /// Home/draw/away after adding this term to those before it.
    pub probabilities: OutcomeProbabilities,
    /// The change this term made to home/draw/away.
    pub change: OutcomeProbabilities,
}

/// The decomposition of one prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The league-average start: every term but the intercept at zero
    /// (two average teams at a neutral venue).
    pub baseline: OutcomeProbabilities,
    /// The terms in order; the last step's probabilities are the prediction.
    pub steps: Vec<ExplanationStep>,
    /// The model's prediction, for comparison.
    pub prediction: OutcomeProbabilities,
}

/// Decomposes `log λ_home = μ + γ·[not neutral] + attack[home] − defence[away]`
/// and `log λ_away = μ + attack[away] − defence[home]`: starting from μ alone
/// (the league average), the terms are added one at a time in that order
/// (γ, home attack, away defence, away attack, home defence), recomputing
/// the 1X2 probabilities (with the model's family) after each; each step is
/// [`linear_predictor`] with the later terms at zero. The changes add up
/// to `prediction − baseline`, and a term of zero changes nothing.
pub fn explain(
    model: &FittedModel,
    home: &str,
    away: &str,
    neutral: bool,
) -> Result<Explanation, SlateError> {
    let fail = |source| SlateError::Fixture { index: 0, source };
    let h = model.team_id(home).map_err(fail)? as usize;
    let a = model.team_id(away).map_err(fail)? as usize;
    let prediction = model
        .predict(home, away, neutral)
        .map_err(fail)?
        .outcome_probabilities();
    let p = model.parameters();
    let probs = |(eta_h, eta_a): (f64, f64)| {
        model
            .outcome_probabilities_for_rates(eta_h.exp(), eta_a.exp(), GridSize::Adaptive)
            .map_err(fail)
    };
    let gamma = if neutral { 0.0 } else { p.home_advantage };
    let (home_side, away_side) = (p.side(h), p.side(a));
    let terms: [(String, f64, bool); 5] = [
        ("home advantage γ (home rate)".into(), gamma, true),
        (
            format!("attack of {home} (home rate)"),
            home_side.attack,
            true,
        ),
        (
            format!("−defence of {away} (home rate)"),
            -away_side.defence,
            true,
        ),
        (
            format!("attack of {away} (away rate)"),
            away_side.attack,
            false,
        ),
        (
            format!("−defence of {home} (away rate)"),
            -home_side.defence,
            false,
        ),
    ];
    // The linear predictor with only the first `k` terms switched on (the
    // others at zero), so the last step is the prediction's own predictor.
    let predictor = |k: usize| {
        let on = |step: usize, value: f64| if k > step { value } else { 0.0 };
        linear_predictor(
            p.intercept,
            on(0, gamma),
            1.0,
            SideRatings {
                attack: on(1, home_side.attack),
                defence: on(4, home_side.defence),
            },
            SideRatings {
                attack: on(3, away_side.attack),
                defence: on(2, away_side.defence),
            },
        )
    };
    let baseline = probs(predictor(0))?;
    let mut previous = baseline;
    let mut steps = Vec::with_capacity(terms.len());
    for (k, (term, value, on_home)) in terms.into_iter().enumerate() {
        let now = probs(predictor(k + 1))?;
        steps.push(ExplanationStep {
            term,
            value,
            rate: if on_home { "home" } else { "away" }.into(),
            probabilities: now,
            change: OutcomeProbabilities {
                home: now.home - previous.home,
                draw: now.draw - previous.draw,
                away: now.away - previous.away,
            },
        });
        previous = now;
    }
    Ok(Explanation {
        baseline,
        steps,
        prediction,
    })
}
