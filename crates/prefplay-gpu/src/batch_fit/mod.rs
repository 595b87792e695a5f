//! The GPU bootstrap of Bradley–Terry: `poisson_weights` draws every
//! replicate's counts on the device, `bt_batch_fit` fits all replicates at
//! once (one workgroup each), and only the scores come back. CPU twin: the
//! pairwise model's bootstrap ([`prefplay_core::models::pairwise::uncertainty::Method::Bootstrap`]),
//! which draws the same counts from the same seed and fits in `f64`.

pub(crate) mod poisson_weights;

use prefplay_core::inference::counter_rng::PoissonTables;
use prefplay_core::models::pairwise::{BootstrapCells, Link};

use crate::context::Kernel;
use crate::pair_rows::pair_rows;
use crate::{GpuContext, GpuError};

/// Newton steps per replicate at most.
pub const BATCH_MAX_ITERATIONS: u32 = 60;

/// A replicate has converged when its largest Newton step is at most this
/// (logits): near the `f32` floor of the scores' rounding, and well inside
/// the 1e-4 at which GPU and CPU intervals are promised to agree.
pub const BATCH_TOLERANCE: f32 = 2e-6;

/// A replicate has also converged when its Newton steps stop shrinking
/// (by half or more per step) while at most this large (logits): the
/// `f32` noise floor of an ill-conditioned (sparse) problem, where step
/// noise grows with the condition number.
pub const BATCH_STALL_TOLERANCE: f32 = 1e-4;

/// Newton steps (dispatches) per round; after each round the host reads
/// the datasets' states and stops when all are done (most converge in 5–8).
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

/// Replicates fitted per dispatch at most, so one dispatch stays short
/// (browsers and drivers reset a GPU whose work runs for seconds).
pub const BATCH_CHUNK: u32 = 2048;

/// One workgroup per replicate (a power of two: its sums are trees).
pub(crate) static BT_BATCH_FIT: Kernel = Kernel {
    name: "bt_batch_fit",
    source: concat!(
        include_str!("../shared/numerics.wgsl"),
        include_str!("../shared/binary_terms.wgsl"),
        include_str!("bt_batch_fit.wgsl")
    ),
    workgroup_size: 64,
};

/// Every replicate's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchFits {
    /// Per replicate, the scores (centred to mean 0), in replicate order.
    pub scores: Vec<Vec<f64>>,
    /// Per replicate, the Newton steps taken.
    pub iterations: Vec<u32>,
    /// Per replicate, the conjugate-gradient steps (Hessian-vector
    /// products) over all its Newton steps.
    pub cg_steps: Vec<u32>,
    /// Per replicate, whether it converged.
    pub converged: Vec<bool>,
}

impl BatchFits {
    /// The scores of the replicates that converged, in replicate order.
    pub fn converged_scores(&self) -> Vec<Vec<f64>> {
        self.scores
            .iter()
            .zip(&self.converged)
            .filter(|&(_, &ok)| ok)
            .map(|(s, _)| s.clone())
            .collect()
    }
}

/// Where each dataset's counts come from.
#[derive(Debug, Clone, Copy)]
pub enum BatchCounts<'a> {
    /// Poisson-bootstrap replicates `0..replicates` of the cells' counts,
    /// drawn on the device from `seed` (the CPU bootstrap's replicates).
    Poisson {
        /// Per-slot Poisson tables (3 slots per cell).
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

/// The model fitted to every dataset of a batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchModel {
    /// Logit (Bradley–Terry) or probit (Thurstone–Mosteller).
    pub link: Link,
    /// Prior strength λ > 0.
    pub l2: f64,
}

fn invalid(name: &'static str, value: String, reason: &'static str) -> GpuError {
    GpuError::Core(prefplay_core::Error::InvalidParameter {
        name,
        value,
        reason,
    })
}

impl GpuContext {
    /// Fits Bradley–Terry (prior strength `l2` > 0, ties half a win) to
    /// `replicates` Poisson-bootstrap replicates of `cells` drawn from
    /// `seed`, on the GPU; replicate r uses the same counts as the CPU
    /// bootstrap's replicate r. Items are `0..n_items`.
    pub async fn bt_bootstrap(
        &self,
        n_items: usize,
        cells: &BootstrapCells,
        model: BatchModel,
        seed: u32,
        replicates: u32,
    ) -> Result<BatchFits, GpuError> {
        let counts = BatchCounts::Poisson {
            tables: &cells.tables,
            seed,
            replicates,
        };
        self.bt_fit_batch(n_items, cells, model, counts).await
    }

    /// Fits `model` to every dataset of `counts` over the cells
    /// (`cells.item_a[c]` vs `cells.item_b[c]`; `cells.tables` is used
    /// only by [`BatchCounts::Poisson`]), all datasets at once, one
    /// workgroup each. Items are `0..n_items`.
    pub async fn bt_fit_batch(
        &self,
        n_items: usize,
        cells: &BootstrapCells,
        model: BatchModel,
        counts: BatchCounts<'_>,
    ) -> Result<BatchFits, GpuError> {
        if !(model.l2.is_finite() && model.l2 > 0.0) {
            return Err(invalid(
                "l2",
                model.l2.to_string(),
                "the GPU batch fit needs a prior, l2 > 0",
            ));
        }
        let n_cells = cells.item_a.len();
        let datasets = counts.datasets();
        let counts_fit = match counts {
            BatchCounts::Poisson { tables, .. } => tables.n_slots() == 3 * n_cells,
            BatchCounts::Given { counts, datasets } => {
                counts.len() == datasets as usize * 3 * n_cells
            }
        };
        if !counts_fit
            || cells.item_b.len() != n_cells
            || cells
                .item_a
                .iter()
                .chain(&cells.item_b)
                .any(|&i| i as usize >= n_items)
        {
            return Err(invalid(
                "cells",
                format!("{n_cells} cells"),
                "need 3 counts per cell and dataset, and items below n_items",
            ));
        }
        let limits = self.limits();
        let per_dataset = (12 * n_cells).max(16 * n_items) as u64;
        let binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let chunk = datasets
            .min(BATCH_CHUNK)
            .min(limits.max_compute_workgroups_per_dimension)
            .min(u32::try_from(binding / per_dataset.max(1)).unwrap_or(u32::MAX));
        if chunk == 0 && datasets > 0 {
            return Err(GpuError::TooLarge(format!(
                "one dataset of {n_items} items and {n_cells} cells exceeds the storage limit"
            )));
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let (row_start, rows) = pair_rows(n_items, &cells.item_a, &cells.item_b);
        // Entry e: (opponent, 2 · cell + 1 if the row's item is the cell's second).
        let entries: Vec<[u32; 2]> = rows
            .iter()
            .map(|e| [e.opponent, 2 * e.pair + u32::from(e.flipped)])
            .collect();
        let tables = match counts {
            BatchCounts::Poisson { tables, .. } => Some(self.upload_tables(tables)?),
            BatchCounts::Given { .. } => None,
        };
        let row_start = self.storage_init("batch row_start", bytemuck::cast_slice(&row_start))?;
        let entries = self.storage_init("batch entries", bytemuck::cast_slice(&entries))?;
        let max_cg = (n_items as u32).clamp(10, BATCH_MAX_CG);
        let mut params = [0u32; 12];
        params[..4].copy_from_slice(&[
            n_items as u32,
            n_cells as u32,
            BATCH_MAX_ITERATIONS,
            max_cg,
        ]);
        params[4] = (model.l2 as f32).to_bits();
        params[5] = BATCH_TOLERANCE.to_bits();
        params[6] = BATCH_CG_TOLERANCE.to_bits();
        params[7] = BATCH_ACCEPT_SLACK.to_bits();
        params[8] = BATCH_STALL_TOLERANCE.to_bits();
        params[9] = u32::from(model.link == Link::Probit);
        let params = self.uniform_init("batch params", bytemuck::cast_slice(&params));
        let chunk = u64::from(chunk.max(1));
        let storage = wgpu::BufferUsages::STORAGE;
        let weights = self.pooled_buffer(
            "batch weights",
            chunk * 12 * n_cells as u64,
            storage | wgpu::BufferUsages::COPY_DST,
        );
        let score_bytes = chunk * 4 * n_items as u64;
        let out = storage | wgpu::BufferUsages::COPY_SRC;
        let scores = self.pooled_buffer("batch scores", score_bytes, out);
        let work = self.pooled_buffer("batch work", chunk * 16 * n_items as u64, storage);
        let step = self.pooled_buffer("batch step", chunk * 8 * n_items as u64, storage);
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
            score_bytes + chunk * 16,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let bind_group = self.bind_group(
            &self.pipeline(&BT_BATCH_FIT),
            "bt_batch_fit bindings",
            &[
                &params, &row_start, &entries, &weights, &scores, &work, &step, &status,
            ],
        );
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let mut fits = BatchFits {
            scores: Vec::with_capacity(datasets as usize),
            iterations: Vec::with_capacity(datasets as usize),
            cg_steps: Vec::with_capacity(datasets as usize),
            converged: Vec::with_capacity(datasets as usize),
        };
        let mut first = 0u32;
        while first < datasets {
            let count = (datasets - first).min(chunk as u32);
            let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
            let mut encoder = self.encoder("bt_fit_batch");
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
            // dataset has converged or taken every step.
            let mut steps = 0;
            loop {
                let round = BATCH_ROUND.min(BATCH_MAX_ITERATIONS - steps);
                {
                    let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                        label: Some("bt_batch_fit"),
                        timestamp_writes: None,
                    });
                    pass.set_pipeline(&self.pipeline(&BT_BATCH_FIT));
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
                encoder = self.encoder("bt_fit_batch round");
                let states = crate::readback::read_pod::<u32>(&self.device, &round_staging).await?;
                let done = states
                    .chunks_exact(4)
                    .take(count as usize)
                    .all(|w| w[0] >> 31 == 1 || w[0] & 0xff >= BATCH_MAX_ITERATIONS);
                if done {
                    break;
                }
            }
            let used = u64::from(count) * 4 * n_items as u64;
            encoder.copy_buffer_to_buffer(&scores, 0, &staging, 0, used);
            encoder.copy_buffer_to_buffer(&status, 0, &staging, score_bytes, u64::from(count) * 16);
            self.queue.submit([encoder.finish()]);
            if let Some(error) = scope.pop().await {
                return Err(GpuError::Validation(error.to_string()));
            }
            let raw = crate::readback::read_pod::<u32>(&self.device, &staging).await?;
            self.check_health()?;
            let (score_words, state_words) = raw.split_at((score_bytes / 4) as usize);
            let status_words: Vec<u32> = state_words.iter().step_by(4).copied().collect();
            // A dataset that neither converged nor took every step had a
            // workgroup that never finished (a driver fault).
            let unfinished = |w: u32| w >> 31 == 0 && w & 0xff < BATCH_MAX_ITERATIONS;
            if let Some(r) = status_words[..count as usize]
                .iter()
                .position(|&w| unfinished(w))
            {
                return Err(GpuError::Lost(format!(
                    "batch dataset {} never finished on the GPU",
                    first as usize + r
                )));
            }
            for r in 0..count as usize {
                let row = &score_words[r * n_items..(r + 1) * n_items];
                let row: Vec<f64> = row.iter().map(|&w| f64::from(f32::from_bits(w))).collect();
                let mean = row.iter().sum::<f64>() / n_items.max(1) as f64;
                fits.scores.push(row.iter().map(|s| s - mean).collect());
                fits.iterations.push(status_words[r] & 0xff);
                fits.cg_steps.push((status_words[r] >> 8) & 0x7f_ffff);
                fits.converged.push(status_words[r] >> 31 == 1);
            }
            first += count;
        }
        Ok(fits)
    }
}
