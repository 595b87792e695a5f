//! The leaderboard: a fit and the raw tallies, ranked.

use crate::Outcome;
use crate::data::dataset::Vote;

/// Per-item tally of raw outcomes, for the leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemRecord {
    /// Votes this item won.
    pub wins: u32,
    /// Votes this item lost.
    pub losses: u32,
    /// Votes on this item that were ties.
    pub ties: u32,
}

impl ItemRecord {
    /// Each of `n_items` items' wins, losses and ties in `votes` (votes
    /// naming an item ≥ `n_items` are skipped).
    pub fn tally(n_items: usize, votes: &[Vote]) -> Vec<ItemRecord> {
        let mut records = vec![ItemRecord::default(); n_items];
        for v in votes {
            if v.item_a >= n_items || v.item_b >= n_items {
                continue;
            }
            let (w, l) = match v.outcome {
                Outcome::A => (v.item_a, v.item_b),
                Outcome::B => (v.item_b, v.item_a),
                Outcome::Tie | Outcome::BothBad => {
                    records[v.item_a].ties = records[v.item_a].ties.saturating_add(1);
                    records[v.item_b].ties = records[v.item_b].ties.saturating_add(1);
                    continue;
                }
            };
            records[w].wins = records[w].wins.saturating_add(1);
            records[l].losses = records[l].losses.saturating_add(1);
        }
        records
    }
}

/// Two-sided 95% normal quantile used for the intervals (±1.96·SE).
pub const Z_95: f64 = 1.96;

/// One row of the leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderboardRow {
    /// 1-based position in the sorted table.
    pub rank: usize,
    /// The item's index.
    pub item: usize,
    /// Score (log-strength, centred).
    pub score: f64,
    /// Standard error of the score.
    pub standard_error: f64,
    /// Lower end of the 95% interval, score − 1.96·SE.
    pub ci_low: f64,
    /// Upper end of the 95% interval, score + 1.96·SE.
    pub ci_high: f64,
    /// Raw wins, losses and ties.
    pub record: ItemRecord,
    /// The ranks the intervals allow, best and worst (see
    /// [`rank_intervals`]).
    pub rank_interval: (usize, usize),
}

/// Rows from any model's scores and 95% intervals (`(s, s)` where a model
/// has none, e.g. Elo), sorted by score, highest first; equal scores keep
/// `labels` order (alphabetical by label), so the page and the CLI list
/// them alike. The standard error is the interval's half-width ÷ 1.96.
pub fn rank_rows(
    scores: &[f64],
    intervals: &[(f64, f64)],
    records: &[ItemRecord],
    labels: &[String],
) -> Vec<LeaderboardRow> {
    let mut order: Vec<usize> = (0..scores.len().min(intervals.len())).collect();
    order.sort_by(|&a, &b| {
        scores[b]
            .total_cmp(&scores[a])
            .then_with(|| labels.get(a).cmp(&labels.get(b)))
    });
    let ranks = rank_intervals(intervals);
    order
        .into_iter()
        .enumerate()
        .map(|(pos, item)| {
            let (low, high) = intervals[item];
            LeaderboardRow {
                rank: pos + 1,
                item,
                score: scores[item],
                standard_error: (high - low) / (2.0 * Z_95),
                ci_low: low,
                ci_high: high,
                record: records.get(item).copied().unwrap_or_default(),
                rank_interval: ranks[item],
            }
        })
        .collect()
}

/// Each item's rank interval from the score intervals `(low, high)`: the
/// best rank is 1 + the items whose interval lies wholly above its own,
/// the worst is n − the items whose interval lies wholly below. An item
/// whose interval overlaps everyone's can be anywhere, 1 … n. (The
/// non-overlap rule is conservative: two 95% intervals that overlap a
/// little can still differ at 95%; Goldstein & Healy 1995, "The graphical
/// presentation of a collection of means", JRSS A 158, 175–177.)
pub fn rank_intervals(intervals: &[(f64, f64)]) -> Vec<(usize, usize)> {
    let n = intervals.len();
    intervals
        .iter()
        .map(|&(low, high)| {
            let above = intervals.iter().filter(|&&(l, _)| l > high).count();
            let below = intervals.iter().filter(|&&(_, h)| h < low).count();
            (1 + above, n - below)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_ranked() {
        let scores = [-1.0, 2.0, 0.5];
        let intervals: Vec<(f64, f64)> = scores
            .iter()
            .zip([0.1, 0.2, 0.3])
            .map(|(s, se)| (s - Z_95 * se, s + Z_95 * se))
            .collect();
        let labels: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let rows = rank_rows(&scores, &intervals, &[ItemRecord::default(); 3], &labels);
        assert_eq!(
            rows.iter().map(|r| r.item).collect::<Vec<_>>(),
            vec![1, 2, 0]
        );
        assert_eq!(rows[0].rank, 1);
        assert!((rows[0].ci_low - (2.0 - 1.96 * 0.2)).abs() < 1e-15);
        // y [1.61, 2.39], z [−0.09, 1.09] and x [−1.2, −0.8] are apart.
        assert_eq!(rows[0].rank_interval, (1, 1));
        assert_eq!(rows[2].rank_interval, (3, 3));
    }

    #[test]
    fn tallies_count_wins_losses_and_ties() {
        let votes = [
            Vote::new(0, 1, Outcome::A),
            Vote::new(1, 0, Outcome::A),
            Vote::new(2, 0, Outcome::Tie),
            Vote::new(0, 9, Outcome::A),
        ];
        let r = ItemRecord::tally(3, &votes);
        assert_eq!((r[0].wins, r[0].losses, r[0].ties), (1, 1, 1));
        assert_eq!((r[1].wins, r[1].losses, r[1].ties), (1, 1, 0));
        assert_eq!((r[2].wins, r[2].losses, r[2].ties), (0, 0, 1));
    }

    #[test]
    fn rank_intervals_widen_where_intervals_overlap() {
        let ranks = rank_intervals(&[(2.0, 3.0), (1.5, 2.5), (0.0, 1.0), (-5.0, 5.0)]);
        assert_eq!(ranks, vec![(1, 3), (1, 3), (3, 4), (1, 4)]);
    }
}
