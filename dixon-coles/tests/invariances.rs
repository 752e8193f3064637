//! Relabelling teams, reordering matches and scaling every weight leave
//! predictions unchanged.

mod common;

use scoreline_dixon_coles::data::{Dataset, Match, ValidationOptions};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
use scoreline_dixon_coles::model::FittedModel;

fn fitted(matches: &[Match]) -> FittedModel {
    let data = Dataset::from_matches(matches, &ValidationOptions::default()).unwrap();
    fit(&data, &FitOptions::default()).unwrap()
}

fn assert_same_predictions(a: &FittedModel, b: &FittedModel, rename: impl Fn(&str) -> String) {
    let names = a.teams().names();
    for h in names {
        for w in names {
            if h == w {
                continue;
            }
            for neutral in [false, true] {
                let pa = a.predict(h, w, neutral).unwrap().outcome_probabilities();
                let pb = b
                    .predict(&rename(h), &rename(w), neutral)
                    .unwrap()
                    .outcome_probabilities();
                for (x, y) in [(pa.home, pb.home), (pa.draw, pb.draw), (pa.away, pb.away)] {
                    assert!((x - y).abs() < 1e-9, "{h} v {w}: {x} vs {y}");
                }
            }
        }
    }
}

fn season() -> Vec<Match> {
    let truth = common::true_parameters(10, 3);
    common::simulate_season(&truth, 11, 7)
}

#[test]
fn relabelling_teams_changes_nothing() {
    let matches = season();
    // Reverse the sort order of the names so every team id changes.
    let rename = |s: &str| format!("Z{}", 99 - s[1..].parse::<u32>().unwrap());
    let renamed: Vec<Match> = matches
        .iter()
        .map(|m| Match {
            home_team: rename(&m.home_team),
            away_team: rename(&m.away_team),
            ..m.clone()
        })
        .collect();
    assert_same_predictions(&fitted(&matches), &fitted(&renamed), rename);
}

#[test]
fn reordering_matches_changes_nothing() {
    let matches = season();
    let mut shuffled = matches.clone();
    shuffled.reverse();
    shuffled.swap(0, 17);
    assert_same_predictions(&fitted(&matches), &fitted(&shuffled), str::to_owned);
}

#[test]
fn scaling_all_weights_changes_nothing() {
    let matches = season();
    let scaled: Vec<Match> = matches
        .iter()
        .map(|m| Match {
            weight: Some(3.7),
            ..m.clone()
        })
        .collect();
    assert_same_predictions(&fitted(&matches), &fitted(&scaled), str::to_owned);
}
