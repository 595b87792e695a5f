//! Who runs the models' training loops: [`CpuTrainer`] (the f64 twins in
//! this crate) or another implementation of [`Trainer`] such as
//! `prefplay-gpu`'s engine, injected into [`fit_with`](super::fit_with).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::data::RaterVotes;
use super::feature_models::{FeatureModel, train_features};
use super::fits::PersonalSettings;
use super::loops::{train_gpm, train_low_rank, train_shrinkage};
use super::mixture::{MixtureState, train_mixture};
use crate::Result;

/// Runs `settings.adam.steps` Adam steps (the mixture: `iterations` EM
/// rounds) of a model from the given start, as the CPU twins in this
/// module define them.
#[allow(async_fn_in_trait)]
pub trait Trainer {
    /// [`train_low_rank`].
    async fn low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: Vec<f64>,
    ) -> Result<Vec<f64>>;
    /// [`train_shrinkage`].
    async fn shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: Vec<f64>,
    ) -> Result<Vec<f64>>;
    /// [`train_gpm`].
    async fn gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: Vec<f64>,
    ) -> Result<Vec<f64>>;
    /// [`train_features`].
    async fn features(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        model: FeatureModel,
        params: Vec<f64>,
    ) -> Result<Vec<f64>>;
    /// [`train_mixture`].
    async fn mixture(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        resp: Vec<Vec<f64>>,
        iterations: usize,
    ) -> Result<MixtureState>;
}

/// The f64 CPU twins.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTrainer;

impl Trainer for CpuTrainer {
    async fn low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: Vec<f64>,
    ) -> Result<Vec<f64>> {
        Ok(train_low_rank(data, settings, rank, params))
    }

    async fn shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: Vec<f64>,
    ) -> Result<Vec<f64>> {
        Ok(train_shrinkage(data, settings, lambda, params))
    }

    async fn gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: Vec<f64>,
    ) -> Result<Vec<f64>> {
        Ok(train_gpm(data, settings, params))
    }

    async fn features(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        model: FeatureModel,
        params: Vec<f64>,
    ) -> Result<Vec<f64>> {
        Ok(train_features(data, settings, model, params))
    }

    async fn mixture(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        resp: Vec<Vec<f64>>,
        iterations: usize,
    ) -> Result<MixtureState> {
        Ok(train_mixture(data, settings, resp, iterations))
    }
}

/// Runs a future that never waits (the CPU trainer's) to its end.
pub(super) fn run_ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}
