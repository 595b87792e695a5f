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

/// √(2π).
const SQRT_2PI: f64 = 2.506_628_274_631_000_7;

/// Φ(x) only from below this point is taken from its asymptotic series
/// (erfc underflows near −38).
const NDTR_SERIES_BELOW: f64 = -30.0;

/// 1 − 1/x² + 3/x⁴ − 15/x⁶: the asymptotic series of Φ(x)·(−x)/φ(x) for
/// x → −∞ (Abramowitz & Stegun 26.2.12); relative error below 2e-10 for
/// x ≤ −30.
fn ndtr_tail_series(x: f64) -> f64 {
    let r = 1.0 / (x * x);
    1.0 - r + 3.0 * r * r - 15.0 * r * r * r
}

/// log Φ(x), the log of the standard normal CDF, finite for every finite `x`.
///
/// Uses erfc (W. J. Cody's rational approximations, via `libm`) where it is
/// accurate, log1p on the upper tail and the asymptotic series far in the
/// lower tail.
pub fn log_ndtr(x: f64) -> f64 {
    if x > 5.0 {
        (-0.5 * libm::erfc(x / std::f64::consts::SQRT_2)).ln_1p()
    } else if x > NDTR_SERIES_BELOW {
        (0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)).ln()
    } else {
        -0.5 * x * x - (-x).ln() - SQRT_2PI.ln() + ndtr_tail_series(x).ln()
    }
}

/// The inverse Mills ratio φ(x)/Φ(x): d log Φ(x)/dx. Finite for every
/// finite `x`; ≈ −x far in the lower tail.
pub fn inverse_mills(x: f64) -> f64 {
    if x > NDTR_SERIES_BELOW {
        let density = (-0.5 * x * x).exp() / SQRT_2PI;
        density / (0.5 * libm::erfc(-x / std::f64::consts::SQRT_2))
    } else {
        -x / ndtr_tail_series(x)
    }
}

/// log(1 − eᵃ) for a < 0 (−∞ at 0, NaN above), accurate on both sides of
/// a = −ln 2 (Mächler 2012, §2: expm1 near 0, log1p far from it).
pub fn log1m_exp(a: f64) -> f64 {
    if a > -std::f64::consts::LN_2 {
        (-a.exp_m1()).ln()
    } else {
        (-a.exp()).ln_1p()
    }
}

/// log(eˣ − 1) for x > 0 (−∞ at 0, NaN below), without overflow.
pub fn log_expm1(x: f64) -> f64 {
    if x > 40.0 {
        x + (-(-x).exp()).ln_1p()
    } else {
        x.exp_m1().ln()
    }
}

/// The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (±∞ at 0 and 1, NaN
/// outside). P. J. Acklam's rational approximation (relative error
/// 1.15e-9), refined by one Halley step on erfc (error near 1e-15).
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    let x = if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    let e = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * SQRT_2PI * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_inverts_the_cdf() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert_eq!(normal_quantile(0.5), 0.0);
        for p in [1e-10, 0.01, 0.3, 0.9, 0.999] {
            let back = log_ndtr(normal_quantile(p)).exp();
            assert!((back - p).abs() < 1e-12 * p.max(1e-3), "p = {p}");
        }
        assert!(normal_quantile(1.5).is_nan());
    }

    #[test]
    fn normal_tail_functions_are_smooth_across_their_branches() {
        // Reference values: scipy.special.log_ndtr.
        let cases = [
            (-40.0, -804.608_442_013_753_9),
            (-5.0, -15.064_998_393_988_727),
            (0.0, -std::f64::consts::LN_2),
            (6.0, -9.865_876_455_243_72e-10),
        ];
        for (x, want) in cases {
            assert!(
                (log_ndtr(x) - want).abs() <= 1e-9 * want.abs().max(1e-9),
                "x = {x}: {}",
                log_ndtr(x)
            );
        }
        for x in [NDTR_SERIES_BELOW, 5.0] {
            let (below, above) = (log_ndtr(x - 1e-9), log_ndtr(x + 1e-9));
            assert!((below - above).abs() < 1e-6 * below.abs().max(1e-12));
            let h = 1e-5;
            let fd = (log_ndtr(x + h) - log_ndtr(x - h)) / (2.0 * h);
            assert!(
                (fd - inverse_mills(x)).abs() < 1e-5 * fd.abs().max(1e-9),
                "x = {x}"
            );
        }
        assert!((log_expm1(50.0) - 50.0).abs() < 1e-15);
        assert!((log_expm1(1.0) - (std::f64::consts::E - 1.0).ln()).abs() < 1e-15);
    }

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
