//! The statistics of the report: median, minimum, geometric mean.

use super::model::Timing;

/// Median and minimum of the samples (`None` when there are none).
pub fn timing(samples: &[f64]) -> Option<Timing> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    let median = if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 };
    Some(Timing { median_ms: median, min_ms: sorted[0], n: sorted.len() })
}

/// Geometric mean of positive values (`None` when there are none).
pub fn geomean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.into_iter().filter(|v| *v > 0.0).fold((0.0, 0usize), |(s, n), v| (s + v.ln(), n + 1));
    (n > 0).then(|| (sum / n as f64).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(timing(&[3.0, 1.0, 2.0]), Some(Timing { median_ms: 2.0, min_ms: 1.0, n: 3 }));
        assert_eq!(timing(&[4.0, 1.0, 3.0, 2.0]).map(|t| t.median_ms), Some(2.5));
        assert_eq!(timing(&[]), None);
    }

    #[test]
    fn geometric_mean() {
        assert!((geomean([1.0, 4.0]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(geomean([]), None);
    }
}
