//! The toy problem: prompts, responses, the reference policy, the true
//! reward, and the simulated rater who labels pairs.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use crate::Error;
use crate::labs::loss::LossRow;
use crate::numerics::sigmoid;

/// A preference: on `prompt`, response `chosen` was preferred to `rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preference {
    /// The prompt's index.
    pub prompt: u32,
    /// The preferred response.
    pub chosen: u32,
    /// The other response.
    pub rejected: u32,
}

/// Prompts, responses, the reference policy and the true reward.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ToyProblem {
    /// P ≥ 1.
    pub prompts: usize,
    /// K ≥ 2 responses per prompt.
    pub responses: usize,
    /// The reference policy's logits, P × K row-major.
    pub reference_logits: Vec<f64>,
    /// The rater's reward of each (prompt, response), P × K.
    pub true_reward: Vec<f64>,
    /// Each response's length in tokens (> 0), P × K.
    pub lengths: Vec<f64>,
}

impl ToyProblem {
    /// A random problem: rewards and reference logits standard normal
    /// (the reference's logits scaled by `reference_spread`), lengths
    /// uniform in 1–20 tokens.
    pub fn random(
        prompts: usize,
        responses: usize,
        reference_spread: f64,
        seed: u64,
    ) -> crate::Result<Self> {
        if prompts == 0 || responses < 2 || prompts * responses > 1 << 20 {
            return Err(Error::InvalidParameter {
                name: "responses",
                value: format!("{prompts} prompts × {responses} responses"),
                reason: "needs ≥ 1 prompt, ≥ 2 responses and at most 2²⁰ cells",
            });
        }
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let cells = prompts * responses;
        let mut normal = || -> f64 { StandardNormal.sample(&mut rng) };
        let true_reward = (0..cells).map(|_| normal()).collect();
        let reference_logits = (0..cells).map(|_| reference_spread * normal()).collect();
        let lengths = (0..cells)
            .map(|_| f64::from(rng.random_range(1..=20u32)))
            .collect();
        Ok(Self {
            prompts,
            responses,
            reference_logits,
            true_reward,
            lengths,
        })
    }

    /// One prompt whose responses are a deck's items, a uniform reference
    /// and no known reward (zeros): for training on the playground's votes.
    pub fn from_items(responses: usize) -> crate::Result<Self> {
        let mut problem = Self::random(1, responses, 0.0, 0)?;
        problem.true_reward.iter_mut().for_each(|r| *r = 0.0);
        problem.lengths.iter_mut().for_each(|l| *l = 1.0);
        Ok(problem)
    }

    /// log π(k|p) for every cell of `logits` (P × K).
    pub fn log_probs(&self, logits: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(logits.len());
        for row in logits.chunks(self.responses) {
            let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let lse = max + row.iter().map(|&x| (x - max).exp()).sum::<f64>().ln();
            out.extend(row.iter().map(|&x| x - lse));
        }
        out
    }

    /// Checks that every preference names a prompt and two distinct
    /// responses of this problem.
    pub fn check(&self, data: &[Preference]) -> crate::Result<()> {
        for (i, p) in data.iter().enumerate() {
            let ok = (p.prompt as usize) < self.prompts
                && (p.chosen as usize) < self.responses
                && (p.rejected as usize) < self.responses
                && p.chosen != p.rejected;
            if !ok {
                return Err(Error::InvalidRow {
                    row: i + 1,
                    field: "preference",
                    value: format!("{p:?}"),
                    reason: "needs a prompt and two different responses of the problem",
                });
            }
        }
        Ok(())
    }

    /// The loss rows of `data` under a policy's and the reference's
    /// log-probabilities.
    pub fn loss_rows(
        &self,
        log_probs: &[f64],
        ref_log_probs: &[f64],
        data: &[Preference],
    ) -> Vec<LossRow> {
        let k = self.responses;
        data.iter()
            .map(|p| {
                let (w, l) = (
                    p.prompt as usize * k + p.chosen as usize,
                    p.prompt as usize * k + p.rejected as usize,
                );
                LossRow {
                    policy_chosen: log_probs[w],
                    policy_rejected: log_probs[l],
                    ref_chosen: ref_log_probs[w],
                    ref_rejected: ref_log_probs[l],
                    chosen_len: self.lengths[w],
                    rejected_len: self.lengths[l],
                    label: None,
                }
            })
            .collect()
    }
}

/// The simulated rater: P(a ≻ b) = σ((reward_a − reward_b)/temperature),
/// then the label flipped with probability `noise`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rater {
    /// > 0; small is a near-deterministic rater. Default 0.5.
    pub temperature: f64,
    /// Label-flip rate in [0, 0.5). Default 0.
    pub noise: f64,
}

impl Default for Rater {
    fn default() -> Self {
        Self {
            temperature: 0.5,
            noise: 0.0,
        }
    }
}

impl Rater {
    /// `n` preferences on pairs of distinct responses drawn from the
    /// policy with log-probabilities `log_probs` (the reference for
    /// offline data, the current policy for online data), prompts uniform.
    pub fn label(
        &self,
        problem: &ToyProblem,
        log_probs: &[f64],
        n: usize,
        rng: &mut impl Rng,
    ) -> Vec<Preference> {
        let k = problem.responses;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let prompt = rng.random_range(0..problem.prompts);
            let probs: Vec<f64> = log_probs[prompt * k..(prompt + 1) * k]
                .iter()
                .map(|l| l.exp())
                .collect();
            let a = draw(&probs, None, rng);
            let b = draw(&probs, Some(a), rng);
            let reward = |i: usize| problem.true_reward[prompt * k + i];
            let p_a = sigmoid((reward(a) - reward(b)) / self.temperature);
            let mut a_wins = rng.random::<f64>() < p_a;
            if rng.random::<f64>() < self.noise {
                a_wins = !a_wins;
            }
            let (chosen, rejected) = if a_wins { (a, b) } else { (b, a) };
            out.push(Preference {
                prompt: prompt as u32,
                chosen: chosen as u32,
                rejected: rejected as u32,
            });
        }
        // Sorted by prompt, the order the GPU step keeps them in (AOT's
        // ties are broken by row order).
        out.sort_by_key(|p| p.prompt);
        out
    }
}

/// A draw from `probs`, excluding `except` (renormalised).
fn draw(probs: &[f64], except: Option<usize>, rng: &mut impl Rng) -> usize {
    let mass: f64 = probs
        .iter()
        .enumerate()
        .filter(|&(i, _)| Some(i) != except)
        .map(|(_, p)| p)
        .sum();
    let mut u = rng.random::<f64>() * mass;
    let mut last = 0;
    for (i, &p) in probs.iter().enumerate() {
        if Some(i) == except {
            continue;
        }
        last = i;
        if u < p {
            return i;
        }
        u -= p;
    }
    last
}
