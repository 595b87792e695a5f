//! The one Adam kernel (`adam.wgsl`) that the reward and personalized
//! models' training both dispatch. CPU twin:
//! [`prefplay_core::models::adam::Adam::step`].

use crate::GpuContext;
use crate::context::Kernel;

/// One invocation per parameter.
pub(crate) static ADAM: Kernel = Kernel {
    name: "adam",
    source: include_str!("adam.wgsl"),
    workgroup_size: 64,
};

impl GpuContext {
    /// The kernel's settings (`AdamSettings` in `adam.wgsl`): the step
    /// size, and how many parameters (the first ones) it steps.
    pub(crate) fn adam_settings(&self, learning_rate: f64, n_params: usize) -> wgpu::Buffer {
        let words = [(learning_rate as f32).to_bits(), n_params as u32, 0, 0];
        self.uniform_init("adam settings", bytemuck::cast_slice(&words))
    }
}
