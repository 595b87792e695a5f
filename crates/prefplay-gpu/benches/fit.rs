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
mod native {
    use std::time::Instant;

    use prefplay_core::{
        BtSettings, ComparisonGraph, Dataset, Vote, Winner, fit_bt, numerics::sigmoid,
    };
    use prefplay_gpu::{GpuContext, fit_bt_gpu};
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn graph(n_items: usize, n_votes: usize, seed: u64) -> ComparisonGraph {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let strength: Vec<f64> = (0..n_items).map(|_| rng.random_range(-2.0..2.0)).collect();
        let votes = (0..n_votes)
            .map(|_| {
                let a = rng.random_range(0..n_items);
                let b = (a + rng.random_range(1..n_items)) % n_items;
                let winner = if rng.random_bool(sigmoid(strength[a] - strength[b])) {
                    Winner::A
                } else {
                    Winner::B
                };
                Vote::new(a, b, winner)
            })
            .collect();
        let items = (0..n_items).map(|i| i.to_string()).collect();
        match Dataset::new(items, votes) {
            Ok(data) => ComparisonGraph::from_dataset(&data),
            Err(e) => panic!("bench data: {e}"),
        }
    }

    /// Median wall time of `runs` calls, in milliseconds.
    fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }

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
            let g = graph(n_items, n_votes, 1);
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
