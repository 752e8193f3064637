//! Versioned model files (JSON): one format for Rust, Python, MLflow and
//! the server.
//!
//! A file is an envelope `{format, format_version, crate_version, checksum,
//! model, metadata?}`. `metadata` (format version 2 on) is an optional JSON
//! object a writer keeps with the model; the Python package stores its
//! options there under `python_options`. The checksum is the SHA-256 of the
//! model's canonical JSON, followed (when there is metadata) by a newline
//! and the metadata's canonical JSON (keys sorted), so an edited or damaged
//! file is rejected; a file from a newer format version is rejected with a
//! message to upgrade. `family` (format version 3 on) names the model's
//! family (e.g. `"dixon_coles"`) and must agree with the model's options;
//! files of versions 1 and 2 hold Dixon–Coles models. The options leave
//! the family out for Dixon–Coles, so those models serialise (and
//! checksum) exactly as before. Older files keep loading: format version 1 (no
//! metadata), and the Python package's former wrapper
//! `{"scoreline_python": options, "model": <envelope>}`, read as the
//! envelope with the options as `python_options` metadata. Saving writes a
//! temporary file in the same folder and renames it over the target, so a
//! crash never leaves a half-written model. Floats are written in shortest
//! round-trip form, so loading gives bit-identical predictions.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ModelFileError;
use crate::model::options::Family;
use crate::model::params::{ParamMode, MAX_ABS_RATING};
use crate::model::FittedModel;

/// The `format` field of every model file.
pub const FORMAT_NAME: &str = "scoreline-dixon-coles";
/// The newest format version this build writes and reads (2 added
/// `metadata`, 3 the `family` of the model).
pub const FORMAT_VERSION: u32 = 3;
/// The first format version that names the model's family.
const FAMILY_FORMAT_VERSION: u32 = 3;
/// The oldest format version this build reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;
/// The key of the Python package's former wrapper around a model file.
const LEGACY_PYTHON_KEY: &str = "scoreline_python";
/// The metadata key under which the Python package keeps its options.
pub const PYTHON_OPTIONS_KEY: &str = "python_options";

/// Extra data kept with a model in its file, covered by the checksum.
pub type Metadata = serde_json::Map<String, serde_json::Value>;

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    format_version: u32,
    crate_version: String,
    /// The model's family (format version 3 on; older files hold Dixon–Coles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    family: Option<Family>,
    checksum: String,
    model: FittedModel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata>,
}

/// SHA-256 (hex) of the model's canonical JSON, then, with metadata, a
/// newline and the metadata's canonical JSON.
fn checksum(model: &FittedModel, metadata: Option<&Metadata>) -> Result<String, ModelFileError> {
    let mut canonical =
        serde_json::to_string(model).map_err(|e| ModelFileError::Malformed(e.to_string()))?;
    if let Some(metadata) = metadata {
        canonical.push('\n');
        canonical.push_str(
            &serde_json::to_string(metadata)
                .map_err(|e| ModelFileError::Malformed(e.to_string()))?,
        );
    }
    let digest = Sha256::digest(canonical.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A model file as read: the model, the format version it was written in,
/// and its metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    /// The model (checked by [`validate`]).
    pub model: FittedModel,
    /// The file's format version (1 up to [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// The metadata, if any (for a former Python wrapper, its options as
    /// [`PYTHON_OPTIONS_KEY`]).
    pub metadata: Option<Metadata>,
}

impl ModelFile {
    /// Reads a model file, checking the format, version, checksum and every
    /// field (see [`validate`]).
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelFileError::Malformed(e.to_string()))?;
        // The Python package's former wrapper around the envelope.
        if let serde_json::Value::Object(outer) = &value {
            if !outer.contains_key("format") {
                if let (Some(options), Some(inner)) =
                    (outer.get(LEGACY_PYTHON_KEY), outer.get("model"))
                {
                    let mut file = Self::from_value(inner.clone())?;
                    if file.metadata.is_none() {
                        let mut metadata = Metadata::new();
                        metadata.insert(PYTHON_OPTIONS_KEY.to_owned(), options.clone());
                        file.metadata = Some(metadata);
                    }
                    return Ok(file);
                }
            }
        }
        Self::from_value(value)
    }

    /// Loads a model file from `path` (see [`ModelFile::from_json`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelFileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ModelFileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    fn from_value(value: serde_json::Value) -> Result<Self, ModelFileError> {
        let format = value.get("format").and_then(|v| v.as_str()).unwrap_or("");
        if format != FORMAT_NAME {
            return Err(ModelFileError::WrongFormat {
                found: format.to_owned(),
            });
        }
        let version = value
            .get("format_version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| ModelFileError::Malformed("missing format_version".into()))?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(ModelFileError::NewerVersion {
                found: u32::try_from(version).unwrap_or(u32::MAX),
                supported: FORMAT_VERSION,
            });
        }
        if version < u64::from(OLDEST_FORMAT_VERSION) {
            return Err(invalid(
                "format_version",
                format!("{version} is not a model file format version (the oldest is {OLDEST_FORMAT_VERSION})"),
            ));
        }
        let envelope: Envelope = serde_path_to_error::deserialize(value)
            .map_err(|e| ModelFileError::Malformed(format!("{}: {}", e.path(), e.inner())))?;
        if envelope.metadata.is_some() && envelope.format_version < 2 {
            return Err(invalid(
                "metadata",
                "not part of format version 1 (metadata came with version 2)",
            ));
        }
        match envelope.family {
            None if envelope.format_version >= FAMILY_FORMAT_VERSION => {
                return Err(invalid(
                    "family",
                    format!("missing (format version {FAMILY_FORMAT_VERSION} on names the model's family)"),
                ));
            }
            Some(_) if envelope.format_version < FAMILY_FORMAT_VERSION => {
                return Err(invalid(
                    "family",
                    format!(
                        "not part of format version {} (the family came with version {FAMILY_FORMAT_VERSION})",
                        envelope.format_version
                    ),
                ));
            }
            _ => {}
        }
        // Files before version 3 hold Dixon–Coles models.
        let family = envelope.family.unwrap_or(Family::DixonColes);
        if family != envelope.model.family() {
            return Err(invalid(
                "family",
                format!(
                    "{:?} but model.options.family is {:?}",
                    family.name(),
                    envelope.model.family().name()
                ),
            ));
        }
        let actual = checksum(&envelope.model, envelope.metadata.as_ref())?;
        if actual != envelope.checksum {
            return Err(ModelFileError::ChecksumMismatch {
                expected: envelope.checksum,
                actual,
            });
        }
        validate(&envelope.model)?;
        Ok(Self {
            model: envelope.model,
            format_version: envelope.format_version,
            metadata: envelope.metadata,
        })
    }
}

impl FittedModel {
    /// The model as a versioned JSON document (format [`FORMAT_VERSION`]).
    pub fn to_json(&self) -> Result<String, ModelFileError> {
        self.to_json_with_metadata(None)
    }

    /// The model and `metadata` as a versioned JSON document; the checksum
    /// covers both.
    pub fn to_json_with_metadata(
        &self,
        metadata: Option<&Metadata>,
    ) -> Result<String, ModelFileError> {
        let envelope = Envelope {
            format: FORMAT_NAME.to_owned(),
            format_version: FORMAT_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").to_owned(),
            family: Some(self.family()),
            checksum: checksum(self, metadata)?,
            model: self.clone(),
            metadata: metadata.cloned(),
        };
        serde_json::to_string_pretty(&envelope)
            .map_err(|e| ModelFileError::Malformed(e.to_string()))
    }

    /// Reads a model from a model file's text (any format version this
    /// build reads, or the Python package's former wrapper), checking the
    /// format, version, checksum and every field; see [`ModelFile`] for the
    /// version and metadata.
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        ModelFile::from_json(text).map(|file| file.model)
    }

    /// Saves the model to `path` atomically: the JSON is written to a
    /// temporary file `.<name>.scoreline-tmp-XXXXXX` in the same folder,
    /// flushed to disk, given the usual mode (0666 less the umask, e.g.
    /// 0644), renamed over `path`, and the folder is flushed too. The
    /// temporary file is removed on every error; ones left behind by a save
    /// that was killed are swept by the next save to the same path.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ModelFileError> {
        self.save_with_metadata(path, None)
    }

    /// [`FittedModel::save`] with metadata kept in the file.
    pub fn save_with_metadata(
        &self,
        path: impl AsRef<Path>,
        metadata: Option<&Metadata>,
    ) -> Result<(), ModelFileError> {
        write_atomically(
            path.as_ref(),
            self.to_json_with_metadata(metadata)?.as_bytes(),
        )
    }

    /// Loads a model saved by [`FittedModel::save`] (see [`ModelFile::load`]).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelFileError> {
        ModelFile::load(path).map(|file| file.model)
    }
}

/// The field path of a model file for error messages.
fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ModelFileError {
    ModelFileError::InvalidField {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Checks every field of a loaded model against the range a fit can
/// produce, so that a damaged or hand-edited file (with a recomputed
/// checksum) is rejected with the field it got wrong rather than served:
///
/// - at least two teams, every name non-empty and unique;
/// - one attack and one defence per team, each within ±[`MAX_ABS_RATING`],
///   as are the intercept and the home advantage;
/// - ρ within [`crate::model::params::Parameters::rho_bounds`], the interval where
///   τ is valid for every pair of teams the model can price;
/// - a fixed ρ or home advantage equal to the parameter, and ρ fixed at 0
///   for a family without it;
/// - one value per extra parameter of the family (`parameters.extra`), each
///   finite and within its bounds, and `summary.at_boundary` naming only
///   the family's extras;
/// - options in their domains (ξ ≥ 0, ridge ≥ 0, tolerance > 0, iterations ≥ 1);
/// - a converged fit with a finite, non-positive log-likelihood, a finite
///   gradient norm ≥ 0, at least one match and a positive total weight;
/// - standard errors (when present) finite, ≥ 0, one per team, present
///   exactly for the estimated scalars (not for a ρ at its bound);
/// - a fingerprint (when present) with ordered dates, at least as many
///   matches as the fit used, and a 64-digit hex SHA-256.
pub fn validate(model: &FittedModel) -> Result<(), ModelFileError> {
    let names = model.teams().names();
    let n = names.len();
    if n < 2 {
        return Err(invalid(
            "model.teams",
            format!("{n} teams; need at least 2"),
        ));
    }
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(invalid(format!("model.teams[{i}]"), "empty team name"));
        }
        if let Some(first) = seen.insert(name.as_str(), i) {
            return Err(invalid(
                format!("model.teams[{i}]"),
                format!("duplicate team name {name:?} (also model.teams[{first}])"),
            ));
        }
    }
    let p = model.parameters();
    let bounded = |field: String, value: f64| -> Result<(), ModelFileError> {
        if value.is_finite() && value.abs() <= MAX_ABS_RATING {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("{value} is outside [-{MAX_ABS_RATING}, {MAX_ABS_RATING}]"),
            ))
        }
    };
    for (what, values) in [("attack", &p.attack), ("defence", &p.defence)] {
        if values.len() != n {
            return Err(invalid(
                format!("model.parameters.{what}"),
                format!("{} values for {n} teams", values.len()),
            ));
        }
        for (t, &v) in values.iter().enumerate() {
            bounded(format!("model.parameters.{what}[{t}] ({:?})", names[t]), v)?;
        }
    }
    bounded("model.parameters.intercept".into(), p.intercept)?;
    bounded("model.parameters.home_advantage".into(), p.home_advantage)?;
    let (lower, upper) = p.rho_bounds();
    if !(p.rho.is_finite() && lower <= p.rho && p.rho <= upper) {
        return Err(invalid(
            "model.parameters.rho",
            format!(
                "{} is outside [{lower}, {upper}], where τ is valid for every pair of teams",
                p.rho
            ),
        ));
    }
    let extras: Vec<_> = model
        .family()
        .extra_parameters()
        .iter()
        .filter(|e| e.name != "rho")
        .collect();
    if p.extra.len() != extras.len() {
        return Err(invalid(
            "model.parameters.extra",
            format!(
                "{} values; the {} family has {} ({})",
                p.extra.len(),
                model.family().name(),
                extras.len(),
                extras.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    for (j, (e, &v)) in extras.iter().zip(&p.extra).enumerate() {
        if !(v.is_finite() && e.lower <= v && v <= e.upper) {
            return Err(invalid(
                format!("model.parameters.extra[{j}] ({})", e.name),
                format!("{v} is outside [{}, {}]", e.lower, e.upper),
            ));
        }
    }
    if let Some(name) = model
        .summary()
        .at_boundary
        .iter()
        .find(|b| !extras.iter().any(|e| e.name == b.as_str()))
    {
        return Err(invalid(
            "model.summary.at_boundary",
            format!(
                "{name:?} is not an extra parameter of the {} family",
                model.family().name()
            ),
        ));
    }
    let options = model.options();
    if model
        .family()
        .extra_parameters()
        .iter()
        .all(|e| e.name != "rho")
        && options.rho != ParamMode::Fixed(0.0)
    {
        return Err(invalid(
            "model.options.rho",
            format!(
                "the {} family has no ρ: must be fixed at 0",
                model.family().name()
            ),
        ));
    }
    for (what, mode, value) in [
        ("rho", options.rho, p.rho),
        ("home_advantage", options.home_advantage, p.home_advantage),
    ] {
        if let ParamMode::Fixed(fixed) = mode {
            if fixed != value {
                return Err(invalid(
                    format!("model.options.{what}"),
                    format!("fixed at {fixed} but the parameter is {value}"),
                ));
            }
        }
    }
    let xi = options.time_decay.xi_per_day;
    if !(xi.is_finite() && xi >= 0.0) {
        return Err(invalid(
            "model.options.time_decay.xi_per_day",
            format!("{xi} must be finite and at least 0"),
        ));
    }
    if !(options.ridge.is_finite() && options.ridge >= 0.0) {
        return Err(invalid(
            "model.options.ridge",
            format!("{} must be finite and at least 0", options.ridge),
        ));
    }
    let tol = options.gradient_tolerance;
    if !(tol.is_finite() && tol > 0.0) {
        return Err(invalid(
            "model.options.gradient_tolerance",
            format!("{tol} must be finite and positive"),
        ));
    }
    if options.max_iterations == 0 {
        return Err(invalid(
            "model.options.max_iterations",
            "must be at least 1",
        ));
    }
    let s = model.summary();
    if !s.converged {
        return Err(invalid(
            "model.summary.converged",
            "the fit did not converge",
        ));
    }
    if !(s.log_likelihood.is_finite() && s.log_likelihood <= 0.0) {
        return Err(invalid(
            "model.summary.log_likelihood",
            format!(
                "{} must be finite and at most 0 (each observed score has probability at most 1)",
                s.log_likelihood
            ),
        ));
    }
    if !s.objective.is_finite() {
        return Err(invalid(
            "model.summary.objective",
            format!("{} must be finite", s.objective),
        ));
    }
    if !(s.gradient_norm.is_finite() && s.gradient_norm >= 0.0) {
        return Err(invalid(
            "model.summary.gradient_norm",
            format!("{} must be finite and at least 0", s.gradient_norm),
        ));
    }
    if s.matches_used == 0 {
        return Err(invalid("model.summary.matches_used", "must be at least 1"));
    }
    if !(s.total_weight.is_finite() && s.total_weight > 0.0) {
        return Err(invalid(
            "model.summary.total_weight",
            format!("{} must be finite and positive", s.total_weight),
        ));
    }
    if !(s.fit_seconds.is_finite() && s.fit_seconds >= 0.0) {
        return Err(invalid(
            "model.summary.fit_seconds",
            format!("{} must be finite and at least 0", s.fit_seconds),
        ));
    }
    if let Some(se) = model.standard_errors() {
        let valid = |field: String, value: f64| -> Result<(), ModelFileError> {
            if value.is_finite() && value >= 0.0 {
                Ok(())
            } else {
                Err(invalid(
                    field,
                    format!("standard error {value} must be finite and at least 0"),
                ))
            }
        };
        for (what, values) in [("attack", &se.attack), ("defence", &se.defence)] {
            if values.len() != n {
                return Err(invalid(
                    format!("model.standard_errors.{what}"),
                    format!("{} values for {n} teams", values.len()),
                ));
            }
            for (t, &v) in values.iter().enumerate() {
                valid(
                    format!("model.standard_errors.{what}[{t}] ({:?})", names[t]),
                    v,
                )?;
            }
        }
        valid("model.standard_errors.intercept".into(), se.intercept)?;
        for (what, value, free) in [
            (
                "home_advantage",
                se.home_advantage,
                options.home_advantage.is_free(),
            ),
            ("rho", se.rho, options.rho.is_free() && !s.rho_at_bound),
        ] {
            match value {
                Some(v) if free => valid(format!("model.standard_errors.{what}"), v)?,
                None if !free => {}
                _ => {
                    return Err(invalid(
                        format!("model.standard_errors.{what}"),
                        if free {
                            "missing for an estimated parameter"
                        } else {
                            "present for a fixed parameter"
                        },
                    ))
                }
            }
        }
        if se.extra.len() != extras.len() {
            return Err(invalid(
                "model.standard_errors.extra",
                format!(
                    "{} values for {} extra parameters",
                    se.extra.len(),
                    extras.len()
                ),
            ));
        }
        for (j, (e, value)) in extras.iter().zip(&se.extra).enumerate() {
            let held = s.at_boundary.iter().any(|b| b == e.name);
            match value {
                Some(v) if !held => {
                    valid(format!("model.standard_errors.extra[{j}] ({})", e.name), *v)?
                }
                None if held => {}
                _ => {
                    return Err(invalid(
                        format!("model.standard_errors.extra[{j}] ({})", e.name),
                        if held {
                            "present for a parameter held on its bound"
                        } else {
                            "missing for an estimated parameter"
                        },
                    ))
                }
            }
        }
    }
    if let Some(f) = model.fingerprint() {
        if f.first_date > f.last_date {
            return Err(invalid(
                "model.fingerprint.first_date",
                format!("{} is after last_date {}", f.first_date, f.last_date),
            ));
        }
        if f.matches < s.matches_used {
            return Err(invalid(
                "model.fingerprint.matches",
                format!(
                    "{} is fewer than the {} matches used",
                    f.matches, s.matches_used
                ),
            ));
        }
        if !(f.sha256.len() == 64 && f.sha256.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(invalid(
                "model.fingerprint.sha256",
                "must be 64 hexadecimal digits",
            ));
        }
    }
    Ok(())
}

/// A temporary file of a save that is older than this was left by a save
/// that died (a save takes milliseconds), and the next save removes it.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(60);

/// Writes `bytes` to `path` through a temporary file and a rename (see
/// [`FittedModel::save`]).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), ModelFileError> {
    let io = |source| ModelFileError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let prefix = format!(".{}.scoreline-tmp-", name.to_string_lossy());
    sweep_stale_temporaries(dir, &prefix);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        // tempfile creates 0600; the model file gets the mode of any new file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropping `tmp` (on any error below) deletes the temporary file.
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io)?;
    Ok(())
}

/// Removes files `<prefix>*` in `dir` older than [`STALE_TEMPORARY`]
/// (best effort: a file that cannot be removed is left alone).
fn sweep_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(prefix) {
            continue;
        }
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMPORARY);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
