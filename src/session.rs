//! The voting session: the current pair, votes, skips and undo. Pure logic
//! (no DOM), so it is tested directly.

use prefplay_core::selection::{PairExposures, least_compared_pair};
use prefplay_core::{Vote, Winner};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

/// What a button or key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The left item is better.
    Left,
    /// The right item is better.
    Right,
    /// Neither is better.
    Tie,
    /// Show another pair; nothing is recorded.
    Skip,
    /// Take back the last vote and show its pair again.
    Undo,
}

/// Items, votes and the pair on screen.
#[derive(Debug, Clone)]
pub struct Session {
    n_items: usize,
    votes: Vec<Vote>,
    /// Pairs skipped in this tab; they count as shown when choosing the next pair.
    skipped: Vec<(usize, usize)>,
    /// (left, right) on screen.
    pair: Option<(usize, usize)>,
    rng: Pcg64Mcg,
}

impl Session {
    /// A session over `n_items` items with the stored `votes`; `seed` drives
    /// pair choice and sides.
    pub fn new(n_items: usize, votes: Vec<Vote>, seed: u64) -> Self {
        let mut session = Self {
            n_items,
            votes,
            skipped: Vec::new(),
            pair: None,
            rng: Pcg64Mcg::seed_from_u64(seed),
        };
        session.choose_next();
        session
    }

    /// The votes, oldest first.
    pub fn votes(&self) -> &[Vote] {
        &self.votes
    }

    /// The pair on screen as (left, right), if there are two items.
    pub fn pair(&self) -> Option<(usize, usize)> {
        self.pair
    }

    /// Applies an action; returns whether the votes changed.
    pub fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::Left | Action::Right | Action::Tie => {
                let Some((item_a, item_b)) = self.pair else {
                    return false;
                };
                let winner = match action {
                    Action::Left => Winner::A,
                    Action::Right => Winner::B,
                    _ => Winner::Tie,
                };
                self.votes.push(Vote {
                    item_a,
                    item_b,
                    winner,
                });
                self.choose_next();
                true
            }
            Action::Skip => {
                if let Some(p) = self.pair {
                    self.skipped.push(p);
                }
                self.choose_next();
                false
            }
            Action::Undo => match self.votes.pop() {
                Some(v) => {
                    self.pair = Some((v.item_a, v.item_b));
                    true
                }
                None => false,
            },
        }
    }

    /// Drops every vote and skip.
    pub fn reset(&mut self) {
        self.votes.clear();
        self.skipped.clear();
        self.choose_next();
    }

    fn choose_next(&mut self) {
        let mut exposures = PairExposures::new(self.n_items);
        for v in &self.votes {
            exposures.record(v.item_a, v.item_b);
        }
        for &(a, b) in &self.skipped {
            exposures.record(a, b);
        }
        self.pair = least_compared_pair(&exposures, &mut self.rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn votes_record_the_shown_sides_and_undo_restores_the_pair() {
        let mut s = Session::new(4, Vec::new(), 3);
        let (l, r) = s.pair().unwrap();
        assert!(s.apply(Action::Right));
        assert_eq!(s.votes(), &[Vote::new(l, r, Winner::B)]);
        assert!(s.apply(Action::Undo));
        assert!(s.votes().is_empty());
        assert_eq!(s.pair(), Some((l, r)));
        assert!(!s.apply(Action::Undo), "nothing left to undo");
    }

    #[test]
    fn skip_moves_on_without_recording() {
        let mut s = Session::new(3, Vec::new(), 5);
        let first = s.pair().unwrap();
        assert!(!s.apply(Action::Skip));
        assert!(s.votes().is_empty());
        let next = s.pair().unwrap();
        let unordered = |(a, b): (usize, usize)| (a.min(b), a.max(b));
        assert_ne!(unordered(first), unordered(next));
    }

    #[test]
    fn reset_clears_votes() {
        let mut s = Session::new(3, Vec::new(), 1);
        s.apply(Action::Tie);
        s.reset();
        assert!(s.votes().is_empty());
        assert!(s.pair().is_some());
    }
}
