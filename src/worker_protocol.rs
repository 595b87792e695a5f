//! Messages between the page and the worker: one typed job protocol for
//! every computation the page asks for. A request travels as a
//! two-element array: its JSON ([`Request`]) and the votes the job reads
//! as a `Uint32Array` of (left, right, outcome) triples whose buffer is
//! transferred, not copied. Replies are JSON strings ([`Reply`]): progress
//! while a job runs, then its typed result ([`JobResult`]) or why it
//! failed.

use prefplay_core::data::rankings::Ranking;
use prefplay_core::inference::evaluation::HeldOut;
use prefplay_core::inference::selection::Strategy;
use prefplay_core::playground::model_choice::ModelChoice;
use prefplay_core::playground::race::{RacePoint, RaceSettings};
use prefplay_core::{Outcome, Vote};
use serde::{Deserialize, Serialize};

use crate::analyses::Replay;
use crate::fit_job::FitSummary;
use crate::lab::runs::{PolicyStart, PolicyTrack};
use crate::personal_lab::analysis::{PersonalResult, Scenario as PersonalScenario};
use prefplay_core::models::personal::RaterVotes;
use prefplay_gpu::engine::calibration::Calibration;

/// What the worker is asked to do. The votes (where a job reads them)
/// travel beside the JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Ends the running calibration slice at its next check (a fit is
    /// waiting). Never queued: the runner posts it beside the slice, and
    /// the worker answers nothing.
    StopCalibration,
    /// One slice of the engine's calibration: the next family its
    /// adapter's calibration lacks (`prefplay_gpu::Engine::calibrate_next`),
    /// after taking what the page stored from earlier visits.
    Calibrate {
        /// This adapter's calibration as the page stored it.
        known: Option<Calibration>,
        /// Milliseconds of work the slice may grow into past its two sizes.
        share_ms: f64,
        /// Whether to measure; `false` only hands `known` to the engine.
        measure: bool,
    },
    /// Fit the votes on these items.
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
    /// The convergence animation's frames: the scores before the first
    /// Newton step and after each one, at most `max_steps`.
    NewtonPath {
        /// Item labels.
        items: Vec<String>,
        /// The model controls' choice.
        model: ModelChoice,
        /// Most steps.
        max_steps: u32,
    },
    /// The held-out check: a seeded `fraction` of the votes set aside.
    HeldOut {
        /// Item labels.
        items: Vec<String>,
        /// The model controls' choice.
        model: ModelChoice,
        /// Share held out.
        fraction: f64,
        /// Seed of the split.
        seed: u64,
    },
    /// Elo as cast and shuffled against BT refitted as votes arrive,
    /// following `followed` items.
    EloReplay {
        /// Item labels.
        items: Vec<String>,
        /// The items whose lines are drawn.
        followed: Vec<usize>,
        /// Elo's K.
        k: f64,
        /// Seed of the shuffle.
        seed: u64,
    },
    /// Random against active selection on simulated classes.
    Race {
        /// The simulated classes.
        settings: RaceSettings,
        /// The strategies raced, one curve each.
        strategies: Vec<Strategy>,
    },
    /// The personalized page: every personalized model trained on the
    /// engine and scored on held-out votes.
    Personal {
        /// The votes by voter, with the deck's features.
        data: RaterVotes,
        /// Seed of the splits and the training.
        seed: u64,
        /// The page's scenario, if any (7 or 8).
        scenario: Option<PersonalScenario>,
    },
    /// The loss lab: toy policies trained side by side up to `steps`
    /// steps, each made afresh or resumed where it stood, with partial
    /// results streamed as they train.
    Policy {
        /// Training or a comparison (each has its own result).
        purpose: PolicyPurpose,
        /// Where each run starts.
        starts: Vec<PolicyStart>,
        /// Steps to reach.
        steps: usize,
    },
}

/// What a policy-training job is for on the loss lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyPurpose {
    /// The trainer's one run.
    Training,
    /// A comparison of several runs (β sweep, label noise, scenario 9).
    Comparison,
}

/// Which analysis a job is: at most one of each kind waits at a time
/// (a newer request replaces an older one), and each has its own result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnalysisKind {
    /// [`Job::NewtonPath`].
    NewtonPath,
    /// [`Job::HeldOut`].
    HeldOut,
    /// [`Job::EloReplay`].
    EloReplay,
    /// [`Job::Race`].
    Race,
    /// [`Job::Personal`].
    Personal,
    /// [`Job::Policy`] for one purpose.
    Policy(PolicyPurpose),
    /// [`Job::Calibrate`].
    Calibration,
}

impl Job {
    /// The analysis this job is, or `None` for a fit or simulation.
    pub fn analysis_kind(&self) -> Option<AnalysisKind> {
        match self {
            Job::Fit { .. } | Job::Simulate { .. } | Job::StopCalibration => None,
            Job::NewtonPath { .. } => Some(AnalysisKind::NewtonPath),
            Job::HeldOut { .. } => Some(AnalysisKind::HeldOut),
            Job::EloReplay { .. } => Some(AnalysisKind::EloReplay),
            Job::Race { .. } => Some(AnalysisKind::Race),
            Job::Personal { .. } => Some(AnalysisKind::Personal),
            Job::Policy { purpose, .. } => Some(AnalysisKind::Policy(*purpose)),
            Job::Calibrate { .. } => Some(AnalysisKind::Calibration),
        }
    }
}

/// A job's typed result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JobResult {
    /// A fit (of votes or of a simulation).
    Fit(FitSummary),
    /// The convergence frames.
    NewtonPath(Vec<Vec<f64>>),
    /// The held-out metrics.
    HeldOut(HeldOut),
    /// The Elo-vs-BT replay.
    EloReplay(Replay),
    /// One curve per strategy.
    Race(Vec<Vec<RacePoint>>),
    /// The personalized page's models.
    Personal(Box<PersonalResult>),
    /// The loss lab's runs as they stand.
    Policy(Vec<PolicyTrack>),
    /// The engine's calibration as it stands after a slice.
    Calibration(Calibration),
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
        /// The adapter's identity when the engine is `Auto`, which
        /// follows a calibration (the page keeps one per adapter).
        #[serde(default)]
        calibrate: Option<String>,
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
    /// Request `id` has a result so far (the loss lab's runs while they
    /// train); `Done` still follows.
    Partial {
        /// Request number.
        id: u64,
        /// The result so far.
        result: Box<JobResult>,
    },
    /// Request `id` finished.
    Done {
        /// Request number.
        id: u64,
        /// The result.
        result: Box<JobResult>,
    },
    /// Request `id` failed (bad votes, or an error in the solver).
    Failed {
        /// Request number.
        id: u64,
        /// What went wrong.
        message: String,
    },
}

fn outcome_code(w: Outcome) -> u32 {
    match w {
        Outcome::A => 0,
        Outcome::B => 1,
        Outcome::Tie => 2,
        Outcome::BothBad => 3,
    }
}

/// The votes as (left, right, outcome) words; outcome 0 = left, 1 = right,
/// 2 = tie, 3 = both bad.
pub fn pack_votes(votes: &[Vote]) -> Vec<u32> {
    votes
        .iter()
        .flat_map(|v| [v.item_a as u32, v.item_b as u32, outcome_code(v.outcome)])
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
                0 => Outcome::A,
                1 => Outcome::B,
                2 => Outcome::Tie,
                3 => Outcome::BothBad,
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
            Vote::new(0, 1, Outcome::A),
            Vote::new(2, 0, Outcome::Tie),
            Vote::new(1, 2, Outcome::B),
            Vote::new(1, 0, Outcome::BothBad),
        ];
        assert_eq!(unpack_votes(&pack_votes(&votes)), Ok(votes));
        assert!(unpack_votes(&[0, 1]).is_err());
        assert_eq!(
            unpack_votes(&[0, 1, 0, 1, 0, 7]),
            Err("vote 2: outcome code 7".to_string())
        );
    }

    /// A calibration slice's request, with the stored calibration, reads
    /// back as it was sent.
    #[test]
    fn a_calibration_job_round_trips() {
        use prefplay_gpu::engine::calibration::{Calibration, FamilyCosts};
        use prefplay_gpu::engine::choice::Workload;
        let mut known = Calibration::new("an adapter");
        known.record(FamilyCosts::new(
            Workload::Fits,
            vec![(190.0, 0.05), (4000.0, 0.4)],
            vec![(190.0, 16.0), (4000.0, 22.0)],
        ));
        let request = Request {
            id: 3,
            job: Job::Calibrate {
                known: Some(known),
                share_ms: 60.0,
                measure: true,
            },
        };
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request);
    }
}
