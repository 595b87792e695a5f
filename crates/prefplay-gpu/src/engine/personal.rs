//! The personalized models' training on the engine (GPU kernels with the
//! CPU twins as the fallback), and [`EngineTrainer`], which lets
//! `prefplay_core::models::personal::fit_with` run every model's training here.

use std::cell::RefCell;

use prefplay_core::models::personal::{
    FeatureModel, MixtureState, PersonalSettings, RaterVotes, Trainer, mixture_m_steps,
    train_features, train_gpm, train_low_rank, train_mixture, train_shrinkage,
};

use super::choice::Workload;
use super::{Engine, EngineOutput};

/// Vote-steps of `steps` Adam steps over `data` (the unit of
/// [`Workload::PersonalTraining`]).
fn vote_steps(data: &RaterVotes, steps: usize) -> u64 {
    data.votes.len() as u64 * steps as u64
}

impl Engine {
    /// Adam steps of the personalized low-rank model (see
    /// [`prefplay_core::models::personal::train_low_rank`]) on this engine from
    /// `params`; a GPU error reruns them on the CPU.
    pub async fn train_low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: &[f64],
    ) -> prefplay_core::Result<EngineOutput<Vec<f64>>> {
        self.dispatch(
            Workload::PersonalTraining,
            vote_steps(data, settings.adam.steps),
            async |ctx| ctx.train_low_rank(data, settings, rank, params).await,
            || Ok(train_low_rank(data, settings, rank, params.to_vec())),
        )
        .await
    }

    /// Adam steps of the personalized shrinkage model (see
    /// [`prefplay_core::models::personal::train_shrinkage`]) on this engine from
    /// `params`; a GPU error reruns them on the CPU.
    pub async fn train_shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: &[f64],
    ) -> prefplay_core::Result<EngineOutput<Vec<f64>>> {
        self.dispatch(
            Workload::PersonalTraining,
            vote_steps(data, settings.adam.steps),
            async |ctx| ctx.train_shrinkage(data, settings, lambda, params).await,
            || Ok(train_shrinkage(data, settings, lambda, params.to_vec())),
        )
        .await
    }

    /// Adam steps of GPM (see [`prefplay_core::models::personal::train_gpm`]) on
    /// this engine from `params`; a GPU error reruns them on the CPU.
    pub async fn train_gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: &[f64],
    ) -> prefplay_core::Result<EngineOutput<Vec<f64>>> {
        self.dispatch(
            Workload::PersonalTraining,
            vote_steps(data, settings.adam.steps),
            async |ctx| ctx.train_gpm(data, settings, params).await,
            || Ok(train_gpm(data, settings, params.to_vec())),
        )
        .await
    }

    /// Adam steps of a model of item features (see
    /// [`prefplay_core::models::personal::train_features`]) on this engine from
    /// `params`; a GPU error reruns them on the CPU.
    pub async fn train_features(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        model: FeatureModel,
        params: &[f64],
    ) -> prefplay_core::Result<EngineOutput<Vec<f64>>> {
        self.dispatch(
            Workload::PersonalTraining,
            vote_steps(data, settings.adam.steps),
            async |ctx| ctx.train_features(data, settings, model, params).await,
            || Ok(train_features(data, settings, model, params.to_vec())),
        )
        .await
    }

    /// `iterations` EM rounds of the mixture (see
    /// [`prefplay_core::models::personal::train_mixture`]) on this engine from the
    /// responsibilities `resp`; a GPU error reruns them on the CPU.
    pub async fn train_mixture(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        resp: &[Vec<f64>],
        iterations: usize,
    ) -> prefplay_core::Result<EngineOutput<MixtureState>> {
        let groups = resp.first().map_or(1, Vec::len);
        let steps = iterations * mixture_m_steps(settings) * groups;
        self.dispatch(
            Workload::PersonalTraining,
            vote_steps(data, steps),
            async |ctx| ctx.train_mixture(data, settings, resp, iterations).await,
            || Ok(train_mixture(data, settings, resp.to_vec(), iterations)),
        )
        .await
    }
}

/// Runs `prefplay_core::models::personal::fit_with`'s training loops on an
/// engine and remembers which engines ran them.
#[derive(Debug)]
pub struct EngineTrainer<'a> {
    engine: &'a Engine,
    used: RefCell<Vec<String>>,
}

impl<'a> EngineTrainer<'a> {
    /// A trainer on `engine`.
    pub fn new(engine: &'a Engine) -> Self {
        Self {
            engine,
            used: RefCell::new(Vec::new()),
        }
    }

    /// Each engine that ran a training loop ("GPU: <adapter>" or "CPU",
    /// with the reason when the CPU ran), once, in first-use order.
    pub fn engines_used(&self) -> Vec<String> {
        self.used.borrow().clone()
    }

    fn note<T>(&self, output: EngineOutput<T>) -> T {
        let label = match (&output.fallback_reason, &output.choice) {
            (Some(why), _) => format!("CPU (the GPU failed: {why})"),
            (None, Some(why)) => format!("{} ({why})", output.engine),
            _ => output.engine.clone(),
        };
        let mut used = self.used.borrow_mut();
        if !used.contains(&label) {
            used.push(label);
        }
        output.value
    }
}

impl Trainer for EngineTrainer<'_> {
    async fn low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: Vec<f64>,
    ) -> prefplay_core::Result<Vec<f64>> {
        let out = self
            .engine
            .train_low_rank(data, settings, rank, &params)
            .await?;
        Ok(self.note(out))
    }

    async fn shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: Vec<f64>,
    ) -> prefplay_core::Result<Vec<f64>> {
        let out = self
            .engine
            .train_shrinkage(data, settings, lambda, &params)
            .await?;
        Ok(self.note(out))
    }

    async fn gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: Vec<f64>,
    ) -> prefplay_core::Result<Vec<f64>> {
        let out = self.engine.train_gpm(data, settings, &params).await?;
        Ok(self.note(out))
    }

    async fn features(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        model: FeatureModel,
        params: Vec<f64>,
    ) -> prefplay_core::Result<Vec<f64>> {
        let out = self
            .engine
            .train_features(data, settings, model, &params)
            .await?;
        Ok(self.note(out))
    }

    async fn mixture(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        resp: Vec<Vec<f64>>,
        iterations: usize,
    ) -> prefplay_core::Result<MixtureState> {
        let out = self
            .engine
            .train_mixture(data, settings, &resp, iterations)
            .await?;
        Ok(self.note(out))
    }
}
