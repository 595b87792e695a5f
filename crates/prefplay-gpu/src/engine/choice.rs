//! What `Engine::Auto` runs where, from the committed benchmarks.
//!
//! Work is counted in cell fits: the cells (compared pairs) of the data
//! times the datasets fitted (1 for a fit, the replicates for a bootstrap).
//!
//! Measured (`cargo xtask bench`, 2-core VM, 2026-11-29; README "Speed"):
//! - software adapters (Mesa's llvmpipe natively, SwiftShader in Chromium)
//!   were slower than the CPU at every size: a fit of 12 items / 40 votes
//!   0.60 ms vs 0.07 ms up to 1,000 items / 50,000 votes 1,984 ms vs
//!   1,699 ms; the bootstrap 9–20× slower up to 4.95M cell fits
//!   (100 items, 100k votes, 1,000 replicates: 7,580 ms vs 434 ms); in
//!   Chromium a 40-vote fit took 16 ms on SwiftShader and 0.2 ms on the CPU.
//!   So `Auto` never uses a software adapter.
//! - the CPU costs [`CPU_NS_PER_CELL_FIT`] per cell fit (the 4.95M bootstrap
//!   above).
//!
//! Not measured: a hardware GPU (no session has had one). Until one is,
//! `Auto` uses a hardware GPU when the CPU would take longer than
//! [`HARDWARE_GPU_FIXED_MS`], an assumed fixed cost of a GPU computation
//! (upload, dispatch, a read-back round trip); that puts the crossover at
//! [`HARDWARE_CROSSOVER_CELL_FITS`].

/// CPU time per cell fit, nanoseconds (measured, see the module docs).
pub const CPU_NS_PER_CELL_FIT: f64 = 88.0;

/// Assumed fixed cost of a computation on a hardware GPU, milliseconds
/// (not measured; see the module docs).
pub const HARDWARE_GPU_FIXED_MS: f64 = 5.0;

/// Cell fits above which `Auto` uses a hardware GPU:
/// [`HARDWARE_GPU_FIXED_MS`] / [`CPU_NS_PER_CELL_FIT`].
pub const HARDWARE_CROSSOVER_CELL_FITS: u64 = 56_818;

/// `Ok` when `Auto` should run `work` cell fits on a GPU of this kind,
/// else why not.
pub fn auto_choice(software_adapter: bool, work: u64) -> Result<(), String> {
    if software_adapter {
        return Err(
            "auto: the GPU adapter is a software renderer, measured slower than the CPU at every size"
                .to_string(),
        );
    }
    if work < HARDWARE_CROSSOVER_CELL_FITS {
        return Err(format!(
            "auto: {work} cell fits are below the GPU crossover of {HARDWARE_CROSSOVER_CELL_FITS}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crossover_is_the_fixed_cost_over_the_cpu_cost() {
        let derived = HARDWARE_GPU_FIXED_MS * 1e6 / CPU_NS_PER_CELL_FIT;
        assert!((derived - HARDWARE_CROSSOVER_CELL_FITS as f64).abs() < 1.0);
    }

    #[test]
    fn software_adapters_are_never_chosen_and_hardware_ones_above_the_crossover() {
        assert!(auto_choice(true, u64::MAX).is_err());
        assert!(auto_choice(false, HARDWARE_CROSSOVER_CELL_FITS - 1).is_err());
        assert!(auto_choice(false, HARDWARE_CROSSOVER_CELL_FITS).is_ok());
    }
}
