//! The models' kinds, settings, objectives, CPU training loops (the
//! GPU kernels' twins) and predictions; choosing and fitting is in
//! `fitting.rs`.

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use super::PersonalMetrics;
use super::data::{PersonalVote, RaterVotes};
use crate::models::adam::AdamSettings;
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
            Fitted::Mixture { groups, .. } => {
                // Groups no voter belongs to are fitted but hold nobody.
                let mut used = self.groups_of_raters().unwrap_or_default();
                used.sort_unstable();
                used.dedup();
                Some(if used.len() == groups.len() {
                    format!("K = {}", groups.len())
                } else {
                    format!("K = {} ({} with voters)", groups.len(), used.len())
                })
            }
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
pub(super) fn gpm_logit(v: &[f64], w: &[f64]) -> f64 {
    v.chunks(2)
        .zip(w.chunks(2))
        .map(|(x, y)| x[0] * y[1] - x[1] * y[0])
        .sum()
}

/// −[y log σ(z) + (1 − y) log σ(−z)] and its derivative σ(z) − y.
pub(super) fn cross_entropy(z: f64, y: f64) -> (f64, f64) {
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
