//! The weighted pool-adjacent-violators algorithm.

/// A block of consecutive points fitted to one value.
#[derive(Clone, Copy)]
pub(crate) struct Block {
    /// Σ w·y over the block.
    sum_wy: f64,
    /// Σ w over the block.
    sum_w: f64,
    /// The number of points.
    pub(crate) len: usize,
    /// The x of the block's first point, in the order pushed.
    pub(crate) first_x: f64,
    /// The x of the block's last point, in the order pushed.
    pub(crate) last_x: f64,
}

impl Block {
    /// The weighted mean of the block's points.
    pub(crate) fn mean(&self) -> f64 {
        self.sum_wy / self.sum_w
    }
}

/// The streaming non-decreasing fit: points are pushed in order; each is
/// pushed as its own block and merged with the block before it while that
/// block's mean is at least its own (`pwy/pw ≥ swy/sw`, compared without
/// dividing), so every block ends with the weighted mean of its points.
#[derive(Default)]
pub(crate) struct Pava {
    /// The blocks so far, in the order pushed.
    blocks: Vec<Block>,
}

impl Pava {
    /// Pushes the point `(x, y, w)`.
    #[inline]
    pub(crate) fn push(&mut self, x: f64, y: f64, w: f64) {
        let mut cur = Block {
            sum_wy: w * y,
            sum_w: w,
            len: 1,
            first_x: x,
            last_x: x,
        };
        while let Some(&prev) = self.blocks.last() {
            if prev.sum_wy * cur.sum_w >= cur.sum_wy * prev.sum_w {
                cur.sum_wy += prev.sum_wy;
                cur.sum_w += prev.sum_w;
                cur.len += prev.len;
                cur.first_x = prev.first_x;
                self.blocks.pop();
            } else {
                break;
            }
        }
        self.blocks.push(cur);
    }

    /// The blocks, in the order pushed.
    pub(crate) fn finish(self) -> Vec<Block> {
        self.blocks
    }
}

/// The weighted least-squares non-decreasing fit to `y` (in place):
/// the minimiser of `Σ wᵢ (ŷᵢ − yᵢ)²` subject to `ŷ₁ ≤ ŷ₂ ≤ …`.
///
/// Blocks are kept on a stack as `(Σ w·y, Σ w, length)`; each new point
/// is pushed as its own block and merged with the block before it while
/// that block's mean is at least its own, so every block ends with the
/// weighted mean of its points. O(n). Weights must be positive.
pub fn pava_increasing(y: &mut [f64], w: &[f64]) {
    let mut pava = Pava::default();
    for (&yi, &wi) in y.iter().zip(w) {
        pava.push(0.0, yi, wi);
    }
    let fitted = pava
        .finish()
        .into_iter()
        .flat_map(|b| std::iter::repeat_n(b.mean(), b.len));
    y.iter_mut().zip(fitted).for_each(|(v, fit)| *v = fit);
}
