//! The personalized low-rank model's training kernels against the f64 CPU
//! twin, natively (lavapipe in CI) and in the browser (SwiftShader): the
//! same start, 60 Adam steps, the same parameters to
//! 2e-3·(1 + |cpu|) (f32 gradients; Adam normalises each step, so small
//! differences move parameters by up to a step size each).

#![allow(clippy::unwrap_used)]

use prefplay_core::personal::{
    AdamSettings, PersonalSettings, low_rank_start, simulate_groups, train_low_rank,
};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::{context_or_skip, fresh_seed};

async fn low_rank_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed() % 1000;
    let (data, _) = simulate_groups(30, 12, 15, 2, 2.0, seed);
    for rank in [1, 2] {
        let settings = PersonalSettings {
            adam: AdamSettings {
                steps: 60,
                learning_rate: 0.05,
            },
            seed,
            ..PersonalSettings::default()
        };
        let start = low_rank_start(&data, &settings, rank);
        let cpu = train_low_rank(&data, &settings, rank, start.clone());
        let gpu = ctx
            .train_low_rank(&data, &settings, rank, &start)
            .await
            .unwrap();
        assert_eq!(gpu.len(), cpu.len());
        let moved = cpu
            .iter()
            .zip(&start)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(moved > 0.5, "training moved the parameters ({moved})");
        for (i, (g, c)) in gpu.iter().zip(&cpu).enumerate() {
            assert!(
                (g - c).abs() <= 2e-3 * (1.0 + c.abs()),
                "seed {seed}, rank {rank}, parameter {i}: gpu {g} vs cpu {c}"
            );
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #[test]
    fn low_rank_training_matches_the_cpu() {
        pollster::block_on(super::low_rank_parity());
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn low_rank_training_matches_the_cpu() {
        super::low_rank_parity().await;
    }
}
