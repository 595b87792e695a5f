//! Scores as votes arrive: Bradley–Terry refitted on growing prefixes of
//! the votes (each fit warm-started from the last), for charts that set
//! it beside Elo's one-pass ratings ([`crate::models::elo::elo_trajectory`]).

use crate::data::table::PairTable;
use crate::models::pairwise::{PairwiseModel, PairwiseSettings};
use crate::{Dataset, Result, Vote};

/// Vote counts at which to refit: about `points` of them, evenly spaced,
/// always ending at `n_votes` (none when there are no votes).
pub fn checkpoints(n_votes: usize, points: usize) -> Vec<usize> {
    if n_votes == 0 || points == 0 {
        return Vec::new();
    }
    let step = n_votes.div_ceil(points).max(1);
    let mut at: Vec<usize> = (1..=n_votes / step).map(|k| k * step).collect();
    if at.last() != Some(&n_votes) {
        at.push(n_votes);
    }
    at
}

/// Plain BT scores (ties as halves, prior `l2`) after the first `c` votes
/// for each `c` in `at` (ascending): one row of `labels.len()` scores per
/// checkpoint, each fit warm-started from the last.
pub fn bt_trajectory(
    labels: &[String],
    votes: &[Vote],
    at: &[usize],
    l2: f64,
) -> Result<Vec<Vec<f64>>> {
    let settings = PairwiseSettings {
        l2,
        ..PairwiseSettings::default()
    };
    let mut rows: Vec<Vec<f64>> = Vec::with_capacity(at.len());
    for &c in at {
        let data = Dataset::new(labels.to_vec(), votes[..c.min(votes.len())].to_vec())?;
        let mut model = PairwiseModel::new(&PairTable::from_dataset(&data), settings.clone())?;
        let fit = model.fit(rows.last().map(Vec::as_slice));
        rows.push(fit.scores);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;

    #[test]
    fn checkpoints_are_even_and_end_at_the_last_vote() {
        assert_eq!(checkpoints(10, 4), vec![3, 6, 9, 10]);
        assert_eq!(checkpoints(3, 10), vec![1, 2, 3]);
        assert!(checkpoints(0, 5).is_empty());
    }

    #[test]
    fn the_last_row_is_the_fit_on_every_vote_and_order_does_not_matter() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let votes = vec![
            Vote::new(0, 1, Outcome::A),
            Vote::new(1, 2, Outcome::A),
            Vote::new(0, 2, Outcome::A),
            Vote::new(2, 0, Outcome::A),
        ];
        let s = crate::models::pairwise::DEFAULT_L2;
        let forward = bt_trajectory(&labels, &votes, &checkpoints(4, 2), s).unwrap();
        let mut reversed = votes.clone();
        reversed.reverse();
        let backward = bt_trajectory(&labels, &reversed, &[4], s).unwrap();
        assert_eq!(forward.len(), 2);
        for (x, y) in forward[1].iter().zip(&backward[0]) {
            assert!((x - y).abs() < 1e-6, "{x} vs {y}");
        }
        assert!(forward[1][0] > forward[1][2]);
    }
}
