//! Plackett–Luce for full and partial rankings and best-of-k choices
//! (Luce 1959; Plackett 1975), maximum a posteriori with the same Gaussian
//! prior as the pairwise models (`l2 = 0`: plain maximum likelihood).
//!
//! A ranking i₁ ≻ i₂ ≻ … ≻ i_m of a shown set S has probability
//! Π_j exp(s_{i_j}) / Σ_{l ∈ R_j} exp(s_l), R_j = S minus the items already
//! placed. Each stage adds to the log-likelihood s_c − logsumexp(s_R), to the
//! gradient e_c − p (p the softmax over R) and to the information
//! diag(p) − p pᵀ (Hunter 2004, §5, for the MM view; here Newton's method
//! on the dense information, solved by Cholesky).
//! Pairwise votes are rankings of two, so on pairs this is Bradley–Terry.
//! Standard errors: `uncertainty.rs`.

mod uncertainty;

use faer::linalg::solvers::Solve;

use crate::data::rankings::RankingTable;
use crate::error::check_finite_above;
use crate::inference::diagnosis::GraphDiagnosis;
use crate::models::pairwise::FitStatus;
use crate::{Error, Result};

/// Settings for [`PlackettLuce`]; defaults as for the pairwise models.
#[derive(Debug, Clone, PartialEq)]
pub struct PlSettings {
    /// Prior strength λ (0: plain ML). Default `0.1`; finite, ≥ 0.
    pub l2: f64,
    /// Report contrasts to this item. Default: centred scores.
    pub reference: Option<usize>,
    /// Newton step tolerance. Default `1e-9`.
    pub tolerance: f64,
    /// Newton step cap. Default `100`.
    pub max_iterations: u32,
}

impl Default for PlSettings {
    fn default() -> Self {
        Self {
            l2: crate::models::pairwise::DEFAULT_L2,
            reference: None,
            tolerance: 1e-9,
            max_iterations: 100,
        }
    }
}

/// Largest item count for the dense Newton system.
pub const MAX_ITEMS: usize = 8000;

/// A Plackett–Luce fit.
#[derive(Debug, Clone, PartialEq)]
pub struct PlFit {
    /// Scores (centred, or contrasts to the reference).
    pub scores: Vec<f64>,
    /// Log-likelihood at the estimate (prior excluded).
    pub log_likelihood: f64,
    /// Newton steps.
    pub iterations: u32,
    /// Why the solver stopped.
    pub status: FitStatus,
    /// Raw scores (a warm start).
    pub parameters: Vec<f64>,
}

/// Data and settings, checked and diagnosed.
#[derive(Debug, Clone)]
pub struct PlackettLuce {
    table: RankingTable,
    settings: PlSettings,
    gauge: Option<usize>,
    warnings: Vec<String>,
}

struct Pieces {
    objective: f64,
    log_lik: f64,
    grad: Vec<f64>,
    info: Vec<f64>,
}

impl PlackettLuce {
    /// Checks settings, diagnoses the "ranked above" graph and falls back
    /// to the default prior (with a warning) when `l2 = 0` has no MLE.
    pub fn new(table: &RankingTable, mut settings: PlSettings) -> Result<Self> {
        let n = table.items().len();
        check_finite_above("l2", settings.l2, 0.0, true, "must be finite and ≥ 0")?;
        check_finite_above("tolerance", settings.tolerance, 0.0, false, "must be > 0")?;
        if n > MAX_ITEMS {
            return Err(Error::InvalidParameter {
                name: "items",
                value: n.to_string(),
                reason: "Plackett–Luce is limited to 8000 items (dense Newton system)",
            });
        }
        if let Some(r) = settings.reference
            && r >= n
        {
            return Err(Error::InvalidParameter {
                name: "reference",
                value: r.to_string(),
                reason: "must be an item of the data",
            });
        }
        let arcs = table.rankings.iter().filter(|r| r.count > 0).flat_map(|r| {
            r.order.iter().enumerate().flat_map(move |(k, &w)| {
                r.order[k + 1..]
                    .iter()
                    .chain(&r.unranked)
                    .map(move |&l| (w as usize, l as usize))
            })
        });
        let diagnosis = GraphDiagnosis::from_arcs(n, arcs);
        let mut warnings = Vec::new();
        if !diagnosis.mle_exists() {
            let groups = diagnosis.strong_components.len();
            if settings.l2 == 0.0 {
                warnings.push(format!("the maximum-likelihood estimate does not exist (the ranked-above graph splits into {groups} groups); fitted with the prior l2 = {} instead", crate::models::pairwise::DEFAULT_L2));
                settings.l2 = crate::models::pairwise::DEFAULT_L2;
            } else {
                warnings.push(format!("the ranked-above graph splits into {groups} groups; scores between them are set by the prior"));
            }
        }
        let gauge = (settings.l2 == 0.0).then(|| settings.reference.unwrap_or(0));
        Ok(Self {
            table: table.clone(),
            settings,
            gauge,
            warnings,
        })
    }

    /// Warnings about the data.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The settings in force.
    pub fn settings(&self) -> &PlSettings {
        &self.settings
    }

    fn pieces(&self, theta: &[f64], table: &RankingTable, with_info: bool) -> Pieces {
        let n = theta.len();
        let mut out = Pieces {
            objective: 0.0,
            log_lik: 0.0,
            grad: vec![0.0; n],
            info: if with_info {
                vec![0.0; n * n]
            } else {
                Vec::new()
            },
        };
        let mut remaining: Vec<usize> = Vec::new();
        let mut p: Vec<f64> = Vec::new();
        for r in &table.rankings {
            if r.count == 0 {
                continue;
            }
            let w = f64::from(r.count);
            remaining.clear();
            remaining.extend(r.order.iter().chain(&r.unranked).map(|&i| i as usize));
            for &chosen in &r.order {
                let chosen = chosen as usize;
                if remaining.len() < 2 {
                    break;
                }
                let log_z = stage_softmax(theta, &remaining, &mut p);
                out.log_lik += w * (theta[chosen] - log_z);
                out.grad[chosen] += w;
                for (&i, &pi) in remaining.iter().zip(&p) {
                    out.grad[i] -= w * pi;
                    if with_info {
                        out.info[i * n + i] += w * pi;
                        for (&j, &pj) in remaining.iter().zip(&p) {
                            out.info[i * n + j] -= w * pi * pj;
                        }
                    }
                }
                if let Some(pos) = remaining.iter().position(|&i| i == chosen) {
                    remaining.swap_remove(pos);
                }
            }
        }
        let l2 = self.settings.l2;
        let mut penalty = 0.0;
        for (i, (g, s)) in out.grad.iter_mut().zip(theta).enumerate() {
            *g -= l2 * s;
            penalty += s * s;
            if with_info {
                out.info[i * n + i] += l2;
            }
        }
        if let Some(g) = self.gauge {
            out.grad[g] = 0.0;
        }
        out.objective = out.log_lik - 0.5 * l2 * penalty;
        out
    }

    /// The (gauge-reduced) information as a faer matrix and its kept indices.
    fn reduced(&self, info: &[f64], n: usize) -> (faer::Mat<f64>, Vec<usize>) {
        let keep: Vec<usize> = (0..n).filter(|&i| Some(i) != self.gauge).collect();
        let m =
            faer::Mat::<f64>::from_fn(keep.len(), keep.len(), |i, j| info[keep[i] * n + keep[j]]);
        (m, keep)
    }

    fn newton(&self, table: &RankingTable, mut theta: Vec<f64>) -> (Vec<f64>, u32, FitStatus) {
        let n = theta.len();
        let mut at = self.pieces(&theta, table, true);
        for iteration in 1..=self.settings.max_iterations {
            let (m, keep) = self.reduced(&at.info, n);
            let Ok(llt) = m.llt(faer::Side::Lower) else {
                return (theta, iteration, FitStatus::Stalled);
            };
            let rhs = faer::Mat::<f64>::from_fn(keep.len(), 1, |i, _| at.grad[keep[i]]);
            let sol = llt.solve(&rhs);
            let mut direction = vec![0.0; n];
            for (k, &i) in keep.iter().enumerate() {
                direction[i] = sol[(k, 0)];
            }
            let step = direction.iter().fold(0.0f64, |m, d| m.max(d.abs()));
            if step <= self.settings.tolerance {
                return (theta, iteration, FitStatus::Converged);
            }
            let mut scale = 1.0;
            loop {
                let trial: Vec<f64> = theta
                    .iter()
                    .zip(&direction)
                    .map(|(t, d)| t + scale * d)
                    .collect();
                let next = self.pieces(&trial, table, true);
                let slack = 1e-11 * (1.0 + at.objective.abs());
                if next.objective.is_finite() && next.objective >= at.objective - slack {
                    theta = trial;
                    at = next;
                    break;
                }
                scale *= 0.5;
                if scale < 1.0 / 4096.0 {
                    return (theta, iteration, FitStatus::Stalled);
                }
            }
            if theta
                .iter()
                .any(|t| t.abs() > crate::models::pairwise::DIVERGED_AT)
            {
                return (theta, iteration, FitStatus::Diverged);
            }
        }
        (
            theta,
            self.settings.max_iterations,
            FitStatus::MaxIterations,
        )
    }

    /// Fits from zeros.
    pub fn fit(&mut self) -> PlFit {
        let n = self.table.items().len();
        let (theta, iterations, status) = self.newton(&self.table, vec![0.0; n]);
        if matches!(status, FitStatus::Diverged | FitStatus::MaxIterations)
            && self.settings.l2 == 0.0
        {
            self.warnings.push(format!(
                "the fit did not converge ({status:?}); refitted with the prior l2 = {}",
                crate::models::pairwise::DEFAULT_L2
            ));
            self.settings.l2 = crate::models::pairwise::DEFAULT_L2;
            self.gauge = None;
            return self.fit();
        }
        let log_likelihood = self.pieces(&theta, &self.table, false).log_lik;
        PlFit {
            scores: self.report(&theta),
            log_likelihood,
            iterations,
            status,
            parameters: theta,
        }
    }

    fn report(&self, theta: &[f64]) -> Vec<f64> {
        let shift = match self.settings.reference {
            Some(r) => theta[r],
            None => theta.iter().sum::<f64>() / theta.len().max(1) as f64,
        };
        theta.iter().map(|t| t - shift).collect()
    }
}

/// One stage of a ranking: fills `p` with the softmax of the scores of
/// the `remaining` items and returns its log-normaliser
/// log Σ exp(sᵢ) (shifted by the maximum, so it cannot overflow).
fn stage_softmax(theta: &[f64], remaining: &[usize], p: &mut Vec<f64>) -> f64 {
    let max = remaining
        .iter()
        .map(|&i| theta[i])
        .fold(f64::NEG_INFINITY, f64::max);
    p.clear();
    p.extend(remaining.iter().map(|&i| (theta[i] - max).exp()));
    let z: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= z);
    max + z.ln()
}

#[cfg(test)]
mod tests;
