//! Choosing the next pair to show.
//!
//! [`least_compared_pair`] keeps exposure even: among all unordered pairs,
//! take one that has been shown the fewest times, breaking ties uniformly
//! at random (reservoir sampling), then pick which item goes left by a fair
//! coin. [`choose_pair`] adds the active strategies of [`Strategy`], which
//! use the current scores and standard errors.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::models::pairwise::Link;
use crate::numerics::{inverse_mills, sigmoid};

/// A pair selection strategy.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Strategy {
    /// Any pair, uniformly.
    Random,
    /// The least-shown pair (see [`least_compared_pair`]).
    Balanced,
    /// The pair whose predicted outcome is closest to a coin flip
    /// (smallest |sᵢ − sⱼ|; uncertainty sampling).
    MostUncertain,
    /// The largest expected information about the score difference:
    /// ½·ln(1 + p(1 − p)·v), the entropy drop of a Gaussian belief after
    /// one Bradley–Terry comparison (Laplace approximation), with
    /// v = 1/(1/(seᵢ² + seⱼ²) + nᵢⱼ·p(1 − p)) the difference's variance
    /// bounded by the pair's own nᵢⱼ comparisons (the marginal errors
    /// alone miss their covariance).
    InformationGain,
    /// Thompson sampling for the top `k`: draw scores from N(s, se²) and
    /// compare the k-th and (k + 1)-th of the draw.
    Thompson {
        /// Size of the top set, ≥ 1.
        k: usize,
    },
    /// LUCB for the top `k` (Kalyanakrishnan et al., ICML 2012): the
    /// current top-k item with the lowest lower bound against the outside
    /// item with the highest upper bound, bounds s ± `width`·se.
    Ucb {
        /// Size of the top set, ≥ 1.
        k: usize,
        /// Bound width in standard errors, e.g. 1.96.
        width: f64,
    },
}

/// What the active strategies know: one score and standard error per
/// item, and the model's own win probability.
#[derive(Debug, Clone, Copy)]
pub struct Belief<'a> {
    /// Current scores, on `link`'s scale.
    pub scores: &'a [f64],
    /// Their standard errors.
    pub standard_errors: &'a [f64],
    /// P(i beats j) = F(sᵢ − sⱼ): logistic (Bradley–Terry) or normal CDF
    /// (Thurstone).
    pub link: Link,
}

impl Belief<'_> {
    /// The model's P(i beats j).
    pub fn win_probability(&self, i: usize, j: usize) -> f64 {
        let d = self.scores[i] - self.scores[j];
        match self.link {
            Link::Logit => sigmoid(d),
            Link::Probit => 0.5 * libm::erfc(-d / std::f64::consts::SQRT_2),
        }
    }

    /// The Fisher information about sᵢ − sⱼ in one comparison of i and j:
    /// p(1 − p) for the logit link; φ(d)²/(Φ(d)Φ(−d)) for the probit link
    /// (the binary probit's information, e.g. McCullagh & Nelder,
    /// *Generalized Linear Models*, 2nd ed., §4.3), written as the product
    /// of the two inverse Mills ratios, finite in both tails.
    pub fn information(&self, i: usize, j: usize) -> f64 {
        let d = self.scores[i] - self.scores[j];
        match self.link {
            Link::Logit => {
                let p = sigmoid(d);
                p * (1.0 - p)
            }
            // φ(d)/Φ(d) · φ(d)/Φ(−d).
            Link::Probit => inverse_mills(d) * inverse_mills(-d),
        }
    }

    /// The expected information gain of comparing i and j, in nats:
    /// ½·ln(1 + I·v), with I = [`Self::information`] and v the variance
    /// of sᵢ − sⱼ bounded by the pair's own `n_direct` comparisons (see
    /// [`Strategy::InformationGain`]).
    pub fn information_gain(&self, i: usize, j: usize, n_direct: u32) -> f64 {
        let info = self.information(i, j);
        let se = self.standard_errors;
        // Var(sᵢ − sⱼ) from the marginal errors alone ignores their
        // covariance, which is large for a pair compared often with each
        // other: the pair's own nᵢⱼ comparisons pin its difference to
        // within 1/(nᵢⱼ·I) even while both items float against the rest.
        // Without that bound the strategy asks one close pair forever.
        let marginal = se[i] * se[i] + se[j] * se[j];
        let direct = f64::from(n_direct) * info;
        let var_diff = 1.0 / (1.0 / marginal.max(1e-12) + direct);
        0.5 * (info * var_diff).ln_1p()
    }
}

/// The next pair as (left, right) under `strategy`, or `None` with fewer
/// than two items. Ties are broken at random; the left side is a fair coin.
pub fn choose_pair<R: Rng + ?Sized>(
    strategy: Strategy,
    belief: Belief<'_>,
    exposures: &PairExposures,
    rng: &mut R,
) -> Option<(usize, usize)> {
    let n = exposures
        .n_items
        .min(belief.scores.len())
        .min(belief.standard_errors.len());
    if n < 2 {
        return None;
    }
    let (s, se) = (belief.scores, belief.standard_errors);
    // A pair to avoid ranks below every other (it stays possible when it
    // is the only one left).
    let unless_avoided = |i: usize, j: usize, v: f64| {
        if exposures.avoided(i, j) {
            f64::NEG_INFINITY
        } else {
            v
        }
    };
    let pair = match strategy {
        Strategy::Random => {
            let a = rng.random_range(0..n);
            let b = (a + rng.random_range(1..n)) % n;
            Some((a, b))
        }
        Strategy::Balanced => best_pair(n, rng, |i, j| {
            unless_avoided(i, j, -f64::from(exposures.count(i, j)))
        }),
        Strategy::MostUncertain => {
            best_pair(n, rng, |i, j| unless_avoided(i, j, -(s[i] - s[j]).abs()))
        }
        Strategy::InformationGain => best_pair(n, rng, |i, j| {
            unless_avoided(i, j, belief.information_gain(i, j, exposures.count(i, j)))
        }),
        Strategy::Thompson { k } => {
            let draw: Vec<f64> = (0..n)
                .map(|i| {
                    let z: f64 = StandardNormal.sample(&mut *rng);
                    s[i] + se[i] * z
                })
                .collect();
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| draw[b].total_cmp(&draw[a]));
            let k = k.clamp(1, n - 1);
            Some((order[k - 1], order[k]))
        }
        Strategy::Ucb { k, width } => {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
            let k = k.clamp(1, n - 1);
            let (top, rest) = order.split_at(k);
            let weakest = top
                .iter()
                .copied()
                .min_by(|&a, &b| (s[a] - width * se[a]).total_cmp(&(s[b] - width * se[b])));
            let strongest = rest
                .iter()
                .copied()
                .max_by(|&a, &b| (s[a] + width * se[a]).total_cmp(&(s[b] + width * se[b])));
            weakest.zip(strongest)
        }
    };
    // Random draws, Thompson and UCB may land on a pair to avoid: the
    // most informative other pair instead.
    let pair = match pair {
        Some((i, j)) if exposures.avoided(i, j) => best_pair(n, rng, |i, j| {
            unless_avoided(i, j, belief.information_gain(i, j, exposures.count(i, j)))
        }),
        other => other,
    };
    pair.map(|(i, j)| if rng.random_bool(0.5) { (i, j) } else { (j, i) })
}

/// The unordered pair with the highest `value`, ties broken uniformly.
fn best_pair<R: Rng + ?Sized>(
    n: usize,
    rng: &mut R,
    value: impl Fn(usize, usize) -> f64,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let (mut best_value, mut n_tied) = (f64::NEG_INFINITY, 0u32);
    for i in 0..n {
        for j in i + 1..n {
            let v = value(i, j);
            if v > best_value || best.is_none() {
                (best, best_value, n_tied) = (Some((i, j)), v, 1);
            } else if v == best_value {
                n_tied += 1;
                if rng.random_range(0..n_tied) == 0 {
                    best = Some((i, j));
                }
            }
        }
    }
    best
}

/// How often each unordered pair has been shown, dense upper triangle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairExposures {
    n_items: usize,
    counts: Vec<u32>,
    /// Pairs shown in the last few tasks ([`Self::avoid`]).
    avoided: Vec<usize>,
}

impl PairExposures {
    /// All-zero counts for `n_items` items.
    pub fn new(n_items: usize) -> Self {
        Self {
            n_items,
            counts: vec![0; n_items * n_items.saturating_sub(1) / 2],
            avoided: Vec::new(),
        }
    }

    /// Asks [`choose_pair`] not to pick the pair (either order) while any
    /// other pair is left: one just shown, so a voter never sees the same
    /// pair twice running and thinks the vote was lost.
    pub fn avoid(&mut self, a: usize, b: usize) {
        if let Some(s) = self.slot(a, b) {
            self.avoided.push(s);
        }
    }

    /// Whether the pair is to be avoided (and another pair exists).
    pub fn avoided(&self, a: usize, b: usize) -> bool {
        self.counts.len() > self.avoided.len()
            && self.slot(a, b).is_some_and(|s| self.avoided.contains(&s))
    }

    fn slot(&self, a: usize, b: usize) -> Option<usize> {
        let (i, j) = (a.min(b), a.max(b));
        (i != j && j < self.n_items).then(|| i * (2 * self.n_items - i - 1) / 2 + (j - i - 1))
    }

    /// Records one showing of the pair (either order). Pairs with an item
    /// out of range, or an item with itself, are ignored.
    pub fn record(&mut self, a: usize, b: usize) {
        if let Some(s) = self.slot(a, b) {
            self.counts[s] += 1;
        }
    }

    /// How often the pair was shown (either order).
    pub fn count(&self, a: usize, b: usize) -> u32 {
        self.slot(a, b).map_or(0, |s| self.counts[s])
    }
}

/// The next pair as (left, right), or `None` with fewer than two items.
pub fn least_compared_pair<R: Rng + ?Sized>(
    exposures: &PairExposures,
    rng: &mut R,
) -> Option<(usize, usize)> {
    let n = exposures.n_items;
    best_pair(n, rng, |i, j| -f64::from(exposures.count(i, j)))
        .map(|(i, j)| if rng.random_bool(0.5) { (i, j) } else { (j, i) })
}

#[cfg(test)]
mod tests;
