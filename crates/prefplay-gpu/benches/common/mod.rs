//! What the GPU benches share: synthetic votes and a median timer.

#![allow(dead_code)]

use std::time::Instant;

use prefplay_core::numerics::sigmoid;
use prefplay_core::{Dataset, Outcome, Vote};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// `n_votes` Bradley–Terry votes on random pairs of `n_items` items with
/// strengths uniform in ±2, seeded.
pub fn votes(n_items: usize, n_votes: usize, seed: u64) -> Dataset {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let strength: Vec<f64> = (0..n_items).map(|_| rng.random_range(-2.0..2.0)).collect();
    let votes = (0..n_votes)
        .map(|_| {
            let a = rng.random_range(0..n_items);
            let b = (a + rng.random_range(1..n_items)) % n_items;
            let winner = if rng.random_bool(sigmoid(strength[a] - strength[b])) {
                Outcome::A
            } else {
                Outcome::B
            };
            Vote::new(a, b, winner)
        })
        .collect();
    let items = (0..n_items).map(|i| i.to_string()).collect();
    match Dataset::new(items, votes) {
        Ok(data) => data,
        Err(e) => panic!("bench data: {e}"),
    }
}

/// Median wall time of `runs` calls, in milliseconds.
pub fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
