//! Three preference losses as functions of the implicit reward margin, and
//! their sweep over a grid of margins and β: the CPU twin of
//! `prefplay-gpu`'s `loss_sweep` kernel (a benchmark of grid work; the
//! loss lab's curves come from the full catalogue, [`crate::labs::loss`]).
//!
//! The margin is h = (log π(y_w|x) − log π_ref(y_w|x)) − (log π(y_l|x) −
//! log π_ref(y_l|x)): chosen minus rejected log-ratio. Each loss is given
//! with its derivative with respect to h (the "gradient weight" the loss
//! lab plots).

use crate::Error;
use crate::error::check_finite_above;

/// A DPO-family loss of the margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarginLoss {
    /// DPO (Rafailov et al. 2023) with conservative label smoothing ε
    /// (cDPO, Mitchell 2023): −(1 − ε) log σ(βh) − ε log σ(−βh).
    Sigmoid,
    /// IPO (Azar et al. 2023): (h − 1/(2β))².
    Ipo,
    /// SLiC hinge (Zhao et al. 2023): max(0, 1 − βh).
    Hinge,
}

impl MarginLoss {
    /// The GPU kernel's code for this loss.
    pub fn code(self) -> u32 {
        match self {
            MarginLoss::Sigmoid => 0,
            MarginLoss::Ipo => 1,
            MarginLoss::Hinge => 2,
        }
    }

    /// (loss, d loss / d h) at margin `h` with `beta` > 0 and label
    /// smoothing `epsilon` in [0, 0.5] (used by [`MarginLoss::Sigmoid`]).
    pub fn value_and_slope(self, h: f64, beta: f64, epsilon: f64) -> (f64, f64) {
        match self {
            MarginLoss::Sigmoid => {
                let (loss, dz) = crate::labs::loss::sigmoid_family(beta * h, epsilon);
                (loss, beta * dz)
            }
            MarginLoss::Ipo => {
                let gap = h - 1.0 / (2.0 * beta);
                (gap * gap, 2.0 * gap)
            }
            MarginLoss::Hinge => {
                let z = beta * h;
                if z < 1.0 {
                    (1.0 - z, -beta)
                } else {
                    (0.0, 0.0)
                }
            }
        }
    }
}

/// Checks a sweep's parameters: every β finite and > 0, ε in [0, 0.5].
pub fn check_sweep(betas: &[f64], epsilon: f64) -> crate::Result<()> {
    for &b in betas {
        check_finite_above("beta", b, 0.0, false, "must be finite and > 0")?;
    }
    if !(0.0..=0.5).contains(&epsilon) {
        return Err(Error::InvalidParameter {
            name: "label_smoothing",
            value: epsilon.to_string(),
            reason: "must be in [0, 0.5]",
        });
    }
    Ok(())
}

/// (loss, slope) at every (β, margin) pair, β-major: element
/// `b * margins.len() + m` is at `betas[b]`, `margins[m]`.
pub fn loss_sweep(
    loss: MarginLoss,
    margins: &[f64],
    betas: &[f64],
    epsilon: f64,
) -> crate::Result<Vec<(f64, f64)>> {
    check_sweep(betas, epsilon)?;
    Ok(betas
        .iter()
        .flat_map(|&b| {
            margins
                .iter()
                .map(move |&h| loss.value_and_slope(h, b, epsilon))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slopes_are_the_derivatives() {
        for loss in [MarginLoss::Sigmoid, MarginLoss::Ipo, MarginLoss::Hinge] {
            for &(h, beta, eps) in &[(0.3, 0.1, 0.0), (-2.0, 0.5, 0.1), (4.0, 2.0, 0.25)] {
                let step = 1e-6;
                let up = loss.value_and_slope(h + step, beta, eps).0;
                let down = loss.value_and_slope(h - step, beta, eps).0;
                let numeric = (up - down) / (2.0 * step);
                let (_, slope) = loss.value_and_slope(h, beta, eps);
                assert!(
                    (numeric - slope).abs() < 1e-6,
                    "{loss:?} at {h}: {numeric} vs {slope}"
                );
            }
        }
    }

    #[test]
    fn published_values() {
        // DPO at h = 0 is log 2 for any β; IPO is zero at h = 1/(2β);
        // the hinge is zero once βh ≥ 1.
        let (l, s) = MarginLoss::Sigmoid.value_and_slope(0.0, 0.1, 0.0);
        assert!((l - 2f64.ln()).abs() < 1e-15 && (s + 0.05).abs() < 1e-15);
        assert_eq!(MarginLoss::Ipo.value_and_slope(5.0, 0.1, 0.0), (0.0, 0.0));
        assert_eq!(
            MarginLoss::Hinge.value_and_slope(10.0, 0.1, 0.0),
            (0.0, 0.0)
        );
        // Label smoothing keeps a pull towards 0 at large margins.
        let (_, s) = MarginLoss::Sigmoid.value_and_slope(100.0, 1.0, 0.1);
        assert!((s - 0.1).abs() < 1e-12);
    }

    #[test]
    fn bad_parameters_are_refused() {
        assert!(loss_sweep(MarginLoss::Ipo, &[0.0], &[0.0], 0.0).is_err());
        assert!(loss_sweep(MarginLoss::Sigmoid, &[0.0], &[1.0], 0.7).is_err());
        let grid = loss_sweep(MarginLoss::Sigmoid, &[0.0, 1.0], &[0.1, 1.0, 2.0], 0.0).unwrap();
        assert_eq!(grid.len(), 6);
    }
}
