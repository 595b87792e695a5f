//! Reward training and loss sweeps on an engine: the GPU kernels when
//! the engine picks the GPU, the CPU twins otherwise or after a GPU error.

use prefplay_core::loss_sweep::{MarginLoss, loss_sweep};
use prefplay_core::reward_model::{
    RewardHead, RewardModel, RewardPairs, RewardSettings, train_reward,
};

use super::choice::Workload;
use super::{Engine, EngineOutput};

/// Flops of training `settings.steps` Adam steps (the unit of
/// [`Workload::RewardTraining`]): 4·n·d·h + 40·pairs per step.
fn training_flops(n_items: usize, inputs: usize, pairs: usize, settings: &RewardSettings) -> u64 {
    let hidden = match settings.head {
        RewardHead::Linear => 1,
        RewardHead::Mlp { hidden } => hidden,
    };
    let per_step = 4 * n_items * inputs * hidden + 40 * pairs;
    per_step as u64 * u64::from(settings.steps)
}

impl Engine {
    /// Trains a reward model (see [`prefplay_core::reward_model`]) on this
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

    /// A loss sweep (see [`prefplay_core::loss_sweep`]) on this engine; a
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
}
