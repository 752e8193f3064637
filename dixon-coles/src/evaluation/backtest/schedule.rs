//! When to refit: cutting the target matches into folds.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How often a walk-forward backtest refits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refit {
    /// Before every date with a target match.
    EachDate,
    /// Before every matchday: a run of target dates that starts on a date
    /// and takes every later target date within 3 days of that start
    /// (a Friday–Monday weekend round, or a Tuesday–Thursday midweek one).
    Matchday,
    /// Every `n` days (n ≥ 1): folds of dates `[start, start + n)`, the
    /// first starting on the first target date, empty folds skipped.
    Days(u32),
}

/// The days a matchday may span after its first date.
pub const MATCHDAY_SPAN_DAYS: i64 = 3;

/// One refit: the model is fitted on matches strictly before `start` and
/// predicts the target matches at `targets` (positions in date order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// The first prediction date; training uses only earlier matches.
    pub start: NaiveDate,
    /// Positions (into the date-sorted matches) of the matches predicted.
    pub targets: Vec<usize>,
}

/// Cuts the target positions (`dates` sorted ascending; `targets` the
/// positions to predict, ascending) into folds by `refit`.
///
/// ```
/// use chrono::NaiveDate;
/// use scoreline_dixon_coles::evaluation::backtest::{folds, Refit};
/// let d = |day| NaiveDate::from_ymd_opt(2024, 8, day).unwrap();
/// let dates = [d(1), d(2), d(3), d(6), d(9), d(10)];
/// let all: Vec<usize> = (0..6).collect();
/// assert_eq!(folds(&dates, &all, Refit::EachDate).len(), 6);
/// let rounds = folds(&dates, &all, Refit::Matchday);
/// assert_eq!(rounds.iter().map(|f| f.targets.len()).collect::<Vec<_>>(), [3, 2, 1]);
/// assert_eq!(folds(&dates, &all, Refit::Days(7)).len(), 2);
/// ```
pub fn folds(dates: &[NaiveDate], targets: &[usize], refit: Refit) -> Vec<Fold> {
    let mut out: Vec<Fold> = Vec::new();
    for &t in targets {
        let date = dates[t];
        let same_fold = out.last().is_some_and(|fold| {
            let since = (date - fold.start).num_days();
            match refit {
                Refit::EachDate => since == 0,
                Refit::Matchday => since <= MATCHDAY_SPAN_DAYS,
                Refit::Days(n) => since < i64::from(n.max(1)),
            }
        });
        if same_fold {
            out.last_mut().expect("checked").targets.push(t);
        } else {
            let start = match (refit, out.last()) {
                // Fixed-length folds keep their grid: the next start is the
                // first grid point at or before this date.
                (Refit::Days(n), Some(prev)) => {
                    let n = i64::from(n.max(1));
                    let steps = (date - prev.start).num_days() / n;
                    prev.start + chrono::Days::new((steps * n) as u64)
                }
                _ => date,
            };
            out.push(Fold {
                start,
                targets: vec![t],
            });
        }
    }
    out
}
