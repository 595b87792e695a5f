//! The engine's calibration on the adapter at hand (lavapipe natively,
//! SwiftShader in Chromium): it measures every calibrated family, `Auto`
//! then picks by its predictions and says so, a stop ends it between
//! runs, and a calibration of another adapter is refused.
//! Under `CI=true` a missing adapter fails the test instead of skipping it.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::simulate::{SimulationSettings, simulate};
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
use prefplay_gpu::Engine;
use prefplay_gpu::engine::CALIBRATED;
use prefplay_gpu::engine::calibration::Calibration;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::context_or_skip;

async fn calibrates_and_auto_follows_it() {
    let Some(ctx) = context_or_skip().await else {
        return;
    };
    let identity = ctx.adapter_identity().to_string();
    // Another adapter's calibration is not taken.
    assert!(!ctx.set_calibration(Calibration::new("another adapter")));
    let engine = Engine::Auto(Box::new(ctx));
    // A stop before the first run measures nothing.
    let none = engine.calibrate(1e9, &|| true).await.unwrap();
    assert!(none.families.is_empty(), "{none:?}");
    let cal = engine.calibrate(3_000.0, &|| false).await.unwrap();
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_test::console_log!(
        "MEASURE: calibration on this adapter: {}",
        serde_json::to_string(&cal).unwrap()
    );
    assert_eq!(cal.adapter, identity);
    assert!(cal.missing().is_empty(), "{:?}", cal.missing());
    // One slice measures nothing once every family is in.
    assert_eq!(
        engine
            .calibrate_next(1e9, &|| false)
            .await
            .unwrap()
            .families,
        cal.families
    );
    for family in &cal.families {
        assert!(CALIBRATED.contains(&family.workload));
        assert!(!family.cpu_samples.is_empty() && !family.gpu_samples.is_empty());
        for cost in [family.cpu, family.gpu] {
            assert!(
                cost.fixed_ms >= 0.0 && cost.per_unit_ms >= 0.0,
                "{family:?}"
            );
        }
        // Both engines take time on the largest size.
        let (units, _) = family.gpu_samples[family.gpu_samples.len() - 1];
        assert!(family.gpu.predict(units) > 0.0 && family.cpu.predict(units) > 0.0);
    }
    // A second call has nothing left to measure and keeps the costs.
    let again = engine.calibrate(3_000.0, &|| false).await.unwrap();
    assert_eq!(again.families, cal.families);
    // Auto now says which engine it chose from the predictions.
    let table = simulate(&SimulationSettings {
        items: 12,
        votes: 60,
        ..SimulationSettings::default()
    })
    .unwrap()
    .table;
    let mut model = PairwiseModel::new(&table, PairwiseSettings::default()).unwrap();
    let run = engine.fit_pairwise(&mut model).await;
    let choice = run.choice.unwrap();
    assert!(
        choice.starts_with("auto: ") && choice.contains("predicted"),
        "{choice}"
    );
    let expected = if choice.starts_with("auto: GPU") {
        "GPU"
    } else {
        "CPU"
    };
    assert!(
        run.engine.starts_with(expected),
        "{} vs {choice}",
        run.engine
    );
    let cpu = model.clone().fit(None);
    for (g, c) in run.value.scores.iter().zip(&cpu.scores) {
        assert!((g - c).abs() < 1e-8, "the same fit either way: {g} vs {c}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn calibrates_every_family_and_auto_follows_it() {
    pollster::block_on(calibrates_and_auto_follows_it());
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn calibrates_every_family_and_auto_follows_it() {
    calibrates_and_auto_follows_it().await;
}
