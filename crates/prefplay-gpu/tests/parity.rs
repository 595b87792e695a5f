//! GPU kernels against their CPU twins, natively (Vulkan; lavapipe in CI)
//! and in the browser (WebGPU; SwiftShader in CI): the plain fit, the
//! engine's fallback, and the loss sweep. Every pairwise model's
//! evaluation and fit are in `pairwise_parity.rs`, the batch kernels in
//! `batch_parity.rs`, reward training in `reward_parity.rs`.
//!
//! Tolerance for `f32` pieces vs `f64`: |gpu − cpu| ≤ 1e-4 + 1e-4·|cpu|.
//! Under `CI=true` a missing adapter fails the test instead of skipping it.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::table::PairTable;
use prefplay_core::labs::loss_sweep::{MarginLoss, loss_sweep};
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
use prefplay_gpu::Engine;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{assert_close, context_or_skip, fresh_seed, random_dataset};

/// A plain Bradley–Terry model (ties as halves, the default prior) of
/// random votes.
fn random_model(rng: &mut Pcg64Mcg, n_items: usize, n_votes: usize) -> PairwiseModel {
    let table = PairTable::from_dataset(&random_dataset(rng, n_items, n_votes));
    PairwiseModel::new(&table, PairwiseSettings::default()).expect("model")
}

/// The engine's fit (GPU phase, then the CPU's f64 finish) against the
/// CPU's, on the same model: the same optimum to the solver tolerance.
async fn fit_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let engine = Engine::Gpu(Box::new(ctx));
    for (n_items, n_votes) in [(12, 40), (200, 5000)] {
        let mut model = random_model(&mut rng, n_items, n_votes);
        let cpu = model.clone().fit(None);
        let run = engine.fit_pairwise(&mut model).await;
        assert!(run.fallback_reason.is_none(), "seed {seed}: {run:?}");
        assert!(run.value.converged(), "seed {seed}: {:?}", run.value.status);
        for i in 0..n_items {
            assert!(
                (run.value.scores[i] - cpu.scores[i]).abs() < 1e-8,
                "seed {seed}: score {i}: {} vs {}",
                run.value.scores[i],
                cpu.scores[i]
            );
        }
    }
}

async fn fallback_after_device_loss() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let mut rng = Pcg64Mcg::seed_from_u64(9);
    let mut model = random_model(&mut rng, 12, 40);
    let cpu = model.clone().fit(None);
    ctx.destroy_device();
    let engine = Engine::Gpu(Box::new(ctx));
    let run = engine.fit_pairwise(&mut model).await;
    assert_eq!(run.engine, "CPU");
    assert!(run.fallback_reason.is_some());
    assert_eq!(run.value, cpu);
}

/// The loss lab's sweep on the GPU (f32) against the f64 twin, every loss,
/// fresh random margins, β and ε; tolerance ABS_TOL + REL_TOL·|cpu|.
async fn loss_sweep_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for loss in [MarginLoss::Sigmoid, MarginLoss::Ipo, MarginLoss::Hinge] {
        let margins: Vec<f64> = (0..rng.random_range(1..300))
            .map(|_| rng.random_range(-20.0..20.0))
            .collect();
        let betas: Vec<f64> = (0..rng.random_range(1..20))
            .map(|_| rng.random_range(0.01..5.0))
            .collect();
        let epsilon = rng.random_range(0.0..0.5);
        let gpu = ctx
            .loss_sweep(loss, &margins, &betas, epsilon)
            .await
            .expect("GPU sweep");
        let cpu = loss_sweep(loss, &margins, &betas, epsilon).expect("CPU sweep");
        assert_eq!(gpu.len(), cpu.len());
        for (k, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
            assert_close(&format!("{loss:?} loss at {k}"), g.0, c.0, seed);
            assert_close(&format!("{loss:?} slope at {k}"), g.1, c.1, seed);
        }
    }
    // The engine: a small sweep stays on the CPU under Auto (and says
    // why); a lost device falls back to the CPU's exact answer.
    let margins = [-1.0, 0.0, 2.0];
    let cpu = loss_sweep(MarginLoss::Ipo, &margins, &[0.5], 0.0).unwrap();
    let auto = Engine::Auto(Box::new(ctx));
    let run = auto
        .loss_sweep(MarginLoss::Ipo, &margins, &[0.5], 0.0)
        .await
        .unwrap();
    assert_eq!((run.engine.as_str(), &run.value), ("CPU", &cpu));
    assert!(run.choice.is_some());
    if let Engine::Auto(ctx) = auto {
        ctx.destroy_device();
        let run = Engine::Gpu(ctx)
            .loss_sweep(MarginLoss::Ipo, &margins, &[0.5], 0.0)
            .await
            .unwrap();
        assert_eq!((run.engine.as_str(), &run.value), ("CPU", &cpu));
        assert!(run.fallback_reason.is_some());
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #[test]
    fn loss_sweep_matches_the_cpu() {
        pollster::block_on(super::loss_sweep_parity());
    }

    #[test]
    fn gpu_fit_matches_cpu_fit() {
        pollster::block_on(super::fit_parity());
    }

    #[test]
    fn device_loss_falls_back_to_the_cpu_with_the_same_answer() {
        pollster::block_on(super::fallback_after_device_loss());
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn loss_sweep_matches_the_cpu() {
        super::loss_sweep_parity().await;
    }

    #[wasm_bindgen_test]
    async fn gpu_fit_matches_cpu_fit() {
        super::fit_parity().await;
    }

    #[wasm_bindgen_test]
    async fn device_loss_falls_back_to_the_cpu_with_the_same_answer() {
        super::fallback_after_device_loss().await;
    }
}
