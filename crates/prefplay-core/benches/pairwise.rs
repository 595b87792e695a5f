//! Bradley–Terry fit, bootstrap and CSV parsing speed, natively:
//! `cargo xtask bench` (which also times the peers on the same files and
//! the same fits in headless Chromium, `benches/wasm.rs`) or
//! `cargo bench -p prefplay-core --bench pairwise`.
//!
//! Writes the synthetic data sets as pairs CSV into `$PREFPLAY_BENCH_DIR`
//! (default `target/bench-data`) and prints one `BENCH <name> <value>
//! <unit>` line per measurement (medians of repeated runs).

mod common;

/// The allocator the CLI uses (see `prefplay-cli/Cargo.toml`).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use common::{
    PERSONAL_SIZE, SIZES, bootstrap, csv_bytes, data, fit, median_ms, parse, personal_data,
    personal_lowrank,
};

fn main() {
    let dir = std::env::var_os("PREFPLAY_BENCH_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data"),
        PathBuf::from,
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("creating {}: {e}", dir.display());
    }
    let start = Instant::now();
    let now_ms = || start.elapsed().as_secs_f64() * 1e3;
    for (k, (items, votes, runs)) in SIZES.into_iter().enumerate() {
        let table = data(items, votes);
        let csv = csv_bytes(&table);
        let path = dir.join(format!("bt_{items}_{votes}.csv"));
        if let Err(e) = std::fs::write(&path, &csv) {
            panic!("writing {}: {e}", path.display());
        }
        let ms = median_ms(runs, now_ms, || {
            black_box(fit(&table));
        });
        println!("BENCH fit_{items}_{votes} {ms:.3} ms");
        // Where the fit's time goes: aggregating the rows into cells, then
        // Newton steps whose conjugate-gradient iterations are one pass
        // over the cells each.
        let aggregate = median_ms(runs, now_ms, || {
            black_box(PairwiseModel::new(&table, PairwiseSettings::default()).ok());
        });
        if let Ok(model) = PairwiseModel::new(&table, PairwiseSettings::default()) {
            let solve = median_ms(runs, now_ms, || {
                black_box(model.clone().fit(None));
            });
            let fit = model.clone().fit(None);
            println!(
                "BENCH fit_parts_{items}_{votes} {aggregate:.3} ms aggregating {votes} rows into {} cells, {solve:.3} ms solving ({} Newton steps, {} CG passes)",
                model.n_cells(),
                fit.iterations,
                fit.cg_iterations
            );
        }
        let parse_ms = median_ms(7, now_ms, || {
            black_box(parse(&csv));
        });
        let mb_per_s = csv.len() as f64 / 1e6 / (parse_ms / 1e3);
        println!(
            "BENCH parse_{items}_{votes} {mb_per_s:.1} MB/s ({parse_ms:.1} ms for {:.1} MB)",
            csv.len() as f64 / 1e6
        );
        if k == 0 {
            let mut draw = bootstrap(&table);
            let ms = median_ms(3, now_ms, || {
                black_box(draw());
            });
            println!("BENCH bootstrap1000_{items}_{votes} {ms:.1} ms");
        }
    }
    let personal = personal_data();
    let ms = median_ms(3, now_ms, || {
        black_box(personal_lowrank(&personal));
    });
    let (raters, items, per_rater) = PERSONAL_SIZE;
    println!(
        "BENCH personal_lowrank_{raters}_{items}_{} {ms:.1} ms",
        raters * per_rater
    );
}
