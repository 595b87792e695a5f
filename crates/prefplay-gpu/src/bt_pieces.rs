//! The `bt_pieces` kernel: the likelihood part of an evaluation of plain
//! Bradley–Terry — log-likelihood, gradient, information diagonal and each
//! cell's information — for the pairwise solver
//! ([`prefplay_core::models::pairwise::NewtonCg`]). CPU twin:
//! [`PairwiseModel::likelihood_pieces`].
//!
//! The model's cells are laid out as compressed sparse rows, each cell
//! once in the row of either item, so one invocation per item sums its own
//! row without atomics; a cell's information is read back from its entry in
//! its first item's row.

use prefplay_core::models::pairwise::{Evaluation, PairwiseModel};

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

/// A plain Bradley–Terry model's cells uploaded once for a fit; each
/// evaluation only writes new scores and reads the pieces back.
#[derive(Debug)]
pub struct BtGpuProblem {
    n_items: usize,
    n_entries: usize,
    /// Cell k's entry in the row of its first item.
    entry_of_cell: Vec<u32>,
    scores: wgpu::Buffer,
    item_out: wgpu::Buffer,
    offdiag: wgpu::Buffer,
    staging: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    workgroups: u32,
}

/// The kernel's input: CSR rows over the cells (row start, opponent,
/// (wins of the row's item, wins of the opponent)) and each cell's entry
/// in its first item's row.
struct CsrCells {
    row_start: Vec<u32>,
    opponent: Vec<u32>,
    wins: Vec<[f32; 2]>,
    entry_of_cell: Vec<u32>,
}

fn csr_from_cells(n_items: usize, cells: &[(u32, u32, f64, f64)]) -> CsrCells {
    let mut row_len = vec![0u32; n_items + 1];
    for &(a, b, _, _) in cells {
        row_len[a as usize + 1] += 1;
        row_len[b as usize + 1] += 1;
    }
    let mut row_start = row_len;
    for i in 0..n_items {
        row_start[i + 1] += row_start[i];
    }
    let n_entries = 2 * cells.len();
    let mut next = row_start.clone();
    let mut opponent = vec![0u32; n_entries];
    let mut wins = vec![[0f32; 2]; n_entries];
    let mut entry_of_cell = Vec::with_capacity(cells.len());
    for &(a, b, wa, wb) in cells {
        let (ea, eb) = (next[a as usize], next[b as usize]);
        next[a as usize] += 1;
        next[b as usize] += 1;
        opponent[ea as usize] = b;
        wins[ea as usize] = [wa as f32, wb as f32];
        opponent[eb as usize] = a;
        wins[eb as usize] = [wb as f32, wa as f32];
        entry_of_cell.push(ea);
    }
    CsrCells {
        row_start,
        opponent,
        wins,
        entry_of_cell,
    }
}

/// Bytes for `len` elements of `elem` bytes; bindings may not be empty.
fn binding_bytes(len: usize, elem: usize) -> u64 {
    (len.max(1) * elem) as u64
}

impl GpuContext {
    /// Uploads `model`'s cells for repeated [`GpuContext::bt_pieces`]
    /// calls; [`GpuError::Unsupported`] unless the model is plain
    /// Bradley–Terry ([`PairwiseModel::plain_bt_cells`]).
    pub async fn upload_bt(&self, model: &PairwiseModel) -> Result<BtGpuProblem, GpuError> {
        let cells = model.plain_bt_cells().ok_or_else(|| {
            GpuError::Unsupported(
                "the GPU evaluates plain Bradley–Terry only (logit link, ties as halves, no order effect or features)".into(),
            )
        })?;
        let n_items = model.items().len();
        let csr = csr_from_cells(n_items, &cells);
        let n_entries = csr.opponent.len();
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
        let row_start = self.storage_init("bt row_start", bytemuck::cast_slice(&csr.row_start))?;
        let opponent = self.storage_init("bt opponent", bytemuck::cast_slice(&csr.opponent))?;
        let wins = self.storage_init("bt wins", bytemuck::cast_slice(&csr.wins))?;
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
            &self.pipelines("bt_pieces", create_pipeline),
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
            entry_of_cell: csr.entry_of_cell,
            scores,
            item_out,
            offdiag,
            staging,
            bind_group,
            workgroups,
        })
    }

    /// Evaluates the likelihood's part at `scores` (θ of a plain model:
    /// one score per item) on the GPU, as [`PairwiseModel::likelihood_pieces`]
    /// does on the CPU. The log-likelihood is summed on the host from the
    /// rows' shares (NaN unless `with_log_lik`).
    pub async fn bt_pieces(
        &self,
        problem: &BtGpuProblem,
        scores: &[f64],
        with_log_lik: bool,
    ) -> Result<Evaluation, GpuError> {
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
            pass.set_pipeline(&self.pipelines("bt_pieces", create_pipeline));
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
        let mut ev = Evaluation {
            objective: f64::NAN,
            log_lik: f64::NAN,
            grad: Vec::with_capacity(n),
            diag: Vec::with_capacity(n),
            info_eta: problem
                .entry_of_cell
                .iter()
                .map(|&e| -f64::from(offdiag[e as usize]))
                .collect(),
            ..Evaluation::default()
        };
        let mut twice_log_lik = 0.0;
        for item in items.chunks_exact(4).take(n) {
            twice_log_lik += f64::from(item[0]);
            ev.grad.push(f64::from(item[1]));
            ev.diag.push(f64::from(item[2]));
        }
        if with_log_lik {
            // Each cell sits in two rows, so its log-likelihood was added twice.
            ev.log_lik = 0.5 * twice_log_lik;
        }
        Ok(ev)
    }
}

#[cfg(test)]
mod tests {
    use super::csr_from_cells;

    #[test]
    fn every_cell_sits_in_both_rows_and_points_at_its_first_item_row() {
        let cells = [(0, 2, 3.0, 1.0), (1, 2, 0.5, 0.5), (0, 1, 2.0, 0.0)];
        let csr = csr_from_cells(3, &cells);
        assert_eq!(csr.row_start, vec![0, 2, 4, 6]);
        for (k, &(a, b, wa, wb)) in cells.iter().enumerate() {
            let e = csr.entry_of_cell[k] as usize;
            assert!(
                csr.row_start[a as usize] as usize <= e
                    && e < csr.row_start[a as usize + 1] as usize
            );
            assert_eq!(csr.opponent[e], b);
            assert_eq!(csr.wins[e], [wa as f32, wb as f32]);
        }
    }
}
