//! The crate's one error type.

use thiserror::Error;

/// What can go wrong on the GPU path. Every variant is recoverable by
/// falling back to the CPU engine.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GpuError {
    /// No WebGPU / Vulkan / Metal / DX12 adapter was found.
    #[error("no GPU adapter: {0}")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("GPU device request failed: {0}")]
    Device(String),
    /// wgpu reported a validation or out-of-memory error.
    #[error("GPU error: {0}")]
    Validation(String),
    /// Reading results back failed (e.g. the device was lost).
    #[error("GPU read-back failed: {0}")]
    Readback(String),
    /// The device was lost or reported an error outside any error scope.
    #[error("GPU device unusable: {0}")]
    Lost(String),
    /// The problem exceeds this adapter's limits.
    #[error("problem too large for this GPU: {0}")]
    TooLarge(String),
    /// The solver rejected its input (a bug or bad parameters).
    #[error(transparent)]
    Core(#[from] prefplay_core::Error),
}
