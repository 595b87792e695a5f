//! Bradley–Terry fit time per engine, natively: `cargo xtask bench` (or
//! `cargo bench -p prefplay-gpu`). Prints the median of repeated fits for a
//! few sizes; the GPU is whatever Vulkan/Metal/DX12 adapter wgpu finds.

/// The benchmark is native only (it blocks on the GPU with pollster).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::common::{median_ms, votes};

    use prefplay_core::{BtSettings, ComparisonGraph, fit_bt};
    use prefplay_gpu::{GpuContext, fit_bt_gpu};

    pub fn main() {
        let ctx = pollster::block_on(GpuContext::new());
        match &ctx {
            Ok(c) => println!("GPU adapter: {}", c.adapter_name()),
            Err(e) => println!("no GPU: {e}"),
        }
        println!(
            "{:>6} {:>7} {:>12} {:>12}",
            "items", "votes", "cpu_ms", "gpu_ms"
        );
        for (n_items, n_votes, runs) in [
            (12, 40, 51),
            (100, 2_000, 21),
            (500, 20_000, 7),
            (1_000, 50_000, 5),
        ] {
            let g = ComparisonGraph::from_dataset(&votes(n_items, n_votes, 1));
            let settings = BtSettings::default();
            let cpu = median_ms(runs, || {
                std::hint::black_box(fit_bt(&g, settings).ok());
            });
            let gpu = match &ctx {
                Ok(c) => median_ms(runs, || {
                    std::hint::black_box(pollster::block_on(fit_bt_gpu(c, &g, settings)).ok());
                }),
                Err(_) => f64::NAN,
            };
            println!("{n_items:>6} {n_votes:>7} {cpu:>12.3} {gpu:>12.3}");
        }
    }
}
