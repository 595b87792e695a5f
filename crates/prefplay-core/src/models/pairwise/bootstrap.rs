//! What every bootstrap here shares (pairwise models, the rater model,
//! Plackett–Luce), and the pairwise bootstrap's cells for other engines.
//! The rater model and Plackett–Luce redraw with replacement: replicate r
//! draws from its own PCG32 stream seeded by
//! (seed, r) — PCG32 has no 128-bit arithmetic, which wasm32 does in
//! software — replicates run interleaved on all cores and come back in
//! replicate order, so the result does not depend on the thread count;
//! draws whose refit did not converge are left out and counted.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::PairwiseModel;
use super::uncertainty::{Uncertainty, percentile_summary};
use crate::inference::counter_rng::PoissonTables;
use crate::{Error, Result};

/// The generator of replicate `r`.
pub(crate) fn replicate_rng(seed: u64, r: u32) -> Pcg32 {
    Pcg32::seed_from_u64(seed ^ u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// Runs `replicate(r)` for r in 0..`replicates` (≥ 2) and returns the
/// draws that converged (`Some`), in replicate order; fewer than 2 is an
/// error.
pub(crate) fn draws(
    replicates: u32,
    replicate: impl Fn(u32) -> Option<Vec<f64>> + Sync,
) -> Result<Vec<Vec<f64>>> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "bootstrap",
            value: replicates.to_string(),
            reason: "needs at least 2 replicates",
        });
    }
    let workers = crate::parallel::workers().min(replicates as usize).max(1);
    let parts = crate::parallel::map_each(workers, |w| {
        (w as u32..replicates)
            .step_by(workers)
            .map(|r| (r, replicate(r)))
            .collect::<Vec<_>>()
    });
    let mut all: Vec<(u32, Option<Vec<f64>>)> = parts.into_iter().flatten().collect();
    all.sort_by_key(|(r, _)| *r);
    let kept: Vec<Vec<f64>> = all.into_iter().filter_map(|(_, d)| d).collect();
    if kept.len() < 2 {
        return Err(Error::Numerical(
            "fewer than 2 bootstrap replicates converged",
        ));
    }
    Ok(kept)
}

/// Scores-only uncertainty from draws of the `n` scores.
pub(crate) fn score_uncertainty(draws: &[Vec<f64>], n: usize, level: f64) -> Uncertainty {
    let (score_se, score_interval) = percentile_summary(draws, n, level);
    Uncertainty::scores_only(score_se, score_interval, level, Some(draws.len() as u32))
}

/// Indices drawn with replacement in proportion to `counts` (`total` =
/// their sum draws): the multinomial redraw of counted rows, by binary
/// search over the running totals.
pub(crate) fn redraw_counts(counts: &[u32], rng: &mut Pcg32) -> Vec<u32> {
    let mut upto = Vec::with_capacity(counts.len());
    let mut total = 0u64;
    for &c in counts {
        total += u64::from(c);
        upto.push(total);
    }
    let mut tally = vec![0u32; counts.len()];
    if total == 0 {
        return tally;
    }
    for _ in 0..total {
        let draw = rng.random_range(0..total);
        tally[upto.partition_point(|&c| c <= draw)] += 1;
    }
    tally
}

/// The pairwise bootstrap's input, as a GPU kernel takes it: cell k
/// compares `item_a[k]` with `item_b[k]`; its slots 3k, 3k + 1, 3k + 2
/// hold the wins of `item_a`, the wins of `item_b` and the ties, and
/// `tables` draws each slot's Poisson count.
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapCells {
    /// First item of each cell (the lower index).
    pub item_a: Vec<u32>,
    /// Second item of each cell.
    pub item_b: Vec<u32>,
    /// Poisson tables of the 3 slots of each cell.
    pub tables: PoissonTables,
}

impl PairwiseModel {
    /// Poisson tables of every cell's (wins of a, wins of b, ties).
    pub(crate) fn bootstrap_tables(&self) -> PoissonTables {
        let counts = &self.problem.cells.counts;
        PoissonTables::new(counts.iter().flat_map(|c| [c.wins_a, c.wins_b, c.ties]))
    }

    /// The cells and tables the bootstrap ([`super::uncertainty::Method::Bootstrap`])
    /// draws from, for an engine that fits the replicates elsewhere.
    pub fn bootstrap_cells(&self) -> BootstrapCells {
        let cells = &self.problem.cells;
        BootstrapCells {
            item_a: cells.item_a.clone(),
            item_b: cells.item_b.clone(),
            tables: self.bootstrap_tables(),
        }
    }
}
