//! The bootstrap on an engine: all replicates on the GPU at once, or on
//! the CPU, which draws the same replicates.

use prefplay_core::counter_rng::fold_seed;
use prefplay_core::pairwise::uncertainty::{Method, Uncertainty};
use prefplay_core::pairwise::{PairwiseFit, PairwiseModel, TieModel};

use super::Engine;
use crate::{BatchModel, GpuContext, GpuError};

/// Bootstrap intervals and the engine that produced them.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineBootstrap {
    /// Standard errors and percentile intervals of the scores.
    pub uncertainty: Uncertainty,
    /// "GPU: <adapter name>" or "CPU".
    pub engine: String,
    /// Why the CPU ran although the GPU was tried (a GPU error, or a
    /// model the GPU kernel does not fit), if it did.
    pub fallback_reason: Option<String>,
    /// Why `Auto` chose the CPU, if it did.
    pub choice: Option<String>,
}

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
        let (mut fallback_reason, mut choice) = (None, None);
        let work = model.n_cells() as u64 * u64::from(replicates);
        match self.gpu_for(super::choice::Workload::Fits, work) {
            Ok(ctx) => match gpu_bootstrap_refusal(model) {
                Some(why) => fallback_reason = Some(why.to_string()),
                None => match gpu_bootstrap(ctx, model, replicates, seed, level).await {
                    Ok(uncertainty) => {
                        return Ok(EngineBootstrap {
                            uncertainty,
                            engine: super::gpu_label(ctx),
                            fallback_reason: None,
                            choice: None,
                        });
                    }
                    Err(GpuError::Core(e)) => return Err(e),
                    Err(e) => fallback_reason = Some(e.to_string()),
                },
            },
            Err(why) => choice = why,
        }
        let method = Method::Bootstrap { replicates, seed };
        Ok(EngineBootstrap {
            uncertainty: model.uncertainty(fit, method, level)?,
            engine: "CPU".into(),
            fallback_reason,
            choice,
        })
    }
}

async fn gpu_bootstrap(
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
