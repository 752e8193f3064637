//! From probabilities to bets: margin removal from bookmaker odds
//! ([`odds`]), staking and bankroll simulation ([`betting`]), and slates of
//! fixtures ([`slate`]).

pub mod betting;
pub mod odds;
pub mod slate;
