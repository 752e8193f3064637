//! Properties of the scoring rules, the comparison tests, and every input error.

use proptest::prelude::*;
use scoreline_metrics::{
    accuracy, bootstrap_mean_difference, brier, brier_components, calibration_curve,
    calibration_error, diebold_mariano, ignorance, log_loss, rps, Binning, MetricsError,
};

fn rows(k: usize) -> impl Strategy<Value = (Vec<f64>, Vec<u32>)> {
    prop::collection::vec((prop::collection::vec(0.01f64..1.0, k), 0..k as u32), 1..40).prop_map(
        move |v| {
            let mut probs = vec![];
            let mut outcomes = vec![];
            for (raw, o) in v {
                let s: f64 = raw.iter().sum();
                probs.extend(raw.iter().map(|r| r / s));
                outcomes.push(o);
            }
            (probs, outcomes)
        },
    )
}

proptest! {
    #[test]
    fn rps_is_half_the_brier_score_for_two_outcomes((p, y) in rows(2)) {
        // k = 2: RPS = (p₁ − o₁)², Brier = (p₁ − o₁)² + (p₂ − o₂)² = 2 (p₁ − o₁)².
        let r = rps(&p, 2, &y, None).unwrap();
        let b = brier(&p, 2, &y, None).unwrap();
        prop_assert!((2.0 * r - b).abs() < 1e-12);
    }

    #[test]
    fn components_sum_to_brier_and_scores_are_in_range((p, y) in rows(3), w in prop::collection::vec(0.1f64..5.0, 40)) {
        let w = &w[..y.len()];
        let b = brier(&p, 3, &y, Some(w)).unwrap();
        let parts: f64 = brier_components(&p, 3, &y, Some(w)).unwrap().iter().sum();
        prop_assert!((b - parts).abs() < 1e-12);
        prop_assert!((0.0..=2.0).contains(&b));
        let r = rps(&p, 3, &y, Some(w)).unwrap();
        prop_assert!((0.0..=1.0).contains(&r));
        prop_assert!(log_loss(&p, 3, &y, Some(w)).unwrap() >= 0.0);
        let a = accuracy(&p, 3, &y, Some(w)).unwrap();
        prop_assert!((0.0..=1.0).contains(&a));
    }
}

#[test]
fn perfect_and_worst_forecasts_hit_the_bounds() {
    let perfect = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
    let y = [0u32, 2];
    assert_eq!(brier(&perfect, 3, &y, None).unwrap(), 0.0);
    assert_eq!(rps(&perfect, 3, &y, None).unwrap(), 0.0);
    assert!(log_loss(&perfect, 3, &y, None).unwrap() < 1e-15);
    assert_eq!(accuracy(&perfect, 3, &y, None).unwrap(), 1.0);
    let worst = [0.0, 0.0, 1.0, 1.0, 0.0, 0.0];
    assert_eq!(brier(&worst, 3, &y, None).unwrap(), 2.0);
    assert_eq!(rps(&worst, 3, &y, None).unwrap(), 1.0);
    assert!((log_loss(&worst, 3, &y, None).unwrap() + f64::EPSILON.ln()).abs() < 1e-12);
    assert!((ignorance(&worst, 3, &y, None).unwrap() + 1e-15f64.log2()).abs() < 1e-12);
    assert_eq!(
        accuracy(&[0.4, 0.4, 0.2], 3, &[0u32], None).unwrap(),
        1.0,
        "ties go to the lowest index"
    );
}

#[test]
fn every_bad_input_is_named() {
    let p = [0.5, 0.3, 0.2, 0.2, 0.3, 0.5];
    assert!(matches!(
        brier(&p, 3, &[0u32], None),
        Err(MetricsError::LengthMismatch {
            what: "probabilities",
            ..
        })
    ));
    assert!(matches!(
        brier(&p, 3, &[0u32, 3], None),
        Err(MetricsError::OutcomeOutOfRange {
            row: 1,
            outcome: 3,
            k: 3
        })
    ));
    assert!(matches!(
        brier(&p, 3, &[0i64, -1], None),
        Err(MetricsError::OutcomeOutOfRange {
            row: 1,
            outcome: -1,
            ..
        })
    ));
    let nan = [0.5, f64::NAN, 0.5, 0.2, 0.3, 0.5];
    assert!(matches!(
        rps(&nan, 3, &[0u32, 1], None),
        Err(MetricsError::InvalidProbability {
            row: 0,
            column: 1,
            ..
        })
    ));
    let negative = [0.5, 0.3, 0.2, -0.2, 0.7, 0.5];
    assert!(matches!(
        log_loss(&negative, 3, &[0u32, 1], None),
        Err(MetricsError::InvalidProbability { row: 1, .. })
    ));
    let unnormalised = [0.5, 0.3, 0.3, 0.2, 0.3, 0.5];
    let err = rps(&unnormalised, 3, &[0u32, 1], None).unwrap_err();
    assert!(matches!(err, MetricsError::RowSum { row: 0, .. }), "{err}");
    assert!(err.to_string().contains("row 0"));
    assert!(
        log_loss(&unnormalised, 3, &[0u32, 1], None).is_ok(),
        "log loss, like scikit-learn, does not renormalise"
    );
    assert!(matches!(
        brier(&p, 3, &[0u32, 1], Some(&[1.0])),
        Err(MetricsError::LengthMismatch {
            what: "sample weights",
            ..
        })
    ));
    assert!(matches!(
        brier(&p, 3, &[0u32, 1], Some(&[1.0, -1.0])),
        Err(MetricsError::InvalidWeight { row: 1, .. })
    ));
    assert!(matches!(
        brier(&p, 3, &[0u32, 1], Some(&[0.0, 0.0])),
        Err(MetricsError::InvalidWeight { .. })
    ));
    assert!(matches!(
        brier(&[], 3, &[] as &[u32], None),
        Err(MetricsError::Empty { .. })
    ));
    assert!(matches!(
        brier(&[1.0], 1, &[0u32], None),
        Err(MetricsError::Empty { k: 1, .. })
    ));
    assert!(calibration_curve(&p, 3, &[0u32, 1], None, 3, 10, Binning::Uniform).is_err());
    assert!(calibration_curve(&p, 3, &[0u32, 1], None, 0, 0, Binning::Uniform).is_err());
    assert!(matches!(
        diebold_mariano(&[0.1, 0.2], &[0.1], 0),
        Err(MetricsError::LengthMismatch { .. })
    ));
    assert!(matches!(
        diebold_mariano(&[0.1, f64::NAN], &[0.1, 0.2], 0),
        Err(MetricsError::InvalidScore { row: 1, .. })
    ));
    assert!(matches!(
        diebold_mariano(&[0.1, 0.2], &[0.1, 0.3], 2),
        Err(MetricsError::InvalidOption { .. })
    ));
    assert!(bootstrap_mean_difference(&[0.1, 0.2], &[0.2, 0.1], 0, 0.95, 1).is_err());
}

#[test]
fn reliability_bins_and_calibration_error() {
    // Outcome 0 forecast at 0.25 and 0.75, happening 25% and 75% of the time.
    let mut p = vec![];
    let mut y = vec![];
    for i in 0..400u32 {
        let hi = i % 2 == 0;
        let q = if hi { 0.75 } else { 0.25 };
        p.extend([q, 1.0 - q]);
        let happens = if hi { i % 8 != 0 } else { i % 8 == 1 };
        y.push(u32::from(!happens));
    }
    let bins = calibration_curve(&p, 2, &y, None, 0, 4, Binning::Uniform).unwrap();
    // A forecast on an edge falls in the lower bin (scikit-learn's convention).
    assert_eq!(
        bins.iter().map(|b| b.count).collect::<Vec<_>>(),
        vec![200, 0, 200, 0]
    );
    assert!((bins[0].observed - 0.25).abs() < 1e-12 && (bins[2].observed - 0.75).abs() < 1e-12);
    let e = calibration_error(&p, 2, &y, None, 4, Binning::Uniform).unwrap();
    assert!(e.ece < 1e-12 && e.mce < 1e-12);
    let q = calibration_error(&p, 2, &y, None, 2, Binning::Quantile).unwrap();
    assert!(q.ece < 1e-12);
    // A forecaster 0.2 too high on every forecast has ECE 0.2 for outcome 0.
    let shifted: Vec<f64> = p.chunks(2).flat_map(|r| [r[0] + 0.2, r[1] - 0.2]).collect();
    let e = calibration_error(&shifted, 2, &y, None, 10, Binning::Uniform).unwrap();
    assert!((e.ece_per_outcome[0] - 0.2).abs() < 1e-9, "{e:?}");
}

#[test]
fn diebold_mariano_and_bootstrap() {
    let a: Vec<f64> = (0..200)
        .map(|i| 0.2 + 0.05 * ((i * 37 % 11) as f64 / 11.0))
        .collect();
    let b: Vec<f64> = a
        .iter()
        .enumerate()
        .map(|(i, x)| x + 0.01 + 0.02 * ((i * 13 % 7) as f64 / 7.0 - 0.5))
        .collect();
    let dm = diebold_mariano(&a, &b, 0).unwrap();
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let mean = d.iter().sum::<f64>() / 200.0;
    let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 200.0;
    assert!((dm.statistic - mean / (var / 200.0).sqrt()).abs() < 1e-9);
    assert!(dm.statistic < -10.0 && dm.p_value < 1e-10);
    let same = diebold_mariano(&a, &a, 3).unwrap();
    assert_eq!((same.statistic, same.p_value), (0.0, 1.0));
    let with_lag = diebold_mariano(&a, &b, 4).unwrap();
    assert_eq!(with_lag.lag, 4);
    assert!(with_lag.p_value < 0.01);
    let ci = bootstrap_mean_difference(&a, &b, 2000, 0.95, 42).unwrap();
    assert!(ci.lower < ci.mean_difference && ci.mean_difference < ci.upper && ci.upper < 0.0);
    assert_eq!(
        ci,
        bootstrap_mean_difference(&a, &b, 2000, 0.95, 42).unwrap(),
        "seeded: repeatable"
    );
}
