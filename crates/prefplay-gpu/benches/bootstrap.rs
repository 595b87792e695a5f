//! Bootstrap time per engine, natively: `cargo xtask bench` (or `cargo
//! bench -p prefplay-gpu --bench bootstrap`). For each size and model:
//! the CPU's Poisson bootstrap (all cores, f64) and the GPU's
//! (`poisson_weights` + `batch_fit`, one dispatch per Newton step of up
//! to 2048 replicates), the median of a few runs, the GPU's speed-up, its
//! throughput in cell passes (one cell's terms, or its share of an
//! information-vector product) and the DRAM traffic those would need if
//! nothing were cached (92 bytes each: the cell's words, counts and
//! scratch, its items' values, and its two row entries with the scratch
//! they read), an upper bound on the bandwidth used.

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
    use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings, TieModel};
    use prefplay_gpu::{BatchCounts, GpuContext};

    /// Bytes one cell pass moves if nothing is cached.
    const BYTES_PER_CELL_PASS: f64 = 92.0;

    pub fn main() {
        let ctx = pollster::block_on(GpuContext::new());
        match &ctx {
            Ok(c) => println!("GPU adapter: {}", c.adapter_name()),
            Err(e) => println!("no GPU: {e}"),
        }
        println!(
            "{:>22} {:>6} {:>8} {:>6} {:>11} {:>10} {:>10} {:>8} {:>12} {:>9}",
            "model",
            "items",
            "votes",
            "reps",
            "cells×reps",
            "cpu_ms",
            "gpu_ms",
            "cpu/gpu",
            "cell_pass/s",
            "GB/s≤"
        );
        let plain = PairwiseSettings::default();
        let davidson_order = PairwiseSettings {
            ties: TieModel::Davidson,
            order_effect: true,
            ..PairwiseSettings::default()
        };
        let sizes = [
            (10, 500, 50, 5),
            (20, 2_000, 100, 5),
            (50, 10_000, 200, 3),
            (100, 10_000, 500, 3),
            (100, 100_000, 1_000, 3),
            (300, 30_000, 200, 3),
        ];
        let runs_of = sizes.iter().map(|&s| ("Bradley–Terry", &plain, s));
        // One size with the tie parameter and order effect.
        let extras = sizes[3..4]
            .iter()
            .map(|&s| ("Davidson + order effect", &davidson_order, s));
        for (name, settings, (n_items, n_votes, replicates, runs)) in runs_of.chain(extras) {
            let table = PairTable::from_dataset(&votes(n_items, n_votes, 1));
            let mut model = match PairwiseModel::new(&table, settings.clone()) {
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
            let tables = model.bootstrap_tables();
            let n_cells = model.n_cells();
            let (gpu, throughput) = match &ctx {
                Ok(c) => {
                    let mut evaluations = 0.0;
                    let ms = median_ms(runs, || {
                        let counts = BatchCounts::Poisson {
                            tables: &tables,
                            seed: fold_seed(7),
                            replicates,
                        };
                        let fits = pollster::block_on(c.fit_batch(
                            &model.kernel_view(),
                            &fit.parameters,
                            counts,
                        ));
                        if let Ok(f) = fits {
                            // Per Newton step: the evaluation and at least
                            // one trial log-posterior; per CG step: one product.
                            let passes: u32 = f
                                .iterations
                                .iter()
                                .zip(&f.cg_steps)
                                .map(|(i, c)| 2 * i + c)
                                .sum();
                            evaluations = f64::from(passes) * n_cells as f64;
                        }
                    });
                    (ms, evaluations / (ms / 1e3))
                }
                Err(_) => (f64::NAN, f64::NAN),
            };
            let work = n_cells as u64 * u64::from(replicates);
            println!(
                "{name:>22} {n_items:>6} {n_votes:>8} {replicates:>6} {work:>11} {cpu:>10.1} {gpu:>10.1} {:>8.2} {throughput:>12.3e} {:>9.2}",
                cpu / gpu,
                throughput * BYTES_PER_CELL_PASS / 1e9
            );
        }
    }
}
