//! Bradley–Terry fit, bootstrap and CSV parsing speed, natively:
//! `cargo xtask bench` (which also times the peers on the same files) or
//! `cargo bench -p prefplay-core --bench pairwise`.
//!
//! Writes the synthetic data sets as pairs CSV into `$PREFPLAY_BENCH_DIR`
//! (default `target/bench-data`) and prints one `BENCH <name> <value>
//! <unit>` line per measurement (medians of repeated runs).

use std::path::PathBuf;
use std::time::Instant;

use prefplay_core::formats::{Format, read_table, write_table};
use prefplay_core::pairwise::uncertainty::Method;
use prefplay_core::pairwise::{PairwiseModel, PairwiseSettings};
use prefplay_core::simulate::{SimulationSettings, simulate};
use prefplay_core::table::PairTable;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn data(items: usize, votes: usize) -> PairTable {
    let settings = SimulationSettings {
        items,
        votes,
        raters: 1,
        group_spread: 0.0,
        seed: 42,
        ..SimulationSettings::default()
    };
    match simulate(&settings) {
        Ok(sim) => sim.table,
        Err(e) => panic!("simulator: {e}"),
    }
}

fn fit(table: &PairTable) -> f64 {
    match PairwiseModel::new(table, PairwiseSettings::default()) {
        Ok(mut model) => model.fit(None).scores[0],
        Err(e) => panic!("fit: {e}"),
    }
}

fn main() {
    let dir = std::env::var_os("PREFPLAY_BENCH_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data"),
        PathBuf::from,
    );
    if let Err(e) = std::fs::create_dir_all(&dir) {
        panic!("creating {}: {e}", dir.display());
    }
    for (items, votes, runs) in [(100, 100_000, 21), (1000, 1_000_000, 7)] {
        let table = data(items, votes);
        let mut csv = Vec::new();
        if let Err(e) = write_table(&table, Format::Pairs, &mut csv) {
            panic!("writing CSV: {e}");
        }
        let path = dir.join(format!("bt_{items}_{votes}.csv"));
        if let Err(e) = std::fs::write(&path, &csv) {
            panic!("writing {}: {e}", path.display());
        }
        let ms = median_ms(runs, || {
            std::hint::black_box(fit(&table));
        });
        println!("BENCH fit_{items}_{votes} {ms:.3} ms");
        let parse_ms = median_ms(3, || {
            std::hint::black_box(
                read_table(&csv[..], Format::Pairs, "bench.csv", &[])
                    .map(|t| t.rows.len())
                    .unwrap_or(0),
            );
        });
        let mb_per_s = csv.len() as f64 / 1e6 / (parse_ms / 1e3);
        println!(
            "BENCH parse_{items}_{votes} {mb_per_s:.1} MB/s ({parse_ms:.1} ms for {:.1} MB)",
            csv.len() as f64 / 1e6
        );
        if items == 100 {
            let Ok(mut model) = PairwiseModel::new(&table, PairwiseSettings::default()) else {
                panic!("model");
            };
            let fitted = model.fit(None);
            let method = Method::Bootstrap {
                replicates: 1000,
                seed: 1,
            };
            let ms = median_ms(3, || {
                std::hint::black_box(
                    model
                        .uncertainty(&fitted, method, 0.95)
                        .map(|u| u.score_se[0])
                        .unwrap_or(0.0),
                );
            });
            println!("BENCH bootstrap1000_{items}_{votes} {ms:.1} ms");
        }
    }
}
