//! [`GpuContext`]: adapter, device and queue, built once, and the
//! pipelines, each compiled the first time it is asked for from the
//! [`Kernel`] its module declares. The context names no kernel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::GpuError;
use crate::engine::calibration::{Calibration, Prediction};
use crate::engine::choice::Workload;

/// The first fatal problem the driver reported outside an error scope
/// (device lost, uncaptured error); once set, every call fails fast.
type Failure = Arc<Mutex<Option<String>>>;

/// Everything the kernels need, created once per page (or process) and
/// passed to each computation.
#[derive(Debug)]
pub struct GpuContext {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    /// Compiled pipelines by kernel name ([`Self::pipeline`]).
    pipelines: Mutex<HashMap<&'static str, Shared<wgpu::ComputePipeline>>>,
    adapter_name: String,
    /// The adapter's identity, which keys its calibration.
    identity: String,
    /// This adapter's calibration, once one is measured or loaded.
    calibration: Mutex<Option<Calibration>>,
    software: bool,
    limits: wgpu::Limits,
    failure: Failure,
    /// Scratch buffers kept between calls, by kernel buffer label.
    pub(crate) pool: Mutex<std::collections::HashMap<&'static str, wgpu::Buffer>>,
}

impl GpuContext {
    /// Finds an adapter (natively honouring `WGPU_BACKEND` and friends) and
    /// creates a device with the adapter's own limits. No pipeline is
    /// compiled here: each kernel is compiled when first used
    /// ([`Self::pipeline`]), so a context that only probes the adapter,
    /// or serves one lab, compiles nothing it does not run.
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
        let software = info.device_type == wgpu::DeviceType::Cpu;
        let adapter_name = match (info.name.is_empty(), info.device_type) {
            (false, _) => info.name,
            // Browsers may hide the adapter's description for privacy.
            (true, wgpu::DeviceType::Cpu) => "WebGPU software adapter".to_string(),
            (true, _) => "WebGPU adapter".to_string(),
        };
        let identity = format!(
            "{adapter_name} · {:?} · {:04x}:{:04x} · {} {}",
            info.backend, info.vendor, info.device, info.driver, info.driver_info
        )
        .trim()
        .to_string();
        Ok(Self {
            device,
            queue,
            pipelines: Mutex::default(),
            adapter_name,
            identity,
            calibration: Mutex::default(),
            software,
            limits,
            failure,
            pool: Mutex::default(),
        })
    }

    /// The pipeline of `kernel`, compiled the first time it is asked for
    /// and kept for the context's life (by the kernel's name). A shader
    /// the device rejects is reported through the uncaptured-error
    /// handler: the context then fails its health check and the engine
    /// falls back to the CPU.
    pub(crate) fn pipeline(&self, kernel: &'static Kernel) -> Shared<wgpu::ComputePipeline> {
        let mut cache = self
            .pipelines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = cache.get(kernel.name) {
            return found.clone();
        }
        let made = Shared::new(kernel.compile(&self.device));
        cache.insert(kernel.name, made.clone());
        made
    }

    /// The adapter's name as the driver reports it (e.g. "llvmpipe (LLVM 15.0.6, 256 bits)").
    pub fn adapter_name(&self) -> &str {
        &self.adapter_name
    }

    /// The adapter's identity: its name, backend, vendor and device ids
    /// and driver; a calibration is kept under it.
    pub fn adapter_identity(&self) -> &str {
        &self.identity
    }

    /// This adapter's calibration, if one was measured or given.
    pub fn calibration(&self) -> Option<Calibration> {
        self.calibration.lock().ok()?.clone()
    }

    /// Uses `calibration` from now on, when it was measured on this
    /// adapter (same identity); returns whether it was taken.
    pub fn set_calibration(&self, calibration: Calibration) -> bool {
        if calibration.adapter != self.identity {
            return false;
        }
        if let Ok(mut slot) = self.calibration.lock() {
            *slot = Some(calibration);
        }
        true
    }

    /// Predicted times of `units` of `workload` on each engine, when the
    /// calibration measured that family.
    pub fn predict(&self, workload: Workload, units: u64) -> Option<Prediction> {
        self.calibration
            .lock()
            .ok()?
            .as_ref()?
            .predict(workload, units)
    }

    /// A real run took `ms`: refits the calibration's cost when the run
    /// was far from its prediction ([`Calibration::observe`]).
    pub(crate) fn observe(&self, workload: Workload, on_gpu: bool, units: u64, ms: f64) {
        if let Ok(mut slot) = self.calibration.lock()
            && let Some(calibration) = slot.as_mut()
        {
            calibration.observe(workload, on_gpu, units, ms);
        }
    }

    /// Whether the adapter is a software renderer (llvmpipe, SwiftShader):
    /// without a calibration, `Engine::Auto` uses one only for large loss
    /// sweeps (measured slower than the CPU for everything else).
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

/// What a compute kernel is, declared by its module: the context
/// compiles it on first use ([`GpuContext::pipeline`]). Bindings are laid
/// out by the shader (group 0, in the order its comments list them).
#[derive(Debug)]
pub(crate) struct Kernel {
    /// The entry point, also the pipeline's label and cache key.
    pub name: &'static str,
    /// The WGSL module: the shared helpers it needs, then the kernel.
    pub source: &'static str,
    /// Invocations per workgroup: the shader's `override WORKGROUP_SIZE`,
    /// set here at compilation, so the host's dispatch arithmetic and the
    /// shader read the one number.
    pub workgroup_size: u32,
}

impl Kernel {
    /// Workgroups to cover `invocations` invocations, one per item.
    pub fn workgroups_for(&self, invocations: usize) -> usize {
        invocations.div_ceil(self.workgroup_size as usize)
    }

    fn compile(&self, device: &wgpu::Device) -> wgpu::ComputePipeline {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(self.name),
            source: wgpu::ShaderSource::Wgsl(self.source.into()),
        });
        let constants = [("WORKGROUP_SIZE", f64::from(self.workgroup_size))];
        device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(self.name),
            layout: None,
            module: &module,
            entry_point: Some(self.name),
            compilation_options: wgpu::PipelineCompilationOptions {
                constants: &constants,
                ..Default::default()
            },
            cache: None,
        })
    }
}

fn record_failure(failure: &Failure, message: String) {
    if let Ok(mut slot) = failure.lock() {
        slot.get_or_insert(message);
    }
}

/// Shared ownership of a pipeline: `Arc` natively (the context is
/// `Send + Sync`), `Rc` in the browser, where wgpu's types are neither.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Shared<T> = std::sync::Arc<T>;
#[cfg(target_arch = "wasm32")]
pub(crate) type Shared<T> = std::rc::Rc<T>;
