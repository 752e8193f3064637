//! Every real data file under `$SCORELINE_DATA_DIR` reads, with the row
//! counts and date ranges of `football-data/MANIFEST.csv`.

mod common;

use common::data_dir;

use chrono::NaiveDate;
use scoreline_dixon_coles::data::football_data::{
    available_seasons, read_football_data_dir, read_football_data_file, read_match_file,
};
use scoreline_dixon_coles::data::international::read_international_file;
use scoreline_dixon_coles::data::{
    keep_largest_component_reported, DataError, DataWarning, Dataset, DuplicatePolicy,
    ValidationOptions,
};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;

#[test]
fn every_football_data_file_matches_the_manifest() {
    let root = data_dir().join("football-data");
    let mut manifest = csv::Reader::from_path(root.join("MANIFEST.csv")).expect("MANIFEST.csv");
    let header = manifest.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (file_col, rows_col, first_col, last_col) = (
        col("file"),
        col("rows"),
        col("first_date"),
        col("last_date"),
    );
    let mut files = 0;
    let mut total = 0;
    for record in manifest.records() {
        let record = record.unwrap();
        let path = root.join(&record[file_col]);
        let file = read_football_data_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let rows: usize = record[rows_col].parse().unwrap();
        assert_eq!(
            file.matches.len() + file.fixtures.len(),
            rows,
            "{}",
            path.display()
        );
        let first = NaiveDate::parse_from_str(&record[first_col], "%Y-%m-%d").unwrap();
        let last = NaiveDate::parse_from_str(&record[last_col], "%Y-%m-%d").unwrap();
        for m in &file.matches {
            assert!(
                m.date >= first && m.date <= last,
                "{}: {} outside {first}..{last}",
                path.display(),
                m.date
            );
            assert!(!m.home_team.is_empty() && !m.away_team.is_empty());
        }
        files += 1;
        total += rows;
    }
    assert_eq!(files, 178);
    assert_eq!(total, 70_165);
}

#[test]
fn known_rows_read_exactly() {
    let root = data_dir().join("football-data");
    // First row of E0 2023-24 (dd/mm/yyyy, Pinnacle closing odds present).
    let file = read_football_data_dir(&root, &["E0"], &["2324"]).unwrap();
    let first = &file.matches[0];
    assert_eq!(first.date, NaiveDate::from_ymd_opt(2023, 8, 11).unwrap());
    assert_eq!(
        (first.home_team.as_str(), first.away_team.as_str()),
        ("Burnley", "Man City")
    );
    assert_eq!((first.home_goals, first.away_goals), (0, 3));
    assert_eq!(first.division.as_deref(), Some("E0"));
    assert!(first.odds.pinnacle_closing.is_some() && first.odds.bet365.is_some());
    assert!(first.odds.pinnacle_over_under.is_some());
    assert_eq!(first.origin.as_ref().unwrap().line, Some(2));
    // A BOM file (2024-25) still finds its Div column.
    let bom = read_football_data_dir(&root, &["E0"], &["2425"]).unwrap();
    assert_eq!(bom.matches.len(), 380);
    assert!(bom
        .matches
        .iter()
        .all(|m| m.division.as_deref() == Some("E0")));
    // Latin-1 bytes (D1 2000-01) decode.
    let latin = read_football_data_dir(&root, &["D1"], &["0001"]).unwrap();
    assert_eq!(latin.matches.len(), 306);
    // Trailing blank row (E0 2014-15) is skipped; two-digit years pivot.
    let blank = read_football_data_dir(&root, &["E0"], &["1415"]).unwrap();
    assert_eq!(blank.matches.len(), 380);
    assert_eq!(
        blank.matches[0].date,
        NaiveDate::from_ymd_opt(2014, 8, 16).unwrap()
    );
    let old = read_football_data_dir(&root, &["E0"], &["9394"]).unwrap();
    assert_eq!(old.matches[0].date.format("%Y").to_string(), "1993");
    // Betbrain aggregates fill the market average before 2019-20.
    let bb = read_football_data_dir(&root, &["E0"], &["1617"]).unwrap();
    assert!(bb.matches[0].odds.market_average.is_some());
    // Seasons are listed oldest first.
    let seasons = available_seasons(&root, "E0");
    assert_eq!(seasons.first().map(String::as_str), Some("9394"));
    assert_eq!(seasons.last().map(String::as_str), Some("2526"));
    assert_eq!(seasons.len(), 33);
}

#[test]
fn results_only_files_read() {
    let dir = data_dir().join("football-data-results-only");
    let mut total = 0;
    for league in ["bundesliga", "la-liga", "serie-a", "ligue-1"] {
        for season in ["1516", "1617", "1718", "1819", "1920"] {
            let path = dir.join(league).join(format!("season-{season}.csv"));
            total += read_match_file(&path)
                .unwrap_or_else(|e| panic!("{e}"))
                .matches
                .len();
        }
    }
    assert_eq!(total, 7_129);
}

#[test]
fn international_results_read_and_validate() {
    let file = read_international_file(&data_dir().join("international/results.csv")).unwrap();
    assert_eq!(file.matches.len() + file.fixtures.len(), 49_520);
    assert_eq!(file.tournaments.len(), file.matches.len());
    let big = file
        .matches
        .iter()
        .find(|m| m.home_goals == 31)
        .expect("Australia 31–0 American Samoa");
    assert_eq!(big.away_goals, 0);
    assert!(file.matches.iter().any(|m| m.neutral) && file.matches.iter().any(|m| !m.neutral));
    // The history has one real duplicate (Tahiti v New Caledonia twice on
    // 1974-02-17, 2–1 and 1–2), which the error policy names by line.
    let kept = scoreline_dixon_coles::data::keep_largest_component(&file.matches);
    let strict = ValidationOptions {
        duplicates: DuplicatePolicy::Error,
        ..Default::default()
    };
    let err = Dataset::from_matches(&kept, &strict).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("line 9644")
            && message.contains("line 9643")
            && message.contains("Tahiti"),
        "{message}"
    );
    // Everything since 1975, the 31–0 included, passes with the default cap (50).
    let start = NaiveDate::from_ymd_opt(1975, 1, 1).unwrap();
    let recent: Vec<_> = kept.into_iter().filter(|m| m.date >= start).collect();
    let data = Dataset::from_matches(&recent, &ValidationOptions::default()).unwrap();
    assert!(data.teams().len() > 300);
    assert!(data.home_goals().contains(&31));
    // Also detected by header.
    let sniffed = read_match_file(&data_dir().join("international/results.csv")).unwrap();
    assert_eq!(sniffed.matches.len(), file.matches.len());
}

#[test]
fn the_whole_international_file_validates_with_the_default_options() {
    // What `fit international/results.csv` does: read, keep the largest
    // group of teams that have met, then validate with the defaults. The
    // duplicate is kept and reported, not fatal.
    let path = data_dir().join("international/results.csv");
    let file = read_match_file(&path).unwrap();
    let (kept, left_out) = keep_largest_component_reported(&file.matches);
    match left_out {
        Some(DataWarning::SmallerGroupsLeftOut {
            teams_kept,
            groups,
            matches_left_out,
        }) => {
            assert_eq!(groups, [["Aymara", "Mapuche", "Maule Sur"]]);
            assert_eq!(teams_kept, 334);
            assert_eq!(kept.len() + matches_left_out, file.matches.len());
        }
        other => panic!("{other:?}"),
    }
    let data = Dataset::from_matches(&kept, &ValidationOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(data.len(), kept.len());
    let duplicates: Vec<_> = data
        .warnings()
        .iter()
        .filter_map(|w| match w {
            DataWarning::DuplicateMatch {
                home, away, rows, ..
            } => Some((
                home.as_str(),
                away.as_str(),
                rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        duplicates,
        [("Tahiti", "New Caledonia", vec![Some(9643), Some(9644)])]
    );
    // Dropping the repeat leaves one match fewer.
    let dropped = Dataset::from_matches(
        &kept,
        &ValidationOptions {
            duplicates: DuplicatePolicy::Drop,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(dropped.len(), kept.len() - 1);
    // And it fits with the fit example's defaults (ξ = 0.0018/day, ridge 1e-3).
    let options = FitOptions {
        ridge: 1e-3,
        ..Default::default()
    };
    let model = fit(&data, &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.summary().converged);
    assert_eq!(model.summary().matches_used, kept.len());
}

/// Writes `<dir>/mmz4281/<season>/<division>.csv`.
fn write_season(dir: &std::path::Path, season: &str, division: &str, bytes: &[u8]) {
    let folder = dir.join("mmz4281").join(season);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("{division}.csv")), bytes).unwrap();
}

#[test]
fn one_stray_latin1_byte_does_not_split_a_team_across_seasons() {
    let dir = tempfile::tempdir().unwrap();
    let header = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,Referee\n";
    let clean = format!(
        "{header}SP1,01/09/23,M\u{e1}laga,Betis,1,0,Ann\nSP1,02/09/23,Betis,Sevilla,0,0,Ann\nSP1,03/09/23,Sevilla,M\u{e1}laga,2,1,Ann\n"
    );
    write_season(dir.path(), "2324", "SP1", clean.as_bytes());
    // The same UTF-8 names, and one Latin-1 byte (0xF6, ö) in a referee's name.
    let mut mixed = clean
        .replace("01/09/23", "01/09/24")
        .replace("02/09/23", "02/09/24")
        .replace("03/09/23", "03/09/24")
        .into_bytes();
    let at = mixed.windows(3).position(|w| w == b"Ann").unwrap();
    mixed.splice(at..at + 3, b"J\xf6rg".iter().copied());
    assert!(std::str::from_utf8(&mixed).is_err());
    write_season(dir.path(), "2425", "SP1", &mixed);
    let file = read_football_data_dir(dir.path(), &["SP1"], &["2324", "2425"]).unwrap();
    let data = Dataset::from_matches(&file.matches, &ValidationOptions::default()).unwrap();
    assert_eq!(data.teams().names(), ["Betis", "Málaga", "Sevilla"]);
}

#[test]
fn an_unknown_division_or_season_lists_what_there_is() {
    let dir = tempfile::tempdir().unwrap();
    let csv = b"Div,Date,HomeTeam,AwayTeam,FTHG,FTAG\nE0,01/09/23,A,B,1,0\n";
    write_season(dir.path(), "2324", "E0", csv);
    write_season(dir.path(), "2425", "E0", csv);
    write_season(dir.path(), "2425", "E1", csv);
    let err = read_football_data_dir(dir.path(), &["EO"], &["2324"]).unwrap_err();
    match &err {
        DataError::UnknownDivision {
            division,
            available,
            seasons,
            ..
        } => {
            assert_eq!(division, "EO");
            assert_eq!(available, &["E0", "E1"]);
            assert_eq!(seasons, &["2324", "2425"]);
        }
        other => panic!("{other}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("no division \"EO\"")
            && text.contains("E0, E1")
            && text.contains("2324, 2425"),
        "{text}"
    );
    let err = read_football_data_dir(dir.path(), &["E0", "E1"], &["2324", "2425"]).unwrap_err();
    assert!(
        matches!(&err, DataError::UnknownSeason { division, season, available, .. }
            if division == "E1" && season == "2324" && available == &["2425"]),
        "{err}"
    );
    // The real folder names its divisions and seasons.
    let root = data_dir().join("football-data");
    let text = read_football_data_dir(&root, &["EO"], &["2324"])
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("D1, E0, E1, F1, I1, SP1") && text.contains("9394") && text.contains("2526"),
        "{text}"
    );
}

#[test]
fn near_duplicate_names_in_the_real_leagues_are_reported() {
    // football-data spells Mönchengladbach `M'Gladbach` in D1 1993-94 and
    // `M'gladbach` elsewhere: one club, two teams unless renamed.
    let root = data_dir().join("football-data");
    let mut found = Vec::new();
    for division in ["E0", "E1", "D1", "SP1", "I1", "F1"] {
        let seasons = available_seasons(&root, division);
        let seasons: Vec<&str> = seasons.iter().map(String::as_str).collect();
        let file = read_football_data_dir(&root, &[division], &seasons).unwrap();
        let data = Dataset::from_matches(&file.matches, &ValidationOptions::default())
            .unwrap_or_else(|e| panic!("{division}: {e}"));
        for w in data.warnings() {
            eprintln!("{division}: {w}");
            if let DataWarning::SimilarTeamNames { names, .. } = w {
                found.push((division, names.clone()));
            }
        }
    }
    // And nothing else in the six leagues' whole histories: no false alarm
    // from different clubs with similar names (`Reggiana`/`Reggina`,
    // `Paris FC`/`Paris SG`, `Leipzig`/`RB Leipzig`).
    assert_eq!(
        found,
        [("D1", vec!["M'Gladbach".to_owned(), "M'gladbach".to_owned()])]
    );
}
