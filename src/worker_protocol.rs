//! Messages between the page and the fit worker. A request travels as a
//! two-element array: its JSON ([`Request`]) and, for a fit, the votes as
//! a `Uint32Array` of (left, right, outcome) triples whose buffer is
//! transferred, not copied. Replies are JSON strings ([`Reply`]).

use prefplay_core::model_choice::ModelChoice;
use prefplay_core::rankings::Ranking;
use prefplay_core::{Vote, Winner};
use serde::{Deserialize, Serialize};

use crate::fit_job::FitSummary;

/// What the worker is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Fit the transferred votes on these items.
    Fit {
        /// Item labels.
        items: Vec<String>,
        /// Which model, and how.
        #[serde(default)]
        model: ModelChoice,
        /// The rankings, for Plackett–Luce (empty otherwise).
        #[serde(default)]
        rankings: Vec<Ranking>,
    },
    /// Simulate and fit (`?simulate=N`).
    Simulate {
        /// Number of votes.
        votes: usize,
        /// Number of items.
        items: usize,
        /// Seed.
        seed: u64,
    },
}

/// One request; `id` matches its replies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Request number, increasing.
    pub id: u64,
    /// The work.
    pub job: Job,
}

/// What the worker says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The engine is set up ("GPU: …" or "CPU", and why the CPU if so).
    Ready {
        /// Engine label.
        engine: String,
        /// Why the CPU was chosen, if it was.
        note: Option<String>,
        /// Whether the worker has a GPU adapter at all (if not, the page
        /// may run fits on its own GPU).
        has_gpu: bool,
    },
    /// A Newton step of request `id` finished.
    Progress {
        /// Request number.
        id: u64,
        /// Steps so far.
        step: u32,
        /// The log-posterior at the step's new point, when the solver
        /// computed it (it skips the logarithms where it can).
        #[serde(default)]
        log_lik: Option<f64>,
    },
    /// Request `id` finished.
    Done {
        /// Request number.
        id: u64,
        /// The result.
        summary: Box<FitSummary>,
    },
    /// Request `id` failed (bad votes, or an error in the solver).
    Failed {
        /// Request number.
        id: u64,
        /// What went wrong.
        message: String,
    },
}

fn outcome_code(w: Winner) -> u32 {
    match w {
        Winner::A => 0,
        Winner::B => 1,
        Winner::Tie => 2,
    }
}

/// The votes as (left, right, outcome) words; outcome 0 = left, 1 = right, 2 = tie.
pub fn pack_votes(votes: &[Vote]) -> Vec<u32> {
    votes
        .iter()
        .flat_map(|v| [v.item_a as u32, v.item_b as u32, outcome_code(v.winner)])
        .collect()
}

/// Reads [`pack_votes`]' words back; a bad outcome or length is an error
/// naming the vote.
pub fn unpack_votes(words: &[u32]) -> Result<Vec<Vote>, String> {
    if !words.len().is_multiple_of(3) {
        return Err(format!("{} words are not whole votes", words.len()));
    }
    words
        .chunks_exact(3)
        .enumerate()
        .map(|(k, w)| {
            let winner = match w[2] {
                0 => Winner::A,
                1 => Winner::B,
                2 => Winner::Tie,
                other => return Err(format!("vote {}: outcome code {other}", k + 1)),
            };
            Ok(Vote::new(w[0] as usize, w[1] as usize, winner))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_round_trip_and_bad_words_are_refused() {
        let votes = vec![
            Vote::new(0, 1, Winner::A),
            Vote::new(2, 0, Winner::Tie),
            Vote::new(1, 2, Winner::B),
        ];
        assert_eq!(unpack_votes(&pack_votes(&votes)), Ok(votes));
        assert!(unpack_votes(&[0, 1]).is_err());
        assert_eq!(
            unpack_votes(&[0, 1, 0, 1, 0, 7]),
            Err("vote 2: outcome code 7".to_string())
        );
    }
}
