//! Times `IsotonicRegression::fit` on 1,000,000 weighted points
//! (x uniform in [0, 1), y ~ Bernoulli(x), w uniform in [0.1, 2.0)),
//! printing the median of 7 fits.
//!
//! `cargo run --release -p scoreline-calibration --example isotonic_timing`

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use scoreline_calibration::IsotonicRegression;

fn main() {
    let n = 1_000_000;
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut x = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    let mut w = Vec::with_capacity(n);
    for _ in 0..n {
        let xi: f64 = rng.random();
        let yi = if rng.random::<f64>() < xi { 1.0 } else { 0.0 };
        x.push(xi);
        y.push(yi);
        w.push(rng.random_range(0.1..2.0));
    }
    let model = IsotonicRegression::default();
    let mut times = Vec::with_capacity(7);
    let mut thresholds = 0;
    for _ in 0..7 {
        let start = Instant::now();
        let fitted = model.fit(&x, &y, Some(&w)).expect("fit");
        times.push(start.elapsed().as_secs_f64() * 1e3);
        thresholds = fitted.x_thresholds.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "fit of {n} weighted points: median {:.2} ms (min {:.2}, max {:.2}); {thresholds} thresholds",
        times[3], times[0], times[6]
    );
}
