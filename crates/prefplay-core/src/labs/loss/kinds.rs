//! Each loss's value and analytic gradient for one row (formulas and
//! papers on [`LossKind`]). Derivatives are written out by the chain rule;
//! `tests.rs` checks them against central finite differences.

use super::{BatchContext, LossKind, LossParams, LossRow, RowLoss, stable_ranks};
use crate::numerics::{log_sigmoid, log1m_exp, sigmoid};

/// σ'(x) = σ(x) σ(−x).
fn sigmoid_slope(x: f64) -> f64 {
    sigmoid(x) * sigmoid(-x)
}

/// DPO's smoothed logistic loss of z and its derivative:
/// (−(1 − ε) log σ(z) − ε log σ(−z), −(1 − ε) σ(−z) + ε σ(z)).
pub fn sigmoid_family(z: f64, epsilon: f64) -> (f64, f64) {
    (
        -(1.0 - epsilon) * log_sigmoid(z) - epsilon * log_sigmoid(-z),
        -(1.0 - epsilon) * sigmoid(-z) + epsilon * sigmoid(z),
    )
}

/// A loss of the margin h: (loss, d loss/dh); ∂/∂c = d/dh, ∂/∂r = −d/dh.
fn of_margin(loss: f64, slope: f64) -> RowLoss {
    RowLoss {
        loss,
        grad_chosen: slope,
        grad_rejected: -slope,
    }
}

/// The row's loss and gradients for every loss but AOT's.
pub(super) fn row_loss(
    kind: LossKind,
    params: &LossParams,
    row: &LossRow,
    context: &BatchContext,
) -> RowLoss {
    let beta = params.beta;
    let eps = params.label_smoothing;
    let h = row.margin();
    let (rho_w, rho_l) = (row.chosen_logratio(), row.rejected_logratio());
    let (c, r) = (row.policy_chosen, row.policy_rejected);
    let z = beta * h;
    let mut out = match kind {
        LossKind::Sigmoid | LossKind::Aot | LossKind::AotPair => {
            let (loss, dz) = sigmoid_family(z, eps);
            of_margin(loss, beta * dz)
        }
        LossKind::Robust => {
            let scale = 1.0 / (1.0 - 2.0 * eps);
            let loss = (-(1.0 - eps) * log_sigmoid(z) + eps * log_sigmoid(-z)) * scale;
            let dz = (-(1.0 - eps) * sigmoid(-z) - eps * sigmoid(z)) * scale;
            of_margin(loss, beta * dz)
        }
        LossKind::ExoPair => {
            let e = if eps == 0.0 { 1e-3 } else { eps };
            let (p, q) = (sigmoid(z), sigmoid(-z));
            let loss = p * (log_sigmoid(z) - (1.0 - e).ln()) + q * (log_sigmoid(-z) - e.ln());
            // d/dz = p q (z − log((1 − ε)/ε)): the log σ terms' own
            // derivatives cancel.
            let dz = p * q * (z - ((1.0 - e) / e).ln());
            of_margin(loss, beta * dz)
        }
        LossKind::Hinge => {
            if z < 1.0 {
                of_margin(1.0 - z, -beta)
            } else {
                of_margin(0.0, 0.0)
            }
        }
        LossKind::Ipo => {
            let gap = h - 1.0 / (2.0 * beta);
            of_margin(gap * gap, 2.0 * gap)
        }
        LossKind::BcoPair => {
            let delta = context.reward_baseline;
            let (a, b) = (beta * rho_w - delta, beta * rho_l - delta);
            RowLoss {
                loss: -log_sigmoid(a) - log_sigmoid(-b),
                grad_chosen: -beta * sigmoid(-a),
                grad_rejected: beta * sigmoid(b),
            }
        }
        LossKind::SppoHard => {
            let half = 1.0 / (2.0 * beta);
            let (a, b) = (rho_w - half, rho_l + half);
            RowLoss {
                loss: a * a + b * b,
                grad_chosen: 2.0 * a,
                grad_rejected: 2.0 * b,
            }
        }
        LossKind::NcaPair => {
            let (a, b) = (beta * rho_w, beta * rho_l);
            RowLoss {
                loss: -log_sigmoid(a) - 0.5 * log_sigmoid(-a) - 0.5 * log_sigmoid(-b),
                grad_chosen: beta * (-sigmoid(-a) + 0.5 * sigmoid(a)),
                grad_rejected: beta * 0.5 * sigmoid(b),
            }
        }
        LossKind::ApoZero => {
            let (a, b) = (beta * rho_w, beta * rho_l);
            RowLoss {
                loss: 1.0 - sigmoid(a) + sigmoid(b),
                grad_chosen: -beta * sigmoid_slope(a),
                grad_rejected: beta * sigmoid_slope(b),
            }
        }
        LossKind::ApoDown => {
            let a = beta * rho_w;
            RowLoss {
                loss: sigmoid(a) + 1.0 - sigmoid(z),
                grad_chosen: beta * (sigmoid_slope(a) - sigmoid_slope(z)),
                grad_rejected: beta * sigmoid_slope(z),
            }
        }
        LossKind::Discopop => {
            let tau = params.tau;
            let m = sigmoid(z / tau);
            // e^(−z)·m and e^(−z)·m' in the log domain: no overflow where
            // m is negligible.
            let exp_m = (-z + log_sigmoid(z / tau)).exp();
            let exp_dm = (-z + log_sigmoid(z / tau) + log_sigmoid(-z / tau)).exp() / tau;
            let dm = m * (1.0 - m) / tau;
            let loss = -log_sigmoid(z) * (1.0 - m) + exp_m;
            let dz = -sigmoid(-z) * (1.0 - m) + log_sigmoid(z) * dm - exp_m + exp_dm;
            of_margin(loss, beta * dz)
        }
        LossKind::Simpo => {
            let (lw, ll) = (row.chosen_len, row.rejected_len);
            let (loss, dz) = sigmoid_family(beta * (c / lw - r / ll) - params.gamma, eps);
            RowLoss {
                loss,
                grad_chosen: beta * dz / lw,
                grad_rejected: -beta * dz / ll,
            }
        }
        LossKind::Cpo => {
            let lw = row.chosen_len;
            let (loss, dz) = sigmoid_family(beta * (c - r), eps);
            RowLoss {
                loss: loss - params.cpo_alpha * c / lw,
                grad_chosen: beta * dz - params.cpo_alpha / lw,
                grad_rejected: -beta * dz,
            }
        }
        LossKind::Orpo => {
            let (lw, ll) = (row.chosen_len, row.rejected_len);
            let (a, b) = (c / lw, r / ll);
            let log_odds = (a - b) - (log1m_exp(a) - log1m_exp(b));
            // d log odds(eᵃ)/da = 1/(1 − eᵃ) = −1/expm1(a).
            let (da, db) = (-1.0 / a.exp_m1(), 1.0 / b.exp_m1());
            let weight = beta * sigmoid(-log_odds);
            RowLoss {
                loss: -a - beta * log_sigmoid(log_odds),
                grad_chosen: (-1.0 - weight * da) / lw,
                grad_rejected: -weight * db / ll,
            }
        }
        LossKind::Kto => {
            let z0 = context.kl_reference;
            let mut out = zero();
            for (ratio, label, chosen) in row.responses() {
                let (loss, slope) = if label > 0.5 {
                    let x = beta * (ratio - z0);
                    let w = params.desirable_weight;
                    (w * (1.0 - sigmoid(x)), -w * beta * sigmoid_slope(x))
                } else {
                    let x = beta * (z0 - ratio);
                    let w = params.undesirable_weight;
                    (w * (1.0 - sigmoid(x)), w * beta * sigmoid_slope(x))
                };
                add_response(&mut out, loss, slope, chosen);
            }
            out
        }
        LossKind::Dro => {
            let mut out = zero();
            for (ratio, reward, chosen) in row.responses() {
                let gap = reward - context.value - beta * ratio;
                add_response(&mut out, 0.5 * gap * gap, -beta * gap, chosen);
            }
            out
        }
        LossKind::Bt => {
            let (loss, dz) = sigmoid_family(c - r, 0.0);
            of_margin(loss, dz)
        }
    };
    if params.wpo && !kind.single_response() {
        let weight = wpo_weight(row);
        out.loss *= weight;
        out.grad_chosen *= weight;
        out.grad_rejected *= weight;
    }
    out
}

/// WPO's detached weight exp(c/|y_w| + r/|y_l|).
pub(super) fn wpo_weight(row: &LossRow) -> f64 {
    (row.policy_chosen / row.chosen_len + row.policy_rejected / row.rejected_len).exp()
}

fn zero() -> RowLoss {
    RowLoss {
        loss: 0.0,
        grad_chosen: 0.0,
        grad_rejected: 0.0,
    }
}

fn add_response(out: &mut RowLoss, loss: f64, slope: f64, chosen: bool) {
    out.loss += loss;
    if chosen {
        out.grad_chosen += slope;
    } else {
        out.grad_rejected += slope;
    }
}

/// AOT and AOT pair: position j's loss is the smoothed logistic loss of
/// β(sorted a)ⱼ − β(sorted b)ⱼ; row i's gradients are the slopes at the
/// positions its own values were sorted to.
pub(super) fn sorted_losses(kind: LossKind, params: &LossParams, rows: &[LossRow]) -> Vec<RowLoss> {
    let (a, b): (Vec<f64>, Vec<f64>) = match kind {
        LossKind::Aot => rows
            .iter()
            .map(|r| {
                (
                    r.policy_chosen - r.policy_rejected,
                    r.ref_chosen - r.ref_rejected,
                )
            })
            .unzip(),
        _ => rows
            .iter()
            .map(|r| (r.chosen_logratio(), r.rejected_logratio()))
            .unzip(),
    };
    let (rank_a, rank_b) = (stable_ranks(&a), stable_ranks(&b));
    let mut sorted_a = vec![0.0; rows.len()];
    let mut sorted_b = vec![0.0; rows.len()];
    for i in 0..rows.len() {
        sorted_a[rank_a[i]] = a[i];
        sorted_b[rank_b[i]] = b[i];
    }
    let at: Vec<(f64, f64)> = (0..rows.len())
        .map(|j| {
            let (loss, dz) = sigmoid_family(
                params.beta * (sorted_a[j] - sorted_b[j]),
                params.label_smoothing,
            );
            (loss, params.beta * dz)
        })
        .collect();
    (0..rows.len())
        .map(|i| {
            let slope_a = at[rank_a[i]].1;
            let mut out = RowLoss {
                loss: at[i].0,
                grad_chosen: slope_a,
                grad_rejected: -slope_a,
            };
            if kind == LossKind::AotPair {
                out.grad_rejected = -at[rank_b[i]].1;
            }
            out
        })
        .collect()
}
