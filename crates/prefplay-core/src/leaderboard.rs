//! The leaderboard: a fit and the raw tallies, ranked.

use crate::{BtFit, ItemRecord};

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
}

/// Rows sorted by score, highest first; equal scores keep `labels` order
/// (alphabetical by label), so the page and the CLI list them alike.
pub fn leaderboard(fit: &BtFit, records: &[ItemRecord], labels: &[String]) -> Vec<LeaderboardRow> {
    let mut order: Vec<usize> = (0..fit.scores.len()).collect();
    order.sort_by(|&a, &b| {
        fit.scores[b]
            .total_cmp(&fit.scores[a])
            .then_with(|| labels.get(a).cmp(&labels.get(b)))
    });
    order
        .into_iter()
        .enumerate()
        .map(|(pos, item)| {
            let (score, se) = (fit.scores[item], fit.standard_errors[item]);
            LeaderboardRow {
                rank: pos + 1,
                item,
                score,
                standard_error: se,
                ci_low: score - Z_95 * se,
                ci_high: score + Z_95 * se,
                record: records.get(item).copied().unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NewtonStatus;

    #[test]
    fn rows_are_sorted_and_ranked() {
        let fit = BtFit {
            scores: vec![-1.0, 2.0, 0.5],
            standard_errors: vec![0.1, 0.2, 0.3],
            log_posterior: 0.0,
            iterations: 1,
            status: NewtonStatus::Converged,
        };
        let labels: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let rows = leaderboard(&fit, &[ItemRecord::default(); 3], &labels);
        assert_eq!(
            rows.iter().map(|r| r.item).collect::<Vec<_>>(),
            vec![1, 2, 0]
        );
        assert_eq!(rows[0].rank, 1);
        assert!((rows[0].ci_low - (2.0 - 1.96 * 0.2)).abs() < 1e-15);
    }
}
