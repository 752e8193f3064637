//! FiveThirtyEight xG attached to football-data matches: the real
//! `$SCORELINE_DATA_DIR/xg/spi_matches.csv` against real football-data files,
//! and the reader's errors on small synthetic files.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use scoreline_dixon_coles::data::football_data::{read_football_data_file, season_path};
use scoreline_dixon_coles::data::xg::{attach_xg, read_spi_bytes, read_spi_matches, SpiTable};
use scoreline_dixon_coles::data::{DataError, Match};

fn spi_path() -> PathBuf {
    common::data_dir().join("xg/spi_matches.csv")
}

/// The folder of the results-only files of a division that has no odds
/// file for the seasons the spi table covers.
fn results_only_folder(division: &str) -> Option<&'static str> {
    match division {
        "D1" => Some("bundesliga"),
        "SP1" => Some("la-liga"),
        "I1" => Some("serie-a"),
        "F1" => Some("ligue-1"),
        _ => None,
    }
}

/// One season of one division, from the odds files when there is one, else
/// from the results-only files (whose rows carry no `Div`, so it is set here).
fn season(division: &str, season: &str) -> Vec<Match> {
    let dir = common::data_dir();
    let odds_file = season_path(&dir.join("football-data"), season, division);
    let path = if odds_file.is_file() {
        odds_file
    } else {
        let folder = results_only_folder(division).expect("a results-only folder");
        dir.join("football-data-results-only")
            .join(folder)
            .join(format!("season-{season}.csv"))
    };
    let mut matches = read_football_data_file(&path).unwrap().matches;
    for m in &mut matches {
        m.division = Some(division.to_owned());
    }
    matches
}

fn table() -> SpiTable {
    read_spi_matches(&spi_path()).unwrap()
}

/// The (xg, nsxg) of the spi row `date,…,league,team1,team2,…`, read from
/// the CSV text by column name without the crate's reader.
fn spi_row_values(date: &str, home: &str, away: &str) -> ([f64; 2], [f64; 2]) {
    let text = std::fs::read_to_string(spi_path()).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (d, t1, t2) = (col("date"), col("team1"), col("team2"));
    let row: Vec<&str> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[d] == date && r[t1] == home && r[t2] == away)
        .unwrap_or_else(|| panic!("no spi row {date} {home} v {away}"));
    let num = |name: &str| row[col(name)].parse::<f64>().unwrap();
    ([num("xg1"), num("xg2")], [num("nsxg1"), num("nsxg2")])
}

#[test]
fn e0_and_d1_2017_18_get_xg_on_99_percent_of_matches() {
    let table = table();
    let mut matches = season("E0", "1718");
    matches.extend(season("D1", "1718"));
    let coverage = attach_xg(&mut matches, &table);
    for (division, expected) in [("E0", 380), ("D1", 306)] {
        let c = coverage.division(division).unwrap();
        assert_eq!(c.matches, expected);
        assert!(
            c.with_xg as f64 >= 0.99 * c.matches as f64,
            "{division}: {} of {} with xG; unmatched {:?}",
            c.with_xg,
            c.matches,
            c.unmatched_teams
        );
        assert!(c.unmatched_teams.is_empty(), "{:?}", c.unmatched_teams);
    }
    let with_xg = matches.iter().filter(|m| m.stats.xg.is_some()).count();
    assert_eq!(
        with_xg,
        coverage.divisions.iter().map(|d| d.with_xg).sum::<usize>()
    );
    let e0 = coverage.division("E0").unwrap();
    assert!(e0
        .team_names
        .contains(&("Man United".to_owned(), "Manchester United".to_owned())));
}

#[test]
fn attached_values_are_those_of_the_spi_row() {
    let table = table();
    let mut matches = season("E0", "1718");
    matches.extend(season("D1", "1718"));
    attach_xg(&mut matches, &table);
    for (date, fd, spi) in [
        (
            "2017-08-13",
            ["Man United", "West Ham"],
            ["Manchester United", "West Ham United"],
        ),
        (
            "2017-08-18",
            ["Bayern Munich", "Leverkusen"],
            ["Bayern Munich", "Bayer Leverkusen"],
        ),
    ] {
        let (xg, nsxg) = spi_row_values(date, spi[0], spi[1]);
        let m = matches
            .iter()
            .find(|m| m.date.to_string() == date && m.home_team == fd[0] && m.away_team == fd[1])
            .unwrap();
        assert_eq!(m.stats.xg, Some(xg), "{fd:?}");
        assert_eq!(m.stats.non_shot_xg, Some(nsxg), "{fd:?}");
    }
}

/// Prints the coverage of six divisions over the three seasons the table
/// covers (run with `--nocapture` to see it), and checks the seasons the
/// table covers in full.
#[test]
fn coverage_of_six_divisions_over_three_seasons() {
    let table = table();
    let range = table.date_range(None).unwrap();
    println!("table covers {} … {}", range.0, range.1);
    for season_code in ["1617", "1718", "1819"] {
        let mut matches = Vec::new();
        for division in ["E0", "E1", "D1", "SP1", "I1", "F1"] {
            matches.extend(season(division, season_code));
        }
        let coverage = attach_xg(&mut matches, &table);
        assert_eq!(coverage.without_league, 0);
        for c in &coverage.divisions {
            println!(
                "{season_code} {:>3}: {:>3} matches, {:>3} paired, {:>3} with xG, {} score mismatches, unmatched {:?}",
                c.division, c.matches, c.paired, c.with_xg, c.score_mismatches, c.unmatched_teams
            );
            // The sources agree on the score of (nearly) every pairing, and no
            // two football-data names share an spi name.
            assert!(c.score_mismatches <= 1, "{season_code} {}", c.division);
            let mut spi_names: Vec<&str> = c.team_names.iter().map(|(_, s)| s.as_str()).collect();
            spi_names.sort_unstable();
            spi_names.dedup();
            assert_eq!(spi_names.len(), c.team_names.len());
            // Seasons the table holds played and with xG throughout.
            let full = season_code != "1819" && !(season_code == "1617" && c.division == "E1");
            if full {
                assert!(
                    c.with_xg as f64 >= 0.99 * c.matches as f64,
                    "{season_code} {}",
                    c.division
                );
            }
        }
    }
}

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("spi.csv");
    std::fs::write(&path, text).unwrap();
    path
}

const HEADER: &str = "date,league_id,league,team1,team2,spi1,spi2,prob1,prob2,probtie,proj_score1,proj_score2,importance1,importance2,score1,score2,xg1,xg2,nsxg1,nsxg2,adj_score1,adj_score2\n";

#[test]
fn a_bad_number_is_a_typed_error_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}\
         2017-08-11,2411,Barclays Premier League,Arsenal,Leicester City,1,1,0.5,0.2,0.3,2,1,,,4,3,2.05,1.39,2.86,0.75,4,3\n\
         2017-08-12,2411,Barclays Premier League,Watford,Liverpool,1,1,0.5,0.2,0.3,2,1,,,3,3,2.1,two,1.0,1.0,3,3\n"
    );
    let path = write(dir.path(), &text);
    let err = read_spi_matches(&path).unwrap_err();
    match &err {
        DataError::InvalidField {
            row, field, value, ..
        } => {
            assert_eq!(row.line, Some(3));
            assert_eq!(field, "xg2");
            assert_eq!(value, "two");
        }
        other => panic!("unexpected error {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("line 3") && message.contains("xg2"),
        "{message}"
    );

    for (bad, column) in [("2017-13-40", "date"), ("-1", "score1"), ("inf", "nsxg1")] {
        let row = match column {
            "date" => format!("{bad},1,L,A,B,,,,,,,,,,1,0,,,,,,\n"),
            "score1" => format!("2017-08-12,1,L,A,B,,,,,,,,,,{bad},0,,,,,,\n"),
            _ => format!("2017-08-12,1,L,A,B,,,,,,,,,,1,0,1,1,{bad},1,,\n"),
        };
        let path = write(dir.path(), &format!("{HEADER}{row}"));
        match read_spi_matches(&path).unwrap_err() {
            DataError::InvalidField { row, field, .. } => {
                assert_eq!((row.line, field.as_str()), (Some(2), column));
            }
            other => panic!("unexpected error {other:?}"),
        }
    }
    let path = write(
        dir.path(),
        "date,league,team1,team2,score1,score2,xg1,xg2\n",
    );
    assert!(matches!(
        read_spi_matches(&path).unwrap_err(),
        DataError::MissingColumn { column, .. } if column == "nsxg1"
    ));
    let path = write(
        dir.path(),
        &format!("{HEADER}2017-08-12,1,L,,B,,,,,,,,,,1,0,,,,,,\n"),
    );
    assert!(matches!(
        read_spi_matches(&path).unwrap_err(),
        DataError::EmptyTeamName { field: "team1", .. }
    ));
}

#[test]
fn empty_xg_cells_are_none() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}\
         2017-08-11,2411,Barclays Premier League,Arsenal,Leicester City,1,1,0.5,0.2,0.3,2,1,,,4,3,,,2.86,0.75,4,3\n\
         2017-08-12,2411,Barclays Premier League,Watford,Liverpool,1,1,0.5,0.2,0.3,2,1,,,3,3,2.1,,1.0,1.0,3,3\n\
         2019-05-12,2411,Barclays Premier League,Watford,West Ham United,1,1,0.5,0.2,0.3,2,1,,,,,,,,,,\n\
         ,,,,,,,,,,,,,,,,,,,,,\n"
    );
    let table = read_spi_matches(&write(dir.path(), &text)).unwrap();
    assert_eq!(table.rows.len(), 3);
    assert_eq!(table.rows[0].xg, None);
    assert_eq!(table.rows[0].non_shot_xg, Some([2.86, 0.75]));
    assert_eq!(table.rows[0].score, Some([4, 3]));
    assert_eq!(
        table.rows[1].xg, None,
        "one empty side leaves the pair None"
    );
    assert_eq!(table.rows[2].score, None);
    assert_eq!(table.rows[2].non_shot_xg, None);
    assert_eq!(table.rows[2].origin.line, Some(4));
}

/// A four-team double round robin, two matches a day: on days 1, 3 and 5
/// the two scores differ (each match pairs uniquely, three votes for every
/// name), on days 2, 4 and 6 both end 1-1 (ambiguous until the names are
/// known). A fifth team plays twice, too few to be matched.
#[test]
fn names_are_learned_from_unique_pairings_and_resolve_ambiguous_days() {
    let fd = ["A", "B", "C", "D", "E"];
    let spi = ["Alpha FC", "Beta FC", "Gamma", "Delta", "Epsilon"];
    let rounds = [
        [(0, 1), (2, 3)],
        [(0, 2), (1, 3)],
        [(0, 3), (1, 2)],
        [(1, 0), (3, 2)],
        [(2, 0), (3, 1)],
        [(3, 0), (2, 1)],
        [(4, 0), (1, 2)],
        [(0, 4), (3, 1)],
    ];
    let mut csv = String::from(HEADER);
    let mut matches = Vec::new();
    let mut expected = Vec::new();
    for (r, round) in rounds.iter().enumerate() {
        let date = NaiveDate::from_ymd_opt(2017, 9, 1 + r as u32).unwrap();
        for (k, &(h, a)) in round.iter().enumerate() {
            let score = if r % 2 == 1 && r < 6 {
                [1, 1]
            } else {
                [k as u32 + 1, 0]
            };
            let xg = [r as f64 + 0.25, k as f64 + 0.5];
            csv += &format!(
                "{date},2411,Barclays Premier League,{},{},,,,,,,,,,{},{},{},{},0.1,0.2,,\n",
                spi[h], spi[a], score[0], score[1], xg[0], xg[1]
            );
            let mut m = Match::new(date, fd[h], fd[a], score[0], score[1]);
            m.division = Some("E0".to_owned());
            matches.push(m);
            expected.push(xg);
        }
    }
    let mut other = Match::new(NaiveDate::from_ymd_opt(2017, 9, 1).unwrap(), "X", "Y", 0, 0);
    other.division = None;
    matches.push(other);
    let table = read_spi_bytes("synthetic.csv", csv.as_bytes()).unwrap();
    let coverage = attach_xg(&mut matches, &table);
    assert_eq!(coverage.without_league, 1);
    let c = coverage.division("E0").unwrap();
    assert_eq!(c.matches, 16);
    assert_eq!(c.unmatched_teams, ["E"]);
    assert_eq!(c.team_names.len(), 4);
    assert_eq!((c.paired, c.with_xg, c.score_mismatches), (14, 14, 0));
    for (m, xg) in matches.iter().zip(&expected) {
        let want = (m.home_team != "E" && m.away_team != "E").then_some(*xg);
        assert_eq!(
            m.stats.xg, want,
            "{} v {} on {}",
            m.home_team, m.away_team, m.date
        );
        assert_eq!(m.stats.non_shot_xg, want.map(|_| [0.1, 0.2]));
    }
    assert_eq!(matches.last().unwrap().stats.xg, None);
}
