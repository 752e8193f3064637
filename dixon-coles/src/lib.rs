//! # scoreline-dixon-coles
//!
//! The Dixon–Coles (1997) goal model. (Crate documentation is completed with the model.)

#![warn(missing_docs)]

pub mod data;
