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
#[cfg(test)]
mod tests;

mod ballot_id;
pub use ballot_id::BallotId;
pub use deck::{Deck, DeckItem, DeckKind, parse_csv_deck};

use serde::{Deserialize, Serialize};

use crate::data::rankings::Ranking;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::{Error, Result, Vote};

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

/// Which ballots a view uses: everyone's (pooled) or one participant's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    /// Every participant's ballots together.
    #[default]
    Pooled,
    /// Only this participant's ballots.
    Participant(u32),
}

impl View {
    /// Whether a ballot by `participant` is in the view.
    pub fn includes(self, participant: u32) -> bool {
        match self {
            View::Pooled => true,
            View::Participant(p) => p == participant,
        }
    }
}

/// The pairwise table of the ballots in `view`: one row per implied pair
/// (count 1, prompt kept, rater = participant name), then the rating rows.
/// Pair votes give the left item the order advantage; rows implied by
/// best-of-k, rankings and ratings have none.
pub fn pair_table(
    items: &[String],
    participants: &[String],
    ballots: &[Ballot],
    view: View,
) -> Result<PairTable> {
    let mut table = PairTable::with_items(items);
    let n_items = table.items().len();
    let mut rater_ids = Vec::with_capacity(participants.len());
    for name in participants {
        rater_ids.push(table.rater_id(name));
    }
    let rater = |p: u32, table: &mut PairTable| match rater_ids.get(p as usize) {
        Some(&id) => id,
        None => table.rater_id(&format!("participant {p}")),
    };
    let chosen = ballots.iter().filter(|b| view.includes(b.participant));
    for (position, b) in ballots.iter().enumerate() {
        if !view.includes(b.participant) {
            continue;
        }
        b.observation
            .check(n_items)
            .map_err(|message| Error::InvalidBallot {
                ballot: position,
                message,
            })?;
        let advantage = match b.observation {
            Observation::Pair { .. } => Advantage::A,
            _ => Advantage::None,
        };
        for (a, bb, outcome) in b.implied_pairs() {
            let row = PairRow {
                item_a: a,
                item_b: bb,
                outcome,
                advantage,
                count: 1,
                rater: Some(rater(b.participant, &mut table)),
            };
            table.push(row, &[])?;
            table.prompts.push(b.prompt.clone().unwrap_or_default());
        }
    }
    for (participant, better, worse) in rating_pairs(chosen) {
        let row = PairRow {
            item_a: better,
            item_b: worse,
            outcome: Outcome::A,
            advantage: Advantage::None,
            count: 1,
            rater: Some(rater(participant, &mut table)),
        };
        table.push(row, &[])?;
        table.prompts.push(String::new());
    }
    if table.prompts.iter().all(String::is_empty) {
        table.prompts.clear();
    }
    Ok(table)
}

/// The skeleton Bradley–Terry fit's votes for the ballots in `view`
/// ("both bad" counts as a tie, as in [`crate::models::pairwise`]). Ballots that
/// name items outside `n_items` are left out.
pub fn fit_votes(n_items: usize, ballots: &[Ballot], view: View) -> Vec<Vote> {
    let chosen: Vec<&Ballot> = ballots
        .iter()
        .filter(|b| view.includes(b.participant) && b.observation.check(n_items).is_ok())
        .collect();
    let mut votes = Vec::with_capacity(chosen.len());
    for b in &chosen {
        for (a, bb, outcome) in b.implied_pairs() {
            votes.push(Vote::new(a as usize, bb as usize, outcome));
        }
    }
    for (_, better, worse) in rating_pairs(chosen) {
        votes.push(Vote::new(better as usize, worse as usize, Outcome::A));
    }
    votes
}

/// The rankings of the `view`'s valid ballots, for Plackett–Luce: a
/// ranking as cast; a best-of-k choice as the chosen item above the
/// k − 1 others, unranked; a pair vote as a ranking of two (ties and
/// "both bad" say nothing about order and are left out); thumbs and
/// Likert scores as the [`rating_pairs`] rows, each a ranking of two.
pub fn fit_rankings(n_items: usize, ballots: &[Ballot], view: View) -> Vec<Ranking> {
    let chosen: Vec<&Ballot> = ballots
        .iter()
        .filter(|b| view.includes(b.participant) && b.observation.check(n_items).is_ok())
        .collect();
    let ranking = |order: Vec<u32>, unranked: Vec<u32>| Ranking {
        order,
        unranked,
        count: 1,
        rater: None,
    };
    let mut out = Vec::with_capacity(chosen.len());
    for b in &chosen {
        match &b.observation {
            Observation::Pair {
                left,
                right,
                outcome,
            } => match outcome {
                Outcome::A => out.push(ranking(vec![*left, *right], Vec::new())),
                Outcome::B => out.push(ranking(vec![*right, *left], Vec::new())),
                Outcome::Tie | Outcome::BothBad => {}
            },
            Observation::BestOf { shown, chosen } => out.push(ranking(
                vec![*chosen],
                shown.iter().copied().filter(|i| i != chosen).collect(),
            )),
            Observation::Ranking { order } => out.push(ranking(order.clone(), Vec::new())),
            Observation::Thumb { .. } | Observation::Likert { .. } => {}
        }
    }
    for (_, better, worse) in rating_pairs(chosen) {
        out.push(ranking(vec![better, worse], Vec::new()));
    }
    out
}

/// A rough count of further comparisons until the top `k` is separated
/// from the rest at 95%: the gap between the k-th and (k + 1)-th score
/// must exceed 1.96 standard errors of their difference, and standard
/// errors shrink as 1/√(comparisons), so
/// n_more = n·((1.96·se_diff / gap)² − 1). `None` when it cannot be
/// estimated (fewer than k + 1 items, no comparisons yet, a zero gap);
/// `Some(0)` when already separated. Assumes new comparisons are spread
/// like the old ones.
pub fn comparisons_to_separate_top(
    scores: &[f64],
    standard_errors: &[f64],
    n_comparisons: usize,
    k: usize,
) -> Option<u64> {
    if k == 0 || scores.len() <= k || standard_errors.len() != scores.len() || n_comparisons == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (inside, outside) = (order[k - 1], order[k]);
    let gap = scores[inside] - scores[outside];
    let se_diff = standard_errors[inside].hypot(standard_errors[outside]);
    if gap.is_nan() || gap <= 0.0 || !se_diff.is_finite() {
        return None;
    }
    let ratio = 1.96 * se_diff / gap;
    let more = n_comparisons as f64 * (ratio * ratio - 1.0);
    Some(if more <= 0.0 { 0 } else { more.ceil() as u64 })
}
