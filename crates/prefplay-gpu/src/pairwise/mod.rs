//! The pairwise evaluation on the GPU: every model of
//! [`prefplay_core::models::pairwise`] — Bradley–Terry (logit) and
//! Thurstone (probit), ties as halves, dropped, Davidson or Rao–Kupper, an
//! order effect, a reference item, feature coefficients — evaluated for the
//! one solver ([`prefplay_core::models::pairwise::NewtonCg`]) in three
//! kernels: `pairwise_cells` (each cell's terms), `pairwise_items` (each
//! item's row of cells) and `pairwise_extras` (the log-likelihood and the
//! non-score parameters, summed by workgroups). CPU twin:
//! [`PairwiseModel::likelihood_pieces`].

use prefplay_core::models::pairwise::{Evaluation, KernelView, Link, PairwiseModel, TieModel};

use crate::context::Kernel;
use crate::pair_rows::pair_rows;
use crate::{GpuContext, GpuError};

/// The shared declarations and the cell terms every pairwise kernel reads.
macro_rules! pairwise_source {
    ($kernel:literal) => {
        concat!(
            include_str!("common.wgsl"),
            include_str!("../shared/numerics.wgsl"),
            include_str!("../shared/binary_terms.wgsl"),
            include_str!("terms.wgsl"),
            include_str!($kernel)
        )
    };
}

/// Each cell's terms, one invocation per cell.
pub(crate) static CELLS: Kernel = Kernel {
    name: "pairwise_cells",
    source: pairwise_source!("cells.wgsl"),
    workgroup_size: 64,
};

/// Each item's row of cells, one invocation per item.
pub(crate) static ITEMS: Kernel = Kernel {
    name: "pairwise_items",
    source: pairwise_source!("items.wgsl"),
    workgroup_size: 64,
};

/// The sums over all cells, one workgroup per sum (a power of two: the
/// workgroup adds its shares as a tree).
pub(crate) static EXTRAS: Kernel = Kernel {
    name: "pairwise_extras",
    source: pairwise_source!("extras.wgsl"),
    workgroup_size: 256,
};

/// `Params` in `common.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    n_items: u32,
    n_cells: u32,
    n_features: u32,
    link: u32,
    ties: u32,
    order_index: u32,
    tie_index: u32,
    features_start: u32,
    row_width: u32,
    pad: [u32; 3],
}

/// `NONE` in `common.wgsl` and `batch_fit.wgsl`: a parameter the model
/// does not have.
const NONE: u32 = u32::MAX;

/// θ's index `i` as the kernels' parameters hold it, `NONE` when absent.
pub(crate) fn slot(i: Option<usize>) -> u32 {
    i.map_or(NONE, |i| i as u32)
}

/// Bit 31 of a row entry in `items.wgsl`: the row's item is the cell's b.
const SECOND_ITEM: u32 = 1 << 31;

/// A model's cells uploaded once for a fit; each evaluation writes θ and
/// reads the pieces back.
#[derive(Debug)]
pub struct PairwiseGpuProblem {
    params: Params,
    dim: usize,
    /// Cell information values per cell (1, or 3 with a tie parameter).
    info_stride: usize,
    theta: wgpu::Buffer,
    item_out: wgpu::Buffer,
    extras_out: wgpu::Buffer,
    cell_info: wgpu::Buffer,
    staging: wgpu::Buffer,
    groups: [wgpu::BindGroup; 3],
    /// Workgroups of the cells and items passes (x, y), and extras (x).
    cell_dispatch: (u32, u32),
    item_dispatch: (u32, u32),
    extras: u32,
}

/// The dispatch (x, y) for `groups` workgroups, rows of `width`.
fn dispatch_of(groups: usize, width: usize) -> (u32, u32) {
    if groups <= width {
        (groups as u32, 1)
    } else {
        (width as u32, groups.div_ceil(width) as u32)
    }
}

/// Bytes for `len` elements of `elem` bytes; bindings may not be empty.
fn bytes(len: usize, elem: usize) -> u64 {
    (len.max(1) * elem) as u64
}

/// Row entries (cell index, bit 31 on the cell's b side) per item.
pub(crate) fn item_rows(view: &KernelView) -> (Vec<u32>, Vec<u32>) {
    let (row_start, entries) = pair_rows(view.n_items, view.item_a, view.item_b);
    let cells = entries
        .iter()
        .map(|e| e.pair | if e.flipped { SECOND_ITEM } else { 0 })
        .collect();
    (row_start, cells)
}

/// The cells' count, below the row entries' flag bit ([`item_rows`]).
pub(crate) fn cell_count(view: &KernelView) -> Result<u32, GpuError> {
    u32::try_from(view.item_a.len())
        .ok()
        .filter(|&n| n < SECOND_ITEM)
        .ok_or_else(|| GpuError::TooLarge("more than 2³¹ cells".into()))
}

/// `LINK_*` of `terms.wgsl`.
pub(crate) fn link_code(link: Link) -> u32 {
    match link {
        Link::Logit => 0,
        Link::Probit => 1,
    }
}

/// `TIES_*` of `terms.wgsl`.
pub(crate) fn ties_code(ties: TieModel) -> u32 {
    match ties {
        TieModel::Half => 0,
        TieModel::Drop => 1,
        TieModel::Davidson => 2,
        TieModel::RaoKupper => 3,
    }
}

fn params_of(view: &KernelView, row_width: usize) -> Result<Params, GpuError> {
    Ok(Params {
        n_items: view.n_items as u32,
        n_cells: cell_count(view)?,
        n_features: view.n_features as u32,
        link: link_code(view.link),
        ties: ties_code(view.ties),
        order_index: slot(view.order_index),
        tie_index: slot(view.tie_index),
        features_start: view.features_start as u32,
        row_width: row_width as u32,
        pad: [0; 3],
    })
}

impl GpuContext {
    /// Uploads `model`'s cells for repeated [`GpuContext::pairwise_pieces`]
    /// calls. Any pairwise model; `Err` only when it exceeds the adapter's
    /// limits or the device failed.
    pub async fn upload_pairwise(
        &self,
        model: &PairwiseModel,
    ) -> Result<PairwiseGpuProblem, GpuError> {
        let view = model.kernel_view();
        let (n_items, n_cells) = (view.n_items, view.item_a.len());
        let extras = 1 + view.dim - n_items;
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        if extras > limit {
            return Err(GpuError::TooLarge(format!(
                "{extras} parameters beyond the scores exceed the dispatch limit"
            )));
        }
        let width = limit.min(CELLS.workgroups_for(n_cells.max(n_items)).max(1));
        let cell_dispatch = dispatch_of(CELLS.workgroups_for(n_cells), width);
        let item_dispatch = dispatch_of(ITEMS.workgroups_for(n_items), width);
        if cell_dispatch.1 as usize > limit || item_dispatch.1 as usize > limit {
            return Err(GpuError::TooLarge(format!(
                "{n_cells} cells exceed the dispatch limit"
            )));
        }
        let params = params_of(&view, width * CELLS.workgroup_size as usize)?;
        let info_stride = if view.tie_index.is_some() { 3 } else { 1 };
        let features: &[f64] = if view.n_features > 0 {
            view.features
        } else {
            &[0.0]
        };
        self.check_binding_size(bytes(n_cells, 16).max(bytes(features.len(), 4)))?;
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let pairs: Vec<[u32; 2]> = view
            .item_a
            .iter()
            .zip(view.item_b)
            .map(|(&a, &b)| [a, b])
            .collect();
        let counts: Vec<[f32; 4]> = (0..n_cells)
            .map(|k| {
                let [a, b, t] = view.counts[k];
                let adv = view.advantage.get(k).copied().unwrap_or(0.0);
                [a as f32, b as f32, t as f32, adv as f32]
            })
            .collect();
        let features: Vec<f32> = features.iter().map(|&x| x as f32).collect();
        let (row_start, row_cells) = item_rows(&view);
        let storage = wgpu::BufferUsages::STORAGE;
        let written = storage | wgpu::BufferUsages::COPY_SRC;
        let params_buffer = self.uniform_init("pairwise params", bytemuck::bytes_of(&params));
        let pairs = self.storage_init("pairwise pairs", bytemuck::cast_slice(&pairs))?;
        let counts = self.storage_init("pairwise counts", bytemuck::cast_slice(&counts))?;
        let features = self.storage_init("pairwise features", bytemuck::cast_slice(&features))?;
        let row_start =
            self.storage_init("pairwise row_start", bytemuck::cast_slice(&row_start))?;
        let row_cells =
            self.storage_init("pairwise row_cells", bytemuck::cast_slice(&row_cells))?;
        let theta = self.empty_buffer(
            "pairwise theta",
            bytes(view.dim, 4),
            storage | wgpu::BufferUsages::COPY_DST,
        );
        let terms = self.empty_buffer("pairwise cell terms", bytes(n_cells, 16), storage);
        let cell_info = self.empty_buffer(
            "pairwise cell info",
            bytes(n_cells * info_stride, 4),
            written,
        );
        let item_out = self.empty_buffer("pairwise item_out", bytes(n_items, 8), written);
        let extras_out = self.empty_buffer("pairwise extras_out", bytes(extras, 8), written);
        let staging = self.staging_buffer(
            "pairwise staging",
            bytes(n_items, 8) + bytes(extras, 8) + bytes(n_cells * info_stride, 4),
        );
        let groups = [
            self.bind_group(
                &self.pipeline(&CELLS),
                "pairwise_cells bindings",
                &[
                    &params_buffer,
                    &pairs,
                    &counts,
                    &features,
                    &theta,
                    &terms,
                    &cell_info,
                ],
            ),
            self.bind_group(
                &self.pipeline(&ITEMS),
                "pairwise_items bindings",
                &[&params_buffer, &row_start, &row_cells, &terms, &item_out],
            ),
            self.bind_group(
                &self.pipeline(&EXTRAS),
                "pairwise_extras bindings",
                &[
                    &params_buffer,
                    &counts,
                    &features,
                    &terms,
                    &cell_info,
                    &extras_out,
                ],
            ),
        ];
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        Ok(PairwiseGpuProblem {
            params,
            dim: view.dim,
            info_stride,
            theta,
            item_out,
            extras_out,
            cell_info,
            staging,
            groups,
            cell_dispatch,
            item_dispatch,
            extras: extras as u32,
        })
    }

    /// The likelihood's part of an evaluation at θ on the GPU, as
    /// [`PairwiseModel::likelihood_pieces`] computes it on the CPU
    /// (log-likelihood NaN unless `with_log_lik`; the kernel computes it
    /// anyway, as its cost is small beside a read-back).
    pub async fn pairwise_pieces(
        &self,
        problem: &PairwiseGpuProblem,
        theta: &[f64],
        with_log_lik: bool,
    ) -> Result<Evaluation, GpuError> {
        if theta.len() != problem.dim {
            return Err(GpuError::Validation(format!(
                "θ has {} values for {} parameters",
                theta.len(),
                problem.dim
            )));
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let params = problem.params;
        let mut theta_f32: Vec<f32> = theta.iter().map(|&t| t as f32).collect();
        theta_f32.resize(theta.len().max(1), 0.0);
        self.queue
            .write_buffer(&problem.theta, 0, bytemuck::cast_slice(&theta_f32));
        let mut encoder = self.encoder("pairwise");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("pairwise"),
                timestamp_writes: None,
            });
            for (kernel, group, (x, y)) in [
                (&CELLS, &problem.groups[0], problem.cell_dispatch),
                (&ITEMS, &problem.groups[1], problem.item_dispatch),
                (&EXTRAS, &problem.groups[2], (problem.extras, 1)),
            ] {
                pass.set_pipeline(&self.pipeline(kernel));
                pass.set_bind_group(0, group, &[]);
                pass.dispatch_workgroups(x, y, 1);
            }
        }
        let (n, n_cells) = (params.n_items as usize, params.n_cells as usize);
        let item_bytes = bytes(n, 8);
        let extras_bytes = bytes(problem.extras as usize, 8);
        let info_bytes = bytes(n_cells * problem.info_stride, 4);
        encoder.copy_buffer_to_buffer(&problem.item_out, 0, &problem.staging, 0, item_bytes);
        encoder.copy_buffer_to_buffer(
            &problem.extras_out,
            0,
            &problem.staging,
            item_bytes,
            extras_bytes,
        );
        encoder.copy_buffer_to_buffer(
            &problem.cell_info,
            0,
            &problem.staging,
            item_bytes + extras_bytes,
            info_bytes,
        );
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_f32s(&self.device, &problem.staging).await?;
        Ok(evaluation_of(problem, &raw, with_log_lik))
    }
}

/// The evaluation from the read-back values: items' (gradient, diagonal),
/// then the sums (log-likelihood, then each extra's pair), then the cells'
/// information.
fn evaluation_of(problem: &PairwiseGpuProblem, raw: &[f32], with_log_lik: bool) -> Evaluation {
    let (n, n_cells) = (
        problem.params.n_items as usize,
        problem.params.n_cells as usize,
    );
    let wide = |x: &f32| f64::from(*x);
    let (items, rest) = raw.split_at(2 * n.max(1));
    let (sums, info) = rest.split_at(2 * problem.extras as usize);
    let mut ev = Evaluation {
        objective: f64::NAN,
        log_lik: if with_log_lik {
            wide(&sums[0])
        } else {
            f64::NAN
        },
        grad: Vec::with_capacity(problem.dim),
        diag: Vec::with_capacity(problem.dim),
        ..Evaluation::default()
    };
    for pair in items
        .chunks_exact(2)
        .take(n)
        .chain(sums.chunks_exact(2).skip(1))
    {
        ev.grad.push(wide(&pair[0]));
        ev.diag.push(wide(&pair[1]));
    }
    let info = &info[..n_cells * problem.info_stride];
    if problem.info_stride == 3 {
        for cell in info.chunks_exact(3) {
            ev.info_eta.push(wide(&cell[0]));
            ev.info_cross.push(wide(&cell[1]));
            ev.info_tie.push(wide(&cell[2]));
        }
    } else {
        ev.info_eta = info.iter().map(wide).collect();
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::dispatch_of;

    #[test]
    fn dispatches_wrap_into_rows_below_the_limit() {
        assert_eq!(dispatch_of(10, 65_535), (10, 1));
        assert_eq!(dispatch_of(70_000, 65_535), (65_535, 2));
        assert_eq!(dispatch_of(0, 1), (0, 1));
    }
}
