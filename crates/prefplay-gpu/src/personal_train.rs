//! Training the personalized low-rank model on the GPU: per step,
//! `lowrank_slopes` (one invocation per vote), `lowrank_item_grad` (per
//! item, over a CSR list of its votes), `lowrank_rater_grad` (per rater)
//! and `lowrank_adam` (per parameter); all steps in one submission, read
//! back once. CPU twin: [`prefplay_core::personal::train_low_rank`].

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

pub(crate) const KERNELS: [(&str, &str); 4] = [
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
];

/// The four pipelines, compiled once with the context.
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

impl GpuContext {
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
        if params.len() != n_params {
            return Err(GpuError::TooLarge(format!(
                "{} parameters given, the model has {n_params}",
                params.len()
            )));
        }
        if votes == 0 || settings.adam.steps == 0 {
            return Ok(params.to_vec());
        }
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        let groups = |count: usize| count.div_ceil(LOWRANK_WORKGROUP_SIZE as usize);
        if groups(votes.max(n_params)) > limit {
            return Err(GpuError::TooLarge(format!(
                "{votes} votes or {n_params} parameters exceed the dispatch limit"
            )));
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
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
            f(settings.basis_l2),
            f(1.0 / votes as f64),
            f(settings.adam.learning_rate),
        ];
        let dims = self.uniform_init("lowrank dims", bytemuck::cast_slice(&dims));
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
        let votes_buffer = self.storage_init("lowrank votes", bytemuck::cast_slice(&vote_words))?;
        let item_start =
            self.storage_init("lowrank item start", bytemuck::cast_slice(&item_start))?;
        let item_entries =
            self.storage_init("lowrank item entries", bytemuck::cast_slice(&item_entries))?;
        let rater_start =
            self.storage_init("lowrank rater start", bytemuck::cast_slice(&rater_start))?;
        let rater_votes =
            self.storage_init("lowrank rater votes", bytemuck::cast_slice(&rater_votes))?;
        let start: Vec<f32> = params.iter().map(|&p| p as f32).collect();
        self.check_binding_size(n_params as u64 * 8)?;
        let params_buffer = self.empty_buffer(
            "lowrank params",
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
        let moments = zeros("lowrank moments", n_params as u64 * 8);
        let counter = zeros("lowrank counter", 4);
        let slopes = self.empty_buffer("lowrank slopes", votes as u64 * 4, storage);
        let grad = self.empty_buffer("lowrank grad", n_params as u64 * 4, storage);
        let k = &self.lowrank.kernels;
        let bind = [
            self.bind_group(
                &k[0],
                "lowrank_slopes",
                &[&dims, &params_buffer, &votes_buffer, &slopes, &counter],
            ),
            self.bind_group(
                &k[1],
                "lowrank_item_grad",
                &[
                    &dims,
                    &params_buffer,
                    &votes_buffer,
                    &slopes,
                    &item_start,
                    &item_entries,
                    &grad,
                ],
            ),
            self.bind_group(
                &k[2],
                "lowrank_rater_grad",
                &[
                    &dims,
                    &params_buffer,
                    &votes_buffer,
                    &slopes,
                    &rater_start,
                    &rater_votes,
                    &grad,
                ],
            ),
            self.bind_group(
                &k[3],
                "lowrank_adam",
                &[&dims, &grad, &params_buffer, &moments, &counter],
            ),
        ];
        let counts = [groups(votes), groups(n), groups(r), groups(n_params)];
        let mut encoder = self.encoder("train_low_rank");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("train_low_rank"),
                timestamp_writes: None,
            });
            for _ in 0..settings.adam.steps {
                for (kernel, (group, count)) in k.iter().zip(bind.iter().zip(counts)) {
                    pass.set_pipeline(kernel);
                    pass.set_bind_group(0, group, &[]);
                    pass.dispatch_workgroups(count.max(1) as u32, 1, 1);
                }
            }
        }
        let staging = self.staging_buffer("lowrank staging", n_params as u64 * 4);
        encoder.copy_buffer_to_buffer(&params_buffer, 0, &staging, 0, n_params as u64 * 4);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_f32s(&self.device, &staging).await?;
        Ok(raw.into_iter().take(n_params).map(f64::from).collect())
    }
}
