//! Rank Centrality: scores from the stationary distribution of a random walk
//! on the comparison graph (Negahban, Oh & Shah, "Rank Centrality: Ranking
//! from Pairwise Comparisons", Operations Research 65(1), 2017, Alg. 1).
//!
//! From item i the walk moves to j with probability (1/d_max)·a_ji, where
//! a_ji is the share of i-vs-j comparisons that j won (ties count half) and
//! d_max the largest number of distinct opponents; it stays put otherwise.
//! Under Bradley–Terry the stationary probabilities are proportional to the
//! strengths, so log π is on the same scale as BT scores. A pseudo-count
//! `regularization` is added to both sides of each compared pair (the
//! paper's §3.3), so items that never lost or never won keep finite scores.

use rustc_hash::FxHashMap;

use crate::Result;
use crate::data::table::{Outcome, PairTable};
use crate::error::check_finite_above;

/// Settings for [`rank_centrality`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankCentralitySettings {
    /// Pseudo-wins added to each side of every compared pair. Default `1.0`;
    /// finite and ≥ 0 (0 needs a strongly connected graph).
    pub regularization: f64,
    /// Stop when the L1 change of π in one step is below this. Default `1e-12`.
    pub tolerance: f64,
    /// Power-iteration cap. Default `100_000`.
    pub max_iterations: u32,
}

impl Default for RankCentralitySettings {
    fn default() -> Self {
        Self {
            regularization: 1.0,
            tolerance: 1e-12,
            max_iterations: 100_000,
        }
    }
}

/// Per compared pair (i < j): wins of i over j and of j over i, ties
/// (and `both_bad`) as halves.
fn pair_wins(table: &PairTable) -> Vec<(usize, usize, f64, f64)> {
    let mut cells: FxHashMap<(u32, u32), (f64, f64)> = FxHashMap::default();
    for r in &table.rows {
        let (lo, hi) = (r.item_a.min(r.item_b), r.item_a.max(r.item_b));
        let cell = cells.entry((lo, hi)).or_insert((0.0, 0.0));
        let n = f64::from(r.count);
        let a_won = match r.outcome {
            Outcome::A => 1.0,
            Outcome::B => 0.0,
            Outcome::Tie | Outcome::BothBad => 0.5,
        };
        let (for_lo, for_hi) = if r.item_a == lo {
            (a_won, 1.0 - a_won)
        } else {
            (1.0 - a_won, a_won)
        };
        cell.0 += n * for_lo;
        cell.1 += n * for_hi;
    }
    let mut pairs: Vec<_> = cells
        .into_iter()
        .filter(|&((a, b), _)| a != b)
        .map(|((a, b), (wa, wb))| (a as usize, b as usize, wa, wb))
        .collect();
    pairs.sort_by_key(|&(a, b, _, _)| (a, b));
    pairs
}

/// Log stationary probabilities, centred to mean 0 (comparable to BT scores).
/// Items with no comparisons get 0.
pub fn rank_centrality(table: &PairTable, settings: RankCentralitySettings) -> Result<Vec<f64>> {
    let r = settings.regularization;
    check_finite_above("regularization", r, 0.0, true, "must be finite and >= 0")?;
    let tol = settings.tolerance;
    check_finite_above("tolerance", tol, 0.0, false, "must be finite and > 0")?;
    let n = table.items().len();
    let pairs = pair_wins(table);
    let mut degree = vec![0usize; n];
    for &(a, b, _, _) in &pairs {
        degree[a] += 1;
        degree[b] += 1;
    }
    let d_max = degree.iter().copied().max().unwrap_or(0).max(1) as f64;
    // Per pair: probability of moving a -> b and b -> a.
    let moves: Vec<(f64, f64)> = pairs
        .iter()
        .map(|&(_, _, wa, wb)| {
            let total = wa + wb + 2.0 * r;
            if total > 0.0 {
                ((wb + r) / total / d_max, (wa + r) / total / d_max)
            } else {
                (0.0, 0.0)
            }
        })
        .collect();
    let mut leave = vec![0.0; n];
    for (&(a, b, _, _), &(ab, ba)) in pairs.iter().zip(&moves) {
        leave[a] += ab;
        leave[b] += ba;
    }
    let mut pi = vec![1.0 / n.max(1) as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..settings.max_iterations {
        for ((slot, p), l) in next.iter_mut().zip(&pi).zip(&leave) {
            *slot = p * (1.0 - l);
        }
        for (&(a, b, _, _), &(ab, ba)) in pairs.iter().zip(&moves) {
            next[b] += pi[a] * ab;
            next[a] += pi[b] * ba;
        }
        let change: f64 = pi.iter().zip(&next).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut pi, &mut next);
        if change < settings.tolerance {
            break;
        }
    }
    let compared: Vec<bool> = degree.iter().map(|&d| d > 0).collect();
    let logs: Vec<f64> = pi
        .iter()
        .map(|p| if *p > 0.0 { p.ln() } else { f64::NAN })
        .collect();
    let kept: Vec<f64> = logs
        .iter()
        .zip(&compared)
        .filter(|(l, c)| **c && l.is_finite())
        .map(|(l, _)| *l)
        .collect();
    let mean = if kept.is_empty() {
        0.0
    } else {
        kept.iter().sum::<f64>() / kept.len() as f64
    };
    Ok(logs
        .iter()
        .zip(&compared)
        .map(|(l, c)| if *c && l.is_finite() { l - mean } else { 0.0 })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::pairwise::{PairwiseModel, PairwiseSettings};
    use crate::{Dataset, Outcome, Vote};

    fn graph(n: usize, votes: Vec<Vote>) -> PairTable {
        let items = (0..n).map(|i| i.to_string()).collect();
        PairTable::from_dataset(&Dataset::new(items, votes).unwrap())
    }

    /// Two items, A wins 3 of 4: with no regularization the walk's balance
    /// gives π_A / π_B = 3, i.e. log-ratio ln 3 — the BT MLE.
    #[test]
    fn two_items_recover_the_odds() {
        use Outcome::{A, B};
        let g = graph(
            2,
            vec![
                Vote::new(0, 1, A),
                Vote::new(0, 1, A),
                Vote::new(1, 0, B),
                Vote::new(0, 1, B),
            ],
        );
        let settings = RankCentralitySettings {
            regularization: 0.0,
            ..RankCentralitySettings::default()
        };
        let s = rank_centrality(&g, settings).unwrap();
        assert!((s[0] - s[1] - 3f64.ln()).abs() < 1e-9, "{s:?}");
    }

    /// On a complete graph with many votes drawn from BT it ranks like BT.
    #[test]
    fn agrees_with_bradley_terry_on_ordering() {
        let strengths = [1.5, 0.5, 0.0, -0.7, -1.3];
        let mut votes = Vec::new();
        for i in 0..5 {
            for j in 0..5 {
                if i < j {
                    // Deterministic counts close to 20·σ(s_i − s_j).
                    let p = crate::numerics::sigmoid(strengths[i] - strengths[j]);
                    let wins = (20.0 * p).round() as usize;
                    votes.extend(std::iter::repeat_n(Vote::new(i, j, Outcome::A), wins));
                    votes.extend(std::iter::repeat_n(Vote::new(i, j, Outcome::B), 20 - wins));
                }
            }
        }
        let g = graph(5, votes);
        let rc = rank_centrality(&g, RankCentralitySettings::default()).unwrap();
        let bt = PairwiseModel::new(&g, PairwiseSettings::default())
            .unwrap()
            .fit(None)
            .scores;
        for i in 0..4 {
            assert!(rc[i] > rc[i + 1], "{rc:?}");
            assert!((rc[i] - bt[i]).abs() < 0.25, "rc {rc:?} vs bt {bt:?}");
        }
    }

    #[test]
    fn an_unbeaten_item_stays_finite_and_uncompared_items_get_zero() {
        let g = graph(
            3,
            vec![Vote::new(0, 1, Outcome::A), Vote::new(0, 1, Outcome::A)],
        );
        let s = rank_centrality(&g, RankCentralitySettings::default()).unwrap();
        assert!(s.iter().all(|x| x.is_finite()));
        assert!(s[0] > s[1]);
        assert_eq!(s[2], 0.0);
    }
}
