//! scoreline-calibration (in progress: issue 3).
