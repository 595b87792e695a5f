//! Models of item features, each with a seeded start, a training function
//! (the CPU twin of `prefplay-gpu`'s feature training kernels) and the
//! fitted model of its parameters:
//!
//! - Feature head: r_u(x) = (w̄ + δ_u)ᵀ h(x), h(x) = φ(x) (linear) or
//!   tanh(Aφ(x) + b) (a shared hidden layer of `hidden` units), δ_u ~
//!   N(0, 1/λ) shrunk to the population's head w̄. Parameters [A (hidden ×
//!   d) | b (hidden) | w̄ (m) | δ (R × m)], m = hidden or d.
//! - Ideal points (PAL, Chen et al. 2024, "PAL: Pluralistic Alignment
//!   Framework"): r_u(x) = −‖f(x) − a_u‖² in a 2-D preference space,
//!   f(x) = Bφ(x) (or a free position per item when there are no
//!   features), a_u = Σ_k softmax(c_u)_k p_k a convex combination of K
//!   prototypes p_k. Parameters [B (2 × d) or E (N × 2) | P (K × 2) | C
//!   (R × K)].
//! - Low-rank on features (LoRe, Bose et al. 2025): r_u(x) = φ(x)ᵀ(b̄ + V
//!   w_u). Parameters [b̄ (d) | V (d × K) | W (R × K)]; returned as a
//!   [`Fitted::LowRank`] over the items (mean Φb̄, basis ΦV), so a new
//!   rater's few-shot fit works the same way.
//!
//! The head and PAL return one score per (rater, item) ([`Fitted::PerRater`]).
//! Features are standardised per column first ([`standardise`]).

use super::data::{PersonalVote, RaterVotes};
use super::features::standardise;
use super::fits::{Fitted, PersonalSettings, data_term, normal_start, penalty};
use crate::models::adam::adam;

/// Dimensions of PAL's preference space.
pub const PAL_DIMS: usize = 2;

/// A model of item features and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FeatureModel {
    /// A reward head per rater shrunk to the population's with strength
    /// `lambda`, on `hidden` shared tanh units (0: linear).
    Head {
        /// Prior strength on each rater's deviation δ_u.
        lambda: f64,
        /// Hidden tanh units (0: the head is linear in the features).
        hidden: usize,
    },
    /// PAL ideal points with `prototypes` prototypes.
    IdealPoints {
        /// Prototypes K.
        prototypes: usize,
    },
    /// Low-rank on features with rank `rank`.
    LowRank {
        /// Rank K.
        rank: usize,
    },
}

impl FeatureModel {
    /// Parameters of the model on `data`.
    pub fn n_params(self, data: &RaterVotes) -> usize {
        let (n, d, r) = (
            data.items.len(),
            data.feature_names.len(),
            data.raters.len(),
        );
        match self {
            FeatureModel::Head { hidden, .. } => {
                let m = if hidden > 0 { hidden } else { d };
                hidden * d + hidden + m + r * m
            }
            FeatureModel::IdealPoints { prototypes } => {
                let map = if d > 0 { PAL_DIMS * d } else { n * PAL_DIMS };
                map + prototypes * PAL_DIMS + r * prototypes
            }
            FeatureModel::LowRank { rank } => d + d * rank + r * rank,
        }
    }
}

/// The model's seeded starting parameters (laid out as in the module
/// docs): the head's layer N(0, 0.5²) and its heads 0; PAL's all N(0,
/// 0.5²); low-rank's b̄ 0 and V, W N(0, 0.1²).
pub fn feature_start(
    data: &RaterVotes,
    settings: &PersonalSettings,
    model: FeatureModel,
) -> Vec<f64> {
    let total = model.n_params(data);
    let d = data.feature_names.len();
    match model {
        FeatureModel::Head { hidden, .. } => {
            let layer = hidden * d + hidden;
            let mut params = vec![0.0; total];
            params[..layer].copy_from_slice(&normal_start(layer, 0.5, settings.seed ^ 0xfe));
            params
        }
        FeatureModel::IdealPoints { .. } => normal_start(total, 0.5, settings.seed ^ 0x9a1),
        FeatureModel::LowRank { .. } => {
            let mut params = vec![0.0; total];
            params[d..].copy_from_slice(&normal_start(total - d, 0.1, settings.seed ^ 0x10b));
            params
        }
    }
}

/// `settings.adam.steps` Adam steps of `model` from `params`.
pub fn train_features(
    data: &RaterVotes,
    settings: &PersonalSettings,
    model: FeatureModel,
    mut params: Vec<f64>,
) -> Vec<f64> {
    match model {
        FeatureModel::Head { lambda, hidden } => {
            train_head(data, settings, lambda, hidden, &mut params)
        }
        FeatureModel::IdealPoints { prototypes } => {
            train_ideal_points(data, settings, prototypes, &mut params)
        }
        FeatureModel::LowRank { rank } => train_low_rank(data, settings, rank, &mut params),
    }
    params
}

/// The fitted model of `model`'s parameters.
pub fn features_from_params(data: &RaterVotes, model: FeatureModel, params: &[f64]) -> Fitted {
    let n = data.items.len();
    let d = data.feature_names.len();
    let r = data.raters.len();
    let x = standardise(&data.features, d);
    match model {
        FeatureModel::Head { hidden, .. } => {
            let m = if hidden > 0 { hidden } else { d };
            let (w0, delta0) = (hidden * d + hidden, hidden * d + hidden + m);
            let h: Vec<Vec<f64>> = (0..n)
                .map(|i| represent(&x, d, hidden, params, i))
                .collect();
            let scores = (0..r * n)
                .map(|k| {
                    let (u, i) = (k / n, k % n);
                    (0..m)
                        .map(|j| (params[w0 + j] + params[delta0 + u * m + j]) * h[i][j])
                        .sum()
                })
                .collect();
            Fitted::PerRater {
                scores,
                n_items: n,
                chosen: String::new(),
            }
        }
        FeatureModel::IdealPoints { prototypes } => {
            let pal = Pal::new(n, d, prototypes);
            let pos: Vec<[f64; PAL_DIMS]> = (0..n).map(|i| pal.position(&x, params, i)).collect();
            let mut scores = Vec::with_capacity(r * n);
            for u in 0..r {
                let a = pal.ideal(params, u).1;
                scores.extend(pos.iter().map(|f| -squared_distance(f, &a)));
            }
            Fitted::PerRater {
                scores,
                n_items: n,
                chosen: String::new(),
            }
        }
        FeatureModel::LowRank { rank: k } => {
            let v0 = d;
            let w0 = d + d * k;
            let mean = (0..n)
                .map(|i| (0..d).map(|c| x[i * d + c] * params[c]).sum())
                .collect();
            let basis = (0..n * k)
                .map(|e| {
                    let (i, j) = (e / k, e % k);
                    (0..d).map(|c| x[i * d + c] * params[v0 + c * k + j]).sum()
                })
                .collect();
            Fitted::LowRank {
                mean,
                basis,
                weights: params[w0..].to_vec(),
                rank: k,
            }
        }
    }
}

/// The head's representation h(x_item): the standardised features, or
/// the shared tanh layer of them.
fn represent(x: &[f64], d: usize, hidden: usize, p: &[f64], item: usize) -> Vec<f64> {
    let xi = &x[item * d..(item + 1) * d];
    if hidden == 0 {
        return xi.to_vec();
    }
    (0..hidden)
        .map(|j| {
            let a = &p[j * d..(j + 1) * d];
            (a.iter().zip(xi).map(|(u, v)| u * v).sum::<f64>() + p[hidden * d + j]).tanh()
        })
        .collect()
}

fn train_head(
    data: &RaterVotes,
    settings: &PersonalSettings,
    lambda: f64,
    hidden: usize,
    params: &mut [f64],
) {
    let n = data.items.len();
    let d = data.feature_names.len();
    let x = standardise(&data.features, d);
    let m = if hidden > 0 { hidden } else { d };
    let layer = hidden * d + hidden;
    let (w0, delta0) = (layer, layer + m);
    adam(params, settings.adam, |p, g, need| {
        let h: Vec<Vec<f64>> = (0..n).map(|i| represent(&x, d, hidden, p, i)).collect();
        let head = |u: u32, j: usize| p[w0 + j] + p[delta0 + u as usize * m + j];
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v: &PersonalVote, _| {
                (0..m)
                    .map(|j| head(v.rater, j) * (h[v.a as usize][j] - h[v.b as usize][j]))
                    .sum()
            },
            |v, s, p, g| {
                let (a, b, u) = (v.a as usize, v.b as usize, v.rater as usize);
                for j in 0..m {
                    let diff = h[a][j] - h[b][j];
                    g[w0 + j] += s * diff;
                    g[delta0 + u * m + j] += s * diff;
                    if hidden > 0 {
                        let w = p[w0 + j] + p[delta0 + u * m + j];
                        // d tanh = 1 − h²
                        for (item, sign) in [(a, 1.0), (b, -1.0)] {
                            let back = sign * s * w * (1.0 - h[item][j] * h[item][j]);
                            for k in 0..d {
                                g[j * d + k] += back * x[item * d + k];
                            }
                            g[hidden * d + j] += back;
                        }
                    }
                }
            },
        );
        loss + penalty(p, g, 0..delta0, settings.l2, data.votes.len())
            + penalty(p, g, delta0..p.len(), lambda, data.votes.len())
    });
}

fn squared_distance(f: &[f64; PAL_DIMS], a: &[f64; PAL_DIMS]) -> f64 {
    (0..PAL_DIMS).map(|t| (f[t] - a[t]).powi(2)).sum()
}

/// PAL's parameter layout.
struct Pal {
    n: usize,
    d: usize,
    k: usize,
    /// Start of the prototypes.
    p0: usize,
    /// Start of the rater logits.
    c0: usize,
}

impl Pal {
    fn new(n: usize, d: usize, k: usize) -> Self {
        let map_len = if d > 0 { PAL_DIMS * d } else { n * PAL_DIMS };
        Self {
            n,
            d,
            k,
            p0: map_len,
            c0: map_len + k * PAL_DIMS,
        }
    }

    /// f(x_item).
    fn position(&self, x: &[f64], p: &[f64], item: usize) -> [f64; PAL_DIMS] {
        let d = self.d;
        std::array::from_fn(|t| {
            if d > 0 {
                (0..d).map(|c| p[t * d + c] * x[item * d + c]).sum()
            } else {
                p[item * PAL_DIMS + t]
            }
        })
    }

    /// Rater u's prototype shares softmax(c_u) and ideal point a_u.
    fn ideal(&self, p: &[f64], u: usize) -> (Vec<f64>, [f64; PAL_DIMS]) {
        let k = self.k;
        let logits = &p[self.c0 + u * k..self.c0 + (u + 1) * k];
        let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = e.iter().sum();
        let s: Vec<f64> = e.iter().map(|v| v / total).collect();
        let a = std::array::from_fn(|t| (0..k).map(|j| s[j] * p[self.p0 + j * PAL_DIMS + t]).sum());
        (s, a)
    }
}

fn train_ideal_points(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
    params: &mut [f64],
) {
    let n = data.items.len();
    let d = data.feature_names.len();
    let r = data.raters.len();
    let q = PAL_DIMS;
    let x = standardise(&data.features, d);
    let pal = Pal::new(n, d, k);
    adam(params, settings.adam, |p, g, need| {
        let pos: Vec<[f64; PAL_DIMS]> = (0..pal.n).map(|i| pal.position(&x, p, i)).collect();
        let ideals: Vec<(Vec<f64>, [f64; PAL_DIMS])> = (0..r).map(|u| pal.ideal(p, u)).collect();
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v: &PersonalVote, _| {
                let a = &ideals[v.rater as usize].1;
                squared_distance(&pos[v.b as usize], a) - squared_distance(&pos[v.a as usize], a)
            },
            |v, s, p, g| {
                let (ia, ib, u) = (v.a as usize, v.b as usize, v.rater as usize);
                let (shares, a) = &ideals[u];
                let (fa, fb) = (pos[ia], pos[ib]);
                // z = ‖f_b − a‖² − ‖f_a − a‖².
                let dz_dfa: [f64; PAL_DIMS] = std::array::from_fn(|t| -2.0 * (fa[t] - a[t]));
                let dz_dfb: [f64; PAL_DIMS] = std::array::from_fn(|t| 2.0 * (fb[t] - a[t]));
                let dz_da: [f64; PAL_DIMS] = std::array::from_fn(|t| 2.0 * (fa[t] - fb[t]));
                for t in 0..q {
                    if d > 0 {
                        for c in 0..d {
                            g[t * d + c] +=
                                s * (dz_dfa[t] * x[ia * d + c] + dz_dfb[t] * x[ib * d + c]);
                        }
                    } else {
                        g[ia * q + t] += s * dz_dfa[t];
                        g[ib * q + t] += s * dz_dfb[t];
                    }
                }
                for j in 0..k {
                    let mut along = 0.0;
                    for t in 0..q {
                        g[pal.p0 + j * q + t] += s * shares[j] * dz_da[t];
                        along += (p[pal.p0 + j * q + t] - a[t]) * dz_da[t];
                    }
                    g[pal.c0 + u * k + j] += s * shares[j] * along;
                }
            },
        );
        loss + penalty(p, g, 0..p.len(), settings.l2, data.votes.len())
    });
}

fn train_low_rank(data: &RaterVotes, settings: &PersonalSettings, k: usize, params: &mut [f64]) {
    let d = data.feature_names.len();
    let x = standardise(&data.features, d);
    let (v0, w0) = (d, d + d * k);
    adam(params, settings.adam, |p, g, need| {
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v: &PersonalVote, p| {
                let (a, b, u) = (v.a as usize, v.b as usize, v.rater as usize);
                (0..d)
                    .map(|c| {
                        let dx = x[a * d + c] - x[b * d + c];
                        let w: f64 = (0..k).map(|j| p[v0 + c * k + j] * p[w0 + u * k + j]).sum();
                        dx * (p[c] + w)
                    })
                    .sum()
            },
            |v, s, p, g| {
                let (a, b, u) = (v.a as usize, v.b as usize, v.rater as usize);
                for c in 0..d {
                    let dx = s * (x[a * d + c] - x[b * d + c]);
                    g[c] += dx;
                    for j in 0..k {
                        g[v0 + c * k + j] += dx * p[w0 + u * k + j];
                        g[w0 + u * k + j] += dx * p[v0 + c * k + j];
                    }
                }
            },
        );
        loss + penalty(p, g, 0..d, settings.l2, data.votes.len())
            + penalty(p, g, d..p.len(), settings.basis_l2, data.votes.len())
    });
}
