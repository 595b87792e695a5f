//! The `poisson_weights` kernel: Poisson(1) bootstrap weights drawn on the
//! device from a counter-based hash. CPU twin:
//! [`prefplay_core::counter_rng::poisson1_weight`], equal bit for bit.

use crate::{GpuContext, GpuError};

/// Invocations per workgroup; equals `WORKGROUP_SIZE` in `poisson_weights.wgsl`.
pub const POISSON_WEIGHTS_WORKGROUP_SIZE: u32 = 64;

const SHADER: &str = include_str!("poisson_weights.wgsl");

pub(crate) fn create_pipeline(device: &wgpu::Device) -> wgpu::ComputePipeline {
    crate::context::compute_pipeline(device, "poisson_weights", SHADER)
}

impl GpuContext {
    /// Poisson(1) weights for `replicates` bootstrap replicates of
    /// `n_cells` cells, replicate-major: element `r * n_cells + i` is
    /// `poisson1_weight(seed, r, i)`. Work beyond the adapter's dispatch or
    /// storage limits is refused with [`GpuError::TooLarge`].
    pub async fn poisson_weights(
        &self,
        seed: u32,
        replicates: u32,
        n_cells: u32,
    ) -> Result<Vec<u32>, GpuError> {
        let limits = self.limits();
        let groups_x = n_cells.div_ceil(POISSON_WEIGHTS_WORKGROUP_SIZE);
        let bytes = u64::from(n_cells) * u64::from(replicates) * 4;
        if groups_x > limits.max_compute_workgroups_per_dimension
            || replicates > limits.max_compute_workgroups_per_dimension
            || bytes > limits.max_storage_buffer_binding_size
            || bytes > limits.max_buffer_size
        {
            return Err(GpuError::TooLarge(format!(
                "{replicates} replicates × {n_cells} cells exceed this adapter's limits"
            )));
        }
        if bytes == 0 {
            return Ok(Vec::new());
        }
        self.check_health()?;
        let device = &self.device;
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let params = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("poisson params"),
            size: 16,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        self.queue.write_buffer(
            &params,
            0,
            bytemuck::cast_slice(&[n_cells, replicates, seed, 0u32]),
        );
        let weights = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("poisson weights"),
            size: bytes,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let staging = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("poisson staging"),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("poisson_weights bindings"),
            layout: &self.poisson_weights.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: params.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: weights.as_entire_binding(),
                },
            ],
        });
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("poisson_weights"),
        });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("poisson_weights"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.poisson_weights);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(groups_x, replicates, 1);
        }
        encoder.copy_buffer_to_buffer(&weights, 0, &staging, 0, bytes);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        crate::readback::read_pod::<u32>(device, &staging).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn workgroup_size_matches_the_shader() {
        let line = format!(
            "const WORKGROUP_SIZE: u32 = {}u;",
            super::POISSON_WEIGHTS_WORKGROUP_SIZE
        );
        assert!(super::SHADER.contains(&line));
    }
}
