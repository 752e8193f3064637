//! Downloading football-data.co.uk files into an on-disk cache with the
//! site's layout (feature `fetch`).
//!
//! `<base>/mmz4281/<season>/<division>.csv` is saved as
//! `<cache>/mmz4281/<season>/<division>.csv`, the layout that
//! [`read_football_data_dir`](super::football_data::read_football_data_dir)
//! reads. Files already in the cache are not downloaded again. Each file is
//! written to a temporary file beside it and renamed, so a failed download
//! never leaves a partial file.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::football_data::{season_path, season_start_year};
use super::DataError;

/// The default site.
pub const DEFAULT_BASE_URL: &str = "https://www.football-data.co.uk";

/// Downloads season files into a cache folder.
#[derive(Debug, Clone)]
pub struct FootballDataFetcher {
    base_url: String,
    cache_dir: PathBuf,
}

impl FootballDataFetcher {
    /// A fetcher caching into `cache_dir`, from `$SCORELINE_FOOTBALL_DATA_URL`
    /// or, when unset, football-data.co.uk.
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        let base_url = std::env::var("SCORELINE_FOOTBALL_DATA_URL")
            .unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned());
        Self {
            base_url,
            cache_dir: cache_dir.into(),
        }
    }

    /// The same fetcher reading from another base address.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The cache folder (the `football-data` folder of the layout).
    pub fn cache_dir(&self) -> &Path {
        &self.cache_dir
    }

    /// The cached file for `season` (e.g. `2324`) and `division` (e.g. `E0`),
    /// downloaded first when it is not in the cache.
    pub fn fetch(&self, season: &str, division: &str) -> Result<PathBuf, DataError> {
        let url = format!(
            "{}/mmz4281/{season}/{division}.csv",
            self.base_url.trim_end_matches('/')
        );
        let fail = |message: String| DataError::Fetch {
            url: url.clone(),
            message,
        };
        if season_start_year(season).is_none() {
            return Err(fail(format!(
                "season {season:?} must be four digits such as 2324"
            )));
        }
        if division.is_empty() || !division.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(fail(format!(
                "division {division:?} must be letters and digits such as E0"
            )));
        }
        let path = season_path(&self.cache_dir, season, division);
        if path.is_file() {
            return Ok(path);
        }
        let body = ureq::get(&url)
            .call()
            .map_err(|e| {
                fail(format!(
                    "{e} (check the connection, or set SCORELINE_DATA_DIR to a folder that already holds the files)"
                ))
            })?
            .into_body()
            .read_to_vec()
            .map_err(|e| fail(e.to_string()))?;
        let dir = path.parent().expect("season_path has a parent");
        let io = |e: std::io::Error| fail(format!("cannot write {}: {e}", path.display()));
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(&body).map_err(io)?;
        tmp.persist(&path).map_err(|e| io(e.error))?;
        Ok(path)
    }

    /// Fetches every (season, division) pair and returns the paths in that order.
    pub fn fetch_many(
        &self,
        seasons: &[&str],
        divisions: &[&str],
    ) -> Result<Vec<PathBuf>, DataError> {
        let mut paths = Vec::new();
        for season in seasons {
            for division in divisions {
                paths.push(self.fetch(season, division)?);
            }
        }
        Ok(paths)
    }
}
