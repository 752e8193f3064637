//! Side-by-side benchmarks against peers (in progress).
