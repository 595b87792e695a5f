//! Bradley–Terry fit time per engine, natively: `cargo xtask bench` (or
//! `cargo bench -p prefplay-gpu`). Prints the median of repeated fits for a
//! few sizes — the one pairwise solver with CPU evaluations, and with the
//! GPU kernel's evaluations then the CPU's f64 finish — and the fit plus
//! Fisher intervals (the page's whole job); the GPU is whatever
//! Vulkan/Metal/DX12 adapter wgpu finds.

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

    use prefplay_core::data::table::PairTable;
    use prefplay_core::models::pairwise::uncertainty::Method;
    use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
    use prefplay_gpu::{Engine, GpuContext};

    pub fn main() {
        let engine = match pollster::block_on(GpuContext::new()) {
            Ok(c) => {
                println!("GPU adapter: {}", c.adapter_name());
                Some(Engine::Gpu(Box::new(c)))
            }
            Err(e) => {
                println!("no GPU: {e}");
                None
            }
        };
        println!(
            "{:>6} {:>7} {:>12} {:>12} {:>16}",
            "items", "votes", "cpu_ms", "gpu_ms", "cpu_fisher_ms"
        );
        for (n_items, n_votes, runs) in [
            (12, 40, 51),
            (100, 2_000, 21),
            (500, 20_000, 7),
            (1_000, 50_000, 5),
        ] {
            let table = PairTable::from_dataset(&votes(n_items, n_votes, 1));
            let model = PairwiseModel::new(&table, PairwiseSettings::default()).expect("model");
            let cpu = median_ms(runs, || {
                std::hint::black_box(model.clone().fit(None));
            });
            let gpu = match &engine {
                Some(e) => median_ms(runs, || {
                    let mut m = model.clone();
                    std::hint::black_box(pollster::block_on(e.fit_pairwise(&mut m)));
                }),
                None => f64::NAN,
            };
            let fisher = median_ms(runs, || {
                let mut m = model.clone();
                let fit = m.fit(None);
                std::hint::black_box(m.uncertainty(&fit, Method::Fisher, 0.95).ok());
            });
            println!("{n_items:>6} {n_votes:>7} {cpu:>12.3} {gpu:>12.3} {fisher:>16.3}");
        }
    }
}
