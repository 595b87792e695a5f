//! [`GpuContext`]: adapter, device and queue, built once, and the
//! pipelines, each family compiled the first time it is asked for.

use std::collections::HashMap;
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
    /// Compiled pipelines by kernel family ([`Self::pipelines`]).
    pipelines: Mutex<HashMap<&'static str, shared::Any>>,
    adapter_name: String,
    software: bool,
    limits: wgpu::Limits,
    failure: Failure,
    /// Scratch buffers kept between calls, by kernel buffer label.
    pub(crate) pool: Mutex<std::collections::HashMap<&'static str, wgpu::Buffer>>,
}

impl GpuContext {
    /// Finds an adapter (natively honouring `WGPU_BACKEND` and friends) and
    /// creates a device with the adapter's own limits. No pipeline is
    /// compiled here: each family is compiled when first used
    /// ([`Self::pipelines`]), so a context that only probes the adapter,
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
        Ok(Self {
            device,
            queue,
            pipelines: Mutex::default(),
            adapter_name,
            software,
            limits,
            failure,
            pool: Mutex::default(),
        })
    }

    /// The pipelines of kernel family `family`, made by `make` the first
    /// time they are asked for and kept for the context's life. A shader
    /// the device rejects is reported through the uncaptured-error
    /// handler: the context then fails its health check and the engine
    /// falls back to the CPU.
    pub(crate) fn pipelines<T: shared::Kept>(
        &self,
        family: &'static str,
        make: fn(&wgpu::Device) -> T,
    ) -> shared::Shared<T> {
        let mut cache = self
            .pipelines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = cache.get(family).and_then(|p| shared::downcast(p)) {
            return found;
        }
        let made = shared::Shared::new(make(&self.device));
        cache.insert(family, made.clone());
        made
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

/// Shared ownership of a pipeline family: `Arc` natively (the context is
/// `Send + Sync`), `Rc` in the browser, where wgpu's types are neither.
mod shared {
    #[cfg(not(target_arch = "wasm32"))]
    pub type Shared<T> = std::sync::Arc<T>;
    #[cfg(not(target_arch = "wasm32"))]
    pub type Any = std::sync::Arc<dyn std::any::Any + Send + Sync>;
    #[cfg(not(target_arch = "wasm32"))]
    pub trait Kept: std::any::Any + Send + Sync {}
    #[cfg(not(target_arch = "wasm32"))]
    impl<T: std::any::Any + Send + Sync> Kept for T {}

    #[cfg(target_arch = "wasm32")]
    pub type Shared<T> = std::rc::Rc<T>;
    #[cfg(target_arch = "wasm32")]
    pub type Any = std::rc::Rc<dyn std::any::Any>;
    #[cfg(target_arch = "wasm32")]
    pub trait Kept: std::any::Any {}
    #[cfg(target_arch = "wasm32")]
    impl<T: std::any::Any> Kept for T {}

    /// The family as `T`, if it was made as one.
    pub fn downcast<T: Kept>(kept: &Any) -> Option<Shared<T>> {
        kept.clone().downcast::<T>().ok()
    }
}
