//! Sufficient statistics: votes aggregated into a comparison graph.
//!
//! Bradley–Terry needs only the (tie-adjusted) win counts per pair, so votes
//! are aggregated once and the solvers iterate over distinct pairs. Ties count
//! as half a win for each side (the convention of Chatbot Arena's BT
//! leaderboard; Davidson and Rao–Kupper tie models come later).
//!
//! The graph is stored in compressed sparse rows (CSR): row `i` lists every
//! item `j` that `i` was compared with, so each pair appears twice, once in
//! each row. This is the layout the GPU kernel reads: one thread per row, no
//! atomics needed.

use std::collections::BTreeMap;

use crate::Dataset;
use crate::dataset::Winner;
use crate::table::{Outcome, PairTable};

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

/// Win counts aggregated per pair, in CSR layout (see the module docs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ComparisonGraph {
    /// `row_start[i]..row_start[i + 1]` indexes row `i`'s entries; length `n_items + 1`.
    pub row_start: Vec<u32>,
    /// Entry `e`'s opponent item `j`.
    pub opponent: Vec<u32>,
    /// Entry `e` in row `i`: wins of `i` over `j`, ties counted as ½.
    pub wins_for: Vec<f64>,
    /// Entry `e` in row `i`: wins of `j` over `i`, ties counted as ½.
    pub wins_against: Vec<f64>,
    /// Raw per-item outcomes.
    pub records: Vec<ItemRecord>,
}

impl ComparisonGraph {
    /// Aggregates the dataset's votes.
    pub fn from_dataset(data: &Dataset) -> Self {
        let votes = data
            .votes()
            .iter()
            .map(|v| (v.item_a, v.item_b, v.winner, 1));
        Self::from_votes(data.items().len(), votes)
    }

    /// Aggregates a table's rows (ties and `both_bad` count as ties).
    pub fn from_table(table: &PairTable) -> Self {
        let votes = table.rows.iter().map(|r| {
            let winner = match r.outcome {
                Outcome::A => Winner::A,
                Outcome::B => Winner::B,
                Outcome::Tie | Outcome::BothBad => Winner::Tie,
            };
            (r.item_a as usize, r.item_b as usize, winner, r.count)
        });
        Self::from_votes(table.items().len(), votes)
    }

    /// Aggregates (item_a, item_b, winner, count) over `n` items.
    fn from_votes(n: usize, votes: impl Iterator<Item = (usize, usize, Winner, u32)>) -> Self {
        // (low, high) -> (wins of low, wins of high) with ties as halves.
        let mut cells: BTreeMap<(usize, usize), (f64, f64)> = BTreeMap::new();
        let mut records = vec![ItemRecord::default(); n];
        for (item_a, item_b, winner, count) in votes {
            let (lo, hi) = (item_a.min(item_b), item_a.max(item_b));
            let cell = cells.entry((lo, hi)).or_insert((0.0, 0.0));
            let weight = f64::from(count);
            let winner_item = match winner {
                Winner::A => Some(item_a),
                Winner::B => Some(item_b),
                Winner::Tie => None,
            };
            match winner_item {
                Some(w) => {
                    let loser = if w == item_a { item_b } else { item_a };
                    records[w].wins = records[w].wins.saturating_add(count);
                    records[loser].losses = records[loser].losses.saturating_add(count);
                    if w == lo {
                        cell.0 += weight;
                    } else {
                        cell.1 += weight;
                    }
                }
                None => {
                    records[item_a].ties = records[item_a].ties.saturating_add(count);
                    records[item_b].ties = records[item_b].ties.saturating_add(count);
                    cell.0 += 0.5 * weight;
                    cell.1 += 0.5 * weight;
                }
            }
        }
        let mut rows: Vec<Vec<(u32, f64, f64)>> = vec![Vec::new(); n];
        for (&(lo, hi), &(w_lo, w_hi)) in &cells {
            rows[lo].push((hi as u32, w_lo, w_hi));
            rows[hi].push((lo as u32, w_hi, w_lo));
        }
        let mut graph = ComparisonGraph {
            records,
            ..Self::default()
        };
        graph.row_start.push(0);
        for row in rows {
            for (j, wf, wa) in row {
                graph.opponent.push(j);
                graph.wins_for.push(wf);
                graph.wins_against.push(wa);
            }
            graph.row_start.push(graph.opponent.len() as u32);
        }
        graph
    }

    /// Number of items (rows).
    pub fn n_items(&self) -> usize {
        self.row_start.len().saturating_sub(1)
    }

    /// Number of CSR entries (twice the number of distinct compared pairs).
    pub fn n_entries(&self) -> usize {
        self.opponent.len()
    }

    /// Row `i`'s entry range.
    pub fn row(&self, i: usize) -> std::ops::Range<usize> {
        self.row_start[i] as usize..self.row_start[i + 1] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Vote;

    #[test]
    fn aggregates_pairs_in_both_rows_with_half_ties() {
        let votes = vec![
            Vote::new(0, 1, Winner::A),
            Vote::new(1, 0, Winner::A),
            Vote::new(1, 0, Winner::Tie),
            Vote::new(2, 0, Winner::B),
        ];
        let data = Dataset::new(vec!["x".into(), "y".into(), "z".into()], votes).unwrap();
        let g = ComparisonGraph::from_dataset(&data);
        assert_eq!(g.n_items(), 3);
        assert_eq!(g.n_entries(), 4);
        assert_eq!(g.row(0), 0..2);
        assert_eq!(g.opponent[0], 1);
        assert_eq!((g.wins_for[0], g.wins_against[0]), (1.5, 1.5));
        assert_eq!(g.opponent[1], 2);
        assert_eq!((g.wins_for[1], g.wins_against[1]), (1.0, 0.0));
        assert_eq!(
            g.records[0],
            ItemRecord {
                wins: 2,
                losses: 1,
                ties: 1
            }
        );
        assert_eq!(
            g.records[2],
            ItemRecord {
                wins: 0,
                losses: 1,
                ties: 0
            }
        );
    }
}
