//! The body of the `predict_json` fuzz target (`make fuzz`), shared with
//! the regression test that replays its seeds and any crash it found.

use scoreline_dixon_coles::model::FittedModel;

use crate::api::{BatchRequest, EvaluateRequest, PredictRequest};
use crate::evaluate::evaluate_matches;
use crate::extract::parse_json;
use crate::routes::predict::predict_one;

/// Parses `bytes` as a predict, batch and evaluate request and, where they
/// parse, prices them with `model` (at most 100 fixtures of a batch).
/// Errors are expected; a panic is a bug. Returns how many parses succeeded.
pub fn exercise(model: &FittedModel, bytes: &[u8]) -> usize {
    let mut parsed = 0;
    if let Ok(request) = parse_json::<PredictRequest>(bytes) {
        parsed += 1;
        let _ = predict_one(model, &request, "");
    }
    if let Ok(batch) = parse_json::<BatchRequest>(bytes) {
        parsed += 1;
        for (i, fixture) in batch.fixtures.iter().enumerate().take(100) {
            let _ = predict_one(model, fixture, &format!("fixtures[{i}]."));
        }
    }
    if let Ok(evaluate) = parse_json::<EvaluateRequest>(bytes) {
        parsed += 1;
        let _ = evaluate_matches(model, &evaluate);
    }
    parsed
}
