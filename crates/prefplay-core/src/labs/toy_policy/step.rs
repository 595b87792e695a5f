//! One gradient-descent step of the toy policy on a loss, and the
//! metrics the lab charts.

use super::problem::{Preference, ToyProblem};
use crate::labs::loss::{LossBatch, LossKind, LossParams, evaluate};

/// What the lab's charts show after a step.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct ToyMetrics {
    /// The mean loss over the data.
    pub loss: f64,
    /// Mean log π of the chosen responses (falls with likelihood displacement).
    pub chosen_log_prob: f64,
    /// Mean log π of the rejected responses.
    pub rejected_log_prob: f64,
    /// Mean implicit reward margin βh.
    pub reward_margin: f64,
    /// Share of pairs with h > 0 (TRL's "rewards/accuracies").
    pub preference_accuracy: f64,
    /// Share of pairs the policy ranks right: log π(y_w) > log π(y_l).
    pub ranking_accuracy: f64,
    /// Mean over prompts of KL(π ‖ π_ref), in nats.
    pub kl: f64,
    /// Mean over prompts of the true reward's expectation under π.
    pub true_reward: f64,
    /// Mean over prompts of the largest probability (1: deterministic).
    pub max_probability: f64,
}

/// The gradient of the mean loss over `data` with respect to the logits,
/// and the loss batch it came from.
pub fn logit_gradient(
    problem: &ToyProblem,
    logits: &[f64],
    ref_log_probs: &[f64],
    data: &[Preference],
    kind: LossKind,
    params: &LossParams,
) -> crate::Result<(Vec<f64>, LossBatch)> {
    problem.check(data)?;
    let k = problem.responses;
    let log_probs = problem.log_probs(logits);
    let rows = problem.loss_rows(&log_probs, ref_log_probs, data);
    let batch = evaluate(kind, params, &rows)?;
    let mut grad = vec![0.0; logits.len()];
    let scale = 1.0 / data.len().max(1) as f64;
    for (p, out) in data.iter().zip(&batch.rows) {
        let base = p.prompt as usize * k;
        let (gw, gl) = (out.grad_chosen * scale, out.grad_rejected * scale);
        for j in 0..k {
            grad[base + j] -= (gw + gl) * log_probs[base + j].exp();
        }
        grad[base + p.chosen as usize] += gw;
        grad[base + p.rejected as usize] += gl;
    }
    Ok((grad, batch))
}

/// One full-batch gradient-descent step on `logits` with step size
/// `learning_rate` > 0; returns the metrics before the step.
pub fn train_step(
    problem: &ToyProblem,
    logits: &mut [f64],
    ref_log_probs: &[f64],
    data: &[Preference],
    kind: LossKind,
    params: &LossParams,
    learning_rate: f64,
) -> crate::Result<ToyMetrics> {
    crate::error::check_finite_above(
        "learning_rate",
        learning_rate,
        0.0,
        false,
        "must be finite and > 0",
    )?;
    let (grad, batch) = logit_gradient(problem, logits, ref_log_probs, data, kind, params)?;
    let metrics = metrics(
        problem,
        logits,
        ref_log_probs,
        data,
        params.beta,
        batch.mean,
    );
    for (t, g) in logits.iter_mut().zip(grad) {
        *t -= learning_rate * g;
    }
    Ok(metrics)
}

/// The metrics of the policy `logits` on `data`, given its mean `loss`.
pub fn metrics(
    problem: &ToyProblem,
    logits: &[f64],
    ref_log_probs: &[f64],
    data: &[Preference],
    beta: f64,
    loss: f64,
) -> ToyMetrics {
    let k = problem.responses;
    let log_probs = problem.log_probs(logits);
    let rows = problem.loss_rows(&log_probs, ref_log_probs, data);
    let n = rows.len().max(1) as f64;
    let mut m = ToyMetrics {
        loss,
        ..ToyMetrics::default()
    };
    for row in &rows {
        m.chosen_log_prob += row.policy_chosen / n;
        m.rejected_log_prob += row.policy_rejected / n;
        m.reward_margin += beta * row.margin() / n;
        m.preference_accuracy += f64::from(u8::from(row.margin() > 0.0)) / n;
        m.ranking_accuracy += f64::from(u8::from(row.policy_chosen > row.policy_rejected)) / n;
    }
    let prompts = problem.prompts as f64;
    for p in 0..problem.prompts {
        let cells = p * k..(p + 1) * k;
        let mut max: f64 = 0.0;
        for c in cells {
            let prob = log_probs[c].exp();
            m.kl += prob * (log_probs[c] - ref_log_probs[c]) / prompts;
            m.true_reward += prob * problem.true_reward[c] / prompts;
            max = max.max(prob);
        }
        m.max_probability += max / prompts;
    }
    m
}
