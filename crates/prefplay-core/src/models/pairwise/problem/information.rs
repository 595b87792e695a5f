//! The information matrix of a [`Problem`] at an evaluation: applied to a
//! vector (for conjugate gradients), its diagonal (the preconditioner),
//! dense (for the covariance), and the curvature floor.

use std::ops::Range;

use super::{Evaluation, Problem, SOLVER_RIDGE};
use crate::models::pairwise::settings::TieModel;
use crate::parallel;

impl Problem {
    /// out = A·v, A the information (prior included) with the gauge row and
    /// column replaced by the identity.
    pub fn apply_information(&self, ev: &Evaluation, v: &[f64], out: &mut [f64]) {
        let lay = &self.layout;
        let mut masked_v = v.to_vec();
        if let Some(g) = self.gauge {
            masked_v[g] = 0.0;
        }
        let parts = parallel::map_chunks(self.cells.len(), |range| {
            self.apply_chunk(ev, &masked_v, range)
        });
        out.fill(0.0);
        for part in parts {
            for (o, p) in out.iter_mut().zip(&part) {
                *o += p;
            }
        }
        let l2 = self.settings.l2;
        for (o, x) in out.iter_mut().zip(v).take(lay.n_items) {
            *o += l2 * x;
        }
        for (o, x) in out.iter_mut().zip(v).skip(lay.n_items) {
            *o += (self.extras_l2 + SOLVER_RIDGE) * x;
        }
        if let Some(g) = self.gauge {
            out[g] = v[g];
        }
    }

    fn apply_chunk(&self, ev: &Evaluation, v: &[f64], range: Range<usize>) -> Vec<f64> {
        let c = &self.cells;
        let lay = &self.layout;
        let mut out = vec![0.0; lay.dim];
        if lay.dim == lay.n_items {
            apply_scores_only(
                &c.item_a[range.clone()],
                &c.item_b[range.clone()],
                &ev.info_eta[range],
                v,
                &mut out,
            );
            return out;
        }
        for k in range {
            let (a, b) = (c.item_a[k] as usize, c.item_b[k] as usize);
            let mut dv = v[a] - v[b];
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
        out
    }

    /// A lower bound on the eigenvalues of the matrix in
    /// [`Self::apply_information`] from the prior alone (0 when a
    /// parameter has none, e.g. under a gauge).
    pub fn curvature_floor(&self) -> f64 {
        if self.gauge.is_some() {
            return 0.0;
        }
        if self.layout.dim == self.layout.n_items {
            self.settings.l2
        } else {
            self.settings.l2.min(self.extras_l2)
        }
    }

    /// The diagonal of the matrix in [`Self::apply_information`].
    pub fn information_diagonal(&self, ev: &Evaluation) -> Vec<f64> {
        let lay = &self.layout;
        let mut d = ev.diag.clone();
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

/// out += A·v over cells with scores only: each cell adds
/// w·(v_a − v_b) to a and takes it from b. Cells come in runs of the same
/// item a (the aggregation sorts them by pair), so a's share is summed in
/// a register over its run: adding to `out[a]` cell by cell would chain
/// every cell of the run through a store and a load of the same address,
/// which made this loop latency-bound (about 3.5 ns a cell).
fn apply_scores_only(item_a: &[u32], item_b: &[u32], info: &[f64], v: &[f64], out: &mut [f64]) {
    let mut k = 0;
    while k < item_a.len() {
        let a = item_a[k];
        let va = v[a as usize];
        let mut to_a = 0.0;
        while k < item_a.len() && item_a[k] == a {
            let b = item_b[k] as usize;
            let along = info[k] * (va - v[b]);
            to_a += along;
            out[b] -= along;
            k += 1;
        }
        out[a as usize] += to_a;
    }
}
