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
use super::uncertainty::{Uncertainty, percentile_summary, std_dev};
use crate::inference::counter_rng::PoissonTables;
use crate::{Error, Result};

/// The generator of replicate `r`.
pub(crate) fn replicate_rng(seed: u64, r: u32) -> Pcg32 {
    Pcg32::seed_from_u64(seed ^ u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// `Err` unless a bootstrap of `replicates` replicates can give intervals
/// (at least 2), for every engine that runs one.
pub fn check_replicates(replicates: u32) -> Result<()> {
    if replicates < 2 {
        return Err(Error::InvalidParameter {
            name: "bootstrap",
            value: replicates.to_string(),
            reason: "needs at least 2 replicates",
        });
    }
    Ok(())
}

/// `Err` when fewer than 2 replicates converged: no spread to summarise.
fn check_kept(kept: usize) -> Result<()> {
    if kept < 2 {
        return Err(Error::Numerical(
            "fewer than 2 bootstrap replicates converged",
        ));
    }
    Ok(())
}

/// Runs `replicate(r)` for r in 0..`replicates` (≥ 2) and returns the
/// draws that converged (`Some`), in replicate order; fewer than 2 is an
/// error.
pub(crate) fn draws(
    replicates: u32,
    replicate: impl Fn(u32) -> Option<Vec<f64>> + Sync,
) -> Result<Vec<Vec<f64>>> {
    check_replicates(replicates)?;
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
    check_kept(kept.len())?;
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

impl PairwiseModel {
    /// Poisson tables of every cell's (wins of a, wins of b, ties): the
    /// bootstrap ([`super::uncertainty::Method::Bootstrap`]) draws slot
    /// 3k + o of cell k (o: wins of a, wins of b, ties) from them, on
    /// any engine.
    pub fn bootstrap_tables(&self) -> PoissonTables {
        let counts = &self.problem.cells.counts;
        PoissonTables::new(counts.iter().flat_map(|c| [c.wins_a, c.wins_b, c.ties]))
    }

    /// One bootstrap draw from a replicate's fitted parameter vector θ
    /// (any engine's): the reported scores (centred, or to the reference),
    /// then the other parameters, the tie parameter on its natural scale.
    pub fn bootstrap_draw(&self, theta: &[f64]) -> Vec<f64> {
        let lay = &self.problem.layout;
        let mut out = self.report_scores(theta);
        out.extend_from_slice(&theta[lay.n_items..lay.dim]);
        if let Some(k) = lay.tie {
            out[k] = out[k].exp();
        }
        out
    }

    /// Standard errors and percentile intervals at `level` from the
    /// draws of the replicates that converged ([`Self::bootstrap_draw`]
    /// each, any engine's); fewer than 2 draws is an error.
    pub fn bootstrap_summary(&self, draws: &[Vec<f64>], level: f64) -> Result<Uncertainty> {
        let lay = &self.problem.layout;
        check_kept(draws.len())?;
        if draws.iter().any(|d| d.len() != lay.dim) {
            return Err(Error::InvalidParameter {
                name: "draws",
                value: format!("{} draws", draws.len()),
                reason: "each draw needs one value per parameter",
            });
        }
        let column = |k: usize| -> Vec<f64> { draws.iter().map(|d| d[k]).collect() };
        let (score_se, score_interval) = percentile_summary(draws, lay.n_items, level);
        Ok(Uncertainty {
            score_se,
            score_interval,
            order_effect_se: lay.order.map(|k| std_dev(&column(k))),
            tie_se: lay.tie.map(|k| std_dev(&column(k))),
            feature_se: (lay.features_start..lay.dim)
                .map(|k| std_dev(&column(k)))
                .collect(),
            level,
            replicates_converged: Some(draws.len() as u32),
        })
    }
}
