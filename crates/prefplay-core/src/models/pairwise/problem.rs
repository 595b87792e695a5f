//! The parameter vector, the objective over all cells, its gradient and the
//! information matrix applied to a vector (never formed for the solver).
//!
//! θ = [s₀ … s_{n−1}, h?, tie?, β₀ … β_{p−1}]: item scores, the order
//! effect, the tie parameter (τ = log ν for Davidson, α = log θ for
//! Rao–Kupper) and feature coefficients. η = sₐ − s_b + h·adv + β·x.
//! Objective: ℓ(θ) − (λ/2)·Σ sᵢ² (the Gaussian prior on scores only).
//! With λ = 0 one item (the reference, else item 0) is held at 0: the
//! "gauge" that makes the maximum-likelihood estimate unique.

use std::ops::Range;

use super::cells::Cells;
use super::likelihood::{CellTerms, cell_terms};
use super::settings::{PairwiseSettings, TieModel};
use crate::parallel;

mod information;
mod plain_logit;

/// Where each parameter lives in θ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub n_items: usize,
    pub order: Option<usize>,
    pub tie: Option<usize>,
    pub features_start: usize,
    pub dim: usize,
}

impl Layout {
    pub fn new(n_items: usize, order: bool, tie: bool, n_features: usize) -> Self {
        let mut next = n_items;
        let mut take = |on: bool| {
            on.then(|| {
                next += 1;
                next - 1
            })
        };
        let order = take(order);
        let tie = take(tie);
        Layout {
            n_items,
            order,
            tie,
            features_start: next,
            dim: next + n_features,
        }
    }
}

/// A fit's data and settings, ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub cells: Cells,
    pub layout: Layout,
    pub settings: PairwiseSettings,
    /// The item held at 0 when λ = 0.
    pub gauge: Option<usize>,
    /// Prior strength on the non-score parameters: 0, except after a
    /// separable plain-ML fit (see `PairwiseModel::fit`).
    pub extras_l2: f64,
}

/// One chunk's share of an evaluation.
struct Chunk {
    log_lik: f64,
    grad: Vec<f64>,
    diag: Vec<f64>,
}

/// One evaluation of the model at a parameter vector θ: what the solver
/// ([`super::NewtonCg`]) needs from an evaluator. The CPU computes it in
/// `f64` ([`super::PairwiseModel::likelihood_pieces`]); `prefplay-gpu`'s
/// kernels compute the same fields in `f32`.
///
/// An evaluator fills the likelihood's part only (`log_lik`, `grad`,
/// `diag`, the per-cell information); the solver adds the prior, which
/// sets `objective`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// Log-likelihood plus log-prior (up to a constant); NaN until the
    /// prior is added, or when the log-likelihood was not asked for.
    pub objective: f64,
    /// Log-likelihood (prior not included); NaN when not asked for (the
    /// costliest part: a logarithm per cell).
    pub log_lik: f64,
    /// ∂/∂θ, one per parameter (prior included once added).
    pub grad: Vec<f64>,
    /// Diagonal of the observed information, one per parameter, prior
    /// excluded.
    pub diag: Vec<f64>,
    /// Per cell: −∂²ℓ/∂η² (the weight of the cell's outer product).
    pub info_eta: Vec<f64>,
    /// Per cell, tie models only: −∂²ℓ/∂η∂τ.
    pub info_cross: Vec<f64>,
    /// Per cell, tie models only: −∂²ℓ/∂τ².
    pub info_tie: Vec<f64>,
}

/// Ridge added to the non-score diagonal in the solver only, so a constant
/// feature cannot make the Newton system singular (the objective is unchanged).
const SOLVER_RIDGE: f64 = 1e-9;

impl Problem {
    /// η of cell `k` at θ.
    pub fn eta(&self, theta: &[f64], k: usize) -> f64 {
        let c = &self.cells;
        let mut eta = theta[c.item_a[k] as usize] - theta[c.item_b[k] as usize];
        if let Some(h) = self.layout.order {
            eta += theta[h] * c.advantage[k];
        }
        if c.n_features > 0 {
            let beta = &theta[self.layout.features_start..];
            eta += beta
                .iter()
                .zip(c.features_of(k))
                .map(|(b, x)| b * x)
                .sum::<f64>();
        }
        eta
    }

    /// The tie parameter at θ (0 when the model has none).
    pub fn tie_value(&self, theta: &[f64]) -> f64 {
        self.layout.tie.map_or(0.0, |t| theta[t])
    }

    /// Terms of cell `k` at θ.
    pub fn terms(&self, theta: &[f64], k: usize) -> CellTerms {
        let s = &self.settings;
        cell_terms(
            s.link,
            s.ties,
            self.eta(theta, k),
            self.tie_value(theta),
            self.cells.counts[k],
        )
    }

    /// Whether the plain Bradley–Terry fast path applies: logit link, ties
    /// as halves or dropped, no order effect, no features.
    pub fn plain_logit(&self) -> bool {
        self.settings.link == super::settings::Link::Logit
            && matches!(self.settings.ties, TieModel::Half | TieModel::Drop)
            && self.layout.dim == self.layout.n_items
    }

    /// Objective, gradient and per-cell information at θ. `info_cross` and
    /// `info_tie` are filled only when the model has a tie parameter.
    pub fn evaluate(&self, theta: &[f64], out: &mut Evaluation) {
        self.evaluate_with(theta, out, true);
    }

    /// The objective alone at θ (a full pass).
    #[cfg(test)]
    pub fn objective_at(&self, theta: &[f64]) -> f64 {
        let mut ev = Evaluation::default();
        self.evaluate(theta, &mut ev);
        ev.objective
    }

    /// Whether θ is inside the parameter space (Rao–Kupper's α > 0).
    pub fn feasible(&self, theta: &[f64]) -> bool {
        match self.layout.tie {
            Some(t) if self.tie_must_be_positive() => theta[t] > 0.0,
            _ => true,
        }
    }

    /// As [`Self::evaluate`]; without `with_log_lik` the log-likelihood
    /// (the costliest part: a logarithm per cell) is skipped and
    /// `objective` and `log_lik` are NaN.
    pub fn evaluate_with(&self, theta: &[f64], out: &mut Evaluation, with_log_lik: bool) {
        self.likelihood_with(theta, out, with_log_lik);
        self.add_prior(theta, out);
    }

    /// The likelihood's part of an evaluation (no prior; `objective` NaN).
    pub fn likelihood_with(&self, theta: &[f64], out: &mut Evaluation, with_log_lik: bool) {
        let n_cells = self.cells.len();
        let with_tie = self.layout.tie.is_some();
        let tie_len = if with_tie { n_cells } else { 0 };
        out.info_eta.resize(n_cells, 0.0);
        out.info_cross.resize(tie_len, 0.0);
        out.info_tie.resize(tie_len, 0.0);
        let ranges = parallel::chunks(n_cells, parallel::chunk_count(n_cells));
        let mut work = Vec::with_capacity(ranges.len());
        let (mut eta, mut cross, mut tie) = (
            &mut out.info_eta[..],
            &mut out.info_cross[..],
            &mut out.info_tie[..],
        );
        for r in ranges {
            let tie_part = if with_tie { r.len() } else { 0 };
            let (e, rest) = std::mem::take(&mut eta).split_at_mut(r.len());
            eta = rest;
            let (c, rest) = std::mem::take(&mut cross).split_at_mut(tie_part);
            cross = rest;
            let (t, rest) = std::mem::take(&mut tie).split_at_mut(tie_part);
            tie = rest;
            work.push((r, e, c, t));
        }
        let strengths = self.strengths(theta);
        let strengths = strengths.as_deref();
        let parts: Vec<Chunk> = if work.len() <= 1 {
            work.into_iter()
                .map(|(r, e, c, t)| self.evaluate_chunk(theta, strengths, r, e, c, t, with_log_lik))
                .collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = work
                    .into_iter()
                    .map(|(r, e, c, t)| {
                        scope.spawn(move || {
                            self.evaluate_chunk(theta, strengths, r, e, c, t, with_log_lik)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        out.grad.clear();
        out.grad.resize(self.layout.dim, 0.0);
        out.diag.clear();
        out.diag.resize(self.layout.dim, 0.0);
        let mut log_lik = 0.0;
        for part in parts {
            log_lik += part.log_lik;
            for (g, p) in out.grad.iter_mut().zip(&part.grad) {
                *g += p;
            }
            for (d, p) in out.diag.iter_mut().zip(&part.diag) {
                *d += p;
            }
        }
        out.log_lik = if with_log_lik { log_lik } else { f64::NAN };
        out.objective = f64::NAN;
    }

    /// Adds the prior to a likelihood evaluation at θ: the gradient's
    /// −λθ, the gauge's zero, and `objective` (NaN without `log_lik`).
    pub fn add_prior(&self, theta: &[f64], out: &mut Evaluation) {
        let l2 = self.settings.l2;
        let mut penalty = 0.0;
        for (g, s) in out.grad.iter_mut().zip(&theta[..self.layout.n_items]) {
            *g -= l2 * s;
            penalty += l2 * s * s;
        }
        for (g, s) in out.grad.iter_mut().zip(theta).skip(self.layout.n_items) {
            *g -= self.extras_l2 * s;
            penalty += self.extras_l2 * s * s;
        }
        if let Some(g) = self.gauge {
            out.grad[g] = 0.0;
        }
        out.objective = out.log_lik - 0.5 * penalty;
    }

    /// Whether `ev` has the lengths of an evaluation of this problem.
    pub fn fits_evaluation(&self, ev: &Evaluation) -> bool {
        let (dim, n_cells) = (self.layout.dim, self.cells.len());
        let tie_len = if self.layout.tie.is_some() {
            n_cells
        } else {
            0
        };
        ev.grad.len() == dim
            && ev.diag.len() == dim
            && ev.info_eta.len() == n_cells
            && ev.info_cross.len() == tie_len
            && ev.info_tie.len() == tie_len
    }

    /// For the plain fast path: strengths πᵢ = exp(sᵢ − max s), so a cell
    /// needs a division, not an exponential (one `exp` per item instead of
    /// one per cell). `None` off the fast path, or when the scores spread
    /// so far (> 700) that a strength underflows.
    pub(crate) fn strengths(&self, theta: &[f64]) -> Option<Vec<f64>> {
        if !self.plain_logit() {
            return None;
        }
        let scores = &theta[..self.layout.n_items];
        let top = scores.iter().fold(f64::NEG_INFINITY, |m, &s| m.max(s));
        let strengths: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        strengths
            .iter()
            .all(|&p| p > f64::MIN_POSITIVE && p.is_finite())
            .then_some(strengths)
    }

    #[allow(clippy::too_many_arguments)]
    fn evaluate_chunk(
        &self,
        theta: &[f64],
        strengths: Option<&[f64]>,
        range: Range<usize>,
        info_eta: &mut [f64],
        info_cross: &mut [f64],
        info_tie: &mut [f64],
        with_log_lik: bool,
    ) -> Chunk {
        let c = &self.cells;
        let dim = self.layout.dim;
        let mut part = Chunk {
            log_lik: 0.0,
            grad: vec![0.0; dim],
            diag: vec![0.0; dim],
        };
        let first = range.start;
        if self.plain_logit() {
            self.plain_logit_chunk(theta, strengths, range, info_eta, with_log_lik, &mut part);
            return part;
        }
        for k in range {
            let t = self.terms(theta, k);
            let (a, b) = (c.item_a[k] as usize, c.item_b[k] as usize);
            part.log_lik += t.log_lik;
            part.grad[a] += t.d_eta;
            part.grad[b] -= t.d_eta;
            part.diag[a] += t.info_eta;
            part.diag[b] += t.info_eta;
            if let Some(h) = self.layout.order {
                part.grad[h] += t.d_eta * c.advantage[k];
                part.diag[h] += t.info_eta * c.advantage[k] * c.advantage[k];
            }
            if let Some(tie) = self.layout.tie {
                part.grad[tie] += t.d_tie;
                part.diag[tie] += t.info_tie;
                info_cross[k - first] = t.info_cross;
                info_tie[k - first] = t.info_tie;
            }
            let start = self.layout.features_start;
            for (j, x) in c.features_of(k).iter().enumerate() {
                part.grad[start + j] += t.d_eta * x;
                part.diag[start + j] += t.info_eta * x * x;
            }
            info_eta[k - first] = t.info_eta;
        }
        part
    }
}
