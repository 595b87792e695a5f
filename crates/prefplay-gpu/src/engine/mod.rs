//! [`Engine`]: where fits run. A forced GPU, the CPU, or `Auto`, which
//! uses its GPU only where the committed benchmark says the GPU is faster
//! ([`choice`]). Any GPU error reruns the work on the CPU with the same
//! answer, and the run says which engine ran and why.

mod bootstrap;
mod calibrate;
pub mod calibration;
pub mod choice;
mod personal;
mod work;

pub use bootstrap::EngineBootstrap;
pub use calibrate::{CALIBRATED, PAGE_BUDGET_MS};
pub use personal::EngineTrainer;

use prefplay_core::models::pairwise::{PairwiseFit, PairwiseModel, SolverState};

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
    /// How `Auto` chose: the calibration's predictions ("auto: GPU: 38 ms
    /// predicted against 410 ms on the CPU"), or why it kept to the CPU
    /// without one (a software adapter, work below the crossover).
    pub choice: Option<String>,
}

/// A pairwise fit and the engine that produced it.
pub type EngineRun = EngineOutput<PairwiseFit>;

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

    /// The GPU to run `work` (in `workload`'s unit) on, with how `Auto`
    /// chose it, or why not: `Err(None)` for the CPU engine,
    /// `Err(Some(reason))` when `Auto` picks the CPU. `Auto` follows the
    /// adapter's calibration where it measured the family (the engine
    /// predicted faster), else the committed crossovers
    /// ([`choice::auto_choice`]).
    pub(crate) fn gpu_for(
        &self,
        workload: choice::Workload,
        work: u64,
    ) -> Result<(&GpuContext, Option<String>), Option<String>> {
        match self {
            Engine::Gpu(ctx) => Ok((ctx, None)),
            Engine::Auto(ctx) => match ctx.predict(workload, work) {
                Some(p) if p.gpu_faster() => Ok((ctx, Some(format!("auto: {}", p.words())))),
                Some(p) => Err(Some(format!("auto: {}", p.words()))),
                None => match choice::auto_choice(workload, ctx.is_software(), work) {
                    Ok(()) => Ok((ctx, None)),
                    Err(why) => Err(Some(why)),
                },
            },
            Engine::Cpu => Err(None),
        }
    }

    /// The GPU context of a GPU or `Auto` engine.
    pub fn gpu_context(&self) -> Option<&GpuContext> {
        match self {
            Engine::Gpu(ctx) | Engine::Auto(ctx) => Some(ctx),
            Engine::Cpu => None,
        }
    }

    /// The context `Auto` learns from (its calibration), if this is `Auto`.
    fn learning(&self) -> Option<&GpuContext> {
        match self {
            Engine::Auto(ctx) => Some(ctx),
            _ => None,
        }
    }

    /// Fits `model` on this engine: one solver ([`prefplay_core::models::pairwise::NewtonCg`])
    /// whose evaluations come from the GPU's `f32` kernels (every pairwise
    /// model: link, tie model, order effect, reference item, features)
    /// until its steps are below [`F32_PHASE_TOLERANCE`], then from the
    /// CPU in `f64` from that point ([`PairwiseModel::fit`]), so both
    /// engines give the same estimates to the solver tolerance. Any GPU
    /// failure runs the fit on the CPU and says why.
    pub async fn fit_pairwise(&self, model: &mut PairwiseModel) -> EngineRun {
        self.fit_pairwise_observed(model, &mut |_| {}).await
    }

    /// [`Engine::fit_pairwise`], calling `on_step` after every accepted
    /// Newton step (for progress reports; after a GPU failure the CPU's
    /// steps follow).
    pub async fn fit_pairwise_observed(
        &self,
        model: &mut PairwiseModel,
        on_step: &mut dyn FnMut(Step),
    ) -> EngineRun {
        let cells = model.n_cells() as u64;
        let started = web_time::Instant::now();
        let on_step = std::cell::RefCell::new(on_step);
        let no_start = || (Vec::new(), 0);
        let (phase, engine, fallback_reason, choice) =
            match self.gpu_for(choice::Workload::Fits, cells) {
                Ok((ctx, choice)) => {
                    let mut relay = |step: Step| (on_step.borrow_mut())(step);
                    match gpu_phase(ctx, model, &mut relay).await {
                        Ok(phase) => (phase, gpu_label(ctx), None, choice),
                        Err(e) => (no_start(), "CPU".to_string(), Some(e.to_string()), None),
                    }
                }
                Err(why) => (no_start(), "CPU".to_string(), None, why),
            };
        let on_gpu = fallback_reason.is_none() && !phase.0.is_empty();
        let (start, gpu_steps) = phase;
        let start = (!start.is_empty()).then_some(start.as_slice());
        let mut fit = model.fit_observed(start, &mut |solver| {
            (on_step.borrow_mut())(Step {
                iteration: gpu_steps + solver.steps_taken(),
                log_lik: solver.objective(),
                on_gpu: false,
            });
        });
        fit.iterations += gpu_steps;
        if let Some(ctx) = self.learning() {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            ctx.observe(choice::Workload::Fits, on_gpu, cells, ms);
        }
        EngineOutput {
            value: fit,
            engine,
            fallback_reason,
            choice,
        }
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
        let started = web_time::Instant::now();
        let elapsed_ms = || started.elapsed().as_secs_f64() * 1e3;
        let (fallback_reason, choice) = match self.gpu_for(workload, work) {
            Ok((ctx, choice)) => match on_gpu(ctx).await {
                Ok(value) => {
                    if let Some(ctx) = self.learning() {
                        ctx.observe(workload, true, work, elapsed_ms());
                    }
                    return Ok(EngineOutput {
                        value,
                        engine: gpu_label(ctx),
                        fallback_reason: None,
                        choice,
                    });
                }
                Err(GpuError::Core(e)) => return Err(e),
                Err(e) => (Some(e.to_string()), None),
            },
            Err(why) => (None, why),
        };
        let started = web_time::Instant::now();
        let value = on_cpu()?;
        if let Some(ctx) = self.learning() {
            ctx.observe(workload, false, work, started.elapsed().as_secs_f64() * 1e3);
        }
        Ok(EngineOutput {
            value,
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
    /// The log-posterior at the step's new point, when the solver knows
    /// it (NaN otherwise: it avoids the logarithms where it can).
    pub log_lik: f64,
    /// Whether the step's evaluations came from the GPU.
    pub on_gpu: bool,
}

/// A fit as [`Engine::fit_pairwise`] runs it on the GPU: the GPU phase,
/// then the CPU's `f64` finish from its point.
pub(crate) async fn fit_on_gpu(
    ctx: &GpuContext,
    model: &mut PairwiseModel,
) -> Result<prefplay_core::models::pairwise::PairwiseFit, GpuError> {
    let (start, steps) = gpu_phase(ctx, model, &mut |_| {}).await?;
    let mut fit = model.fit(Some(&start));
    fit.iterations += steps;
    Ok(fit)
}

/// The GPU phase of [`Engine::fit_pairwise`]: the model's solver driven
/// by the pairwise kernels to [`F32_PHASE_TOLERANCE`]; returns its point
/// (the CPU's warm start) and the steps it took.
async fn gpu_phase(
    ctx: &GpuContext,
    model: &PairwiseModel,
    on_step: &mut dyn FnMut(Step),
) -> Result<(Vec<f64>, u32), GpuError> {
    let problem = ctx.upload_pairwise(model).await?;
    let mut solver = model.solver(None).with_tolerance(F32_PHASE_TOLERANCE);
    loop {
        let request = solver.request();
        let mut ev = ctx
            .pairwise_pieces(&problem, request.point, request.with_log_lik)
            .await?;
        remove_gradient_mean(&mut ev.grad[..model.items().len()]);
        let steps = solver.steps_taken();
        let state = solver.advance(model, ev)?;
        if solver.steps_taken() > steps {
            on_step(Step {
                iteration: solver.steps_taken(),
                log_lik: solver.objective(),
                on_gpu: true,
            });
        }
        if let SolverState::Done(_) = state {
            return Ok((solver.point().to_vec(), solver.steps_taken()));
        }
    }
}

/// The likelihood's gradient in the item scores sums to zero exactly
/// (every comparison adds as much to one item as it takes from the other). Along the all-ones
/// direction the posterior's curvature is only the prior's λ, so `f32`
/// rounding in that sum would move every Newton step by noise/λ and keep
/// the GPU phase from converging on large data; the mean is removed.
fn remove_gradient_mean(grad: &mut [f64]) {
    let mean = grad.iter().sum::<f64>() / grad.len().max(1) as f64;
    for g in grad {
        *g -= mean;
    }
}
