//! Standard errors and intervals for a [`PairwiseFit`]: Fisher (inverse
//! information), sandwich (robust) and bootstrap; rank intervals.
//!
//! Scores are contrasts (centred or to the reference), so their variances
//! come from the covariance C of θ through the contrast: for centred scores
//! var(sᵢ − s̄) = Cᵢᵢ − 2·mean_j Cᵢⱼ + mean_jk Cⱼₖ; for a reference r,
//! var(sᵢ − s_r) = Cᵢᵢ + C_rr − 2Cᵢᵣ. Both are invariant to the gauge.
//! The tie parameter's SE is on its natural scale (delta method:
//! se(e^x) = e^x·se(x)).

pub use super::bootstrap::check_replicates;
use super::likelihood::{Counts, cell_terms};
use super::{PairwiseFit, PairwiseModel, bootstrap, cpu};
use crate::error::check_finite_above;
use crate::inference::counter_rng::{PoissonTables, fold_seed};
use crate::numerics::normal_quantile;
use crate::{Error, Result};

/// How to get standard errors and intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Inverse of the observed information (prior included).
    Fisher,
    /// Huber–White sandwich C·J·C, J the sum of per-vote score outer
    /// products (robust to a misspecified model; Huber 1967; White 1982).
    Sandwich,
    /// Nonparametric Poisson bootstrap: every vote is counted a
    /// Poisson(1) number of times, so a cell's c votes of one outcome
    /// become Poisson(c) (Hanley & MacGibbon 2006; Chamandy et al. 2012);
    /// each replicate is refitted from the estimate; percentile intervals.
    /// The draws come from [`crate::inference::counter_rng`], which `prefplay-gpu`
    /// reproduces bit for bit, so the GPU bootstrap gives the same
    /// replicates.
    Bootstrap {
        /// Number of replicates, ≥ 2.
        replicates: u32,
        /// Seed: replicate r's draws are a pure function of (seed, r,
        /// slot), so results do not depend on the thread count or engine.
        seed: u64,
    },
}

/// Standard errors and intervals for one fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    /// Standard error of each reported score.
    pub score_se: Vec<f64>,
    /// Interval of each score at [`Self::level`].
    pub score_interval: Vec<(f64, f64)>,
    /// Standard error of the order effect.
    pub order_effect_se: Option<f64>,
    /// Standard error of the tie parameter, natural scale (ν or θ).
    pub tie_se: Option<f64>,
    /// Standard errors of the feature coefficients.
    pub feature_se: Vec<f64>,
    /// The interval level, e.g. 0.95.
    pub level: f64,
    /// Bootstrap replicates that converged (bootstrap only).
    pub replicates_converged: Option<u32>,
}

impl Uncertainty {
    /// Errors and intervals of the scores alone (no other parameters).
    pub(crate) fn scores_only(
        score_se: Vec<f64>,
        score_interval: Vec<(f64, f64)>,
        level: f64,
        replicates_converged: Option<u32>,
    ) -> Self {
        Self {
            score_se,
            score_interval,
            order_effect_se: None,
            tie_se: None,
            feature_se: Vec::new(),
            level,
            replicates_converged,
        }
    }
}

/// Above this many parameters the dense covariance (dim² doubles, dim³
/// flops) is refused rather than attempted.
pub const MAX_DENSE_PARAMETERS: usize = 8000;

impl PairwiseModel {
    /// Standard errors and intervals at `level` (0 < level < 1).
    pub fn uncertainty(
        &self,
        fit: &PairwiseFit,
        method: Method,
        level: f64,
    ) -> Result<Uncertainty> {
        check_finite_above("level", level, 0.0, false, "must be between 0 and 1")?;
        if level >= 1.0 {
            return Err(Error::InvalidParameter {
                name: "level",
                value: level.to_string(),
                reason: "must be between 0 and 1",
            });
        }
        match method {
            Method::Fisher => self.fisher(fit, level),
            Method::Sandwich => {
                let cov = self.fisher_covariance(&fit.parameters)?;
                let cov = self.sandwich(&fit.parameters, &cov);
                Ok(self.intervals_from_covariance(fit, &cov, level))
            }
            Method::Bootstrap { replicates, seed } => self.bootstrap(fit, replicates, seed, level),
        }
    }

    /// Quasi-variances of the item scores ([`crate::inference::quasi`]) from the Fisher
    /// or sandwich covariance (`Method::Bootstrap` is refused).
    pub fn quasi_variances(
        &self,
        fit: &PairwiseFit,
        method: Method,
    ) -> Result<crate::inference::quasi::QuasiVariances> {
        let mut cov = self.fisher_covariance(&fit.parameters)?;
        match method {
            Method::Fisher => {}
            Method::Sandwich => cov = self.sandwich(&fit.parameters, &cov),
            Method::Bootstrap { .. } => {
                return Err(Error::InvalidParameter {
                    name: "ci",
                    value: "bootstrap".into(),
                    reason: "quasi-variances need a covariance matrix (fisher or sandwich)",
                });
            }
        }
        let dim = self.problem.layout.dim;
        crate::inference::quasi::quasi_variances(self.problem.layout.n_items, |i, j| {
            cov[i * dim + i] + cov[j * dim + j] - 2.0 * cov[i * dim + j]
        })
    }

    /// C·J·C with J = Σ over votes of g gᵀ (g: that vote's score).
    fn sandwich(&self, theta: &[f64], cov: &[f64]) -> Vec<f64> {
        let p = &self.problem;
        let dim = p.layout.dim;
        let mut meat = vec![0.0; dim * dim];
        let mut touched = Vec::new();
        let unit = [
            Counts {
                wins_a: 1.0,
                ..Counts::default()
            },
            Counts {
                wins_b: 1.0,
                ..Counts::default()
            },
            Counts {
                ties: 1.0,
                ..Counts::default()
            },
        ];
        for k in 0..p.cells.len() {
            let c = p.cells.counts[k];
            let eta = p.eta(theta, k);
            let tie = p.tie_value(theta);
            p.eta_gradient(k, &mut touched);
            for (u, n) in unit.iter().zip([c.wins_a, c.wins_b, c.ties]) {
                if n == 0.0 {
                    continue;
                }
                let t = cell_terms(p.settings.link, p.settings.ties, eta, tie, *u);
                let mut g: Vec<(usize, f64)> =
                    touched.iter().map(|&(i, x)| (i, t.d_eta * x)).collect();
                if let Some(ti) = p.layout.tie {
                    g.push((ti, t.d_tie));
                }
                for &(i, gi) in &g {
                    for &(j, gj) in &g {
                        meat[i * dim + j] += n * gi * gj;
                    }
                }
            }
        }
        if let Some(gauge) = p.gauge {
            for i in 0..dim {
                meat[gauge * dim + i] = 0.0;
                meat[i * dim + gauge] = 0.0;
            }
        }
        let c = faer::Mat::<f64>::from_fn(dim, dim, |i, j| cov[i * dim + j]);
        let j = faer::Mat::<f64>::from_fn(dim, dim, |i, k| meat[i * dim + k]);
        let v = &c * &j * &c;
        let mut out = vec![0.0; dim * dim];
        for i in 0..dim {
            for k in 0..dim {
                out[i * dim + k] = v[(i, k)];
            }
        }
        out
    }

    pub(super) fn intervals_from_covariance(
        &self,
        fit: &PairwiseFit,
        cov: &[f64],
        level: f64,
    ) -> Uncertainty {
        let lay = &self.problem.layout;
        let dim = lay.dim;
        let var = |i: usize| cov[i * dim + i].max(0.0);
        Uncertainty {
            order_effect_se: lay.order.map(|k| var(k).sqrt()),
            tie_se: lay.tie.map(|k| fit.parameters[k].exp() * var(k).sqrt()),
            feature_se: (lay.features_start..dim).map(|k| var(k).sqrt()).collect(),
            ..score_uncertainty(
                &fit.scores,
                cov,
                dim,
                self.problem.settings.reference,
                level,
            )
        }
    }

    fn bootstrap(
        &self,
        fit: &PairwiseFit,
        replicates: u32,
        seed: u64,
        level: f64,
    ) -> Result<Uncertainty> {
        let tables = self.bootstrap_tables();
        let seed = fold_seed(seed);
        let draws = bootstrap::draws(replicates, |r| self.replicate(fit, &tables, seed, r))?;
        self.bootstrap_summary(&draws, level)
    }

    /// Bootstrap replicate `r`'s draw ([`Self::bootstrap_draw`]: scores,
    /// then the other parameters) as [`Method::Bootstrap`] with `seed`
    /// fits it, or `None` when its refit did not converge: the CPU twin
    /// of one GPU bootstrap replicate.
    pub fn bootstrap_replicate(&self, fit: &PairwiseFit, seed: u64, r: u32) -> Option<Vec<f64>> {
        self.replicate(fit, &self.bootstrap_tables(), fold_seed(seed), r)
    }

    /// One bootstrap replicate's draw, refitted from the estimate; `None`
    /// if it did not converge.
    fn replicate(
        &self,
        fit: &PairwiseFit,
        tables: &PoissonTables,
        seed: u32,
        r: u32,
    ) -> Option<Vec<f64>> {
        let mut problem = self.problem.clone();
        for (k, c) in problem.cells.counts.iter_mut().enumerate() {
            let slot = 3 * k as u32;
            c.wins_a = f64::from(tables.weight(seed, r, slot));
            c.wins_b = f64::from(tables.weight(seed, r, slot + 1));
            c.ties = f64::from(tables.weight(seed, r, slot + 2));
        }
        let solved = cpu::newton(&problem, fit.parameters.clone(), false);
        (solved.status == super::FitStatus::Converged).then(|| self.bootstrap_draw(&solved.theta))
    }
}

/// Standard errors (sample standard deviations) and percentile intervals
/// at `level` of the first `n` coordinates of bootstrap draws.
pub(crate) fn percentile_summary(
    draws: &[Vec<f64>],
    n: usize,
    level: f64,
) -> (Vec<f64>, Vec<(f64, f64)>) {
    let (lo_q, hi_q) = (0.5 - 0.5 * level, 0.5 + 0.5 * level);
    (0..n)
        .map(|i| {
            let mut col: Vec<f64> = draws.iter().map(|d| d[i]).collect();
            let se = std_dev(&col);
            col.sort_by(f64::total_cmp);
            (se, (quantile(&col, lo_q), quantile(&col, hi_q)))
        })
        .unzip()
}

pub(crate) fn std_dev(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// The q-quantile of sorted data, linear interpolation (Hyndman & Fan type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

pub(crate) fn score_uncertainty(
    scores: &[f64],
    cov: &[f64],
    dim: usize,
    reference: Option<usize>,
    level: f64,
) -> Uncertainty {
    let n = scores.len();
    let var = |i: usize| cov[i * dim + i].max(0.0);
    let score_var: Vec<f64> = match reference {
        Some(r) => (0..n)
            .map(|i| var(i) + var(r) - 2.0 * cov[i * dim + r])
            .collect(),
        None => {
            let row_mean: Vec<f64> = (0..n)
                .map(|i| cov[i * dim..i * dim + n].iter().sum::<f64>() / n as f64)
                .collect();
            let grand = row_mean.iter().sum::<f64>() / n as f64;
            (0..n).map(|i| var(i) - 2.0 * row_mean[i] + grand).collect()
        }
    };
    let score_se: Vec<f64> = score_var.iter().map(|v| v.max(0.0).sqrt()).collect();
    let z = normal_quantile(0.5 + 0.5 * level);
    let score_interval = scores
        .iter()
        .zip(&score_se)
        .map(|(s, se)| (s - z * se, s + z * se))
        .collect();
    Uncertainty::scores_only(score_se, score_interval, level, None)
}

/// Ranks with intervals: `rank` = 1 + items with a higher score;
/// `rank_low` (best) = 1 + items whose interval lies wholly above this
/// item's (Chatbot Arena's rule); `rank_high` (worst) = n − items whose
/// interval lies wholly below.
pub fn rank_intervals(scores: &[f64], intervals: &[(f64, f64)]) -> Vec<(usize, usize, usize)> {
    let n = scores.len();
    (0..n)
        .map(|i| {
            let rank = 1 + scores.iter().filter(|&&s| s > scores[i]).count();
            let (lo, hi) = intervals[i];
            let above = intervals.iter().filter(|(l, _)| *l > hi).count();
            let below = intervals.iter().filter(|(_, h)| *h < lo).count();
            (rank, 1 + above, n - below)
        })
        .collect()
}
