//! Times the predict path in-process (parse, predict, serialise).
use std::time::Instant;

use scoreline_server::api::PredictRequest;
use scoreline_server::extract::parse_json;
use scoreline_server::routes::predict::predict_one;
use scoreline_server::source::{FitSource, ModelSource};

fn main() {
    let source = ModelSource::Fit(FitSource {
        data_dir: "../shared/data".into(),
        league: "E0".into(),
        seasons: 3,
        xi: 0.0018,
    });
    let loaded = source.load().unwrap();
    let body = br#"{"home":"Arsenal","away":"Chelsea"}"#;
    let n = 200_000;
    let mut bytes = 0;
    let t = Instant::now();
    for _ in 0..n {
        let r: PredictRequest = parse_json(body).unwrap();
        let p = predict_one(&loaded.model, &r, "").unwrap();
        bytes += serde_json::to_vec(&p).unwrap().len();
    }
    let total = t.elapsed().as_secs_f64() / n as f64;
    let t = Instant::now();
    let r: PredictRequest = parse_json(body).unwrap();
    for _ in 0..n {
        std::hint::black_box(predict_one(&loaded.model, &r, "").unwrap());
    }
    let predict = t.elapsed().as_secs_f64() / n as f64;
    println!(
        "parse+predict+serialise {:.2} µs, predict alone {:.2} µs, {} bytes",
        total * 1e6,
        predict * 1e6,
        bytes / n
    );
}
