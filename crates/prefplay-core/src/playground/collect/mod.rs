//! What the playground collects: ballots in every voting mode, who cast
//! them and under which prompt, and how they become pairwise comparisons
//! for the models.
//!
//! Items are indices into the deck's item list (`u32`). Every mode reduces
//! to pairwise rows ([`Ballot::implied_pairs`]):
//!
//! | mode | rows |
//! |---|---|
//! | pair | the vote itself (left is `item_a`); "both bad" is kept as [`Outcome::BothBad`] |
//! | best of k | the chosen item beats each other shown item (k − 1 rows) |
//! | ranking | every implied pair, higher beats lower (k(k − 1)/2 rows; the rank-breaking of Plackett–Luce data) |
//! | thumb, Likert | none alone; [`rating_pairs`] compares one participant's ratings |
//!
//! Thumbs and Likert scores are absolute judgements: a participant's
//! scales are comparable only with each other, so [`rating_pairs`] turns
//! each participant's latest rating per item into "higher beats lower"
//! rows between items they rated differently (equal ratings say nothing
//! about order and give no row). This is the ratings-to-comparisons
//! reduction of e.g. Negahban, Oh & Shah, "Rank Centrality" (2017), §1.

mod deck;
mod fitting;
#[cfg(test)]
mod tests;

mod ballot_id;
pub use ballot_id::BallotId;
pub use deck::{Deck, DeckItem, DeckKind, parse_csv_deck};
pub use fitting::{View, comparisons_to_separate_top, fit_rankings, fit_votes, pair_table};

use serde::{Deserialize, Serialize};

use crate::data::table::Outcome;

/// Likert scores run from 1 to this.
pub const LIKERT_MAX: u8 = 5;
/// Best-of-k shows at least this many items.
pub const BEST_OF_MIN: usize = 3;
/// Best-of-k shows at most this many items.
pub const BEST_OF_MAX: usize = 6;

/// One judgement, in the mode it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Observation {
    /// Two items side by side; `outcome` is relative to (left, right).
    Pair {
        /// Item shown on the left.
        left: u32,
        /// Item shown on the right.
        right: u32,
        /// A: left better, B: right better, tie, or both bad.
        outcome: Outcome,
    },
    /// k items shown in this order; one chosen as the best.
    BestOf {
        /// Items in the order shown.
        shown: Vec<u32>,
        /// The chosen one (one of `shown`).
        chosen: u32,
    },
    /// A full ranking of the shown items, best first.
    Ranking {
        /// Items, best first.
        order: Vec<u32>,
    },
    /// Thumbs up or down on one item.
    Thumb {
        /// The item.
        item: u32,
        /// Up (liked) or down.
        up: bool,
    },
    /// A Likert score from 1 (worst) to [`LIKERT_MAX`] on one item.
    Likert {
        /// The item.
        item: u32,
        /// 1 ..= 5.
        score: u8,
    },
}

/// One observation with who gave it, under which prompt, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ballot {
    /// Unique id ([`BallotId`]), so that merging files twice keeps one
    /// copy; empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Index of the participant (into the page's participant list).
    pub participant: u32,
    /// The question shown above the items, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// When it was cast, milliseconds since the Unix epoch.
    #[serde(default)]
    pub time_ms: f64,
    /// What was chosen.
    pub observation: Observation,
}

impl Observation {
    /// Checks item indices against `n_items`, the best-of-k size, distinct
    /// items and the Likert range.
    pub fn check(&self, n_items: usize) -> std::result::Result<(), String> {
        let bad = Err;
        let in_range = |i: u32| (i as usize) < n_items;
        let distinct = |items: &[u32]| {
            items
                .iter()
                .enumerate()
                .all(|(k, a)| !items[..k].contains(a))
        };
        match self {
            Observation::Pair { left, right, .. } => {
                if !in_range(*left) || !in_range(*right) || left == right {
                    return bad(format!(
                        "pair ({left}, {right}) needs two different items below {n_items}"
                    ));
                }
            }
            Observation::BestOf { shown, chosen } => {
                if !(BEST_OF_MIN..=BEST_OF_MAX).contains(&shown.len()) {
                    return bad(format!(
                        "best of {} shown items; k must be {BEST_OF_MIN} to {BEST_OF_MAX}",
                        shown.len()
                    ));
                }
                if !shown.iter().all(|&i| in_range(i)) || !distinct(shown) {
                    return bad(format!(
                        "best-of items {shown:?} must be distinct and below {n_items}"
                    ));
                }
                if !shown.contains(chosen) {
                    return bad(format!("chosen item {chosen} was not shown ({shown:?})"));
                }
            }
            Observation::Ranking { order } => {
                if order.len() < 2 || !order.iter().all(|&i| in_range(i)) || !distinct(order) {
                    return bad(format!(
                        "a ranking needs two or more distinct items below {n_items}, got {order:?}"
                    ));
                }
            }
            Observation::Thumb { item, .. } => {
                if !in_range(*item) {
                    return bad(format!("thumb on item {item}, but there are {n_items}"));
                }
            }
            Observation::Likert { item, score } => {
                if !in_range(*item) {
                    return bad(format!("rating of item {item}, but there are {n_items}"));
                }
                if !(1..=LIKERT_MAX).contains(score) {
                    return bad(format!("Likert score {score} is outside 1 to {LIKERT_MAX}"));
                }
            }
        }
        Ok(())
    }

    /// Every item this observation mentions, in display order.
    pub fn items(&self) -> Vec<u32> {
        match self {
            Observation::Pair { left, right, .. } => vec![*left, *right],
            Observation::BestOf { shown, .. } => shown.clone(),
            Observation::Ranking { order } => order.clone(),
            Observation::Thumb { item, .. } | Observation::Likert { item, .. } => vec![*item],
        }
    }
}

impl Ballot {
    /// The pairwise rows this ballot implies on its own, as
    /// `(item_a, item_b, outcome)` (see the module table; ratings give none).
    pub fn implied_pairs(&self) -> Vec<(u32, u32, Outcome)> {
        match &self.observation {
            Observation::Pair {
                left,
                right,
                outcome,
            } => vec![(*left, *right, *outcome)],
            Observation::BestOf { shown, chosen } => shown
                .iter()
                .filter(|&i| i != chosen)
                .map(|&other| (*chosen, other, Outcome::A))
                .collect(),
            Observation::Ranking { order } => {
                let mut rows = Vec::with_capacity(order.len() * (order.len() - 1) / 2);
                for (k, &better) in order.iter().enumerate() {
                    for &worse in &order[k + 1..] {
                        rows.push((better, worse, Outcome::A));
                    }
                }
                rows
            }
            Observation::Thumb { .. } | Observation::Likert { .. } => Vec::new(),
        }
    }
}

/// Rows from ratings: for each participant, the latest thumb or Likert
/// score per item (a thumb counts as 1 down, [`LIKERT_MAX`] up, so the two
/// scales share one order), then "higher beats lower" for every pair of
/// items the participant rated differently. Rows come as
/// `(participant, better, worse)`, in participant then item order.
pub fn rating_pairs<'a>(ballots: impl IntoIterator<Item = &'a Ballot>) -> Vec<(u32, u32, u32)> {
    use std::collections::BTreeMap;
    // participant → item → latest score.
    let mut latest: BTreeMap<u32, BTreeMap<u32, u8>> = BTreeMap::new();
    for b in ballots {
        let (item, score) = match b.observation {
            Observation::Thumb { item, up } => (item, if up { LIKERT_MAX } else { 1 }),
            Observation::Likert { item, score } => (item, score),
            _ => continue,
        };
        latest.entry(b.participant).or_default().insert(item, score);
    }
    let mut rows = Vec::new();
    for (participant, scores) in latest {
        let scores: Vec<(u32, u8)> = scores.into_iter().collect();
        for (k, &(a, sa)) in scores.iter().enumerate() {
            for &(b, sb) in &scores[k + 1..] {
                if sa > sb {
                    rows.push((participant, a, b));
                } else if sb > sa {
                    rows.push((participant, b, a));
                }
            }
        }
    }
    rows
}
