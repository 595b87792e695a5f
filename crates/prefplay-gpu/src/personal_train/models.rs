//! The personalized models' GPU training entry points: each builds its
//! [`Shape`] and schedule for the shared driver in `mod.rs`. All train in
//! `f32` from the given start and return the parameters after
//! `settings.adam.steps` Adam steps (the mixture: after EM).

use prefplay_core::models::personal::{
    FeatureModel, MixtureState, PAL_DIMS, PersonalSettings, RaterVotes, mixture_m_steps,
    standardise,
};

use super::{Kernel, Shape, Step};
use crate::{GpuContext, GpuError};

/// Most mixture groups the E-step kernel holds (`MAX_GROUPS` in
/// `mixture_common.wgsl`).
pub const MIXTURE_MAX_GROUPS: usize = 8;

impl GpuContext {
    /// `settings.adam.steps` Adam steps of the rank-`rank` model from
    /// `params` (laid out as `low_rank_start`'s) on the GPU in `f32`;
    /// returns the parameters after them.
    pub async fn train_low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, r) = (data.items.len(), data.raters.len());
        let shape = Shape {
            rank,
            penalty: settings.basis_l2,
            n_params: n + n * rank + r * rank,
            ..Shape::default()
        };
        let schedule = [Step::Run {
            repeat: settings.adam.steps,
            kernels: &[
                Kernel::LowRankSlopes,
                Kernel::LowRankItemGrad,
                Kernel::LowRankRaterGrad,
                Kernel::Adam,
            ],
        }];
        self.train_personal(data, settings, &shape, params, &schedule)
            .await
            .map(|t| t.params)
    }

    /// `settings.adam.steps` Adam steps of the shrinkage model (strength
    /// `lambda`) from `params` = [θ̄ (N) | δ (R × N)] on the GPU in `f32`.
    pub async fn train_shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, r) = (data.items.len(), data.raters.len());
        let shape = Shape {
            penalty: lambda,
            n_params: n * (r + 1),
            ..Shape::default()
        };
        let schedule = [Step::Run {
            repeat: settings.adam.steps,
            kernels: &[Kernel::ShrinkageSlopes, Kernel::ShrinkageGrad, Kernel::Adam],
        }];
        self.train_personal(data, settings, &shape, params, &schedule)
            .await
            .map(|t| t.params)
    }

    /// `settings.adam.steps` Adam steps of GPM (embedding dimension
    /// `settings.gpm_dims`) from `params` (N × D) on the GPU in `f32`.
    pub async fn train_gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, d) = (data.items.len(), settings.gpm_dims);
        if d == 0 || d % 2 == 1 {
            return Err(GpuError::TooLarge(format!(
                "GPM needs an even embedding dimension, not {d}"
            )));
        }
        let shape = Shape {
            rank: d,
            n_params: n * d,
            ..Shape::default()
        };
        let schedule = [Step::Run {
            repeat: settings.adam.steps,
            kernels: &[Kernel::GpmSlopes, Kernel::GpmItemGrad, Kernel::Adam],
        }];
        self.train_personal(data, settings, &shape, params, &schedule)
            .await
            .map(|t| t.params)
    }

    /// `settings.adam.steps` Adam steps of a model of item features from
    /// `params` (laid out as `feature_start`'s) on the GPU in `f32`: each
    /// step expands the model into its item-space view, differentiates
    /// the view with the low-rank kernels and projects the gradient back.
    pub async fn train_features(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        model: FeatureModel,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, d, r) = (
            data.items.len(),
            data.feature_names.len(),
            data.raters.len(),
        );
        let (rank, units, code, penalty) = match model {
            FeatureModel::Head { lambda, hidden } => {
                (if hidden > 0 { hidden } else { d }, hidden, 1, lambda)
            }
            FeatureModel::IdealPoints { prototypes } => {
                (PAL_DIMS, prototypes, 2, settings.basis_l2)
            }
            FeatureModel::LowRank { rank } => (rank, 0, 3, settings.basis_l2),
        };
        if d == 0 && !matches!(model, FeatureModel::IdealPoints { .. }) {
            return Err(GpuError::TooLarge(
                "this model needs item features and the items have none".into(),
            ));
        }
        if units == 0 && matches!(model, FeatureModel::IdealPoints { .. }) {
            return Err(GpuError::TooLarge(
                "PAL needs at least one prototype".into(),
            ));
        }
        let shape = Shape {
            rank,
            units,
            model: code,
            penalty,
            features: standardise(&data.features, d)
                .into_iter()
                .map(|x| x as f32)
                .collect(),
            n_features: d,
            view_len: n + n * rank + r * rank,
            n_params: model.n_params(data),
            ..Shape::default()
        };
        let schedule = [Step::Run {
            repeat: settings.adam.steps,
            kernels: &[
                Kernel::FeaturesExpand,
                Kernel::LowRankSlopes,
                Kernel::LowRankItemGrad,
                Kernel::LowRankRaterGrad,
                Kernel::FeaturesProject,
                Kernel::Adam,
            ],
        }];
        self.train_personal(data, settings, &shape, params, &schedule)
            .await
            .map(|t| t.params)
    }

    /// `iterations` rounds of EM from the responsibilities `resp` (R × K,
    /// K ≤ [`MIXTURE_MAX_GROUPS`]) on the GPU in `f32`: each runs the group
    /// totals, `mixture_m_steps(settings)` Adam steps from
    /// fresh state, and the E step, all in one submission.
    pub async fn train_mixture(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        resp: &[Vec<f64>],
        iterations: usize,
    ) -> Result<MixtureState, GpuError> {
        let (n, r) = (data.items.len(), data.raters.len());
        let k = resp.first().map_or(0, Vec::len);
        if resp.len() != r || k == 0 || k > MIXTURE_MAX_GROUPS || resp.iter().any(|x| x.len() != k)
        {
            return Err(GpuError::TooLarge(format!(
                "the mixture needs R × K responsibilities with 1 ≤ K ≤ {MIXTURE_MAX_GROUPS}"
            )));
        }
        let shape = Shape {
            rank: k,
            slopes_per_vote: k,
            resp: resp.iter().flatten().map(|&x| x as f32).collect(),
            n_params: k * n,
            ..Shape::default()
        };
        let round = [
            Step::FreshAdam,
            Step::Run {
                repeat: 1,
                kernels: &[Kernel::MixtureTotals],
            },
            Step::Run {
                repeat: mixture_m_steps(settings),
                kernels: &[Kernel::MixtureSlopes, Kernel::MixtureItemGrad, Kernel::Adam],
            },
            Step::Run {
                repeat: 1,
                kernels: &[Kernel::MixtureEstep],
            },
        ];
        let schedule: Vec<Step> = (0..iterations).flat_map(|_| round).collect();
        let start = vec![0.0; k * n];
        let trained = self
            .train_personal(data, settings, &shape, &start, &schedule)
            .await?;
        Ok(MixtureState {
            groups: trained
                .params
                .chunks(n.max(1))
                .map(<[f64]>::to_vec)
                .collect(),
            responsibilities: trained.resp.chunks(k).map(<[f64]>::to_vec).collect(),
            log_likelihood: trained.log_lik.iter().sum(),
        })
    }
}
