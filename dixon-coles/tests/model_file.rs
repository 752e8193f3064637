//! Versioned model files: exact round trips and typed errors for damaged,
//! edited or newer files.

mod common;

use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::error::ModelFileError;
use scoreline_dixon_coles::fit::{fit, FitOptions};
use scoreline_dixon_coles::model::FittedModel;

fn model() -> FittedModel {
    let matches = common::simulate_season(&common::true_parameters(8, 2), 3, 4);
    let data = Dataset::from_matches(&matches, &ValidationOptions::default()).unwrap();
    fit(&data, &FitOptions::default()).unwrap()
}

#[test]
fn round_trip_is_bit_identical() {
    let m = model();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    m.save(&path).unwrap();
    let loaded = FittedModel::load(&path).unwrap();
    assert_eq!(loaded, m);
    for neutral in [false, true] {
        let a = m.predict("T01", "T06", neutral).unwrap();
        let b = loaded.predict("T01", "T06", neutral).unwrap();
        assert_eq!(a.probabilities(), b.probabilities());
    }
    // Only the model file is left in the folder (the temporary file was renamed).
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"format_version\": 1"));
    assert!(text.contains("\"fingerprint\""));
}

#[test]
fn truncated_file_is_malformed() {
    let text = model().to_json().unwrap();
    let err = FittedModel::from_json(&text[..text.len() / 2]).unwrap_err();
    assert!(matches!(err, ModelFileError::Malformed(_)), "{err}");
}

#[test]
fn edited_file_fails_the_checksum() {
    let m = model();
    let text = m.to_json().unwrap();
    let rho = format!(
        "\"rho\": {}",
        serde_json::to_string(&m.parameters().rho).unwrap()
    );
    assert!(text.contains(&rho));
    let edited = text.replacen(&rho, "\"rho\": 0.1", 1);
    let err = FittedModel::from_json(&edited).unwrap_err();
    assert!(
        matches!(err, ModelFileError::ChecksumMismatch { .. }),
        "{err}"
    );
}

#[test]
fn newer_version_and_other_formats_are_rejected() {
    let text = model().to_json().unwrap();
    let newer = text.replacen("\"format_version\": 1", "\"format_version\": 2", 1);
    assert!(matches!(
        FittedModel::from_json(&newer),
        Err(ModelFileError::NewerVersion {
            found: 2,
            supported: 1
        })
    ));
    let other = text.replacen("scoreline-dixon-coles", "something-else", 1);
    assert!(matches!(
        FittedModel::from_json(&other),
        Err(ModelFileError::WrongFormat { .. })
    ));
    assert!(matches!(
        FittedModel::from_json("[]"),
        Err(ModelFileError::WrongFormat { .. })
    ));
}

#[test]
fn missing_file_and_unwritable_path_are_io_errors() {
    assert!(matches!(
        FittedModel::load("/nonexistent/model.json"),
        Err(ModelFileError::Io { .. })
    ));
    assert!(matches!(
        model().save("/nonexistent/dir/model.json"),
        Err(ModelFileError::Io { .. })
    ));
}
