//! Out-of-sample evaluation of fitted models: walk-forward backtests,
//! their scores, market comparisons and league reports.

pub mod backtest;
