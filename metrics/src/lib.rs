//! scoreline-metrics (in progress: issue 3).
