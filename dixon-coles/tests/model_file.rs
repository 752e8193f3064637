//! Versioned model files: exact round trips and typed errors for damaged,
//! edited or newer files.

mod common;

use common::reseal;

use scoreline_dixon_coles::data::{Dataset, ValidationOptions};
use scoreline_dixon_coles::error::ModelFileError;
use scoreline_dixon_coles::model::file::{Metadata, ModelFile, FORMAT_VERSION, PYTHON_OPTIONS_KEY};
use scoreline_dixon_coles::model::fit::fit;
use scoreline_dixon_coles::model::options::FitOptions;
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
    assert!(text.contains("\"format_version\": 3"));
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
    let newer = text.replacen("\"format_version\": 3", "\"format_version\": 4", 1);
    assert!(matches!(
        FittedModel::from_json(&newer),
        Err(ModelFileError::NewerVersion {
            found: 4,
            supported: 3
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

#[test]
fn resealing_without_an_edit_still_loads() {
    let m = model();
    let text = reseal(&m.to_json().unwrap(), |_| {});
    assert_eq!(FittedModel::from_json(&text).unwrap(), m);
}

#[test]
fn out_of_range_fields_are_rejected_naming_the_field() {
    let text = model().to_json().unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit, &str); 14] = [
        (
            "rho = 5",
            |m| m["parameters"]["rho"] = 5.0.into(),
            "model.parameters.rho",
        ),
        (
            "rho = -5",
            |m| m["parameters"]["rho"] = (-5.0).into(),
            "model.parameters.rho",
        ),
        (
            "attack = 700",
            |m| m["parameters"]["attack"][3] = 700.0.into(),
            "model.parameters.attack[3] (\"T03\")",
        ),
        (
            "defence = -40",
            |m| m["parameters"]["defence"][0] = (-40.0).into(),
            "model.parameters.defence[0]",
        ),
        (
            "intercept = 60",
            |m| m["parameters"]["intercept"] = 60.0.into(),
            "model.parameters.intercept",
        ),
        (
            "duplicate team",
            |m| m["teams"][2] = "T01".into(),
            "model.teams[2]",
        ),
        (
            "empty team name",
            |m| m["teams"][0] = "".into(),
            "model.teams[0]",
        ),
        (
            "negative standard error",
            |m| m["standard_errors"]["attack"][1] = (-0.1).into(),
            "model.standard_errors.attack[1]",
        ),
        (
            "negative rho standard error",
            |m| m["standard_errors"]["rho"] = (-0.1).into(),
            "model.standard_errors.rho",
        ),
        (
            "positive log-likelihood",
            |m| m["summary"]["log_likelihood"] = 529.0.into(),
            "model.summary.log_likelihood",
        ),
        (
            "not converged",
            |m| m["summary"]["converged"] = false.into(),
            "model.summary.converged",
        ),
        (
            "negative xi",
            |m| m["options"]["time_decay"]["xi_per_day"] = (-1.0).into(),
            "model.options.time_decay.xi_per_day",
        ),
        (
            "fixed rho differs",
            |m| m["options"]["rho"] = serde_json::json!({"fixed": 0.25}),
            "model.options.rho",
        ),
        (
            "bad fingerprint",
            |m| m["fingerprint"]["sha256"] = "xyz".into(),
            "model.fingerprint.sha256",
        ),
    ];
    for (label, edit, field) in cases {
        let err = FittedModel::from_json(&reseal(&text, edit))
            .expect_err(&format!("{label}: the edited file loaded"));
        assert!(err.to_string().contains(field), "{label}: {err}");
    }
}

#[test]
fn format_version_zero_is_rejected() {
    let text = model().to_json().unwrap();
    let zero = text.replacen("\"format_version\": 3", "\"format_version\": 0", 1);
    let err = FittedModel::from_json(&zero).expect_err("format_version 0 loaded");
    assert!(err.to_string().contains("format_version"), "{err}");
}

#[test]
fn a_wrongly_typed_field_is_named() {
    let text = model().to_json().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["model"]["parameters"]["attack"][2] = "strong".into();
    let err = FittedModel::from_json(&doc.to_string()).unwrap_err();
    assert!(matches!(err, ModelFileError::Malformed(_)), "{err}");
    assert!(
        err.to_string().contains("model.parameters.attack[2]"),
        "{err}"
    );
}

/// The process umask, from /proc (Linux), without changing it.
#[cfg(target_os = "linux")]
fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn saved_file_has_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    model().save(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666 & !umask(), "mode {mode:o}");
}

#[test]
fn a_later_save_sweeps_temporaries_left_by_a_killed_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    // What a save killed mid-write leaves behind, an hour ago; another
    // model's temporary file and a fresh one (a save under way) stay.
    let stale = dir.path().join(".model.json.scoreline-tmp-Ab12Cd");
    let fresh = dir.path().join(".model.json.scoreline-tmp-Ef34Gh");
    let other = dir.path().join(".other.json.scoreline-tmp-Ij56Kl");
    for file in [&stale, &fresh, &other] {
        std::fs::write(file, "{\"format\": \"scoreline-dix").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for file in [&stale, &other] {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    }
    model().save(&path).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".model.json.scoreline-tmp-Ef34Gh",
            ".other.json.scoreline-tmp-Ij56Kl",
            "model.json"
        ]
    );
}

#[test]
fn a_failed_save_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target is a non-empty folder: the final rename fails.
    let path = dir.path().join("model.json");
    std::fs::create_dir(&path).unwrap();
    std::fs::write(path.join("keep"), "x").unwrap();
    let err = model().save(&path).unwrap_err();
    assert!(matches!(err, ModelFileError::Io { .. }), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["model.json"]);
}

/// A committed model file of the given name (see fixtures/model-files/README.md).
fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/model-files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn files_of_format_version_1_keep_loading() {
    let file = ModelFile::from_json(&fixture("rust-v1.json")).unwrap();
    assert_eq!(file.format_version, 1);
    assert_eq!(file.metadata, None);
    assert!(file.model.predict("T00", "T01", false).is_ok());
    // Saved again, it is a version-2 file of the same model.
    let again = ModelFile::from_json(&file.model.to_json().unwrap()).unwrap();
    assert_eq!(again.format_version, FORMAT_VERSION);
    assert_eq!(again.model, file.model);
}

#[test]
fn the_former_python_wrapper_keeps_loading_with_its_options() {
    let file = ModelFile::from_json(&fixture("python-wrapped-v1.json")).unwrap();
    let rust = ModelFile::from_json(&fixture("rust-v1.json")).unwrap();
    assert_eq!(file.model, rust.model);
    assert_eq!(file.format_version, 1);
    let options = &file.metadata.unwrap()[PYTHON_OPTIONS_KEY];
    assert_eq!(options["max_goals"], 12);
    assert_eq!(options["xi"], 0.0018);
}

#[test]
fn metadata_round_trips_and_is_covered_by_the_checksum() {
    let m = model();
    let mut metadata = Metadata::new();
    metadata.insert(
        PYTHON_OPTIONS_KEY.into(),
        serde_json::json!({"max_goals": 12, "xi": 0.0018, "rho": true}),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    m.save_with_metadata(&path, Some(&metadata)).unwrap();
    let file = ModelFile::load(&path).unwrap();
    assert_eq!(file.model, m);
    assert_eq!(file.metadata.as_ref(), Some(&metadata));
    assert_eq!(file.format_version, FORMAT_VERSION);
    // Editing the metadata breaks the checksum.
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("\"max_goals\": 12", "\"max_goals\": 40", 1);
    assert_ne!(edited, text);
    assert!(matches!(
        ModelFile::from_json(&edited),
        Err(ModelFileError::ChecksumMismatch { .. })
    ));
    // A version-1 file cannot carry metadata.
    let v1 = text.replacen("\"format_version\": 3", "\"format_version\": 1", 1);
    let err = ModelFile::from_json(&v1).unwrap_err();
    assert!(err.to_string().contains("metadata"), "{err}");
}

#[test]
fn files_of_format_version_3_name_their_family_and_round_trip_exactly() {
    use scoreline_dixon_coles::model::options::Family;
    let text = fixture("rust-v3.json");
    let file = ModelFile::from_json(&text).unwrap();
    assert_eq!(file.format_version, 3);
    assert_eq!(file.model.family(), Family::DixonColes);
    // Written again by this build, the file is the same text.
    assert_eq!(file.model.to_json().unwrap(), text);
    // The same model as a version-1 file, fitted on the same data.
    let v1 = ModelFile::from_json(&fixture("rust-v1.json")).unwrap();
    assert_eq!(v1.model.family(), Family::DixonColes);
    assert_eq!(v1.model.parameters(), file.model.parameters());
    let (a, b) = (
        v1.model.predict("T02", "T05", false).unwrap(),
        file.model.predict("T02", "T05", false).unwrap(),
    );
    assert_eq!(a.probabilities(), b.probabilities());
    let python = ModelFile::from_json(&fixture("python-v2.json")).unwrap();
    assert_eq!(python.model.family(), Family::DixonColes);

    let poisson_text = fixture("rust-v3-poisson.json");
    let poisson = ModelFile::from_json(&poisson_text).unwrap();
    assert_eq!(poisson.model.family(), Family::Poisson);
    assert_eq!(poisson.model.to_json().unwrap(), poisson_text);
    assert_eq!(poisson.model.parameters().rho, 0.0);
}

#[test]
fn a_family_that_disagrees_with_the_model_or_the_version_is_rejected() {
    let poisson = fixture("rust-v3-poisson.json");
    // The envelope says Dixon–Coles, the (checksummed) options say Poisson.
    let swapped = poisson.replacen("\"family\": \"poisson\"", "\"family\": \"dixon_coles\"", 1);
    assert_ne!(swapped, poisson);
    let err = FittedModel::from_json(&swapped).unwrap_err();
    assert!(
        matches!(&err, ModelFileError::InvalidField { field, .. } if field == "family"),
        "{err}"
    );
    // Version 3 without a family.
    let text = model().to_json().unwrap();
    let missing = text.replacen("\"family\": \"dixon_coles\",", "", 1);
    assert_ne!(missing, text);
    let err = FittedModel::from_json(&missing).unwrap_err();
    assert!(err.to_string().contains("family"), "{err}");
    // A version-2 file cannot name a family.
    let v2 = text.replacen("\"format_version\": 3", "\"format_version\": 2", 1);
    let err = FittedModel::from_json(&v2).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
    assert!(FittedModel::from_json(&missing.replacen(
        "\"format_version\": 3",
        "\"format_version\": 2",
        1
    ))
    .is_ok());
    // A Poisson model with a free ρ (resealed) is rejected, naming the option.
    let free = reseal(&poisson, |m| m["options"]["rho"] = "free".into());
    let err = FittedModel::from_json(&free).unwrap_err();
    assert!(err.to_string().contains("model.options.rho"), "{err}");
}
