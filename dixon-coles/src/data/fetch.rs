//! Downloading football-data.co.uk files (in progress).
