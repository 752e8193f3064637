//! Fuzzes the request JSON → prediction path: any bytes parsed as a
//! predict, batch or evaluate request and, when they parse, priced by a
//! fitted model. Errors are fine; a panic is a bug.

#![no_main]

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::FittedModel;
use scoreline_dixon_coles::model::options::FitOptions;

fn model() -> &'static FittedModel {
    static MODEL: OnceLock<FittedModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let teams = ["Arsenal", "Chelsea", "Everton", "Fulham"];
        let day = NaiveDate::from_ymd_opt(2024, 8, 1).unwrap();
        let mut matches = Vec::new();
        for round in 0..3u32 {
            for (h, home) in teams.iter().enumerate() {
                for (a, away) in teams.iter().enumerate() {
                    if h != a {
                        let d = matches.len() as u64;
                        let goals = (round + h as u32 * 3 + a as u32) % 4;
                        matches.push(Match::new(day + Days::new(d), *home, *away, goals, (goals + a as u32) % 3));
                    }
                }
            }
        }
        let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
        fit(&data, &FitOptions::default()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    scoreline_server::fuzzing::exercise(model(), data);
});
