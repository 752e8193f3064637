//! The weighted pool-adjacent-violators algorithm.

/// The weighted least-squares non-decreasing fit to `y` (in place):
/// the minimiser of `Σ wᵢ (ŷᵢ − yᵢ)²` subject to `ŷ₁ ≤ ŷ₂ ≤ …`.
///
/// Blocks are kept on a stack as `(Σ w·y, Σ w, length)`; each new point
/// is pushed as its own block and merged with the block before it while
/// that block's mean is at least its own, so every block ends with the
/// weighted mean of its points. O(n). Weights must be positive.
pub fn pava_increasing(y: &mut [f64], w: &[f64]) {
    let mut sum_wy: Vec<f64> = Vec::with_capacity(y.len());
    let mut sum_w: Vec<f64> = Vec::with_capacity(y.len());
    let mut len: Vec<usize> = Vec::with_capacity(y.len());
    for (&yi, &wi) in y.iter().zip(w) {
        let (mut swy, mut sw, mut l) = (wi * yi, wi, 1usize);
        while let (Some(&pwy), Some(&pw)) = (sum_wy.last(), sum_w.last()) {
            // Merge while the previous block's mean ≥ this block's mean
            // (pwy/pw ≥ swy/sw, compared without dividing).
            if pwy * sw >= swy * pw {
                swy += pwy;
                sw += pw;
                l += len.pop().expect("parallel stacks");
                sum_wy.pop();
                sum_w.pop();
            } else {
                break;
            }
        }
        sum_wy.push(swy);
        sum_w.push(sw);
        len.push(l);
    }
    let mut i = 0;
    for ((swy, sw), l) in sum_wy.iter().zip(&sum_w).zip(&len) {
        let mean = swy / sw;
        y[i..i + l].iter_mut().for_each(|v| *v = mean);
        i += l;
    }
}
