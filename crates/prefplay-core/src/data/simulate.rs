//! A seeded simulator of preference votes with a known truth.
//!
//! Items have hidden utilities u ~ N(0, `utility_sd`²). Raters fall into
//! `groups`; group g sees u + d_g with d_g ~ N(0, `group_spread`²) per item
//! (different tastes). A vote on (a, b), a shown first, has log-odds
//! η = (u_a − u_b + `position_bias`) / `temperature`, and outcomes follow
//! Davidson's tie model: P(a) ∝ e^{η/2}, P(b) ∝ e^{−η/2}, P(tie) ∝ ν with ν
//! set so that evenly matched items tie with probability `tie_rate`.
//! A share of raters answer at random, another share adversarially (they
//! report the opposite of their preference).

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;

use crate::Result;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::error::{check_finite_above, invalid};
use crate::inference::selection::{PairExposures, least_compared_pair};

/// How the next pair is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PairPolicy {
    /// Uniformly at random among all pairs.
    #[default]
    Random,
    /// The least-compared pair first (ties broken at random).
    Balanced,
}

/// What kind of rater.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RaterKind {
    /// Votes by their group's utilities.
    Honest,
    /// Picks a side at random.
    Random,
    /// Reports the opposite of their preference.
    Adversarial,
}

/// Simulator settings; defaults in brackets.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationSettings {
    /// Number of items [12], ≥ 2.
    pub items: usize,
    /// Number of votes [1000].
    pub votes: usize,
    /// Number of raters [10], ≥ 1.
    pub raters: usize,
    /// Number of taste groups [1], 1 ≤ groups ≤ raters.
    pub groups: usize,
    /// Standard deviation of utilities [1.0].
    pub utility_sd: f64,
    /// Standard deviation of each group's deviation per item [0.5].
    pub group_spread: f64,
    /// Noise temperature [1.0], > 0: larger means noisier votes.
    pub temperature: f64,
    /// P(tie) for evenly matched items [0.0], in [0, 1).
    pub tie_rate: f64,
    /// Log-odds added to the side shown first [0.0].
    pub position_bias: f64,
    /// Share of random raters [0.0].
    pub random_raters: f64,
    /// Share of adversarial raters [0.0].
    pub adversarial_raters: f64,
    /// Pair selection policy [random].
    pub policy: PairPolicy,
    /// Seed [0].
    pub seed: u64,
}

impl Default for SimulationSettings {
    fn default() -> Self {
        Self {
            items: 12,
            votes: 1000,
            raters: 10,
            groups: 1,
            utility_sd: 1.0,
            group_spread: 0.5,
            temperature: 1.0,
            tie_rate: 0.0,
            position_bias: 0.0,
            random_raters: 0.0,
            adversarial_raters: 0.0,
            policy: PairPolicy::Random,
            seed: 0,
        }
    }
}

/// Votes and the truth behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// The votes: items `item 1` …, raters `rater 1` …, side `a` first.
    pub table: PairTable,
    /// The population utilities (group 0's are these plus its deviation).
    pub utilities: Vec<f64>,
    /// Per group, per item utilities.
    pub group_utilities: Vec<Vec<f64>>,
    /// Each rater's group.
    pub rater_group: Vec<usize>,
    /// Each rater's kind.
    pub rater_kind: Vec<RaterKind>,
}

impl SimulationSettings {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<()> {
        if self.items < 2 {
            return Err(invalid("items", self.items, "must be at least 2"));
        }
        if self.raters == 0 {
            return Err(invalid("raters", self.raters, "must be at least 1"));
        }
        if self.groups == 0 || self.groups > self.raters {
            return Err(invalid(
                "groups",
                self.groups,
                "must be between 1 and the number of raters",
            ));
        }
        check_finite_above("utility_sd", self.utility_sd, 0.0, true, "must be ≥ 0")?;
        check_finite_above("group_spread", self.group_spread, 0.0, true, "must be ≥ 0")?;
        check_finite_above("temperature", self.temperature, 0.0, false, "must be > 0")?;
        check_finite_above("tie_rate", self.tie_rate, 0.0, true, "must be in [0, 1)")?;
        if self.tie_rate >= 1.0 {
            return Err(invalid("tie_rate", self.tie_rate, "must be in [0, 1)"));
        }
        if !self.position_bias.is_finite() {
            return Err(invalid(
                "position_bias",
                self.position_bias,
                "must be finite",
            ));
        }
        for (name, share) in [
            ("random_raters", self.random_raters),
            ("adversarial_raters", self.adversarial_raters),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(invalid(name, share, "must be in [0, 1]"));
            }
        }
        if self.random_raters + self.adversarial_raters > 1.0 {
            return Err(invalid(
                "adversarial_raters",
                self.adversarial_raters,
                "random and adversarial shares must sum to at most 1",
            ));
        }
        Ok(())
    }
}

/// Runs the simulator. See the module docs.
pub fn simulate(s: &SimulationSettings) -> Result<Simulation> {
    s.check()?;
    let mut rng = Pcg64Mcg::seed_from_u64(s.seed);
    let normal =
        |sd: f64| Normal::new(0.0, sd).map_err(|_| invalid("utility_sd", sd, "must be finite"));
    let (util_dist, group_dist) = (normal(s.utility_sd)?, normal(s.group_spread)?);
    let utilities: Vec<f64> = (0..s.items).map(|_| util_dist.sample(&mut rng)).collect();
    let group_utilities: Vec<Vec<f64>> = (0..s.groups)
        .map(|_| {
            utilities
                .iter()
                .map(|u| u + group_dist.sample(&mut rng))
                .collect()
        })
        .collect();
    let rater_group: Vec<usize> = (0..s.raters).map(|r| r % s.groups).collect();
    let n_random = (s.random_raters * s.raters as f64).round() as usize;
    let n_adversarial = (s.adversarial_raters * s.raters as f64).round() as usize;
    let rater_kind: Vec<RaterKind> = (0..s.raters)
        .map(|r| {
            // The last raters are the unreliable ones (groups stay mixed).
            let from_end = s.raters - 1 - r;
            if from_end < n_random {
                RaterKind::Random
            } else if from_end < n_random + n_adversarial {
                RaterKind::Adversarial
            } else {
                RaterKind::Honest
            }
        })
        .collect();
    let labels: Vec<String> = (1..=s.items).map(|i| format!("item {i}")).collect();
    let mut table = PairTable::with_items(&labels);
    for r in 1..=s.raters {
        table.rater_id(&format!("rater {r}"));
    }
    // ν such that P(tie | η = 0) = t: ν / (2 + ν) = t.
    let nu = 2.0 * s.tie_rate / (1.0 - s.tie_rate);
    let mut exposures = PairExposures::new(s.items);
    for _ in 0..s.votes {
        let (a, b) = match s.policy {
            PairPolicy::Random => {
                let a = rng.random_range(0..s.items);
                let mut b = rng.random_range(0..s.items - 1);
                if b >= a {
                    b += 1;
                }
                (a, b)
            }
            PairPolicy::Balanced => least_compared_pair(&exposures, &mut rng).unwrap_or((0, 1)),
        };
        exposures.record(a, b);
        let rater = rng.random_range(0..s.raters);
        let u = &group_utilities[rater_group[rater]];
        let eta = match rater_kind[rater] {
            RaterKind::Honest => (u[a] - u[b] + s.position_bias) / s.temperature,
            RaterKind::Random => 0.0,
            RaterKind::Adversarial => -(u[a] - u[b] + s.position_bias) / s.temperature,
        };
        let (ea, eb) = ((0.5 * eta).exp(), (-0.5 * eta).exp());
        let total = ea + eb + nu;
        let draw = rng.random::<f64>() * total;
        let outcome = if draw < ea {
            Outcome::A
        } else if draw < ea + eb {
            Outcome::B
        } else {
            Outcome::Tie
        };
        table.push(
            PairRow {
                item_a: a as u32,
                item_b: b as u32,
                outcome,
                advantage: Advantage::A,
                count: 1,
                rater: Some(rater as u32),
            },
            &[],
        )?;
    }
    Ok(Simulation {
        table,
        utilities,
        group_utilities,
        rater_group,
        rater_kind,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::inference::evaluation::kendall_tau;
    use crate::models::pairwise::{PairwiseModel, PairwiseSettings};

    #[test]
    fn is_seeded_and_recoverable() {
        let s = SimulationSettings {
            items: 8,
            votes: 4000,
            groups: 1,
            group_spread: 0.0,
            seed: 3,
            ..SimulationSettings::default()
        };
        let a = simulate(&s).unwrap();
        assert_eq!(a, simulate(&s).unwrap());
        let mut model = PairwiseModel::new(&a.table, PairwiseSettings::default()).unwrap();
        let fit = model.fit(None);
        assert!(kendall_tau(&fit.scores, &a.utilities) > 0.8);
    }

    #[test]
    fn position_bias_and_ties_show_up() {
        let s = SimulationSettings {
            votes: 20_000,
            position_bias: 0.7,
            tie_rate: 0.2,
            seed: 1,
            ..SimulationSettings::default()
        };
        let sim = simulate(&s).unwrap();
        let ties = sim
            .table
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Tie)
            .count() as f64;
        assert!((ties / 20_000.0 - 0.2).abs() < 0.05, "{ties}");
        let settings = PairwiseSettings {
            order_effect: true,
            ties: crate::models::pairwise::TieModel::Davidson,
            l2: 0.0,
            ..PairwiseSettings::default()
        };
        let mut model = PairwiseModel::new(&sim.table, settings).unwrap();
        let fit = model.fit(None);
        assert!(
            (fit.order_effect.unwrap() - 0.7).abs() < 0.1,
            "{:?}",
            fit.order_effect
        );
    }

    #[test]
    fn balanced_policy_spreads_exposure() {
        let s = SimulationSettings {
            items: 5,
            votes: 100,
            policy: PairPolicy::Balanced,
            ..SimulationSettings::default()
        };
        let sim = simulate(&s).unwrap();
        let mut counts = std::collections::HashMap::new();
        for r in &sim.table.rows {
            *counts
                .entry((r.item_a.min(r.item_b), r.item_a.max(r.item_b)))
                .or_insert(0) += 1;
        }
        assert_eq!(counts.len(), 10);
        assert!(counts.values().all(|&c| c == 10));
    }

    #[test]
    fn rejects_bad_settings() {
        assert!(
            simulate(&SimulationSettings {
                items: 1,
                ..SimulationSettings::default()
            })
            .is_err()
        );
        assert!(
            simulate(&SimulationSettings {
                tie_rate: 1.0,
                ..SimulationSettings::default()
            })
            .is_err()
        );
        assert!(
            simulate(&SimulationSettings {
                groups: 11,
                ..SimulationSettings::default()
            })
            .is_err()
        );
    }
}
