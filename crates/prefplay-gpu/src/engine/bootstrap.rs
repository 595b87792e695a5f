//! The bootstrap on an engine: all replicates on the GPU at once, or on
//! the CPU, which draws the same replicates.

use prefplay_core::inference::counter_rng::fold_seed;
use prefplay_core::models::pairwise::uncertainty::{Method, Uncertainty};
use prefplay_core::models::pairwise::{PairwiseFit, PairwiseModel, TieModel};

use super::{Engine, EngineOutput};
use crate::{BatchModel, GpuContext, GpuError};

/// Bootstrap intervals and the engine that produced them.
pub type EngineBootstrap = EngineOutput<Uncertainty>;

/// Why `model` cannot be bootstrapped on the GPU, if it cannot: the GPU
/// kernel fits plain Bradley–Terry or Thurstone (ties half a win, a prior,
/// no order effect, features or reference item).
pub fn gpu_bootstrap_refusal(model: &PairwiseModel) -> Option<&'static str> {
    let s = model.settings();
    if s.ties != TieModel::Half {
        Some("the GPU bootstrap counts ties as half wins")
    } else if s.order_effect || s.reference.is_some() || !model.feature_names().is_empty() {
        Some("the GPU bootstrap has no order effect, reference item or features")
    } else if s.l2 <= 0.0 {
        Some("the GPU bootstrap needs a prior (l2 > 0)")
    } else {
        None
    }
}

impl Engine {
    /// Poisson-bootstrap intervals of `model`'s scores at `level` from
    /// `replicates` replicates drawn from `seed`: on the GPU when this
    /// engine has one and the model is plain Bradley–Terry
    /// ([`gpu_bootstrap_refusal`]), else (or after any GPU error) on the
    /// CPU, which draws the same replicates and agrees to 1e-4.
    pub async fn bootstrap_bt(
        &self,
        model: &PairwiseModel,
        fit: &PairwiseFit,
        replicates: u32,
        seed: u64,
        level: f64,
    ) -> prefplay_core::Result<EngineBootstrap> {
        let work = model.n_cells() as u64 * u64::from(replicates);
        self.dispatch(
            super::choice::Workload::Bootstrap,
            work,
            async |ctx| match gpu_bootstrap_refusal(model) {
                Some(why) => Err(GpuError::Unsupported(why.to_string())),
                None => gpu_bootstrap(ctx, model, replicates, seed, level).await,
            },
            || model.uncertainty(fit, Method::Bootstrap { replicates, seed }, level),
        )
        .await
    }
}

pub(super) async fn gpu_bootstrap(
    ctx: &GpuContext,
    model: &PairwiseModel,
    replicates: u32,
    seed: u64,
    level: f64,
) -> Result<Uncertainty, GpuError> {
    if replicates < 2 {
        return Err(GpuError::Core(prefplay_core::Error::InvalidParameter {
            name: "bootstrap",
            value: replicates.to_string(),
            reason: "needs at least 2 replicates",
        }));
    }
    let cells = model.bootstrap_cells();
    let n = model.items().len();
    let batch = BatchModel {
        link: model.settings().link,
        l2: model.settings().l2,
    };
    let fits = ctx
        .bt_bootstrap(n, &cells, batch, fold_seed(seed), replicates)
        .await?;
    let kept = fits.converged_scores();
    if kept.len() < 2 {
        return Err(GpuError::Core(prefplay_core::Error::Numerical(
            "fewer than 2 bootstrap replicates converged",
        )));
    }
    Ok(Uncertainty::from_score_draws(&kept, level))
}
