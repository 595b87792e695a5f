//! Random against active pair selection on the same simulated class: how
//! fast each recovers hidden utilities, as Kendall τ and centred RMSE
//! against the truth after every few votes. The teaching chart of
//! "active selection needs fewer votes".
//!
//! Each replicate draws utilities uᵢ ~ N(0, `utility_sd`²); every
//! strategy then votes on the same utilities with its own pairs: the
//! left item wins with probability σ(u_left − u_right) (Bradley–Terry
//! voters). Active strategies see the BT fit refitted every
//! `refit_every` votes (warm-started), as the page does after each fit,
//! and between refits each vote's information added to its two items.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64Mcg;

use crate::data::table::PairTable;
use crate::error::invalid;
use crate::inference::evaluation::{centred_rmse, kendall_tau};
use crate::inference::selection::{Belief, PairExposures, Strategy, choose_pair};
use crate::models::pairwise::uncertainty::Method;
use crate::models::pairwise::{PairwiseModel, PairwiseSettings};
use crate::numerics::sigmoid;
use crate::{Dataset, Outcome, Result, Vote};

/// The race's settings; defaults in brackets.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RaceSettings {
    /// Items [12], 2 ..= 200.
    pub items: usize,
    /// Votes per strategy and replicate [300], 1 ..= 20,000.
    pub votes: usize,
    /// Replicates averaged [6], 1 ..= 100.
    pub replicates: usize,
    /// Votes between refits (and points on the curve) [5], ≥ 1.
    pub refit_every: usize,
    /// Standard deviation of the utilities [1.0], finite, > 0.
    pub utility_sd: f64,
    /// Seed [1].
    pub seed: u64,
}

impl Default for RaceSettings {
    fn default() -> Self {
        Self {
            items: 12,
            votes: 300,
            replicates: 6,
            refit_every: 5,
            utility_sd: 1.0,
            seed: 1,
        }
    }
}

impl RaceSettings {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<()> {
        let bad = |name, value: String, reason| Err(invalid(name, value, reason));
        if !(2..=200).contains(&self.items) {
            return bad("items", self.items.to_string(), "must be 2 to 200");
        }
        if !(1..=20_000).contains(&self.votes) {
            return bad("votes", self.votes.to_string(), "must be 1 to 20,000");
        }
        if !(1..=100).contains(&self.replicates) {
            return bad(
                "replicates",
                self.replicates.to_string(),
                "must be 1 to 100",
            );
        }
        if self.refit_every == 0 {
            return bad("refit_every", "0".into(), "must be at least 1");
        }
        if !(self.utility_sd > 0.0 && self.utility_sd.is_finite()) {
            return bad(
                "utility_sd",
                self.utility_sd.to_string(),
                "must be finite and > 0",
            );
        }
        Ok(())
    }
}

/// One point of a curve: means over the replicates.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RacePoint {
    /// Votes cast so far.
    pub votes: usize,
    /// Kendall τ between the fit and the truth.
    pub tau: f64,
    /// Centred RMSE between the fit and the truth (logit units).
    pub rmse: f64,
}

/// The first vote count at which `curve`'s τ reaches `tau`, if it does.
pub fn votes_to_reach(curve: &[RacePoint], tau: f64) -> Option<usize> {
    curve.iter().find(|p| p.tau >= tau).map(|p| p.votes)
}

/// Each strategy's curve, in the order given.
pub fn race(settings: &RaceSettings, strategies: &[Strategy]) -> Result<Vec<Vec<RacePoint>>> {
    settings.check()?;
    let n = settings.items;
    let labels: Vec<String> = (0..n).map(|i| format!("item {}", i + 1)).collect();
    let normal = Normal::new(0.0, settings.utility_sd)
        .map_err(|_| invalid("utility_sd", settings.utility_sd, "must be finite and > 0"))?;
    let mut sums: Vec<Vec<RacePoint>> = vec![Vec::new(); strategies.len()];
    for r in 0..settings.replicates {
        let mut truth_rng =
            Pcg64Mcg::seed_from_u64(settings.seed ^ (r as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let truth: Vec<f64> = (0..n).map(|_| normal.sample(&mut truth_rng)).collect();
        for (s, &strategy) in strategies.iter().enumerate() {
            let mut rng = Pcg64Mcg::seed_from_u64(truth_rng.random::<u64>() ^ s as u64);
            let curve = run_one(&labels, &truth, strategy, settings, &mut rng)?;
            if sums[s].is_empty() {
                sums[s] = curve;
            } else {
                for (acc, p) in sums[s].iter_mut().zip(curve) {
                    acc.tau += p.tau;
                    acc.rmse += p.rmse;
                }
            }
        }
    }
    let k = settings.replicates as f64;
    for curve in &mut sums {
        for p in curve {
            p.tau /= k;
            p.rmse /= k;
        }
    }
    Ok(sums)
}

fn run_one(
    labels: &[String],
    truth: &[f64],
    strategy: Strategy,
    settings: &RaceSettings,
    rng: &mut Pcg64Mcg,
) -> Result<Vec<RacePoint>> {
    let n = truth.len();
    let mut scores = vec![0.0; n];
    let mut errors = vec![1.0; n];
    let mut exposures = PairExposures::new(n);
    let mut votes: Vec<Vote> = Vec::with_capacity(settings.votes);
    let mut curve = Vec::new();
    for t in 1..=settings.votes {
        let belief = Belief {
            scores: &scores,
            standard_errors: &errors,
            link: crate::models::pairwise::Link::Logit,
        };
        let Some((a, b)) = choose_pair(strategy, belief, &exposures, rng) else {
            break;
        };
        exposures.record(a, b);
        // Between refits, each vote adds its Fisher information
        // p(1 − p) to both items' precision (the Laplace update), so an
        // active strategy does not ask the same pair again and again.
        let p = sigmoid(scores[a] - scores[b]);
        for i in [a, b] {
            errors[i] = (errors[i].powi(-2) + p * (1.0 - p)).powf(-0.5);
        }
        let winner = if rng.random_bool(sigmoid(truth[a] - truth[b])) {
            Outcome::A
        } else {
            Outcome::B
        };
        votes.push(Vote::new(a, b, winner));
        if t % settings.refit_every == 0 || t == settings.votes {
            let data = Dataset::new(labels.to_vec(), votes.clone())?;
            let table = PairTable::from_dataset(&data);
            let mut model = PairwiseModel::new(&table, PairwiseSettings::default())?;
            let fit = model.fit(Some(&scores));
            errors = model.uncertainty(&fit, Method::Fisher, 0.95)?.score_se;
            scores = fit.scores;
            curve.push(RacePoint {
                votes: t,
                tau: kendall_tau(&scores, truth),
                rmse: centred_rmse(&scores, truth),
            });
        }
    }
    Ok(curve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_selection_reaches_randoms_tau_with_fewer_votes() {
        let settings = RaceSettings {
            items: 30,
            utility_sd: 3.0,
            ..RaceSettings::default()
        };
        let curves = race(&settings, &[Strategy::Random, Strategy::InformationGain]).unwrap();
        assert_eq!(curves.len(), 2);

        for c in &curves {
            assert_eq!(c.len(), 60);
            assert_eq!(c.last().unwrap().votes, 300);
            assert!(
                c.last().unwrap().tau > c[0].tau + 0.2,
                "{:?}",
                (c[0], c.last())
            );
            assert!(c.last().unwrap().rmse < c[0].rmse);
        }
        // τ that random selection reaches at 150 votes.
        let target = curves[0][29].tau;
        let random = votes_to_reach(&curves[0], target).unwrap();
        let active = votes_to_reach(&curves[1], target).unwrap();
        eprintln!("τ {target:.2}: random {random} votes, information gain {active}");
        assert!(
            active * 4 <= random * 3,
            "random {random} vs active {active}"
        );
    }

    #[test]
    fn the_race_is_seeded_and_checks_its_settings() {
        let s = RaceSettings {
            votes: 40,
            replicates: 2,
            ..RaceSettings::default()
        };
        let a = race(&s, &[Strategy::Random]).unwrap();
        assert_eq!(a, race(&s, &[Strategy::Random]).unwrap());
        assert!(race(&RaceSettings { items: 1, ..s }, &[Strategy::Random]).is_err());
        assert!(
            race(
                &RaceSettings {
                    refit_every: 0,
                    ..s
                },
                &[Strategy::Random]
            )
            .is_err()
        );
    }
}
