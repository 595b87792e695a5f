//! The bootstrap on an engine: all replicates on the GPU at once, or on
//! the CPU, which draws the same replicates. Every pairwise model runs on
//! both.

use prefplay_core::inference::counter_rng::fold_seed;
use prefplay_core::models::pairwise::uncertainty::{Method, Uncertainty, check_replicates};
use prefplay_core::models::pairwise::{PairwiseFit, PairwiseModel};

use super::{Engine, EngineOutput};
use crate::{BatchCounts, GpuContext, GpuError};

/// Bootstrap intervals and the engine that produced them.
pub type EngineBootstrap = EngineOutput<Uncertainty>;

impl Engine {
    /// Poisson-bootstrap errors and intervals of `model`'s fit at `level`
    /// from `replicates` replicates drawn from `seed`, each refitted from
    /// the estimate: on the GPU when this engine chooses it, else (or
    /// after any GPU error) on the CPU, which draws the same replicates
    /// and agrees to 1e-4.
    pub async fn bootstrap(
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
            async |ctx| gpu_bootstrap(ctx, model, fit, replicates, seed, level).await,
            || model.uncertainty(fit, Method::Bootstrap { replicates, seed }, level),
        )
        .await
    }
}

pub(super) async fn gpu_bootstrap(
    ctx: &GpuContext,
    model: &PairwiseModel,
    fit: &PairwiseFit,
    replicates: u32,
    seed: u64,
    level: f64,
) -> Result<Uncertainty, GpuError> {
    check_replicates(replicates)?;
    let tables = model.bootstrap_tables();
    let counts = BatchCounts::Poisson {
        tables: &tables,
        seed: fold_seed(seed),
        replicates,
    };
    let fits = ctx
        .fit_batch(&model.kernel_view(), &fit.parameters, counts)
        .await?;
    let draws: Vec<Vec<f64>> = fits
        .converged_parameters()
        .map(|theta| model.bootstrap_draw(theta))
        .collect();
    Ok(model.bootstrap_summary(&draws, level)?)
}
