//! Models of item features: a reward head per rater (linear, or linear on
//! a shared tanh layer), and PAL-style ideal points.
//!
//! - Feature head: r_u(x) = (w̄ + δ_u)ᵀ h(x), h(x) = φ(x) (linear) or
//!   tanh(Aφ(x) + b) (a shared hidden layer of `hidden` units), δ_u ~
//!   N(0, 1/λ) shrunk to the population's head w̄.
//! - Ideal points (PAL, Chen et al. 2024): r_u(x) = −‖f(x) − a_u‖² in a
//!   2-D preference space, f(x) = Bφ(x) (or a free position per item when
//!   there are no features), a_u = Σ_k softmax(c_u)_k p_k a convex
//!   combination of K prototypes p_k.
//!
//! - Low-rank on features (LoRe, Bose et al. 2025): r_u(x) = φ(x)ᵀ(b̄ + V
//!   w_u), V features × K; [`PersonalKind::LowRank`](super::PersonalKind)
//!   takes this form when the items have features, and returns it as a
//!   [`Fitted::LowRank`] over the items (mean Φb̄, basis ΦV), so a new
//!   rater's few-shot fit works the same way.
//!
//! The head and PAL return one score per (rater, item) ([`Fitted::PerRater`]).
//! Features are standardised per column first.

use super::adam::adam;
use super::data::{PersonalVote, RaterVotes};
use super::fits::{Fitted, PersonalSettings, data_term, normal_start, penalty};
use crate::collect::Deck;

/// Each column scaled to mean 0 and standard deviation 1 (constant
/// columns to 0).
pub fn standardise(values: &[f64], columns: usize) -> Vec<f64> {
    if columns == 0 {
        return Vec::new();
    }
    let rows = values.len() / columns;
    let mut out = values.to_vec();
    for c in 0..columns {
        let col = (0..rows).map(|r| values[r * columns + c]);
        let mean = col.clone().sum::<f64>() / rows.max(1) as f64;
        let var = col.map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows.max(1) as f64;
        let sd = var.sqrt();
        for r in 0..rows {
            out[r * columns + c] = if sd > 1e-12 {
                (values[r * columns + c] - mean) / sd
            } else {
                0.0
            };
        }
    }
    out
}

/// A deck's item features: its own `f_*` columns, hue, saturation and
/// lightness when it has red, green and blue, and for every deck the
/// label's length in characters and words. Item-major.
pub fn deck_features(deck: &Deck) -> (Vec<String>, Vec<f64>) {
    let mut names: Vec<String> = deck.feature_names.clone();
    let col = |name: &str| deck.feature_names.iter().position(|n| n == name);
    let rgb = match (col("red"), col("green"), col("blue")) {
        (Some(r), Some(g), Some(b)) => Some((r, g, b)),
        _ => None,
    };
    if rgb.is_some() {
        names.extend(["hue_cos", "hue_sin", "saturation", "lightness"].map(String::from));
    }
    names.extend(["characters", "words"].map(String::from));
    let mut values = Vec::new();
    for item in &deck.items {
        values.extend(item.features.iter().copied());
        if let Some((r, g, b)) = rgb {
            let (h, s, l) = hsl(item.features[r], item.features[g], item.features[b]);
            values.extend([h.cos(), h.sin(), s, l]);
        }
        values.push(item.label.chars().count() as f64);
        values.push(item.label.split_whitespace().count() as f64);
    }
    (names, values)
}

/// Hue (radians), saturation and lightness of an RGB colour (channels in
/// 0–255 or 0–1; the scale cancels in hue and saturation).
fn hsl(r: f64, g: f64, b: f64) -> (f64, f64, f64) {
    let scale = if r.max(g).max(b) > 1.0 { 255.0 } else { 1.0 };
    let (r, g, b) = (r / scale, g / scale, b / scale);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d < 1e-12 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs()).max(1e-12);
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * std::f64::consts::PI / 3.0, s, l)
}

/// The feature head (see the module docs) with shrinkage `lambda` and
/// `hidden` tanh units (0: linear).
pub(super) fn fit_feature_head(
    data: &RaterVotes,
    settings: &PersonalSettings,
    lambda: f64,
    hidden: usize,
) -> Fitted {
    let n = data.items.len();
    let d = data.feature_names.len();
    let r = data.raters.len();
    let x = standardise(&data.features, d);
    // Layout: [A (hidden × d), b (hidden)] then w̄ (m) then δ (r × m).
    let m = if hidden > 0 { hidden } else { d };
    let layer = if hidden > 0 { hidden * d + hidden } else { 0 };
    let (w0, delta0) = (layer, layer + m);
    let mut params = vec![0.0; delta0 + r * m];
    if hidden > 0 {
        params[..layer].copy_from_slice(&normal_start(layer, 0.5, settings.seed ^ 0xfe));
    }
    let represent = |p: &[f64], item: usize| -> Vec<f64> {
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
    };
    adam(&mut params, settings.adam, |p, g, need| {
        let h: Vec<Vec<f64>> = (0..n).map(|i| represent(p, i)).collect();
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
    let h: Vec<Vec<f64>> = (0..n).map(|i| represent(&params, i)).collect();
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

/// Dimensions of PAL's preference space.
pub const PAL_DIMS: usize = 2;

/// PAL ideal points with `k` prototypes.
pub(super) fn fit_ideal_points(data: &RaterVotes, settings: &PersonalSettings, k: usize) -> Fitted {
    let n = data.items.len();
    let d = data.feature_names.len();
    let r = data.raters.len();
    let q = PAL_DIMS;
    let x = standardise(&data.features, d);
    // Layout: item map (B: q × d, or E: n × q), prototypes P (k × q),
    // rater logits C (r × k).
    let map_len = if d > 0 { q * d } else { n * q };
    let (p0, c0) = (map_len, map_len + k * q);
    let mut params = normal_start(c0 + r * k, 0.5, settings.seed ^ 0x9a1);
    let position = |p: &[f64], item: usize| -> [f64; PAL_DIMS] {
        std::array::from_fn(|t| {
            if d > 0 {
                (0..d).map(|c| p[t * d + c] * x[item * d + c]).sum()
            } else {
                p[item * q + t]
            }
        })
    };
    let ideal = |p: &[f64], u: usize| -> (Vec<f64>, [f64; PAL_DIMS]) {
        let logits = &p[c0 + u * k..c0 + (u + 1) * k];
        let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let e: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = e.iter().sum();
        let s: Vec<f64> = e.iter().map(|v| v / total).collect();
        let a = std::array::from_fn(|t| (0..k).map(|j| s[j] * p[p0 + j * q + t]).sum());
        (s, a)
    };
    adam(&mut params, settings.adam, |p, g, need| {
        let pos: Vec<[f64; PAL_DIMS]> = (0..n).map(|i| position(p, i)).collect();
        let ideals: Vec<(Vec<f64>, [f64; PAL_DIMS])> = (0..r).map(|u| ideal(p, u)).collect();
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v: &PersonalVote, _| {
                let a = &ideals[v.rater as usize].1;
                let dist =
                    |f: &[f64; PAL_DIMS]| -> f64 { (0..q).map(|t| (f[t] - a[t]).powi(2)).sum() };
                dist(&pos[v.b as usize]) - dist(&pos[v.a as usize])
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
                        g[p0 + j * q + t] += s * shares[j] * dz_da[t];
                        along += (p[p0 + j * q + t] - a[t]) * dz_da[t];
                    }
                    g[c0 + u * k + j] += s * shares[j] * along;
                }
            },
        );
        loss + penalty(p, g, 0..p.len(), settings.l2, data.votes.len())
    });
    let pos: Vec<[f64; PAL_DIMS]> = (0..n).map(|i| position(&params, i)).collect();
    let mut scores = Vec::with_capacity(r * n);
    for u in 0..r {
        let a = ideal(&params, u).1;
        scores.extend(
            pos.iter()
                .map(|f| -(0..q).map(|t| (f[t] - a[t]).powi(2)).sum::<f64>()),
        );
    }
    Fitted::PerRater {
        scores,
        n_items: n,
        chosen: String::new(),
    }
}

/// The low-rank model on item features (see the module docs), rank `k`.
pub(super) fn fit_feature_low_rank(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
) -> Fitted {
    let n = data.items.len();
    let d = data.feature_names.len();
    let r = data.raters.len();
    let x = standardise(&data.features, d);
    // Layout: b̄ (d), V (d × k), W (r × k).
    let (v0, w0) = (d, d + d * k);
    let mut params = vec![0.0; w0 + r * k];
    params[v0..].copy_from_slice(&normal_start(d * k + r * k, 0.1, settings.seed ^ 0x10b));
    adam(&mut params, settings.adam, |p, g, need| {
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
