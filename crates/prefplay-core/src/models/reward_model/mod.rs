//! Reward models over item features, trained with the Bradley–Terry loss:
//! the CPU twin (`f64`) of `prefplay-gpu`'s reward-training kernels.
//!
//! An item i has a feature vector xᵢ (row i of a row-major n × d matrix).
//! Its reward is
//! - linear: r(x) = wᵀx;
//! - two-layer MLP: r(x) = w₂ᵀ tanh(W₁x + b₁), W₁ h × d, b₁ and w₂ of length h.
//!
//! (A bias on r would cancel in every difference.) Pairs carry
//! tie-adjusted win counts; the loss is the mean negative log-likelihood
//! −(1/N) Σ [w_ab log σ(r_a − r_b) + w_ba log σ(r_b − r_a)], N the total
//! count, plus (λ/2)‖θ‖². Training is full-batch Adam (Kingma & Ba, *Adam:
//! A Method for Stochastic Optimization*, ICLR 2015) from a seeded start.

use crate::error::check_finite_above;
use crate::inference::counter_rng::draw;
use crate::numerics::{log_sigmoid, sigmoid};
use crate::{Error, Result};

/// The reward's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardHead {
    /// r(x) = wᵀx.
    Linear,
    /// r(x) = w₂ᵀ tanh(W₁x + b₁) with `hidden` units.
    Mlp {
        /// Hidden units, ≥ 1.
        hidden: usize,
    },
}

/// Compared pairs of items with their tie-adjusted win counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RewardPairs {
    /// First item of each pair.
    pub item_a: Vec<u32>,
    /// Second item of each pair.
    pub item_b: Vec<u32>,
    /// Wins of the first item (ties count half).
    pub wins_a: Vec<f64>,
    /// Wins of the second item (ties count half).
    pub wins_b: Vec<f64>,
}

impl RewardPairs {
    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.item_a.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.item_a.is_empty()
    }

    /// Total count N.
    pub fn total(&self) -> f64 {
        self.wins_a.iter().chain(&self.wins_b).sum()
    }
}

/// Training settings; defaults in brackets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RewardSettings {
    /// The reward's form [MLP with 16 hidden units].
    pub head: RewardHead,
    /// Weight decay λ [1e-3], ≥ 0.
    pub l2: f64,
    /// Adam's step size [0.05], > 0.
    pub learning_rate: f64,
    /// Full-batch Adam steps [200].
    pub steps: u32,
    /// Seed of the initial weights [0].
    pub seed: u32,
}

impl Default for RewardSettings {
    fn default() -> Self {
        Self {
            head: RewardHead::Mlp { hidden: 16 },
            l2: 1e-3,
            learning_rate: 0.05,
            steps: 200,
            seed: 0,
        }
    }
}

pub use crate::models::adam::{ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, Adam};

/// A reward model's parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct RewardModel {
    /// Features per item.
    pub inputs: usize,
    /// The form.
    pub head: RewardHead,
    /// Linear: w (d). MLP: W₁ (h × d, row-major), then b₁ (h), then w₂ (h).
    pub params: Vec<f64>,
}

impl RewardModel {
    /// Number of parameters of `head` over `inputs` features.
    pub fn n_params(inputs: usize, head: RewardHead) -> usize {
        match head {
            RewardHead::Linear => inputs,
            RewardHead::Mlp { hidden } => hidden * inputs + 2 * hidden,
        }
    }

    /// The seeded start: weights uniform in ±1/√fan-in (LeCun-style),
    /// drawn from the counter hash (slot = parameter index), biases 0.
    pub fn init(inputs: usize, head: RewardHead, seed: u32) -> Self {
        let uniform = |k: usize, fan_in: usize| {
            let u = f64::from(draw(seed, 0, k as u32)) / 4_294_967_296.0;
            (2.0 * u - 1.0) / (fan_in.max(1) as f64).sqrt()
        };
        let n = Self::n_params(inputs, head);
        let params = match head {
            RewardHead::Linear => (0..n).map(|k| uniform(k, inputs)).collect(),
            RewardHead::Mlp { hidden } => {
                let w1 = hidden * inputs;
                (0..n)
                    .map(|k| match k {
                        _ if k < w1 => uniform(k, inputs),
                        _ if k < w1 + hidden => 0.0,
                        _ => uniform(k, hidden),
                    })
                    .collect()
            }
        };
        Self {
            inputs,
            head,
            params,
        }
    }

    /// Hidden activations (n × h, MLP only; empty for linear) and rewards.
    pub fn forward(&self, features: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let d = self.inputs;
        let n = features.len() / d.max(1);
        match self.head {
            RewardHead::Linear => {
                let r = features
                    .chunks_exact(d)
                    .map(|x| x.iter().zip(&self.params).map(|(a, w)| a * w).sum())
                    .collect();
                (Vec::new(), r)
            }
            RewardHead::Mlp { hidden } => {
                let (w1, rest) = self.params.split_at(hidden * d);
                let (b1, w2) = rest.split_at(hidden);
                let mut activations = Vec::with_capacity(n * hidden);
                let mut rewards = Vec::with_capacity(n);
                for x in features.chunks_exact(d) {
                    let mut r = 0.0;
                    for k in 0..hidden {
                        let z: f64 = w1[k * d..(k + 1) * d]
                            .iter()
                            .zip(x)
                            .map(|(w, v)| w * v)
                            .sum::<f64>()
                            + b1[k];
                        let a = z.tanh();
                        activations.push(a);
                        r += w2[k] * a;
                    }
                    rewards.push(r);
                }
                (activations, rewards)
            }
        }
    }

    /// The loss (mean negative log-likelihood plus (λ/2)‖θ‖²) and its
    /// gradient with respect to the parameters.
    pub fn loss_and_gradient(
        &self,
        features: &[f64],
        pairs: &RewardPairs,
        l2: f64,
    ) -> (f64, Vec<f64>) {
        let (activations, rewards) = self.forward(features);
        let total = pairs.total().max(f64::MIN_POSITIVE);
        // dL/dr per item.
        let mut slope = vec![0.0; rewards.len()];
        let mut nll = 0.0;
        for k in 0..pairs.len() {
            let (a, b) = (pairs.item_a[k] as usize, pairs.item_b[k] as usize);
            let (wa, wb) = (pairs.wins_a[k], pairs.wins_b[k]);
            let diff = rewards[a] - rewards[b];
            nll -= wa * log_sigmoid(diff) + wb * log_sigmoid(-diff);
            let g = ((wa + wb) * sigmoid(diff) - wa) / total;
            slope[a] += g;
            slope[b] -= g;
        }
        let d = self.inputs;
        let mut grad: Vec<f64> = self.params.iter().map(|p| l2 * p).collect();
        match self.head {
            RewardHead::Linear => {
                for (x, g) in features.chunks_exact(d).zip(&slope) {
                    for (out, v) in grad.iter_mut().zip(x) {
                        *out += g * v;
                    }
                }
            }
            RewardHead::Mlp { hidden } => {
                let w2 = &self.params[hidden * d + hidden..];
                let (g_w1, rest) = grad.split_at_mut(hidden * d);
                let (g_b1, g_w2) = rest.split_at_mut(hidden);
                for ((x, a), g) in features
                    .chunks_exact(d)
                    .zip(activations.chunks_exact(hidden))
                    .zip(&slope)
                {
                    for k in 0..hidden {
                        g_w2[k] += g * a[k];
                        let delta = g * w2[k] * (1.0 - a[k] * a[k]);
                        g_b1[k] += delta;
                        for (out, v) in g_w1[k * d..(k + 1) * d].iter_mut().zip(x) {
                            *out += delta * v;
                        }
                    }
                }
            }
        }
        let penalty = 0.5 * l2 * self.params.iter().map(|p| p * p).sum::<f64>();
        (nll / total + penalty, grad)
    }
}

/// Checks the data and settings: a whole feature matrix, items in range,
/// finite counts ≥ 0, λ ≥ 0, a positive step size, hidden ≥ 1.
pub fn check_training(
    features: &[f64],
    inputs: usize,
    pairs: &RewardPairs,
    settings: &RewardSettings,
) -> Result<usize> {
    let bad = |name: &'static str, value: String, reason: &'static str| {
        Err(Error::InvalidParameter {
            name,
            value,
            reason,
        })
    };
    if inputs == 0
        || !features.len().is_multiple_of(inputs)
        || features.iter().any(|x| !x.is_finite())
    {
        return bad(
            "features",
            format!("{} values", features.len()),
            "need n × d finite values, d ≥ 1",
        );
    }
    let n = features.len() / inputs;
    let lens = [pairs.item_b.len(), pairs.wins_a.len(), pairs.wins_b.len()];
    if lens.iter().any(|&l| l != pairs.len())
        || pairs
            .item_a
            .iter()
            .chain(&pairs.item_b)
            .any(|&i| i as usize >= n)
        || pairs
            .wins_a
            .iter()
            .chain(&pairs.wins_b)
            .any(|w| !(w.is_finite() && *w >= 0.0))
    {
        return bad(
            "pairs",
            format!("{} pairs", pairs.len()),
            "need items below n and finite counts ≥ 0",
        );
    }
    check_finite_above("l2", settings.l2, 0.0, true, "must be finite and ≥ 0")?;
    check_finite_above(
        "learning_rate",
        settings.learning_rate,
        0.0,
        false,
        "must be finite and > 0",
    )?;
    if settings.head == (RewardHead::Mlp { hidden: 0 }) {
        return bad("hidden", "0".into(), "must be at least 1");
    }
    Ok(n)
}

/// Trains from the seeded start; returns the model and the loss before
/// each step.
pub fn train_reward(
    features: &[f64],
    inputs: usize,
    pairs: &RewardPairs,
    settings: &RewardSettings,
) -> Result<(RewardModel, Vec<f64>)> {
    check_training(features, inputs, pairs, settings)?;
    let mut model = RewardModel::init(inputs, settings.head, settings.seed);
    let mut adam = Adam::new(model.params.len(), settings.learning_rate);
    let mut losses = Vec::with_capacity(settings.steps as usize);
    for _ in 0..settings.steps {
        let (loss, grad) = model.loss_and_gradient(features, pairs, settings.l2);
        losses.push(loss);
        adam.step(&mut model.params, &grad);
    }
    Ok((model, losses))
}

#[cfg(test)]
mod tests;
