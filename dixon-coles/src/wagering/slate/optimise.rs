//! The best covering of a slate within a budget of combinations.

use serde::{Deserialize, Serialize};

use super::poisson_binomial::{at_least, poisson_binomial};
use super::SlateError;

/// Which outcomes of each fixture a ticket covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Covering {
    /// Per fixture, the covered outcomes (0 home, 1 draw, 2 away), most likely first.
    pub outcomes: Vec<Vec<usize>>,
    /// Per fixture, the probability that its result is covered.
    pub covered_probability: Vec<f64>,
    /// The product of the numbers of covered outcomes (≤ the budget).
    pub combinations: u64,
    /// P(every fixture's result is covered) = Π covered probabilities.
    pub probability_all: f64,
    /// P(at least k results covered) for k = 0..=n.
    pub at_least: Vec<f64>,
}

/// The outcomes of a fixture by falling probability (ties to the lower index),
/// and the covered mass of the top 1, 2, 3.
fn ranked(p: &[f64; 3]) -> ([usize; 3], [f64; 3]) {
    let mut order = [0, 1, 2];
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
    let mass = [p[order[0]], p[order[0]] + p[order[1]], 1.0];
    (order, mass)
}

fn check(probs: &[[f64; 3]], budget: u64) -> Result<(), SlateError> {
    if probs.is_empty() {
        return Err(SlateError::Empty);
    }
    if budget < 1 {
        return Err(SlateError::Budget(budget));
    }
    for (index, p) in probs.iter().enumerate() {
        let ok = p.iter().all(|v| (0.0..=1.0).contains(v))
            && (p.iter().sum::<f64>() - 1.0).abs() <= 1e-9;
        if !ok {
            return Err(SlateError::NotADistribution {
                index,
                probabilities: *p,
            });
        }
    }
    Ok(())
}

fn covering(probs: &[[f64; 3]], sizes: &[usize]) -> Covering {
    let mut outcomes = Vec::with_capacity(probs.len());
    let mut covered = Vec::with_capacity(probs.len());
    let mut combinations = 1u64;
    for (p, &s) in probs.iter().zip(sizes) {
        let (order, mass) = ranked(p);
        outcomes.push(order[..s].to_vec());
        covered.push(mass[s - 1]);
        combinations *= s as u64;
    }
    let distribution = poisson_binomial(&covered);
    Covering {
        probability_all: covered.iter().product(),
        at_least: at_least(&distribution),
        outcomes,
        covered_probability: covered,
        combinations,
    }
}

/// The covering that maximises P(every result covered) = Π over fixtures of
/// the covered mass, with `2^doubles · 3^trebles ≤ budget`.
///
/// Exact: a dynamic programme over fixtures whose state is (doubles used,
/// trebles used) over every pair with `2^d·3^t ≤ budget`, keeping the best
/// product for each state (a fixture given s outcomes always covers its s
/// most likely ones); the answer is the best final state.
///
/// ```
/// use scoreline_dixon_coles::wagering::slate::optimise_covering;
/// let probs = [[0.5, 0.3, 0.2], [0.4, 0.35, 0.25], [0.7, 0.2, 0.1]];
/// let c = optimise_covering(&probs, 2).unwrap();
/// assert_eq!(c.combinations, 2);
/// assert_eq!(c.outcomes[1], vec![0, 1]); // the double goes where it gains most
/// ```
pub fn optimise_covering(probs: &[[f64; 3]], budget: u64) -> Result<Covering, SlateError> {
    check(probs, budget)?;
    let n = probs.len();
    let max_d = (0..=n)
        .take_while(|&d| 2u128.pow(d as u32) <= budget as u128)
        .last()
        .unwrap_or(0);
    let max_t = (0..=n)
        .take_while(|&t| 3u128.pow(t as u32) <= budget as u128)
        .last()
        .unwrap_or(0);
    let feasible = |d: usize, t: usize| {
        d + t <= n && 2u128.pow(d as u32) * 3u128.pow(t as u32) <= budget as u128
    };
    let width = max_t + 1;
    // best[d * width + t] = (product, choice per fixture so far as a back-pointer table)
    let mut best = vec![f64::NEG_INFINITY; (max_d + 1) * width];
    let mut choice = vec![vec![0u8; (max_d + 1) * width]; n];
    best[0] = 1.0;
    for (i, p) in probs.iter().enumerate() {
        let (_, mass) = ranked(p);
        let mut next = vec![f64::NEG_INFINITY; best.len()];
        for d in 0..=max_d {
            for t in 0..=max_t {
                let v = best[d * width + t];
                if v == f64::NEG_INFINITY {
                    continue;
                }
                for (s, (nd, nt)) in [(1usize, (d, t)), (2, (d + 1, t)), (3, (d, t + 1))] {
                    if nd > max_d || nt > max_t || !feasible(nd, nt) {
                        continue;
                    }
                    let candidate = v * mass[s - 1];
                    let slot = nd * width + nt;
                    if candidate > next[slot] {
                        next[slot] = candidate;
                        choice[i][slot] = s as u8;
                    }
                }
            }
        }
        best = next;
    }
    let (mut slot, _) = best
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .expect("the all-singles state is always feasible");
    let mut sizes = vec![1usize; n];
    for i in (0..n).rev() {
        let s = choice[i][slot] as usize;
        sizes[i] = s;
        let (d, t) = (slot / width, slot % width);
        slot = match s {
            2 => (d - 1) * width + t,
            3 => d * width + t - 1,
            _ => slot,
        };
    }
    Ok(covering(probs, &sizes))
}

/// The covering that maximises P(at least `k` results covered) within the
/// budget, by exact branch and bound over the sizes (1, 2 or 3 outcomes per
/// fixture): a branch is cut when even covering every remaining fixture
/// fully could not beat the best found.
pub fn optimise_at_least(
    probs: &[[f64; 3]],
    budget: u64,
    k: usize,
) -> Result<Covering, SlateError> {
    check(probs, budget)?;
    let n = probs.len();
    if k > n {
        return Err(SlateError::InvalidPicks(format!(
            "k = {k} is more than the {n} fixtures"
        )));
    }
    let masses: Vec<[f64; 3]> = probs.iter().map(|p| ranked(p).1).collect();
    struct Search<'a> {
        masses: &'a [[f64; 3]],
        budget: u64,
        k: usize,
        sizes: Vec<usize>,
        covered: Vec<f64>,
        best: (f64, Vec<usize>),
    }
    impl Search<'_> {
        fn value(&self, tail_full: usize) -> f64 {
            let mut q = self.covered.clone();
            q.extend(std::iter::repeat_n(1.0, tail_full));
            at_least(&poisson_binomial(&q))[self.k]
        }
        fn go(&mut self, i: usize, combinations: u64) {
            let n = self.masses.len();
            if i == n {
                let v = self.value(0);
                if v > self.best.0 {
                    self.best = (v, self.sizes.clone());
                }
                return;
            }
            if self.value(n - i) <= self.best.0 {
                return;
            }
            for s in [3usize, 2, 1] {
                if combinations * s as u64 > self.budget {
                    continue;
                }
                self.sizes.push(s);
                self.covered.push(self.masses[i][s - 1]);
                self.go(i + 1, combinations * s as u64);
                self.sizes.pop();
                self.covered.pop();
            }
        }
    }
    let mut search = Search {
        masses: &masses,
        budget,
        k,
        sizes: Vec::new(),
        covered: Vec::new(),
        best: (-1.0, vec![1; n]),
    };
    search.go(0, 1);
    Ok(covering(probs, &search.best.1))
}
