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

mod problem;
mod step;

pub use problem::{Preference, Rater, ToyProblem};
pub use step::{ToyMetrics, logit_gradient, metrics, train_step};

use rand::SeedableRng;

use crate::Error;
use crate::labs::loss::{LossKind, LossParams, evaluate};

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
mod tests;

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
mod scenario_tests;

#[cfg(test)]
mod noise_tests;
