//! Reward-model training on the GPU: the kernels `reward_hidden` (tiled
//! X·W1ᵀ), `reward_scores`, `reward_slopes` (dL/dr over the pairs),
//! `reward_weight_grad` (tiled δᵀ·X), `reward_head_grad` and the one `adam`.
//! One Adam step is one submission of these six dispatches; nothing is
//! read back until the end. CPU twin: [`prefplay_core::models::reward_model`].

use prefplay_core::models::reward_model::{
    RewardHead, RewardModel, RewardPairs, RewardSettings, check_training,
};

use crate::context::Kernel;
use crate::pair_rows::pair_rows;
use crate::{GpuContext, GpuError};

/// Side of the square tiles staged in workgroup memory (`TILE` in
/// `reward_common.wgsl`, which sizes the tiles' arrays; the tiled kernels'
/// workgroups are TILE × TILE, their `WORKGROUP_SIZE` set from here).
pub(crate) const REWARD_TILE: u32 = 16;

macro_rules! reward_shader {
    ($file:literal) => {
        concat!(
            include_str!("../shared/numerics.wgsl"),
            include_str!("reward_common.wgsl"),
            include_str!($file)
        )
    };
}

/// A reward kernel: tiled (TILE × TILE) or one invocation per element.
const fn reward_kernel(name: &'static str, source: &'static str, tiled: bool) -> Kernel {
    Kernel {
        name,
        source,
        workgroup_size: if tiled { REWARD_TILE } else { 64 },
    }
}

/// The kernels, in dispatch order (the bind groups follow it).
pub(crate) static KERNELS: [&Kernel; 6] = [
    &reward_kernel("reward_hidden", reward_shader!("reward_hidden.wgsl"), true),
    &reward_kernel("reward_scores", reward_shader!("reward_scores.wgsl"), false),
    &reward_kernel("reward_slopes", reward_shader!("reward_slopes.wgsl"), false),
    &reward_kernel(
        "reward_weight_grad",
        reward_shader!("reward_weight_grad.wgsl"),
        true,
    ),
    &reward_kernel(
        "reward_head_grad",
        reward_shader!("reward_head_grad.wgsl"),
        false,
    ),
    &crate::adam::ADAM,
];

/// A training problem on the device.
struct Uploaded {
    /// Adam's step number, written before each step.
    counter: wgpu::Buffer,
    params: wgpu::Buffer,
    grad: wgpu::Buffer,
    bind_groups: Vec<wgpu::BindGroup>,
    n_items: u32,
    inputs: u32,
    hidden: u32,
    n_params: usize,
}

/// The uniform `Dims` of `reward_common.wgsl`.
#[allow(clippy::too_many_arguments)]
fn dims_words(
    n_items: u32,
    inputs: u32,
    hidden: u32,
    head: RewardHead,
    l2: f64,
    inv_total: f64,
) -> [u32; 8] {
    let (activation, trainable) = match head {
        RewardHead::Linear => (0, inputs),
        RewardHead::Mlp { .. } => (1, hidden * inputs + 2 * hidden),
    };
    [
        n_items,
        inputs,
        hidden,
        activation,
        trainable,
        (l2 as f32).to_bits(),
        (inv_total as f32).to_bits(),
        0,
    ]
}

/// The pairs as CSR rows per item: (row_start, opponent, wins of the
/// row's item and of its opponent).
fn reward_rows(n: usize, pairs: &RewardPairs) -> (Vec<u32>, Vec<u32>, Vec<[f32; 2]>) {
    let (row_start, rows) = pair_rows(n, &pairs.item_a, &pairs.item_b);
    let opponent = rows.iter().map(|e| e.opponent).collect();
    let wins = rows
        .iter()
        .map(|e| {
            let k = e.pair as usize;
            let (wa, wb) = (pairs.wins_a[k] as f32, pairs.wins_b[k] as f32);
            if e.flipped { [wb, wa] } else { [wa, wb] }
        })
        .collect();
    (row_start, opponent, wins)
}

/// The GPU's parameter vector: the model's, with b1 = 0 and w2 = 1 after
/// a linear reward's weights.
fn device_params(model: &RewardModel) -> Vec<f32> {
    let mut out: Vec<f32> = model.params.iter().map(|&p| p as f32).collect();
    if model.head == RewardHead::Linear {
        out.extend([0.0, 1.0]);
    }
    out
}

impl GpuContext {
    fn upload_reward(
        &self,
        features: &[f64],
        pairs: &RewardPairs,
        model: &RewardModel,
        l2: f64,
        learning_rate: f64,
    ) -> Result<Uploaded, GpuError> {
        let inputs = model.inputs;
        let n = features.len() / inputs.max(1);
        let hidden = match model.head {
            RewardHead::Linear => 1,
            RewardHead::Mlp { hidden } => hidden,
        };
        let too_large =
            || GpuError::TooLarge(format!("{n} items × {inputs} features × {hidden} units"));
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        let tiles = |len: usize| len.div_ceil(REWARD_TILE as usize);
        if tiles(n) > limit
            || tiles(hidden) > limit
            || tiles(inputs) > limit
            || hidden > limit
            || KERNELS[1].workgroups_for(n) > limit
        {
            return Err(too_large());
        }
        let n_u32 = u32::try_from(n).map_err(|_| too_large())?;
        self.check_binding_size((n * hidden * 4) as u64)?;
        let params = device_params(model);
        let inv_total = 1.0 / pairs.total().max(f64::MIN_POSITIVE);
        let dims = dims_words(
            n_u32,
            inputs as u32,
            hidden as u32,
            model.head,
            l2,
            inv_total,
        );
        // The linear reward trains W1 only: the first `trainable` parameters.
        let trainable = dims[4] as usize;
        let (row_start, opponent, wins) = reward_rows(n, pairs);
        let features: Vec<f32> = features.iter().map(|&x| x as f32).collect();
        let storage = wgpu::BufferUsages::STORAGE;
        let copy_dst = wgpu::BufferUsages::COPY_DST;
        let copy_src = wgpu::BufferUsages::COPY_SRC;
        let dims_buffer = self.uniform_init("reward dims", bytemuck::cast_slice(&dims));
        let features = self.storage_init("reward features", bytemuck::cast_slice(&features))?;
        let param_bytes = (params.len() * 4) as u64;
        let params_buffer =
            self.empty_buffer("reward params", param_bytes, storage | copy_dst | copy_src);
        self.queue
            .write_buffer(&params_buffer, 0, bytemuck::cast_slice(&params));
        let grad = self.pooled_buffer("reward grad", param_bytes, storage | copy_src);
        let moments = self.empty_buffer("reward moments", 2 * param_bytes, storage | copy_dst);
        self.queue.write_buffer(
            &moments,
            0,
            bytemuck::cast_slice(&vec![0f32; 2 * params.len()]),
        );
        let activations =
            self.pooled_buffer("reward activations", (n * hidden * 4) as u64, storage);
        let rewards = self.pooled_buffer("reward rewards", (n * 4) as u64, storage);
        let slopes = self.pooled_buffer("reward slopes", (n * 4) as u64, storage);
        let row_nll = self.pooled_buffer("reward row_nll", (n * 4) as u64, storage);
        let row_start = self.storage_init("reward row_start", bytemuck::cast_slice(&row_start))?;
        let opponent = self.storage_init("reward opponent", bytemuck::cast_slice(&opponent))?;
        let wins = self.storage_init("reward wins", bytemuck::cast_slice(&wins))?;
        let counter = self.empty_buffer("reward adam step", 16, storage | copy_dst);
        let d = &dims_buffer;
        let bind_groups = vec![
            self.bind_group(
                &self.pipeline(KERNELS[0]),
                "reward_hidden",
                &[d, &features, &params_buffer, &activations],
            ),
            self.bind_group(
                &self.pipeline(KERNELS[1]),
                "reward_scores",
                &[d, &activations, &params_buffer, &rewards],
            ),
            self.bind_group(
                &self.pipeline(KERNELS[2]),
                "reward_slopes",
                &[d, &row_start, &opponent, &wins, &rewards, &slopes, &row_nll],
            ),
            self.bind_group(
                &self.pipeline(KERNELS[3]),
                "reward_weight_grad",
                &[d, &features, &params_buffer, &activations, &slopes, &grad],
            ),
            self.bind_group(
                &self.pipeline(KERNELS[4]),
                "reward_head_grad",
                &[d, &params_buffer, &activations, &slopes, &grad],
            ),
            self.bind_group(
                &self.pipeline(KERNELS[5]),
                "adam",
                &[
                    &self.adam_settings(learning_rate, trainable),
                    &grad,
                    &params_buffer,
                    &moments,
                    &counter,
                ],
            ),
        ];
        Ok(Uploaded {
            counter,
            params: params_buffer,
            grad,
            bind_groups,
            n_items: n_u32,
            inputs: inputs as u32,
            hidden: hidden as u32,
            n_params: params.len(),
        })
    }

    /// Records the forward and backward passes (the gradient lands in `grad`).
    fn encode_gradient(&self, encoder: &mut wgpu::CommandEncoder, up: &Uploaded) {
        let tiles = |len: u32| len.div_ceil(REWARD_TILE).max(1);
        let rows = KERNELS[1].workgroups_for(up.n_items as usize).max(1) as u32;
        let dispatches: [(usize, (u32, u32)); 5] = [
            (0, (tiles(up.hidden), tiles(up.n_items))),
            (1, (rows, 1)),
            (2, (rows, 1)),
            (3, (tiles(up.inputs), tiles(up.hidden))),
            (4, (up.hidden, 1)),
        ];
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("reward gradient"),
            timestamp_writes: None,
        });
        for (kernel, (x, y)) in dispatches {
            pass.set_pipeline(&self.pipeline(KERNELS[kernel]));
            pass.set_bind_group(0, &up.bind_groups[kernel], &[]);
            pass.dispatch_workgroups(x, y, 1);
        }
    }

    async fn read_params(&self, buffer: &wgpu::Buffer, n: usize) -> Result<Vec<f32>, GpuError> {
        let bytes = (n * 4) as u64;
        let staging = self.pooled_buffer(
            "reward staging",
            bytes,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let mut encoder = self.encoder("reward read-back");
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, bytes);
        self.queue.submit([encoder.finish()]);
        let mut out = crate::readback::read_pod::<f32>(&self.device, &staging).await?;
        out.truncate(n);
        Ok(out)
    }

    /// The gradient of the training loss at `model` (λ = `l2`), computed
    /// by the forward and backward kernels, in the model's layout.
    pub async fn reward_gradient(
        &self,
        features: &[f64],
        pairs: &RewardPairs,
        model: &RewardModel,
        l2: f64,
    ) -> Result<Vec<f64>, GpuError> {
        let settings = RewardSettings {
            head: model.head,
            l2,
            ..RewardSettings::default()
        };
        check_training(features, model.inputs, pairs, &settings)?;
        self.check_health()?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let up = self.upload_reward(features, pairs, model, l2, settings.learning_rate)?;
        let mut encoder = self.encoder("reward gradient");
        self.encode_gradient(&mut encoder, &up);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let grad = self.read_params(&up.grad, up.n_params).await?;
        Ok(grad
            .into_iter()
            .take(model.params.len())
            .map(f64::from)
            .collect())
    }

    /// Trains from the same seeded start as
    /// [`prefplay_core::models::reward_model::train_reward`], full-batch Adam on
    /// the GPU in `f32`.
    pub async fn train_reward(
        &self,
        features: &[f64],
        inputs: usize,
        pairs: &RewardPairs,
        settings: &RewardSettings,
    ) -> Result<RewardModel, GpuError> {
        check_training(features, inputs, pairs, settings)?;
        self.check_health()?;
        let mut model = RewardModel::init(inputs, settings.head, settings.seed);
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let up =
            self.upload_reward(features, pairs, &model, settings.l2, settings.learning_rate)?;
        let groups = KERNELS[5].workgroups_for(up.n_params).max(1) as u32;
        for step in 1..=settings.steps {
            self.queue
                .write_buffer(&up.counter, 0, bytemuck::cast_slice(&[step, 0, 0, 0]));
            let mut encoder = self.encoder("reward step");
            self.encode_gradient(&mut encoder, &up);
            {
                let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                    label: Some("adam"),
                    timestamp_writes: None,
                });
                pass.set_pipeline(&self.pipeline(KERNELS[5]));
                pass.set_bind_group(0, &up.bind_groups[5], &[]);
                pass.dispatch_workgroups(groups, 1, 1);
            }
            self.queue.submit([encoder.finish()]);
        }
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let params = self.read_params(&up.params, up.n_params).await?;
        self.check_health()?;
        model.params = params
            .into_iter()
            .take(model.params.len())
            .map(f64::from)
            .collect();
        Ok(model)
    }
}

#[cfg(test)]
mod tests;
