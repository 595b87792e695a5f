//! Reward-model training kernels against the CPU twin
//! (`prefplay_core::models::reward_model`), natively and in the browser.
//!
//! Tolerances: the gradient within 1e-4·‖cpu‖∞ + 1e-4·|cpu| per entry
//! (sums of n products in f32); after 40 Adam steps from the same start,
//! every item's reward within 5e-4·(1 + |cpu|) (measured ≤ 2e-5; f32 rounding compounds
//! over the steps). Under `CI=true` a missing adapter fails the test.

#![allow(clippy::unwrap_used)]

use prefplay_core::models::reward_model::{
    RewardHead, RewardModel, RewardPairs, RewardSettings, train_reward,
};
use prefplay_core::numerics::sigmoid;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{context_or_skip, fresh_seed};

fn data(rng: &mut Pcg64Mcg, n: usize, d: usize, n_pairs: usize) -> (Vec<f64>, RewardPairs) {
    let features: Vec<f64> = (0..n * d).map(|_| rng.random_range(-1.0..1.0)).collect();
    let truth: Vec<f64> = features
        .chunks_exact(d)
        .map(|x| 2.0 * x[0] - x.iter().skip(1).map(|v| v * v).sum::<f64>())
        .collect();
    let mut pairs = RewardPairs::default();
    for _ in 0..n_pairs {
        let a = rng.random_range(0..n);
        let b = (a + rng.random_range(1..n)) % n;
        let wins_a = (0..4)
            .filter(|_| rng.random_bool(sigmoid(truth[a] - truth[b])))
            .count() as f64;
        pairs.item_a.push(a as u32);
        pairs.item_b.push(b as u32);
        pairs.wins_a.push(wins_a + 0.5);
        pairs.wins_b.push(4.0 - wins_a + 0.5);
    }
    (features, pairs)
}

fn heads(rng: &mut Pcg64Mcg) -> [RewardHead; 2] {
    [
        RewardHead::Linear,
        RewardHead::Mlp {
            hidden: rng.random_range(1..40),
        },
    ]
}

async fn gradient_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for _ in 0..2 {
        let n = rng.random_range(2..200);
        let d = rng.random_range(1..40);
        let n_pairs = rng.random_range(1..600);
        let (features, pairs) = data(&mut rng, n, d, n_pairs);
        for head in heads(&mut rng) {
            let model = RewardModel::init(d, head, rng.random());
            let l2 = rng.random_range(0.0..0.1);
            let gpu = ctx
                .reward_gradient(&features, &pairs, &model, l2)
                .await
                .expect("GPU gradient");
            let (_, cpu) = model.loss_and_gradient(&features, &pairs, l2);
            let scale = cpu.iter().fold(0.0f64, |m, g| m.max(g.abs()));
            assert_eq!(gpu.len(), cpu.len());
            for (k, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
                assert!(
                    (g - c).abs() <= 1e-4 * scale + 1e-4 * c.abs(),
                    "seed {seed}: {head:?} n {n} d {d}: gradient {k}: gpu {g} vs cpu {c}"
                );
            }
        }
    }
}

async fn training_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n = rng.random_range(10..120);
    let d = rng.random_range(2..12);
    let (features, pairs) = data(&mut rng, n, d, 500);
    for head in heads(&mut rng) {
        let settings = RewardSettings {
            head,
            steps: 40,
            seed: rng.random(),
            ..RewardSettings::default()
        };
        let gpu = ctx
            .train_reward(&features, d, &pairs, &settings)
            .await
            .expect("GPU training");
        let (cpu, losses) = train_reward(&features, d, &pairs, &settings).unwrap();
        assert!(losses[39] < losses[0], "seed {seed}: the loss did not fall");
        let (_, gpu_rewards) = gpu.forward(&features);
        let (_, cpu_rewards) = cpu.forward(&features);
        let mut largest = 0.0f64;
        for (i, (g, c)) in gpu_rewards.iter().zip(&cpu_rewards).enumerate() {
            largest = largest.max((g - c).abs());
            assert!(
                (g - c).abs() <= 5e-4 * (1.0 + c.abs()),
                "seed {seed}: {head:?} n {n} d {d}: reward of item {i}: gpu {g} vs cpu {c}"
            );
        }
        eprintln!(
            "reward training parity: {head:?}, {n} items, {d} features, 40 steps: largest |gpu − cpu| reward {largest:.2e}"
        );
    }
}

/// The engine's reward training: a destroyed device falls back to the CPU
/// with the CPU's exact answer and the reason; `Auto` keeps small work on
/// the CPU and says why.
async fn engine_fallback_and_choice() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let mut rng = Pcg64Mcg::seed_from_u64(5);
    let (features, pairs) = data(&mut rng, 30, 4, 200);
    let settings = RewardSettings {
        steps: 10,
        ..RewardSettings::default()
    };
    let (cpu, _) = train_reward(&features, 4, &pairs, &settings).unwrap();
    let auto = prefplay_gpu::Engine::Auto(Box::new(ctx));
    let run = auto
        .train_reward(&features, 4, &pairs, &settings)
        .await
        .unwrap();
    assert_eq!((run.engine.as_str(), &run.value), ("CPU", &cpu));
    assert!(run.choice.is_some_and(|c| c.starts_with("auto: ")));
    let prefplay_gpu::Engine::Auto(ctx) = auto else {
        unreachable!()
    };
    ctx.destroy_device();
    let forced = prefplay_gpu::Engine::Gpu(ctx);
    let run = forced
        .train_reward(&features, 4, &pairs, &settings)
        .await
        .unwrap();
    assert_eq!((run.engine.as_str(), &run.value), ("CPU", &cpu));
    assert!(run.fallback_reason.is_some());
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #[test]
    fn reward_training_falls_back_and_auto_explains_its_choice() {
        pollster::block_on(super::engine_fallback_and_choice());
    }

    #[test]
    fn reward_gradient_matches_the_cpu() {
        pollster::block_on(super::gradient_parity());
    }

    #[test]
    fn reward_training_matches_the_cpu() {
        pollster::block_on(super::training_parity());
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn reward_training_falls_back_and_auto_explains_its_choice() {
        super::engine_fallback_and_choice().await;
    }

    #[wasm_bindgen_test]
    async fn reward_gradient_matches_the_cpu() {
        super::gradient_parity().await;
    }

    #[wasm_bindgen_test]
    async fn reward_training_matches_the_cpu() {
        super::training_parity().await;
    }
}
