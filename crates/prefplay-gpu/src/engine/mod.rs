//! [`Engine`]: where fits run. A forced GPU, the CPU, or `Auto`, which
//! uses its GPU only where the committed benchmark says the GPU is faster
//! ([`choice`]). Any GPU error reruns the work on the CPU with the same
//! answer, and the run says which engine ran and why.

mod bootstrap;
pub mod choice;
mod personal;
mod work;

pub use bootstrap::{EngineBootstrap, gpu_bootstrap_refusal};
pub use personal::EngineTrainer;

use prefplay_core::bt::fit_bt_from;
use prefplay_core::{
    BtFit, BtNewton, BtSettings, ComparisonGraph, NewtonStatus, bt_pieces_reference,
};

use crate::{GpuContext, GpuError};

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
    /// Always on this GPU (`--engine gpu`, `?engine=gpu`), falling back to
    /// the CPU on an error.
    Gpu(Box<GpuContext>),
    /// On this GPU when the work is above the crossover measured for its
    /// kind of adapter ([`choice::auto_choice`]), else on the CPU.
    Auto(Box<GpuContext>),
    /// On the CPU (`f64`, exact).
    Cpu,
}

/// A result and the engine that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineOutput<T> {
    /// The result.
    pub value: T,
    /// "GPU: <adapter name>" or "CPU".
    pub engine: String,
    /// Why the CPU ran although the GPU was tried (a GPU error, or work
    /// its kernels do not cover), if it did.
    pub fallback_reason: Option<String>,
    /// Why `Auto` chose the CPU, if it did.
    pub choice: Option<String>,
}

/// A Bradley–Terry fit and the engine that produced it.
pub type EngineRun = EngineOutput<BtFit>;

impl Engine {
    /// `Auto` on the adapter wgpu finds, or the CPU with the reason when
    /// there is none.
    pub async fn auto() -> (Self, Option<String>) {
        match GpuContext::new().await {
            Ok(ctx) => (Engine::Auto(Box::new(ctx)), None),
            Err(e) => (Engine::Cpu, Some(e.to_string())),
        }
    }

    /// The GPU whatever the work, or the CPU with the reason when there is
    /// no adapter.
    pub async fn gpu() -> (Self, Option<String>) {
        match GpuContext::new().await {
            Ok(ctx) => (Engine::Gpu(Box::new(ctx)), None),
            Err(e) => (Engine::Cpu, Some(e.to_string())),
        }
    }

    /// "GPU: <adapter name>", "auto: GPU: <adapter name>" or "CPU".
    pub fn label(&self) -> String {
        match self {
            Engine::Gpu(ctx) => gpu_label(ctx),
            Engine::Auto(ctx) => format!("auto: {}", gpu_label(ctx)),
            Engine::Cpu => "CPU".to_string(),
        }
    }

    /// The GPU to run `work` (in `workload`'s unit) on, or why not:
    /// `Err(None)` for the CPU engine, `Err(Some(reason))` when `Auto`
    /// picks the CPU.
    pub(crate) fn gpu_for(
        &self,
        workload: choice::Workload,
        work: u64,
    ) -> Result<&GpuContext, Option<String>> {
        match self {
            Engine::Gpu(ctx) => Ok(ctx),
            Engine::Auto(ctx) => match choice::auto_choice(workload, ctx.is_software(), work) {
                Ok(()) => Ok(ctx),
                Err(why) => Err(Some(why)),
            },
            Engine::Cpu => Err(None),
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
        // Only one of the two closures runs at a time.
        let on_step = std::cell::RefCell::new(on_step);
        self.dispatch(
            choice::Workload::Fits,
            (graph.n_entries() / 2) as u64,
            async |ctx| {
                let mut relay = |step: Step| (on_step.borrow_mut())(step);
                fit_bt_gpu_observed(ctx, graph, settings, &mut relay).await
            },
            || {
                let mut relay = |step: Step| (on_step.borrow_mut())(step);
                fit_bt_cpu_observed(graph, settings, &mut relay)
            },
        )
        .await
    }

    /// Runs `on_gpu` on the GPU this engine picks for `work` (in
    /// `workload`'s unit); runs `on_cpu` when it picks the CPU, or after
    /// any GPU error but a rejected input, which is returned as is.
    pub(crate) async fn dispatch<T>(
        &self,
        workload: choice::Workload,
        work: u64,
        on_gpu: impl AsyncFnOnce(&GpuContext) -> Result<T, GpuError>,
        on_cpu: impl FnOnce() -> prefplay_core::Result<T>,
    ) -> prefplay_core::Result<EngineOutput<T>> {
        let (fallback_reason, choice) = match self.gpu_for(workload, work) {
            Ok(ctx) => match on_gpu(ctx).await {
                Ok(value) => {
                    return Ok(EngineOutput {
                        value,
                        engine: gpu_label(ctx),
                        fallback_reason: None,
                        choice: None,
                    });
                }
                Err(GpuError::Core(e)) => return Err(e),
                Err(e) => (Some(e.to_string()), None),
            },
            Err(why) => (None, why),
        };
        Ok(EngineOutput {
            value: on_cpu()?,
            engine: "CPU".into(),
            fallback_reason,
            choice,
        })
    }
}

/// "GPU: <adapter name>".
pub(crate) fn gpu_label(ctx: &GpuContext) -> String {
    format!("GPU: {}", ctx.adapter_name())
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
