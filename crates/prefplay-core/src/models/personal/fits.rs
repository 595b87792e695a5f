//! The models' kinds, settings, objectives, CPU training loops (the
//! GPU kernels' twins) and predictions; choosing and fitting is in
//! `fitting.rs`.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

use super::PersonalMetrics;
use super::adam::{AdamSettings, adam};
use super::data::{PersonalVote, RaterVotes};
use crate::numerics::{log_sigmoid, sigmoid};

/// Which model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PersonalKind {
    /// Pooled Bradley–Terry.
    Bt,
    /// Per-rater BT shrunk to the population.
    Shrinkage,
    /// Population plus a rank-K rater basis.
    LowRank,
    /// K rater groups (EM).
    Mixture,
    /// Skew-symmetric preference embeddings (cycles).
    Gpm,
    /// A reward head on item features per rater (linear or on a shared
    /// tanh layer), shrunk to the population's.
    Features,
    /// PAL-style ideal points: each rater a convex mix of K prototypes in
    /// a 2-D preference space, items placed by their features.
    IdealPoints,
}

impl PersonalKind {
    /// Every model.
    pub const ALL: [PersonalKind; 7] = [
        PersonalKind::Bt,
        PersonalKind::Shrinkage,
        PersonalKind::LowRank,
        PersonalKind::Mixture,
        PersonalKind::Gpm,
        PersonalKind::Features,
        PersonalKind::IdealPoints,
    ];

    /// Whether the model needs item features.
    pub fn needs_features(self) -> bool {
        self == PersonalKind::Features
    }

    /// The CLI's name.
    pub fn name(self) -> &'static str {
        match self {
            PersonalKind::Bt => "bt",
            PersonalKind::Shrinkage => "personal-shrinkage",
            PersonalKind::LowRank => "personal-lowrank",
            PersonalKind::Mixture => "mixture",
            PersonalKind::Gpm => "gpm",
            PersonalKind::Features => "personal-features",
            PersonalKind::IdealPoints => "ideal-points",
        }
    }
}

/// Fitting settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PersonalSettings {
    /// The optimiser. Default 500 Adam steps of 0.05.
    pub adam: AdamSettings,
    /// Seeds the starting points, the inner split and EM's restarts.
    pub seed: u64,
    /// Share of each rater's training votes the inner split holds out to
    /// choose λ, K. Default 0.2.
    pub inner_holdout: f64,
    /// The population scores' prior strength λ₀ (on the summed
    /// cross-entropy). Default 0.1.
    pub l2: f64,
    /// Penalty on the low-rank basis and weights. Default 1.
    pub basis_l2: f64,
    /// GPM's embedding dimension (even). Default 4.
    pub gpm_dims: usize,
}

impl Default for PersonalSettings {
    fn default() -> Self {
        Self {
            adam: AdamSettings::default(),
            seed: 0,
            inner_holdout: 0.2,
            l2: 0.1,
            basis_l2: 1.0,
            gpm_dims: 4,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Fitted {
    /// One score per item.
    Pooled {
        /// Item scores.
        scores: Vec<f64>,
    },
    /// One score per (rater, item), rater-major.
    PerRater {
        /// R × N scores.
        scores: Vec<f64>,
        /// N.
        n_items: usize,
        /// What the inner split chose, e.g. "λ = 3" or "K = 2".
        chosen: String,
    },
    /// Rater groups.
    Mixture {
        /// K × N group scores.
        groups: Vec<Vec<f64>>,
        /// R × K posterior group probabilities.
        responsibilities: Vec<Vec<f64>>,
    },
    /// Population scores plus a rank-K rater basis.
    LowRank {
        /// θ̄, one per item.
        mean: Vec<f64>,
        /// V, N × K item-major.
        basis: Vec<f64>,
        /// W, R × K rater-major.
        weights: Vec<f64>,
        /// K.
        rank: usize,
    },
    /// Preference embeddings.
    Gpm {
        /// N × D, item-major.
        embeddings: Vec<f64>,
        /// D.
        dims: usize,
    },
}

impl Fitted {
    /// P(a ≻ b) for `rater`.
    pub fn prob(&self, rater: u32, a: u32, b: u32) -> f64 {
        let (a, b) = (a as usize, b as usize);
        match self {
            Fitted::Pooled { scores } => sigmoid(scores[a] - scores[b]),
            Fitted::PerRater {
                scores, n_items, ..
            } => {
                let base = rater as usize * n_items;
                sigmoid(scores[base + a] - scores[base + b])
            }
            Fitted::LowRank { .. } => {
                let score = |i: usize| self.rater_score(rater, i);
                sigmoid(score(a) - score(b))
            }
            Fitted::Mixture {
                groups,
                responsibilities,
            } => responsibilities[rater as usize]
                .iter()
                .zip(groups)
                .map(|(r, g)| r * sigmoid(g[a] - g[b]))
                .sum(),
            Fitted::Gpm { embeddings, dims } => sigmoid(gpm_logit(
                &embeddings[a * dims..(a + 1) * dims],
                &embeddings[b * dims..(b + 1) * dims],
            )),
        }
    }

    /// A low-rank model's score of `item` for `rater`: θ̄ + V w_u (NaN
    /// for other models).
    pub fn rater_score(&self, rater: u32, item: usize) -> f64 {
        match self {
            Fitted::LowRank {
                mean,
                basis,
                weights,
                rank,
            } => {
                let w = &weights[rater as usize * rank..(rater as usize + 1) * rank];
                let v = &basis[item * rank..(item + 1) * rank];
                mean[item] + v.iter().zip(w).map(|(x, y)| x * y).sum::<f64>()
            }
            _ => f64::NAN,
        }
    }

    /// What the fit chose inside the training data (λ, K), if anything.
    pub fn chosen(&self) -> Option<String> {
        match self {
            Fitted::PerRater { chosen, .. } => Some(chosen.clone()),
            Fitted::LowRank { rank, .. } => Some(format!("K = {rank}")),
            Fitted::Mixture { groups, .. } => Some(format!("K = {}", groups.len())),
            _ => None,
        }
    }

    /// Each rater's most likely group (mixtures), else `None`.
    pub fn groups_of_raters(&self) -> Option<Vec<usize>> {
        match self {
            Fitted::Mixture {
                responsibilities, ..
            } => Some(
                responsibilities
                    .iter()
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .max_by(|x, y| x.1.total_cmp(y.1))
                            .map_or(0, |(k, _)| k)
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// vᵀ R w with R block-diagonal [[0, 1], [−1, 0]].
fn gpm_logit(v: &[f64], w: &[f64]) -> f64 {
    v.chunks(2)
        .zip(w.chunks(2))
        .map(|(x, y)| x[0] * y[1] - x[1] * y[0])
        .sum()
}

/// −[y log σ(z) + (1 − y) log σ(−z)] and its derivative σ(z) − y.
fn cross_entropy(z: f64, y: f64) -> (f64, f64) {
    (
        -(y * log_sigmoid(z) + (1.0 - y) * log_sigmoid(-z)),
        sigmoid(z) - y,
    )
}

/// Held-out scores of `fitted` on `test`.
pub fn metrics(fitted: &Fitted, test: &RaterVotes) -> PersonalMetrics {
    let (mut ll, mut brier, mut right, mut decided) = (0.0, 0.0, 0.0, 0.0);
    for v in &test.votes {
        let p = fitted.prob(v.rater, v.a, v.b).clamp(1e-12, 1.0 - 1e-12);
        ll -= v.y * p.ln() + (1.0 - v.y) * (1.0 - p).ln();
        brier += (p - v.y) * (p - v.y);
        if v.y != 0.5 {
            decided += 1.0;
            if (p > 0.5) == (v.y == 1.0) {
                right += 1.0;
            }
        }
    }
    let n = test.votes.len().max(1) as f64;
    PersonalMetrics {
        log_loss: ll / n,
        accuracy: if decided > 0.0 {
            right / decided
        } else {
            f64::NAN
        },
        brier: brier / n,
        n_test: test.votes.len(),
    }
}

/// Hidden units of the feature head's tanh layer, when the inner split
/// prefers it to the linear head.
pub const FEATURE_HIDDEN: usize = 8;

pub(super) fn normal_start(n: usize, scale: f64, seed: u64) -> Vec<f64> {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let normal = Normal::new(0.0, scale).unwrap_or_else(|_| unreachable!("scale is positive"));
    (0..n).map(|_| normal.sample(&mut rng)).collect()
}

/// Sums the cross-entropy of every vote under `logit(vote, params)`,
/// spreading each vote's slope through `backprop(vote, slope, grad)`;
/// returns the mean over votes (and the gradient of the mean).
pub(super) fn data_term(
    votes: &[PersonalVote],
    params: &[f64],
    grad: &mut [f64],
    need_value: bool,
    logit: impl Fn(&PersonalVote, &[f64]) -> f64,
    backprop: impl Fn(&PersonalVote, f64, &[f64], &mut [f64]),
) -> f64 {
    let scale = 1.0 / votes.len().max(1) as f64;
    let mut total = 0.0;
    for v in votes {
        let z = logit(v, params);
        let slope = if need_value {
            let (loss, slope) = cross_entropy(z, v.y);
            total += loss;
            slope
        } else {
            sigmoid(z) - v.y
        };
        backprop(v, slope * scale, params, grad);
    }
    total * scale
}

/// Adds (λ/2n)‖params[range]‖² to the objective and its gradient.
pub(super) fn penalty(
    params: &[f64],
    grad: &mut [f64],
    range: std::ops::Range<usize>,
    lambda: f64,
    n_votes: usize,
) -> f64 {
    let scale = lambda / n_votes.max(1) as f64;
    let mut total = 0.0;
    for i in range {
        total += 0.5 * scale * params[i] * params[i];
        grad[i] += scale * params[i];
    }
    total
}

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

/// EM iterations of the mixture.
pub const EM_ITERATIONS: usize = 30;

/// Random restarts of the mixture (the best training likelihood wins).
pub(super) const EM_RESTARTS: u64 = 3;

/// A mixture after EM: the groups' scores, the raters' group posteriors
/// and the training log-likelihood (what picks the best restart).
#[derive(Debug, Clone, PartialEq)]
pub struct MixtureState {
    /// K × N group scores.
    pub groups: Vec<Vec<f64>>,
    /// R × K posterior group probabilities.
    pub responsibilities: Vec<Vec<f64>>,
    /// Σ_u log Σ_j π_j Π_v p_j(v): the raters' marginal log-likelihood
    /// under the mixing weights of the last E step.
    pub log_likelihood: f64,
}

/// EM's seeded start for restart `restart`: every rater assigned to one
/// of `k` groups at random (hard responsibilities, R × K).
pub fn mixture_start(
    data: &RaterVotes,
    settings: &PersonalSettings,
    k: usize,
    restart: u64,
) -> Vec<Vec<f64>> {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(settings.seed ^ (0xe0 + restart));
    (0..data.raters.len())
        .map(|_| {
            let g = rng.random_range(0..k.max(1));
            (0..k).map(|j| if j == g { 1.0 } else { 0.0 }).collect()
        })
        .collect()
}

/// `iterations` rounds of EM ([`EM_ITERATIONS`] in fits) from the
/// responsibilities `resp` (R × K), group scores starting at 0 (the CPU twin of `prefplay-gpu`'s
/// mixture kernels). Each M step is [`mixture_m_steps`] Adam steps from
/// fresh Adam state on each group's responsibility-weighted mean
/// cross-entropy plus (λ₀/2W_j)‖θ_j‖², W_j = Σ_votes resp; each E step
/// sets resp_uj ∝ π_j Π_v p_j(v) with π_j = (Σ_u resp_uj + 1) / (R + K).
pub fn train_mixture(
    data: &RaterVotes,
    settings: &PersonalSettings,
    mut resp: Vec<Vec<f64>>,
    iterations: usize,
) -> MixtureState {
    let (n, r) = (data.items.len(), data.raters.len());
    let k = resp.first().map_or(1, Vec::len);
    let by_rater = data.by_rater();
    let m_step = AdamSettings {
        steps: mixture_m_steps(settings),
        ..settings.adam
    };
    let mut groups = vec![vec![0.0; n]; k];
    let mut log_lik = f64::NEG_INFINITY;
    for _ in 0..iterations {
        // M step: each group's BT scores on responsibility-weighted votes.
        for (j, theta) in groups.iter_mut().enumerate() {
            let weight: f64 = data.votes.iter().map(|v| resp[v.rater as usize][j]).sum();
            let scale = 1.0 / weight.max(1e-9);
            adam(theta, m_step, |p, g, _| {
                let mut total = 0.0;
                for v in &data.votes {
                    let w = resp[v.rater as usize][j];
                    let (loss, slope) = cross_entropy(p[v.a as usize] - p[v.b as usize], v.y);
                    total += w * loss * scale;
                    g[v.a as usize] += w * slope * scale;
                    g[v.b as usize] -= w * slope * scale;
                }
                let l2 = settings.l2 * scale;
                for i in 0..n {
                    total += 0.5 * l2 * p[i] * p[i];
                    g[i] += l2 * p[i];
                }
                total
            });
        }
        // E step: each rater's group posterior.
        let mixing: Vec<f64> = (0..k)
            .map(|j| (resp.iter().map(|x| x[j]).sum::<f64>() + 1.0) / (r as f64 + k as f64))
            .collect();
        log_lik = 0.0;
        for (u, mine) in by_rater.iter().enumerate() {
            let logs: Vec<f64> = (0..k)
                .map(|j| {
                    mixing[j].ln()
                        - mine
                            .iter()
                            .map(|&i| {
                                let v = &data.votes[i];
                                cross_entropy(
                                    groups[j][v.a as usize] - groups[j][v.b as usize],
                                    v.y,
                                )
                                .0
                            })
                            .sum::<f64>()
                })
                .collect();
            let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = logs.iter().map(|l| (l - top).exp()).sum();
            log_lik += top + total.ln();
            resp[u] = logs.iter().map(|l| (l - top).exp() / total).collect();
        }
    }
    MixtureState {
        groups,
        responsibilities: resp,
        log_likelihood: log_lik,
    }
}

/// Adam steps per M step: a tenth of `settings.adam.steps`, at least 20.
pub fn mixture_m_steps(settings: &PersonalSettings) -> usize {
    (settings.adam.steps / 10).max(20)
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
