//! Newton reaches the default tolerance on real multi-division data, where
//! near the optimum the objective's gain drowns in rounding (the case that
//! used to stall a walk-forward backtest at a gradient of about 1e-5).

mod common;

use common::data_dir;

use std::path::PathBuf;

use chrono::NaiveDate;
use scoreline_dixon_coles::data::football_data::read_football_data_dir;
use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::{FitOptions, SolverChoice};
use scoreline_dixon_coles::weights::TimeDecay;

fn football_data() -> PathBuf {
    data_dir().join("football-data")
}

#[test]
fn newton_converges_tightly_on_two_divisions() {
    let file = read_football_data_dir(
        &football_data(),
        &["E0", "E1"],
        &["1516", "1617", "1718", "1819"],
    )
    .unwrap();
    for (cut, ridge) in [
        ((2018, 8, 18), 0.0),
        ((2018, 11, 24), 1e-3),
        ((2019, 3, 2), 0.0),
    ] {
        let cut = NaiveDate::from_ymd_opt(cut.0, cut.1, cut.2).unwrap();
        let matches: Vec<_> = file
            .matches
            .iter()
            .filter(|m| m.date < cut)
            .cloned()
            .collect();
        let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
        let options = FitOptions {
            solver: SolverChoice::Newton,
            gradient_tolerance: 1e-10,
            ridge,
            time_decay: TimeDecay {
                xi_per_day: 0.0018,
                reference_date: Some(cut),
            },
            standard_errors: false,
            ..FitOptions::default()
        };
        let model = fit(&data, &options).unwrap_or_else(|e| panic!("before {cut}: {e}"));
        assert!(model.summary().gradient_norm <= 1e-10);
        assert!(
            model.summary().iterations <= 10,
            "{} iterations before {cut}",
            model.summary().iterations
        );
    }
}
