//! The `loss_sweep` kernel: a DPO-family loss and its slope over a grid of
//! margins and β. CPU twin: [`prefplay_core::labs::loss_sweep::loss_sweep`].

use prefplay_core::labs::loss_sweep::{MarginLoss, check_sweep};

use crate::context::Kernel;
use crate::{GpuContext, GpuError};

/// One invocation per (margin, β).
pub(crate) static LOSS_SWEEP: Kernel = Kernel {
    name: "loss_sweep",
    source: concat!(
        include_str!("../shared/numerics.wgsl"),
        include_str!("loss_sweep.wgsl")
    ),
    workgroup_size: 64,
};

impl GpuContext {
    /// (loss, slope) at every (β, margin) pair on the GPU in `f32`,
    /// β-major like the CPU twin. Grids beyond the dispatch or storage
    /// limits are refused with [`GpuError::TooLarge`].
    pub async fn loss_sweep(
        &self,
        loss: MarginLoss,
        margins: &[f64],
        betas: &[f64],
        epsilon: f64,
    ) -> Result<Vec<(f64, f64)>, GpuError> {
        check_sweep(betas, epsilon)?;
        let limit = self.limits().max_compute_workgroups_per_dimension;
        let groups_x = LOSS_SWEEP.workgroups_for(margins.len());
        let points = margins.len() as u64 * betas.len() as u64;
        if groups_x > limit as usize || betas.len() > limit as usize {
            return Err(GpuError::TooLarge(format!(
                "{} margins × {} betas exceed the dispatch limit",
                margins.len(),
                betas.len()
            )));
        }
        self.check_binding_size(points * 8)?;
        if points == 0 {
            return Ok(Vec::new());
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let to_f32 = |x: &[f64]| x.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let params = [
            loss.code(),
            margins.len() as u32,
            betas.len() as u32,
            (epsilon as f32).to_bits(),
        ];
        let params = self.uniform_init("loss params", bytemuck::cast_slice(&params));
        let margins = self.storage_init("loss margins", bytemuck::cast_slice(&to_f32(margins)))?;
        let betas_buffer = self.storage_init("loss betas", bytemuck::cast_slice(&to_f32(betas)))?;
        let usage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
        let out = self.pooled_buffer("loss out", points * 8, usage);
        let staging = self.pooled_buffer(
            "loss staging",
            points * 8,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let bind_group = self.bind_group(
            &self.pipeline(&LOSS_SWEEP),
            "loss_sweep bindings",
            &[&params, &margins, &betas_buffer, &out],
        );
        let mut encoder = self.encoder("loss_sweep");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("loss_sweep"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.pipeline(&LOSS_SWEEP));
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(groups_x as u32, betas.len() as u32, 1);
        }
        encoder.copy_buffer_to_buffer(&out, 0, &staging, 0, points * 8);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_pod::<[f32; 2]>(&self.device, &staging).await?;
        Ok(raw
            .into_iter()
            .take(points as usize)
            .map(|[l, s]| (f64::from(l), f64::from(s)))
            .collect())
    }
}
