//! Measuring an adapter ([`Engine::calibrate`]): each workload family's
//! real work on both engines at growing sizes — at least one, more while
//! the family's share of the budget lasts (the page's 300 ms reach only
//! the small ones; `prefplay calibrate`'s 10 s reach 50,000-vote fits) —
//! and a fixed-plus-per-unit cost fitted to each ([`super::calibration`]).
//! The budget, checked between runs, and a stop callback make it
//! cancellable; a later call measures the families the last one left out.
//!
//! Toy policy training is not calibrated (the loss lab's problems are
//! small): `Auto` keeps its committed crossover.

use prefplay_core::data::simulate::{SimulationSettings, simulate};
use prefplay_core::labs::loss_sweep::{MarginLoss, loss_sweep};
use prefplay_core::models::adam::AdamSettings;
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{PairwiseFit, PairwiseModel, PairwiseSettings};
use prefplay_core::models::personal::{
    PersonalSettings, RaterVotes, low_rank_start, simulate_groups, train_low_rank,
};
use prefplay_core::models::reward_model::{RewardHead, RewardPairs, RewardSettings, train_reward};
use web_time::Instant;

use super::calibration::{Calibration, FamilyCosts};
use super::choice::Workload;
use super::{Engine, bootstrap::gpu_bootstrap, fit_on_gpu, work::training_flops};
use crate::{GpuContext, GpuError};

/// The families a calibration measures, in order.
pub const CALIBRATED: [Workload; 5] = [
    Workload::Fits,
    Workload::Bootstrap,
    Workload::PersonalTraining,
    Workload::LossSweep,
    Workload::RewardTraining,
];

/// The budget the page gives one calibration slice, milliseconds of work.
pub const PAGE_BUDGET_MS: f64 = 300.0;

/// Milliseconds since `start`.
fn since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

impl Engine {
    /// Measures, on this engine's adapter, the families its calibration
    /// does not have yet, until about `budget_ms` of work is done or
    /// `stop()` returns true (checked between runs; a family cut short is
    /// left out): [`Self::calibrate_next`] family after family, each with
    /// an equal share of the budget left. Keeps the result in the
    /// context, where `Auto` reads it, and returns it; `None` for the CPU
    /// engine.
    pub async fn calibrate(&self, budget_ms: f64, stop: &dyn Fn() -> bool) -> Option<Calibration> {
        let start = Instant::now();
        let out_of_time = || stop() || since(start) >= budget_ms;
        let mut calibration = calibration_of(self.gpu_context()?);
        loop {
            let left = calibration.missing().len();
            if left == 0 || out_of_time() {
                return Some(calibration);
            }
            let share_ms = (budget_ms - since(start)) / left as f64;
            calibration = self.calibrate_next(share_ms, &out_of_time).await?;
            if calibration.missing().len() == left {
                // Nothing measured (stopped, or out of time): done.
                return Some(calibration);
            }
        }
    }

    /// Measures the next family the calibration lacks (one size, more
    /// while they fit in `share_ms`, until `stop()`): one slice of the
    /// page's calibration, which runs between other jobs. Returns the
    /// calibration as it then stands; `None` for the CPU engine.
    pub async fn calibrate_next(
        &self,
        share_ms: f64,
        stop: &dyn Fn() -> bool,
    ) -> Option<Calibration> {
        let ctx = self.gpu_context()?;
        let mut calibration = calibration_of(ctx);
        let start = Instant::now();
        if let Some(&workload) = calibration.missing().first() {
            match measure(ctx, workload, share_ms, stop).await {
                Ok(Some(family)) => calibration.record(family),
                // Stopped before a size was measured: next time.
                Ok(None) => {}
                // The GPU cannot run it here: the CPU's costs alone, so
                // the family counts as measured and `Auto` keeps off it.
                _ => calibration.record(FamilyCosts::new(workload, Vec::new(), vec![(0.0, 1e12)])),
            }
        }
        calibration.took_ms += since(start);
        ctx.set_calibration(calibration.clone());
        Some(calibration)
    }
}

/// The context's calibration so far, or an empty one of its adapter.
fn calibration_of(ctx: &GpuContext) -> Calibration {
    ctx.calibration()
        .unwrap_or_else(|| Calibration::new(ctx.adapter_identity()))
}

/// Times `f` once, in milliseconds, with its result.
async fn timed<T>(f: impl AsyncFnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let value = f().await;
    (since(start), value)
}

/// Sizes per family, growing about tenfold in work each.
const SIZES: usize = 5;

/// One family's samples at growing sizes, after an untimed run of the
/// smallest on each engine (which compiles the GPU's kernels and warms the
/// CPU's caches): one size at least, more while the next one's predicted
/// time fits in `share_ms`. `Ok(None)` when time ran out before one.
async fn measure(
    ctx: &GpuContext,
    workload: Workload,
    share_ms: f64,
    out_of_time: &dyn Fn() -> bool,
) -> Result<Option<FamilyCosts>, GpuError> {
    let (mut cpu, mut gpu) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for size in 0..SIZES {
        let Some(work) = Work::new(workload, size) else {
            return Ok(None);
        };
        if size == 0 {
            work.on_cpu();
            work.on_gpu(ctx).await?;
        }
        if let (Some(&(units, cpu_ms)), Some(&(_, gpu_ms))) = (cpu.last(), gpu.last()) {
            // Time grows with the work; stop before a size that would not fit.
            let next_ms = (cpu_ms + gpu_ms) * work.units as f64 / units;
            if since(start) + next_ms > share_ms {
                break;
            }
        }
        if out_of_time() {
            break;
        }
        let (cpu_ms, ()) = timed(async || work.on_cpu()).await;
        let (gpu_ms, done) = timed(async || work.on_gpu(ctx).await).await;
        done?;
        cpu.push((work.units as f64, cpu_ms));
        gpu.push((work.units as f64, gpu_ms));
    }
    Ok((!cpu.is_empty()).then(|| FamilyCosts::new(workload, cpu, gpu)))
}

/// One piece of calibration work and its size in the family's unit.
struct Work {
    units: u64,
    kind: Kind,
}

enum Kind {
    Fit(PairwiseModel),
    Bootstrap(PairwiseModel, PairwiseFit, u32),
    Personal(RaterVotes, PersonalSettings, Vec<f64>),
    Sweep(Vec<f64>, Vec<f64>),
    Reward(Vec<f64>, usize, RewardPairs, RewardSettings),
}

/// A simulated class's pairwise model: `items` items, `votes` votes.
fn pairwise(items: usize, votes: usize) -> Option<PairwiseModel> {
    let settings = SimulationSettings {
        items,
        votes,
        seed: 7,
        ..SimulationSettings::default()
    };
    let table = simulate(&settings).ok()?.table;
    PairwiseModel::new(&table, PairwiseSettings::default()).ok()
}

impl Work {
    /// Size `size` (0 to [`SIZES`] − 1, growing) of `workload`.
    fn new(workload: Workload, size: usize) -> Option<Self> {
        Some(match workload {
            Workload::Fits => {
                let (items, votes) = [
                    (20, 200),
                    (100, 2_000),
                    (300, 12_000),
                    (1_000, 50_000),
                    (3_000, 200_000),
                ][size];
                let model = pairwise(items, votes)?;
                Self {
                    units: model.n_cells() as u64,
                    kind: Kind::Fit(model),
                }
            }
            Workload::Bootstrap => {
                let (items, votes, replicates) = [
                    (20, 300, 10),
                    (40, 1_500, 20),
                    (100, 5_000, 50),
                    (300, 20_000, 100),
                    (1_000, 50_000, 200),
                ][size];
                let mut model = pairwise(items, votes)?;
                let fit = model.fit(None);
                Self {
                    units: model.n_cells() as u64 * u64::from(replicates),
                    kind: Kind::Bootstrap(model, fit, replicates),
                }
            }
            Workload::PersonalTraining => {
                let (raters, steps) =
                    [(30, 10), (150, 10), (500, 10), (1_500, 20), (5_000, 20)][size];
                let (data, _) = simulate_groups(raters, 20, 15, 2, 1.0, 3);
                let settings = PersonalSettings {
                    adam: AdamSettings {
                        steps,
                        ..AdamSettings::default()
                    },
                    ..PersonalSettings::default()
                };
                let start = low_rank_start(&data, &settings, 2);
                Self {
                    units: data.votes.len() as u64 * steps as u64,
                    kind: Kind::Personal(data, settings, start),
                }
            }
            Workload::RewardTraining => {
                let (items, inputs, hidden) = [
                    (100, 8, 8),
                    (300, 16, 16),
                    (600, 16, 32),
                    (2_000, 32, 64),
                    (5_000, 64, 128),
                ][size];
                let features: Vec<f64> = (0..items * inputs)
                    .map(|k| ((k * 7919) % 1000) as f64 / 500.0 - 1.0)
                    .collect();
                let n = items as u32;
                let pairs = RewardPairs {
                    item_a: (0..n).collect(),
                    item_b: (0..n).map(|i| (i * 7 + 3) % n).collect(),
                    wins_a: (0..n).map(|i| f64::from(i % 3)).collect(),
                    wins_b: (0..n).map(|i| f64::from((i + 1) % 2)).collect(),
                };
                let settings = RewardSettings {
                    head: RewardHead::Mlp { hidden },
                    steps: 5,
                    ..RewardSettings::default()
                };
                Self {
                    units: training_flops(items, inputs, pairs.len(), &settings),
                    kind: Kind::Reward(features, inputs, pairs, settings),
                }
            }
            // The loss sweep (and, unused, the toy policy).
            _ => {
                let (margins, betas) = [
                    (100, 10),
                    (1_000, 30),
                    (3_000, 50),
                    (10_000, 100),
                    (100_000, 100),
                ][size];
                Self {
                    units: (margins * betas) as u64,
                    kind: Kind::Sweep(
                        (0..margins)
                            .map(|k| -10.0 + 20.0 * k as f64 / margins as f64)
                            .collect(),
                        (0..betas).map(|k| 0.05 + 0.1 * k as f64).collect(),
                    ),
                }
            }
        })
    }

    /// The work on the CPU, as the engine's CPU arm runs it.
    fn on_cpu(&self) {
        match &self.kind {
            Kind::Fit(model) => {
                std::hint::black_box(model.clone().fit(None));
            }
            Kind::Bootstrap(model, fit, replicates) => {
                let method = Method::Bootstrap {
                    replicates: *replicates,
                    seed: 1,
                };
                std::hint::black_box(model.uncertainty(fit, method, 0.95).ok());
            }
            Kind::Personal(data, settings, start) => {
                std::hint::black_box(train_low_rank(data, settings, 2, start.clone()));
            }
            Kind::Sweep(margins, betas) => {
                std::hint::black_box(loss_sweep(MarginLoss::Sigmoid, margins, betas, 0.0).ok());
            }
            Kind::Reward(features, inputs, pairs, settings) => {
                std::hint::black_box(train_reward(features, *inputs, pairs, settings).ok());
            }
        }
    }

    /// The work on the GPU, as the engine's GPU arm runs it.
    async fn on_gpu(&self, ctx: &GpuContext) -> Result<(), GpuError> {
        match &self.kind {
            Kind::Fit(model) => {
                fit_on_gpu(ctx, &mut model.clone()).await?;
            }
            Kind::Bootstrap(model, fit, replicates) => {
                gpu_bootstrap(ctx, model, fit, *replicates, 1, 0.95).await?;
            }
            Kind::Personal(data, settings, start) => {
                ctx.train_low_rank(data, settings, 2, start).await?;
            }
            Kind::Sweep(margins, betas) => {
                ctx.loss_sweep(MarginLoss::Sigmoid, margins, betas, 0.0)
                    .await?;
            }
            Kind::Reward(features, inputs, pairs, settings) => {
                ctx.train_reward(features, *inputs, pairs, settings).await?;
            }
        }
        Ok(())
    }
}
