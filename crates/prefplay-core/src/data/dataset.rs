//! The data model: items and the votes cast on them.
//!
//! This is the skeleton of the versioned `Dataset` in DESIGN.md: for now it
//! holds pairwise votes only (A better, B better, tie). Skips are not votes
//! and are not stored here.

use serde::{Deserialize, Serialize};

use crate::{Error, Outcome, Result};

/// One pairwise vote. `item_a` is the item that was shown on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// Index of the item shown on the left (listed first).
    pub item_a: usize,
    /// Index of the item shown on the right (listed second).
    pub item_b: usize,
    /// Which side won, or a tie (`both_bad` counts as a tie). Stored as
    /// `winner` by the first version of the page.
    #[serde(alias = "winner")]
    pub outcome: Outcome,
}

impl Vote {
    /// A vote with `item_a` shown on the left.
    pub const fn new(item_a: usize, item_b: usize, outcome: Outcome) -> Self {
        Self {
            item_a,
            item_b,
            outcome,
        }
    }
}

/// Items (by label) and the votes cast on them, checked for consistency.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    items: Vec<String>,
    votes: Vec<Vote>,
}

impl Dataset {
    /// Builds a dataset, checking that every vote names two different,
    /// existing items.
    pub fn new(items: Vec<String>, votes: Vec<Vote>) -> Result<Self> {
        for (k, v) in votes.iter().enumerate() {
            check_vote(k, v, items.len())?;
        }
        Ok(Self { items, votes })
    }

    /// Item labels; an item's index is its position here.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// The votes, oldest first.
    pub fn votes(&self) -> &[Vote] {
        &self.votes
    }

    /// Index of the item with this exact label, if any.
    pub fn item_index(&self, label: &str) -> Option<usize> {
        self.items.iter().position(|l| l == label)
    }
}

/// Checks that vote `k` names two different items below `n_items`.
pub(crate) fn check_vote(k: usize, v: &Vote, n_items: usize) -> Result<()> {
    for item in [v.item_a, v.item_b] {
        if item >= n_items {
            return Err(Error::ItemOutOfRange {
                vote: k,
                item,
                n_items,
            });
        }
    }
    if v.item_a == v.item_b {
        return Err(Error::SelfComparison {
            vote: k,
            item: v.item_a,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item {i}")).collect()
    }

    #[test]
    fn rejects_out_of_range_and_self_votes() {
        let bad = vec![Vote::new(0, 3, Outcome::A)];
        assert!(matches!(
            Dataset::new(labels(3), bad),
            Err(Error::ItemOutOfRange {
                vote: 0,
                item: 3,
                n_items: 3
            })
        ));
        let selfie = vec![Vote::new(1, 1, Outcome::Tie)];
        assert!(matches!(
            Dataset::new(labels(3), selfie),
            Err(Error::SelfComparison { .. })
        ));
    }

    #[test]
    fn a_vote_stored_by_the_first_version_still_reads() {
        let v: Vote = serde_json::from_str(r#"{"item_a":0,"item_b":1,"winner":"tie"}"#).unwrap();
        assert_eq!(v, Vote::new(0, 1, Outcome::Tie));
    }
}
