//! Fitting a model: its hyperparameter chosen on an inner split of the
//! training votes, its training loops run by a [`Trainer`] (the CPU twins
//! by default, the GPU engine when `prefplay-gpu` injects it).

use super::data::{RaterVotes, split_within_raters};
use super::feature_models::{FeatureModel, feature_start, features_from_params};
use super::fits::{
    FEATURE_HIDDEN, Fitted, PersonalKind, PersonalSettings, data_term, metrics, penalty,
};
use super::loops::{gpm_start, low_rank_from_params, low_rank_start};
use super::mixture::{EM_ITERATIONS, EM_RESTARTS, MixtureState, mixture_start};
use super::trainer::{CpuTrainer, Trainer, run_ready};
use super::{MAX_GROUPS, MAX_RANK, SHRINKAGE_GRID};
use crate::models::adam::{AdamSettings, adam};
use crate::{Error, Result};

/// Fits `kind` on `data` on the CPU.
pub fn fit(kind: PersonalKind, data: &RaterVotes, settings: &PersonalSettings) -> Result<Fitted> {
    run_ready(fit_with(kind, data, settings, &CpuTrainer))
}

/// Fits `kind` on `data`, its training loops run by `trainer`.
pub async fn fit_with(
    kind: PersonalKind,
    data: &RaterVotes,
    settings: &PersonalSettings,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    if data.items.len() < 2 {
        return Err(Error::InvalidParameter {
            name: "items",
            value: data.items.len().to_string(),
            reason: "needs at least two items",
        });
    }
    if settings.gpm_dims == 0 || settings.gpm_dims % 2 == 1 {
        return Err(Error::InvalidParameter {
            name: "gpm_dims",
            value: settings.gpm_dims.to_string(),
            reason: "must be even and > 0",
        });
    }
    let t = trainer;
    match kind {
        PersonalKind::Bt => Ok(fit_pooled(data, settings)),
        PersonalKind::Gpm => fit_gpm(data, settings, t).await,
        PersonalKind::Shrinkage => {
            let fit_one = async |d: &RaterVotes, l: &f64, s: &PersonalSettings| {
                fit_shrinkage(d, s, *l, t).await
            };
            let lambda = choose(data, settings, &SHRINKAGE_GRID, fit_one).await?;
            let mut fitted = fit_shrinkage(data, settings, lambda, t).await?;
            set_chosen(&mut fitted, format!("λ = {lambda}"));
            Ok(fitted)
        }
        PersonalKind::LowRank => {
            let ranks: Vec<usize> = (1..=MAX_RANK).collect();
            let fit_one = async |d: &RaterVotes, k: &usize, s: &PersonalSettings| {
                fit_low_rank(d, s, *k, t).await
            };
            let k = choose(data, settings, &ranks, fit_one).await?;
            fit_low_rank(data, settings, k, t).await
        }
        PersonalKind::Features => {
            if data.feature_names.is_empty() {
                return Err(Error::InvalidParameter {
                    name: "model",
                    value: kind.name().to_string(),
                    reason: "needs item features (a deck with f_ columns, or colours)",
                });
            }
            let grid = [
                (1.0, 0),
                (10.0, 0),
                (1.0, FEATURE_HIDDEN),
                (10.0, FEATURE_HIDDEN),
            ];
            let head = |lambda, hidden| FeatureModel::Head { lambda, hidden };
            let fit_one = async |d: &RaterVotes, &(l, h): &(f64, usize), s: &PersonalSettings| {
                fit_features(d, s, head(l, h), t).await
            };
            let (lambda, hidden) = choose(data, settings, &grid, fit_one).await?;
            let mut fitted = fit_features(data, settings, head(lambda, hidden), t).await?;
            let head = if hidden > 0 {
                format!("tanh layer of {hidden}")
            } else {
                "linear".to_string()
            };
            set_chosen(&mut fitted, format!("λ = {lambda}, {head}"));
            Ok(fitted)
        }
        PersonalKind::IdealPoints => {
            let sizes: Vec<usize> = (1..=MAX_GROUPS - 1).collect();
            let pal = |prototypes| FeatureModel::IdealPoints { prototypes };
            let fit_one = async |d: &RaterVotes, k: &usize, s: &PersonalSettings| {
                fit_features(d, s, pal(*k), t).await
            };
            let k = choose(data, settings, &sizes, fit_one).await?;
            let mut fitted = fit_features(data, settings, pal(k), t).await?;
            set_chosen(&mut fitted, format!("K = {k} prototypes"));
            Ok(fitted)
        }
        PersonalKind::Mixture => {
            let sizes: Vec<usize> = (1..=MAX_GROUPS).collect();
            let fit_one = async |d: &RaterVotes, k: &usize, s: &PersonalSettings| {
                fit_mixture(d, s, *k, t).await
            };
            let k = choose(data, settings, &sizes, fit_one).await?;
            fit_mixture(data, settings, k, t).await
        }
    }
}

fn set_chosen(fitted: &mut Fitted, text: String) {
    if let Fitted::PerRater { chosen, .. } = fitted {
        *chosen = text;
    }
}

/// The candidate whose fit on an inner split of `data` (a share of each
/// rater's votes held out), with half the Adam steps, has the lowest
/// held-out log-loss; ties go to the first (simplest) candidate.
async fn choose<T: Copy>(
    data: &RaterVotes,
    settings: &PersonalSettings,
    candidates: &[T],
    fit_one: impl AsyncFn(&RaterVotes, &T, &PersonalSettings) -> Result<Fitted>,
) -> Result<T> {
    let (inner_train, inner_test) =
        split_within_raters(data, settings.inner_holdout, settings.seed ^ 0x1a2b)?;
    // Choosing needs the candidates' order, not their last digits: half
    // the steps.
    let quick = PersonalSettings {
        adam: AdamSettings {
            steps: (settings.adam.steps / 2).max(1),
            ..settings.adam
        },
        ..*settings
    };
    let mut best = (f64::INFINITY, candidates[0]);
    for c in candidates {
        let loss = metrics(&fit_one(&inner_train, c, &quick).await?, &inner_test).log_loss;
        if loss < best.0 - 1e-9 {
            best = (loss, *c);
        }
    }
    Ok(best.1)
}

/// Pooled BT (always on the CPU: one score per item).
fn fit_pooled(data: &RaterVotes, settings: &PersonalSettings) -> Fitted {
    let n = data.items.len();
    let mut theta = vec![0.0; n];
    adam(&mut theta, settings.adam, |p, g, need| {
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v, p| p[v.a as usize] - p[v.b as usize],
            |v, s, _, g| {
                g[v.a as usize] += s;
                g[v.b as usize] -= s;
            },
        );
        loss + penalty(p, g, 0..n, settings.l2, data.votes.len())
    });
    Fitted::Pooled { scores: theta }
}

async fn fit_shrinkage(
    data: &RaterVotes,
    settings: &PersonalSettings,
    lambda: f64,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    let (n, r) = (data.items.len(), data.raters.len());
    let start = vec![0.0; n * (r + 1)];
    let params = trainer.shrinkage(data, settings, lambda, start).await?;
    let scores = (0..r * n).map(|k| params[k % n] + params[n + k]).collect();
    Ok(Fitted::PerRater {
        scores,
        n_items: n,
        chosen: String::new(),
    })
}

async fn fit_low_rank(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    if !data.feature_names.is_empty() {
        return fit_features(data, settings, FeatureModel::LowRank { rank: k }, trainer).await;
    }
    let start = low_rank_start(data, settings, k);
    let params = trainer.low_rank(data, settings, k, start).await?;
    Ok(low_rank_from_params(data.items.len(), k, &params))
}

async fn fit_features(
    data: &RaterVotes,
    settings: &PersonalSettings,
    model: FeatureModel,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    let start = feature_start(data, settings, model);
    let params = trainer.features(data, settings, model, start).await?;
    Ok(features_from_params(data, model, &params))
}

/// The best of [`EM_RESTARTS`] EM runs by training likelihood.
async fn fit_mixture(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    let mut best: Option<MixtureState> = None;
    for restart in 0..EM_RESTARTS {
        let start = mixture_start(data, settings, k, restart);
        let state = trainer
            .mixture(data, settings, start, EM_ITERATIONS)
            .await?;
        if best
            .as_ref()
            .is_none_or(|b| state.log_likelihood > b.log_likelihood)
        {
            best = Some(state);
        }
    }
    Ok(best.map_or(
        Fitted::Pooled {
            scores: vec![0.0; data.items.len()],
        },
        |b| Fitted::Mixture {
            groups: b.groups,
            responsibilities: b.responsibilities,
        },
    ))
}

async fn fit_gpm(
    data: &RaterVotes,
    settings: &PersonalSettings,
    trainer: &impl Trainer,
) -> Result<Fitted> {
    let params = trainer
        .gpm(data, settings, gpm_start(data, settings))
        .await?;
    Ok(Fitted::Gpm {
        embeddings: params,
        dims: settings.gpm_dims,
    })
}
