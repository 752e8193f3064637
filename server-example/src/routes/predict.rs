//! Predictions: one fixture, or a batch.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use scoreline_dixon_coles::grid::{GridSize, MAX_GOALS_CAP};
use scoreline_dixon_coles::markets::Settlement;
use scoreline_dixon_coles::model::FittedModel;

use crate::api::{
    AsianHandicap, BatchRequest, BatchResponse, Bet, BothTeamsToScore, ExpectedGoals, Outcomes,
    OverUnder, PredictRequest, Prediction, ScoreProbability, DEFAULT_OVER_UNDER, MAX_LINES,
    MAX_NAME_LENGTH,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;
use crate::MAX_BATCH;

/// The most correct scores one fixture may list.
const MAX_CORRECT_SCORES: u32 = 20;

fn bet(s: Settlement) -> Bet {
    let fair = s.fair_odds();
    Bet {
        win: s.win,
        half_win: s.half_win,
        push: s.push,
        half_loss: s.half_loss,
        loss: s.loss,
        fair_odds: fair.is_finite().then_some(fair),
    }
}

fn unprocessable(code: &str, message: String, field: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message).at(field)
}

/// The id of a team named in field `field` of the fixture at `prefix`.
pub fn team(model: &FittedModel, name: &str, prefix: &str, field: &str) -> Result<u32, ApiError> {
    if name.chars().count() > MAX_NAME_LENGTH {
        return Err(unprocessable(
            "name_too_long",
            format!("team names are at most {MAX_NAME_LENGTH} characters"),
            format!("{prefix}{field}"),
        ));
    }
    model
        .team_id(name)
        .map_err(|e| ApiError::from_predict(e, prefix, field))
}

/// Prices one fixture. `prefix` is the JSON path of the fixture in the
/// request (`""`, or `fixtures[3].` in a batch), so errors name the field.
pub fn predict_one(
    model: &FittedModel,
    request: &PredictRequest,
    prefix: &str,
) -> Result<Prediction, ApiError> {
    let home = team(model, &request.home, prefix, "home")?;
    let away = team(model, &request.away, prefix, "away")?;
    let size = GridSize::from_request(request.max_goals.map(|m| m as usize), request.truncate);
    let grid = model
        .predict_ids(home, away, request.neutral, size)
        .map_err(|e| ApiError::from_predict(e, prefix, "max_goals"))?;
    let max_goals = grid.max_goals() as u32;
    let markets = request.markets.as_ref();
    let over_under_lines = markets
        .and_then(|m| m.over_under.as_deref())
        .unwrap_or(&DEFAULT_OVER_UNDER);
    let handicap_lines = markets.map_or(&[][..], |m| m.asian_handicap.as_slice());
    for (lines, name) in [
        (over_under_lines, "over_under"),
        (handicap_lines, "asian_handicap"),
    ] {
        if lines.len() > MAX_LINES {
            return Err(unprocessable(
                "too_many_lines",
                format!("at most {MAX_LINES} lines per market, got {}", lines.len()),
                format!("{prefix}markets.{name}"),
            ));
        }
    }
    let correct_scores = markets.and_then(|m| m.correct_scores).unwrap_or(0);
    if correct_scores > MAX_CORRECT_SCORES {
        return Err(unprocessable(
            "too_many_scores",
            format!("correct_scores is at most {MAX_CORRECT_SCORES}, got {correct_scores}"),
            format!("{prefix}markets.correct_scores"),
        ));
    }
    let line_error = |e, name: &str, i: usize| {
        ApiError::from_predict(e, prefix, &format!("markets.{name}[{i}]"))
    };
    let over_under = over_under_lines
        .iter()
        .enumerate()
        .map(|(i, &line)| {
            Ok(OverUnder {
                line,
                over: bet(grid
                    .over(line)
                    .map_err(|e| line_error(e, "over_under", i))?),
                under: bet(grid
                    .under(line)
                    .map_err(|e| line_error(e, "over_under", i))?),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let asian_handicap = handicap_lines
        .iter()
        .enumerate()
        .map(|(i, &line)| {
            Ok(AsianHandicap {
                line,
                home: bet(grid
                    .asian_handicap_home(line)
                    .map_err(|e| line_error(e, "asian_handicap", i))?),
                away: bet(grid
                    .asian_handicap_away(-line)
                    .map_err(|e| line_error(e, "asian_handicap", i))?),
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let outcomes = grid.outcome_probabilities();
    let btts = grid.both_teams_to_score();
    let size = grid.size();
    Ok(Prediction {
        home: request.home.clone(),
        away: request.away.clone(),
        neutral: request.neutral,
        max_goals,
        expected_goals: ExpectedGoals {
            home: grid.home_rate(),
            away: grid.away_rate(),
        },
        outcomes: Outcomes {
            home: outcomes.home,
            draw: outcomes.draw,
            away: outcomes.away,
        },
        over_under,
        asian_handicap,
        both_teams_to_score: BothTeamsToScore {
            yes: btts.yes,
            no: btts.no,
        },
        correct_scores: grid
            .most_likely_scores(correct_scores as usize)
            .into_iter()
            .map(|s| ScoreProbability {
                home_goals: s.home_goals as u32,
                away_goals: s.away_goals as u32,
                probability: s.probability,
            })
            .collect(),
        mass_outside_grid: grid.mass_outside(),
        grid: markets.is_some_and(|m| m.grid).then(|| {
            grid.probabilities()
                .chunks(size)
                .map(<[f64]>::to_vec)
                .collect()
        }),
    })
}

/// One fixture: 1X2, expected goals, over/under lines (default 2.5), both
/// teams to score, and when asked for, Asian handicap lines, the most
/// likely scores and the score grid.
#[utoipa::path(post, path = "/v1/predict", tag = "predict", request_body = PredictRequest,
    responses(
        (status = 200, description = "The prediction", body = Prediction),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "The body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "A field is missing, of the wrong type, or names an unknown team", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn predict(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PredictRequest>,
) -> Result<Json<Prediction>, ApiError> {
    let loaded = state.model()?;
    let prediction = predict_one(&loaded.model, &request, "")?;
    state.telemetry().record_fixtures(1);
    Ok(Json(prediction))
}

/// Up to 10,000 fixtures, in request order; more is a 413, and so is a
/// batch whose response would hold more than `--batch-cells` numbers (see
/// [`response_cells`]). The first bad fixture fails the request, naming it
/// (`fixtures[i].home`).
#[utoipa::path(post, path = "/v1/predict/batch", tag = "predict", request_body = BatchRequest,
    responses(
        (status = 200, description = "The predictions, in request order", body = BatchResponse),
        (status = 400, description = "The body is not valid JSON", body = ErrorBody),
        (status = 413, description = "More than 10,000 fixtures, a response over the batch budget (`--batch-cells`), or the body is over the size limit", body = ErrorBody),
        (status = 415, description = "The body is not sent as JSON", body = ErrorBody),
        (status = 422, description = "A fixture has a bad field or an unknown team", body = ErrorBody),
        (status = 503, description = "No model is loaded yet", body = ErrorBody),
    ))]
pub async fn batch(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<BatchRequest>,
) -> Result<Json<BatchResponse>, ApiError> {
    check_batch_size(request.fixtures.len(), "fixtures")?;
    check_batch_budget(&request.fixtures, state.options().batch_cells)?;
    let loaded = state.model()?;
    let count = request.fixtures.len();
    let predictions = tokio::task::spawn_blocking(move || {
        request
            .fixtures
            .iter()
            .enumerate()
            .map(|(i, fixture)| predict_one(&loaded.model, fixture, &format!("fixtures[{i}].")))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await
    .map_err(ApiError::internal)??;
    state.telemetry().record_fixtures(count);
    Ok(Json(BatchResponse { predictions }))
}

/// The numbers of every fixture's answer besides its lines, scores and
/// grid: teams, venue, grid size, expected goals, 1X2, BTTS, mass outside.
const FIXED_CELLS: u64 = 10;
/// The numbers of one market line: two bets of six fields.
const LINE_CELLS: u64 = 12;
/// The numbers of one correct score: two goal counts and a probability.
const SCORE_CELLS: u64 = 3;

/// How many numbers the answer to `request` holds, the unit of the batch
/// budget:
///
/// `10 + 12·(over/under lines + handicap lines) + 3·correct scores + grid`,
///
/// where `grid = (g + 1)²` when the grid is asked for, with `g` the
/// fixture's `max_goals`, or the cap ([`MAX_GOALS_CAP`] = 50, so 51×51
/// cells) when it has none (the engine may then pick the size), and 0
/// otherwise. The count bounds the response's size (about 20 bytes of JSON
/// a number) and, with the lines, the work of pricing the batch. Sizes
/// over the cap count as the cap: they are a 422 of their own.
pub fn response_cells(request: &PredictRequest) -> u64 {
    let markets = request.markets.as_ref();
    let lines = markets.map_or(DEFAULT_OVER_UNDER.len(), |m| {
        m.over_under
            .as_ref()
            .map_or(DEFAULT_OVER_UNDER.len(), Vec::len)
            + m.asian_handicap.len()
    }) as u64;
    let scores = u64::from(markets.and_then(|m| m.correct_scores).unwrap_or(0));
    let grid = if markets.is_some_and(|m| m.grid) {
        let cap = MAX_GOALS_CAP as u64;
        let side = request.max_goals.map_or(cap, |g| u64::from(g).min(cap)) + 1;
        side * side
    } else {
        0
    };
    FIXED_CELLS
        .saturating_add(LINE_CELLS.saturating_mul(lines))
        .saturating_add(SCORE_CELLS.saturating_mul(scores))
        .saturating_add(grid)
}

/// 413 `batch_budget_exceeded` when the fixtures' answers would hold more
/// than `budget` numbers in all ([`response_cells`]), naming the limit.
pub fn check_batch_budget(fixtures: &[PredictRequest], budget: u64) -> Result<(), ApiError> {
    let cells = fixtures
        .iter()
        .fold(0u64, |total, f| total.saturating_add(response_cells(f)));
    if cells > budget {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_budget_exceeded",
            format!(
                "the answer to this batch would hold {cells} numbers; the batch budget (--batch-cells) is {budget}: \
                 ask for fewer grids (each counts (max_goals + 1)², 51×51 without max_goals), lines or scores, or split the batch"
            ),
        )
        .at("fixtures"));
    }
    Ok(())
}

/// 413 when a list holds more than [`MAX_BATCH`] items.
pub fn check_batch_size(len: usize, field: &str) -> Result<(), ApiError> {
    if len > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!(
                "{len} items in one request; at most {MAX_BATCH} are accepted, split the request"
            ),
        )
        .at(field));
    }
    Ok(())
}
