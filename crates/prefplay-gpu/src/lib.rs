//! prefplay-gpu: the wgpu compute engine.
//!
//! Conventions:
//! - Kernels compute in `f32`; every kernel has a CPU twin in
//!   `prefplay-core` (`f64`) and a parity test in `tests/`.
//! - WGSL lives in sibling `.wgsl` files, one entry point each, bindings
//!   commented, workgroup size a named constant.
//! - GPU state is built once ([`GpuContext`]) and passed in; nothing here
//!   blocks on the web: read-backs await `map_async`.
//! - [`Engine`] picks the GPU when an adapter exists and falls back to the
//!   exact CPU path on any GPU error, saying why.
#![deny(missing_docs)]

mod bt_bootstrap;
mod bt_pieces;
mod buffers;
mod context;
pub mod engine;
mod error;
mod loss_sweep;
mod pair_rows;
mod personal_train;
mod poisson_weights;
mod pref_loss;
mod readback;
mod reward_train;

pub use bt_bootstrap::{
    BATCH_ACCEPT_SLACK, BATCH_CG_TOLERANCE, BATCH_CHUNK, BATCH_MAX_CG, BATCH_MAX_ITERATIONS,
    BATCH_STALL_TOLERANCE, BATCH_TOLERANCE, BT_BATCH_FIT_WORKGROUP_SIZE, BatchCounts, BatchFits,
    BatchModel,
};
pub use bt_pieces::{BT_PIECES_WORKGROUP_SIZE, BtGpuProblem};
pub use context::GpuContext;
pub use engine::{
    Engine, EngineBootstrap, EngineOutput, EngineRun, EngineTrainer, F32_PHASE_TOLERANCE, Step,
    gpu_bootstrap_refusal,
};
pub use error::GpuError;
pub use loss_sweep::LOSS_SWEEP_WORKGROUP_SIZE;
pub use personal_train::{LOWRANK_WORKGROUP_SIZE, MIXTURE_MAX_GROUPS};
pub use poisson_weights::POISSON_WEIGHTS_WORKGROUP_SIZE;
pub use pref_loss::{AOT_MAX_ROWS, PREF_LOSS_CONTEXT_WORKGROUP_SIZE, PREF_LOSS_WORKGROUP_SIZE};
pub use reward_train::{REWARD_TILE, REWARD_WORKGROUP_SIZE};

#[cfg(test)]
mod tests {
    /// Every kernel's Rust-side workgroup size is the one its WGSL declares.
    #[test]
    fn every_kernel_declares_its_workgroup_size() {
        for (source, size) in [
            (crate::bt_pieces::SHADER, crate::BT_PIECES_WORKGROUP_SIZE),
            (
                crate::bt_bootstrap::SHADER,
                crate::BT_BATCH_FIT_WORKGROUP_SIZE,
            ),
            (crate::loss_sweep::SHADER, crate::LOSS_SWEEP_WORKGROUP_SIZE),
            (
                crate::poisson_weights::SHADER,
                crate::POISSON_WEIGHTS_WORKGROUP_SIZE,
            ),
        ] {
            let line = format!("const WORKGROUP_SIZE: u32 = {size}u;");
            assert!(source.contains(&line), "{line} missing");
        }
        for (name, source) in crate::personal_train::KERNELS {
            let line = format!(
                "const WORKGROUP_SIZE: u32 = {}u;",
                crate::LOWRANK_WORKGROUP_SIZE
            );
            assert!(source.contains(&line), "{name}: {line} missing");
        }
        for (name, source, size) in crate::pref_loss::KERNELS {
            let line = format!("const WORKGROUP_SIZE: u32 = {size}u;");
            assert!(source.contains(&line), "{name}: {line} missing");
        }
    }
}
