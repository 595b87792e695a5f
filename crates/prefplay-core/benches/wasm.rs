//! The fits of `benches/pairwise.rs` compiled to wasm32 and run in headless
//! Chromium (one thread, as in the page): `cargo xtask bench` runs it with
//! `cargo bench --target wasm32-unknown-unknown -p prefplay-core --bench
//! wasm -- --nocapture` and sets the times beside the native ones.
//!
//! Prints `BENCH wasm_<name> <value> <unit>` lines (medians of repeated
//! runs) through the browser console, which the test runner echoes.

#[cfg(target_arch = "wasm32")]
mod common;

/// Natively there is nothing to run (the native numbers come from
/// `benches/pairwise.rs`); in the browser the runner calls the test below.
fn main() {}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::hint::black_box;

    use wasm_bindgen_test::{Instant, console_log, wasm_bindgen_test};

    use super::common::{
        PERSONAL_SIZE, SIZES, bootstrap, csv_bytes, data, fit, median_ms, parse, personal_data,
        personal_lowrank,
    };

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn pairwise_in_the_browser() {
        let start = Instant::now();
        let now_ms = || start.elapsed().as_secs_f64() * 1e3;
        for (k, (items, votes, runs)) in SIZES.into_iter().enumerate() {
            let table = data(items, votes);
            // V8 first runs wasm from its baseline compiler and moves hot
            // code to the optimising one as it runs; a page refitting on
            // every vote runs the latter, so time that: fit for a second
            // before measuring.
            let warm_until = now_ms() + 1000.0;
            while now_ms() < warm_until {
                black_box(fit(&table));
            }
            let ms = median_ms(runs, now_ms, || {
                black_box(fit(&table));
            });
            console_log!("BENCH wasm_fit_{items}_{votes} {ms:.3} ms");
            let csv = csv_bytes(&table);
            let ms = median_ms(3, now_ms, || {
                black_box(parse(&csv));
            });
            let mb_per_s = csv.len() as f64 / 1e6 / (ms / 1e3);
            console_log!("BENCH wasm_parse_{items}_{votes} {mb_per_s:.1} MB/s ({ms:.1} ms)");
            if k == 0 {
                let mut draw = bootstrap(&table);
                let ms = median_ms(3, now_ms, || {
                    black_box(draw());
                });
                console_log!("BENCH wasm_bootstrap1000_{items}_{votes} {ms:.1} ms");
            }
        }
        let personal = personal_data();
        let ms = median_ms(3, now_ms, || {
            black_box(personal_lowrank(&personal));
        });
        let (raters, items, per_rater) = PERSONAL_SIZE;
        console_log!(
            "BENCH wasm_personal_lowrank_{raters}_{items}_{} {ms:.1} ms",
            raters * per_rater
        );
    }
}
