//! Scoring predicted fixtures against their results, and the drift check.

use axum::http::StatusCode;
use scoreline_dixon_coles::grid::GridSize;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_metrics::{accuracy, brier, log_loss, rps, rps_per_forecast};

use crate::api::{Drift, EvaluateRequest, Evaluation, Scores, MAX_OBSERVED_GOALS};
use crate::error::ApiError;
use crate::routes::predict::{check_batch_size, team};

/// Scores `n` 1X2 forecasts (`probs`, row-major n×3, rows summing to 1)
/// against `outcomes` (0 home, 1 draw, 2 away), and checks them for drift.
///
/// The drift check asks whether the forecasts score worse than they
/// themselves imply. If the model is right, the result of match `i` is
/// drawn from its own forecast `pᵢ`, so its RPS has mean and variance
///
/// `Eᵢ = Σₒ pᵢₒ·RPS(pᵢ, o)`, `Vᵢ = Σₒ pᵢₒ·RPS(pᵢ, o)² − Eᵢ²`.
///
/// The observed mean `R̄ = (1/n) Σ RPS(pᵢ, oᵢ)` then has mean `Ē = (1/n) Σ Eᵢ`
/// and standard error `s = √(Σ Vᵢ) / n`, and `z = (R̄ − Ē) / s` is about
/// standard normal. The forecasts drift when `z > threshold` (one-sided:
/// scoring better than expected is no alarm). This needs no training data
/// and no hard-coded baseline, so it works for a model loaded from a file.
///
/// ```
/// use scoreline_server::evaluate::score;
/// let probs = [0.5, 0.3, 0.2, 0.2, 0.3, 0.5];
/// let (scores, drift) = score(&probs, &[0, 2], 3.0).unwrap();
/// assert!((scores.rps - 0.145).abs() < 1e-12);
/// assert!(drift.z < 0.0 && !drift.drifting);
/// ```
pub fn score(probs: &[f64], outcomes: &[u32], threshold: f64) -> Result<(Scores, Drift), String> {
    let n = outcomes.len();
    let err = |e: scoreline_metrics::MetricsError| e.to_string();
    let scores = Scores {
        rps: rps(probs, 3, outcomes, None).map_err(err)?,
        brier: brier(probs, 3, outcomes, None).map_err(err)?,
        log_loss: log_loss(probs, 3, outcomes, None).map_err(err)?,
        accuracy: accuracy(probs, 3, outcomes, None).map_err(err)?,
    };
    let mut by_outcome = Vec::with_capacity(3);
    for o in 0..3u32 {
        by_outcome.push(rps_per_forecast(probs, 3, &vec![o; n]).map_err(err)?);
    }
    let (mut expected, mut variance) = (0.0, 0.0);
    for i in 0..n {
        let p = &probs[3 * i..3 * i + 3];
        let e: f64 = (0..3).map(|o| p[o] * by_outcome[o][i]).sum();
        let m2: f64 = (0..3).map(|o| p[o] * by_outcome[o][i].powi(2)).sum();
        expected += e;
        variance += (m2 - e * e).max(0.0);
    }
    let expected_rps = expected / n as f64;
    let standard_error = variance.sqrt() / n as f64;
    let z = if standard_error > 0.0 {
        (scores.rps - expected_rps) / standard_error
    } else {
        0.0
    };
    let drift = Drift {
        observed_rps: scores.rps,
        expected_rps,
        standard_error,
        z,
        threshold,
        drifting: z > threshold,
    };
    Ok((scores, drift))
}

/// The default z-score above which forecasts count as drifting.
pub const DEFAULT_DRIFT_THRESHOLD: f64 = 3.0;

/// Checks an evaluation request (1 to [`crate::MAX_BATCH`] matches, known
/// teams, at most [`MAX_OBSERVED_GOALS`] goals a side, a finite threshold ≥ 0), forecasts each match's 1X2 with `model`
/// (grids of 0..=10 goals, renormalised) and [`score`]s them.
pub fn evaluate_matches(
    model: &FittedModel,
    request: &EvaluateRequest,
) -> Result<Evaluation, ApiError> {
    let n = request.matches.len();
    check_batch_size(n, "matches")?;
    if n == 0 {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty",
            "at least one match is needed",
        )
        .at("matches"));
    }
    let threshold = request.drift_threshold.unwrap_or(DEFAULT_DRIFT_THRESHOLD);
    if !(threshold.is_finite() && threshold >= 0.0) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            format!("drift_threshold must be finite and at least 0, got {threshold}"),
        )
        .at("drift_threshold"));
    }
    let mut probs = Vec::with_capacity(3 * n);
    let mut outcomes = Vec::with_capacity(n);
    for (i, m) in request.matches.iter().enumerate() {
        let prefix = format!("matches[{i}].");
        for (goals, field) in [(m.home_goals, "home_goals"), (m.away_goals, "away_goals")] {
            if goals > MAX_OBSERVED_GOALS {
                return Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    format!("{field} is at most {MAX_OBSERVED_GOALS}, got {goals}"),
                )
                .at(format!("{prefix}{field}")));
            }
        }
        let home = team(model, &m.home, &prefix, "home")?;
        let away = team(model, &m.away, &prefix, "away")?;
        let p = model
            .outcome_probabilities_ids(home, away, m.neutral, GridSize::Adaptive)
            .map_err(|e| ApiError::from_predict(e, &prefix, "away"))?;
        let total = p.home + p.draw + p.away;
        probs.extend([p.home / total, p.draw / total, p.away / total]);
        outcomes.push(match m.home_goals.cmp(&m.away_goals) {
            std::cmp::Ordering::Greater => 0u32,
            std::cmp::Ordering::Equal => 1,
            std::cmp::Ordering::Less => 2,
        });
    }
    let (scores, drift) = score(&probs, &outcomes, threshold)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_forecast", e))?;
    Ok(Evaluation {
        matches: n,
        scores,
        drift,
    })
}
