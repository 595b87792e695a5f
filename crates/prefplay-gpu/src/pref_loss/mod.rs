//! The loss catalogue on the GPU: `pref_loss_context` (the detached batch
//! quantities and AOT's sort) and `pref_loss_rows` (every row's loss and
//! gradients); and the toy policy's training step, `policy_rows` (gather
//! the rows from log softmax θ) → context → rows → `policy_update` (one
//! gradient-descent step, θ ping-ponged between two buffers). A run of
//! steps is one submission with no read-back until the end.
//! CPU twins: [`prefplay_core::labs::loss::evaluate`] and
//! [`prefplay_core::labs::toy_policy::train_step`].

use prefplay_core::labs::loss::{LossBatch, LossKind, LossParams, LossRow, RowLoss, check_rows};
use prefplay_core::labs::toy_policy::{Preference, ToyProblem};

use crate::context::Kernel;
use crate::{GpuContext, GpuError};

/// Rows the context kernel sorts for AOT in one workgroup (O(n²)).
pub const AOT_MAX_ROWS: usize = 16_384;

macro_rules! loss_shader {
    ($file:literal) => {
        concat!(
            include_str!("../shared/numerics.wgsl"),
            include_str!("pref_loss.wgsl"),
            include_str!($file)
        )
    };
}

/// The batch's detached quantities and AOT's sort: one workgroup (a power
/// of two: its sums are trees).
pub(crate) static CONTEXT: Kernel = Kernel {
    name: "pref_loss_context",
    source: loss_shader!("pref_loss_context.wgsl"),
    workgroup_size: 256,
};

/// Every row's loss and gradients, one invocation per row.
pub(crate) static ROWS: Kernel = Kernel {
    name: "pref_loss_rows",
    source: loss_shader!("pref_loss_rows.wgsl"),
    workgroup_size: 64,
};

/// The toy policy's rows gathered from log softmax θ, one invocation per row.
pub(crate) static POLICY_ROWS: Kernel = Kernel {
    name: "policy_rows",
    source: loss_shader!("policy_rows.wgsl"),
    workgroup_size: 64,
};

/// One gradient-descent step of the toy policy, one invocation per logit.
pub(crate) static POLICY_UPDATE: Kernel = Kernel {
    name: "policy_update",
    source: loss_shader!("policy_update.wgsl"),
    workgroup_size: 64,
};

/// `LossParams` in `pref_loss.wgsl`'s layout.
fn params_words(kind: LossKind, params: &LossParams, n_rows: usize) -> [u32; 12] {
    let f = |x: f64| (x as f32).to_bits();
    [
        kind.code(),
        n_rows as u32,
        u32::from(params.wpo),
        0,
        f(params.beta),
        f(params.label_smoothing),
        f(params.gamma),
        f(params.tau),
        f(params.cpo_alpha),
        f(params.desirable_weight),
        f(params.undesirable_weight),
        0,
    ]
}

/// A row in the kernels' 8-float layout.
fn row_words(row: &LossRow) -> [f32; 8] {
    [
        row.policy_chosen as f32,
        row.policy_rejected as f32,
        row.ref_chosen as f32,
        row.ref_rejected as f32,
        row.chosen_len as f32,
        row.rejected_len as f32,
        row.label.unwrap_or(0.0) as f32,
        if row.label.is_some() { 1.0 } else { 0.0 },
    ]
}

/// The buffers of one loss evaluation on the device.
struct LossBuffers {
    params: wgpu::Buffer,
    context: wgpu::Buffer,
    sorted: wgpu::Buffer,
    ranks: wgpu::Buffer,
    out: wgpu::Buffer,
}

impl GpuContext {
    fn loss_buffers(
        &self,
        kind: LossKind,
        params: &LossParams,
        n: usize,
    ) -> Result<LossBuffers, GpuError> {
        if kind.sorted() && n > AOT_MAX_ROWS {
            return Err(GpuError::TooLarge(format!(
                "{n} rows exceed the {AOT_MAX_ROWS} that the GPU sorts for {}",
                kind.name()
            )));
        }
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        if ROWS.workgroups_for(n) > limit {
            return Err(GpuError::TooLarge(format!(
                "{n} rows exceed the dispatch limit"
            )));
        }
        self.check_binding_size(n as u64 * 32)?;
        let words = params_words(kind, params, n);
        let storage = wgpu::BufferUsages::STORAGE;
        Ok(LossBuffers {
            params: self.uniform_init("pref_loss params", bytemuck::cast_slice(&words)),
            context: self.pooled_buffer("pref_loss context", 16, storage),
            sorted: self.pooled_buffer("pref_loss sorted", n as u64 * 8, storage),
            ranks: self.pooled_buffer("pref_loss ranks", n as u64 * 8, storage),
            out: self.pooled_buffer(
                "pref_loss out",
                n as u64 * 16,
                storage | wgpu::BufferUsages::COPY_SRC,
            ),
        })
    }

    /// The bind groups of the context and row kernels over `rows` (a
    /// buffer in the 8-float layout).
    fn loss_groups(&self, buffers: &LossBuffers, rows: &wgpu::Buffer) -> [wgpu::BindGroup; 2] {
        [
            self.bind_group(
                &self.pipeline(&CONTEXT),
                "pref_loss_context bindings",
                &[
                    &buffers.params,
                    rows,
                    &buffers.context,
                    &buffers.sorted,
                    &buffers.ranks,
                ],
            ),
            self.bind_group(
                &self.pipeline(&ROWS),
                "pref_loss_rows bindings",
                &[
                    &buffers.params,
                    rows,
                    &buffers.context,
                    &buffers.sorted,
                    &buffers.ranks,
                    &buffers.out,
                ],
            ),
        ]
    }

    /// Records the context and row dispatches of `n` rows into `pass`.
    fn record_losses(&self, pass: &mut wgpu::ComputePass, groups: &[wgpu::BindGroup; 2], n: usize) {
        pass.set_pipeline(&self.pipeline(&CONTEXT));
        pass.set_bind_group(0, &groups[0], &[]);
        pass.dispatch_workgroups(1, 1, 1);
        pass.set_pipeline(&self.pipeline(&ROWS));
        pass.set_bind_group(0, &groups[1], &[]);
        pass.dispatch_workgroups(ROWS.workgroups_for(n) as u32, 1, 1);
    }

    /// Every row's loss and gradients on the GPU in `f32`, as
    /// [`prefplay_core::labs::loss::evaluate`] computes them in `f64`.
    pub async fn preference_losses(
        &self,
        kind: LossKind,
        params: &LossParams,
        rows: &[LossRow],
    ) -> Result<LossBatch, GpuError> {
        params.check_for(kind)?;
        check_rows(kind, rows)?;
        let n = rows.len();
        if n == 0 {
            return Ok(LossBatch {
                rows: Vec::new(),
                mean: 0.0,
            });
        }
        self.check_health()?;
        let buffers = self.loss_buffers(kind, params, n)?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let words: Vec<[f32; 8]> = rows.iter().map(row_words).collect();
        let input = self.storage_init("pref_loss rows", bytemuck::cast_slice(&words))?;
        let staging = self.pooled_buffer(
            "pref_loss staging",
            n as u64 * 16,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        let mut encoder = self.encoder("pref_loss");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("pref_loss"),
                timestamp_writes: None,
            });
            let groups = self.loss_groups(&buffers, &input);
            self.record_losses(&mut pass, &groups, n);
        }
        encoder.copy_buffer_to_buffer(&buffers.out, 0, &staging, 0, n as u64 * 16);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_pod::<[f32; 4]>(&self.device, &staging).await?;
        let out: Vec<RowLoss> = raw
            .into_iter()
            .take(n)
            .map(|[loss, gc, gr, _]| RowLoss {
                loss: f64::from(loss),
                grad_chosen: f64::from(gc),
                grad_rejected: f64::from(gr),
            })
            .collect();
        let mean = out.iter().map(|r| r.loss).sum::<f64>() / n as f64;
        Ok(LossBatch { rows: out, mean })
    }

    /// `steps` gradient-descent steps of the toy policy from `logits` on
    /// `data`, as [`prefplay_core::labs::toy_policy::train_step`] takes them;
    /// returns the logits after the last step. One submission.
    #[allow(clippy::too_many_arguments)]
    pub async fn train_toy_policy(
        &self,
        problem: &ToyProblem,
        logits: &[f64],
        reference: &[f64],
        data: &[Preference],
        kind: LossKind,
        params: &LossParams,
        learning_rate: f64,
        steps: usize,
    ) -> Result<Vec<f64>, GpuError> {
        params.check_for(kind)?;
        problem.check(data)?;
        let cells = problem.prompts * problem.responses;
        if logits.len() != cells || reference.len() != cells {
            return Err(GpuError::TooLarge(format!(
                "logits and reference need {cells} values each"
            )));
        }
        if data.is_empty() || steps == 0 {
            return Ok(logits.to_vec());
        }
        self.check_health()?;
        let n = data.len();
        let limit = self.limits().max_compute_workgroups_per_dimension as usize;
        if POLICY_UPDATE.workgroups_for(cells) > limit {
            return Err(GpuError::TooLarge(format!(
                "{cells} logits exceed the dispatch limit"
            )));
        }
        let buffers = self.loss_buffers(kind, params, n)?;
        let scope = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        // Rows sorted by prompt (stable), with each prompt's range.
        let mut sorted = data.to_vec();
        sorted.sort_by_key(|p| p.prompt);
        let mut offsets = vec![0u32; problem.prompts + 1];
        for p in &sorted {
            offsets[p.prompt as usize + 1] += 1;
        }
        for i in 0..problem.prompts {
            offsets[i + 1] += offsets[i];
        }
        let triples: Vec<u32> = sorted
            .iter()
            .flat_map(|p| [p.prompt, p.chosen, p.rejected])
            .collect();
        let to_f32 = |x: &[f64]| x.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let toy = [
            problem.prompts as u32,
            problem.responses as u32,
            n as u32,
            0,
            (learning_rate as f32).to_bits(),
            ((1.0 / n as f64) as f32).to_bits(),
            0,
            0,
        ];
        let toy = self.uniform_init("policy params", bytemuck::cast_slice(&toy));
        let storage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST;
        let theta = [
            self.empty_buffer(
                "policy logits a",
                cells as u64 * 4,
                storage | wgpu::BufferUsages::COPY_SRC,
            ),
            self.empty_buffer(
                "policy logits b",
                cells as u64 * 4,
                storage | wgpu::BufferUsages::COPY_SRC,
            ),
        ];
        self.queue
            .write_buffer(&theta[0], 0, bytemuck::cast_slice(&to_f32(logits)));
        let reference =
            self.storage_init("policy reference", bytemuck::cast_slice(&to_f32(reference)))?;
        let lengths = self.storage_init(
            "policy lengths",
            bytemuck::cast_slice(&to_f32(&problem.lengths)),
        )?;
        let data_buffer = self.storage_init("policy data", bytemuck::cast_slice(&triples))?;
        let offsets = self.storage_init("policy offsets", bytemuck::cast_slice(&offsets))?;
        let rows = self.pooled_buffer("policy rows", n as u64 * 32, wgpu::BufferUsages::STORAGE);
        let gather: Vec<wgpu::BindGroup> = theta
            .iter()
            .map(|t| {
                self.bind_group(
                    &self.pipeline(&POLICY_ROWS),
                    "policy_rows bindings",
                    &[&toy, t, &reference, &lengths, &data_buffer, &rows],
                )
            })
            .collect();
        let update: Vec<wgpu::BindGroup> = (0..2)
            .map(|from| {
                self.bind_group(
                    &self.pipeline(&POLICY_UPDATE),
                    "policy_update bindings",
                    &[
                        &toy,
                        &theta[from],
                        &theta[1 - from],
                        &data_buffer,
                        &offsets,
                        &buffers.out,
                    ],
                )
            })
            .collect();
        let loss_groups = self.loss_groups(&buffers, &rows);
        let mut encoder = self.encoder("train_toy_policy");
        {
            let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("train_toy_policy"),
                timestamp_writes: None,
            });
            let row_groups = POLICY_ROWS.workgroups_for(n) as u32;
            let cell_groups = POLICY_UPDATE.workgroups_for(cells) as u32;
            for step in 0..steps {
                let from = step % 2;
                pass.set_pipeline(&self.pipeline(&POLICY_ROWS));
                pass.set_bind_group(0, &gather[from], &[]);
                pass.dispatch_workgroups(row_groups, 1, 1);
                self.record_losses(&mut pass, &loss_groups, n);
                pass.set_pipeline(&self.pipeline(&POLICY_UPDATE));
                pass.set_bind_group(0, &update[from], &[]);
                pass.dispatch_workgroups(cell_groups, 1, 1);
            }
        }
        let last = &theta[steps % 2];
        let staging = self.staging_buffer("policy staging", cells as u64 * 4);
        encoder.copy_buffer_to_buffer(last, 0, &staging, 0, cells as u64 * 4);
        self.queue.submit([encoder.finish()]);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let raw = crate::readback::read_f32s(&self.device, &staging).await?;
        Ok(raw.into_iter().take(cells).map(f64::from).collect())
    }
}
