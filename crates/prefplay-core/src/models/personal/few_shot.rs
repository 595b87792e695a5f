//! Few-shot adaptation: a new rater answers k pairs and gets a personal
//! model at once, with the population's basis V frozen (LoRe's new-user
//! step) and only their K weights w fitted.
//!
//! The weights have the Gaussian prior N(0, σ²I), σ² the trained raters'
//! mean squared weight (empirical Bayes). After each answer the posterior
//! is Laplace-approximated (Newton on w, K ≤ a few). The next pair is the
//! one with the largest expected information gain about w (Houlsby et al.
//! 2011, BALD): H(E p) − E H(p) over the posterior of the pair's logit
//! z = θ̄_a − θ̄_b + (V_a − V_b)ᵀw ~ N(m, s²), the expectations by
//! 8-point Gauss–Hermite quadrature.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng};

use super::fits::Fitted;
use crate::numerics::sigmoid;

/// Gauss–Hermite nodes and weights (physicists', 8 points) for
/// ∫ e^(−x²) f(x) dx.
const GH_NODES: [f64; 8] = [
    -2.930_637_420_257_244,
    -1.981_656_756_695_843,
    -1.157_193_712_446_78,
    -0.381_186_990_207_322,
    0.381_186_990_207_322,
    1.157_193_712_446_78,
    1.981_656_756_695_843,
    2.930_637_420_257_244,
];
const GH_WEIGHTS: [f64; 8] = [
    1.996_040_722_113_6e-4,
    1.707_798_300_741_35e-2,
    2.078_023_258_148_92e-1,
    6.611_470_125_582_41e-1,
    6.611_470_125_582_41e-1,
    2.078_023_258_148_92e-1,
    1.707_798_300_741_35e-2,
    1.996_040_722_113_6e-4,
];

/// Entropy of a Bernoulli(p) in nats.
fn entropy(p: f64) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    -(p * p.ln() + (1.0 - p) * (1.0 - p).ln())
}

/// How the next pair is picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairChoice {
    /// Largest expected information gain.
    Information,
    /// Uniformly at random (the baseline).
    Random,
}

/// A new rater's model, updated answer by answer.
#[derive(Debug, Clone)]
pub struct FewShot {
    mean: Vec<f64>,
    basis: Vec<f64>,
    rank: usize,
    prior_precision: f64,
    answers: Vec<(u32, u32, f64)>,
    /// Posterior mean of w.
    pub weights: Vec<f64>,
    covariance: DMatrix<f64>,
}

impl FewShot {
    /// Starts from a low-rank fit (`None` for other models).
    pub fn new(fitted: &Fitted) -> Option<Self> {
        let Fitted::LowRank {
            mean,
            basis,
            weights,
            rank,
        } = fitted
        else {
            return None;
        };
        let variance =
            (weights.iter().map(|w| w * w).sum::<f64>() / weights.len().max(1) as f64).max(1e-3);
        Some(Self {
            mean: mean.clone(),
            basis: basis.clone(),
            rank: *rank,
            prior_precision: 1.0 / variance,
            answers: Vec::new(),
            weights: vec![0.0; *rank],
            covariance: DMatrix::identity(*rank, *rank) * variance,
        })
    }

    fn direction(&self, a: u32, b: u32) -> (f64, DVector<f64>) {
        let (a, b, k) = (a as usize, b as usize, self.rank);
        let d = DVector::from_fn(k, |j, _| self.basis[a * k + j] - self.basis[b * k + j]);
        (self.mean[a] - self.mean[b], d)
    }

    /// This rater's score of every item.
    pub fn scores(&self) -> Vec<f64> {
        let k = self.rank;
        (0..self.mean.len())
            .map(|i| {
                self.mean[i]
                    + (0..k)
                        .map(|j| self.basis[i * k + j] * self.weights[j])
                        .sum::<f64>()
            })
            .collect()
    }

    /// Expected information gain of asking (a, b).
    pub fn information(&self, a: u32, b: u32) -> f64 {
        let (c, d) = self.direction(a, b);
        let m = c + d.dot(&DVector::from_column_slice(&self.weights));
        let s = (d.transpose() * &self.covariance * &d)[(0, 0)]
            .max(0.0)
            .sqrt();
        let (mut mean_p, mut mean_h) = (0.0, 0.0);
        for (x, w) in GH_NODES.iter().zip(GH_WEIGHTS) {
            let p = sigmoid(m + std::f64::consts::SQRT_2 * s * x);
            mean_p += w * p;
            mean_h += w * entropy(p);
        }
        let norm = std::f64::consts::PI.sqrt();
        entropy(mean_p / norm) - mean_h / norm
    }

    /// The next pair to ask: `choice`'s pick among all pairs not asked yet.
    pub fn next_pair(&self, choice: PairChoice, rng: &mut impl Rng) -> (u32, u32) {
        let n = self.mean.len() as u32;
        let asked = |a: u32, b: u32| {
            self.answers
                .iter()
                .any(|&(x, y, _)| (x, y) == (a, b) || (x, y) == (b, a))
        };
        let pairs: Vec<(u32, u32)> = (0..n)
            .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
            .filter(|&(a, b)| !asked(a, b))
            .collect();
        if pairs.is_empty() {
            return (0, 1.min(n.saturating_sub(1)));
        }
        match choice {
            PairChoice::Random => pairs[rng.random_range(0..pairs.len())],
            PairChoice::Information => pairs
                .iter()
                .copied()
                .max_by(|&(a, b), &(c, d)| {
                    self.information(a, b).total_cmp(&self.information(c, d))
                })
                .unwrap_or(pairs[0]),
        }
    }

    /// Records an answer (y = 1: a preferred, 0: b, ½: tie) and updates
    /// the posterior: Newton steps on the log posterior of w, then its
    /// covariance from the Hessian there.
    pub fn answer(&mut self, a: u32, b: u32, y: f64) {
        self.answers.push((a, b, y));
        let k = self.rank;
        let mut w = DVector::from_column_slice(&self.weights);
        let mut precision = DMatrix::identity(k, k) * self.prior_precision;
        for _ in 0..20 {
            let mut grad = -&w * self.prior_precision;
            precision = DMatrix::identity(k, k) * self.prior_precision;
            for &(a, b, y) in &self.answers {
                let (c, d) = self.direction(a, b);
                let p = sigmoid(c + d.dot(&w));
                grad += &d * (y - p);
                precision += &d * d.transpose() * (p * (1.0 - p));
            }
            let Some(chol) = precision.clone().cholesky() else {
                break;
            };
            let step = chol.solve(&grad);
            w += &step;
            if step.norm() < 1e-9 {
                break;
            }
        }
        if let Some(chol) = precision.cholesky() {
            self.covariance = chol.inverse();
        }
        self.weights = w.as_slice().to_vec();
    }
}

/// Mean accuracy, over `raters` new raters, of the few-shot model after
/// 0, 1, …, `max_k` answers: each new rater has utilities `utility(r)`,
/// answers the pairs `choice` picks by a Bradley–Terry draw, and is scored
/// on every pair of items whose utilities differ (was the preferred one
/// ranked higher?).
pub fn accuracy_by_answers(
    fitted: &Fitted,
    raters: usize,
    max_k: usize,
    choice: PairChoice,
    seed: u64,
    utility: impl Fn(usize) -> Vec<f64>,
) -> Option<Vec<f64>> {
    let start = FewShot::new(fitted)?;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut out = vec![0.0; max_k + 1];
    for r in 0..raters {
        let truth = utility(r);
        let mut model = start.clone();
        for (k, slot) in out.iter_mut().enumerate() {
            if k > 0 {
                let (a, b) = model.next_pair(choice, &mut rng);
                let p = sigmoid(truth[a as usize] - truth[b as usize]);
                let y = f64::from(u8::from(rng.random::<f64>() < p));
                model.answer(a, b, y);
            }
            *slot += pair_accuracy(&model.scores(), &truth) / raters as f64;
        }
    }
    Some(out)
}

/// Share of item pairs ordered as `truth` orders them.
fn pair_accuracy(scores: &[f64], truth: &[f64]) -> f64 {
    let (mut right, mut total) = (0.0, 0.0);
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            if truth[i] != truth[j] {
                total += 1.0;
                if (scores[i] - scores[j]) * (truth[i] - truth[j]) > 0.0 {
                    right += 1.0;
                }
            }
        }
    }
    if total > 0.0 { right / total } else { 1.0 }
}
