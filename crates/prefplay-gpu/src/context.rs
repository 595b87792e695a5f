//! [`GpuContext`]: adapter, device, queue and compiled pipelines, built once.

use std::sync::{Arc, Mutex};

use crate::GpuError;

/// The first fatal problem the driver reported outside an error scope
/// (device lost, uncaptured error); once set, every call fails fast.
type Failure = Arc<Mutex<Option<String>>>;

/// Everything the kernels need, created once per page (or process) and
/// passed to each computation.
#[derive(Debug)]
pub struct GpuContext {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    pub(crate) bt_pieces: wgpu::ComputePipeline,
    pub(crate) poisson_weights: wgpu::ComputePipeline,
    pub(crate) bt_batch_fit: wgpu::ComputePipeline,
    pub(crate) loss_sweep: wgpu::ComputePipeline,
    pub(crate) reward: crate::reward_train::RewardPipelines,
    pub(crate) pref_loss: crate::pref_loss::PrefLossPipelines,
    pub(crate) lowrank: crate::personal_train::LowRankPipelines,
    adapter_name: String,
    software: bool,
    limits: wgpu::Limits,
    failure: Failure,
    /// Scratch buffers kept between calls, by kernel buffer label.
    pub(crate) pool: Mutex<std::collections::HashMap<&'static str, wgpu::Buffer>>,
}

impl GpuContext {
    /// Finds an adapter (natively honouring `WGPU_BACKEND` and friends),
    /// creates a device with the adapter's own limits, and compiles the
    /// pipelines.
    pub async fn new() -> Result<Self, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let info = adapter.get_info();
        let limits = adapter.limits();
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("prefplay"),
                required_limits: limits.clone(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::Device(e.to_string()))?;
        let failure: Failure = Arc::default();
        let on_lost = Arc::clone(&failure);
        device.set_device_lost_callback(move |reason, message| {
            record_failure(&on_lost, format!("device lost ({reason:?}): {message}"));
        });
        let on_error = Arc::clone(&failure);
        device.on_uncaptured_error(Arc::new(move |error| {
            record_failure(&on_error, error.to_string())
        }));
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        let bt_pieces = crate::bt_pieces::create_pipeline(&device);
        let poisson_weights = crate::poisson_weights::create_pipeline(&device);
        let bt_batch_fit = crate::bt_bootstrap::create_pipeline(&device);
        let loss_sweep = crate::loss_sweep::create_pipeline(&device);
        let reward = crate::reward_train::create_pipelines(&device);
        let pref_loss = crate::pref_loss::create_pipelines(&device);
        let lowrank = crate::personal_train::create_pipelines(&device);
        if let Some(error) = scope.pop().await {
            return Err(GpuError::Validation(error.to_string()));
        }
        let software = info.device_type == wgpu::DeviceType::Cpu;
        let adapter_name = match (info.name.is_empty(), info.device_type) {
            (false, _) => info.name,
            // Browsers may hide the adapter's description for privacy.
            (true, wgpu::DeviceType::Cpu) => "WebGPU software adapter".to_string(),
            (true, _) => "WebGPU adapter".to_string(),
        };
        Ok(Self {
            device,
            queue,
            bt_pieces,
            poisson_weights,
            bt_batch_fit,
            loss_sweep,
            reward,
            pref_loss,
            lowrank,
            adapter_name,
            software,
            limits,
            failure,
            pool: Mutex::default(),
        })
    }

    /// The adapter's name as the driver reports it (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
    pub fn adapter_name(&self) -> &str {
        &self.adapter_name
    }

    /// Whether the adapter is a software renderer (llvmpipe, SwiftShader):
    /// `Engine::Auto` never uses one (measured slower than the CPU).
    pub fn is_software(&self) -> bool {
        self.software
    }

    /// The device's limits (those of the adapter).
    pub fn limits(&self) -> &wgpu::Limits {
        &self.limits
    }

    /// Destroys the device, as a driver reset or a lost GPU would (for
    /// testing the CPU fallback): every later computation on this context fails.
    pub fn destroy_device(&self) {
        self.device.destroy();
    }

    /// `Err` once the device was lost or reported an uncaptured error.
    pub(crate) fn check_health(&self) -> Result<(), GpuError> {
        let failure = self
            .failure
            .lock()
            .map_err(|_| GpuError::Lost("state poisoned".into()))?;
        match failure.as_ref() {
            Some(message) => Err(GpuError::Lost(message.clone())),
            None => Ok(()),
        }
    }
}

/// The compute pipeline of kernel `name`: the entry point `name` in the
/// WGSL `source` (the file `name.wgsl`), bindings laid out by the shader.
pub(crate) fn compute_pipeline(
    device: &wgpu::Device,
    name: &str,
    source: &str,
) -> wgpu::ComputePipeline {
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(&format!("{name}.wgsl")),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: None,
        module: &module,
        entry_point: Some(name),
        compilation_options: Default::default(),
        cache: None,
    })
}

fn record_failure(failure: &Failure, message: String) {
    if let Ok(mut slot) = failure.lock() {
        slot.get_or_insert(message);
    }
}
