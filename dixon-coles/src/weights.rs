//! Time-decay weights (Dixon & Coles 1997, section 4.5).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The default decay rate per day: the paper's ξ = 0.0065 per half-week is
/// about 0.0018 per day.
pub const DEFAULT_XI_PER_DAY: f64 = 0.0018;

/// Exponential down-weighting of older matches.
///
/// `weight = exp(−xi_per_day · days_before_reference)` for matches on or
/// before the reference date, and 0 for matches after it (the model must not
/// see the future). `xi_per_day` must be finite and ≥ 0; 0 weighs all past
/// matches equally.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TimeDecay {
    /// The decay rate ξ per day.
    pub xi_per_day: f64,
    /// The day the weights are computed for; `None` means the latest match date.
    pub reference_date: Option<NaiveDate>,
}

impl Default for TimeDecay {
    fn default() -> Self {
        Self {
            xi_per_day: DEFAULT_XI_PER_DAY,
            reference_date: None,
        }
    }
}

impl TimeDecay {
    /// No decay: every match up to the reference date weighs 1.
    pub fn none() -> Self {
        Self {
            xi_per_day: 0.0,
            reference_date: None,
        }
    }

    /// The weight of a match played on `date`, seen from `reference`:
    /// `exp(−ξ · (reference − date) in days)`, or 0 after the reference.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use scoreline_dixon_coles::weights::TimeDecay;
    /// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    /// let decay = TimeDecay { xi_per_day: 0.0018, reference_date: None };
    /// let w = decay.weight(d("2024-01-01"), d("2024-01-11"));
    /// assert!((w - (-0.018f64).exp()).abs() < 1e-15);
    /// assert_eq!(decay.weight(d("2024-02-01"), d("2024-01-11")), 0.0);
    /// ```
    pub fn weight(&self, date: NaiveDate, reference: NaiveDate) -> f64 {
        let days = (reference - date).num_days();
        if days < 0 {
            0.0
        } else {
            (-self.xi_per_day * days as f64).exp()
        }
    }

    /// The weight of every date, seen from the reference date (or, when it is
    /// `None`, from the latest of `dates`).
    pub fn weights(&self, dates: &[NaiveDate]) -> Vec<f64> {
        let Some(reference) = self.reference_date.or_else(|| dates.iter().max().copied()) else {
            return Vec::new();
        };
        dates.iter().map(|&d| self.weight(d, reference)).collect()
    }
}
