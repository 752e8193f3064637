//! Every validation rule, each with a bad file or a bad record, and readers
//! that never panic on arbitrary bytes.

use chrono::NaiveDate;
use proptest::prelude::*;
use scoreline_dixon_coles::data::football_data::read_football_data_bytes;
use scoreline_dixon_coles::data::international::read_international_bytes;
use scoreline_dixon_coles::data::{DataError, Dataset, Match, ValidationOptions};

const HEADER: &str = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\n";

fn file(rows: &str) -> Result<Dataset, DataError> {
    let parsed = read_football_data_bytes("bad.csv", format!("{HEADER}{rows}").as_bytes())?;
    Dataset::from_matches(&parsed.matches, &ValidationOptions::default())
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
}

#[test]
fn empty_team_name_names_the_line() {
    let err = file("E0,01/01/24,A,B,1,0\nE0,02/01/24,,B,1,0\n").unwrap_err();
    assert!(
        matches!(
            &err,
            DataError::EmptyTeamName {
                field: "home_team",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("bad.csv line 3"), "{err}");
}

#[test]
fn home_equal_to_away_names_the_team() {
    let err = file("E0,01/01/24,A,B,1,0\nE0,02/01/24,B,B,1,0\n").unwrap_err();
    assert!(
        matches!(&err, DataError::SameTeam { team, .. } if team == "B"),
        "{err}"
    );
    assert!(err.to_string().contains("line 3"));
}

#[test]
fn negative_goals_are_rejected() {
    let err = file("E0,01/01/24,A,B,-1,0\n").unwrap_err();
    assert!(
        matches!(&err, DataError::InvalidField { field, .. } if field == "FTHG"),
        "{err}"
    );
    assert!(err.to_string().contains("negative") && err.to_string().contains("line 2"));
}

#[test]
fn non_integer_goals_are_rejected() {
    let err = file("E0,01/01/24,A,B,1,0.5\n").unwrap_err();
    assert!(
        err.to_string().contains("whole number") && err.to_string().contains("FTAG"),
        "{err}"
    );
    let err = file("E0,01/01/24,A,B,one,0\n").unwrap_err();
    assert!(err.to_string().contains("not a number"), "{err}");
}

#[test]
fn goals_above_the_cap_are_rejected_and_the_cap_is_configurable() {
    let err = file("E0,01/01/24,A,B,51,0\nE0,02/01/24,B,A,0,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::GoalsAboveCap {
                goals: 51,
                cap: 50,
                ..
            }
        ),
        "{err}"
    );
    let m = [
        Match::new(day(1), "A", "B", 51, 0),
        Match::new(day(2), "B", "A", 0, 0),
    ];
    assert!(Dataset::from_matches(
        &m,
        &ValidationOptions {
            max_goals: 60,
            ..Default::default()
        }
    )
    .is_ok());
    let tight = ValidationOptions {
        max_goals: 5,
        ..Default::default()
    };
    assert!(matches!(
        Dataset::from_matches(&[Match::new(day(1), "A", "B", 6, 0)], &tight),
        Err(DataError::GoalsAboveCap {
            goals: 6,
            cap: 5,
            ..
        })
    ));
}

#[test]
fn bad_weights_are_rejected() {
    for w in [f64::NAN, f64::INFINITY, -0.5] {
        let mut m = Match::new(day(1), "A", "B", 1, 0);
        m.weight = Some(w);
        let err = Dataset::from_matches(
            &[Match::new(day(2), "B", "A", 0, 0), m],
            &ValidationOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, DataError::InvalidWeight { .. }), "{err}");
        assert!(err.to_string().contains("match #1"), "{err}");
    }
}

#[test]
fn duplicate_matches_name_both_rows() {
    let err =
        file("E0,01/01/24,A,B,1,0\nE0,02/01/24,B,A,1,0\nE0,01/01/2024,A,B,2,2\n").unwrap_err();
    assert!(matches!(err, DataError::DuplicateMatch { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("line 4") && text.contains("line 2"), "{text}");
}

#[test]
fn fewer_than_two_teams_is_rejected() {
    assert!(matches!(
        Dataset::from_matches(&[], &ValidationOptions::default()),
        Err(DataError::TooFewTeams { teams: 0 })
    ));
}

#[test]
fn a_disconnected_league_reports_its_groups() {
    let err = file("E0,01/01/24,A,B,1,0\nE0,02/01/24,B,C,1,0\nE0,03/01/24,X,Y,1,0\n").unwrap_err();
    match &err {
        DataError::Disconnected { components } => {
            assert_eq!(
                components,
                &vec![
                    vec!["A".to_owned(), "B".into(), "C".into()],
                    vec!["X".into(), "Y".into()]
                ]
            );
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("2 groups"));
    let lenient = ValidationOptions {
        require_connected: false,
        ..Default::default()
    };
    let parsed = read_football_data_bytes(
        "ok.csv",
        format!("{HEADER}E0,01/01/24,A,B,1,0\nE0,03/01/24,X,Y,1,0\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(
        Dataset::from_matches(&parsed.matches, &lenient)
            .unwrap()
            .components()
            .len(),
        2
    );
}

#[test]
fn bad_dates_and_missing_columns_are_named() {
    let err = file("E0,31/02/24,A,B,1,0\n").unwrap_err();
    assert!(
        err.to_string().contains("Date") && err.to_string().contains("31/02/24"),
        "{err}"
    );
    let err = read_football_data_bytes(
        "x.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG\nE0,01/01/24,A,B,1\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::MissingColumn { column, .. } if column == "FTAG"),
        "{err}"
    );
    let err = read_football_data_bytes(
        "x.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,B365H,B365D,B365A\nE0,01/01/24,A,B,1,0,x,3,4\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("B365H"), "{err}");
}

#[test]
fn a_score_with_one_side_missing_is_an_error_not_a_fixture() {
    let err = file("E0,01/01/24,A,B,1,\n").unwrap_err();
    assert!(err.to_string().contains("FTAG"), "{err}");
}

#[test]
fn international_bad_rows_are_named() {
    let header = "date,home_team,away_team,home_score,away_score,tournament,city,country,neutral\n";
    let err = read_international_bytes(
        "r.csv",
        format!("{header}2020-01-01,A,B,1,0,F,c,d,maybe\n").as_bytes(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("neutral") && err.to_string().contains("line 2"),
        "{err}"
    );
    let err = read_international_bytes(
        "r.csv",
        format!("{header}2020-01-01,A,B,-2,0,F,c,d,FALSE\n").as_bytes(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("home_score"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_football_data_bytes("fuzz.csv", &bytes);
        let _ = read_international_bytes("fuzz.csv", &bytes);
    }

    #[test]
    fn readers_never_panic_on_csv_like_text(
        rows in prop::collection::vec(prop::collection::vec("[A-Za-z0-9/.,\\- ]{0,12}", 0..9), 0..12)
    ) {
        let body: String = rows.iter().map(|r| r.join(",") + "\n").collect();
        for header in [HEADER, "date,home_team,away_team,home_score,away_score,neutral\n"] {
            let text = format!("{header}{body}");
            if let Ok(parsed) = read_football_data_bytes("fuzz.csv", text.as_bytes()) {
                let _ = Dataset::from_matches(&parsed.matches, &ValidationOptions::default());
            }
            let _ = read_international_bytes("fuzz.csv", text.as_bytes());
        }
    }
}
