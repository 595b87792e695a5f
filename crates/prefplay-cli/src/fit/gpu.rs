//! `--engine gpu` and `--engine auto`: which engine fits a pairwise model.
//! The one pairwise solver (Newton–CG) takes its evaluations from the GPU
//! kernels in `f32`, then finishes in `f64` on the CPU, so the estimates
//! equal the CPU fit's to the solver tolerance. Every pairwise model runs
//! there: `--model bt|thurstone`, every `--ties`, `--order-effect`,
//! `--reference`, `f_` feature columns, any `--l2`. The intervals come from
//! that fit: Fisher, sandwich and `--quasi` in `f64` on the CPU;
//! `--ci bootstrap` fits all replicates of any of these models on the
//! GPU at once (the CPU draws the same Poisson replicates from the same
//! `--seed` and refits them from the same start, so both engines agree to
//! 1e-4). With no adapter, or on any
//! GPU error, the same fit runs on the CPU and a warning says why.
//! `--model plackett-luce|elo|rank-centrality` and `--raters` are refused
//! under `--engine gpu`, naming the flag.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use prefplay_gpu::engine::calibration::Calibration;
use prefplay_gpu::engine::choice;
use prefplay_gpu::{Engine, GpuContext};

use super::{CiArg, FitArgs, ModelArg};

/// The GPU engine a fit runs on, and why there is no GPU when there is none.
pub(super) struct GpuChoice {
    pub engine: Engine,
    pub no_gpu: Option<String>,
}

/// Where a pairwise fit may run, as `--engine` and the cache say.
pub(super) enum EngineSource {
    /// `--engine cpu`.
    Cpu,
    /// `--engine gpu`.
    Forced(GpuChoice),
    /// `--engine auto`, with this machine's cached calibrations (empty
    /// when there is no cache, or it could not be read).
    Auto(BTreeMap<String, Calibration>),
}

/// The GPU engine for `--engine gpu` (refusing what it does not fit).
pub(super) fn forced_engine(args: &FitArgs) -> Result<GpuChoice> {
    check(args)?;
    let (engine, no_gpu) = pollster::block_on(Engine::gpu());
    Ok(GpuChoice { engine, no_gpu })
}

/// The engine `--engine auto` uses for a pairwise model, when it may use
/// a GPU. With a calibration cached by `prefplay calibrate`: the adapter
/// is probed only when a cached calibration predicts the GPU faster for
/// this fit or its bootstrap, and the engine is `Auto` with that
/// calibration (it picks per piece of work and says why). Without one:
/// the committed first guess (cells × replicates above the crossover and
/// a hardware adapter). Adapters are never probed for work that could not
/// go to the GPU. `cells`: the model's, so its votes are aggregated once.
pub(super) fn auto_engine(
    args: &FitArgs,
    cells: u64,
    cached: &BTreeMap<String, Calibration>,
) -> Option<GpuChoice> {
    let replicates = u64::from(args.bootstrap) * u64::from(args.ci == CiArg::Bootstrap);
    let engine = if cached.is_empty() {
        let work = cells * replicates.max(1);
        if work < choice::HARDWARE_CROSSOVER_CELL_FITS {
            return None;
        }
        let ctx = pollster::block_on(GpuContext::new()).ok()?;
        choice::auto_choice(choice::Workload::Fits, ctx.is_software(), work).ok()?;
        Engine::Gpu(Box::new(ctx))
    } else {
        let gpu_may_win = cached.values().any(|c| {
            let faster = |w, units| c.predict(w, units).is_some_and(|p| p.gpu_faster());
            faster(choice::Workload::Fits, cells)
                || (replicates > 0 && faster(choice::Workload::Bootstrap, cells * replicates))
        });
        if !gpu_may_win {
            return None;
        }
        let ctx = pollster::block_on(GpuContext::new()).ok()?;
        let calibration = cached.get(ctx.adapter_identity())?.clone();
        ctx.set_calibration(calibration);
        Engine::Auto(Box::new(ctx))
    };
    Some(GpuChoice {
        engine,
        no_gpu: None,
    })
}

/// Keeps what `Auto` learned from this run (a prediction far off): the
/// context's calibration is saved when it differs from the cache's.
pub(super) fn keep_learned(gpu: &GpuChoice, cached: &BTreeMap<String, Calibration>) -> Result<()> {
    if let Engine::Auto(ctx) = &gpu.engine
        && let Some(calibration) = ctx.calibration()
        && cached.get(&calibration.adapter) != Some(&calibration)
    {
        crate::calibrate::save(&calibration)?;
    }
    Ok(())
}

/// Refuses the fits the GPU engine does not run.
fn check(args: &FitArgs) -> Result<()> {
    if !matches!(args.model, ModelArg::Bt | ModelArg::Thurstone) {
        bail!("--engine gpu fits the pairwise models (--model bt or thurstone); use --engine cpu");
    }
    if args.raters {
        bail!("--engine gpu: --raters runs on the CPU only; use --engine cpu");
    }
    Ok(())
}
