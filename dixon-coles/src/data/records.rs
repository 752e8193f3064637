//! Plain records: a played match and an unplayed fixture, with the bookmaker
//! odds that football-data.co.uk files carry.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RowRef;

/// Decimal 1X2 odds from one bookmaker (or a market aggregate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OddsTriple {
    /// Decimal odds on a home win.
    pub home: f64,
    /// Decimal odds on a draw.
    pub draw: f64,
    /// Decimal odds on an away win.
    pub away: f64,
}

/// Decimal odds on over / under 2.5 total goals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OverUnderOdds {
    /// Decimal odds on more than 2.5 goals.
    pub over: f64,
    /// Decimal odds on fewer than 2.5 goals.
    pub under: f64,
}

/// The odds columns of a football-data.co.uk row that later stages use.
///
/// Every field is optional: columns come and go between seasons and
/// bookmakers leave cells empty when they had no price.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordedOdds {
    /// Bet365 pre-match 1X2 (`B365H/D/A`).
    pub bet365: Option<OddsTriple>,
    /// Pinnacle pre-match 1X2 (`PSH/D/A`).
    pub pinnacle: Option<OddsTriple>,
    /// Pinnacle closing 1X2 (`PSCH/D/A`).
    pub pinnacle_closing: Option<OddsTriple>,
    /// Market average 1X2 (`AvgH/D/A`, or `BbAvH/D/A` before 2019-20).
    pub market_average: Option<OddsTriple>,
    /// Market maximum 1X2 (`MaxH/D/A`, or `BbMxH/D/A` before 2019-20).
    pub market_maximum: Option<OddsTriple>,
    /// Bet365 over/under 2.5 (`B365>2.5`, `B365<2.5`).
    pub bet365_over_under: Option<OverUnderOdds>,
    /// Pinnacle over/under 2.5 (`P>2.5`, `P<2.5`).
    pub pinnacle_over_under: Option<OverUnderOdds>,
    /// Market average over/under 2.5 (`Avg>2.5`, `Avg<2.5`, or `BbAv>2.5`, `BbAv<2.5`).
    pub market_average_over_under: Option<OverUnderOdds>,
}

/// A played match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The day the match was played.
    pub date: NaiveDate,
    /// The home (or first-named, at a neutral venue) team.
    pub home_team: String,
    /// The away (or second-named) team.
    pub away_team: String,
    /// Goals scored by the home team.
    pub home_goals: u32,
    /// Goals scored by the away team.
    pub away_goals: u32,
    /// True when the match was played at a neutral venue (no home advantage).
    pub neutral: bool,
    /// An optional user weight, multiplied with the time-decay weight.
    pub weight: Option<f64>,
    /// The division code (`E0`, `E1`, …) when the source has one.
    pub division: Option<String>,
    /// Bookmaker odds, when the source has them.
    pub odds: RecordedOdds,
    /// Match statistics (shots, shots on target, xG), when the source has them.
    #[serde(default)]
    pub stats: MatchStats,
    /// Where the record came from, for error messages.
    pub origin: Option<RowRef>,
}

/// Per-match statistics beyond the score, each side's when known.
///
/// football-data.co.uk files carry shots (`HS`, `AS`) and shots on target
/// (`HST`, `AST`) for most seasons; expected goals come from another source
/// (e.g. FiveThirtyEight's `spi_matches.csv`). A model that needs a statistic reads it from here
/// and says when it is missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchStats {
    /// Shots (home, away): `HS`, `AS`.
    pub shots: Option<[u32; 2]>,
    /// Shots on target (home, away): `HST`, `AST`.
    pub shots_on_target: Option<[u32; 2]>,
    /// Expected goals (home, away).
    pub xg: Option<[f64; 2]>,
    /// Non-shot expected goals (home, away).
    pub non_shot_xg: Option<[f64; 2]>,
}

impl Match {
    /// A match with no weight, division, odds or origin.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use scoreline_dixon_coles::data::Match;
    /// let m = Match::new(NaiveDate::from_ymd_opt(2024, 8, 16).unwrap(), "Man United", "Fulham", 1, 0);
    /// assert_eq!(m.home_goals, 1);
    /// assert!(!m.neutral);
    /// ```
    pub fn new(
        date: NaiveDate,
        home_team: impl Into<String>,
        away_team: impl Into<String>,
        home_goals: u32,
        away_goals: u32,
    ) -> Self {
        Self {
            date,
            home_team: home_team.into(),
            away_team: away_team.into(),
            home_goals,
            away_goals,
            neutral: false,
            weight: None,
            division: None,
            odds: RecordedOdds::default(),
            stats: MatchStats::default(),
            origin: None,
        }
    }
}

/// A match that has not been played (no score yet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    /// The scheduled day, when known.
    pub date: Option<NaiveDate>,
    /// The home (or first-named) team.
    pub home_team: String,
    /// The away (or second-named) team.
    pub away_team: String,
    /// True at a neutral venue.
    pub neutral: bool,
    /// The division code when the source has one.
    pub division: Option<String>,
    /// Bookmaker odds, when the source has them.
    pub odds: RecordedOdds,
    /// Where the record came from, for error messages.
    pub origin: Option<RowRef>,
}
