//! The batch kernels against their CPU twins, natively (Vulkan; lavapipe
//! in CI) and in the browser (WebGPU; SwiftShader in CI): the bootstrap's
//! Poisson counts, the batched Bradley–Terry and Thurstone fits of
//! bootstrap replicates and of given datasets, and the fallback when the
//! device is lost mid-bootstrap.
//!
//! Under `CI=true` a missing adapter fails the test instead of skipping it.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::table::PairTable;
use prefplay_core::inference::counter_rng::{PoissonTables, fold_seed};
use prefplay_core::models::pairwise::uncertainty::{Method, Uncertainty};
use prefplay_core::models::pairwise::{BootstrapCells, Link, PairwiseModel, PairwiseSettings};
use prefplay_core::{Dataset, Outcome, Vote};
use prefplay_gpu::{BatchCounts, BatchModel};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{assert_close, context_or_skip, fresh_seed, random_dataset};

/// Poisson bootstrap weights drawn on the GPU equal the CPU twin's bit for
/// bit, on fresh random seeds, means (zero, small, fractional, large) and
/// sizes (including a partial workgroup).
async fn poisson_weights_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let fresh = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(fresh);
    for _ in 0..3 {
        let seed: u32 = rng.random();
        let first = rng.random_range(0..1000u32);
        let replicates = rng.random_range(1..40u32);
        let n_slots = rng.random_range(1..3000usize);
        let means: Vec<f64> = (0..n_slots)
            .map(|_| match rng.random_range(0..4) {
                0 => 0.0,
                1 => f64::from(rng.random_range(1..5u32)),
                2 => rng.random_range(0.0..3.0),
                _ => f64::from(rng.random_range(5..100_000u32)),
            })
            .collect();
        let tables = PoissonTables::new(means);
        let gpu = ctx
            .poisson_weights(&tables, seed, first, replicates)
            .await
            .expect("GPU weights");
        assert_eq!(gpu.len(), replicates as usize * n_slots);
        for r in 0..replicates {
            for k in 0..n_slots as u32 {
                assert_eq!(
                    gpu[r as usize * n_slots + k as usize],
                    tables.weight(seed, first + r, k),
                    "fresh seed {fresh}: seed {seed}, replicate {}, slot {k}",
                    first + r
                );
            }
        }
    }
}

/// One dataset per rater: given counts over shared cells, fitted as a
/// batch on the GPU, against the CPU's fit of each dataset (both links);
/// tolerance ABS_TOL + REL_TOL·|cpu| on every score.
async fn per_dataset_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n_items = rng.random_range(2..40);
    let n_cells = rng.random_range(1..200);
    let datasets = rng.random_range(1..30u32);
    let (mut item_a, mut item_b) = (Vec::new(), Vec::new());
    for _ in 0..n_cells {
        let a = rng.random_range(0..n_items as u32);
        let b = (a + rng.random_range(1..n_items as u32)) % n_items as u32;
        item_a.push(a.min(b));
        item_b.push(a.max(b));
    }
    let counts: Vec<u32> = (0..datasets as usize * 3 * n_cells)
        .map(|_| rng.random_range(0..4))
        .collect();
    let cells = BootstrapCells {
        item_a: item_a.clone(),
        item_b: item_b.clone(),
        tables: PoissonTables::default(),
    };
    for link in [Link::Logit, Link::Probit] {
        let settings = PairwiseSettings {
            link,
            ..PairwiseSettings::default()
        };
        let batch = BatchModel {
            link,
            l2: settings.l2,
        };
        let gpu = ctx
            .bt_fit_batch(
                n_items,
                &cells,
                batch,
                BatchCounts::Given {
                    counts: &counts,
                    datasets,
                },
            )
            .await
            .expect("GPU batch");
        for (r, dataset) in counts.chunks_exact(3 * n_cells).enumerate() {
            let mut votes = Vec::new();
            for (c, w) in dataset.chunks_exact(3).enumerate() {
                let (a, b) = (item_a[c] as usize, item_b[c] as usize);
                for (count, winner) in w.iter().zip([Outcome::A, Outcome::B, Outcome::Tie]) {
                    votes.extend(std::iter::repeat_n(
                        Vote::new(a, b, winner),
                        *count as usize,
                    ));
                }
            }
            let items = (0..n_items).map(|i| format!("item {i}")).collect();
            let table = PairTable::from_dataset(&Dataset::new(items, votes).unwrap());
            let cpu = PairwiseModel::new(&table, settings.clone())
                .unwrap()
                .fit(None);
            assert!(gpu.converged[r], "seed {seed}: {link:?} dataset {r}");
            for (i, (&g, &c)) in gpu.scores[r].iter().zip(&cpu.scores).enumerate() {
                assert_close(&format!("{link:?} dataset {r} item {i}"), g, c, seed);
            }
        }
    }
}

/// Tolerance of a GPU bootstrap replicate's scores (`f32` Newton-CG) against
/// the CPU's `f64` fit of the same counts: |gpu − cpu| ≤ 1e-4 + 1e-4·|cpu|.
/// The percentile intervals are then within the same bound.
async fn bootstrap_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    // Two seeds that once showed f32 stalls on lavapipe are replayed
    // natively; the browser (SwiftShader, slower) runs the fixed and the
    // fresh seed.
    let replayed: &[u64] = if cfg!(target_arch = "wasm32") {
        &[]
    } else {
        &[1_795_914_693_266_346_317, 1_795_914_749_969_675_659]
    };
    for (seed, link) in [4, fresh_seed()]
        .into_iter()
        .chain(replayed.iter().copied())
        .flat_map(|seed| [(seed, Link::Logit), (seed, Link::Probit)])
    {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let n_items = rng.random_range(3..300);
        let n_votes = rng.random_range(1..3000);
        let table = PairTable::from_dataset(&random_dataset(&mut rng, n_items, n_votes));
        let settings = PairwiseSettings {
            link,
            ..PairwiseSettings::default()
        };
        let batch = BatchModel {
            link,
            l2: settings.l2,
        };
        let mut model = PairwiseModel::new(&table, settings).expect("model");
        let fit = model.fit(None);
        let replicates = rng.random_range(2..40u32);
        let boot_seed: u64 = rng.random();
        let cells = model.bootstrap_cells();
        let n = table.items().len();
        let gpu = ctx
            .bt_bootstrap(n, &cells, batch, fold_seed(boot_seed), replicates)
            .await
            .expect("GPU bootstrap");
        let mut largest = 0.0f64;
        for r in 0..replicates {
            let cpu = model
                .bootstrap_replicate_scores(&fit, boot_seed, r)
                .expect("CPU replicate converged");
            assert!(gpu.converged[r as usize], "seed {seed}: replicate {r}");
            for (i, (&g, &c)) in gpu.scores[r as usize].iter().zip(&cpu).enumerate() {
                assert_close(&format!("replicate {r} item {i}"), g, c, seed);
                largest = largest.max((g - c).abs());
            }
        }
        eprintln!(
            "bootstrap parity ({link:?}): {n_items} items, {n_votes} votes, {replicates} replicates: \
             largest |gpu − cpu| score {largest:.2e}"
        );
        let level = 0.95;
        let cpu = model
            .uncertainty(
                &fit,
                Method::Bootstrap {
                    replicates,
                    seed: boot_seed,
                },
                level,
            )
            .expect("CPU bootstrap");
        let gpu = Uncertainty::from_score_draws(&gpu.converged_scores(), level);
        for i in 0..n {
            assert_close(
                "interval low",
                gpu.score_interval[i].0,
                cpu.score_interval[i].0,
                seed,
            );
            assert_close(
                "interval high",
                gpu.score_interval[i].1,
                cpu.score_interval[i].1,
                seed,
            );
            assert_close("se", gpu.score_se[i], cpu.score_se[i], seed);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #[test]
    fn poisson_weights_match_the_cpu_bit_for_bit() {
        pollster::block_on(super::poisson_weights_parity());
    }

    #[test]
    fn bootstrap_replicates_match_the_cpu() {
        pollster::block_on(super::bootstrap_parity());
    }

    #[test]
    fn per_rater_batches_match_the_cpu() {
        pollster::block_on(super::per_dataset_parity());
    }

    /// The device is destroyed from another thread while the GPU bootstrap
    /// runs (on lavapipe the fit takes seconds, the loss comes at 150 ms):
    /// the engine reports the CPU with the reason, and the intervals are
    /// the CPU bootstrap's.
    #[test]
    fn device_lost_mid_bootstrap_falls_back_to_the_cpu() {
        use super::*;
        let Some(ctx) = pollster::block_on(context_or_skip()) else {
            return;
        };
        let mut rng = Pcg64Mcg::seed_from_u64(21);
        let table = PairTable::from_dataset(&random_dataset(&mut rng, 60, 6_000));
        let mut model = PairwiseModel::new(&table, PairwiseSettings::default()).expect("model");
        let fit = model.fit(None);
        let engine = prefplay_gpu::Engine::Gpu(Box::new(ctx));
        let started = std::time::Instant::now();
        let run = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(150));
                if let prefplay_gpu::Engine::Gpu(ctx) = &engine {
                    ctx.destroy_device();
                }
            });
            pollster::block_on(engine.bootstrap_bt(&model, &fit, 300, 5, 0.95))
        })
        .expect("bootstrap");
        eprintln!(
            "device lost mid-bootstrap: finished after {:.0} ms on {} ({:?})",
            started.elapsed().as_secs_f64() * 1e3,
            run.engine,
            run.fallback_reason
        );
        assert_eq!(run.engine, "CPU");
        assert!(run.fallback_reason.is_some());
        let method = Method::Bootstrap {
            replicates: 300,
            seed: 5,
        };
        let cpu = model
            .uncertainty(&fit, method, 0.95)
            .expect("CPU bootstrap");
        assert_eq!(run.value, cpu);
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn poisson_weights_match_the_cpu_bit_for_bit() {
        super::poisson_weights_parity().await;
    }

    #[wasm_bindgen_test]
    async fn bootstrap_replicates_match_the_cpu() {
        super::bootstrap_parity().await;
    }

    #[wasm_bindgen_test]
    async fn per_rater_batches_match_the_cpu() {
        super::per_dataset_parity().await;
    }
}
