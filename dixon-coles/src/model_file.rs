//! Versioned model files (JSON).
//!
//! A file is an envelope `{format, format_version, crate_version, checksum,
//! model}`. The checksum is the SHA-256 of the model's canonical JSON, so an
//! edited or damaged file is rejected; a file from a newer format version is
//! rejected with a message to upgrade. Saving writes a temporary file in the
//! same folder and renames it over the target, so a crash never leaves a
//! half-written model. Floats are written in shortest round-trip form, so
//! loading gives bit-identical predictions.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ModelFileError;
use crate::model::FittedModel;

/// The `format` field of every model file.
pub const FORMAT_NAME: &str = "scoreline-dixon-coles";
/// The newest format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    format_version: u32,
    crate_version: String,
    checksum: String,
    model: FittedModel,
}

fn checksum(model: &FittedModel) -> Result<String, ModelFileError> {
    let canonical =
        serde_json::to_string(model).map_err(|e| ModelFileError::Malformed(e.to_string()))?;
    let digest = Sha256::digest(canonical.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

impl FittedModel {
    /// The model as a versioned JSON document.
    pub fn to_json(&self) -> Result<String, ModelFileError> {
        let envelope = Envelope {
            format: FORMAT_NAME.to_owned(),
            format_version: FORMAT_VERSION,
            crate_version: env!("CARGO_PKG_VERSION").to_owned(),
            checksum: checksum(self)?,
            model: self.clone(),
        };
        serde_json::to_string_pretty(&envelope)
            .map_err(|e| ModelFileError::Malformed(e.to_string()))
    }

    /// Reads a model from [`FittedModel::to_json`]'s output, checking the
    /// format, version, checksum and internal consistency.
    pub fn from_json(text: &str) -> Result<Self, ModelFileError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ModelFileError::Malformed(e.to_string()))?;
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
        let envelope: Envelope =
            serde_json::from_value(value).map_err(|e| ModelFileError::Malformed(e.to_string()))?;
        let actual = checksum(&envelope.model)?;
        if actual != envelope.checksum {
            return Err(ModelFileError::ChecksumMismatch {
                expected: envelope.checksum,
                actual,
            });
        }
        check_consistent(&envelope.model)?;
        Ok(envelope.model)
    }

    /// Saves the model to `path` atomically (temporary file, then rename).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ModelFileError> {
        let path = path.as_ref();
        let io = |source| ModelFileError::Io {
            path: path.display().to_string(),
            source,
        };
        let text = self.to_json()?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(text.as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Loads a model saved by [`FittedModel::save`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelFileError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ModelFileError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }
}

fn check_consistent(model: &FittedModel) -> Result<(), ModelFileError> {
    let n = model.teams().len();
    let p = model.parameters();
    if p.attack.len() != n || p.defence.len() != n {
        return Err(ModelFileError::Inconsistent(format!(
            "{n} teams but {} attack and {} defence values",
            p.attack.len(),
            p.defence.len()
        )));
    }
    if n < 2 {
        return Err(ModelFileError::Inconsistent(format!(
            "{n} teams; need at least 2"
        )));
    }
    let scalars = [p.intercept, p.home_advantage, p.rho];
    if p.attack
        .iter()
        .chain(&p.defence)
        .chain(&scalars)
        .any(|v| !v.is_finite())
    {
        return Err(ModelFileError::Inconsistent(
            "a parameter is not finite".into(),
        ));
    }
    Ok(())
}
