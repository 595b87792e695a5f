//! Rater reliability, in the spirit of Crowd-BT (Chen et al., WSDM 2013)
//! and crowd-kit's NoisyBT: each rater r answers by their preference with
//! probability ρ_r, and otherwise picks the left side (`item_a`) with
//! probability β_r (their position bias) regardless of the items:
//!
//!   P(a wins | r) = ρ_r·σ(sₐ − s_b) + (1 − ρ_r)·β_r.
//!
//! Fitted by EM (Dempster, Laird & Rubin 1977): the E-step gives each vote
//! the posterior probability q that it was answered by preference; the
//! M-step refits Bradley–Terry with votes weighted by q (warm-started
//! Newton) and sets ρ_r and β_r to their smoothed weighted shares (a
//! Beta(2, 2) prior keeps them inside (0, 1)). Ties are left out. A rater
//! is flagged when ρ_r < ½: they answer by preference less often than not
//! (random or adversarial raters).

use rustc_hash::FxHashMap;

use super::bootstrap;
use super::cells::Cells;
use super::likelihood::Counts;
use super::problem::{Layout, Problem};
use super::settings::{Link, PairwiseSettings, TieModel};
use super::uncertainty::Uncertainty;
use super::{PairwiseFit, PairwiseModel, cpu};
use crate::data::table::{Outcome, PairTable};
use crate::numerics::sigmoid;
use crate::{Error, Result};

/// Reliability threshold below which a rater is flagged.
pub const FLAG_BELOW: f64 = 0.5;

/// One rater's estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct RaterEstimate {
    /// P(answering by preference).
    pub reliability: f64,
    /// P(picking the left item) when not answering by preference.
    pub position_bias: f64,
    /// Votes (ties excluded) by this rater.
    pub votes: u64,
    /// `reliability < FLAG_BELOW`.
    pub flagged: bool,
}

/// The result of [`fit_with_raters`].
#[derive(Debug, Clone)]
pub struct RaterFit {
    /// The model on the final weights (for uncertainty, conditional on them).
    pub model: PairwiseModel,
    /// Scores and their fit.
    pub fit: PairwiseFit,
    /// One per rater of the table.
    pub raters: Vec<RaterEstimate>,
    /// EM iterations.
    pub em_iterations: u32,
    /// Whether EM converged (log-likelihood change below 1e-9 relative).
    pub converged: bool,
}

/// Bootstrap errors for the rater model: the votes (rows, by count) are
/// redrawn with replacement and the whole EM refitted for each replicate,
/// so the errors include the uncertainty of the rater weights (which
/// Fisher and sandwich errors from [`RaterFit::model`] hold fixed).
/// Replicate r draws from PCG32 seeded by (seed, r); replicates whose fit
/// does not converge are left out and counted; percentile intervals.
pub fn bootstrap_with_raters(
    table: &PairTable,
    l2: f64,
    replicates: u32,
    seed: u64,
    level: f64,
) -> Result<Uncertainty> {
    crate::error::check_finite_above("level", level, 0.0, false, "must be between 0 and 1")?;
    if level >= 1.0 {
        return Err(Error::InvalidParameter {
            name: "level",
            value: level.to_string(),
            reason: "must be between 0 and 1",
        });
    }
    let counts: Vec<u32> = table.rows.iter().map(|r| r.count).collect();
    let draws = bootstrap::draws(replicates, |r| {
        let tally = bootstrap::redraw_counts(&counts, &mut bootstrap::replicate_rng(seed, r));
        let mut replicate = table.clone();
        for (row, count) in replicate.rows.iter_mut().zip(tally) {
            row.count = count;
        }
        let rf = fit_with_raters(&replicate, l2).ok()?;
        (rf.converged && rf.fit.converged()).then_some(rf.fit.scores)
    })?;
    Ok(bootstrap::score_uncertainty(
        &draws,
        table.items().len(),
        level,
    ))
}

/// EM iteration cap.
const MAX_EM_ITERATIONS: u32 = 500;

/// Fits scores and per-rater reliability. Rows without a rater share one
/// anonymous rater. `l2` is the prior on scores (must be > 0: the EM
/// weights can make the plain MLE fail to exist).
pub fn fit_with_raters(table: &PairTable, l2: f64) -> Result<RaterFit> {
    crate::error::check_finite_above("l2", l2, 0.0, false, "must be > 0 for the rater model")?;
    let n = table.items().len();
    let n_raters = table.raters().len() + 1; // the last one: no rater named
    let rater_of = |r: Option<u32>| r.map_or(n_raters - 1, |x| x as usize);
    // Decisive votes only: (row index, a wins?).
    let votes: Vec<(usize, bool)> = table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.count > 0 && matches!(r.outcome, Outcome::A | Outcome::B))
        .map(|(k, r)| (k, r.outcome == Outcome::A))
        .collect();
    if votes.is_empty() {
        return Err(Error::InvalidParameter {
            name: "votes",
            value: "0".into(),
            reason: "the rater model needs decisive (non-tie) votes",
        });
    }
    let settings = PairwiseSettings {
        link: Link::Logit,
        ties: TieModel::Drop,
        l2,
        ..PairwiseSettings::default()
    };
    let mut reliability = vec![0.8; n_raters];
    let mut bias = vec![0.5; n_raters];
    let mut theta = vec![0.0; n];
    let mut q = vec![1.0; votes.len()];
    let mut previous = f64::NEG_INFINITY;
    let mut converged = false;
    let mut iterations = 0;
    let mut problem = weighted_problem(table, &votes, &q, n, settings.clone());
    for it in 1..=MAX_EM_ITERATIONS {
        iterations = it;
        // E-step and the observed-data log-likelihood.
        let mut log_lik = 0.0;
        for (k, &(row, a_won)) in votes.iter().enumerate() {
            let r = &table.rows[row];
            let who = rater_of(r.rater);
            let p_pref = sigmoid(theta[r.item_a as usize] - theta[r.item_b as usize]);
            let (pref, noise) = if a_won {
                (
                    reliability[who] * p_pref,
                    (1.0 - reliability[who]) * bias[who],
                )
            } else {
                (
                    reliability[who] * (1.0 - p_pref),
                    (1.0 - reliability[who]) * (1.0 - bias[who]),
                )
            };
            let total = pref + noise;
            q[k] = if total > 0.0 { pref / total } else { 0.5 };
            log_lik += f64::from(r.count) * total.max(f64::MIN_POSITIVE).ln();
        }
        let prior = -0.5 * l2 * theta.iter().map(|s| s * s).sum::<f64>();
        let objective = log_lik + prior;
        if (objective - previous).abs() <= 1e-9 * (1.0 + objective.abs()) {
            converged = true;
            break;
        }
        previous = objective;
        // M-step: rater parameters, smoothed by Beta(2, 2).
        let mut sums = vec![(0.0, 0.0, 0.0, 0.0); n_raters]; // Σq, n, Σ(1−q)·left, Σ(1−q)
        for (k, &(row, a_won)) in votes.iter().enumerate() {
            let r = &table.rows[row];
            let c = f64::from(r.count);
            let s = &mut sums[rater_of(r.rater)];
            s.0 += c * q[k];
            s.1 += c;
            s.2 += c * (1.0 - q[k]) * f64::from(u8::from(a_won));
            s.3 += c * (1.0 - q[k]);
        }
        for (r, s) in sums.iter().enumerate() {
            reliability[r] = (s.0 + 1.0) / (s.1 + 2.0);
            bias[r] = (s.2 + 1.0) / (s.3 + 2.0);
        }
        // M-step: scores from the q-weighted Bradley–Terry fit.
        problem = weighted_problem(table, &votes, &q, n, settings.clone());
        theta = cpu::newton(&problem, theta, false).theta;
    }
    let mut counts = vec![0u64; n_raters];
    for &(row, _) in &votes {
        counts[rater_of(table.rows[row].rater)] += u64::from(table.rows[row].count);
    }
    let raters = (0..table.raters().len())
        .map(|r| RaterEstimate {
            reliability: reliability[r],
            position_bias: bias[r],
            votes: counts[r],
            flagged: reliability[r] < FLAG_BELOW,
        })
        .collect();
    let model = PairwiseModel {
        problem,
        diagnosis: crate::inference::diagnosis::GraphDiagnosis::default(),
        warnings: Vec::new(),
        items: table.items().to_vec(),
        feature_names: Vec::new(),
    };
    let solved = cpu::newton(&model.problem, theta, true);
    let fit = model.report(&solved);
    Ok(RaterFit {
        model,
        fit,
        raters,
        em_iterations: iterations,
        converged,
    })
}

/// Bradley–Terry on votes weighted by q: a vote counts q for its winner
/// and 1 − q for its loser.
fn weighted_problem(
    table: &PairTable,
    votes: &[(usize, bool)],
    q: &[f64],
    n: usize,
    settings: PairwiseSettings,
) -> Problem {
    let mut index: FxHashMap<(u32, u32), usize> = FxHashMap::default();
    let mut cells = Cells::default();
    for (&(row, a_won), &qk) in votes.iter().zip(q) {
        let r = &table.rows[row];
        let (lo, hi) = (r.item_a.min(r.item_b), r.item_a.max(r.item_b));
        let k = *index.entry((lo, hi)).or_insert_with(|| {
            cells.item_a.push(lo);
            cells.item_b.push(hi);
            cells.advantage.push(0.0);
            cells.counts.push(Counts::default());
            cells.counts.len() - 1
        });
        let c = f64::from(r.count);
        let lo_won = a_won == (r.item_a == lo);
        let (to_lo, to_hi) = if lo_won {
            (qk, 1.0 - qk)
        } else {
            (1.0 - qk, qk)
        };
        cells.counts[k].wins_a += c * to_lo;
        cells.counts[k].wins_b += c * to_hi;
    }
    Problem {
        cells,
        layout: Layout::new(n, false, false, 0),
        settings,
        gauge: None,
        extras_l2: 0.0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::data::simulate::{SimulationSettings, simulate};
    use crate::inference::evaluation::kendall_tau;

    #[test]
    fn flags_random_and_adversarial_raters_and_keeps_the_honest() {
        let sim = simulate(&SimulationSettings {
            items: 10,
            votes: 8000,
            raters: 10,
            group_spread: 0.0,
            utility_sd: 1.5,
            random_raters: 0.2,
            adversarial_raters: 0.1,
            seed: 5,
            ..SimulationSettings::default()
        })
        .unwrap();
        let fit = fit_with_raters(&sim.table, 0.1).unwrap();
        assert!(fit.converged);
        for (r, est) in fit.raters.iter().enumerate() {
            let honest = sim.rater_kind[r] == crate::data::simulate::RaterKind::Honest;
            assert_eq!(
                est.flagged, !honest,
                "rater {r}: {est:?} ({:?})",
                sim.rater_kind[r]
            );
        }
        assert!(kendall_tau(&fit.fit.scores, &sim.utilities) > 0.9);
        // Plain BT on the same votes is pulled towards zero by the noise.
        let mut plain = PairwiseModel::new(&sim.table, PairwiseSettings::default()).unwrap();
        let plain_fit = plain.fit(None);
        let spread = |s: &[f64]| s.iter().map(|x| x * x).sum::<f64>();
        assert!(spread(&fit.fit.scores) > spread(&plain_fit.scores));
    }

    #[test]
    fn a_position_biased_random_rater_gets_their_bias() {
        let sim = simulate(&SimulationSettings {
            items: 6,
            votes: 6000,
            raters: 4,
            group_spread: 0.0,
            random_raters: 0.25,
            seed: 8,
            ..SimulationSettings::default()
        })
        .unwrap();
        let fit = fit_with_raters(&sim.table, 0.1).unwrap();
        let random = sim
            .rater_kind
            .iter()
            .position(|k| *k == crate::data::simulate::RaterKind::Random)
            .unwrap();
        assert!(fit.raters[random].flagged);
        // The simulator's random raters pick either side evenly.
        assert!(
            (fit.raters[random].position_bias - 0.5).abs() < 0.1,
            "{:?}",
            fit.raters[random]
        );
    }

    #[test]
    fn the_rater_bootstrap_is_seeded_and_close_to_the_conditional_errors() {
        let sim = simulate(&SimulationSettings {
            items: 5,
            votes: 1500,
            raters: 6,
            group_spread: 0.0,
            random_raters: 0.2,
            seed: 4,
            ..SimulationSettings::default()
        })
        .unwrap();
        let boot = bootstrap_with_raters(&sim.table, 0.1, 60, 3, 0.9).unwrap();
        assert_eq!(
            boot,
            bootstrap_with_raters(&sim.table, 0.1, 60, 3, 0.9).unwrap()
        );
        assert!(boot.replicates_converged.unwrap() >= 55);
        let rf = fit_with_raters(&sim.table, 0.1).unwrap();
        let fisher = rf
            .model
            .uncertainty(&rf.fit, super::super::uncertainty::Method::Fisher, 0.9)
            .unwrap();
        // Refitting the weights adds their uncertainty, so the bootstrap
        // errors are not below the conditional ones (up to its noise).
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(
            mean(&boot.score_se) > 0.8 * mean(&fisher.score_se),
            "{:?} vs {:?}",
            boot.score_se,
            fisher.score_se
        );
        for (i, (lo, hi)) in boot.score_interval.iter().enumerate() {
            assert!(lo < hi, "item {i}");
        }
        assert!(bootstrap_with_raters(&sim.table, 0.1, 1, 3, 0.9).is_err());
    }
}
