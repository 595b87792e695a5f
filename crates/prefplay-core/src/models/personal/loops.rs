//! The CPU training loops of the shrinkage, low-rank and GPM models (the
//! twins of `prefplay-gpu`'s training kernels) and their starting points.

use super::data::{PersonalVote, RaterVotes};
use super::fits::{Fitted, PersonalSettings, data_term, gpm_logit, normal_start, penalty};
use crate::models::adam::adam;

/// `settings.adam.steps` Adam steps of the shrinkage model with strength
/// `lambda` from `params` = [θ̄ (N) | δ (R × N)] (the CPU twin of
/// `prefplay-gpu`'s shrinkage training kernels; fits start from zeros).
pub fn train_shrinkage(
    data: &RaterVotes,
    settings: &PersonalSettings,
    lambda: f64,
    mut params: Vec<f64>,
) -> Vec<f64> {
    let n = data.items.len();
    let at = |rater: u32, item: u32| n + rater as usize * n + item as usize;
    adam(&mut params, settings.adam, |p, g, need| {
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v, p| p[v.a as usize] + p[at(v.rater, v.a)] - p[v.b as usize] - p[at(v.rater, v.b)],
            |v, s, _, g| {
                g[v.a as usize] += s;
                g[at(v.rater, v.a)] += s;
                g[v.b as usize] -= s;
                g[at(v.rater, v.b)] -= s;
            },
        );
        loss + penalty(p, g, 0..n, settings.l2, data.votes.len())
            + penalty(p, g, n..p.len(), lambda, data.votes.len())
    });
    params
}

/// The low-rank model's starting parameters [θ̄ (N) | V (N × K) | W (R ×
/// K)]: θ̄ = 0, V and W N(0, 0.1²) from `settings.seed`.
pub fn low_rank_start(data: &RaterVotes, settings: &PersonalSettings, k: usize) -> Vec<f64> {
    let (n, r) = (data.items.len(), data.raters.len());
    let mut params = vec![0.0; n + n * k + r * k];
    let start = normal_start(n * k + r * k, 0.1, settings.seed ^ 0x10a);
    params[n..].copy_from_slice(&start);
    params
}

/// The fitted model of low-rank parameters laid out as [`low_rank_start`]'s.
pub fn low_rank_from_params(n: usize, k: usize, params: &[f64]) -> Fitted {
    Fitted::LowRank {
        mean: params[..n].to_vec(),
        basis: params[n..n + n * k].to_vec(),
        weights: params[n + n * k..].to_vec(),
        rank: k,
    }
}

/// `settings.adam.steps` Adam steps of the rank-`k` model from `params`
/// (the CPU twin of `prefplay-gpu`'s low-rank training kernels).
pub fn train_low_rank(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
    mut params: Vec<f64>,
) -> Vec<f64> {
    let n = data.items.len();
    let v0 = n;
    let w0 = n + n * k;
    let logit = move |v: &PersonalVote, p: &[f64]| -> f64 {
        let (a, b, u) = (v.a as usize, v.b as usize, v.rater as usize);
        let va = &p[v0 + a * k..v0 + a * k + k];
        let vb = &p[v0 + b * k..v0 + b * k + k];
        let wu = &p[w0 + u * k..w0 + u * k + k];
        p[a] - p[b]
            + va.iter()
                .zip(vb)
                .zip(wu)
                .map(|((x, y), w)| (x - y) * w)
                .sum::<f64>()
    };
    adam(&mut params, settings.adam, |p, g, need| {
        let loss = data_term(&data.votes, p, g, need, logit, |v, s, p, g| {
            let (a, b, u) = (v.a as usize, v.b as usize, v.rater as usize);
            g[a] += s;
            g[b] -= s;
            for j in 0..k {
                let w = p[w0 + u * k + j];
                g[v0 + a * k + j] += s * w;
                g[v0 + b * k + j] -= s * w;
                g[w0 + u * k + j] += s * (p[v0 + a * k + j] - p[v0 + b * k + j]);
            }
        });
        loss + penalty(p, g, 0..n, settings.l2, data.votes.len())
            + penalty(p, g, n..p.len(), settings.basis_l2, data.votes.len())
    });
    params
}

/// GPM's starting embeddings (N × D, N(0, 0.5²) from `settings.seed`).
pub fn gpm_start(data: &RaterVotes, settings: &PersonalSettings) -> Vec<f64> {
    normal_start(
        data.items.len() * settings.gpm_dims,
        0.5,
        settings.seed ^ 0x6e3,
    )
}

/// `settings.adam.steps` Adam steps of GPM from `params` (the CPU twin of
/// `prefplay-gpu`'s GPM training kernels).
pub fn train_gpm(data: &RaterVotes, settings: &PersonalSettings, mut params: Vec<f64>) -> Vec<f64> {
    let (n, d) = (data.items.len(), settings.gpm_dims);
    adam(&mut params, settings.adam, |p, g, need| {
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v, p| {
                let (a, b) = (v.a as usize * d, v.b as usize * d);
                gpm_logit(&p[a..a + d], &p[b..b + d])
            },
            |v, s, p, g| {
                let (a, b) = (v.a as usize * d, v.b as usize * d);
                for j in (0..d).step_by(2) {
                    // z += v_a,j · v_b,j+1 − v_a,j+1 · v_b,j
                    g[a + j] += s * p[b + j + 1];
                    g[a + j + 1] -= s * p[b + j];
                    g[b + j + 1] += s * p[a + j];
                    g[b + j] -= s * p[a + j + 1];
                }
            },
        );
        loss + penalty(p, g, 0..n * d, settings.l2, data.votes.len())
    });
    params
}
