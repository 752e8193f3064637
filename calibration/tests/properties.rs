//! Properties of the isotonic fit and the calibrators, and their errors.

use proptest::prelude::*;
use scoreline_calibration::{
    CalibrationError, Direction, IsotonicRegression, OutOfBounds, OutcomeCalibrator,
    TemperatureScaling,
};

/// The best monotone fit by brute force: every split of the ordered points
/// into consecutive blocks, each at its weighted mean, keeping monotone ones.
fn brute_force(y: &[f64], w: &[f64]) -> Vec<f64> {
    let n = y.len();
    let mut best = (f64::INFINITY, vec![]);
    for mask in 0u32..(1 << (n - 1)) {
        let mut fit = vec![0.0; n];
        let mut start = 0;
        let mut means = vec![];
        for i in 0..n {
            if i == n - 1 || mask & (1 << i) != 0 {
                let (swy, sw): (f64, f64) =
                    (start..=i).fold((0.0, 0.0), |(a, b), j| (a + w[j] * y[j], b + w[j]));
                let m = swy / sw;
                means.push(m);
                fit[start..=i].iter_mut().for_each(|v| *v = m);
                start = i + 1;
            }
        }
        if means.windows(2).all(|p| p[0] <= p[1] + 1e-12) {
            let err: f64 = (0..n).map(|j| w[j] * (fit[j] - y[j]).powi(2)).sum();
            if err < best.0 {
                best = (err, fit);
            }
        }
    }
    best.1
}

/// The plain fit, as scikit-learn does it: drop weights ≤ 0, sort by (x, y)
/// with a comparison sort, pool ties of x, weighted PAVA with a stack of
/// blocks, clip, drop interior thresholds equal to both neighbours.
fn reference_fit(
    x: &[f64],
    y: &[f64],
    w: &[f64],
    increasing: bool,
    clip: (f64, f64),
) -> (Vec<f64>, Vec<f64>) {
    let mut points: Vec<(f64, f64, f64)> = (0..x.len())
        .map(|i| (x[i], y[i], w[i]))
        .filter(|p| p.2 > 0.0)
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let (mut ux, mut uy, mut uw) = (vec![], vec![], vec![]);
    let (mut cx, mut cwy, mut cw) = (points[0].0, 0.0, 0.0);
    for &(px, py, pw) in &points {
        if px - cx >= 1e-15 {
            ux.push(cx);
            uy.push(cwy / cw);
            uw.push(cw);
            (cx, cwy, cw) = (px, py * pw, pw);
        } else {
            cwy += py * pw;
            cw += pw;
        }
    }
    ux.push(cx);
    uy.push(cwy / cw);
    uw.push(cw);
    if !increasing {
        uy.reverse();
        uw.reverse();
    }
    let mut blocks: Vec<(f64, f64, usize)> = vec![];
    for (&yi, &wi) in uy.iter().zip(&uw) {
        let mut cur = (wi * yi, wi, 1);
        while let Some(&(pwy, pw, pl)) = blocks.last() {
            if pwy * cur.1 >= cur.0 * pw {
                cur = (cur.0 + pwy, cur.1 + pw, cur.2 + pl);
                blocks.pop();
            } else {
                break;
            }
        }
        blocks.push(cur);
    }
    let mut fitted: Vec<f64> = blocks
        .iter()
        .flat_map(|&(swy, sw, l)| std::iter::repeat_n((swy / sw).clamp(clip.0, clip.1), l))
        .collect();
    if !increasing {
        fitted.reverse();
    }
    let m = fitted.len();
    let keep =
        |i: usize| i == 0 || i == m - 1 || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1];
    (
        (0..m).filter(|&i| keep(i)).map(|i| ux[i]).collect(),
        (0..m).filter(|&i| keep(i)).map(|i| fitted[i]).collect(),
    )
}

fn fit_values(x: &[f64], y: &[f64], w: &[f64]) -> Vec<f64> {
    IsotonicRegression::default()
        .fit(x, y, Some(w))
        .unwrap()
        .predict(x)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fit_is_monotone_and_the_least_squares_projection(
        y in prop::collection::vec(-5.0f64..5.0, 1..8),
        w in prop::collection::vec(0.1f64..3.0, 8),
    ) {
        let n = y.len();
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let fitted = fit_values(&x, &y, &w[..n]);
        prop_assert!(fitted.windows(2).all(|p| p[0] <= p[1] + 1e-12));
        let best = brute_force(&y, &w[..n]);
        for (a, b) in fitted.iter().zip(&best) {
            prop_assert!((a - b).abs() < 1e-9, "{fitted:?} vs {best:?}");
        }
    }

    #[test]
    fn fit_is_idempotent_and_invariant_to_permutation(
        points in prop::collection::vec((0.0f64..1.0, -1.0f64..1.0, 0.1f64..2.0), 2..60),
        rotation in 0usize..60,
    ) {
        let x: Vec<f64> = points.iter().map(|p| p.0).collect();
        let y: Vec<f64> = points.iter().map(|p| p.1).collect();
        let w: Vec<f64> = points.iter().map(|p| p.2).collect();
        let fitted = fit_values(&x, &y, &w);
        // Idempotent: fitting the fit changes nothing.
        let again = fit_values(&x, &fitted, &w);
        for (a, b) in again.iter().zip(&fitted) {
            prop_assert!((a - b).abs() < 1e-12);
        }
        // Permuting the input changes nothing.
        let r = rotation % points.len();
        let rot = |v: &[f64]| [&v[r..], &v[..r]].concat();
        let permuted = fit_values(&rot(&x), &rot(&y), &rot(&w));
        for (a, b) in permuted.iter().zip(rot(&fitted).iter()) {
            prop_assert!((a - b).abs() < 1e-12);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn bucket_sorted_fit_matches_the_plain_fit(
        points in prop::collection::vec(
            (0u16..400, 0u8..4, 0.0f64..1.0, -0.5f64..2.0, prop::bool::ANY),
            3000..5000,
        ),
        direction in 0u8..2,
        clip in prop::option::of((-0.2f64..0.3, 0.4f64..1.2)),
    ) {
        // Many exact ties (x on a grid of 400), some continuous x, some x a
        // hair (below 1e-15) above a grid point, some weights ≤ 0.
        let x: Vec<f64> = points
            .iter()
            .map(|&(k, kind, u, _, _)| match kind {
                0 => u * 4.0,
                1 => k as f64 / 100.0 + 4e-16,
                _ => k as f64 / 100.0,
            })
            .collect();
        let y: Vec<f64> = points.iter().map(|p| if p.4 { 1.0 } else { p.2 }).collect();
        let w: Vec<f64> = points.iter().map(|p| p.3).collect();
        let increasing = direction == 0;
        let (lo, hi) = clip.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
        let fitted = IsotonicRegression {
            y_min: clip.map(|c| c.0),
            y_max: clip.map(|c| c.1),
            direction: if increasing { Direction::Increasing } else { Direction::Decreasing },
            ..Default::default()
        }
        .fit(&x, &y, Some(&w))
        .unwrap();
        let (x_ref, y_ref) = reference_fit(&x, &y, &w, increasing, (lo, hi));
        prop_assert_eq!(&fitted.x_thresholds, &x_ref);
        prop_assert_eq!(fitted.y_thresholds.len(), y_ref.len());
        for (a, b) in fitted.y_thresholds.iter().zip(&y_ref) {
            prop_assert!((a - b).abs() <= 1e-12, "{a} vs {b}");
        }
        prop_assert_eq!(fitted.x_min, x_ref[0]);
        prop_assert_eq!(fitted.x_max, x_ref[x_ref.len() - 1]);
    }
}

#[test]
fn decreasing_and_auto_directions() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let y = [4.0, 2.0, 3.0, 1.0];
    let down = IsotonicRegression {
        direction: Direction::Decreasing,
        ..Default::default()
    }
    .fit(&x, &y, None)
    .unwrap();
    assert_eq!(down.predict(&x).unwrap(), vec![4.0, 2.5, 2.5, 1.0]);
    let auto = IsotonicRegression {
        direction: Direction::Auto,
        ..Default::default()
    }
    .fit(&x, &y, None)
    .unwrap();
    assert!(!auto.increasing);
}

#[test]
fn errors_are_typed() {
    let iso = IsotonicRegression::default();
    assert!(matches!(
        iso.fit(&[1.0, 2.0], &[1.0], None),
        Err(CalibrationError::LengthMismatch { .. })
    ));
    assert!(matches!(
        iso.fit(&[1.0, f64::NAN], &[1.0, 2.0], None),
        Err(CalibrationError::NonFinite {
            what: "x",
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        iso.fit(&[1.0, 2.0], &[1.0, f64::INFINITY], None),
        Err(CalibrationError::NonFinite { what: "y", .. })
    ));
    assert!(matches!(
        iso.fit(&[1.0, 2.0], &[1.0, 2.0], Some(&[0.0, -1.0])),
        Err(CalibrationError::Empty)
    ));
    assert!(matches!(
        iso.fit(&[1.0, 2.0], &[1.0, 2.0], Some(&[1.0])),
        Err(CalibrationError::LengthMismatch { .. })
    ));
    let bad_clip = IsotonicRegression {
        y_min: Some(1.0),
        y_max: Some(0.0),
        ..Default::default()
    };
    assert!(matches!(
        bad_clip.fit(&[1.0, 2.0], &[1.0, 2.0], None),
        Err(CalibrationError::InvalidOption { .. })
    ));
    let raising = IsotonicRegression {
        out_of_bounds: OutOfBounds::Error,
        ..Default::default()
    }
    .fit(&[1.0, 2.0], &[1.0, 2.0], None)
    .unwrap();
    assert!(matches!(
        raising.predict(&[3.0]),
        Err(CalibrationError::OutOfBounds { index: 0, .. })
    ));
    let nan = iso.fit(&[1.0, 2.0], &[1.0, 2.0], None).unwrap();
    assert!(nan.predict(&[0.0]).unwrap()[0].is_nan());
    assert!(matches!(
        nan.predict(&[f64::NAN]),
        Err(CalibrationError::NonFinite { .. })
    ));
    assert!(matches!(
        OutcomeCalibrator::fit(&[0.5, 0.5], 2, &[2], None),
        Err(CalibrationError::InvalidRow { row: 0, .. })
    ));
    assert!(matches!(
        OutcomeCalibrator::fit(&[0.5, 1.5], 2, &[1], None),
        Err(CalibrationError::InvalidRow { .. })
    ));
    assert!(matches!(
        OutcomeCalibrator::fit(&[0.5, 0.5, 0.2], 2, &[1], None),
        Err(CalibrationError::InvalidOption { .. })
    ));
    assert!(matches!(
        OutcomeCalibrator::from_json("{}"),
        Err(CalibrationError::Json(_))
    ));
    assert!(TemperatureScaling::fit(&[0.5, 0.5], 2, &[3], None).is_err());
}

#[test]
fn temperature_flattens_overconfident_forecasts() {
    // Forecasts that say 0.9 for outcomes that happen 60% of the time.
    let mut probs = vec![];
    let mut outcomes = vec![];
    for i in 0..1000 {
        probs.extend([0.9, 0.1]);
        outcomes.push(usize::from(i % 10 >= 6));
    }
    let t = TemperatureScaling::fit(&probs, 2, &outcomes, None).unwrap();
    assert!(t.temperature > 1.5, "T = {}", t.temperature);
    let q = t.predict(&probs[..2], 2).unwrap();
    assert!((q[0] - 0.6).abs() < 1e-3, "{q:?}");
    let json = serde_json::to_string(&t).unwrap();
    let back: TemperatureScaling = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back.predict(&probs, 2).unwrap(),
        t.predict(&probs, 2).unwrap()
    );
}
