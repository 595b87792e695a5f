//! Buffer, bind-group and encoder helpers shared by the kernels' host code.
//! Buffers are written through the queue rather than mapped at creation:
//! a lost device then yields an error, not a panic.

use crate::{GpuContext, GpuError};

impl GpuContext {
    /// The largest buffer one storage binding may hold: the device's
    /// storage-binding or buffer-size limit, whichever is lower.
    pub(crate) fn binding_limit(&self) -> u64 {
        let limits = self.limits();
        limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size)
    }

    /// `Err(TooLarge)` when one binding of `bytes` exceeds
    /// [`Self::binding_limit`].
    pub(crate) fn check_binding_size(&self, bytes: u64) -> Result<(), GpuError> {
        let limit = self.binding_limit();
        if bytes > limit {
            return Err(GpuError::TooLarge(format!(
                "a {bytes}-byte buffer exceeds this adapter's limit of {limit} bytes"
            )));
        }
        Ok(())
    }

    /// An uninitialised buffer of `bytes` (at least 16: a binding may not be
    /// smaller than one element of its array, and elements are up to a vec4).
    pub(crate) fn empty_buffer(
        &self,
        label: &str,
        bytes: u64,
        usage: wgpu::BufferUsages,
    ) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.max(16).next_multiple_of(4),
            usage,
            mapped_at_creation: false,
        })
    }

    /// A scratch buffer of at least `bytes` for the kernel buffer `label`,
    /// reused from the last call when large enough (its contents are
    /// whatever that call left; callers write before they read), else
    /// created at twice the old size or `bytes`, whichever is larger, and
    /// kept. One computation runs at a time per context, as the engine
    /// runs them.
    pub(crate) fn pooled_buffer(
        &self,
        label: &'static str,
        bytes: u64,
        usage: wgpu::BufferUsages,
    ) -> wgpu::Buffer {
        let bytes = bytes.max(16).next_multiple_of(4);
        let Ok(mut pool) = self.pool.lock() else {
            return self.empty_buffer(label, bytes, usage);
        };
        let old_size = match pool.get(label) {
            Some(b) if b.size() >= bytes && b.usage() == usage => return b.clone(),
            Some(b) => b.size(),
            None => 0,
        };
        let limit = self.limits().max_buffer_size;
        let size = bytes.max((2 * old_size).min(limit)).next_multiple_of(4);
        let buffer = self.empty_buffer(label, size, usage);
        pool.insert(label, buffer.clone());
        buffer
    }

    /// A read-only storage buffer holding `contents`.
    pub(crate) fn storage_init(
        &self,
        label: &str,
        contents: &[u8],
    ) -> Result<wgpu::Buffer, GpuError> {
        self.check_binding_size(contents.len() as u64)?;
        Ok(self.init_buffer(label, contents, wgpu::BufferUsages::STORAGE))
    }

    /// A uniform buffer holding `contents` (a multiple of 16 bytes).
    pub(crate) fn uniform_init(&self, label: &str, contents: &[u8]) -> wgpu::Buffer {
        self.init_buffer(label, contents, wgpu::BufferUsages::UNIFORM)
    }

    fn init_buffer(&self, label: &str, contents: &[u8], usage: wgpu::BufferUsages) -> wgpu::Buffer {
        let buffer = self.empty_buffer(
            label,
            contents.len() as u64,
            usage | wgpu::BufferUsages::COPY_DST,
        );
        if !contents.is_empty() {
            self.queue.write_buffer(&buffer, 0, contents);
        }
        buffer
    }

    /// A buffer the host maps to read `bytes` back.
    pub(crate) fn staging_buffer(&self, label: &str, bytes: u64) -> wgpu::Buffer {
        self.empty_buffer(
            label,
            bytes,
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        )
    }

    /// A command encoder labelled `label`.
    pub(crate) fn encoder(&self, label: &str) -> wgpu::CommandEncoder {
        self.device
            .create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some(label) })
    }

    /// Binds `buffers` to bindings 0, 1, … of `pipeline`'s group 0.
    pub(crate) fn bind_group(
        &self,
        pipeline: &wgpu::ComputePipeline,
        label: &str,
        buffers: &[&wgpu::Buffer],
    ) -> wgpu::BindGroup {
        let entries: Vec<wgpu::BindGroupEntry> = buffers
            .iter()
            .enumerate()
            .map(|(binding, buffer)| wgpu::BindGroupEntry {
                binding: binding as u32,
                resource: buffer.as_entire_binding(),
            })
            .collect();
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(label),
            layout: &pipeline.get_bind_group_layout(0),
            entries: &entries,
        })
    }
}
