//! prefplay-gpu: the wgpu compute engine.
//!
//! Conventions:
//! - Kernels compute in `f32`; every kernel has a CPU twin in
//!   `prefplay-core` (`f64`) and a parity test in `tests/`.
//! - A kernel family is a folder: its Rust module and its `.wgsl` files,
//!   one entry point each, bindings commented (`pairwise/`,
//!   `batch_fit/`, `personal_train/`, `reward_train/`, `pref_loss/`,
//!   `loss_sweep/`, `adam/`; helpers every family may prepend in
//!   `shared/`). Each kernel is declared once as a `context::Kernel`
//!   (name, source, workgroup size) and compiled on first use; its
//!   shader's `override WORKGROUP_SIZE` is set from the descriptor.
//! - GPU state is built once ([`GpuContext`]) and passed in; nothing here
//!   blocks on the web: read-backs await `map_async`.
//! - [`Engine`] picks the GPU when an adapter exists and falls back to the
//!   exact CPU path on any GPU error, saying why.
#![deny(missing_docs)]

mod adam;
mod batch_fit;
mod buffers;
mod context;
pub mod engine;
mod error;
mod loss_sweep;
mod pair_rows;
mod pairwise;
mod personal_train;
mod pref_loss;
mod readback;
mod reward_train;

pub use batch_fit::{
    BATCH_ACCEPT_SLACK, BATCH_CG_TOLERANCE, BATCH_CHUNK, BATCH_MAX_CG, BATCH_MAX_ITERATIONS,
    BATCH_STALL_TOLERANCE, BATCH_TOLERANCE, BatchCounts, BatchFits,
};
pub use context::GpuContext;
pub use engine::{
    Engine, EngineBootstrap, EngineOutput, EngineRun, EngineTrainer, F32_PHASE_TOLERANCE, Step,
};
pub use error::GpuError;
pub use pairwise::PairwiseGpuProblem;
pub use personal_train::MIXTURE_MAX_GROUPS;
pub use pref_loss::AOT_MAX_ROWS;

/// Every kernel the crate declares, each once (families that share a
/// kernel, Adam, list it once): for [`GpuContext::compile_every_kernel`]
/// and the descriptor checks.
pub(crate) fn every_kernel() -> Vec<&'static context::Kernel> {
    let mut all: Vec<&'static context::Kernel> = vec![
        &adam::ADAM,
        &batch_fit::BATCH_FIT,
        &loss_sweep::LOSS_SWEEP,
        &batch_fit::poisson_weights::POISSON_WEIGHTS,
        &pairwise::CELLS,
        &pairwise::ITEMS,
        &pairwise::EXTRAS,
        &pref_loss::CONTEXT,
        &pref_loss::ROWS,
        &pref_loss::POLICY_ROWS,
        &pref_loss::POLICY_UPDATE,
    ];
    for kernel in personal_train::KERNELS.iter().chain(&reward_train::KERNELS) {
        if !all.iter().any(|k| std::ptr::eq(*k, *kernel)) {
            all.push(kernel);
        }
    }
    all
}

impl GpuContext {
    /// Compiles every kernel now (what creating a context did before
    /// kernels were compiled on first use); returns how many. For
    /// measuring that cost (`benches/context.rs`), or warming a context
    /// up before timing work.
    pub fn compile_every_kernel(&self) -> usize {
        let all = every_kernel();
        for kernel in &all {
            self.pipeline(kernel);
        }
        all.len()
    }

    /// Waits until the device has done everything asked of it so far
    /// (pipelines compiled, work submitted); for timing.
    pub async fn wait_idle(&self) {
        let (sender, receiver) = futures_channel::oneshot::channel();
        self.queue.on_submitted_work_done(move || {
            // The receiver only goes when the caller was dropped.
            let _ = sender.send(());
        });
        self.queue.submit([]);
        // Natively the callback runs from a poll; on the web the browser runs it.
        let _ = self.device.poll(wgpu::PollType::wait_indefinitely());
        let _ = receiver.await;
    }
}

#[cfg(test)]
mod tests {
    /// Each kernel takes its workgroup size from its descriptor (an
    /// `override`, never a number of its own), has its entry point, and
    /// has a name no other kernel has (names key the pipeline cache).
    #[test]
    fn every_kernel_is_declared_once_and_sized_by_its_descriptor() {
        let mut names = std::collections::HashSet::new();
        for kernel in crate::every_kernel() {
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
