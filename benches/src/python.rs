//! Python rows: the installed wheel against penaltyblog, timed in one
//! Python process by `benches/peers/bench_python.py`.

use crate::{run_peer, Row};

/// The Python rows (empty, with a message, when the script cannot run).
pub fn rows(quick: bool) -> Vec<Row> {
    let args: Vec<&str> = if quick { vec!["--quick"] } else { vec![] };
    match run_peer("bench_python.py", &args) {
        Ok(p) => {
            let peer = format!(
                "penaltyblog {}",
                p["penaltyblog_version"].as_str().unwrap_or("?")
            );
            let get = |k: &str| p[k].as_f64().unwrap_or(f64::NAN);
            vec![
                Row::versus(
                    "Python: DixonColes().fit(E0 2023-24 DataFrame)",
                    get("scoreline_fit"),
                    peer.clone(),
                    get("penaltyblog_fit"),
                ),
                Row::versus(
                    "Python: predict_proba, 10,000 fixtures",
                    get("scoreline_predict_10000"),
                    peer,
                    get("penaltyblog_predict_10000"),
                ),
            ]
        }
        Err(e) => {
            eprintln!("Python timings unavailable: {e}");
            Vec::new()
        }
    }
}
