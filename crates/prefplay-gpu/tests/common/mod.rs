//! Helpers shared by the GPU parity tests.

#![allow(dead_code)]

pub mod models;

use prefplay_core::{Dataset, Outcome, Vote};
use prefplay_gpu::GpuContext;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// Absolute part of the parity tolerance for `f32` GPU vs `f64` CPU.
pub const ABS_TOL: f64 = 1e-4;
/// Relative part of the parity tolerance.
pub const REL_TOL: f64 = 1e-4;

/// Whether `CI` is `true` or `1` (natively at run time, in wasm at build time).
pub fn running_in_ci() -> bool {
    #[cfg(target_arch = "wasm32")]
    let ci = option_env!("CI");
    #[cfg(not(target_arch = "wasm32"))]
    let ci = std::env::var("CI").ok();
    ci.is_some_and(|v| v == "true" || v == "1")
}

/// The GPU context, or `None` (test skipped) when no adapter exists outside CI.
pub async fn context_or_skip() -> Option<GpuContext> {
    match GpuContext::new().await {
        Ok(ctx) => Some(ctx),
        Err(e) if running_in_ci() => panic!("CI=true and no usable GPU: {e}"),
        Err(e) => {
            eprintln!("SKIPPED: no usable GPU ({e}); set CI=true to make this a failure");
            None
        }
    }
}

/// Fails when |gpu − cpu| > ABS_TOL + REL_TOL·|cpu|.
pub fn assert_close(what: &str, gpu: f64, cpu: f64, seed: u64) {
    assert!(
        (gpu - cpu).abs() <= ABS_TOL + REL_TOL * cpu.abs(),
        "seed {seed}: {what}: gpu {gpu} vs cpu {cpu}"
    );
}

/// A seed that differs between runs (printed by failing tests).
pub fn fresh_seed() -> u64 {
    let now = web_time::SystemTime::now();
    now.duration_since(web_time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// `n_votes` Bradley–Terry votes (10% ties) on random pairs of `n_items`
/// items with strengths uniform in ±2.
pub fn random_dataset(rng: &mut Pcg64Mcg, n_items: usize, n_votes: usize) -> Dataset {
    let items = (0..n_items).map(|i| format!("item {i}")).collect();
    let strength: Vec<f64> = (0..n_items).map(|_| rng.random_range(-2.0..2.0)).collect();
    let votes = (0..n_votes)
        .map(|_| {
            let a = rng.random_range(0..n_items);
            let b = (a + rng.random_range(1..n_items)) % n_items;
            let p_a = prefplay_core::numerics::sigmoid(strength[a] - strength[b]);
            let u: f64 = rng.random();
            let winner = if u < 0.1 {
                Outcome::Tie
            } else if rng.random_bool(p_a) {
                Outcome::A
            } else {
                Outcome::B
            };
            Vote {
                item_a: a,
                item_b: b,
                outcome: winner,
            }
        })
        .collect();
    Dataset::new(items, votes).expect("valid votes")
}
