//! `--engine gpu`: Bradley–Terry on prefplay-gpu's engine. The one
//! pairwise solver (Newton–CG) takes its evaluations from the GPU kernel in
//! `f32`, then finishes in `f64` on the CPU, so the scores equal the CPU
//! fit's to the solver tolerance. With no adapter, or on any GPU error, the same fit runs on
//! the CPU and a warning says why.
//!
//! The engine covers plain Bradley–Terry: `--model bt`, `--ties half`, a
//! prior (`--l2` > 0), no order effect, features, reference item or rater
//! model, and Fisher or bootstrap intervals (or none). Anything else is
//! refused with a message naming the flag, rather than silently run on the
//! CPU. `--ci bootstrap` fits all replicates on the GPU at once; the CPU
//! draws the same Poisson replicates from the same `--seed`, so both
//! engines give the same intervals to 1e-4.

use std::time::Instant;

use anyhow::{Result, bail};
use prefplay_core::data::table::PairTable;
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
use prefplay_gpu::engine::choice;
use prefplay_gpu::{Engine, GpuContext};
use serde_json::{Value, json};

use super::models::left_out;
use super::{CiArg, FitArgs, ModelArg, Outcomes, TiesArg};

/// What the GPU run used.
pub(super) struct GpuRun {
    pub outcomes: Outcomes,
    /// `gpu`, or `cpu` after a fallback.
    pub engine: &'static str,
    /// The adapter's name, when a GPU ran.
    pub adapter: Option<String>,
}

/// The GPU engine `--engine auto` uses, when it uses one: the flags are
/// covered ([`check`]), the work (cells × bootstrap replicates) is above
/// the crossover and the adapter is hardware ([`choice::auto_choice`]).
pub(super) fn auto_engine(args: &FitArgs, table: &PairTable) -> Option<Engine> {
    check(args, table).ok()?;
    let settings = PairwiseSettings {
        l2: args.l2,
        ..PairwiseSettings::default()
    };
    let cells = PairwiseModel::new(table, settings).ok()?.n_cells() as u64;
    let datasets = if args.ci == CiArg::Bootstrap {
        u64::from(args.bootstrap)
    } else {
        1
    };
    if cells * datasets < choice::HARDWARE_CROSSOVER_CELL_FITS {
        return None;
    }
    let ctx = pollster::block_on(GpuContext::new()).ok()?;
    choice::auto_choice(choice::Workload::Fits, ctx.is_software(), cells * datasets).ok()?;
    Some(Engine::Gpu(Box::new(ctx)))
}

/// Refuses the flags the GPU engine does not cover.
fn check(args: &FitArgs, table: &PairTable) -> Result<()> {
    let refuse = |what: &str| -> Result<()> {
        bail!("--engine gpu fits plain Bradley–Terry only; {what} (use --engine cpu)")
    };
    if args.model != ModelArg::Bt {
        refuse("--model must be bt")?;
    }
    if args.ties != TiesArg::Half {
        refuse("--ties must be half")?;
    }
    if args.order_effect || args.raters || args.reference.is_some() || args.quasi {
        refuse("--order-effect, --raters, --reference and --quasi are CPU-only")?;
    }
    if args.ci == CiArg::Sandwich {
        refuse("its intervals are --ci fisher, bootstrap or none")?;
    }
    if args.l2 <= 0.0 {
        refuse("it needs a prior, --l2 > 0")?;
    }
    if !table.feature_names.is_empty() {
        refuse("the file has f_ feature columns")?;
    }
    Ok(())
}

/// Fits on `engine`'s GPU (or the CPU after a fallback; `no_gpu` says why
/// there is no GPU, when there is none).
pub(super) fn bt(
    args: &FitArgs,
    table: &PairTable,
    engine: Engine,
    no_gpu: Option<String>,
) -> Result<GpuRun> {
    check(args, table)?;
    // The data warnings (never won, disconnected, …) are the CPU model's.
    let settings = PairwiseSettings {
        l2: args.l2,
        ..PairwiseSettings::default()
    };
    let mut model = PairwiseModel::new(table, settings)?;
    let started = Instant::now();
    let run = pollster::block_on(engine.fit_pairwise(&mut model));
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut warnings = model.warnings().to_vec();
    let on_gpu = matches!(engine, Engine::Gpu(_)) && run.fallback_reason.is_none();
    if let Some(why) = no_gpu.or(run.fallback_reason) {
        warnings.push(format!(
            "--engine gpu: the GPU did not run ({why}); the CPU fitted the same model"
        ));
    }
    let fit = run.value;
    let converged = fit.converged();
    if !converged {
        warnings.push(format!(
            "the fit stopped without converging: {:?} after {} steps",
            fit.status, fit.iterations
        ));
    }
    let started = Instant::now();
    let mut on_gpu = on_gpu;
    let (se, intervals) = match args.ci {
        CiArg::Fisher => {
            let u = model.uncertainty(&fit, Method::Fisher, args.level)?;
            (Some(u.score_se), Some(u.score_interval))
        }
        CiArg::Bootstrap => {
            let boot = pollster::block_on(engine.bootstrap_bt(
                &model,
                &fit,
                args.bootstrap,
                args.seed,
                args.level,
            ))?;
            if let Some(why) = boot.fallback_reason {
                on_gpu = false;
                warnings.push(format!(
                    "--engine gpu: the bootstrap ran on the CPU ({why}); it draws the same replicates"
                ));
            }
            warnings.extend(left_out(&boot.value, args.bootstrap));
            let u = boot.value;
            (Some(u.score_se), Some(u.score_interval))
        }
        CiArg::None | CiArg::Sandwich => (None, None),
    };
    let ci_ms = started.elapsed().as_secs_f64() * 1e3;
    let log_likelihood = fit.log_likelihood;
    Ok(GpuRun {
        outcomes: Outcomes {
            raters: Value::Null,
            quasi: None,
            scores: fit.scores,
            se,
            intervals,
            order_effect: Value::Null,
            tie_parameter: Value::Null,
            features: json!([]),
            log_likelihood: json!(log_likelihood),
            iterations: fit.iterations,
            converged,
            warnings,
            fit_ms,
            ci_ms,
        },
        engine: if on_gpu { "gpu" } else { "cpu" },
        adapter: on_gpu.then(|| engine.label()),
    })
}
