//! A batch of loss rows: the rows, their checks, the batch context that
//! some losses detach, and [`evaluate`], which runs a loss over them.

use super::{LossKind, LossParams, kinds};
use crate::Error;

/// One row of a loss batch (see the module docs for the notation).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossRow {
    /// c = log π(y_w|x), summed over the response's tokens.
    pub policy_chosen: f64,
    /// r = log π(y_l|x).
    pub policy_rejected: f64,
    /// log π_ref(y_w|x).
    pub ref_chosen: f64,
    /// log π_ref(y_l|x).
    pub ref_rejected: f64,
    /// |y_w| > 0 in tokens (1 when unknown).
    pub chosen_len: f64,
    /// |y_l| > 0 in tokens (1 when unknown).
    pub rejected_len: f64,
    /// KTO / DRO feedback on the chosen columns' single response.
    pub label: Option<f64>,
}

impl LossRow {
    /// A pair with lengths 1 and no label.
    pub fn pair(
        policy_chosen: f64,
        policy_rejected: f64,
        ref_chosen: f64,
        ref_rejected: f64,
    ) -> Self {
        Self {
            policy_chosen,
            policy_rejected,
            ref_chosen,
            ref_rejected,
            chosen_len: 1.0,
            rejected_len: 1.0,
            label: None,
        }
    }

    /// ρ_w, the chosen response's log-ratio.
    pub fn chosen_logratio(&self) -> f64 {
        self.policy_chosen - self.ref_chosen
    }

    /// ρ_l, the rejected response's log-ratio.
    pub fn rejected_logratio(&self) -> f64 {
        self.policy_rejected - self.ref_rejected
    }

    /// h = ρ_w − ρ_l, the implicit reward margin.
    pub fn margin(&self) -> f64 {
        self.chosen_logratio() - self.rejected_logratio()
    }

    /// The responses this row holds for a single-response loss:
    /// (log-ratio, feedback, is the chosen response).
    pub(super) fn responses(&self) -> impl Iterator<Item = (f64, f64, bool)> {
        let (chosen, rejected) = match self.label {
            Some(label) => ((self.chosen_logratio(), label), None),
            None => (
                (self.chosen_logratio(), 1.0),
                Some((self.rejected_logratio(), 0.0, false)),
            ),
        };
        std::iter::once((chosen.0, chosen.1, true)).chain(rejected)
    }
}

/// One row's result.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RowLoss {
    /// The row's loss (for AOT, that of the row's sorted position).
    pub loss: f64,
    /// ∂(batch's summed loss)/∂c for this row.
    pub grad_chosen: f64,
    /// ∂(batch's summed loss)/∂r for this row.
    pub grad_rejected: f64,
}

/// A batch's losses.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LossBatch {
    /// One per input row, in order.
    pub rows: Vec<RowLoss>,
    /// The mean of the rows' losses (0 for no rows).
    pub mean: f64,
}

/// The batch quantities a loss treats as constants for its gradient.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct BatchContext {
    /// KTO's KL reference point z₀ = max(0, mean ρ over responses).
    pub kl_reference: f64,
    /// BCO's reward baseline δ = mean of βρ_w and βρ_l over the batch.
    pub reward_baseline: f64,
    /// DRO's value V = mean of (R − βρ) over responses.
    pub value: f64,
}

impl BatchContext {
    /// The context of `rows` under `params`.
    pub fn from_rows(rows: &[LossRow], params: &LossParams) -> Self {
        let mut responses = 0.0;
        let (mut ratio_sum, mut value_sum) = (0.0, 0.0);
        let mut pair_rewards = 0.0;
        for row in rows {
            for (ratio, reward, _) in row.responses() {
                responses += 1.0;
                ratio_sum += ratio;
                value_sum += reward - params.beta * ratio;
            }
            pair_rewards += params.beta * (row.chosen_logratio() + row.rejected_logratio());
        }
        if rows.is_empty() {
            return Self::default();
        }
        Self {
            kl_reference: (ratio_sum / responses).max(0.0),
            reward_baseline: pair_rewards / (2.0 * rows.len() as f64),
            value: value_sum / responses,
        }
    }
}

/// Checks every row: finite log-probabilities, lengths > 0, labels finite
/// (KTO: 0 or 1), ORPO's average log-probabilities < 0.
pub fn check_rows(kind: LossKind, rows: &[LossRow]) -> crate::Result<()> {
    for (i, row) in rows.iter().enumerate() {
        let bad = |field: &'static str, value: f64, reason: &'static str| Error::InvalidRow {
            row: i + 1,
            field,
            value: value.to_string(),
            reason,
        };
        for (field, value) in [
            ("policy_chosen_logp", row.policy_chosen),
            ("policy_rejected_logp", row.policy_rejected),
            ("ref_chosen_logp", row.ref_chosen),
            ("ref_rejected_logp", row.ref_rejected),
        ] {
            if !value.is_finite() {
                return Err(bad(field, value, "must be a finite log-probability"));
            }
        }
        for (field, value) in [
            ("chosen_len", row.chosen_len),
            ("rejected_len", row.rejected_len),
        ] {
            if !(value.is_finite() && value > 0.0) {
                return Err(bad(field, value, "must be a length > 0"));
            }
        }
        if let Some(label) = row.label
            && (!label.is_finite() || (kind == LossKind::Kto && label != 0.0 && label != 1.0))
        {
            return Err(bad(
                "label",
                label,
                "must be 0 or 1 for kto, finite for dro",
            ));
        }
        if kind == LossKind::Orpo {
            if row.policy_chosen / row.chosen_len >= 0.0 {
                return Err(bad(
                    "policy_chosen_logp",
                    row.policy_chosen,
                    "must be < 0 for orpo (the odds of probability 1 are infinite)",
                ));
            }
            if row.policy_rejected / row.rejected_len >= 0.0 {
                return Err(bad(
                    "policy_rejected_logp",
                    row.policy_rejected,
                    "must be < 0 for orpo (the odds of probability 1 are infinite)",
                ));
            }
        }
    }
    Ok(())
}

/// Every row's loss and gradients, and the batch mean, after checking the
/// parameters and rows.
pub fn evaluate(kind: LossKind, params: &LossParams, rows: &[LossRow]) -> crate::Result<LossBatch> {
    params.check_for(kind)?;
    check_rows(kind, rows)?;
    let context = BatchContext::from_rows(rows, params);
    Ok(evaluate_with(kind, params, rows, &context))
}

/// [`evaluate`] with a given context and no checks (the gradient holds
/// `context` fixed; the finite-difference tests rely on that).
pub fn evaluate_with(
    kind: LossKind,
    params: &LossParams,
    rows: &[LossRow],
    context: &BatchContext,
) -> LossBatch {
    let out: Vec<RowLoss> = if kind.sorted() {
        kinds::sorted_losses(kind, params, rows)
    } else {
        rows.iter()
            .map(|row| kinds::row_loss(kind, params, row, context))
            .collect()
    };
    let mean = if out.is_empty() {
        0.0
    } else {
        out.iter().map(|r| r.loss).sum::<f64>() / out.len() as f64
    };
    LossBatch { rows: out, mean }
}

/// The ranks of `values` in ascending order, ties broken by index (a
/// stable sort): `ranks[i]` is the position of `values[i]`.
pub fn stable_ranks(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0; values.len()];
    for (position, &i) in order.iter().enumerate() {
        ranks[i] = position;
    }
    ranks
}
