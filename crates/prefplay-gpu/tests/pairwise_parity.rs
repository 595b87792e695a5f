//! Every pairwise model's evaluation on the GPU against its CPU twin, and
//! the engine's fit against the CPU's, natively (Vulkan; lavapipe in CI)
//! and in the browser (WebGPU; SwiftShader in CI): Bradley–Terry and
//! Thurstone, ties as halves, dropped, Davidson and Rao–Kupper, with and
//! without an order effect, feature coefficients and a reference item.
//!
//! Tolerances: the `f32` pieces within |gpu − cpu| ≤ 1e-4 + 1e-4·|cpu|
//! (`common::assert_close`); the fits' estimates within 1e-8 (the GPU
//! phase ends at 1e-4 and the CPU finishes in `f64` from its point).
//! Under `CI=true` a missing adapter fails the test instead of skipping it.

#![allow(clippy::unwrap_used)]

use prefplay_core::models::pairwise::{PairwiseModel, TieModel};
use prefplay_gpu::Engine;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::models::{Case, cases, model_of, random_table};
use common::{assert_close, context_or_skip, fresh_seed};

/// A point in θ: scores in ±3, the extras near where fits end.
fn random_theta(rng: &mut Pcg64Mcg, model: &PairwiseModel, case: Case) -> Vec<f64> {
    let n = model.items().len();
    let view = model.kernel_view();
    let mut theta: Vec<f64> = (0..n).map(|_| rng.random_range(-3.0..3.0)).collect();
    theta.resize(model.n_parameters(), 0.0);
    for t in &mut theta[n..] {
        *t = rng.random_range(-0.5..0.5);
    }
    if let Some(k) = view.tie_index {
        theta[k] = match case.ties {
            TieModel::RaoKupper => rng.random_range(0.1..1.5),
            _ => rng.random_range(-1.0..1.0),
        };
    }
    theta
}

async fn pieces_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for case in cases() {
        // One small and one larger problem per case; the first has a
        // single vote (bindings of one cell).
        for (n_items, n_votes) in [
            (2, 1),
            (rng.random_range(3..200), rng.random_range(1..3000)),
        ] {
            let table = random_table(&mut rng, n_items, n_votes, case.features);
            let model = model_of(case, &table);
            let theta = random_theta(&mut rng, &model, case);
            let problem = ctx.upload_pairwise(&model).await.expect("upload");
            let gpu = ctx
                .pairwise_pieces(&problem, &theta, true)
                .await
                .expect("gpu pieces");
            let cpu = model.likelihood_pieces(&theta, true);
            let what = |name: &str| format!("{case:?}, {n_items} items: {name}");
            assert_close(&what("log_lik"), gpu.log_lik, cpu.log_lik, seed);
            assert_eq!(gpu.grad.len(), cpu.grad.len(), "{}", what("grad length"));
            for (k, (g, c)) in gpu.grad.iter().zip(&cpu.grad).enumerate() {
                assert_close(&what(&format!("grad {k}")), *g, *c, seed);
            }
            for (k, (g, c)) in gpu.diag.iter().zip(&cpu.diag).enumerate() {
                assert_close(&what(&format!("diag {k}")), *g, *c, seed);
            }
            for (name, g, c) in [
                ("info_eta", &gpu.info_eta, &cpu.info_eta),
                ("info_cross", &gpu.info_cross, &cpu.info_cross),
                ("info_tie", &gpu.info_tie, &cpu.info_tie),
            ] {
                assert_eq!(g.len(), c.len(), "{}", what(name));
                for (g, c) in g.iter().zip(c) {
                    assert_close(&what(name), *g, *c, seed);
                }
            }
            let without = ctx
                .pairwise_pieces(&problem, &theta, false)
                .await
                .expect("gpu pieces");
            assert!(
                without.log_lik.is_nan(),
                "{}",
                what("log-lik not asked for")
            );
        }
    }
}

/// The engine's fit (the GPU phase, then the CPU's `f64` finish) against
/// the CPU's on the same model: the same estimates, and the GPU took
/// Newton steps.
async fn fit_parity() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let seed = fresh_seed();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let engine = Engine::Gpu(Box::new(ctx));
    for case in cases() {
        let table = random_table(&mut rng, 30, 1500, case.features);
        let mut model = model_of(case, &table);
        let cpu = model.clone().fit(None);
        let mut gpu_steps = 0;
        let run = engine
            .fit_pairwise_observed(&mut model, &mut |step| {
                gpu_steps += u32::from(step.on_gpu);
            })
            .await;
        assert!(
            run.fallback_reason.is_none(),
            "seed {seed}, {case:?}: {run:?}"
        );
        assert!(gpu_steps > 0, "{case:?}: no Newton step on the GPU");
        assert!(run.engine.starts_with("GPU"), "{case:?}: {}", run.engine);
        let fit = run.value;
        assert!(fit.converged(), "seed {seed}, {case:?}: {:?}", fit.status);
        let close = |what: &str, g: f64, c: f64| {
            assert!(
                (g - c).abs() < 1e-8,
                "seed {seed}, {case:?}: {what}: {g} vs {c}"
            );
        };
        for (i, (g, c)) in fit.scores.iter().zip(&cpu.scores).enumerate() {
            close(&format!("score {i}"), *g, *c);
        }
        close(
            "order effect",
            fit.order_effect.unwrap_or(0.0),
            cpu.order_effect.unwrap_or(0.0),
        );
        close(
            "tie parameter",
            fit.tie_parameter.map_or(0.0, |t| t.estimate),
            cpu.tie_parameter.map_or(0.0, |t| t.estimate),
        );
        for (g, c) in fit
            .feature_coefficients
            .iter()
            .zip(&cpu.feature_coefficients)
        {
            close("feature", *g, *c);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    #[test]
    fn every_pairwise_model_evaluates_as_on_the_cpu() {
        pollster::block_on(super::pieces_parity());
    }

    #[test]
    fn every_pairwise_model_fits_on_the_gpu_as_on_the_cpu() {
        pollster::block_on(super::fit_parity());
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn every_pairwise_model_evaluates_as_on_the_cpu() {
        super::pieces_parity().await;
    }

    #[wasm_bindgen_test]
    async fn every_pairwise_model_fits_on_the_gpu_as_on_the_cpu() {
        super::fit_parity().await;
    }
}
