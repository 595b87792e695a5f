//! The `poisson_weights` kernel: Poisson bootstrap weights drawn on the
//! device from a counter-based hash and the slots' inverse-CDF tables.
//! CPU twin: [`prefplay_core::inference::counter_rng::PoissonTables::weight`], equal
//! bit for bit.

use prefplay_core::inference::counter_rng::PoissonTables;

use crate::context::Kernel;
use crate::{GpuContext, GpuError};

/// Invocations stride over the weights (a grid-stride loop).
pub(crate) static POISSON_WEIGHTS: Kernel = Kernel {
    name: "poisson_weights",
    source: include_str!("poisson_weights.wgsl"),
    workgroup_size: 64,
};

/// Poisson tables on the device, uploaded once per bootstrap.
#[derive(Debug)]
pub(crate) struct DeviceTables {
    pub n_slots: u32,
    slot_table: wgpu::Buffer,
    spans: wgpu::Buffer,
    thresholds: wgpu::Buffer,
}

impl GpuContext {
    /// Uploads `tables` (checked against the storage binding limit).
    pub(crate) fn upload_tables(&self, tables: &PoissonTables) -> Result<DeviceTables, GpuError> {
        let n_slots = u32::try_from(tables.n_slots())
            .map_err(|_| GpuError::TooLarge(format!("{} slots", tables.n_slots())))?;
        let spans: Vec<[u32; 4]> = tables
            .spans
            .iter()
            .map(|s| [s.lo, s.start, s.len, 0])
            .collect();
        Ok(DeviceTables {
            n_slots,
            slot_table: self.storage_init(
                "poisson slot_table",
                bytemuck::cast_slice(&tables.slot_table),
            )?,
            spans: self.storage_init("poisson spans", bytemuck::cast_slice(&spans))?,
            thresholds: self.storage_init(
                "poisson thresholds",
                bytemuck::cast_slice(&tables.thresholds),
            )?,
        })
    }

    /// Records the draw of replicates `first..first + replicates` into
    /// `weights` (replicate-major, `replicates × n_slots` `u32`s).
    pub(crate) fn encode_poisson_weights(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        tables: &DeviceTables,
        weights: &wgpu::Buffer,
        seed: u32,
        first: u32,
        replicates: u32,
    ) -> Result<(), GpuError> {
        let limit = self.limits().max_compute_workgroups_per_dimension;
        if replicates > limit {
            return Err(GpuError::TooLarge(format!(
                "{replicates} replicates in one dispatch (limit {limit})"
            )));
        }
        let params = self.uniform_init(
            "poisson params",
            bytemuck::cast_slice(&[tables.n_slots, replicates, seed, first]),
        );
        let bind_group = self.bind_group(
            &self.pipeline(&POISSON_WEIGHTS),
            "poisson_weights bindings",
            &[
                &params,
                &tables.slot_table,
                &tables.spans,
                &tables.thresholds,
                weights,
            ],
        );
        let groups_x = tables
            .n_slots
            .div_ceil(POISSON_WEIGHTS.workgroup_size)
            .clamp(1, limit);
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("poisson_weights"),
            timestamp_writes: None,
        });
        pass.set_pipeline(&self.pipeline(&POISSON_WEIGHTS));
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(groups_x, replicates, 1);
        Ok(())
    }

    /// Poisson weights of replicates `first..first + replicates` for every
    /// slot of `tables`, replicate-major: element `r * n_slots + k` is
    /// `tables.weight(seed, first + r, k)`. Work beyond the adapter's
    /// dispatch or storage limits is refused with [`GpuError::TooLarge`].
    pub async fn poisson_weights(
        &self,
        tables: &PoissonTables,
        seed: u32,
        first: u32,
        replicates: u32,
    ) -> Result<Vec<u32>, GpuError> {
        let bytes = tables.n_slots() as u64 * u64::from(replicates) * 4;
        self.check_binding_size(bytes)?;
        if bytes == 0 {
            return Ok(Vec::new());
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let device_tables = self.upload_tables(tables)?;
        let weights = self.empty_buffer(
            "poisson weights",
            bytes,
            wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC,
        );
        let staging = self.staging_buffer("poisson staging", bytes);
        let mut encoder = self.encoder("poisson_weights");
        self.encode_poisson_weights(
            &mut encoder,
            &device_tables,
            &weights,
            seed,
            first,
            replicates,
        )?;
        encoder.copy_buffer_to_buffer(&weights, 0, &staging, 0, bytes);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        crate::readback::read_pod::<u32>(&self.device, &staging).await
    }
}
