//! Betting markets derived from a [`ScoreGrid`].
//!
//! Every market is a sum of grid cells `P(x, y)` (home goals x, away goals y)
//! over the scores where the bet wins, pushes or loses. Lines (over/under,
//! Asian handicap) are multiples of 0.25: a quarter line such as 2.25 is
//! settled as half the stake on 2.0 and half on 2.5.

use serde::{Deserialize, Serialize};

use crate::error::PredictError;
use crate::grid::{OutcomeProbabilities, ScoreGrid, MAX_GOALS_CAP};

/// Double-chance probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoubleChance {
    /// P(home or draw) (1X).
    pub home_or_draw: f64,
    /// P(home or away) (12).
    pub home_or_away: f64,
    /// P(draw or away) (X2).
    pub draw_or_away: f64,
}

/// Draw-no-bet: the win probability of each side given that there is no draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DrawNoBet {
    /// `P(home) / (P(home) + P(away))`.
    pub home: f64,
    /// `P(away) / (P(home) + P(away))`.
    pub away: f64,
}

/// Both teams to score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BothTeamsToScore {
    /// P(x ≥ 1 and y ≥ 1).
    pub yes: f64,
    /// 1 − yes.
    pub no: f64,
}

/// Expected league points (3 for a win, 1 for a draw).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpectedPoints {
    /// `3·P(home) + P(draw)`.
    pub home: f64,
    /// `3·P(away) + P(draw)`.
    pub away: f64,
}

/// One score and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoreProbability {
    /// Home goals.
    pub home_goals: usize,
    /// Away goals.
    pub away_goals: usize,
    /// P(that score).
    pub probability: f64,
}

/// How a bet on a line settles: the probability of each result.
/// The five probabilities sum to 1 (up to rounding).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Settlement {
    /// The whole stake wins.
    pub win: f64,
    /// Half the stake wins, half is returned (quarter lines).
    pub half_win: f64,
    /// The stake is returned.
    pub push: f64,
    /// Half the stake is lost, half is returned (quarter lines).
    pub half_loss: f64,
    /// The whole stake is lost.
    pub loss: f64,
}

impl Settlement {
    /// Expected profit per unit staked at decimal odds `o`:
    /// `win·(o−1) + half_win·(o−1)/2 − half_loss/2 − loss`.
    pub fn expected_profit(&self, decimal_odds: f64) -> f64 {
        let b = decimal_odds - 1.0;
        self.win * b + 0.5 * self.half_win * b - 0.5 * self.half_loss - self.loss
    }

    /// The decimal odds at which the expected profit is zero:
    /// `1 + (loss + half_loss/2) / (win + half_win/2)` (infinite if the bet cannot win).
    pub fn fair_odds(&self) -> f64 {
        let winning = self.win + 0.5 * self.half_win;
        if winning <= 0.0 {
            f64::INFINITY
        } else {
            1.0 + (self.loss + 0.5 * self.half_loss) / winning
        }
    }
}

/// The length of a total-goals or goal-difference distribution of the
/// largest grid: `2·MAX_GOALS_CAP + 1`.
const SUMS: usize = 2 * MAX_GOALS_CAP + 1;

/// Up to this many most likely scores are found in one pass over the cells
/// ([`ScoreGrid::most_likely_scores`]).
const FEW_SCORES: usize = 8;

/// A line as a whole number of quarter goals.
fn quarters(line: f64) -> Result<i64, PredictError> {
    let q = line * 4.0;
    if !q.is_finite() || (q - q.round()).abs() > 1e-9 || q.abs() > 1e6 {
        return Err(PredictError::InvalidLine { line });
    }
    Ok(q.round() as i64)
}

#[derive(Clone, Copy, PartialEq)]
enum Half {
    Win,
    Push,
    Loss,
}

fn half(margin_quarters: i64) -> Half {
    match margin_quarters.cmp(&0) {
        std::cmp::Ordering::Greater => Half::Win,
        std::cmp::Ordering::Equal => Half::Push,
        std::cmp::Ordering::Less => Half::Loss,
    }
}

/// Settles a bet whose margin is `sign·value + line` over the distribution
/// of an integer `value` (`first_value` is the value of `distribution[0]`).
fn settle(distribution: &[f64], first_value: i64, sign: i64, line_quarters: i64) -> Settlement {
    let mut s = Settlement::default();
    let split = line_quarters.rem_euclid(2) == 1;
    for (k, &p) in distribution.iter().enumerate() {
        let base = 4 * sign * (first_value + k as i64);
        let result = if split {
            (
                half(base + line_quarters - 1),
                half(base + line_quarters + 1),
            )
        } else {
            let r = half(base + line_quarters);
            (r, r)
        };
        match result {
            (Half::Win, Half::Win) => s.win += p,
            (Half::Loss, Half::Loss) => s.loss += p,
            (Half::Push, Half::Push) => s.push += p,
            (Half::Win, _) | (_, Half::Win) => s.half_win += p,
            _ => s.half_loss += p,
        }
    }
    s
}

impl ScoreGrid {
    /// Home / draw / away: sums of P(x, y) over x > y, x = y and x < y.
    pub fn outcome_probabilities(&self) -> OutcomeProbabilities {
        let size = self.size();
        let p = self.probabilities();
        let (mut home, mut draw, mut away) = (0.0, 0.0, 0.0);
        for x in 0..size {
            let row = &p[x * size..(x + 1) * size];
            away += row[x + 1..].iter().sum::<f64>();
            draw += row[x];
            home += row[..x].iter().sum::<f64>();
        }
        OutcomeProbabilities { home, draw, away }
    }

    /// 1X, 12 and X2 from the 1X2 probabilities.
    pub fn double_chance(&self) -> DoubleChance {
        let o = self.outcome_probabilities();
        DoubleChance {
            home_or_draw: o.home + o.draw,
            home_or_away: o.home + o.away,
            draw_or_away: o.draw + o.away,
        }
    }

    /// Draw no bet: each side's win probability given no draw.
    pub fn draw_no_bet(&self) -> DrawNoBet {
        let o = self.outcome_probabilities();
        let decided = o.home + o.away;
        DrawNoBet {
            home: o.home / decided,
            away: o.away / decided,
        }
    }

    /// The home side's goal distribution: `P(x = k) = Σ_y P(k, y)`.
    pub fn home_goal_distribution(&self) -> Vec<f64> {
        let size = self.size();
        self.probabilities()
            .chunks_exact(size)
            .map(|row| row.iter().sum())
            .collect()
    }

    /// The away side's goal distribution: `P(y = k) = Σ_x P(x, k)`.
    pub fn away_goal_distribution(&self) -> Vec<f64> {
        let size = self.size();
        let mut out = vec![0.0; size];
        for row in self.probabilities().chunks_exact(size) {
            for (o, p) in out.iter_mut().zip(row) {
                *o += p;
            }
        }
        out
    }

    /// The total-goals distribution: entry k is `P(x + y = k)`, k = 0..=2·max_goals.
    pub fn total_goals_distribution(&self) -> Vec<f64> {
        let mut out = [0.0; SUMS];
        self.total_goals_into(&mut out).to_vec()
    }

    /// [`ScoreGrid::total_goals_distribution`] into the first
    /// `2·max_goals + 1` entries of `out` (zeroed), returned as a slice:
    /// row `x` adds `P(x, y)` to entry `x + y` (each entry summed in
    /// increasing `x`).
    fn total_goals_into<'a>(&self, out: &'a mut [f64; SUMS]) -> &'a [f64] {
        let size = self.size();
        let out = &mut out[..2 * size - 1];
        for (x, row) in self.probabilities().chunks_exact(size).enumerate() {
            for (o, p) in out[x..x + size].iter_mut().zip(row) {
                *o += p;
            }
        }
        out
    }

    /// The goal-difference distribution: entry k is `P(x − y = k − max_goals)`.
    pub fn goal_difference_distribution(&self) -> Vec<f64> {
        let mut out = [0.0; SUMS];
        self.goal_difference_into(&mut out).to_vec()
    }

    /// [`ScoreGrid::goal_difference_distribution`] into the first
    /// `2·max_goals + 1` entries of `out` (zeroed), returned as a slice:
    /// row `x` adds `P(x, y)` to entry `x + max_goals − y` (each entry
    /// summed in increasing `x`).
    fn goal_difference_into<'a>(&self, out: &'a mut [f64; SUMS]) -> &'a [f64] {
        let size = self.size();
        let out = &mut out[..2 * size - 1];
        for (x, row) in self.probabilities().chunks_exact(size).enumerate() {
            for (o, p) in out[x..x + size].iter_mut().rev().zip(row) {
                *o += p;
            }
        }
        out
    }

    /// A bet on more than `line` total goals (margin `x + y − line`).
    ///
    /// ```
    /// use scoreline_dixon_coles::grid::ScoreGrid;
    /// let grid = ScoreGrid::new(1.4, 1.2, 0.0, scoreline_dixon_coles::grid::GridSize::Adaptive).unwrap();
    /// let over = grid.over(2.5).unwrap();
    /// let under = grid.under(2.5).unwrap();
    /// assert!((over.win + under.win - 1.0).abs() < 1e-12);
    /// let quarter = grid.over(2.25).unwrap();
    /// assert!(quarter.half_loss > 0.0 && quarter.push == 0.0);
    /// ```
    pub fn over(&self, line: f64) -> Result<Settlement, PredictError> {
        let line = quarters(line)?;
        Ok(settle(self.total_goals_into(&mut [0.0; SUMS]), 0, 1, -line))
    }

    /// A bet on fewer than `line` total goals (margin `line − x − y`).
    pub fn under(&self, line: f64) -> Result<Settlement, PredictError> {
        let line = quarters(line)?;
        Ok(settle(self.total_goals_into(&mut [0.0; SUMS]), 0, -1, line))
    }

    /// An Asian handicap bet on the home side with handicap `line` added to
    /// its goals (margin `x − y + line`; e.g. −0.5 is "home to win").
    pub fn asian_handicap_home(&self, line: f64) -> Result<Settlement, PredictError> {
        let m = self.max_goals() as i64;
        let line = quarters(line)?;
        Ok(settle(
            self.goal_difference_into(&mut [0.0; SUMS]),
            -m,
            1,
            line,
        ))
    }

    /// An Asian handicap bet on the away side with handicap `line` added to
    /// its goals (margin `y − x + line`).
    pub fn asian_handicap_away(&self, line: f64) -> Result<Settlement, PredictError> {
        let m = self.max_goals() as i64;
        let line = quarters(line)?;
        Ok(settle(
            self.goal_difference_into(&mut [0.0; SUMS]),
            -m,
            -1,
            line,
        ))
    }

    /// Both teams to score: `Σ_{x≥1, y≥1} P(x, y)`.
    pub fn both_teams_to_score(&self) -> BothTeamsToScore {
        let size = self.size();
        let p = self.probabilities();
        let nil_either: f64 =
            p[..size].iter().sum::<f64>() + (1..size).map(|x| p[x * size]).sum::<f64>();
        BothTeamsToScore {
            yes: 1.0 - nil_either,
            no: nil_either,
        }
    }

    /// The exact score probability (0 outside the grid).
    pub fn exact_score(&self, home_goals: usize, away_goals: usize) -> f64 {
        self.probability(home_goals, away_goals)
    }

    /// The `count` most likely scores, most likely first (ties by fewer home, then away goals).
    /// Up to 8 scores are kept sorted in one pass over the cells
    /// (each cell inserted where it belongs among the best so far); more are
    /// selected in O(cells) and only those sorted.
    pub fn most_likely_scores(&self, count: usize) -> Vec<ScoreProbability> {
        if count == 0 {
            return Vec::new();
        }
        let size = self.size();
        let order = |a: &ScoreProbability, b: &ScoreProbability| {
            b.probability
                .total_cmp(&a.probability)
                .then(a.home_goals.cmp(&b.home_goals))
                .then(a.away_goals.cmp(&b.away_goals))
        };
        if count <= FEW_SCORES {
            let mut best: Vec<ScoreProbability> = Vec::with_capacity(count + 1);
            for (home_goals, row) in self.probabilities().chunks_exact(size).enumerate() {
                for (away_goals, &probability) in row.iter().enumerate() {
                    // cells come in increasing (home, away), so a tie ranks
                    // after every kept score: only a larger probability enters
                    if best.len() == count
                        && probability.total_cmp(&best[count - 1].probability)
                            != std::cmp::Ordering::Greater
                    {
                        continue;
                    }
                    let cell = ScoreProbability {
                        home_goals,
                        away_goals,
                        probability,
                    };
                    let at = best.partition_point(|kept| order(kept, &cell).is_lt());
                    best.insert(at, cell);
                    best.truncate(count);
                }
            }
            return best;
        }
        let cells = self
            .probabilities()
            .iter()
            .enumerate()
            .map(|(i, &probability)| ScoreProbability {
                home_goals: i / size,
                away_goals: i % size,
                probability,
            });
        let mut all: Vec<ScoreProbability> = cells.collect();
        if count < all.len() {
            all.select_nth_unstable_by(count - 1, order);
            all.truncate(count);
        }
        all.sort_unstable_by(order);
        all
    }

    /// Expected goals of each side over the grid: `(Σ x·P(x,y), Σ y·P(x,y))`.
    /// (The model's untruncated expectations are [`ScoreGrid::home_rate`] and
    /// [`ScoreGrid::away_rate`], which differ by the ρ correction's effect and the truncation.)
    pub fn expected_goals(&self) -> (f64, f64) {
        let home = self.home_goal_distribution();
        let away = self.away_goal_distribution();
        let mean = |d: &[f64]| d.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
        (mean(&home), mean(&away))
    }

    /// Expected league points: `3·P(win) + P(draw)` for each side.
    pub fn expected_points(&self) -> ExpectedPoints {
        let o = self.outcome_probabilities();
        ExpectedPoints {
            home: 3.0 * o.home + o.draw,
            away: 3.0 * o.away + o.draw,
        }
    }
}
