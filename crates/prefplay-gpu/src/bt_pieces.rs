//! The `bt_pieces` kernel: Bradley–Terry log-likelihood, gradient and
//! information over a comparison graph. CPU twin:
//! [`prefplay_core::bt_pieces_reference`].

use prefplay_core::{ComparisonGraph, NewtonPieces};

use crate::{GpuContext, GpuError};

/// Invocations per workgroup; equals `WORKGROUP_SIZE` in `bt_pieces.wgsl`.
pub const BT_PIECES_WORKGROUP_SIZE: u32 = 64;

pub(crate) const SHADER: &str = concat!(
    include_str!("numerics.wgsl"),
    include_str!("bt_pieces.wgsl")
);

pub(crate) fn create_pipeline(device: &wgpu::Device) -> wgpu::ComputePipeline {
    crate::context::compute_pipeline(device, "bt_pieces", SHADER)
}

/// A comparison graph uploaded once for a fit; each Newton iteration only
/// writes new scores and reads the pieces back.
#[derive(Debug)]
pub struct BtGpuProblem {
    n_items: usize,
    n_entries: usize,
    scores: wgpu::Buffer,
    item_out: wgpu::Buffer,
    offdiag: wgpu::Buffer,
    staging: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    workgroups: u32,
}

/// Bytes for `len` elements of `elem` bytes; bindings may not be empty.
fn binding_bytes(len: usize, elem: usize) -> u64 {
    (len.max(1) * elem) as u64
}

impl GpuContext {
    /// Uploads `graph` for repeated [`GpuContext::bt_pieces`] calls.
    pub async fn upload_bt(&self, graph: &ComparisonGraph) -> Result<BtGpuProblem, GpuError> {
        let (n_items, n_entries) = (graph.n_items(), graph.n_entries());
        let workgroups = u32::try_from(n_items.div_ceil(BT_PIECES_WORKGROUP_SIZE as usize))
            .ok()
            .filter(|&w| w <= self.limits().max_compute_workgroups_per_dimension)
            .ok_or_else(|| {
                GpuError::TooLarge(format!("{n_items} items exceed the dispatch limit"))
            })?;
        self.check_binding_size(binding_bytes(n_items, 16).max(binding_bytes(n_entries, 8)))?;
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let storage = wgpu::BufferUsages::STORAGE;
        let params = [n_items as u32, 0, 0, 0];
        let params = self.uniform_init("bt params", bytemuck::cast_slice(&params));
        let row_start =
            self.storage_init("bt row_start", bytemuck::cast_slice(&graph.row_start))?;
        let wins: Vec<[f32; 2]> = graph
            .wins_for
            .iter()
            .zip(&graph.wins_against)
            .map(|(&f, &a)| [f as f32, a as f32])
            .collect();
        let opponent = self.storage_init("bt opponent", bytemuck::cast_slice(&graph.opponent))?;
        let wins = self.storage_init("bt wins", bytemuck::cast_slice(&wins))?;
        let scores = self.empty_buffer(
            "bt scores",
            binding_bytes(n_items, 4),
            storage | wgpu::BufferUsages::COPY_DST,
        );
        let out_usage = storage | wgpu::BufferUsages::COPY_SRC;
        let item_out = self.empty_buffer("bt item_out", binding_bytes(n_items, 16), out_usage);
        let offdiag = self.empty_buffer("bt offdiag", binding_bytes(n_entries, 4), out_usage);
        let staging = self.staging_buffer(
            "bt staging",
            binding_bytes(n_items, 16) + binding_bytes(n_entries, 4),
        );
        let bind_group = self.bind_group(
            &self.bt_pieces,
            "bt_pieces bindings",
            &[
                &params, &row_start, &opponent, &wins, &scores, &item_out, &offdiag,
            ],
        );
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        Ok(BtGpuProblem {
            n_items,
            n_entries,
            scores,
            item_out,
            offdiag,
            staging,
            bind_group,
            workgroups,
        })
    }

    /// Evaluates the Newton pieces at `scores` (one per item) on the GPU.
    pub async fn bt_pieces(
        &self,
        problem: &BtGpuProblem,
        scores: &[f64],
    ) -> Result<NewtonPieces, GpuError> {
        let n = problem.n_items;
        if scores.len() != n {
            return Err(GpuError::Validation(format!(
                "{} scores for {n} items",
                scores.len()
            )));
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let mut scores_f32: Vec<f32> = scores.iter().map(|&s| s as f32).collect();
        scores_f32.resize(n.max(1), 0.0);
        self.queue
            .write_buffer(&problem.scores, 0, bytemuck::cast_slice(&scores_f32));
        let mut encoder = self
            .device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                label: Some("bt_pieces"),
            });
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("bt_pieces"),
                timestamp_writes: None,
            });
            pass.set_pipeline(&self.bt_pieces);
            pass.set_bind_group(0, &problem.bind_group, &[]);
            pass.dispatch_workgroups(problem.workgroups, 1, 1);
        }
        let item_bytes = binding_bytes(n, 16);
        encoder.copy_buffer_to_buffer(&problem.item_out, 0, &problem.staging, 0, item_bytes);
        encoder.copy_buffer_to_buffer(
            &problem.offdiag,
            0,
            &problem.staging,
            item_bytes,
            binding_bytes(problem.n_entries, 4),
        );
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_f32s(&self.device, &problem.staging).await?;
        let (items, offdiag) = raw.split_at(4 * n.max(1));
        let mut pieces = NewtonPieces {
            log_lik: 0.0,
            grad: Vec::with_capacity(n),
            info_diag: Vec::with_capacity(n),
            info_offdiag: offdiag[..problem.n_entries]
                .iter()
                .map(|&x| f64::from(x))
                .collect(),
        };
        let mut twice_log_lik = 0.0;
        for item in items.chunks_exact(4).take(n) {
            twice_log_lik += f64::from(item[0]);
            pieces.grad.push(f64::from(item[1]));
            pieces.info_diag.push(f64::from(item[2]));
        }
        pieces.log_lik = 0.5 * twice_log_lik;
        Ok(pieces)
    }
}
