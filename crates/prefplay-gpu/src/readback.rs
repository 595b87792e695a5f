//! Reading a buffer back to the host without blocking the web's event loop.

use crate::GpuError;

/// Maps `staging` (MAP_READ) and copies its `f32`s out, then unmaps it.
pub(crate) async fn read_f32s(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
) -> Result<Vec<f32>, GpuError> {
    read_pod(device, staging).await
}

/// Maps `staging` (MAP_READ) and copies its values out, then unmaps it.
///
/// Natively `device.poll` waits for the GPU; on the web it is a no-op and
/// the browser resolves the mapping, so the await yields to the event loop.
pub(crate) async fn read_pod<T: bytemuck::Pod>(
    device: &wgpu::Device,
    staging: &wgpu::Buffer,
) -> Result<Vec<T>, GpuError> {
    let slice = staging.slice(..);
    let (sender, receiver) = futures_channel::oneshot::channel();
    slice.map_async(wgpu::MapMode::Read, move |result| {
        // The receiver only disappears if the caller was dropped; nothing to report then.
        let _ = sender.send(result);
    });
    device
        .poll(wgpu::PollType::wait_indefinitely())
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    receiver
        .await
        .map_err(|_| GpuError::Readback("mapping callback was dropped".into()))?
        .map_err(|e| GpuError::Readback(e.to_string()))?;
    let values = {
        let bytes = slice
            .get_mapped_range()
            .map_err(|e| GpuError::Readback(e.to_string()))?;
        bytemuck::cast_slice::<u8, T>(&bytes).to_vec()
    };
    staging.unmap();
    Ok(values)
}
