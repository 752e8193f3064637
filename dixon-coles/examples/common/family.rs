//! `--family NAME`, shared by the fit, backtest, report and slate examples.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use scoreline_dixon_coles::model::options::Family;

/// The value parser of `--family`: one of [`Family::ALL`]'s names (listed
/// by `--help`), turned into its [`Family`] with [`Family::from_name`].
pub fn family_parser() -> impl TypedValueParser<Value = Family> {
    PossibleValuesParser::new(Family::ALL.map(Family::name)).try_map(|name: String| {
        Family::from_name(&name).ok_or_else(|| format!("unknown goal-model family {name:?}"))
    })
}
