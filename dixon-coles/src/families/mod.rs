//! Goal-model families: each computes its score distribution from the
//! shared linear predictor's expected goals and its own extra parameters.

pub mod dixon_coles;
