//! Scoring rows: isotonic regression against scikit-learn, and RPS, Brier
//! and log loss against penaltyblog and scikit-learn, on a million points.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_calibration::{IsotonicRegression, OutOfBounds};

use crate::{median_seconds, run_peer, Row};

/// Every scoring row. `quick` uses fewer repetitions on both sides.
pub fn rows(quick: bool) -> Vec<Row> {
    let n = 1_000_000;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let x: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|&p| f64::from(u8::from(rng.random::<f64>() < p)))
        .collect();
    let w: Vec<f64> = (0..n).map(|_| rng.random_range(0.1..2.0)).collect();
    let mut probs = Vec::with_capacity(3 * n);
    for _ in 0..n {
        let r: [f64; 3] = [
            rng.random_range(0.05..1.0),
            rng.random_range(0.05..0.6),
            rng.random_range(0.05..1.0),
        ];
        let s: f64 = r.iter().sum();
        probs.extend(r.map(|v| v / s));
    }
    let outcomes: Vec<u32> = (0..n).map(|_| rng.random_range(0..3)).collect();
    let regression = IsotonicRegression {
        out_of_bounds: OutOfBounds::Clip,
        ..Default::default()
    };
    let fitted = regression.fit(&x, &y, Some(&w)).expect("fit");
    let mut out = vec![0.0; n];
    let runs = if quick { 3 } else { 7 };

    let args: Vec<&str> = if quick { vec!["--quick"] } else { vec![] };
    let peer = run_peer("bench_scoring.py", &args);
    if let Err(e) = &peer {
        eprintln!("scoring peer timings unavailable: {e}");
    }
    let versus = |name: &str, ours: f64, key: &str, who: &str| match &peer {
        Ok(p) if p[key].is_number() => Row::versus(name, ours, who, p[key].as_f64().unwrap()),
        _ => Row::alone(name, ours),
    };
    let sklearn = match &peer {
        Ok(p) => format!(
            "scikit-learn {}",
            p["sklearn_version"].as_str().unwrap_or("?")
        ),
        Err(_) => "scikit-learn".to_owned(),
    };
    vec![
        versus(
            "isotonic fit, 1,000,000 weighted points",
            median_seconds(
                || drop(regression.fit(&x, &y, Some(&w)).expect("fit")),
                runs,
                0.5,
            ),
            "isotonic_fit",
            &sklearn,
        ),
        versus(
            "isotonic predict, 1,000,000 points",
            median_seconds(
                || fitted.predict_into(&x, &mut out).expect("predict"),
                runs,
                0.5,
            ),
            "isotonic_predict",
            &sklearn,
        ),
        versus(
            "RPS, 1,000,000 1X2 forecasts",
            median_seconds(
                || {
                    std::hint::black_box(
                        scoreline_metrics::rps(&probs, 3, &outcomes, None).expect("rps"),
                    );
                },
                runs,
                0.5,
            ),
            "rps",
            "penaltyblog 1.13.1 rps_average",
        ),
        versus(
            "Brier, 1,000,000 1X2 forecasts",
            median_seconds(
                || {
                    std::hint::black_box(
                        scoreline_metrics::brier(&probs, 3, &outcomes, None).expect("brier"),
                    );
                },
                runs,
                0.5,
            ),
            "brier",
            "penaltyblog 1.13.1 multiclass_brier_score",
        ),
        versus(
            "log loss, 1,000,000 1X2 forecasts",
            median_seconds(
                || {
                    std::hint::black_box(
                        scoreline_metrics::log_loss(&probs, 3, &outcomes, None).expect("log loss"),
                    );
                },
                runs,
                0.5,
            ),
            "log_loss",
            &sklearn,
        ),
    ]
}
