//! The data model: items and the votes cast on them.
//!
//! This is the skeleton of the versioned `Dataset` in DESIGN.md: for now it
//! holds pairwise votes only (A better, B better, tie). Skips are not votes
//! and are not stored here.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The outcome of one pairwise vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Winner {
    /// `item_a` (the left one) was preferred.
    A,
    /// `item_b` (the right one) was preferred.
    B,
    /// Neither was preferred.
    Tie,
}

impl Winner {
    /// The spelling used in CSV files: `a`, `b` or `tie`.
    pub fn as_str(self) -> &'static str {
        match self {
            Winner::A => "a",
            Winner::B => "b",
            Winner::Tie => "tie",
        }
    }

    /// Parses `a`, `b` or `tie` (ASCII case and surrounding spaces ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("a") {
            Some(Winner::A)
        } else if t.eq_ignore_ascii_case("b") {
            Some(Winner::B)
        } else if t.eq_ignore_ascii_case("tie") {
            Some(Winner::Tie)
        } else {
            None
        }
    }
}

/// One pairwise vote. `item_a` is the item that was shown on the left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    /// Index of the item shown on the left (listed first).
    pub item_a: usize,
    /// Index of the item shown on the right (listed second).
    pub item_b: usize,
    /// Which side won, or a tie.
    pub winner: Winner,
}

impl Vote {
    /// A vote with `item_a` shown on the left.
    pub const fn new(item_a: usize, item_b: usize, winner: Winner) -> Self {
        Self {
            item_a,
            item_b,
            winner,
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
        let bad = vec![Vote::new(0, 3, Winner::A)];
        assert!(matches!(
            Dataset::new(labels(3), bad),
            Err(Error::ItemOutOfRange {
                vote: 0,
                item: 3,
                n_items: 3
            })
        ));
        let selfie = vec![Vote::new(1, 1, Winner::Tie)];
        assert!(matches!(
            Dataset::new(labels(3), selfie),
            Err(Error::SelfComparison { .. })
        ));
    }

    #[test]
    fn winner_round_trips_through_text() {
        for w in [Winner::A, Winner::B, Winner::Tie] {
            assert_eq!(Winner::parse(w.as_str()), Some(w));
        }
        assert_eq!(Winner::parse(" TIE "), Some(Winner::Tie));
        assert_eq!(Winner::parse("left"), None);
    }
}
