//! Batched fits of any pairwise model on the GPU: `poisson_weights` draws
//! every bootstrap replicate's counts on the device, `batch_fit` fits all
//! datasets at once (one workgroup each, one Newton step per dispatch),
//! and only the parameters come back. CPU twin: the pairwise model's
//! bootstrap ([`prefplay_core::models::pairwise::uncertainty::Method::Bootstrap`]),
//! which draws the same counts from the same seed and refits each
//! replicate in `f64` from the same start.

pub(crate) mod poisson_weights;

use prefplay_core::inference::counter_rng::PoissonTables;
use prefplay_core::models::pairwise::{DIVERGED_AT, KernelView, TieModel};

use crate::context::Kernel;
use crate::pairwise::{cell_count, item_rows, link_code, slot, ties_code};
use crate::{GpuContext, GpuError};

/// Newton steps per dataset at most.
pub const BATCH_MAX_ITERATIONS: u32 = 60;

/// A dataset has converged when its largest Newton step is at most this:
/// near the `f32` floor of the parameters' rounding, and well inside the
/// 1e-4 at which GPU and CPU intervals are promised to agree.
pub const BATCH_TOLERANCE: f32 = 2e-6;

/// A dataset has also converged when its Newton steps stop shrinking
/// (by half or more per step) while at most this large: the `f32` noise
/// floor of an ill-conditioned (sparse) problem, where step noise grows
/// with the condition number.
pub const BATCH_STALL_TOLERANCE: f32 = 1e-4;

/// Newton steps (dispatches) per round; after each round the host reads
/// the datasets' states and stops when all are done (most converge in 3–8).
pub const BATCH_ROUND: u32 = 8;

/// Conjugate-gradient steps per Newton step at most (truncated Newton:
/// the next Newton step continues from where CG stopped). Mesa's
/// lavapipe (22.3) silently drops a workgroup that runs too many barriers
/// (a 6,000-replicate stress run lost 6 replicates at 200–280 CG steps of
/// one Newton step, and 300-item fits were lost even with this cap when
/// one dispatch held the whole fit), so each dispatch takes one Newton
/// step of at most this many CG steps.
pub const BATCH_MAX_CG: u32 = 150;

/// Conjugate-gradient stop: residual norm at most this share of the gradient's.
pub const BATCH_CG_TOLERANCE: f32 = 1e-5;

/// A trial step is accepted while the log-posterior falls by at most this
/// share of its magnitude (the `f32` rounding of a sum of many terms).
pub const BATCH_ACCEPT_SLACK: f32 = 1e-6;

/// Ridge on the information of the parameters other than the scores, in
/// the solve only (the CPU's is 1e-9, below `f32`'s resolution here).
const BATCH_EXTRAS_RIDGE: f32 = 1e-6;

/// Datasets fitted per dispatch at most, so one dispatch stays short
/// (browsers and drivers reset a GPU whose work runs for seconds).
pub const BATCH_CHUNK: u32 = 2048;

/// One workgroup per dataset (a power of two: its sums are trees).
pub(crate) static BATCH_FIT: Kernel = Kernel {
    name: "batch_fit",
    source: concat!(
        include_str!("../shared/numerics.wgsl"),
        include_str!("../shared/binary_terms.wgsl"),
        include_str!("../pairwise/terms.wgsl"),
        include_str!("batch_fit.wgsl")
    ),
    workgroup_size: 64,
};

/// `Params` in `batch_fit.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    n_items: u32,
    n_cells: u32,
    n_features: u32,
    dim: u32,
    link: u32,
    ties: u32,
    order_index: u32,
    tie_index: u32,
    features_start: u32,
    gauge: u32,
    max_iterations: u32,
    max_cg: u32,
    rows_at: u32,
    features_at: u32,
    start_at: u32,
    pad0: u32,
    l2: f32,
    extras_l2: f32,
    tolerance: f32,
    cg_tolerance: f32,
    accept_slack: f32,
    stall_tolerance: f32,
    diverged_at: f32,
    extras_ridge: f32,
}

/// Status bits of a dataset (`batch_fit.wgsl`).
const CONVERGED: u32 = 1 << 31;
const DIVERGED: u32 = 1 << 30;

/// Every dataset's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFits {
    /// Per dataset, the fitted parameter vector θ (the model's layout:
    /// scores, then the other parameters), in dataset order.
    pub parameters: Vec<Vec<f64>>,
    /// Per dataset, the Newton steps taken.
    pub iterations: Vec<u32>,
    /// Per dataset, the conjugate-gradient steps (information-vector
    /// products) over all its Newton steps.
    pub cg_steps: Vec<u32>,
    /// Per dataset, whether it converged (not diverged, not out of steps).
    pub converged: Vec<bool>,
}

impl BatchFits {
    /// The parameter vectors of the datasets that converged, in order.
    pub fn converged_parameters(&self) -> impl Iterator<Item = &[f64]> {
        self.parameters
            .iter()
            .zip(&self.converged)
            .filter(|&(_, &ok)| ok)
            .map(|(p, _)| p.as_slice())
    }
}

/// Where each dataset's counts come from.
#[derive(Debug, Clone, Copy)]
pub enum BatchCounts<'a> {
    /// Poisson-bootstrap replicates `0..replicates` of the cells' counts,
    /// drawn on the device from `seed` (the CPU bootstrap's replicates).
    Poisson {
        /// Per-slot Poisson tables (3 slots per cell), the model's
        /// [`prefplay_core::models::pairwise::PairwiseModel::bootstrap_tables`].
        tables: &'a PoissonTables,
        /// Seed of the counter hash.
        seed: u32,
        /// Number of replicates.
        replicates: u32,
    },
    /// Given counts, `datasets × 3 × cells` (dataset-major; per cell: wins
    /// of its first item, of its second, ties), e.g. one dataset per rater.
    Given {
        /// The counts.
        counts: &'a [u32],
        /// Number of datasets.
        datasets: u32,
    },
}

impl BatchCounts<'_> {
    fn datasets(&self) -> u32 {
        match self {
            BatchCounts::Poisson { replicates, .. } => *replicates,
            BatchCounts::Given { datasets, .. } => *datasets,
        }
    }
}

fn invalid(name: &'static str, value: String, reason: &'static str) -> GpuError {
    GpuError::Core(prefplay_core::Error::InvalidParameter {
        name,
        value,
        reason,
    })
}

/// The model's words in `batch_fit.wgsl`'s `model` binding, and the
/// uniform parameters that locate them.
fn model_words(view: &KernelView, start: &[f64]) -> Result<(Vec<u32>, Params), GpuError> {
    let n_cells = view.item_a.len();
    let too_large = || GpuError::TooLarge(format!("{n_cells} cells"));
    // Cells, row starts, row entries (each cell in two rows), features, start.
    let mut words = Vec::with_capacity(
        4 * n_cells + view.n_items + 1 + 2 * n_cells + view.features.len() + start.len(),
    );
    for k in 0..n_cells {
        let adv = view.advantage.get(k).copied().unwrap_or(0.0) as f32;
        words.extend([view.item_a[k], view.item_b[k], adv.to_bits(), 0]);
    }
    let rows_at = u32::try_from(words.len()).map_err(|_| too_large())?;
    let (row_start, row_cells) = item_rows(view);
    words.extend(row_start);
    words.extend(row_cells);
    let features_at = u32::try_from(words.len()).map_err(|_| too_large())?;
    words.extend(view.features.iter().map(|&x| (x as f32).to_bits()));
    let start_at = u32::try_from(words.len()).map_err(|_| too_large())?;
    words.extend(start.iter().map(|&x| (x as f32).to_bits()));
    let max_cg = (view.dim as u32).clamp(10, BATCH_MAX_CG);
    let params = Params {
        n_items: view.n_items as u32,
        n_cells: cell_count(view)?,
        n_features: view.n_features as u32,
        dim: view.dim as u32,
        link: link_code(view.link),
        ties: ties_code(view.ties),
        order_index: slot(view.order_index),
        tie_index: slot(view.tie_index),
        features_start: view.features_start as u32,
        gauge: slot(view.gauge),
        max_iterations: BATCH_MAX_ITERATIONS,
        max_cg,
        rows_at,
        features_at,
        start_at,
        pad0: 0,
        l2: view.l2 as f32,
        extras_l2: view.extras_l2 as f32,
        tolerance: BATCH_TOLERANCE,
        cg_tolerance: BATCH_CG_TOLERANCE,
        accept_slack: BATCH_ACCEPT_SLACK,
        stall_tolerance: BATCH_STALL_TOLERANCE,
        diverged_at: DIVERGED_AT as f32,
        extras_ridge: BATCH_EXTRAS_RIDGE,
    };
    Ok((words, params))
}

/// Checks the start and the counts against the model.
fn check_inputs(view: &KernelView, start: &[f64], counts: &BatchCounts) -> Result<(), GpuError> {
    let n_cells = view.item_a.len();
    if start.len() != view.dim || start.iter().any(|x| !x.is_finite()) {
        return Err(invalid(
            "start",
            format!("{} values", start.len()),
            "needs one finite value per parameter",
        ));
    }
    if let (Some(t), TieModel::RaoKupper) = (view.tie_index, view.ties)
        && start[t] <= 0.0
    {
        return Err(invalid(
            "start",
            start[t].to_string(),
            "Rao–Kupper's α must start above 0",
        ));
    }
    let counts_fit = match counts {
        BatchCounts::Poisson { tables, .. } => tables.n_slots() == 3 * n_cells,
        BatchCounts::Given { counts, datasets } => counts.len() == *datasets as usize * 3 * n_cells,
    };
    if !counts_fit {
        return Err(invalid(
            "counts",
            format!("{n_cells} cells"),
            "need 3 counts per cell and dataset",
        ));
    }
    Ok(())
}

impl GpuContext {
    /// Fits the model of `view` to every dataset of `counts` (its prior,
    /// gauge and parameters; its own counts are not used) from `start`
    /// (a θ of the model's layout, e.g. the fit to all the data), all
    /// datasets at once, one workgroup each. With
    /// [`BatchCounts::Poisson`] of the model's bootstrap tables, replicate
    /// r uses the same counts as the CPU bootstrap's replicate r.
    pub async fn fit_batch(
        &self,
        view: &KernelView<'_>,
        start: &[f64],
        counts: BatchCounts<'_>,
    ) -> Result<BatchFits, GpuError> {
        check_inputs(view, start, &counts)?;
        let (n_cells, dim) = (view.item_a.len(), view.dim);
        let datasets = counts.datasets();
        let per_dataset = (16 * n_cells).max(16 * dim).max(1) as u64;
        let chunk = datasets
            .min(BATCH_CHUNK)
            .min(self.limits().max_compute_workgroups_per_dimension)
            .min(u32::try_from(self.binding_limit() / per_dataset).unwrap_or(u32::MAX));
        if chunk == 0 && datasets > 0 {
            return Err(GpuError::TooLarge(format!(
                "one dataset of {dim} parameters and {n_cells} cells exceeds the storage limit"
            )));
        }
        let (words, params) = model_words(view, start)?;
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let tables = match counts {
            BatchCounts::Poisson { tables, .. } => Some(self.upload_tables(tables)?),
            BatchCounts::Given { .. } => None,
        };
        let model = self.storage_init("batch model", bytemuck::cast_slice(&words))?;
        let params = self.uniform_init("batch params", bytemuck::bytes_of(&params));
        let chunk = u64::from(chunk.max(1));
        let (cells, dim64) = (n_cells.max(1) as u64, dim.max(1) as u64);
        let storage = wgpu::BufferUsages::STORAGE;
        let out = storage | wgpu::BufferUsages::COPY_SRC;
        let weights = self.pooled_buffer(
            "batch weights",
            chunk * 12 * cells,
            storage | wgpu::BufferUsages::COPY_DST,
        );
        let theta_bytes = chunk * 4 * dim64;
        let theta = self.pooled_buffer("batch theta", theta_bytes, out);
        let work = self.pooled_buffer("batch work", chunk * 16 * dim64, storage);
        let step = self.pooled_buffer("batch step", chunk * 8 * dim64, storage);
        let scratch = self.pooled_buffer("batch cell scratch", chunk * 16 * cells, storage);
        let status = self.pooled_buffer(
            "batch status",
            chunk * 16,
            out | wgpu::BufferUsages::COPY_DST,
        );
        let round_staging = self.pooled_buffer(
            "batch round staging",
            chunk * 16,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let staging = self.pooled_buffer(
            "batch staging",
            theta_bytes + chunk * 16,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let pipeline = self.pipeline(&BATCH_FIT);
        let bind_group = self.bind_group(
            &pipeline,
            "batch_fit bindings",
            &[
                &params, &model, &weights, &theta, &work, &step, &scratch, &status,
            ],
        );
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let mut fits = BatchFits {
            parameters: Vec::with_capacity(datasets as usize),
            iterations: Vec::with_capacity(datasets as usize),
            cg_steps: Vec::with_capacity(datasets as usize),
            converged: Vec::with_capacity(datasets as usize),
        };
        let finished = |w: u32| w & (CONVERGED | DIVERGED) != 0 || w & 0xff >= BATCH_MAX_ITERATIONS;
        let mut first = 0u32;
        while first < datasets {
            let count = (datasets - first).min(chunk as u32);
            let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
            let mut encoder = self.encoder("fit_batch");
            // Every dataset starts from a zero state.
            encoder.clear_buffer(&status, 0, None);
            match counts {
                BatchCounts::Poisson { seed, .. } => {
                    if let Some(tables) = &tables {
                        self.encode_poisson_weights(
                            &mut encoder,
                            tables,
                            &weights,
                            seed,
                            first,
                            count,
                        )?;
                    }
                }
                BatchCounts::Given { counts, .. } => {
                    let per = 3 * n_cells;
                    let from = first as usize * per;
                    let slice = &counts[from..from + count as usize * per];
                    self.queue
                        .write_buffer(&weights, 0, bytemuck::cast_slice(slice));
                }
            }
            // One Newton step per dispatch, in rounds of BATCH_ROUND; after
            // each round the states are read and the rounds stop once every
            // dataset is done.
            let mut steps = 0;
            loop {
                let round = BATCH_ROUND.min(BATCH_MAX_ITERATIONS - steps);
                {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some("batch_fit"),
                        timestamp_writes: None,
                    });
                    pass.set_pipeline(&pipeline);
                    pass.set_bind_group(0, &bind_group, &[]);
                    for _ in 0..round {
                        pass.dispatch_workgroups(count, 1, 1);
                    }
                }
                steps += round;
                if steps >= BATCH_MAX_ITERATIONS {
                    break;
                }
                encoder.copy_buffer_to_buffer(&status, 0, &round_staging, 0, u64::from(count) * 16);
                self.queue.submit([encoder.finish()]);
                encoder = self.encoder("fit_batch round");
                let states = crate::readback::read_pod::<u32>(&self.device, &round_staging).await?;
                if states
                    .chunks_exact(4)
                    .take(count as usize)
                    .all(|w| finished(w[0]))
                {
                    break;
                }
            }
            let used = u64::from(count) * 4 * dim64;
            encoder.copy_buffer_to_buffer(&theta, 0, &staging, 0, used);
            encoder.copy_buffer_to_buffer(&status, 0, &staging, theta_bytes, u64::from(count) * 16);
            self.queue.submit([encoder.finish()]);
            if let Some(error) = scope.pop().await {
                return Err(GpuError::Validation(error.to_string()));
            }
            let raw = crate::readback::read_pod::<u32>(&self.device, &staging).await?;
            self.check_health()?;
            let (theta_words, state_words) = raw.split_at((theta_bytes / 4) as usize);
            let status_words: Vec<u32> = state_words.iter().step_by(4).copied().collect();
            // A dataset that is not done had a workgroup that never
            // finished (a driver fault).
            if let Some(r) = status_words[..count as usize]
                .iter()
                .position(|&w| !finished(w))
            {
                return Err(GpuError::Lost(format!(
                    "batch dataset {} never finished on the GPU",
                    first as usize + r
                )));
            }
            for r in 0..count as usize {
                let row = &theta_words[r * dim..(r + 1) * dim];
                fits.parameters
                    .push(row.iter().map(|&w| f64::from(f32::from_bits(w))).collect());
                let w = status_words[r];
                fits.iterations.push(w & 0xff);
                fits.cg_steps.push((w >> 8) & 0x3f_ffff);
                fits.converged.push(w & CONVERGED != 0);
            }
            first += count;
        }
        Ok(fits)
    }
}
