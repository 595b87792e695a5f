//! "Simulate a class": simulated voters with hidden utilities vote on the
//! deck on screen, streamed in at a chosen speed, so a teacher can show
//! what Bradley–Terry recovers and where it breaks. Pure logic (no DOM),
//! tested natively; the votes come from `prefplay_core::data::simulate`.

use prefplay_core::data::simulate::{PairPolicy, SimulationSettings, simulate};
use prefplay_core::playground::collect::{Ballot, BallotId, Observation};

use crate::workspace::Workspace;

/// The class's settings; defaults in brackets, ranges checked by [`ClassSettings::check`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassSettings {
    /// Voters [20], 1 ..= 200.
    pub raters: usize,
    /// Taste groups [1], 1 ..= 3.
    pub groups: usize,
    /// How far the groups' tastes differ, as a utility SD [0.8], ≥ 0.
    pub group_spread: f64,
    /// Noise temperature [1.0], > 0: larger is noisier.
    pub noise: f64,
    /// P(tie) for evenly matched items [0.1], in [0, 0.9].
    pub tie_rate: f64,
    /// Log-odds added to the left item [0.0], in [−3, 3].
    pub position_bias: f64,
    /// Share of voters who click at random [0.1], in [0, 1].
    pub random_share: f64,
    /// Votes in all [300], 1 ..= 100,000.
    pub votes: usize,
    /// Votes per second [20], 1 ..= 1,000.
    pub speed: f64,
    /// Seed [1].
    pub seed: u64,
}

impl Default for ClassSettings {
    fn default() -> Self {
        Self {
            raters: 20,
            groups: 1,
            group_spread: 0.8,
            noise: 1.0,
            tie_rate: 0.1,
            position_bias: 0.0,
            random_share: 0.1,
            votes: 300,
            speed: 20.0,
            seed: 1,
        }
    }
}

impl ClassSettings {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<(), String> {
        let bad = |what: &str| Err(format!("Simulated class: {what}"));
        if !(1..=200).contains(&self.raters) {
            return bad("voters must be 1 to 200");
        }
        if !(1..=3).contains(&self.groups) || self.groups > self.raters {
            return bad("groups must be 1 to 3, and at most the number of voters");
        }
        if !(self.group_spread >= 0.0 && self.group_spread.is_finite()) {
            return bad("group spread must be ≥ 0");
        }
        if !(self.noise > 0.0 && self.noise.is_finite()) {
            return bad("noise must be > 0");
        }
        if !(0.0..=0.9).contains(&self.tie_rate) {
            return bad("tie rate must be 0 to 0.9");
        }
        if !(-3.0..=3.0).contains(&self.position_bias) {
            return bad("position bias must be −3 to 3");
        }
        if !(0.0..=1.0).contains(&self.random_share) {
            return bad("the share of random voters must be 0 to 1");
        }
        if !(1..=100_000).contains(&self.votes) {
            return bad("votes must be 1 to 100,000");
        }
        if !(1.0..=1000.0).contains(&self.speed) {
            return bad("speed must be 1 to 1,000 votes per second");
        }
        Ok(())
    }
}

/// A simulated class in progress: its ballots, handed out a few at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassRun {
    ballots: Vec<Ballot>,
    next: usize,
    seed: u64,
}

impl ClassRun {
    /// Ballots handed out so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// Ballots in all.
    pub fn total(&self) -> usize {
        self.ballots.len()
    }

    /// The next `n` ballots (fewer at the end), stamped with `now_ms`.
    pub fn take(&mut self, n: usize, now_ms: f64) -> Vec<Ballot> {
        let end = (self.next + n).min(self.ballots.len());
        let out: Vec<Ballot> = self.ballots[self.next..end]
            .iter()
            .enumerate()
            .map(|(k, b)| Ballot {
                id: BallotId::of(
                    now_ms,
                    &format!("sim{:x}", self.seed),
                    (self.next + k) as u64,
                ),
                time_ms: now_ms,
                ..b.clone()
            })
            .collect();
        self.next = end;
        out
    }
}

/// Prepares a class on the active deck: adds voters "Sim 1" … "Sim N",
/// records the truth (the population's utilities ÷ noise, centred, on
/// the scale of the fitted scores) for the deck, and returns the run.
pub fn start_class(workspace: &mut Workspace, s: &ClassSettings) -> Result<ClassRun, String> {
    s.check()?;
    let deck = workspace.deck().clone();
    let sim = simulate(&SimulationSettings {
        items: deck.items.len(),
        votes: s.votes,
        raters: s.raters,
        groups: s.groups,
        utility_sd: 1.0,
        group_spread: if s.groups > 1 { s.group_spread } else { 0.0 },
        temperature: s.noise,
        tie_rate: s.tie_rate,
        position_bias: s.position_bias,
        random_raters: s.random_share,
        adversarial_raters: 0.0,
        policy: PairPolicy::Balanced,
        seed: s.seed,
    })
    .map_err(|e| format!("Simulated class: {e}"))?;
    let voters: Vec<u32> = (1..=s.raters)
        .map(|r| {
            let name = format!("Sim {r}");
            match workspace.participants.iter().position(|p| *p == name) {
                Some(i) => i as u32,
                None => {
                    workspace.participants.push(name);
                    (workspace.participants.len() - 1) as u32
                }
            }
        })
        .collect();
    let prompt = Some(deck.question.clone()).filter(|q| !q.is_empty());
    let ballots = sim
        .table
        .rows
        .iter()
        .map(|r| Ballot {
            id: String::new(),
            participant: voters[r.rater.unwrap_or(0) as usize],
            prompt: prompt.clone(),
            time_ms: 0.0,
            observation: Observation::Pair {
                left: r.item_a,
                right: r.item_b,
                outcome: r.outcome,
            },
        })
        .collect();
    let mean = sim.utilities.iter().sum::<f64>() / sim.utilities.len() as f64;
    let truth = sim.utilities.iter().map(|u| (u - mean) / s.noise).collect();
    workspace.truths.insert(deck.id.clone(), truth);
    Ok(ClassRun {
        ballots,
        next: 0,
        seed: s.seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_class_streams_its_votes_with_voters_and_truth() {
        let mut w = Workspace::default();
        let s = ClassSettings {
            raters: 5,
            votes: 50,
            ..ClassSettings::default()
        };
        let mut run = start_class(&mut w, &s).unwrap();
        assert_eq!(run.total(), 50);
        assert_eq!(w.participants.len(), 6, "Me and Sim 1 … Sim 5");
        let truth = &w.truths["builtin-ice-cream"];
        assert_eq!(truth.len(), 12);
        assert!(truth.iter().sum::<f64>().abs() < 1e-9, "centred");
        let first = run.take(30, 1_700_000_000_000.0);
        let rest = run.take(30, 1_700_000_000_100.0);
        assert_eq!((first.len(), rest.len(), run.done()), (30, 20, 50));
        assert!(first[0].id < rest[0].id, "ids sort in the order streamed");
        assert!(first.iter().all(|b| b.participant >= 1));
        // The same seed gives the same class.
        let mut again = start_class(&mut Workspace::default(), &s).unwrap();
        let replay = again.take(30, 1_700_000_000_000.0);
        assert_eq!(replay, first);
    }

    #[test]
    fn settings_out_of_range_are_refused_with_a_reason() {
        for bad in [
            ClassSettings {
                raters: 0,
                ..ClassSettings::default()
            },
            ClassSettings {
                groups: 4,
                ..ClassSettings::default()
            },
            ClassSettings {
                noise: 0.0,
                ..ClassSettings::default()
            },
            ClassSettings {
                speed: f64::NAN,
                ..ClassSettings::default()
            },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
    }
}
