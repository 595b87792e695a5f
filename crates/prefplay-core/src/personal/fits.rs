//! The models' objectives, fits and predictions.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

use super::adam::{AdamSettings, adam};
use super::data::{PersonalVote, RaterVotes, split_within_raters};
use super::features::{fit_feature_head, fit_ideal_points};
use super::{MAX_GROUPS, MAX_RANK, PersonalMetrics, SHRINKAGE_GRID};
use crate::numerics::{log_sigmoid, sigmoid};
use crate::{Error, Result};

/// Which model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
#[derive(Debug, Clone, PartialEq)]
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

/// Fits `kind` on `data`.
pub fn fit(kind: PersonalKind, data: &RaterVotes, settings: &PersonalSettings) -> Result<Fitted> {
    if data.items.len() < 2 {
        return Err(Error::InvalidParameter {
            name: "items",
            value: data.items.len().to_string(),
            reason: "needs at least two items",
        });
    }
    if settings.gpm_dims == 0 || settings.gpm_dims % 2 == 1 {
        return Err(Error::InvalidParameter {
            name: "gpm_dims",
            value: settings.gpm_dims.to_string(),
            reason: "must be even and > 0",
        });
    }
    match kind {
        PersonalKind::Bt => Ok(fit_pooled(data, settings)),
        PersonalKind::Gpm => Ok(fit_gpm(data, settings)),
        PersonalKind::Shrinkage => {
            let lambda = choose(data, settings, &SHRINKAGE_GRID, |d, &l, s| {
                fit_shrinkage(d, s, l)
            })?;
            let mut fitted = fit_shrinkage(data, settings, lambda);
            set_chosen(&mut fitted, format!("λ = {lambda}"));
            Ok(fitted)
        }
        PersonalKind::LowRank => {
            let ranks: Vec<usize> = (1..=MAX_RANK).collect();
            let k = choose(data, settings, &ranks, |d, &k, s| fit_low_rank(d, s, k))?;
            Ok(fit_low_rank(data, settings, k))
        }
        PersonalKind::Features => {
            if data.feature_names.is_empty() {
                return Err(Error::InvalidParameter {
                    name: "model",
                    value: kind.name().to_string(),
                    reason: "needs item features (a deck with f_ columns, or colours)",
                });
            }
            let grid = [
                (1.0, 0),
                (10.0, 0),
                (1.0, FEATURE_HIDDEN),
                (10.0, FEATURE_HIDDEN),
            ];
            let (lambda, hidden) = choose(data, settings, &grid, |d, &(l, h), s| {
                fit_feature_head(d, s, l, h)
            })?;
            let mut fitted = fit_feature_head(data, settings, lambda, hidden);
            let head = if hidden > 0 {
                format!("tanh layer of {hidden}")
            } else {
                "linear".to_string()
            };
            set_chosen(&mut fitted, format!("λ = {lambda}, {head}"));
            Ok(fitted)
        }
        PersonalKind::IdealPoints => {
            let sizes: Vec<usize> = (1..=MAX_GROUPS - 1).collect();
            let k = choose(data, settings, &sizes, |d, &k, s| fit_ideal_points(d, s, k))?;
            let mut fitted = fit_ideal_points(data, settings, k);
            set_chosen(&mut fitted, format!("K = {k} prototypes"));
            Ok(fitted)
        }
        PersonalKind::Mixture => {
            let sizes: Vec<usize> = (1..=MAX_GROUPS).collect();
            let k = choose(data, settings, &sizes, |d, &k, s| fit_mixture(d, s, k))?;
            Ok(fit_mixture(data, settings, k))
        }
    }
}

fn set_chosen(fitted: &mut Fitted, text: String) {
    if let Fitted::PerRater { chosen, .. } = fitted {
        *chosen = text;
    }
}

/// The candidate whose fit on an inner split of `data` (a share of each
/// rater's votes held out), with half the Adam steps, has the lowest
/// held-out log-loss; ties go to the first (simplest) candidate.
fn choose<T: Copy>(
    data: &RaterVotes,
    settings: &PersonalSettings,
    candidates: &[T],
    fit_one: impl Fn(&RaterVotes, &T, &PersonalSettings) -> Fitted,
) -> Result<T> {
    let (inner_train, inner_test) =
        split_within_raters(data, settings.inner_holdout, settings.seed ^ 0x1a2b)?;
    // Choosing needs the candidates' order, not their last digits: half
    // the steps.
    let quick = PersonalSettings {
        adam: AdamSettings {
            steps: (settings.adam.steps / 2).max(1),
            ..settings.adam
        },
        ..*settings
    };
    let mut best = (f64::INFINITY, candidates[0]);
    for c in candidates {
        let loss = metrics(&fit_one(&inner_train, c, &quick), &inner_test).log_loss;
        if loss < best.0 - 1e-9 {
            best = (loss, *c);
        }
    }
    Ok(best.1)
}

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

fn fit_pooled(data: &RaterVotes, settings: &PersonalSettings) -> Fitted {
    let n = data.items.len();
    let mut theta = vec![0.0; n];
    adam(&mut theta, settings.adam, |p, g, need| {
        let loss = data_term(
            &data.votes,
            p,
            g,
            need,
            |v, p| p[v.a as usize] - p[v.b as usize],
            |v, s, _, g| {
                g[v.a as usize] += s;
                g[v.b as usize] -= s;
            },
        );
        loss + penalty(p, g, 0..n, settings.l2, data.votes.len())
    });
    Fitted::Pooled { scores: theta }
}

fn fit_shrinkage(data: &RaterVotes, settings: &PersonalSettings, lambda: f64) -> Fitted {
    let (n, r) = (data.items.len(), data.raters.len());
    let params = train_shrinkage(data, settings, lambda, vec![0.0; n * (r + 1)]);
    let scores = (0..r * n).map(|k| params[k % n] + params[n + k]).collect();
    Fitted::PerRater {
        scores,
        n_items: n,
        chosen: String::new(),
    }
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

fn fit_low_rank(data: &RaterVotes, settings: &PersonalSettings, k: usize) -> Fitted {
    if !data.feature_names.is_empty() {
        return super::features::fit_feature_low_rank(data, settings, k);
    }
    let params = train_low_rank(data, settings, k, low_rank_start(data, settings, k));
    low_rank_from_params(data.items.len(), k, &params)
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
const EM_ITERATIONS: usize = 30;

/// Random restarts of the mixture (the best training likelihood wins).
const EM_RESTARTS: u64 = 3;

fn fit_mixture(data: &RaterVotes, settings: &PersonalSettings, k: usize) -> Fitted {
    let (n, r) = (data.items.len(), data.raters.len());
    let by_rater = data.by_rater();
    let m_step = AdamSettings {
        steps: (settings.adam.steps / 10).max(20),
        ..settings.adam
    };
    let mut best: Option<(f64, Fitted)> = None;
    for restart in 0..EM_RESTARTS {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(settings.seed ^ (0xe0 + restart));
        // Hard random assignments to start.
        let mut resp: Vec<Vec<f64>> = (0..r)
            .map(|_| {
                let g = rng.random_range(0..k);
                (0..k).map(|j| if j == g { 1.0 } else { 0.0 }).collect()
            })
            .collect();
        let mut groups = vec![vec![0.0; n]; k];
        let mut log_lik = f64::NEG_INFINITY;
        for _ in 0..EM_ITERATIONS {
            // M step: each group's BT scores on responsibility-weighted votes.
            for (j, theta) in groups.iter_mut().enumerate() {
                let weight: f64 = data.votes.iter().map(|v| resp[v.rater as usize][j]).sum();
                adam(theta, m_step, |p, g, _| {
                    let scale = 1.0 / weight.max(1e-9);
                    let mut total = 0.0;
                    for v in &data.votes {
                        let w = resp[v.rater as usize][j];
                        if w < 1e-12 {
                            continue;
                        }
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
        let fitted = Fitted::Mixture {
            groups: groups.clone(),
            responsibilities: resp,
        };
        if best.as_ref().is_none_or(|(b, _)| log_lik > *b) {
            best = Some((log_lik, fitted));
        }
    }
    best.map_or(
        Fitted::Pooled {
            scores: vec![0.0; n],
        },
        |(_, f)| f,
    )
}

fn fit_gpm(data: &RaterVotes, settings: &PersonalSettings) -> Fitted {
    Fitted::Gpm {
        embeddings: train_gpm(data, settings, gpm_start(data, settings)),
        dims: settings.gpm_dims,
    }
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
