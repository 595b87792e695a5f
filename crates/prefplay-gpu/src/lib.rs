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
mod buffers;
mod context;
pub mod engine;
mod error;
mod loss_sweep;
mod pair_rows;
mod pairwise;
mod personal_train;
mod poisson_weights;
mod pref_loss;
mod readback;
mod reward_train;

pub use bt_bootstrap::{
    BATCH_ACCEPT_SLACK, BATCH_CG_TOLERANCE, BATCH_CHUNK, BATCH_MAX_CG, BATCH_MAX_ITERATIONS,
    BATCH_STALL_TOLERANCE, BATCH_TOLERANCE, BatchCounts, BatchFits, BatchModel,
};
pub use context::GpuContext;
pub use engine::{
    Engine, EngineBootstrap, EngineOutput, EngineRun, EngineTrainer, F32_PHASE_TOLERANCE, Step,
    gpu_bootstrap_refusal,
};
pub use error::GpuError;
pub use pairwise::PairwiseGpuProblem;
pub use personal_train::MIXTURE_MAX_GROUPS;
pub use pref_loss::AOT_MAX_ROWS;

#[cfg(test)]
mod tests {
    use crate::context::Kernel;

    /// Every kernel the crate declares, for the checks below.
    fn kernels() -> Vec<&'static Kernel> {
        let mut all: Vec<&'static Kernel> = vec![
            &crate::bt_bootstrap::BT_BATCH_FIT,
            &crate::loss_sweep::LOSS_SWEEP,
            &crate::poisson_weights::POISSON_WEIGHTS,
            &crate::pairwise::CELLS,
            &crate::pairwise::ITEMS,
            &crate::pairwise::EXTRAS,
            &crate::pref_loss::CONTEXT,
            &crate::pref_loss::ROWS,
            &crate::pref_loss::POLICY_ROWS,
            &crate::pref_loss::POLICY_UPDATE,
        ];
        all.extend(crate::personal_train::KERNELS.iter());
        all.extend(crate::reward_train::KERNELS.iter());
        all
    }

    /// Each kernel takes its workgroup size from its descriptor (an
    /// `override`, never a number of its own), has its entry point, and
    /// has a name no other kernel has (names key the pipeline cache).
    #[test]
    fn every_kernel_is_declared_once_and_sized_by_its_descriptor() {
        let mut names = std::collections::HashSet::new();
        for kernel in kernels() {
            assert!(names.insert(kernel.name), "{} twice", kernel.name);
            assert!(
                kernel.source.contains("override WORKGROUP_SIZE: u32;"),
                "{}: no override WORKGROUP_SIZE",
                kernel.name
            );
            assert!(
                !kernel.source.contains("const WORKGROUP_SIZE"),
                "{}: a workgroup size of its own",
                kernel.name
            );
            assert!(
                kernel.source.contains(&format!("fn {}(", kernel.name)),
                "{}: no entry point",
                kernel.name
            );
            assert!(kernel.workgroup_size > 0);
        }
    }
}
