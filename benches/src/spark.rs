//! Spark rows: scoring through `mlflow.pyfunc.spark_udf` and distributed
//! backtest grids on `local[2]`, each against the same work in one Python
//! process, timed by `benches/peers/bench_spark.py` in one run.

use crate::{format_seconds, run_peer, Row};

/// The Spark rows (empty, with a message, when Spark cannot run here).
pub fn rows(quick: bool) -> Vec<Row> {
    let args: Vec<&str> = if quick { vec!["--quick"] } else { vec![] };
    let p = match run_peer("bench_spark.py", &args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Spark timings unavailable: {e}");
            return Vec::new();
        }
    };
    let get = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
    let fixtures = get("fixtures");
    let (spark, proba, pyfunc) = (
        get("spark_udf_s"),
        get("predict_proba_s"),
        get("pyfunc_predict_s"),
    );
    let grid = format!(
        "{} leagues x {} seasons x {} xi",
        get("grid_leagues"),
        get("grid_seasons"),
        get("grid_xis")
    );
    println!(
        "Spark {} on local[2]: spark_udf scores {:.0} fixtures/s; predict_proba in one process {:.0} fixtures/s; \
         the pyfunc's own predict (all seven columns, per-row checks) {:.0} fixtures/s in one process.\n\
         Of the {} through spark_udf, about {} is Spark's overhead (Arrow batches, Python workers, the struct \
         conversion): the rest is the pyfunc's own {} in one process, split over local[2]'s two workers.\n\
         Backtest grid ({grid}, {} walk-forwards): local[2] {}, serially in one process {}; largest RPS difference {:.1e}.\n",
        p["spark_version"].as_str().unwrap_or("?"),
        fixtures / spark,
        fixtures / proba,
        fixtures / pyfunc,
        format_seconds(spark),
        format_seconds((spark - pyfunc / 2.0).max(0.0)),
        format_seconds(pyfunc),
        get("grid_combinations"),
        format_seconds(get("grid_spark_s")),
        format_seconds(get("grid_serial_s")),
        get("grid_max_rps_difference"),
    );
    vec![
        Row::versus(
            format!("Spark: spark_udf, {fixtures:.0} fixtures, local[2]"),
            spark,
            "predict_proba, one process",
            proba,
        ),
        Row::versus(
            format!("Spark: backtest_grid {grid}, local[2]"),
            get("grid_spark_s"),
            "the same grid serially, one process",
            get("grid_serial_s"),
        ),
    ]
}
