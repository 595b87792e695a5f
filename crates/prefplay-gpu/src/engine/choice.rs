//! What `Engine::Auto` runs where before a calibration of the adapter
//! exists ([`super::calibration`]): the committed benchmarks' first guess.
//!
//! Work is counted per [`Workload`]: for fits and bootstraps in cell fits
//! (the cells, i.e. compared pairs, times the datasets fitted: 1 for a
//! fit, the replicates for a bootstrap); for reward training in flops
//! (4·n·d·h + 40·pairs per step); for a loss sweep in grid points.
//!
//! Measured (`cargo xtask bench`, 2-core VM, 2026-11-29; README "Speed"):
//! - software adapters (Mesa's llvmpipe natively, SwiftShader in Chromium)
//!   were slower than the CPU at every size: a fit of 12 items / 40 votes
//!   0.60 ms vs 0.07 ms up to 1,000 items / 50,000 votes 1,984 ms vs
//!   1,699 ms; the bootstrap 9–20× slower up to 4.95M cell fits
//!   (100 items, 100k votes, 1,000 replicates: 7,580 ms vs 434 ms); in
//!   Chromium a 40-vote fit took 16 ms on SwiftShader and 0.2 ms on the CPU.
//!   Reward training was 6–8× slower at every size (up to 5,000 items ×
//!   64 features × 128 hidden units). Toy policy training was 1.5–1,400×
//!   slower (256 prompts × 64 responses, 100k pairs, 20 steps: 1,435 ms
//!   vs 927 ms; 4 × 8 with 8 pairs, 100 steps: 231 ms vs 0.17 ms). So
//!   Personalized low-rank training was 4.5–10× slower (5,000 raters ×
//!   100 items, 200k votes, 100 steps: 1,978 ms vs 431 ms). So `Auto`
//!   never runs these on a software adapter.
//! - the loss sweep on llvmpipe broke even with the CPU twin (which is
//!   single-threaded) at 3,000 grid points (300 × 10: 0.108 ms each) and
//!   was 1.6–2.1× faster from 10,000 up: [`SOFTWARE_SWEEP_CROSSOVER_POINTS`].
//! - the CPU costs [`CPU_NS_PER_CELL_FIT`] per cell fit (the 4.95M bootstrap
//!   above), [`CPU_NS_PER_SWEEP_POINT`] per sweep point (10⁷ points in
//!   406 ms) and trains rewards at [`CPU_REWARD_FLOPS_PER_S`] (5,000 × 64 ×
//!   128, 10 steps, 1.68 GFLOP in 1,026 ms).
//!
//! Not measured: a hardware GPU (no session has had one). Until one is,
//! `Auto` uses a hardware GPU when the CPU would take longer than
//! [`HARDWARE_GPU_FIXED_MS`], an assumed fixed cost of a GPU computation
//! (upload, dispatch, a read-back round trip); that puts the crossovers at
//! [`HARDWARE_CROSSOVER_CELL_FITS`] cell fits, [`HARDWARE_CROSSOVER_SWEEP_POINTS`]
//! sweep points and [`HARDWARE_CROSSOVER_REWARD_FLOPS`] training flops.

/// What the work is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Workload {
    /// A pairwise model's fit; work in cells.
    Fits,
    /// A bootstrap (all replicates' fits at once); work in cell fits
    /// (cells × replicates).
    Bootstrap,
    /// Reward-model training; work in flops.
    RewardTraining,
    /// A loss sweep, or a batch of preference losses; work in grid points
    /// (rows).
    LossSweep,
    /// Toy policy training; work in row-steps (preferences × steps).
    PolicyTraining,
    /// Personalized low-rank training; work in vote-steps (votes × steps).
    PersonalTraining,
}

impl Workload {
    /// The family in words, and its unit.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Workload::Fits => ("pairwise fit", "cells"),
            Workload::Bootstrap => ("bootstrap", "cell fits"),
            Workload::RewardTraining => ("reward training", "flops"),
            Workload::LossSweep => ("loss sweep", "grid points"),
            Workload::PolicyTraining => ("toy policy training", "row-steps"),
            Workload::PersonalTraining => ("personalized training", "vote-steps"),
        }
    }
}

/// CPU time per vote-step of personalized low-rank training, nanoseconds
/// (measured, `cargo xtask bench`: 21.5–34.3 ns from 1k to 200k votes at
/// rank 2).
pub const CPU_NS_PER_PERSONAL_VOTE_STEP: f64 = 30.0;

/// Vote-steps above which `Auto` trains the personalized model on a
/// hardware GPU: [`HARDWARE_GPU_FIXED_MS`] / [`CPU_NS_PER_PERSONAL_VOTE_STEP`].
pub const HARDWARE_CROSSOVER_PERSONAL_VOTE_STEPS: u64 = 166_667;

/// CPU time per row-step of toy policy training, nanoseconds (measured,
/// `cargo xtask bench`: 4 prompts × 8 responses, 1,000 pairs, DPO, 100
/// steps in 13.3 ms; with 64 responses a row-step costs 464–504 ns, so
/// this is the low end).
pub const CPU_NS_PER_POLICY_ROW_STEP: f64 = 133.0;

/// Row-steps above which `Auto` trains the toy policy on a hardware GPU:
/// [`HARDWARE_GPU_FIXED_MS`] / [`CPU_NS_PER_POLICY_ROW_STEP`].
pub const HARDWARE_CROSSOVER_POLICY_ROW_STEPS: u64 = 37_594;

/// Grid points from which a software adapter ran the loss sweep faster
/// than the CPU twin (measured, see the module docs).
pub const SOFTWARE_SWEEP_CROSSOVER_POINTS: u64 = 3_000;

/// CPU time per loss-sweep point, nanoseconds (measured).
pub const CPU_NS_PER_SWEEP_POINT: f64 = 40.6;

/// CPU reward-training rate, flops per second (measured).
pub const CPU_REWARD_FLOPS_PER_S: f64 = 1.64e9;

/// Sweep points above which `Auto` uses a hardware GPU:
/// [`HARDWARE_GPU_FIXED_MS`] / [`CPU_NS_PER_SWEEP_POINT`].
pub const HARDWARE_CROSSOVER_SWEEP_POINTS: u64 = 123_153;

/// Training flops above which `Auto` uses a hardware GPU:
/// [`HARDWARE_GPU_FIXED_MS`] × [`CPU_REWARD_FLOPS_PER_S`].
pub const HARDWARE_CROSSOVER_REWARD_FLOPS: u64 = 8_200_000;

/// CPU time per cell fit, nanoseconds (measured, see the module docs).
pub const CPU_NS_PER_CELL_FIT: f64 = 88.0;

/// Assumed fixed cost of a computation on a hardware GPU, milliseconds
/// (not measured; see the module docs).
pub const HARDWARE_GPU_FIXED_MS: f64 = 5.0;

/// Cell fits above which `Auto` uses a hardware GPU:
/// [`HARDWARE_GPU_FIXED_MS`] / [`CPU_NS_PER_CELL_FIT`].
pub const HARDWARE_CROSSOVER_CELL_FITS: u64 = 56_818;

/// `Ok` when `Auto` should run `work` (in the workload's unit) on a GPU
/// of this kind, else why not.
pub fn auto_choice(workload: Workload, software_adapter: bool, work: u64) -> Result<(), String> {
    let (crossover, unit) = match (workload, software_adapter) {
        (Workload::LossSweep, true) => (SOFTWARE_SWEEP_CROSSOVER_POINTS, "sweep points"),
        (_, true) => {
            return Err(
                "auto: the GPU adapter is a software renderer, measured slower than the CPU at every size"
                    .to_string(),
            );
        }
        (Workload::Fits | Workload::Bootstrap, false) => {
            (HARDWARE_CROSSOVER_CELL_FITS, "cell fits")
        }
        (Workload::LossSweep, false) => (HARDWARE_CROSSOVER_SWEEP_POINTS, "sweep points"),
        (Workload::RewardTraining, false) => (HARDWARE_CROSSOVER_REWARD_FLOPS, "training flops"),
        (Workload::PolicyTraining, false) => (HARDWARE_CROSSOVER_POLICY_ROW_STEPS, "row-steps"),
        (Workload::PersonalTraining, false) => {
            (HARDWARE_CROSSOVER_PERSONAL_VOTE_STEPS, "vote-steps")
        }
    };
    if work < crossover {
        return Err(format!(
            "auto: {work} {unit} are below the GPU crossover of {crossover}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hardware_crossovers_are_the_fixed_cost_over_the_cpu_costs() {
        let fixed_ns = HARDWARE_GPU_FIXED_MS * 1e6;
        let cells = fixed_ns / CPU_NS_PER_CELL_FIT;
        assert!((cells - HARDWARE_CROSSOVER_CELL_FITS as f64).abs() < 1.0);
        let points = fixed_ns / CPU_NS_PER_SWEEP_POINT;
        assert!((points - HARDWARE_CROSSOVER_SWEEP_POINTS as f64).abs() < 1.0);
        let vote_steps = fixed_ns / CPU_NS_PER_PERSONAL_VOTE_STEP;
        assert!((vote_steps - HARDWARE_CROSSOVER_PERSONAL_VOTE_STEPS as f64).abs() < 1.0);
        let row_steps = fixed_ns / CPU_NS_PER_POLICY_ROW_STEP;
        assert!((row_steps - HARDWARE_CROSSOVER_POLICY_ROW_STEPS as f64).abs() < 1.0);
        let flops = HARDWARE_GPU_FIXED_MS / 1e3 * CPU_REWARD_FLOPS_PER_S;
        assert!((flops - HARDWARE_CROSSOVER_REWARD_FLOPS as f64).abs() < 1.0);
    }

    #[test]
    fn software_adapters_run_only_large_sweeps_and_hardware_ones_above_the_crossover() {
        assert!(auto_choice(Workload::Fits, true, u64::MAX).is_err());
        assert!(auto_choice(Workload::RewardTraining, true, u64::MAX).is_err());
        assert!(auto_choice(Workload::LossSweep, true, 2_999).is_err());
        assert!(auto_choice(Workload::LossSweep, true, 3_000).is_ok());
        assert!(auto_choice(Workload::Fits, false, HARDWARE_CROSSOVER_CELL_FITS - 1).is_err());
        assert!(auto_choice(Workload::Fits, false, HARDWARE_CROSSOVER_CELL_FITS).is_ok());
    }
}
