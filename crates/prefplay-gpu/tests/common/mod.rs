//! Helpers shared by the GPU parity tests.

#![allow(dead_code)]

use prefplay_gpu::GpuContext;

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
