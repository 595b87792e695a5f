//! Standard errors and intervals for a Plackett–Luce fit: Fisher (inverse
//! information), sandwich (Huber 1967; White 1982: C·J·C with J the sum of
//! per-ranking score outer products) and the bootstrap (rankings resampled
//! with replacement, each replicate refitted from the estimate, percentile
//! intervals), as for the pairwise models.

use faer::linalg::solvers::DenseSolveCore;

use super::{PlFit, PlackettLuce};
use crate::data::rankings::Ranking;
use crate::models::pairwise::FitStatus;
use crate::models::pairwise::bootstrap;
use crate::models::pairwise::uncertainty::{Uncertainty, score_uncertainty};
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
        let counts: Vec<u32> = self.table.rankings.iter().map(|r| r.count).collect();
        if counts.iter().all(|&c| c == 0) {
            return Err(Error::InvalidParameter {
                name: "bootstrap",
                value: "0 rankings".into(),
                reason: "there is nothing to resample",
            });
        }
        let draws = bootstrap::draws(replicates, |r| {
            let tally = bootstrap::redraw_counts(&counts, &mut bootstrap::replicate_rng(seed, r));
            let mut table = self.table.clone();
            for (ranking, count) in table.rankings.iter_mut().zip(tally) {
                ranking.count = count;
            }
            let (theta, _, status) = self.newton(&table, fit.parameters.clone());
            (status == FitStatus::Converged).then(|| self.report(&theta))
        })?;
        Ok(bootstrap::score_uncertainty(
            &draws,
            fit.parameters.len(),
            level,
        ))
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
    let mut p = Vec::with_capacity(remaining.len());
    for &chosen in &r.order {
        if remaining.len() < 2 {
            break;
        }
        super::stage_softmax(theta, &remaining, &mut p);
        score[chosen as usize] += 1.0;
        for (&i, pi) in remaining.iter().zip(&p) {
            score[i] -= pi;
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
