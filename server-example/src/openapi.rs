//! The OpenAPI document, generated from the handlers' annotations and the
//! request and response types.

use utoipa::OpenApi;

use crate::api::*;
use crate::error::ErrorBody;
use crate::routes;

/// The server's OpenAPI 3.1 document (`ApiDoc::openapi()`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "scoreline-server",
        description = "Dixon–Coles football predictions over REST: 1X2, expected goals, over/under, BTTS, Asian handicaps, score grids, evaluation and drift.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        routes::probes::health,
        routes::probes::ready,
        routes::model::info,
        routes::model::teams,
        routes::model::reload,
        routes::predict::predict,
        routes::predict::batch,
        routes::evaluate::evaluate,
        routes::slate::slate,
        routes::slate::explanation,
        routes::metrics,
        routes::openapi,
    ),
    components(schemas(
        ErrorBody, Health, Ready, MarketsRequest, PredictRequest, Outcomes, ExpectedGoals, Bet, OverUnder,
        AsianHandicap, BothTeamsToScore, ScoreProbability, Prediction, BatchRequest, BatchResponse,
        ObservedMatch, EvaluateRequest, Scores, Drift, Evaluation, SortKey, SortOrder, TeamRow, Teams,
        Fingerprint, FitInfo, ModelInfo, Reloaded, routes::slate::SlateFixtureRequest,
        routes::slate::SlateRequest, routes::slate::ExplainRequest
    )),
    tags(
        (name = "predict", description = "Predictions and their evaluation"),
        (name = "model", description = "The model serving"),
        (name = "operations", description = "Probes, metrics and this document"),
    )
)]
pub struct ApiDoc;
