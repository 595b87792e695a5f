//! Rankings and best-of-k choices: the data of Plackett–Luce.
//!
//! A [`Ranking`] lists items best first (`order`) and, for partial rankings
//! and best-of-k choices, the other items that were shown but not ranked
//! (`unranked`, all below every ranked item). A pairwise vote is a ranking
//! of two; a best-of-k choice is `order = [chosen]` with the other k − 1
//! items unranked.

use crate::data::table::{Advantage, Labels, Outcome, PairRow, PairTable};
use crate::{Error, Result};

/// One ranking (or choice), `count` times.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Ranking {
    /// Ranked items, best first (at least one).
    pub order: Vec<u32>,
    /// Items shown but not ranked (below all of `order`).
    pub unranked: Vec<u32>,
    /// How many identical rankings this stands for.
    pub count: u32,
    /// Index into [`RankingTable::raters`], if known.
    pub rater: Option<u32>,
}

/// Items, raters and rankings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RankingTable {
    items: Labels,
    raters: Labels,
    /// The rankings, in file order.
    pub rankings: Vec<Ranking>,
}

impl RankingTable {
    /// An empty table listing `items` first.
    pub fn with_items(items: &[String]) -> Self {
        let mut t = Self::default();
        for i in items {
            t.item_id(i);
        }
        t
    }

    /// Item labels.
    pub fn items(&self) -> &[String] {
        self.items.as_slice()
    }

    /// Rater names.
    pub fn raters(&self) -> &[String] {
        self.raters.as_slice()
    }

    /// The index of `label`, adding it if new.
    pub fn item_id(&mut self, label: &str) -> u32 {
        self.items.id(label)
    }

    /// The index of an existing item.
    pub fn find_item(&self, label: &str) -> Option<usize> {
        self.items.find(label)
    }

    /// The index of rater `name`, adding it if new.
    pub fn rater_id(&mut self, name: &str) -> u32 {
        self.raters.id(name)
    }

    /// Appends a ranking after checking it: at least one ranked item, every
    /// item known and listed once.
    pub fn push(&mut self, ranking: Ranking) -> Result<()> {
        let n = self.items.len();
        let mut seen = vec![false; n];
        if ranking.order.is_empty() {
            return Err(Error::InvalidParameter {
                name: "ranking",
                value: String::new(),
                reason: "needs at least one ranked item",
            });
        }
        for &i in ranking.order.iter().chain(&ranking.unranked) {
            let i = i as usize;
            if i >= n {
                return Err(Error::ItemOutOfRange {
                    vote: self.rankings.len(),
                    item: i,
                    n_items: n,
                });
            }
            if seen[i] {
                return Err(Error::SelfComparison {
                    vote: self.rankings.len(),
                    item: i,
                });
            }
            seen[i] = true;
        }
        self.rankings.push(ranking);
        Ok(())
    }

    /// Total rankings (the sum of counts).
    pub fn n_rankings(&self) -> u64 {
        self.rankings.iter().map(|r| u64::from(r.count)).sum()
    }

    /// Every pairwise vote as a ranking of two (ties and `both_bad` are
    /// left out: Plackett–Luce has no ties); returns the number left out.
    pub fn from_pairs(pairs: &PairTable) -> (Self, u64) {
        let mut t = Self::with_items(pairs.items());
        for r in pairs.raters() {
            t.rater_id(r);
        }
        let mut dropped = 0;
        for row in &pairs.rows {
            let (w, l) = match row.outcome {
                Outcome::A => (row.item_a, row.item_b),
                Outcome::B => (row.item_b, row.item_a),
                Outcome::Tie | Outcome::BothBad => {
                    dropped += u64::from(row.count);
                    continue;
                }
            };
            t.rankings.push(Ranking {
                order: vec![w, l],
                unranked: Vec::new(),
                count: row.count,
                rater: row.rater,
            });
        }
        (t, dropped)
    }

    /// Full rank breaking: every ranked item beats every item below it.
    /// The pairs carry no order advantage (a ranking has no sides).
    pub fn to_pairs(&self) -> PairTable {
        let mut t = PairTable::with_items(self.items());
        for r in self.raters() {
            t.rater_id(r);
        }
        for ranking in &self.rankings {
            for (k, &winner) in ranking.order.iter().enumerate() {
                for &loser in ranking.order[k + 1..].iter().chain(&ranking.unranked) {
                    t.rows.push(PairRow {
                        item_a: winner,
                        item_b: loser,
                        outcome: Outcome::A,
                        advantage: Advantage::None,
                        count: ranking.count,
                        rater: ranking.rater,
                    });
                }
            }
        }
        t
    }
}
