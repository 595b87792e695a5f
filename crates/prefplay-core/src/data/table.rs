//! A table of pairwise comparisons, the common form every file format is
//! read into and written from.
//!
//! A row is `count` identical votes on `item_a` (listed first: left on screen,
//! shown first, at home) against `item_b`. Optional per-row data: which side
//! has the order advantage, who voted, the prompt, and numeric features
//! (differences "a minus b", for contextual Bradley–Terry).

use serde::{Deserialize, Serialize};

pub(crate) use crate::data::labels::Labels;
use crate::{Error, Result};

/// The outcome of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// `item_a` was preferred.
    A,
    /// `item_b` was preferred.
    B,
    /// Both were equally good.
    Tie,
    /// Both were bad (Arena's `tie (bothbad)`); models treat it as a tie.
    BothBad,
}

impl Outcome {
    /// Canonical spelling: `a`, `b`, `tie`, `both_bad`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::A => "a",
            Outcome::B => "b",
            Outcome::Tie => "tie",
            Outcome::BothBad => "both_bad",
        }
    }

    /// Parses the canonical spellings and Arena's (`model_a`, `model_b`,
    /// `tie`, `tie (bothbad)`), ASCII case and surrounding spaces ignored.
    pub fn parse(text: &str) -> Option<Self> {
        const SPELLINGS: [(&str, Outcome); 7] = [
            ("a", Outcome::A),
            ("b", Outcome::B),
            ("tie", Outcome::Tie),
            ("model_a", Outcome::A),
            ("model_b", Outcome::B),
            ("both_bad", Outcome::BothBad),
            ("tie (bothbad)", Outcome::BothBad),
        ];
        let t = text.trim();
        match t {
            "a" => return Some(Outcome::A),
            "b" => return Some(Outcome::B),
            _ => {}
        }
        SPELLINGS
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(t))
            .map(|&(_, o)| o)
    }

    /// The same vote seen with the two sides swapped.
    pub fn flipped(self) -> Self {
        match self {
            Outcome::A => Outcome::B,
            Outcome::B => Outcome::A,
            other => other,
        }
    }
}

/// Which side of a row has the order advantage (the `advantage` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Advantage {
    /// `item_a` (the default: left, first shown, at home).
    #[default]
    A,
    /// `item_b`.
    B,
    /// Neither (a neutral venue).
    None,
}

impl Advantage {
    /// Spelling in CSV files: `a`, `b`, `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Advantage::A => "a",
            Advantage::B => "b",
            Advantage::None => "none",
        }
    }

    /// Parses `a`, `b` or `none` (an empty cell is the default, `a`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("a") {
            Some(Advantage::A)
        } else if t.eq_ignore_ascii_case("b") {
            Some(Advantage::B)
        } else if t.eq_ignore_ascii_case("none") {
            Some(Advantage::None)
        } else {
            None
        }
    }

    /// +1 when `item_a` has the advantage, −1 for `item_b`, 0 for neither.
    pub fn sign(self) -> i8 {
        match self {
            Advantage::A => 1,
            Advantage::B => -1,
            Advantage::None => 0,
        }
    }
}

/// One row: `count` votes with the same items, outcome, side and rater.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairRow {
    /// Index into [`PairTable::items`] of the item listed first.
    pub item_a: u32,
    /// Index of the item listed second.
    pub item_b: u32,
    /// What the voter chose.
    pub outcome: Outcome,
    /// Which side had the order advantage.
    pub advantage: Advantage,
    /// How many identical votes this row stands for (may be 0).
    pub count: u32,
    /// Index into [`PairTable::raters`], if the source names raters.
    pub rater: Option<u32>,
}

/// Items, raters and rows, with label interning. See the module docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairTable {
    items: Labels,
    raters: Labels,
    /// Names of the numeric features (without the `f_` prefix).
    pub feature_names: Vec<String>,
    /// The rows, in file order.
    pub rows: Vec<PairRow>,
    /// Row-major features: `rows.len() × feature_names.len()` values.
    pub features: Vec<f64>,
    /// One prompt per row, or empty when the source has none.
    pub prompts: Vec<String>,
}

impl PairTable {
    /// An empty table listing `items` first (e.g. a deck), in that order.
    /// Repeated labels are kept once.
    pub fn with_items(items: &[String]) -> Self {
        let mut table = Self::default();
        for label in items {
            table.item_id(label);
        }
        table
    }

    /// Item labels; an item's index is its position here.
    pub fn items(&self) -> &[String] {
        self.items.as_slice()
    }

    /// Rater names; a rater's index is its position here.
    pub fn raters(&self) -> &[String] {
        self.raters.as_slice()
    }

    /// The index of `label`, adding it if new.
    pub fn item_id(&mut self, label: &str) -> u32 {
        self.items.id(label)
    }

    /// The index of an existing item, if any.
    pub fn find_item(&self, label: &str) -> Option<usize> {
        self.items.find(label)
    }

    /// The index of an existing item given as the raw bytes of its label
    /// (the readers' fast path: no UTF-8 check for labels already seen).
    pub(crate) fn find_item_bytes(&self, label: &[u8]) -> Option<u32> {
        self.items.find_bytes(label)
    }

    /// The index of an existing rater given as raw bytes.
    pub(crate) fn find_rater_bytes(&self, name: &[u8]) -> Option<u32> {
        self.raters.find_bytes(name)
    }

    /// The index of rater `name`, adding it if new.
    pub fn rater_id(&mut self, name: &str) -> u32 {
        self.raters.id(name)
    }

    /// Total votes: the sum of the rows' counts.
    pub fn n_votes(&self) -> u64 {
        self.rows.iter().map(|r| u64::from(r.count)).sum()
    }

    /// Raw per-item outcomes (ties and `both_bad` as ties), weighted by count.
    pub fn records(&self) -> Vec<crate::inference::leaderboard::ItemRecord> {
        let mut records =
            vec![crate::inference::leaderboard::ItemRecord::default(); self.items.len()];
        for r in &self.rows {
            let (a, b) = (r.item_a as usize, r.item_b as usize);
            let (w, l) = match r.outcome {
                Outcome::A => (a, b),
                Outcome::B => (b, a),
                Outcome::Tie | Outcome::BothBad => {
                    records[a].ties = records[a].ties.saturating_add(r.count);
                    records[b].ties = records[b].ties.saturating_add(r.count);
                    continue;
                }
            };
            records[w].wins = records[w].wins.saturating_add(r.count);
            records[l].losses = records[l].losses.saturating_add(r.count);
        }
        records
    }

    /// The features of row `k` (empty without features).
    pub fn row_features(&self, k: usize) -> &[f64] {
        let p = self.feature_names.len();
        &self.features[k * p..(k + 1) * p]
    }

    /// Appends a row after checking it (items exist and differ; features
    /// have the right length and are finite).
    pub fn push(&mut self, row: PairRow, features: &[f64]) -> Result<()> {
        let n = self.items.len() as u32;
        if row.item_a >= n || row.item_b >= n {
            return Err(Error::ItemOutOfRange {
                vote: self.rows.len(),
                item: row.item_a.max(row.item_b) as usize,
                n_items: n as usize,
            });
        }
        if row.item_a == row.item_b {
            return Err(Error::SelfComparison {
                vote: self.rows.len(),
                item: row.item_a as usize,
            });
        }
        if features.len() != self.feature_names.len() || features.iter().any(|x| !x.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "features",
                value: format!("{features:?}"),
                reason: "need one finite value per feature column",
            });
        }
        self.rows.push(row);
        self.features.extend_from_slice(features);
        Ok(())
    }

    /// Appends the rows of `part` (read from a later stretch of the same
    /// source, with the same feature columns), mapping its item and rater
    /// ids onto this table's; new labels get ids in `part`'s order.
    pub(crate) fn append(&mut self, part: PairTable) {
        let items: Vec<u32> = part.items().iter().map(|l| self.item_id(l)).collect();
        let raters: Vec<u32> = part.raters().iter().map(|r| self.rater_id(r)).collect();
        self.rows.extend(part.rows.iter().map(|r| PairRow {
            item_a: items[r.item_a as usize],
            item_b: items[r.item_b as usize],
            rater: r.rater.map(|x| raters[x as usize]),
            ..*r
        }));
        self.features.extend_from_slice(&part.features);
        self.prompts.extend(part.prompts);
    }

    /// Every row as `count` votes, in order, side `a` on the left
    /// (`both_bad` as a tie): the input of the order-dependent Elo.
    pub fn votes(&self) -> Vec<crate::Vote> {
        self.rows
            .iter()
            .flat_map(|r| {
                let v = crate::Vote::new(r.item_a as usize, r.item_b as usize, r.outcome);
                std::iter::repeat_n(v, r.count as usize)
            })
            .collect()
    }

    /// The table from the page's vote list (every row counts once, side `a`
    /// has the advantage, no rater).
    pub fn from_dataset(data: &crate::Dataset) -> Self {
        let mut table = Self::with_items(data.items());
        for v in data.votes() {
            table.rows.push(PairRow {
                item_a: v.item_a as u32,
                item_b: v.item_b as u32,
                outcome: v.outcome,
                advantage: Advantage::A,
                count: 1,
                rater: None,
            });
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_parse_canonical_and_arena_spellings() {
        for o in [Outcome::A, Outcome::B, Outcome::Tie, Outcome::BothBad] {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(Outcome::parse("model_a"), Some(Outcome::A));
        assert_eq!(Outcome::parse(" Tie (bothbad) "), Some(Outcome::BothBad));
        assert_eq!(Outcome::parse("left"), None);
        assert_eq!(Advantage::parse(""), Some(Advantage::A));
        assert_eq!(Advantage::parse("none"), Some(Advantage::None));
    }

    #[test]
    fn push_rejects_bad_rows_and_keeps_what_was_stored() {
        let mut t = PairTable::with_items(&["x".into(), "y".into(), "x".into()]);
        assert_eq!(t.items(), &["x", "y"]);
        let row = PairRow {
            item_a: 0,
            item_b: 1,
            outcome: Outcome::A,
            advantage: Advantage::A,
            count: 1,
            rater: None,
        };
        t.push(row, &[]).unwrap();
        assert!(t.push(PairRow { item_b: 0, ..row }, &[]).is_err());
        assert!(t.push(PairRow { item_b: 7, ..row }, &[]).is_err());
        assert!(t.push(row, &[1.0]).is_err());
        assert_eq!(t.rows.len(), 1);
    }
}
