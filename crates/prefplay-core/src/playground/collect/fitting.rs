//! The ballots as the models read them: a view (pooled or one voter's),
//! the pairwise table, votes and rankings, and how many more comparisons
//! would separate the top items.

use serde::{Deserialize, Serialize};

use super::{Ballot, Observation, rating_pairs};
use crate::data::rankings::Ranking;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::{Error, Result, Vote};

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
