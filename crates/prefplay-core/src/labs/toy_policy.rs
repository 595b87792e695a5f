//! The loss lab's toy policy: a tabular softmax policy over K responses
//! for each of P prompts, trained with any loss of [`crate::labs::loss`] against
//! a fixed reference policy — the CPU twin of `prefplay-gpu`'s policy
//! training kernels.
//!
//! π(k|p) = softmax(θ_p)_k, so a response's log-probability is
//! log π(k|p) = θ_pk − logsumexp(θ_p) and ∂ log π(k|p)/∂θ_pj = 1[j = k] − π(j|p).
//! A step is full-batch gradient descent on the mean loss over the
//! preference pairs. Responses have lengths in tokens (for SimPO, CPO,
//! ORPO and WPO); the log-probability of a response is the one categorical
//! draw's, whatever its length.
//!
//! Preferences come from a simulated rater with a known reward (Bradley–
//! Terry choices at a temperature, labels flipped with a noise rate), on
//! pairs drawn from the reference policy (offline) or from the current
//! policy (online), or from the playground's votes.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use crate::Error;
use crate::labs::loss::{LossBatch, LossKind, LossParams, LossRow, evaluate};
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

/// A training run's settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ToyConfig {
    /// Prompts P ≥ 1. Default 4.
    pub prompts: usize,
    /// Responses K ≥ 2 per prompt. Default 8.
    pub responses: usize,
    /// Scale of the reference policy's random logits (0: uniform). Default 1.
    pub reference_spread: f64,
    /// Preference pairs: the offline data set, or each step's fresh
    /// on-policy batch when `online`. Default 8.
    pub pairs: usize,
    /// Online: every step labels `pairs` fresh pairs drawn from the
    /// current policy. Offline (default): one data set drawn from the
    /// reference policy.
    pub online: bool,
    /// The simulated rater.
    pub rater: Rater,
    /// The loss. Default `sigmoid` (DPO).
    pub kind: LossKind,
    /// Its parameters.
    pub params: LossParams,
    /// Gradient-descent step size > 0. Default 1.
    pub learning_rate: f64,
    /// The seed of the problem, the data and the online draws.
    pub seed: u64,
}

impl Default for ToyConfig {
    fn default() -> Self {
        Self {
            prompts: 4,
            responses: 8,
            reference_spread: 1.0,
            pairs: 8,
            online: false,
            rater: Rater::default(),
            kind: LossKind::Sigmoid,
            params: LossParams::default(),
            learning_rate: 1.0,
            seed: 9,
        }
    }
}

/// A training run: the problem, the policy and the data as they stand.
/// It serializes whole (its random stream included), so a run paused in
/// one place resumes elsewhere exactly where it stood.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ToyRun {
    /// The settings it was made with.
    pub config: ToyConfig,
    /// The prompts, responses, reference and true reward.
    pub problem: ToyProblem,
    /// log π_ref, P × K.
    pub reference: Vec<f64>,
    /// The policy's logits θ, P × K (starting at the reference's).
    pub logits: Vec<f64>,
    /// The preferences the next step trains on.
    pub data: Vec<Preference>,
    rng: rand_pcg::Pcg64,
    /// Steps taken.
    pub steps: usize,
}

impl ToyRun {
    /// A fresh run: the problem and the offline data (or the first online
    /// batch) drawn from `config.seed`.
    pub fn new(config: ToyConfig) -> crate::Result<Self> {
        let problem = ToyProblem::random(
            config.prompts,
            config.responses,
            config.reference_spread,
            config.seed,
        )?;
        Self::with_problem(config, problem)
    }

    /// A fresh run on a given problem (e.g. a deck's items).
    pub fn with_problem(config: ToyConfig, problem: ToyProblem) -> crate::Result<Self> {
        config.params.check_for(config.kind)?;
        crate::error::check_finite_above(
            "learning_rate",
            config.learning_rate,
            0.0,
            false,
            "must be finite and > 0",
        )?;
        crate::error::check_finite_above(
            "temperature",
            config.rater.temperature,
            0.0,
            false,
            "must be finite and > 0",
        )?;
        if !(0.0..0.5).contains(&config.rater.noise) {
            return Err(Error::InvalidParameter {
                name: "noise",
                value: config.rater.noise.to_string(),
                reason: "must be in [0, 0.5)",
            });
        }
        let reference = problem.log_probs(&problem.reference_logits);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(config.seed ^ 0x5eed);
        let data = config
            .rater
            .label(&problem, &reference, config.pairs, &mut rng);
        Ok(Self {
            logits: problem.reference_logits.clone(),
            config,
            problem,
            reference,
            data,
            rng,
            steps: 0,
        })
    }

    /// Replaces the data (e.g. with the playground's votes).
    pub fn set_data(&mut self, data: Vec<Preference>) -> crate::Result<()> {
        self.problem.check(&data)?;
        let mut data = data;
        data.sort_by_key(|p| p.prompt);
        self.data = data;
        Ok(())
    }

    /// The metrics of the policy as it stands on the current data.
    pub fn metrics(&self) -> crate::Result<ToyMetrics> {
        let rows = self.problem.loss_rows(
            &self.problem.log_probs(&self.logits),
            &self.reference,
            &self.data,
        );
        let loss = evaluate(self.config.kind, &self.config.params, &rows)?.mean;
        Ok(metrics(
            &self.problem,
            &self.logits,
            &self.reference,
            &self.data,
            self.config.params.beta,
            loss,
        ))
    }

    /// Draws the next online batch from the current policy (a no-op
    /// offline). Called before each step; the GPU engine's step reads the
    /// data it leaves.
    pub fn refresh_data(&mut self) {
        if self.config.online && self.steps > 0 {
            let log_probs = self.problem.log_probs(&self.logits);
            self.data = self.config.rater.label(
                &self.problem,
                &log_probs,
                self.config.pairs,
                &mut self.rng,
            );
        }
    }

    /// One step on the CPU: refresh the data, then one gradient-descent
    /// step; returns the metrics before the step.
    pub fn step(&mut self) -> crate::Result<ToyMetrics> {
        self.refresh_data();
        let metrics = train_step(
            &self.problem,
            &mut self.logits,
            &self.reference,
            &self.data,
            self.config.kind,
            &self.config.params,
            self.config.learning_rate,
        )?;
        self.steps += 1;
        Ok(metrics)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(seed: u64) -> (ToyProblem, Vec<f64>, Vec<Preference>) {
        let problem = ToyProblem::random(3, 6, 1.0, seed).unwrap();
        let reference = problem.log_probs(&problem.reference_logits);
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let data = Rater::default().label(&problem, &reference, 40, &mut rng);
        (problem, reference, data)
    }

    #[test]
    fn the_logit_gradient_matches_finite_differences() {
        let (problem, reference, data) = setup(1);
        let mut logits = problem.reference_logits.clone();
        logits[2] += 0.7;
        for kind in [
            LossKind::Sigmoid,
            LossKind::Ipo,
            LossKind::Orpo,
            LossKind::NcaPair,
        ] {
            let params = LossParams::default();
            let (grad, _) =
                logit_gradient(&problem, &logits, &reference, &data, kind, &params).unwrap();
            let mean = |l: &[f64]| {
                let rows = problem.loss_rows(&problem.log_probs(l), &reference, &data);
                evaluate(kind, &params, &rows).unwrap().mean
            };
            for i in 0..logits.len() {
                let mut plus = logits.clone();
                let mut minus = logits.clone();
                plus[i] += 1e-6;
                minus[i] -= 1e-6;
                let numeric = (mean(&plus) - mean(&minus)) / 2e-6;
                assert!(
                    (numeric - grad[i]).abs() < 1e-7,
                    "{} θ{i}: {numeric} vs {}",
                    kind.name(),
                    grad[i]
                );
            }
        }
    }

    #[test]
    fn dpo_training_fits_the_preferences_and_raises_the_true_reward() {
        let (problem, reference, data) = setup(2);
        let mut logits = problem.reference_logits.clone();
        let params = LossParams {
            beta: 0.5,
            ..LossParams::default()
        };
        let first = train_step(
            &problem,
            &mut logits,
            &reference,
            &data,
            LossKind::Sigmoid,
            &params,
            1.0,
        )
        .unwrap();
        let mut last = first;
        for _ in 0..300 {
            last = train_step(
                &problem,
                &mut logits,
                &reference,
                &data,
                LossKind::Sigmoid,
                &params,
                1.0,
            )
            .unwrap();
        }
        assert!(last.loss < first.loss);
        assert!(last.preference_accuracy > 0.8, "{last:?}");
        assert!(last.true_reward > first.true_reward, "{first:?} → {last:?}");
        assert!(first.kl.abs() < 1e-12 && last.kl > 0.1);
    }

    #[test]
    fn bad_preferences_are_refused() {
        let (problem, reference, _) = setup(3);
        let bad = [Preference {
            prompt: 0,
            chosen: 1,
            rejected: 1,
        }];
        let mut logits = problem.reference_logits.clone();
        let err = train_step(
            &problem,
            &mut logits,
            &reference,
            &bad,
            LossKind::Sigmoid,
            &LossParams::default(),
            0.1,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("row 1"), "{err}");
    }
}

/// Steps the scenario (9) page runs.
pub const SCENARIO_NINE_STEPS: usize = 1500;

impl ToyConfig {
    /// Scenario (9): 4 prompts × 8 responses, 8 offline pairs (two per
    /// prompt), β = 0.5, step size 1.
    pub fn scenario_nine() -> Self {
        Self {
            params: LossParams {
                beta: 0.5,
                ..LossParams::default()
            },
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod scenario_tests {
    use super::*;

    fn run(config: ToyConfig, steps: usize) -> ToyMetrics {
        let mut run = ToyRun::new(config).unwrap();
        for _ in 0..steps {
            run.step().unwrap();
        }
        run.metrics().unwrap()
    }

    /// Scenario (9)'s claims, on [`ToyConfig::scenario_nine`].
    #[test]
    fn scenario_nine_dpo_goes_deterministic_ipo_stays_and_online_helps() {
        let base = ToyConfig::scenario_nine();
        let steps = SCENARIO_NINE_STEPS;
        let dpo = run(base, steps);
        let ipo = run(
            ToyConfig {
                kind: LossKind::Ipo,
                ..base
            },
            steps,
        );
        let online = run(
            ToyConfig {
                online: true,
                ..base
            },
            steps,
        );
        assert!(dpo.max_probability > 0.8 && dpo.kl > 1.0, "DPO {dpo:?}");
        assert!(ipo.max_probability < 0.5 && ipo.kl < 0.15, "IPO {ipo:?}");
        // DPO's KL keeps growing (its loss has no minimum at finite
        // logits); IPO's has converged.
        let dpo_later = run(base, 2 * steps);
        let ipo_later = run(
            ToyConfig {
                kind: LossKind::Ipo,
                ..base
            },
            2 * steps,
        );
        assert!(dpo_later.kl > dpo.kl + 0.02, "{dpo:?} → {dpo_later:?}");
        assert!(
            (ipo_later.kl - ipo.kl).abs() < 1e-3,
            "{ipo:?} → {ipo_later:?}"
        );
        assert!(
            online.true_reward > dpo.true_reward + 0.3,
            "online {online:?} vs offline {dpo:?}"
        );
    }
}

#[cfg(test)]
mod noise_tests {
    use super::*;

    /// Under flipped labels, robust DPO told the flip rate ends with a
    /// higher true reward than DPO, on average over five problems (it
    /// loses on some single seeds: seed 3 at 30% noise).
    #[test]
    fn robust_dpo_beats_dpo_under_label_noise_on_average() {
        for noise in [0.3, 0.4] {
            let (mut dpo, mut rdpo) = (0.0, 0.0);
            for seed in 1..=5 {
                let base = ToyConfig {
                    pairs: 64,
                    seed,
                    rater: Rater {
                        noise,
                        ..Rater::default()
                    },
                    params: LossParams {
                        beta: 0.5,
                        ..LossParams::default()
                    },
                    ..ToyConfig::default()
                };
                for (kind, eps, total) in [
                    (LossKind::Sigmoid, 0.0, &mut dpo),
                    (LossKind::Robust, noise, &mut rdpo),
                ] {
                    let params = LossParams {
                        label_smoothing: eps,
                        ..base.params
                    };
                    let mut run = ToyRun::new(ToyConfig {
                        kind,
                        params,
                        ..base
                    })
                    .unwrap();
                    for _ in 0..500 {
                        run.step().unwrap();
                    }
                    *total += run.metrics().unwrap().true_reward / 5.0;
                }
            }
            assert!(
                rdpo > dpo + 0.05,
                "noise {noise}: DPO {dpo:.3}, rDPO {rdpo:.3}"
            );
        }
    }

    #[test]
    fn a_run_serialized_mid_way_resumes_exactly_where_it_stood() {
        let config = ToyConfig {
            online: true,
            ..ToyConfig::default()
        };
        let mut straight = ToyRun::new(config).unwrap();
        let mut paused = ToyRun::new(config).unwrap();
        for _ in 0..7 {
            straight.step().unwrap();
            paused.step().unwrap();
        }
        let json = serde_json::to_string(&paused).unwrap();
        let mut resumed: ToyRun = serde_json::from_str(&json).unwrap();
        assert_eq!(resumed, paused);
        for _ in 0..9 {
            straight.step().unwrap();
            resumed.step().unwrap();
        }
        assert_eq!(resumed.logits, straight.logits);
        assert_eq!(resumed.data, straight.data);
    }
}
