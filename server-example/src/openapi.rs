//! The OpenAPI document, generated from the handlers' annotations and the
//! request and response types.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::*;
use crate::error::ErrorBody;
use crate::routes;

/// The server's OpenAPI 3.1 document (`ApiDoc::openapi()`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "scoreline-server",
        description = "Football predictions over REST from a fitted goal model of any family (Dixon–Coles, Poisson, negative binomial, zero-inflated Poisson, bivariate Poisson, Weibull copula, Conway–Maxwell–Poisson; `GET /v1/model` says which): 1X2, expected goals, over/under, BTTS, Asian handicaps, score grids, evaluation and drift.",
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
    modifiers(&AdminTokenScheme),
    tags(
        (name = "predict", description = "Predictions and their evaluation"),
        (name = "model", description = "The model serving"),
        (name = "operations", description = "Probes, metrics and this document"),
    )
)]
pub struct ApiDoc;

/// Declares the `admin_token` security scheme (`Authorization: Bearer`)
/// that `POST /v1/model/reload` requires.
struct AdminTokenScheme;

impl Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "admin_token",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}
