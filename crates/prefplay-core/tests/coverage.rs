//! Interval coverage on simulated data with a known truth: the share of
//! 95% intervals that contain the true contrast should be near 0.95.
//! The Fisher check is quick; the bootstrap check refits 200 × 200 times
//! and is behind a flag: `cargo test -p prefplay-core --test coverage --
//! --ignored`.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::simulate::{SimulationSettings, simulate};
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};

/// Share of (seed, item) intervals that cover the true utility contrast
/// to item 0.
fn coverage(seeds: u64, method: impl Fn(u64) -> Method) -> f64 {
    let (mut covered, mut total) = (0u32, 0u32);
    for seed in 0..seeds {
        let sim = simulate(&SimulationSettings {
            items: 8,
            votes: 1500,
            group_spread: 0.0,
            seed,
            ..SimulationSettings::default()
        })
        .unwrap();
        let settings = PairwiseSettings {
            l2: 0.0,
            reference: Some(0),
            ..PairwiseSettings::default()
        };
        let mut model = PairwiseModel::new(&sim.table, settings).unwrap();
        let fit = model.fit(None);
        let unc = model.uncertainty(&fit, method(seed), 0.95).unwrap();
        for i in 1..8 {
            let truth = sim.utilities[i] - sim.utilities[0];
            let (lo, hi) = unc.score_interval[i];
            covered += u32::from(lo <= truth && truth <= hi);
            total += 1;
        }
    }
    f64::from(covered) / f64::from(total)
}

#[test]
fn fisher_intervals_cover_about_95_percent() {
    let c = coverage(150, |_| Method::Fisher);
    assert!((0.92..=0.98).contains(&c), "coverage {c}");
}

#[test]
#[ignore = "slow: 40,000 refits; run with --ignored"]
fn bootstrap_intervals_cover_about_95_percent() {
    let c = coverage(200, |seed| Method::Bootstrap {
        replicates: 200,
        seed: seed + 1000,
    });
    println!("bootstrap coverage {c}");
    assert!((0.92..=0.98).contains(&c), "coverage {c}");
}
