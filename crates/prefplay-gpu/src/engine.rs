//! [`Engine`]: run a fit on the GPU when there is one, on the CPU otherwise,
//! and fall back to the CPU on any GPU error — with the same answer.

use prefplay_core::bt::fit_bt_from;
use prefplay_core::counter_rng::fold_seed;
use prefplay_core::pairwise::uncertainty::{Method, Uncertainty};
use prefplay_core::pairwise::{PairwiseFit, PairwiseModel, TieModel};
use prefplay_core::{
    BtFit, BtNewton, BtSettings, ComparisonGraph, NewtonStatus, bt_pieces_reference,
};

use crate::{BatchModel, GpuContext, GpuError};

/// The GPU phase of a fit stops once Newton steps are this small (logits);
/// below it `f32` rounding dominates. The fit then finishes with `f64` Newton
/// steps on the CPU from the GPU's point (mixed-precision refinement, Higham,
/// *Accuracy and Stability of Numerical Algorithms*, 2nd ed., ch. 12), so
/// both engines return the same scores to the solver tolerance; from this
/// start that takes one or two CPU steps.
pub const F32_PHASE_TOLERANCE: f64 = 1e-4;

/// Where fits run.
#[derive(Debug)]
pub enum Engine {
    /// On this GPU context.
    Gpu(Box<GpuContext>),
    /// On the CPU (`f64`, exact).
    Cpu,
}

/// A fit and the engine that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineRun {
    /// The fit.
    pub fit: BtFit,
    /// "GPU: <adapter name>" or "CPU".
    pub engine: String,
    /// Why the CPU ran although a GPU was asked for, if it did.
    pub fallback_reason: Option<String>,
}

/// Bootstrap intervals and the engine that produced them.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineBootstrap {
    /// Standard errors and percentile intervals of the scores.
    pub uncertainty: Uncertainty,
    /// "GPU: <adapter name>" or "CPU".
    pub engine: String,
    /// Why the CPU ran although a GPU was asked for, if it did.
    pub fallback_reason: Option<String>,
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
    /// The GPU if an adapter and device can be had, else the CPU with the reason.
    pub async fn auto() -> (Self, Option<String>) {
        match GpuContext::new().await {
            Ok(ctx) => (Engine::Gpu(Box::new(ctx)), None),
            Err(e) => (Engine::Cpu, Some(e.to_string())),
        }
    }

    /// "GPU: <adapter name>" or "CPU".
    pub fn label(&self) -> String {
        match self {
            Engine::Gpu(ctx) => format!("GPU: {}", ctx.adapter_name()),
            Engine::Cpu => "CPU".to_string(),
        }
    }

    /// Fits Bradley–Terry on this engine; a GPU failure reruns the fit on
    /// the CPU and says why in [`EngineRun::fallback_reason`].
    pub async fn fit_bt(
        &self,
        graph: &ComparisonGraph,
        settings: BtSettings,
    ) -> prefplay_core::Result<EngineRun> {
        self.fit_bt_observed(graph, settings, &mut |_| {}).await
    }

    /// [`Engine::fit_bt`], calling `on_step` after every Newton step (for
    /// progress reports; after a GPU failure the CPU's steps follow).
    pub async fn fit_bt_observed(
        &self,
        graph: &ComparisonGraph,
        settings: BtSettings,
        on_step: &mut dyn FnMut(Step),
    ) -> prefplay_core::Result<EngineRun> {
        let mut fallback_reason = None;
        if let Engine::Gpu(ctx) = self {
            match fit_bt_gpu_observed(ctx, graph, settings, on_step).await {
                Ok(fit) => {
                    return Ok(EngineRun {
                        fit,
                        engine: self.label(),
                        fallback_reason: None,
                    });
                }
                Err(GpuError::Core(e)) => return Err(e),
                Err(e) => fallback_reason = Some(e.to_string()),
            }
        }
        Ok(EngineRun {
            fit: fit_bt_cpu_observed(graph, settings, on_step)?,
            engine: "CPU".into(),
            fallback_reason,
        })
    }
}

/// One finished Newton step, as reported to a progress observer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// Steps taken so far (1 after the first).
    pub iteration: u32,
    /// Log-likelihood at the point the step started from.
    pub log_lik: f64,
    /// Whether the step's pieces came from the GPU.
    pub on_gpu: bool,
}

/// The CPU fit of [`prefplay_core::fit_bt`], calling `on_step` after every step.
pub fn fit_bt_cpu_observed(
    graph: &ComparisonGraph,
    settings: BtSettings,
    on_step: &mut dyn FnMut(Step),
) -> prefplay_core::Result<BtFit> {
    let mut solver = BtNewton::new(graph.n_items(), settings, None)?;
    loop {
        let pieces = bt_pieces_reference(graph, solver.point());
        let status = solver.step(graph, &pieces)?;
        on_step(Step {
            iteration: solver.iterations(),
            log_lik: pieces.log_lik,
            on_gpu: false,
        });
        if status != NewtonStatus::Continue {
            return solver.finish(status);
        }
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
        let mut fallback_reason = None;
        if let Engine::Gpu(ctx) = self {
            match gpu_bootstrap_refusal(model) {
                Some(why) => fallback_reason = Some(why.to_string()),
                None => match gpu_bootstrap(ctx, model, replicates, seed, level).await {
                    Ok(uncertainty) => {
                        return Ok(EngineBootstrap {
                            uncertainty,
                            engine: self.label(),
                            fallback_reason: None,
                        });
                    }
                    Err(GpuError::Core(e)) => return Err(e),
                    Err(e) => fallback_reason = Some(e.to_string()),
                },
            }
        }
        let method = Method::Bootstrap { replicates, seed };
        Ok(EngineBootstrap {
            uncertainty: model.uncertainty(fit, method, level)?,
            engine: "CPU".into(),
            fallback_reason,
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

/// Fits on the GPU (Newton steps with `f32` pieces until the step is below
/// [`F32_PHASE_TOLERANCE`]), then refines in `f64` on the CPU.
pub async fn fit_bt_gpu(
    ctx: &GpuContext,
    graph: &ComparisonGraph,
    settings: BtSettings,
) -> Result<BtFit, GpuError> {
    fit_bt_gpu_observed(ctx, graph, settings, &mut |_| {}).await
}

/// [`fit_bt_gpu`], calling `on_step` after every GPU Newton step.
pub async fn fit_bt_gpu_observed(
    ctx: &GpuContext,
    graph: &ComparisonGraph,
    settings: BtSettings,
    on_step: &mut dyn FnMut(Step),
) -> Result<BtFit, GpuError> {
    let problem = ctx.upload_bt(graph).await?;
    let gpu_settings = BtSettings {
        tolerance: settings.tolerance.max(F32_PHASE_TOLERANCE),
        ..settings
    };
    let mut solver = BtNewton::new(graph.n_items(), gpu_settings, None)?;
    loop {
        let mut pieces = ctx.bt_pieces(&problem, solver.point()).await?;
        remove_gradient_mean(&mut pieces.grad);
        let status = solver.step(graph, &pieces)?;
        on_step(Step {
            iteration: solver.iterations(),
            log_lik: pieces.log_lik,
            on_gpu: true,
        });
        if status != NewtonStatus::Continue {
            break;
        }
    }
    let gpu_iterations = solver.iterations();
    let mut fit = fit_bt_from(graph, settings, Some(solver.best_point()))?;
    fit.iterations += gpu_iterations;
    Ok(fit)
}

/// The likelihood's gradient sums to zero exactly (every comparison adds
/// as much to one item as it takes from the other). Along the all-ones
/// direction the posterior's curvature is only the prior's λ, so `f32`
/// rounding in that sum would move every Newton step by noise/λ and keep
/// the GPU phase from converging on large data; the mean is removed.
fn remove_gradient_mean(grad: &mut [f64]) {
    let mean = grad.iter().sum::<f64>() / grad.len().max(1) as f64;
    for g in grad {
        *g -= mean;
    }
}
