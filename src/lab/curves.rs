//! The explorer's curves: each loss and its gradient weight along the
//! implicit reward margin h.
//!
//! A pair at margin h has the chosen log-ratio +h/2 and the rejected one
//! −h/2, on responses of [`PATH_LENGTH`] tokens whose reference
//! log-probabilities are [`PATH_REF_LOGP`] (needed by the losses that read
//! absolute log-probabilities: SimPO, CPO, ORPO, BT). The gradient weight
//! is −dL/dh along that path, (∂L/∂r − ∂L/∂c)/2; for DPO it is βσ(−βh), the
//! weight DPO's gradient puts on a pair. KTO and DRO read the pair as a
//! desirable and an undesirable response.

use prefplay_core::labs::loss::{LossKind, LossParams, LossRow, evaluate};

/// Tokens per response on the path.
pub const PATH_LENGTH: f64 = 10.0;

/// log π_ref of both responses on the path (2 nats per token).
pub const PATH_REF_LOGP: f64 = -20.0;

/// The margins the explorer plots: −10 … 10 nats.
pub const MARGIN_RANGE: (f64, f64) = (-10.0, 10.0);

/// Points per curve.
pub const MARGIN_POINTS: usize = 201;

/// The pair at margin `h`.
pub fn pair_at(h: f64) -> LossRow {
    LossRow {
        policy_chosen: PATH_REF_LOGP + h / 2.0,
        policy_rejected: PATH_REF_LOGP - h / 2.0,
        ref_chosen: PATH_REF_LOGP,
        ref_rejected: PATH_REF_LOGP,
        chosen_len: PATH_LENGTH,
        rejected_len: PATH_LENGTH,
        label: None,
    }
}

/// One point of a curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CurvePoint {
    /// The margin h in nats.
    pub margin: f64,
    /// The loss.
    pub loss: f64,
    /// −dL/dh.
    pub weight: f64,
}

/// The margins of the grid.
pub fn margins() -> Vec<f64> {
    let (lo, hi) = MARGIN_RANGE;
    (0..MARGIN_POINTS)
        .map(|i| lo + (hi - lo) * i as f64 / (MARGIN_POINTS - 1) as f64)
        .collect()
}

/// `kind`'s curve over the grid, or the parameter error.
pub fn curve(kind: LossKind, params: &LossParams) -> prefplay_core::Result<Vec<CurvePoint>> {
    let params = LossParams {
        wpo: params.wpo && !kind.sorted() && !kind.single_response(),
        ..*params
    };
    margins()
        .into_iter()
        .map(|h| {
            let out = evaluate(kind, &params, &[pair_at(h)])?;
            let row = out.rows[0];
            Ok(CurvePoint {
                margin: h,
                loss: row.loss,
                weight: (row.grad_rejected - row.grad_chosen) / 2.0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::numerics::sigmoid;

    #[test]
    fn dpo_weight_is_beta_sigma_of_minus_beta_h() {
        let params = LossParams {
            beta: 0.5,
            ..LossParams::default()
        };
        for p in curve(LossKind::Sigmoid, &params).unwrap() {
            let expected = 0.5 * sigmoid(-0.5 * p.margin);
            assert!((p.weight - expected).abs() < 1e-12, "{p:?}");
        }
    }

    #[test]
    fn ipo_has_its_minimum_at_one_over_two_beta() {
        let params = LossParams {
            beta: 0.25,
            ..LossParams::default()
        };
        let c = curve(LossKind::Ipo, &params).unwrap();
        let best = c.iter().min_by(|a, b| a.loss.total_cmp(&b.loss)).unwrap();
        assert!((best.margin - 2.0).abs() < 0.1 + 1e-9, "{best:?}");
    }

    #[test]
    fn every_loss_draws_finite_curves_at_default_parameters() {
        for kind in LossKind::ALL {
            let c = curve(kind, &LossParams::default()).unwrap();
            assert_eq!(c.len(), MARGIN_POINTS);
            assert!(
                c.iter().all(|p| p.loss.is_finite() && p.weight.is_finite()),
                "{}",
                kind.name()
            );
        }
    }

    #[test]
    fn a_bad_parameter_is_an_error_not_a_curve() {
        let params = LossParams {
            beta: 0.0,
            ..LossParams::default()
        };
        assert!(curve(LossKind::Sigmoid, &params).is_err());
    }
}
