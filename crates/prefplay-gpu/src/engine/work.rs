//! Reward training and loss sweeps on an engine: the GPU kernels when
//! the engine picks the GPU, the CPU twins otherwise or after a GPU error.

use prefplay_core::loss_sweep::{MarginLoss, loss_sweep};
use prefplay_core::reward_model::{
    RewardHead, RewardModel, RewardPairs, RewardSettings, train_reward,
};

use super::choice::Workload;
use super::{Engine, gpu_label};
use crate::GpuError;

/// A result and the engine that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineOutput<T> {
    /// The result.
    pub value: T,
    /// "GPU: <adapter name>" or "CPU".
    pub engine: String,
    /// Why the CPU ran although the GPU was tried (a GPU error), if it did.
    pub fallback_reason: Option<String>,
    /// Why `Auto` chose the CPU, if it did.
    pub choice: Option<String>,
}

impl<T> EngineOutput<T> {
    fn cpu(value: T, fallback_reason: Option<String>, choice: Option<String>) -> Self {
        Self {
            value,
            engine: "CPU".into(),
            fallback_reason,
            choice,
        }
    }
}

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
        let (mut fallback, mut choice) = (None, None);
        match self.gpu_for(Workload::RewardTraining, work) {
            Ok(ctx) => match ctx.train_reward(features, inputs, pairs, settings).await {
                Ok(model) => {
                    return Ok(EngineOutput {
                        value: model,
                        engine: gpu_label(ctx),
                        fallback_reason: None,
                        choice: None,
                    });
                }
                Err(GpuError::Core(e)) => return Err(e),
                Err(e) => fallback = Some(e.to_string()),
            },
            Err(why) => choice = why,
        }
        let (model, _) = train_reward(features, inputs, pairs, settings)?;
        Ok(EngineOutput::cpu(model, fallback, choice))
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
        let (mut fallback, mut choice) = (None, None);
        match self.gpu_for(Workload::LossSweep, work) {
            Ok(ctx) => match ctx.loss_sweep(loss, margins, betas, epsilon).await {
                Ok(value) => {
                    return Ok(EngineOutput {
                        value,
                        engine: gpu_label(ctx),
                        fallback_reason: None,
                        choice: None,
                    });
                }
                Err(GpuError::Core(e)) => return Err(e),
                Err(e) => fallback = Some(e.to_string()),
            },
            Err(why) => choice = why,
        }
        let value = loss_sweep(loss, margins, betas, epsilon)?;
        Ok(EngineOutput::cpu(value, fallback, choice))
    }
}
