//! The batch kernels against their CPU twins, natively (Vulkan; lavapipe
//! in CI) and in the browser (WebGPU; SwiftShader in CI): the bootstrap's
//! Poisson counts, the batched fits of every pairwise model's bootstrap
//! replicates and of given datasets, and the fallback when the device is
//! lost mid-bootstrap.
//!
//! Under `CI=true` a missing adapter fails the test instead of skipping it.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::table::{Advantage, Outcome as TableOutcome, PairRow, PairTable};
use prefplay_core::inference::counter_rng::{PoissonTables, fold_seed};
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{
    Link, PairwiseFit, PairwiseModel, PairwiseSettings, TieModel,
};
use prefplay_core::numerics::sigmoid;
use prefplay_core::{Dataset, Outcome, Vote};
use prefplay_gpu::BatchCounts;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::models::{cases, model_of, random_table};
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

/// One dataset per rater: given counts over a model's cells, fitted as a
/// batch on the GPU from a shared start, against the CPU's fit of each
/// dataset's votes (both links); tolerance ABS_TOL + REL_TOL·|cpu| on
/// every score.
async fn per_dataset_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n_items = rng.random_range(2..40);
    let pooled = PairTable::from_dataset(&random_dataset(&mut rng, n_items, 400));
    let datasets = rng.random_range(1..30u32);
    for link in [Link::Logit, Link::Probit] {
        let settings = PairwiseSettings {
            link,
            ..PairwiseSettings::default()
        };
        let model = PairwiseModel::new(&pooled, settings.clone()).expect("model");
        let view = model.kernel_view();
        let n_cells = view.item_a.len();
        let counts: Vec<u32> = (0..datasets as usize * 3 * n_cells)
            .map(|_| rng.random_range(0..4))
            .collect();
        let start = vec![0.0; model.n_parameters()];
        let gpu = ctx
            .fit_batch(
                &view,
                &start,
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
                let (a, b) = (view.item_a[c] as usize, view.item_b[c] as usize);
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
            let scores = model.bootstrap_draw(&gpu.parameters[r]);
            for (i, (&g, &c)) in scores.iter().zip(&cpu.scores).enumerate() {
                assert_close(&format!("{link:?} dataset {r} item {i}"), g, c, seed);
            }
        }
    }
}

/// Every GPU replicate of `model`'s bootstrap against the CPU's refit of
/// the same counts: the same replicates converge, and each draw (scores,
/// then the other parameters) is within ABS_TOL + REL_TOL·|cpu|.
async fn replicates_match(
    ctx: &prefplay_gpu::GpuContext,
    model: &PairwiseModel,
    fit: &PairwiseFit,
    replicates: u32,
    boot_seed: u64,
    label: &str,
    seed: u64,
) {
    let tables = model.bootstrap_tables();
    let counts = BatchCounts::Poisson {
        tables: &tables,
        seed: fold_seed(boot_seed),
        replicates,
    };
    let gpu = ctx
        .fit_batch(&model.kernel_view(), &fit.parameters, counts)
        .await
        .expect("GPU bootstrap");
    let mut largest = 0.0f64;
    for r in 0..replicates {
        let cpu = model.bootstrap_replicate(fit, boot_seed, r);
        assert_eq!(
            gpu.converged[r as usize],
            cpu.is_some(),
            "seed {seed}: {label}: replicate {r} converged on one engine only \
             (GPU: {} steps, {} CG steps)",
            gpu.iterations[r as usize],
            gpu.cg_steps[r as usize]
        );
        let Some(cpu) = cpu else { continue };
        let draw = model.bootstrap_draw(&gpu.parameters[r as usize]);
        for (k, (&g, &c)) in draw.iter().zip(&cpu).enumerate() {
            assert_close(&format!("{label}: replicate {r} θ{k}"), g, c, seed);
            largest = largest.max((g - c).abs());
        }
    }
    eprintln!(
        "bootstrap parity ({label}): {replicates} replicates: largest |gpu − cpu| {largest:.2e}"
    );
}

/// Every pairwise model's GPU bootstrap against the CPU's, replicate by
/// replicate and through the engine. Tolerances: each replicate's draw
/// (the scores and every other parameter; `f32` Newton-CG against the
/// CPU's `f64` refit of the same counts from the same start) within
/// ABS_TOL + REL_TOL·|cpu|; the same replicates converge on both; the
/// engine's standard errors and percentile intervals within 2e-3 (the
/// bound `prefplay fit --engine gpu` promises; they come out within the
/// draws' bound).
async fn bootstrap_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let engine = prefplay_gpu::Engine::Gpu(Box::new(ctx));
    let prefplay_gpu::Engine::Gpu(ctx) = &engine else {
        unreachable!("built as Gpu")
    };
    for case in cases() {
        // Plain models also on sparse graphs (up to 300 items, from one
        // vote), where f32 rounding once stalled the solver on lavapipe.
        let plain = case.ties == TieModel::Half
            && !case.order_effect
            && case.features == 0
            && !case.reference;
        let (n_items, n_votes) = if plain {
            (rng.random_range(3..300), rng.random_range(1..3000))
        } else {
            (rng.random_range(3..40), rng.random_range(300..2000))
        };
        let table = random_table(&mut rng, n_items, n_votes, case.features);
        let mut model = model_of(case, &table);
        let fit = model.fit(None);
        let replicates = rng.random_range(2..16u32);
        let boot_seed: u64 = rng.random();
        let label = format!("{case:?}, {n_items} items, {n_votes} votes");
        replicates_match(ctx, &model, &fit, replicates, boot_seed, &label, seed).await;
        let level = 0.95;
        let method = Method::Bootstrap {
            replicates,
            seed: boot_seed,
        };
        let Ok(cpu) = model.uncertainty(&fit, method, level) else {
            // Fewer than 2 replicates converged, on both engines alike.
            continue;
        };
        let run = engine
            .bootstrap(&model, &fit, replicates, boot_seed, level)
            .await
            .expect("engine bootstrap");
        assert!(
            run.fallback_reason.is_none(),
            "seed {seed}, {case:?}: {run:?}"
        );
        let gpu = run.value;
        let near = |what: &str, g: f64, c: f64| {
            assert!(
                (g - c).abs() <= 2e-3,
                "seed {seed}, {case:?}: {what}: gpu {g} vs cpu {c}"
            );
        };
        for i in 0..n_items {
            near(
                "interval low",
                gpu.score_interval[i].0,
                cpu.score_interval[i].0,
            );
            near(
                "interval high",
                gpu.score_interval[i].1,
                cpu.score_interval[i].1,
            );
            near("se", gpu.score_se[i], cpu.score_se[i]);
        }
        for (name, g, c) in [
            ("order se", gpu.order_effect_se, cpu.order_effect_se),
            ("tie se", gpu.tie_se, cpu.tie_se),
        ] {
            assert_eq!(g.is_some(), c.is_some(), "{name}");
            near(name, g.unwrap_or(0.0), c.unwrap_or(0.0));
        }
        for (g, c) in gpu.feature_se.iter().zip(&cpu.feature_se) {
            near("feature se", *g, *c);
        }
        assert_eq!(gpu.replicates_converged, cpu.replicates_converged);
    }
}

/// One vote on (a, b) with P(a wins) = σ(η), 10% ties.
fn vote_row(rng: &mut Pcg64Mcg, a: usize, b: usize, eta: f64, advantage: Advantage) -> PairRow {
    let outcome = if rng.random_bool(0.1) {
        TableOutcome::Tie
    } else if rng.random_bool(sigmoid(eta)) {
        TableOutcome::A
    } else {
        TableOutcome::B
    };
    PairRow {
        item_a: a as u32,
        item_b: b as u32,
        outcome,
        advantage,
        count: 1,
        rater: None,
    }
}

/// Votes that break the models' assumptions, each with the model a user
/// would fit to them: a graph split in two groups never compared, a
/// strong cycle, raters who rank the items in opposite orders, and a
/// feature that is a property of the item (so its coefficient competes
/// with the scores, identified only through the prior).
fn awkward_tables(rng: &mut Pcg64Mcg) -> Vec<(&'static str, PairTable, PairwiseSettings)> {
    let n = 12;
    let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
    let strength: Vec<f64> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
    let pair = |rng: &mut Pcg64Mcg, from: usize, to: usize| {
        let a = rng.random_range(from..to);
        (
            a,
            from + (a - from + rng.random_range(1..to - from)) % (to - from),
        )
    };
    let mut split = PairTable::with_items(&items);
    for k in 0..600 {
        let half = if k % 2 == 0 { 0 } else { n / 2 };
        let (a, b) = pair(rng, half, half + n / 2);
        let row = vote_row(rng, a, b, strength[a] - strength[b], Advantage::None);
        split.push(row, &[]).unwrap();
    }
    let mut cycle = PairTable::with_items(&items);
    for k in 0..600 {
        let row = if k % 2 == 0 {
            // 0 beats 1 beats 2 beats 0, nine times in ten.
            let a = k / 2 % 3;
            vote_row(rng, a, (a + 1) % 3, 2.2, Advantage::None)
        } else {
            let (a, b) = pair(rng, 0, n);
            vote_row(rng, a, b, strength[a] - strength[b], Advantage::None)
        };
        cycle.push(row, &[]).unwrap();
    }
    let mut raters = PairTable::with_items(&items);
    for k in 0..800 {
        let (a, b) = pair(rng, 0, n);
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        let advantage = [Advantage::A, Advantage::B, Advantage::None][k % 3];
        let eta = sign * (strength[a] - strength[b]) + 0.3 * f64::from(advantage.sign());
        raters
            .push(vote_row(rng, a, b, eta, advantage), &[])
            .unwrap();
    }
    let length: Vec<f64> = (0..n).map(|_| rng.random_range(0.0..1.0)).collect();
    let mut item_feature = PairTable::with_items(&items);
    item_feature.feature_names = vec!["length".into()];
    for _ in 0..800 {
        let (a, b) = pair(rng, 0, n);
        let x = length[a] - length[b];
        let eta = strength[a] - strength[b] + 0.8 * x;
        item_feature
            .push(vote_row(rng, a, b, eta, Advantage::None), &[x])
            .unwrap();
    }
    vec![
        ("split graph", split, PairwiseSettings::default()),
        (
            "cycle, Thurstone",
            cycle,
            PairwiseSettings {
                link: Link::Probit,
                ..PairwiseSettings::default()
            },
        ),
        (
            "raters who disagree, Davidson + order effect",
            raters,
            PairwiseSettings {
                ties: TieModel::Davidson,
                order_effect: true,
                ..PairwiseSettings::default()
            },
        ),
        (
            "a feature of the item",
            item_feature,
            PairwiseSettings {
                use_features: true,
                ..PairwiseSettings::default()
            },
        ),
    ]
}

/// The GPU bootstrap against the CPU's on votes that break the models'
/// assumptions ([`awkward_tables`]), replicate by replicate.
async fn awkward_data_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for (label, table, settings) in awkward_tables(&mut rng) {
        let mut model = PairwiseModel::new(&table, settings).expect("model");
        let fit = model.fit(None);
        let boot_seed: u64 = rng.random();
        replicates_match(&ctx, &model, &fit, 12, boot_seed, label, seed).await;
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
    fn bootstraps_of_awkward_data_match_the_cpu() {
        pollster::block_on(super::awkward_data_parity());
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
            pollster::block_on(engine.bootstrap(&model, &fit, 300, 5, 0.95))
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
    async fn bootstraps_of_awkward_data_match_the_cpu() {
        super::awkward_data_parity().await;
    }

    #[wasm_bindgen_test]
    async fn per_rater_batches_match_the_cpu() {
        super::per_dataset_parity().await;
    }
}
