//! Training personalized models on the GPU, all steps in one submission,
//! read back once:
//! - low-rank: `lowrank_slopes` (one invocation per vote),
//!   `lowrank_item_grad` (per item, over a CSR list of its votes),
//!   `lowrank_rater_grad` (per rater) and `lowrank_adam` (per parameter);
//!   CPU twin [`prefplay_core::personal::train_low_rank`];
//! - shrinkage: `shrinkage_slopes`, `shrinkage_grad` (per item, then per
//!   rater row) and `lowrank_adam`; CPU twin
//!   [`prefplay_core::personal::train_shrinkage`];
//! - GPM: `gpm_slopes`, `gpm_item_grad` (per item) and `lowrank_adam`;
//!   CPU twin [`prefplay_core::personal::train_gpm`].

use prefplay_core::personal::{PersonalSettings, RaterVotes};

use crate::{GpuContext, GpuError};

/// Invocations per workgroup of the low-rank kernels.
pub const LOWRANK_WORKGROUP_SIZE: u32 = 64;

macro_rules! lowrank_shader {
    ($file:literal) => {
        concat!(
            include_str!("numerics.wgsl"),
            include_str!("lowrank_common.wgsl"),
            include_str!($file)
        )
    };
}

pub(crate) const KERNELS: [(&str, &str); 8] = [
    ("lowrank_slopes", lowrank_shader!("lowrank_slopes.wgsl")),
    (
        "lowrank_item_grad",
        lowrank_shader!("lowrank_item_grad.wgsl"),
    ),
    (
        "lowrank_rater_grad",
        lowrank_shader!("lowrank_rater_grad.wgsl"),
    ),
    ("lowrank_adam", lowrank_shader!("lowrank_adam.wgsl")),
    ("shrinkage_slopes", lowrank_shader!("shrinkage_slopes.wgsl")),
    ("shrinkage_grad", lowrank_shader!("shrinkage_grad.wgsl")),
    ("gpm_slopes", lowrank_shader!("gpm_slopes.wgsl")),
    ("gpm_item_grad", lowrank_shader!("gpm_item_grad.wgsl")),
];

/// The pipelines, compiled once with the context.
#[derive(Debug)]
pub(crate) struct LowRankPipelines {
    kernels: Vec<wgpu::ComputePipeline>,
}

pub(crate) fn create_pipelines(device: &wgpu::Device) -> LowRankPipelines {
    LowRankPipelines {
        kernels: KERNELS
            .iter()
            .map(|(name, source)| crate::context::compute_pipeline(device, name, source))
            .collect(),
    }
}

/// CSR lists: (start per row, entries).
fn csr(rows: usize, pairs: impl Iterator<Item = (usize, u32)> + Clone) -> (Vec<u32>, Vec<u32>) {
    let mut start = vec![0u32; rows + 1];
    for (r, _) in pairs.clone() {
        start[r + 1] += 1;
    }
    for i in 0..rows {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut entries = vec![0u32; start[rows] as usize];
    for (r, e) in pairs {
        entries[fill[r] as usize] = e;
        fill[r] += 1;
    }
    (start, entries)
}

/// What the models' kernels share on the device.
struct Uploaded {
    dims: wgpu::Buffer,
    votes: wgpu::Buffer,
    item_start: wgpu::Buffer,
    item_entries: wgpu::Buffer,
    rater_start: wgpu::Buffer,
    rater_votes: wgpu::Buffer,
    params: wgpu::Buffer,
    moments: wgpu::Buffer,
    counter: wgpu::Buffer,
    slopes: wgpu::Buffer,
    grad: wgpu::Buffer,
    n_params: usize,
}

impl GpuContext {
    /// Uploads the votes, their CSR lists per item and per rater, the
    /// starting parameters and zeroed Adam state. `penalty` is the prior
    /// on the rater parameters (`basis_l2` in the kernels).
    fn upload_personal(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        penalty: f64,
        params: &[f64],
    ) -> Result<Uploaded, GpuError> {
        let (n, r, votes) = (data.items.len(), data.raters.len(), data.votes.len());
        let n_params = params.len();
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        if (votes.max(n_params).max(n + r)).div_ceil(LOWRANK_WORKGROUP_SIZE as usize) > limit {
            return Err(GpuError::TooLarge(format!(
                "{votes} votes or {n_params} parameters exceed the dispatch limit"
            )));
        }
        self.check_binding_size(n_params as u64 * 8)?;
        let f = |x: f64| (x as f32).to_bits();
        let dims = [
            n as u32,
            r as u32,
            votes as u32,
            rank as u32,
            n_params as u32,
            0,
            0,
            0,
            f(settings.l2),
            f(penalty),
            f(1.0 / votes as f64),
            f(settings.adam.learning_rate),
        ];
        let vote_words: Vec<[u32; 4]> = data
            .votes
            .iter()
            .map(|v| [v.rater, v.a, v.b, (v.y as f32).to_bits()])
            .collect();
        let (item_start, item_entries) = csr(
            n,
            data.votes.iter().enumerate().flat_map(|(k, v)| {
                [
                    (v.a as usize, 2 * k as u32),
                    (v.b as usize, 2 * k as u32 + 1),
                ]
            }),
        );
        let (rater_start, rater_votes) = csr(
            r,
            data.votes
                .iter()
                .enumerate()
                .map(|(k, v)| (v.rater as usize, k as u32)),
        );
        let storage = wgpu::BufferUsages::STORAGE;
        let start: Vec<f32> = params.iter().map(|&p| p as f32).collect();
        let params_buffer = self.empty_buffer(
            "personal params",
            n_params as u64 * 4,
            storage | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC,
        );
        self.queue
            .write_buffer(&params_buffer, 0, bytemuck::cast_slice(&start));
        let zeros = |label: &str, bytes: u64| {
            let b = self.empty_buffer(label, bytes, storage | wgpu::BufferUsages::COPY_DST);
            self.queue.write_buffer(
                &b,
                0,
                &vec![0u8; bytes.max(16).next_multiple_of(4) as usize],
            );
            b
        };
        Ok(Uploaded {
            dims: self.uniform_init("personal dims", bytemuck::cast_slice(&dims)),
            votes: self.storage_init("personal votes", bytemuck::cast_slice(&vote_words))?,
            item_start: self
                .storage_init("personal item start", bytemuck::cast_slice(&item_start))?,
            item_entries: self
                .storage_init("personal item entries", bytemuck::cast_slice(&item_entries))?,
            rater_start: self
                .storage_init("personal rater start", bytemuck::cast_slice(&rater_start))?,
            rater_votes: self
                .storage_init("personal rater votes", bytemuck::cast_slice(&rater_votes))?,
            params: params_buffer,
            moments: zeros("personal moments", n_params as u64 * 8),
            counter: zeros("personal counter", 4),
            slopes: self.empty_buffer("personal slopes", votes as u64 * 4, storage),
            grad: self.empty_buffer("personal grad", n_params as u64 * 4, storage),
            n_params,
        })
    }

    /// Checks `params` has `expected` values, uploads, runs
    /// `settings.adam.steps` rounds of `dispatches` (kernel index, the
    /// buffers it binds, invocations) in one submission and reads the
    /// parameters back. `rank` is the kernels' `dims.rank`, `penalty` the
    /// prior on the rater parameters.
    #[allow(clippy::too_many_arguments)]
    async fn train_personal(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        penalty: f64,
        params: &[f64],
        expected: usize,
        dispatches: &[(usize, Binds, usize)],
    ) -> Result<Vec<f64>, GpuError> {
        if params.len() != expected {
            return Err(GpuError::TooLarge(format!(
                "{} parameters given, the model has {expected}",
                params.len()
            )));
        }
        if data.votes.is_empty() || settings.adam.steps == 0 {
            return Ok(params.to_vec());
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let up = self.upload_personal(data, settings, rank, penalty, params)?;
        let k = &self.lowrank.kernels;
        let groups: Vec<wgpu::BindGroup> = dispatches
            .iter()
            .map(|&(kernel, binds, _)| {
                self.bind_group(&k[kernel], KERNELS[kernel].0, &binds.buffers(&up))
            })
            .collect();
        let mut encoder = self.encoder("train_personal");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("train_personal"),
                timestamp_writes: None,
            });
            for _ in 0..settings.adam.steps {
                for (&(kernel, _, count), group) in dispatches.iter().zip(&groups) {
                    pass.set_pipeline(&k[kernel]);
                    pass.set_bind_group(0, group, &[]);
                    let groups = count.div_ceil(LOWRANK_WORKGROUP_SIZE as usize).max(1);
                    pass.dispatch_workgroups(groups as u32, 1, 1);
                }
            }
        }
        let bytes = up.n_params as u64 * 4;
        let staging = self.staging_buffer("personal staging", bytes);
        encoder.copy_buffer_to_buffer(&up.params, 0, &staging, 0, bytes);
        self.queue.submit([encoder.finish()]);
        let raw = crate::readback::read_f32s(&self.device, &staging).await;
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        Ok(raw?.into_iter().take(up.n_params).map(f64::from).collect())
    }

    /// `settings.adam.steps` Adam steps of the rank-`rank` model from
    /// `params` (laid out as `low_rank_start`'s) on the GPU in `f32`;
    /// returns the parameters after them.
    pub async fn train_low_rank(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        rank: usize,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, r, votes) = (data.items.len(), data.raters.len(), data.votes.len());
        let n_params = n + n * rank + r * rank;
        let dispatches = [
            (0, Binds::Slopes, votes),
            (1, Binds::ItemGrad, n),
            (2, Binds::RaterGrad, r),
            (3, Binds::Adam, n_params),
        ];
        self.train_personal(
            data,
            settings,
            rank,
            settings.basis_l2,
            params,
            n_params,
            &dispatches,
        )
        .await
    }

    /// `settings.adam.steps` Adam steps of the shrinkage model (strength
    /// `lambda`) from `params` = [θ̄ (N) | δ (R × N)] on the GPU in `f32`.
    pub async fn train_shrinkage(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        lambda: f64,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, r, votes) = (data.items.len(), data.raters.len(), data.votes.len());
        let n_params = n * (r + 1);
        let dispatches = [
            (4, Binds::Slopes, votes),
            (5, Binds::ItemAndRaterGrad, n + r),
            (3, Binds::Adam, n_params),
        ];
        self.train_personal(data, settings, 0, lambda, params, n_params, &dispatches)
            .await
    }

    /// `settings.adam.steps` Adam steps of GPM (embedding dimension
    /// `settings.gpm_dims`) from `params` (N × D) on the GPU in `f32`.
    pub async fn train_gpm(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        params: &[f64],
    ) -> Result<Vec<f64>, GpuError> {
        let (n, d, votes) = (data.items.len(), settings.gpm_dims, data.votes.len());
        if d == 0 || d % 2 == 1 {
            return Err(GpuError::TooLarge(format!(
                "GPM needs an even embedding dimension, not {d}"
            )));
        }
        let dispatches = [
            (6, Binds::Slopes, votes),
            (7, Binds::ItemGrad, n),
            (3, Binds::Adam, n * d),
        ];
        self.train_personal(data, settings, d, 0.0, params, n * d, &dispatches)
            .await
    }
}

/// Which buffers a kernel binds, in binding order.
#[derive(Debug, Clone, Copy)]
enum Binds {
    /// `*_slopes`: dims, params, votes, slopes, counter.
    Slopes,
    /// `lowrank_item_grad`, `gpm_item_grad`: dims, params, votes, slopes,
    /// the item CSR lists, grad.
    ItemGrad,
    /// `lowrank_rater_grad`: dims, params, votes, slopes, the rater CSR
    /// lists, grad.
    RaterGrad,
    /// `shrinkage_grad`: both CSR lists.
    ItemAndRaterGrad,
    /// `lowrank_adam`: dims, grad, params, moments, counter.
    Adam,
}

impl Binds {
    fn buffers(self, u: &Uploaded) -> Vec<&wgpu::Buffer> {
        let common = [&u.dims, &u.params, &u.votes, &u.slopes];
        match self {
            Binds::Slopes => [common.as_slice(), &[&u.counter]].concat(),
            Binds::ItemGrad => [
                common.as_slice(),
                &[&u.item_start, &u.item_entries, &u.grad],
            ]
            .concat(),
            Binds::RaterGrad => [
                common.as_slice(),
                &[&u.rater_start, &u.rater_votes, &u.grad],
            ]
            .concat(),
            Binds::ItemAndRaterGrad => [
                common.as_slice(),
                &[
                    &u.item_start,
                    &u.item_entries,
                    &u.rater_start,
                    &u.rater_votes,
                    &u.grad,
                ],
            ]
            .concat(),
            Binds::Adam => vec![&u.dims, &u.grad, &u.params, &u.moments, &u.counter],
        }
    }
}
