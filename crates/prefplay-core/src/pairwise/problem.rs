//! The parameter vector, the objective over all cells, its gradient and the
//! information matrix applied to a vector (never formed for the solver).
//!
//! θ = [s₀ … s_{n−1}, h?, tie?, β₀ … β_{p−1}]: item scores, the order
//! effect, the tie parameter (τ = log ν for Davidson, α = log θ for
//! Rao–Kupper) and feature coefficients. η = sₐ − s_b + h·adv + β·x.
//! Objective: ℓ(θ) − (λ/2)·Σ sᵢ² (the Gaussian prior on scores only).
//! With λ = 0 one item (the reference, else item 0) is held at 0: the
//! "gauge" that makes the maximum-likelihood estimate unique.

use super::cells::Cells;
use super::likelihood::{CellTerms, cell_terms};
use super::settings::{PairwiseSettings, TieModel};

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

/// Per-cell information at a point (for products and the dense matrix).
#[derive(Debug, Clone, Default)]
pub(crate) struct Evaluation {
    pub objective: f64,
    pub log_lik: f64,
    pub grad: Vec<f64>,
    pub info_eta: Vec<f64>,
    pub info_cross: Vec<f64>,
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

    /// Objective, gradient and per-cell information at θ.
    pub fn evaluate(&self, theta: &[f64], out: &mut Evaluation) {
        let (dim, n_cells) = (self.layout.dim, self.cells.len());
        out.grad.clear();
        out.grad.resize(dim, 0.0);
        for v in [&mut out.info_eta, &mut out.info_cross, &mut out.info_tie] {
            v.clear();
            v.resize(n_cells, 0.0);
        }
        let mut log_lik = 0.0;
        let c = &self.cells;
        for k in 0..n_cells {
            let t = self.terms(theta, k);
            log_lik += t.log_lik;
            out.grad[c.item_a[k] as usize] += t.d_eta;
            out.grad[c.item_b[k] as usize] -= t.d_eta;
            if let Some(h) = self.layout.order {
                out.grad[h] += t.d_eta * c.advantage[k];
            }
            if let Some(tie) = self.layout.tie {
                out.grad[tie] += t.d_tie;
            }
            if c.n_features > 0 {
                let start = self.layout.features_start;
                for (g, x) in out.grad[start..].iter_mut().zip(c.features_of(k)) {
                    *g += t.d_eta * x;
                }
            }
            out.info_eta[k] = t.info_eta;
            out.info_cross[k] = t.info_cross;
            out.info_tie[k] = t.info_tie;
        }
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
        out.log_lik = log_lik;
        out.objective = log_lik - 0.5 * penalty;
    }

    /// out = A·v, A the information (prior included) with the gauge row and
    /// column replaced by the identity.
    pub fn apply_information(&self, ev: &Evaluation, v: &[f64], out: &mut [f64]) {
        let c = &self.cells;
        let lay = &self.layout;
        out.fill(0.0);
        let gauge_value = self.gauge.map(|g| v[g]);
        for k in 0..c.len() {
            let (a, b) = (c.item_a[k] as usize, c.item_b[k] as usize);
            let mut dv = masked(v, a, self.gauge) - masked(v, b, self.gauge);
            if let Some(h) = lay.order {
                dv += v[h] * c.advantage[k];
            }
            let features = c.features_of(k);
            let beta_v = &v[lay.features_start..];
            dv += features.iter().zip(beta_v).map(|(x, b)| x * b).sum::<f64>();
            let mut along = ev.info_eta[k] * dv;
            if let Some(t) = lay.tie {
                along += ev.info_cross[k] * v[t];
                out[t] += ev.info_cross[k] * dv + ev.info_tie[k] * v[t];
            }
            out[a] += along;
            out[b] -= along;
            if let Some(h) = lay.order {
                out[h] += along * c.advantage[k];
            }
            for (o, x) in out[lay.features_start..].iter_mut().zip(features) {
                *o += along * x;
            }
        }
        let l2 = self.settings.l2;
        for (o, x) in out.iter_mut().zip(v).take(lay.n_items) {
            *o += l2 * x;
        }
        for (o, x) in out.iter_mut().zip(v).skip(lay.n_items) {
            *o += (self.extras_l2 + SOLVER_RIDGE) * x;
        }
        if let (Some(g), Some(value)) = (self.gauge, gauge_value) {
            out[g] = value;
        }
    }

    /// The diagonal of the matrix in [`Self::apply_information`].
    pub fn information_diagonal(&self, ev: &Evaluation) -> Vec<f64> {
        let c = &self.cells;
        let lay = &self.layout;
        let mut d = vec![0.0; lay.dim];
        for k in 0..c.len() {
            let i = ev.info_eta[k];
            d[c.item_a[k] as usize] += i;
            d[c.item_b[k] as usize] += i;
            if let Some(h) = lay.order {
                d[h] += i * c.advantage[k] * c.advantage[k];
            }
            if let Some(t) = lay.tie {
                d[t] += ev.info_tie[k];
            }
            if c.n_features > 0 {
                for (o, x) in d[lay.features_start..].iter_mut().zip(c.features_of(k)) {
                    *o += i * x * x;
                }
            }
        }
        for (j, x) in d.iter_mut().enumerate() {
            *x += if j < lay.n_items {
                self.settings.l2
            } else {
                self.extras_l2 + SOLVER_RIDGE
            };
        }
        if let Some(g) = self.gauge {
            d[g] = 1.0;
        }
        d
    }

    /// The dense information matrix (prior included), row-major, for
    /// covariances. The gauge row and column are left as computed.
    pub fn dense_information(&self, ev: &Evaluation) -> Vec<f64> {
        let dim = self.layout.dim;
        let mut m = vec![0.0; dim * dim];
        // Each cell adds an outer product on the few coordinates it touches.
        let mut idx = Vec::new();
        let c = &self.cells;
        let lay = &self.layout;
        for k in 0..c.len() {
            self.eta_gradient(k, &mut idx);
            for &(i, xi) in &idx {
                for &(j, xj) in &idx {
                    m[i * dim + j] += ev.info_eta[k] * xi * xj;
                }
                if let Some(t) = lay.tie {
                    m[i * dim + t] += ev.info_cross[k] * xi;
                    m[t * dim + i] += ev.info_cross[k] * xi;
                }
            }
            if let Some(t) = lay.tie {
                m[t * dim + t] += ev.info_tie[k];
            }
        }
        for i in 0..dim {
            m[i * dim + i] += if i < lay.n_items {
                self.settings.l2
            } else {
                self.extras_l2
            };
        }
        m
    }

    /// ∂η/∂θ of cell `k` as (index, value) pairs (its nonzeros).
    pub fn eta_gradient(&self, k: usize, out: &mut Vec<(usize, f64)>) {
        let c = &self.cells;
        out.clear();
        out.push((c.item_a[k] as usize, 1.0));
        out.push((c.item_b[k] as usize, -1.0));
        if let Some(h) = self.layout.order
            && c.advantage[k] != 0.0
        {
            out.push((h, c.advantage[k]));
        }
        for (f, x) in c.features_of(k).iter().enumerate() {
            out.push((self.layout.features_start + f, *x));
        }
    }

    /// Whether the model has a tie parameter that must stay positive (α).
    pub fn tie_must_be_positive(&self) -> bool {
        self.settings.ties == TieModel::RaoKupper
    }
}

fn masked(v: &[f64], i: usize, gauge: Option<usize>) -> f64 {
    if gauge == Some(i) { 0.0 } else { v[i] }
}
