//! Standard errors and intervals for a Plackett–Luce fit: Fisher (inverse
//! information), sandwich (Huber 1967; White 1982: C·J·C with J the sum of
//! per-ranking score outer products) and the bootstrap (rankings resampled
//! with replacement, each replicate refitted from the estimate, percentile
//! intervals), as for the pairwise models.

use faer::linalg::solvers::DenseSolveCore;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg32;

use super::{PlFit, PlackettLuce};
use crate::pairwise::FitStatus;
use crate::pairwise::uncertainty::{Uncertainty, percentile_summary, score_uncertainty};
use crate::rankings::Ranking;
use crate::{Error, Result};

impl PlackettLuce {
    /// Fisher standard errors and normal intervals at `level`.
    pub fn fisher(&self, fit: &PlFit, level: f64) -> Result<Uncertainty> {
        let n = fit.parameters.len();
        let cov = self.covariance(&fit.parameters)?;
        Ok(self.intervals_from(fit, &cov, n, level))
    }

    /// Sandwich (robust) standard errors and normal intervals at `level`.
    pub fn sandwich(&self, fit: &PlFit, level: f64) -> Result<Uncertainty> {
        let n = fit.parameters.len();
        let bread = self.covariance(&fit.parameters)?;
        let mut meat = vec![0.0; n * n];
        let mut score = vec![0.0; n];
        let mut touched = Vec::new();
        for r in &self.table.rankings {
            if r.count == 0 {
                continue;
            }
            ranking_score(&fit.parameters, r, &mut score, &mut touched);
            let w = f64::from(r.count);
            for &i in &touched {
                for &j in &touched {
                    meat[i * n + j] += w * score[i] * score[j];
                }
            }
            for &i in &touched {
                score[i] = 0.0;
            }
        }
        // C·J·C, with J sparse in practice but stored dense (n ≤ MAX_ITEMS).
        let cj = multiply(&bread, &meat, n);
        let cov = multiply(&cj, &bread, n);
        Ok(self.intervals_from(fit, &cov, n, level))
    }

    /// Bootstrap standard errors and percentile intervals at `level`:
    /// `replicates` (≥ 2) redraws of all rankings with replacement, replicate
    /// r seeded by (seed, r) so the result does not depend on the thread
    /// count. Replicates that do not converge are left out and counted.
    pub fn bootstrap(
        &self,
        fit: &PlFit,
        replicates: u32,
        seed: u64,
        level: f64,
    ) -> Result<Uncertainty> {
        if replicates < 2 {
            return Err(Error::InvalidParameter {
                name: "bootstrap",
                value: replicates.to_string(),
                reason: "needs at least 2 replicates",
            });
        }
        // Cumulative counts: a uniform draw below the total picks a ranking.
        let mut upto = Vec::with_capacity(self.table.rankings.len());
        let mut total = 0u64;
        for r in &self.table.rankings {
            total += u64::from(r.count);
            upto.push(total);
        }
        if total == 0 {
            return Err(Error::InvalidParameter {
                name: "bootstrap",
                value: "0 rankings".into(),
                reason: "there is nothing to resample",
            });
        }
        let workers = crate::parallel::workers().min(replicates as usize).max(1);
        let parts = crate::parallel::map_each(workers, |w| {
            (w as u32..replicates)
                .step_by(workers)
                .filter_map(|r| self.replicate(fit, &upto, total, seed, r))
                .collect::<Vec<_>>()
        });
        let draws: Vec<Vec<f64>> = parts.into_iter().flatten().collect();
        if draws.len() < 2 {
            return Err(Error::Numerical(
                "fewer than 2 bootstrap replicates converged",
            ));
        }
        let n = fit.parameters.len();
        let (score_se, score_interval) = percentile_summary(&draws, n, level);
        Ok(Uncertainty {
            score_se,
            score_interval,
            order_effect_se: None,
            tie_se: None,
            feature_se: Vec::new(),
            level,
            replicates_converged: Some(draws.len() as u32),
        })
    }

    /// One replicate's reported scores, `None` if its fit did not converge.
    fn replicate(
        &self,
        fit: &PlFit,
        upto: &[u64],
        total: u64,
        seed: u64,
        r: u32,
    ) -> Option<Vec<f64>> {
        let mut rng = Pcg32::seed_from_u64(seed ^ u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut tally = vec![0u32; upto.len()];
        for _ in 0..total {
            let draw = rng.random_range(0..total);
            let k = upto.partition_point(|&c| c <= draw);
            tally[k] += 1;
        }
        let mut table = self.table.clone();
        for (ranking, &count) in table.rankings.iter_mut().zip(&tally) {
            ranking.count = count;
        }
        let (theta, _, status) = self.newton(&table, fit.parameters.clone());
        (status == FitStatus::Converged).then(|| self.report(&theta))
    }

    /// The inverse information at θ (n × n, row-major), with zeros in the
    /// gauge row and column under plain maximum likelihood.
    fn covariance(&self, theta: &[f64]) -> Result<Vec<f64>> {
        let n = theta.len();
        let at = self.pieces(theta, &self.table, true);
        let (m, keep) = self.reduced(&at.info, n);
        let llt = m
            .llt(faer::Side::Lower)
            .map_err(|_| Error::Numerical("the Plackett–Luce information matrix is singular"))?;
        let inv = llt.inverse();
        let mut cov = vec![0.0; n * n];
        for (a, &i) in keep.iter().enumerate() {
            for (b, &j) in keep.iter().enumerate() {
                cov[i * n + j] = inv[(a, b)];
            }
        }
        Ok(cov)
    }

    fn intervals_from(&self, fit: &PlFit, cov: &[f64], n: usize, level: f64) -> Uncertainty {
        score_uncertainty(&fit.scores, cov, n, self.settings.reference, level)
    }
}

/// The gradient of one ranking's log-likelihood at θ (count 1), added
/// into `score` (zero on entry); `touched` lists the items it involves.
fn ranking_score(theta: &[f64], r: &Ranking, score: &mut [f64], touched: &mut Vec<usize>) {
    touched.clear();
    touched.extend(r.order.iter().chain(&r.unranked).map(|&i| i as usize));
    let mut remaining = touched.clone();
    for &chosen in &r.order {
        if remaining.len() < 2 {
            break;
        }
        let max = remaining
            .iter()
            .map(|&i| theta[i])
            .fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = remaining.iter().map(|&i| (theta[i] - max).exp()).sum();
        score[chosen as usize] += 1.0;
        for &i in &remaining {
            score[i] -= (theta[i] - max).exp() / z;
        }
        if let Some(pos) = remaining.iter().position(|&i| i == chosen as usize) {
            remaining.swap_remove(pos);
        }
    }
}

/// a·b for n × n row-major matrices.
fn multiply(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let a = faer::MatRef::from_row_major_slice(a, n, n);
    let b = faer::MatRef::from_row_major_slice(b, n, n);
    let product = a * b;
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = product[(i, j)];
        }
    }
    out
}
