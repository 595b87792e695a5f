//! The analyses the page shows beside the leaderboard, computed where
//! jobs run (the worker): the convergence animation's Newton path, the
//! held-out check, Elo against Bradley–Terry as votes arrive, and the race
//! of pair-selection strategies. Pure functions of their inputs.

use prefplay_core::Vote;
use prefplay_core::inference::evaluation::kendall_tau;
use prefplay_core::models::elo::{EloSettings, elo_trajectory};
use prefplay_core::models::pairwise::DEFAULT_L2;
use prefplay_core::playground::model_choice::{held_out, newton_frames};
use prefplay_core::playground::race::race;
use prefplay_core::playground::trajectory::{bt_trajectory, checkpoints};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::components::Series;
use crate::worker_protocol::{Job, JobResult};

/// Items followed (the leaderboard's top).
pub const FOLLOWED: usize = 4;
/// Most votes replayed (the first ones).
pub const REPLAY_MAX_VOTES: usize = 5_000;
/// BT refits along the way.
const BT_POINTS: usize = 40;

/// What the Elo-vs-BT panel draws.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Replay {
    /// Elo ratings of the followed items, votes as cast.
    pub elo_cast: Vec<Series>,
    /// The same, votes shuffled (seeded).
    pub elo_shuffled: Vec<Series>,
    /// BT scores of the followed items as votes arrive.
    pub bt: Vec<Series>,
    /// Kendall τ between the two final Elo orders (all items).
    pub tau: f64,
    /// The Elo leader as cast and shuffled.
    pub leaders: (String, String),
    /// Votes replayed.
    pub votes: usize,
}

/// The replay of `votes` (the first [`REPLAY_MAX_VOTES`]) with Elo's `k`,
/// drawing the `followed` items (indices into `labels`; others skipped).
pub fn replay(
    labels: &[String],
    votes: &[Vote],
    followed: &[usize],
    k: f64,
    seed: u64,
) -> Result<Replay, String> {
    let votes = &votes[..votes.len().min(REPLAY_MAX_VOTES)];
    let n = labels.len();
    let followed: Vec<usize> = followed.iter().copied().filter(|&i| i < n).collect();
    let settings = EloSettings {
        k,
        ..EloSettings::default()
    };
    let mut shuffled = votes.to_vec();
    shuffled.shuffle(&mut rand_pcg::Pcg64Mcg::seed_from_u64(seed));
    let cast = elo_trajectory(n, votes, settings).map_err(|e| e.to_string())?;
    let mixed = elo_trajectory(n, &shuffled, settings).map_err(|e| e.to_string())?;
    let at = checkpoints(votes.len(), BT_POINTS);
    let bt = bt_trajectory(labels, votes, &at, DEFAULT_L2).map_err(|e| e.to_string())?;
    let series = |rows: &[Vec<f64>], x: &dyn Fn(usize) -> f64| -> Vec<Series> {
        followed
            .iter()
            .map(|&i| Series {
                name: labels[i].clone(),
                points: rows.iter().enumerate().map(|(t, r)| (x(t), r[i])).collect(),
            })
            .collect()
    };
    let leader = |r: &[f64]| {
        (0..n)
            .max_by(|&a, &b| r[a].total_cmp(&r[b]))
            .map(|i| labels[i].clone())
            .unwrap_or_default()
    };
    let (last_cast, last_mixed) = (
        cast.last().cloned().unwrap_or_default(),
        mixed.last().cloned().unwrap_or_default(),
    );
    Ok(Replay {
        elo_cast: series(&cast, &|t| t as f64),
        elo_shuffled: series(&mixed, &|t| t as f64),
        bt: series(&bt, &|t| at[t] as f64),
        tau: kendall_tau(&last_cast, &last_mixed),
        leaders: (leader(&last_cast), leader(&last_mixed)),
        votes: votes.len(),
    })
}

/// Runs an analysis job on `votes`; `None` when `job` is not an analysis.
pub fn run(job: &Job, votes: &[Vote]) -> Option<Result<JobResult, String>> {
    let text = |e: prefplay_core::Error| e.to_string();
    Some(match job {
        Job::Fit { .. }
        | Job::Simulate { .. }
        | Job::Personal { .. }
        | Job::Policy { .. }
        | Job::Calibrate { .. }
        | Job::StopCalibration => {
            return None;
        }
        Job::NewtonPath {
            items,
            model,
            max_steps,
        } => newton_frames(items, votes, model, *max_steps)
            .map(JobResult::NewtonPath)
            .map_err(text),
        Job::HeldOut {
            items,
            model,
            fraction,
            seed,
        } => held_out(items, votes, model, *fraction, *seed)
            .map(JobResult::HeldOut)
            .map_err(text),
        Job::EloReplay {
            items,
            followed,
            k,
            seed,
        } => replay(items, votes, followed, *k, *seed).map(JobResult::EloReplay),
        Job::Race {
            settings,
            strategies,
        } => race(settings, strategies)
            .map(JobResult::Race)
            .map_err(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::Outcome;

    #[test]
    fn the_replay_follows_the_top_items_and_measures_order_dependence() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let votes: Vec<Vote> = (0..60)
            .map(|t| match t % 3 {
                0 => Vote::new(0, 1, Outcome::A),
                1 => Vote::new(1, 2, Outcome::A),
                _ => Vote::new(2, 0, if t % 2 == 0 { Outcome::A } else { Outcome::B }),
            })
            .collect();
        let r = replay(&labels, &votes, &[0, 1, 2, 9], 32.0, 7).unwrap();
        assert_eq!(r.elo_cast.len(), 3);
        assert_eq!(r.elo_cast[0].points.len(), 61);
        assert_eq!(r.bt[0].points.last().map(|p| p.0), Some(60.0));
        assert!((-1.0..=1.0).contains(&r.tau));
        assert_eq!(r.votes, 60);
    }
}
