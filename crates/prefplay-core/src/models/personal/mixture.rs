//! The mixture of Bradley–Terry groups fitted by EM: its start, the EM
//! loop with the M-step's Adam, and its state (the CPU twin of the GPU's
//! mixture kernels).

use rand::{Rng, SeedableRng};

use super::data::RaterVotes;
use super::fits::{PersonalSettings, cross_entropy};
use crate::models::adam::{AdamSettings, adam};

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
