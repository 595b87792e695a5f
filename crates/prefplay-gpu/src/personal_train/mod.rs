//! Training personalized models on the GPU: the kernels, the buffers they
//! share and one driver that runs a model's schedule of dispatches in a
//! single submission and reads the results back once. The models' entry
//! points are in `models.rs`:
//! - low-rank: `lowrank_slopes` (one invocation per vote),
//!   `lowrank_item_grad` (per item, over a CSR list of its votes),
//!   `lowrank_rater_grad` (per rater) and `adam` (per parameter, the one Adam);
//! - shrinkage: `shrinkage_slopes`, `shrinkage_grad` and `adam`;
//! - GPM: `gpm_slopes`, `gpm_item_grad` and `adam`;
//! - feature models (head, PAL, low-rank on features): `features_expand`
//!   writes the model's item-space view [θ̄ | V | W], the low-rank kernels
//!   differentiate it, `features_project` carries the gradient back to the
//!   model's parameters, `adam` steps them;
//! - the mixture's EM: `mixture_totals`, then M-step rounds of
//!   `mixture_slopes`, `mixture_item_grad` and `adam` from fresh
//!   Adam state, then `mixture_estep`.
//!
//! CPU twins in `prefplay_core::models::personal`: `train_low_rank`,
//! `train_shrinkage`, `train_gpm`, `train_features`, `train_mixture`.

mod models;

pub use models::MIXTURE_MAX_GROUPS;

use prefplay_core::models::personal::{PersonalSettings, RaterVotes};

use crate::{GpuContext, GpuError};

/// Invocations per workgroup of the personalized models' kernels (each
/// runs one invocation per vote, item, rater or parameter).
const WORKGROUP_SIZE: u32 = 64;

macro_rules! personal_shader {
    ($($file:literal),+) => {
        concat!(
            include_str!("../shared/numerics.wgsl"),
            include_str!("lowrank_common.wgsl"),
            $(include_str!($file)),+
        )
    };
}

/// One of the personalized models' kernels.
const fn personal_kernel(name: &'static str, source: &'static str) -> crate::context::Kernel {
    crate::context::Kernel {
        name,
        source,
        workgroup_size: WORKGROUP_SIZE,
    }
}

/// The kernels; [`Kernel`] indexes them.
pub(crate) static KERNELS: [&crate::context::Kernel; 14] = [
    &personal_kernel("lowrank_slopes", personal_shader!("lowrank_slopes.wgsl")),
    &personal_kernel(
        "lowrank_item_grad",
        personal_shader!("lowrank_item_grad.wgsl"),
    ),
    &personal_kernel(
        "lowrank_rater_grad",
        personal_shader!("lowrank_rater_grad.wgsl"),
    ),
    &crate::adam::ADAM,
    &personal_kernel(
        "shrinkage_slopes",
        personal_shader!("shrinkage_slopes.wgsl"),
    ),
    &personal_kernel("shrinkage_grad", personal_shader!("shrinkage_grad.wgsl")),
    &personal_kernel("gpm_slopes", personal_shader!("gpm_slopes.wgsl")),
    &personal_kernel("gpm_item_grad", personal_shader!("gpm_item_grad.wgsl")),
    &personal_kernel(
        "features_expand",
        personal_shader!("features_common.wgsl", "features_expand.wgsl"),
    ),
    &personal_kernel(
        "features_project",
        personal_shader!("features_common.wgsl", "features_project.wgsl"),
    ),
    &personal_kernel(
        "mixture_totals",
        personal_shader!("mixture_common.wgsl", "mixture_totals.wgsl"),
    ),
    &personal_kernel(
        "mixture_slopes",
        personal_shader!("mixture_common.wgsl", "mixture_slopes.wgsl"),
    ),
    &personal_kernel(
        "mixture_item_grad",
        personal_shader!("mixture_common.wgsl", "mixture_item_grad.wgsl"),
    ),
    &personal_kernel(
        "mixture_estep",
        personal_shader!("mixture_common.wgsl", "mixture_estep.wgsl"),
    ),
];

/// A kernel of [`KERNELS`], with the buffers it binds (in binding order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    /// dims, view, votes, slopes, counter.
    LowRankSlopes,
    /// dims, view, votes, slopes, item CSR, view grad.
    LowRankItemGrad,
    /// dims, view, votes, slopes, rater CSR, view grad.
    LowRankRaterGrad,
    /// Adam's settings, grad, params, moments, counter (the one `adam`).
    Adam,
    /// As `LowRankSlopes`.
    ShrinkageSlopes,
    /// dims, params, votes, slopes, item CSR, rater CSR, grad.
    ShrinkageGrad,
    /// As `LowRankSlopes`.
    GpmSlopes,
    /// As `LowRankItemGrad`.
    GpmItemGrad,
    /// dims, params, features, view.
    FeaturesExpand,
    /// dims, params, features, view, view grad, grad.
    FeaturesProject,
    /// dims, resp, rater start, totals.
    MixtureTotals,
    /// dims, params, votes, resp, totals, slopes, counter.
    MixtureSlopes,
    /// dims, params, slopes, item CSR, totals, grad.
    MixtureItemGrad,
    /// dims, params, votes, rater CSR, totals, resp, log-likelihoods.
    MixtureEstep,
}

impl Kernel {
    fn index(self) -> usize {
        self as usize
    }

    fn buffers(self, u: &Uploaded) -> Vec<&wgpu::Buffer> {
        let view = u.view.as_ref().unwrap_or(&u.params);
        let view_grad = u.view_grad.as_ref().unwrap_or(&u.grad);
        match self {
            Kernel::LowRankSlopes | Kernel::ShrinkageSlopes | Kernel::GpmSlopes => {
                vec![&u.dims, view, &u.votes, &u.slopes, &u.counter]
            }
            Kernel::LowRankItemGrad | Kernel::GpmItemGrad => vec![
                &u.dims,
                view,
                &u.votes,
                &u.slopes,
                &u.item_start,
                &u.item_entries,
                view_grad,
            ],
            Kernel::LowRankRaterGrad => vec![
                &u.dims,
                view,
                &u.votes,
                &u.slopes,
                &u.rater_start,
                &u.rater_votes,
                view_grad,
            ],
            Kernel::Adam => vec![&u.adam, &u.grad, &u.params, &u.moments, &u.counter],
            Kernel::ShrinkageGrad => vec![
                &u.dims,
                &u.params,
                &u.votes,
                &u.slopes,
                &u.item_start,
                &u.item_entries,
                &u.rater_start,
                &u.rater_votes,
                &u.grad,
            ],
            Kernel::FeaturesExpand => vec![&u.dims, &u.params, &u.features, view],
            Kernel::FeaturesProject => {
                vec![&u.dims, &u.params, &u.features, view, view_grad, &u.grad]
            }
            Kernel::MixtureTotals => vec![&u.dims, &u.resp, &u.rater_start, &u.totals],
            Kernel::MixtureSlopes => vec![
                &u.dims, &u.params, &u.votes, &u.resp, &u.totals, &u.slopes, &u.counter,
            ],
            Kernel::MixtureItemGrad => vec![
                &u.dims,
                &u.params,
                &u.slopes,
                &u.item_start,
                &u.item_entries,
                &u.totals,
                &u.grad,
            ],
            Kernel::MixtureEstep => vec![
                &u.dims,
                &u.params,
                &u.votes,
                &u.rater_start,
                &u.rater_votes,
                &u.totals,
                &u.resp,
                &u.log_lik,
            ],
        }
    }
}

/// CSR lists: (start per row, entries).
fn csr(rows: usize, pairs: impl Iterator<Item = (usize, u32)> + Clone) -> (Vec<u32>, Vec<u32>) {
    let csr = prefplay_core::data::csr::Csr::build(rows, pairs);
    (csr.start, csr.entries)
}

/// A model's shape on the device: what the shared dims say and what
/// model-specific buffers hold. Kernels read `rank`, `units` and `model`
/// as `lowrank_common.wgsl` documents.
#[derive(Debug, Clone, Default)]
struct Shape {
    /// `dims.rank`: the low-rank K, GPM's D, a feature model's view
    /// width, the mixture's groups.
    rank: usize,
    /// `dims.units`: the head's hidden units, PAL's prototypes.
    units: usize,
    /// `dims.model`: 0, or 1 head, 2 PAL, 3 low-rank on features.
    model: u32,
    /// `dims.basis_l2`: the prior on the rater parameters.
    penalty: f64,
    /// Standardised item features N × d (feature models).
    features: Vec<f32>,
    /// Feature columns d.
    n_features: usize,
    /// Length of the item-space view (0: the kernels see the parameters).
    view_len: usize,
    /// Slopes per vote (K for the mixture, else 1).
    slopes_per_vote: usize,
    /// Starting responsibilities R × K (the mixture; read back when
    /// present).
    resp: Vec<f32>,
    /// Parameters the model has (what `params` must hold).
    n_params: usize,
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
    /// `adam`'s settings.
    adam: wgpu::Buffer,
    moments: wgpu::Buffer,
    counter: wgpu::Buffer,
    slopes: wgpu::Buffer,
    grad: wgpu::Buffer,
    features: wgpu::Buffer,
    view: Option<wgpu::Buffer>,
    view_grad: Option<wgpu::Buffer>,
    resp: wgpu::Buffer,
    totals: wgpu::Buffer,
    log_lik: wgpu::Buffer,
    n_params: usize,
}

/// A step of a training schedule.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `repeat` rounds of the kernels, each with its invocation count.
    Run {
        repeat: usize,
        kernels: &'static [Kernel],
    },
    /// Zeroes Adam's moments and step counter (a fresh optimiser).
    FreshAdam,
}

/// What a training run reads back.
#[derive(Debug, Default)]
struct Trained {
    params: Vec<f64>,
    resp: Vec<f64>,
    log_lik: Vec<f64>,
}

impl GpuContext {
    /// Uploads the votes, their CSR lists per item and per rater, the
    /// starting parameters, zeroed Adam state and the shape's buffers.
    fn upload_personal(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        shape: &Shape,
        params: &[f64],
    ) -> Result<Uploaded, GpuError> {
        let (n, r, votes) = (data.items.len(), data.raters.len(), data.votes.len());
        let n_params = params.len();
        self.check_binding_size((n_params.max(shape.view_len) as u64) * 8)?;
        self.check_binding_size((votes * shape.slopes_per_vote.max(1)) as u64 * 4)?;
        let f = |x: f64| (x as f32).to_bits();
        let dims = [
            n as u32,
            r as u32,
            votes as u32,
            shape.rank as u32,
            n_params as u32,
            shape.n_features as u32,
            shape.units as u32,
            shape.model,
            f(settings.l2),
            f(shape.penalty),
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
        let writable = storage | wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::COPY_SRC;
        let filled = |label: &str, values: &[f32]| {
            let b = self.empty_buffer(label, values.len().max(4) as u64 * 4, writable);
            if !values.is_empty() {
                self.queue.write_buffer(&b, 0, bytemuck::cast_slice(values));
            }
            b
        };
        let start: Vec<f32> = params.iter().map(|&p| p as f32).collect();
        let zeros = |label: &str, values: usize| filled(label, &vec![0.0; values.max(4)]);
        let view = (shape.view_len > 0).then(|| zeros("personal view", shape.view_len));
        let view_grad = (shape.view_len > 0).then(|| zeros("personal view grad", shape.view_len));
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
            params: filled("personal params", &start),
            adam: self.adam_settings(settings.adam.learning_rate, n_params),
            moments: zeros("personal moments", n_params * 2),
            counter: zeros("personal counter", 1),
            slopes: zeros("personal slopes", votes * shape.slopes_per_vote.max(1)),
            grad: zeros("personal grad", n_params),
            features: filled("personal features", &shape.features),
            view,
            view_grad,
            resp: filled("personal responsibilities", &shape.resp),
            totals: zeros("personal group totals", shape.rank * 2),
            log_lik: zeros("personal log-likelihoods", r),
            n_params,
        })
    }

    /// Invocations of `kernel` for this data and shape.
    fn invocations(kernel: Kernel, data: &RaterVotes, shape: &Shape, n_params: usize) -> usize {
        let (n, r, votes) = (data.items.len(), data.raters.len(), data.votes.len());
        match kernel {
            Kernel::LowRankSlopes | Kernel::ShrinkageSlopes | Kernel::GpmSlopes => votes,
            Kernel::LowRankItemGrad | Kernel::GpmItemGrad => n,
            Kernel::LowRankRaterGrad => r,
            Kernel::Adam | Kernel::FeaturesProject => n_params,
            Kernel::ShrinkageGrad | Kernel::FeaturesExpand => n + r,
            Kernel::MixtureTotals => shape.rank,
            Kernel::MixtureSlopes => shape.rank * votes,
            Kernel::MixtureItemGrad => shape.rank * n,
            Kernel::MixtureEstep => r,
        }
    }

    /// Checks `params` has `shape.n_params` values, uploads, runs
    /// `schedule` in one submission and reads the parameters back (and,
    /// for the mixture, the responsibilities and log-likelihoods).
    async fn train_personal(
        &self,
        data: &RaterVotes,
        settings: &PersonalSettings,
        shape: &Shape,
        params: &[f64],
        schedule: &[Step],
    ) -> Result<Trained, GpuError> {
        let expected = shape.n_params;
        if params.len() != expected {
            return Err(GpuError::TooLarge(format!(
                "{} parameters given, the model has {expected}",
                params.len()
            )));
        }
        if data.votes.is_empty() || settings.adam.steps == 0 {
            return Ok(Trained {
                params: params.to_vec(),
                resp: shape.resp.iter().map(|&x| f64::from(x)).collect(),
                log_lik: Vec::new(),
            });
        }
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        let mut kernels: Vec<Kernel> = Vec::new();
        for step in schedule {
            if let Step::Run { kernels: list, .. } = step {
                for &k in *list {
                    if !kernels.contains(&k) {
                        kernels.push(k);
                    }
                }
            }
        }
        // Each kernel's workgroups, worked out once (the step loop below
        // dispatches them hundreds of times).
        let mut workgroups = [0u32; KERNELS.len()];
        for &k in &kernels {
            let count = Self::invocations(k, data, shape, params.len());
            let needed = KERNELS[k.index()].workgroups_for(count).max(1);
            if needed > limit {
                return Err(GpuError::TooLarge(format!(
                    "{} needs {count} invocations, over the dispatch limit",
                    KERNELS[k.index()].name
                )));
            }
            workgroups[k.index()] = needed as u32;
        }
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let up = self.upload_personal(data, settings, shape, params)?;
        // Bind groups by kernel index, for the kernels the schedule uses.
        let mut groups: Vec<Option<wgpu::BindGroup>> = (0..KERNELS.len()).map(|_| None).collect();
        for &k in &kernels {
            groups[k.index()] = Some(self.bind_group(
                &self.pipeline(KERNELS[k.index()]),
                KERNELS[k.index()].name,
                &k.buffers(&up),
            ));
        }
        let mut encoder = self.encoder("train_personal");
        for (index, segment) in schedule.split(|s| matches!(s, Step::FreshAdam)).enumerate() {
            if index > 0 {
                encoder.clear_buffer(&up.moments, 0, None);
                encoder.clear_buffer(&up.counter, 0, None);
            }
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("train_personal"),
                timestamp_writes: None,
            });
            for step in segment {
                let Step::Run {
                    repeat,
                    kernels: list,
                } = *step
                else {
                    continue;
                };
                for _ in 0..repeat {
                    for &k in list {
                        pass.set_pipeline(&self.pipeline(KERNELS[k.index()]));
                        pass.set_bind_group(0, groups[k.index()].as_ref(), &[]);
                        pass.dispatch_workgroups(workgroups[k.index()], 1, 1);
                    }
                }
            }
        }
        let mut reads = vec![(&up.params, up.n_params)];
        if !shape.resp.is_empty() {
            reads.push((&up.resp, shape.resp.len()));
            reads.push((&up.log_lik, data.raters.len()));
        }
        let staging: Vec<(wgpu::Buffer, usize)> = reads
            .iter()
            .map(|&(buffer, len)| {
                let bytes = buffer.size();
                let s = self.staging_buffer("personal staging", bytes);
                encoder.copy_buffer_to_buffer(buffer, 0, &s, 0, bytes);
                (s, len)
            })
            .collect();
        self.queue.submit([encoder.finish()]);
        let mut values = Vec::new();
        for (s, len) in &staging {
            let raw = crate::readback::read_f32s(&self.device, s).await;
            values.push(raw.map(|v| {
                v.into_iter()
                    .take(*len)
                    .map(f64::from)
                    .collect::<Vec<f64>>()
            }));
        }
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let mut values = values.into_iter();
        let mut next = || values.next().transpose().map(Option::unwrap_or_default);
        Ok(Trained {
            params: next()?,
            resp: next()?,
            log_lik: next()?,
        })
    }
}
