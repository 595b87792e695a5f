//! What creating a GPU context costs, natively and in headless Chromium:
//! `GpuContext::new` alone (kernels compile on first use), and followed by
//! compiling every kernel (what a context cost when it compiled them all
//! eagerly). `cargo xtask bench` runs both; by hand:
//! `cargo bench -p prefplay-gpu --bench context` natively, and
//! `cargo bench --target wasm32-unknown-unknown -p prefplay-gpu --bench
//! context --no-run` then wasm-bindgen-test-runner on the file it names.
//!
//! Prints `BENCH <name> <median> ms` lines (medians of 5 contexts).

use prefplay_gpu::GpuContext;

const RUNS: usize = 5;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// (context alone, context and every kernel, kernels), milliseconds, and
/// the adapter's name.
async fn measure(now_ms: &dyn Fn() -> f64) -> Option<(f64, f64, usize, String)> {
    let (mut alone, mut eager, mut kernels, mut adapter) = (Vec::new(), Vec::new(), 0, None);
    for _ in 0..RUNS {
        let start = now_ms();
        let ctx = GpuContext::new().await.ok()?;
        alone.push(now_ms() - start);
        let start = now_ms();
        let ctx2 = GpuContext::new().await.ok()?;
        kernels = ctx2.compile_every_kernel();
        // Compilation errors surface on the device queue; wait for it.
        ctx2.wait_idle().await;
        eager.push(now_ms() - start);
        adapter = Some(ctx.adapter_name().to_string());
    }
    Some((median(alone), median(eager), kernels, adapter?))
}

#[cfg(not(target_arch = "wasm32"))]
fn report(label: &str, result: Option<(f64, f64, usize, String)>) {
    match result {
        Some((alone, eager, kernels, adapter)) => {
            println!("BENCH {label}context_new {alone:.1} ms ({adapter})");
            println!("BENCH {label}context_new_and_{kernels}_kernels {eager:.1} ms ({adapter})");
        }
        None => println!("no GPU adapter: nothing to measure"),
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(unsafe_code)]
fn main() {
    if std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY: no other thread runs yet. Mesa's device-select layer
        // otherwise looks for a display and prints errors on a headless machine.
        unsafe { std::env::set_var("NODEVICE_SELECT", "1") };
    }
    let start = std::time::Instant::now();
    let now_ms = || start.elapsed().as_secs_f64() * 1e3;
    report("", pollster::block_on(measure(&now_ms)));
}

/// In the browser the runner calls the test below.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::{Instant, console_log, wasm_bindgen_test};

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn context_in_the_browser() {
        let start = Instant::now();
        let now_ms = || start.elapsed().as_secs_f64() * 1e3;
        match super::measure(&now_ms).await {
            Some((alone, eager, kernels, adapter)) => {
                console_log!("BENCH wasm_context_new {alone:.1} ms ({adapter})");
                console_log!(
                    "BENCH wasm_context_new_and_{kernels}_kernels {eager:.1} ms ({adapter})"
                );
            }
            None => console_log!("no WebGPU adapter: nothing to measure"),
        }
    }
}
