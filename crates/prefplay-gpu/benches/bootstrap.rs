//! Bootstrap time per engine, natively: `cargo xtask bench` (or `cargo
//! bench -p prefplay-gpu --bench bootstrap`). For each size: the CPU's
//! Poisson bootstrap (all cores, f64) and the GPU's (`poisson_weights` +
//! `bt_batch_fit`, one dispatch per 2048 replicates), the median of a few
//! runs, the GPU's speed-up, its throughput in entry evaluations (one
//! comparison-graph entry's likelihood or Hessian-vector term) and the
//! DRAM traffic those would need if nothing were cached (30 bytes each:
//! the entry, its three counts and the opponent's score or direction),
//! an upper bound on the bandwidth used.

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
    use prefplay_core::inference::counter_rng::fold_seed;
    use prefplay_core::models::pairwise::uncertainty::Method;
    use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
    use prefplay_gpu::GpuContext;

    /// Bytes one entry evaluation reads if nothing is cached.
    const BYTES_PER_ENTRY_EVALUATION: f64 = 30.0;

    pub fn main() {
        let ctx = pollster::block_on(GpuContext::new());
        match &ctx {
            Ok(c) => println!("GPU adapter: {}", c.adapter_name()),
            Err(e) => println!("no GPU: {e}"),
        }
        println!(
            "{:>6} {:>8} {:>6} {:>11} {:>10} {:>10} {:>8} {:>12} {:>9}",
            "items",
            "votes",
            "reps",
            "cells×reps",
            "cpu_ms",
            "gpu_ms",
            "cpu/gpu",
            "entry_eval/s",
            "GB/s≤"
        );
        for (n_items, n_votes, replicates, runs) in [
            (10, 500, 50, 5),
            (20, 2_000, 100, 5),
            (50, 10_000, 200, 3),
            (100, 10_000, 500, 3),
            (100, 100_000, 1_000, 3),
            (300, 30_000, 200, 3),
        ] {
            let table = PairTable::from_dataset(&votes(n_items, n_votes, 1));
            let mut model = match PairwiseModel::new(&table, PairwiseSettings::default()) {
                Ok(m) => m,
                Err(e) => panic!("bench model: {e}"),
            };
            let fit = model.fit(None);
            let method = Method::Bootstrap {
                replicates,
                seed: 7,
            };
            let cpu = median_ms(runs, || {
                std::hint::black_box(model.uncertainty(&fit, method, 0.95).ok());
            });
            let cells = model.bootstrap_cells();
            let n_cells = cells.item_a.len();
            let batch = prefplay_gpu::BatchModel {
                link: model.settings().link,
                l2: model.settings().l2,
            };
            let (gpu, throughput) = match &ctx {
                Ok(c) => {
                    let mut evaluations = 0.0;
                    let ms = median_ms(runs, || {
                        let fits = pollster::block_on(c.bt_bootstrap(
                            n_items,
                            &cells,
                            batch,
                            fold_seed(7),
                            replicates,
                        ));
                        if let Ok(f) = fits {
                            // Per Newton step: the pieces and at least one
                            // trial log-posterior; per CG step: one product.
                            let passes: u32 = f
                                .iterations
                                .iter()
                                .zip(&f.cg_steps)
                                .map(|(i, c)| 2 * i + c)
                                .sum();
                            evaluations = f64::from(passes) * 2.0 * n_cells as f64;
                        }
                    });
                    (ms, evaluations / (ms / 1e3))
                }
                Err(_) => (f64::NAN, f64::NAN),
            };
            let work = n_cells as u64 * u64::from(replicates);
            println!(
                "{n_items:>6} {n_votes:>8} {replicates:>6} {work:>11} {cpu:>10.1} {gpu:>10.1} {:>8.2} {throughput:>12.3e} {:>9.2}",
                cpu / gpu,
                throughput * BYTES_PER_ENTRY_EVALUATION / 1e9
            );
        }
    }
}
