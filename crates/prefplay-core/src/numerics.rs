//! Numerically stable scalar primitives.
//!
//! Reference: M. Mächler, "Accurately Computing log(1 − exp(−|a|))",
//! CRAN Rmpfr vignette (2012), §3 for log(1 + eˣ).

/// The logistic function σ(x) = 1 / (1 + e^(−x)), without overflow for any `x`.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// log(1 + eˣ) ("softplus"), accurate for large |x| (Mächler 2012).
pub fn log1p_exp(x: f64) -> f64 {
    if x <= -37.0 {
        x.exp()
    } else if x <= 18.0 {
        x.exp().ln_1p()
    } else if x <= 33.3 {
        x + (-x).exp()
    } else {
        x
    }
}

/// log σ(x) = −log(1 + e^(−x)), finite for every finite `x`.
pub fn log_sigmoid(x: f64) -> f64 {
    -log1p_exp(-x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_is_symmetric_and_bounded() {
        for x in [-800.0, -30.0, -1.0, 0.0, 0.5, 30.0, 800.0] {
            let s = sigmoid(x);
            assert!((0.0..=1.0).contains(&s));
            assert!((s + sigmoid(-x) - 1.0).abs() < 1e-15);
        }
        assert_eq!(sigmoid(0.0), 0.5);
    }

    #[test]
    fn log_sigmoid_matches_naive_where_naive_is_exact_and_stays_finite() {
        for x in [-5.0, -1.0, 0.0, 2.0, 10.0] {
            let naive = (1.0 / (1.0 + f64::exp(-x))).ln();
            assert!((log_sigmoid(x) - naive).abs() < 1e-14, "x = {x}");
        }
        assert!((log_sigmoid(-800.0) + 800.0).abs() < 1e-12);
        assert!(log_sigmoid(800.0) <= 0.0 && log_sigmoid(800.0) > -1e-300);
    }
}
