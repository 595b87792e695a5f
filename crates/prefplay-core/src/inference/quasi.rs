//! Quasi-variances (Firth & de Menezes, Biometrika 91(1), 2004): one
//! number qᵢ per item such that var(sᵢ − sⱼ) ≈ qᵢ + qⱼ for every pair, so
//! each item can be drawn with its own error bar (√qᵢ) and any two compared
//! by eye, whatever the reference.
//!
//! Fitted, as in R's qvcalc, by least squares on the log scale:
//! minimise Σ_{i<j} (log(qᵢ + qⱼ) − log vᵢⱼ)², here by Gauss–Newton in
//! xᵢ = log qᵢ with step halving.

use faer::linalg::solvers::Solve;

use crate::{Error, Result};

/// Quasi-variances and how well they reproduce the pairwise variances.
#[derive(Debug, Clone, PartialEq)]
pub struct QuasiVariances {
    /// qᵢ, one per item.
    pub variances: Vec<f64>,
    /// Largest relative error of √(qᵢ + qⱼ) against the true standard
    /// error of sᵢ − sⱼ, over all pairs (qvcalc's "relerrs").
    pub max_relative_error: f64,
}

/// Quasi-variances from `pair_variance(i, j)` = var(sᵢ − sⱼ) over `n`
/// items (n ≥ 3; with two items any split works).
pub fn quasi_variances(
    n: usize,
    pair_variance: impl Fn(usize, usize) -> f64,
) -> Result<QuasiVariances> {
    if n < 3 {
        return Err(Error::InvalidParameter {
            name: "items",
            value: n.to_string(),
            reason: "quasi-variances need at least 3 items",
        });
    }
    let mut log_v = vec![0.0; n * n];
    for i in 0..n {
        for j in i + 1..n {
            let v = pair_variance(i, j);
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::Numerical("a pairwise variance is not positive"));
            }
            log_v[i * n + j] = v.ln();
        }
    }
    let residuals = |x: &[f64]| -> f64 {
        let mut ss = 0.0;
        for i in 0..n {
            for j in i + 1..n {
                let r = (x[i].exp() + x[j].exp()).ln() - log_v[i * n + j];
                ss += r * r;
            }
        }
        ss
    };
    // Start: half the mean pairwise variance of each item.
    let mut x: Vec<f64> = (0..n)
        .map(|i| {
            let mean = (0..n)
                .filter(|&j| j != i)
                .map(|j| log_v[i.min(j) * n + i.max(j)].exp())
                .sum::<f64>()
                / (n - 1) as f64;
            (0.5 * mean).ln()
        })
        .collect();
    let mut ss = residuals(&x);
    for _ in 0..100 {
        let Some(step) = gauss_newton_step(n, &x, &log_v) else {
            break;
        };
        let mut scale = 1.0;
        let mut improved = false;
        while scale > 1e-4 {
            let trial: Vec<f64> = (0..n).map(|i| x[i] - scale * step[i]).collect();
            let trial_ss = residuals(&trial);
            if trial_ss < ss {
                let done = ss - trial_ss <= 1e-14 * (1.0 + ss);
                x = trial;
                ss = trial_ss;
                improved = !done;
                break;
            }
            scale *= 0.5;
        }
        if !improved {
            break;
        }
    }
    let variances: Vec<f64> = x.iter().map(|v| v.exp()).collect();
    let max_relative_error = largest_relative_error(n, &variances, &log_v);
    Ok(QuasiVariances {
        variances,
        max_relative_error,
    })
}

/// The Gauss–Newton step for log quasi-variances `x` against the log
/// pairwise variances `log_v` (upper triangle of n × n): the solution of
/// JᵀJ δ = Jᵀr for the residuals r = log(e^xᵢ + e^xⱼ) − log vᵢⱼ, or `None`
/// when JᵀJ is not positive definite.
fn gauss_newton_step(n: usize, x: &[f64], log_v: &[f64]) -> Option<Vec<f64>> {
    let mut jtj = faer::Mat::<f64>::zeros(n, n);
    let mut jtr = faer::Mat::<f64>::zeros(n, 1);
    for i in 0..n {
        for j in i + 1..n {
            let (ei, ej) = (x[i].exp(), x[j].exp());
            let r = (ei + ej).ln() - log_v[i * n + j];
            let (gi, gj) = (ei / (ei + ej), ej / (ei + ej));
            jtj[(i, i)] += gi * gi;
            jtj[(j, j)] += gj * gj;
            jtj[(i, j)] += gi * gj;
            jtj[(j, i)] += gi * gj;
            jtr[(i, 0)] += gi * r;
            jtr[(j, 0)] += gj * r;
        }
    }
    let llt = jtj.llt(faer::Side::Lower).ok()?;
    let step = llt.solve(&jtr);
    Some((0..n).map(|i| step[(i, 0)]).collect())
}

/// The largest relative error of √(qᵢ + qⱼ) as the standard error of
/// sᵢ − sⱼ, over all pairs.
fn largest_relative_error(n: usize, variances: &[f64], log_v: &[f64]) -> f64 {
    let mut worst = 0.0f64;
    for i in 0..n {
        for j in i + 1..n {
            let truth = log_v[i * n + j].exp().sqrt();
            let approx = (variances[i] + variances[j]).sqrt();
            worst = worst.max((approx / truth - 1.0).abs());
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn exact_when_the_covariance_is_diagonal() {
        let q = [0.1, 0.4, 0.25, 0.05];
        let fit = quasi_variances(4, |i, j| q[i] + q[j]).unwrap();
        for (got, want) in fit.variances.iter().zip(q) {
            assert!((got - want).abs() < 1e-8, "{:?}", fit.variances);
        }
        assert!(fit.max_relative_error < 1e-8);
    }

    #[test]
    fn approximates_a_reference_contrast_covariance() {
        // Contrasts to item 0 with correlated errors: var(s_i - s_j).
        let c = [
            [0.0, 0.0, 0.0, 0.0],
            [0.0, 0.3, 0.1, 0.1],
            [0.0, 0.1, 0.35, 0.12],
            [0.0, 0.1, 0.12, 0.4],
        ];
        let v = |i: usize, j: usize| c[i][i] + c[j][j] - 2.0 * c[i][j];
        let fit = quasi_variances(4, v).unwrap();
        assert!(fit.max_relative_error < 0.1, "{}", fit.max_relative_error);
        assert!(fit.variances.iter().all(|&q| q > 0.0));
        assert!(quasi_variances(2, v).is_err());
    }
}
