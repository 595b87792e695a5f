//! Reward training, loss sweeps, preference losses and toy policy
//! training on an engine: the GPU kernels when
//! the engine picks the GPU, the CPU twins otherwise or after a GPU error.

use prefplay_core::labs::loss::{LossBatch, LossKind, LossParams, LossRow, evaluate};
use prefplay_core::labs::loss_sweep::{MarginLoss, loss_sweep};
use prefplay_core::labs::toy_policy::{Preference, ToyProblem, train_step};
use prefplay_core::models::reward_model::{
    RewardHead, RewardModel, RewardPairs, RewardSettings, train_reward,
};

use super::choice::Workload;
use super::{Engine, EngineOutput};

/// Flops of training `settings.steps` Adam steps (the unit of
/// [`Workload::RewardTraining`]): 4·n·d·h + 40·pairs per step.
pub(super) fn training_flops(
    n_items: usize,
    inputs: usize,
    pairs: usize,
    settings: &RewardSettings,
) -> u64 {
    let hidden = match settings.head {
        RewardHead::Linear => 1,
        RewardHead::Mlp { hidden } => hidden,
    };
    let per_step = 4 * n_items * inputs * hidden + 40 * pairs;
    per_step as u64 * u64::from(settings.steps)
}

impl Engine {
    /// Trains a reward model (see [`prefplay_core::models::reward_model`]) on this
    /// engine; a GPU error reruns the training on the CPU.
    pub async fn train_reward(
        &self,
        features: &[f64],
        inputs: usize,
        pairs: &RewardPairs,
        settings: &RewardSettings,
    ) -> prefplay_core::Result<EngineOutput<RewardModel>> {
        let n_items = features.len() / inputs.max(1);
        let work = training_flops(n_items, inputs, pairs.len(), settings);
        self.dispatch(
            Workload::RewardTraining,
            work,
            async |ctx| ctx.train_reward(features, inputs, pairs, settings).await,
            || Ok(train_reward(features, inputs, pairs, settings)?.0),
        )
        .await
    }

    /// A loss sweep (see [`prefplay_core::labs::loss_sweep`]) on this engine; a
    /// GPU error reruns it on the CPU.
    pub async fn loss_sweep(
        &self,
        loss: MarginLoss,
        margins: &[f64],
        betas: &[f64],
        epsilon: f64,
    ) -> prefplay_core::Result<EngineOutput<Vec<(f64, f64)>>> {
        let work = margins.len() as u64 * betas.len() as u64;
        self.dispatch(
            Workload::LossSweep,
            work,
            async |ctx| ctx.loss_sweep(loss, margins, betas, epsilon).await,
            || loss_sweep(loss, margins, betas, epsilon),
        )
        .await
    }

    /// Every row's preference loss and gradients (see
    /// [`prefplay_core::labs::loss`]) on this engine; a GPU error reruns them
    /// on the CPU.
    pub async fn preference_losses(
        &self,
        kind: LossKind,
        params: &LossParams,
        rows: &[LossRow],
    ) -> prefplay_core::Result<EngineOutput<LossBatch>> {
        self.dispatch(
            Workload::LossSweep,
            rows.len() as u64,
            async |ctx| ctx.preference_losses(kind, params, rows).await,
            || evaluate(kind, params, rows),
        )
        .await
    }

    /// `steps` gradient-descent steps of the toy policy (see
    /// [`prefplay_core::labs::toy_policy::train_step`]) on this engine, from
    /// `logits`; returns the logits after them. A GPU error reruns the
    /// steps on the CPU.
    #[allow(clippy::too_many_arguments)]
    pub async fn train_toy_policy(
        &self,
        problem: &ToyProblem,
        logits: &[f64],
        reference: &[f64],
        data: &[Preference],
        kind: LossKind,
        params: &LossParams,
        learning_rate: f64,
        steps: usize,
    ) -> prefplay_core::Result<EngineOutput<Vec<f64>>> {
        let work = data.len() as u64 * steps as u64;
        self.dispatch(
            Workload::PolicyTraining,
            work,
            async |ctx| {
                ctx.train_toy_policy(
                    problem,
                    logits,
                    reference,
                    data,
                    kind,
                    params,
                    learning_rate,
                    steps,
                )
                .await
            },
            || {
                let mut logits = logits.to_vec();
                for _ in 0..steps {
                    train_step(
                        problem,
                        &mut logits,
                        reference,
                        data,
                        kind,
                        params,
                        learning_rate,
                    )?;
                }
                Ok(logits)
            },
        )
        .await
    }
}
