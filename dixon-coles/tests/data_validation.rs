//! Every validation rule, each with a bad file or a bad record, and readers
//! that never panic on arbitrary bytes.

use chrono::NaiveDate;
use proptest::prelude::*;
use scoreline_dixon_coles::data::football_data::read_football_data_bytes;
use scoreline_dixon_coles::data::international::read_international_bytes;
use scoreline_dixon_coles::data::{
    DataError, DataWarning, Dataset, DuplicatePolicy, Match, ValidationOptions,
};

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
        Match::new(day(2), "B", "C", 0, 0),
        Match::new(day(3), "C", "A", 0, 0),
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

fn with_policy(rows: &str, duplicates: DuplicatePolicy) -> Result<Dataset, DataError> {
    let parsed = read_football_data_bytes("bad.csv", format!("{HEADER}{rows}").as_bytes())?;
    Dataset::from_matches(
        &parsed.matches,
        &ValidationOptions {
            duplicates,
            ..Default::default()
        },
    )
}

/// A triangle A–B–C (so the ratings are identifiable) with a repeated A v B.
const REPEATED: &str =
    "E0,01/01/24,A,B,1,0\nE0,02/01/24,B,C,1,0\nE0,01/01/2024,A,B,2,2\nE0,03/01/24,C,A,0,1\n";

#[test]
fn duplicate_policy_error_names_both_rows() {
    let err = with_policy(REPEATED, DuplicatePolicy::Error).unwrap_err();
    assert!(matches!(err, DataError::DuplicateMatch { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("line 4") && text.contains("line 2"), "{text}");
}

#[test]
fn duplicate_policy_keep_is_the_default_and_reports_both_rows() {
    let data = file(REPEATED).unwrap();
    assert_eq!(data.len(), 4);
    assert_eq!(
        ValidationOptions::default().duplicates,
        DuplicatePolicy::Keep
    );
    let [warning] = data.warnings() else {
        panic!("{:?}", data.warnings())
    };
    match warning {
        DataWarning::DuplicateMatch {
            home,
            away,
            rows,
            policy,
            ..
        } => {
            assert_eq!((home.as_str(), away.as_str()), ("A", "B"));
            let lines: Vec<_> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, [Some(2), Some(4)]);
            assert_eq!(*policy, DuplicatePolicy::Keep);
        }
        other => panic!("{other}"),
    }
    let text = warning.to_string();
    assert!(
        text.contains("bad.csv line 2") && text.contains("kept every copy"),
        "{text}"
    );
}

#[test]
fn duplicate_policy_drop_keeps_the_first_copy() {
    let data = with_policy(REPEATED, DuplicatePolicy::Drop).unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data.home_goals(), [1, 1, 0]);
    assert!(
        matches!(&data.warnings()[0], DataWarning::DuplicateMatch { policy: DuplicatePolicy::Drop, rows, .. } if rows.len() == 2)
    );
    assert!(data.warnings()[0].to_string().contains("dropped"));
    assert_eq!("drop".parse::<DuplicatePolicy>(), Ok(DuplicatePolicy::Drop));
    assert!("sometimes".parse::<DuplicatePolicy>().is_err());
}

#[test]
fn fewer_than_two_teams_is_rejected() {
    assert!(matches!(
        Dataset::from_matches(&[], &ValidationOptions::default()),
        Err(DataError::TooFewTeams { teams: 0, .. })
    ));
}

#[test]
fn one_match_or_two_teams_fail_validation_with_a_clear_message() {
    let err = file("E0,01/01/24,A,B,1,0\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TooFewTeams {
                teams: 2,
                matches: 1
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("at least three teams"), "{err}");
    let err = file("E0,01/01/24,A,B,1,0\nE0,08/01/24,B,A,2,2\nE0,15/01/24,A,B,0,3\n").unwrap_err();
    assert!(
        matches!(
            err,
            DataError::TooFewTeams {
                teams: 2,
                matches: 3
            }
        ),
        "{err}"
    );
}

#[test]
fn two_sides_that_only_play_across_are_not_identifiable() {
    // A and C only ever play B and D: adding c to the attack of {A, C} and
    // to the defence of {B, D} changes no expected score.
    let err = file(
        "E0,01/01/24,A,B,1,0\nE0,02/01/24,C,B,1,1\nE0,03/01/24,C,D,0,1\nE0,04/01/24,D,A,2,0\n",
    )
    .unwrap_err();
    match &err {
        DataError::NotIdentifiable { groups } => {
            assert_eq!(groups[0], ["A", "C"]);
            assert_eq!(groups[1], ["B", "D"]);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("cannot be told apart"), "{err}");
    // One match inside a side closes an odd cycle and identifies the ratings.
    assert!(file("E0,01/01/24,A,B,1,0\nE0,02/01/24,C,B,1,1\nE0,03/01/24,C,D,0,1\nE0,04/01/24,D,A,2,0\nE0,05/01/24,A,C,1,1\n").is_ok());
}

#[test]
fn near_duplicate_team_names_are_warned_about_not_rejected() {
    // "Mаn City" has a Cyrillic а; "ManCity" lacks the space; "man city" is lower case.
    let rows = "E0,01/01/24,Man City,Leeds,1,0\nE0,02/01/24,Leeds,Mаn City,1,1\n\
                E0,03/01/24,ManCity,Reggina,0,1\nE0,04/01/24,Reggina,man city,2,0\n\
                E0,05/01/24,Reggiana,Leeds,0,0\nE0,06/01/24,Reggina,Leeds,0,0\n\
                E0,07/01/24,Man City,Reggiana,1,1\n";
    let data = file(rows).unwrap();
    assert_eq!(data.teams().len(), 7);
    let [DataWarning::SimilarTeamNames { names, matches }] = data.warnings() else {
        panic!("{:?}", data.warnings())
    };
    assert_eq!(names, &["Man City", "ManCity", "Mаn City", "man city"]);
    assert_eq!(matches, &[2, 1, 1, 1]);
    let text = data.warnings()[0].to_string();
    assert!(text.contains("\"ManCity\" (1 matches)"), "{text}");
}

#[test]
fn an_unbalanced_quote_names_its_line() {
    let mut rows = String::from("E0,01/01/24,A,B,1,0\nE0,02/01/24,\"B,C,1,0\n");
    for d in 3..13 {
        rows.push_str(&format!("E0,{d:02}/01/24,T{d},U{d},1,0\n"));
    }
    let err = file(&rows).unwrap_err();
    assert!(
        matches!(&err, DataError::UnbalancedQuote { line: 3, file } if file == "bad.csv"),
        "{err}"
    );
    assert!(err.to_string().contains("bad.csv line 3"), "{err}");
    // On the last line, with or without a final line break.
    for end in ["\n", ""] {
        let err = read_football_data_bytes(
            "end.csv",
            format!("{HEADER}E0,01/01/24,A,B,1,0\nE0,02/01/24,B,\"C,1,0{end}").as_bytes(),
        )
        .unwrap_err();
        assert!(
            matches!(err, DataError::UnbalancedQuote { line: 3, .. }),
            "{err}"
        );
    }
    // Quotes that close are fine.
    let ok =
        file("E0,01/01/24,\"A\",B,1,0\nE0,02/01/24,B,\"C\",1,0\nE0,03/01/24,C,A,1,0\n").unwrap();
    assert_eq!(ok.teams().names(), ["A", "B", "C"]);
}

#[test]
fn a_duplicated_column_is_named_at_load_time() {
    let err = read_football_data_bytes(
        "dup.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTHG\nE0,01/01/24,A,B,1,0,1\n",
    )
    .unwrap_err();
    match &err {
        DataError::DuplicateColumn {
            file,
            column,
            positions,
        } => {
            assert_eq!((file.as_str(), column.as_str()), ("dup.csv", "FTHG"));
            assert_eq!(positions, &[5, 7]);
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string().contains("\"FTHG\" appears 2 times"),
        "{err}"
    );
    // An odds column counts too; an unused one does not.
    let err = read_football_data_bytes(
        "dup.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,PSH,PSD,PSA,PSH\nE0,01/01/24,A,B,1,0,2,3,4,2\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::DuplicateColumn { column, .. } if column == "PSH"),
        "{err}"
    );
    assert!(read_football_data_bytes(
        "ok.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,Referee,Referee\nE0,01/01/24,A,B,1,0,X,Y\n",
    )
    .is_ok());
    // Shots are read, so a second HS column is ambiguous.
    let err = read_football_data_bytes(
        "dup.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HS,HS\nE0,01/01/24,A,B,1,0,3,4\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::DuplicateColumn { column, .. } if column == "HS"),
        "{err}"
    );
    let err = read_international_bytes(
        "r.csv",
        b"date,home_team,away_team,home_score,away_score,home_score\n2020-01-01,A,B,1,0,1\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, DataError::DuplicateColumn { column, .. } if column == "home_score"),
        "{err}"
    );
}

#[test]
fn a_stray_latin1_byte_does_not_garble_the_utf8_of_other_fields() {
    let bytes = b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,Referee\n\
                  SP1,01/01/24,M\xc3\xa1laga,Betis,1,0,J\xf6rg Kessler\n\
                  SP1,02/01/24,Betis,M\xc3\xa1laga,0,0,Ann\n";
    let file = read_football_data_bytes("mixed.csv", bytes).unwrap();
    let names: Vec<&str> = file
        .matches
        .iter()
        .flat_map(|m| [m.home_team.as_str(), m.away_team.as_str()])
        .collect();
    assert_eq!(names, ["Málaga", "Betis", "Betis", "Málaga"]);
    // A Latin-1 team name still decodes as Latin-1.
    let latin = read_football_data_bytes(
        "latin.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nD1,01/01/01,K\xf6ln,Bochum,1,0\n",
    )
    .unwrap();
    assert_eq!(latin.matches[0].home_team, "Köln");
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

/// Shots and shots on target are read when the columns are there (both
/// sides filled), left out when a cell is empty, and a cell that is not a
/// whole number is an error naming the row and column.
#[test]
fn shots_and_shots_on_target_are_read_and_checked() {
    let file = read_football_data_bytes(
        "shots.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HS,AS,HST,AST\n\
E0,01/01/24,A,B,1,0,12,7,5,2\n\
E0,02/01/24,B,A,0,0,9,,3,1\n",
    )
    .unwrap();
    assert_eq!(file.statistics, ["shots", "shots_on_target"]);
    assert_eq!(file.matches[0].stats.shots, Some([12, 7]));
    assert_eq!(file.matches[0].stats.shots_on_target, Some([5, 2]));
    assert_eq!(file.matches[1].stats.shots, None);
    assert_eq!(file.matches[1].stats.shots_on_target, Some([3, 1]));
    let bare = read_football_data_bytes(
        "bare.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/01/24,A,B,1,0\n",
    )
    .unwrap();
    assert!(bare.statistics.is_empty() && bare.matches[0].stats.shots_on_target.is_none());
    let err = read_football_data_bytes(
        "bad.csv",
        b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,HST,AST\nE0,01/01/24,A,B,1,0,4,x\n",
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("AST") && text.contains("bad.csv"), "{text}");
}
