//! Rows aggregated into cells: one per (unordered pair, advantage side)
//! without features, one per row with features. Each cell is stored with
//! its lower item first; a row listed the other way round is flipped (its
//! outcome, advantage sign and features change sign with it).

use rustc_hash::FxHashMap;

use super::likelihood::Counts;
use crate::data::table::{Outcome, PairTable};

/// Cells as a structure of arrays, for tight loops.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Cells {
    pub item_a: Vec<u32>,
    pub item_b: Vec<u32>,
    /// +1: `item_a` has the order advantage, −1: `item_b` has it, 0: neither;
    /// empty when aggregated without an order effect (nothing reads it then).
    pub advantage: Vec<f64>,
    pub counts: Vec<Counts>,
    /// Row-major, `n_features` per cell.
    pub features: Vec<f64>,
    pub n_features: usize,
}

/// Largest key space (pairs × sides) counted in a dense array (12 bytes a
/// key, each count capped at 2³² − 1) instead of a hash map.
const DENSE_KEYS_MAX: usize = 4 << 20;

impl Cells {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.item_a.len()
    }

    /// Aggregates `table`. `order_effect` keeps the advantage side apart;
    /// `use_features` keeps one cell per row with its features.
    pub fn from_table(table: &PairTable, order_effect: bool, use_features: bool) -> Self {
        if use_features && !table.feature_names.is_empty() {
            return Self::one_per_row(table, order_effect);
        }
        let keys = Keys::new(table.items().len(), order_effect);
        if keys.count <= DENSE_KEYS_MAX && table.rows.len() >= keys.count / 16 {
            Self::counted_densely(table, keys)
        } else {
            Self::counted_by_hash(table, keys)
        }
    }

    /// One cell per row, with its features (signs flipped with the row).
    fn one_per_row(table: &PairTable, order_effect: bool) -> Self {
        let mut cells = Cells {
            n_features: table.feature_names.len(),
            ..Cells::default()
        };
        for (k, row) in table.rows.iter().enumerate() {
            if row.count == 0 {
                continue;
            }
            let flip = row.item_a > row.item_b;
            let sign = if flip { -1.0 } else { 1.0 };
            let adv = if order_effect {
                f64::from(row.advantage.sign())
            } else {
                0.0
            };
            cells.push_cell(
                row.item_a.min(row.item_b),
                row.item_a.max(row.item_b),
                order_effect.then_some(sign * adv),
            );
            cells
                .features
                .extend(table.row_features(k).iter().map(|x| sign * x));
            add(cells.counts.last_mut(), row.outcome, flip, row.count);
        }
        cells
    }

    /// Counts straight into an array indexed by (pair, side), the pairs
    /// a < b in order (half the square's slots, so more of it stays in
    /// cache: independent writes the CPU can overlap), then sweeps it in
    /// that order, so the cells come sorted by pair.
    fn counted_densely(table: &PairTable, keys: Keys) -> Self {
        // Slot of (flip, outcome): a, b, tie; flipping swaps a and b.
        const SLOT: [[usize; 4]; 2] = [[0, 1, 2, 2], [1, 0, 2, 2]];
        let n = keys.n_items;
        let slots = n * n.saturating_sub(1) / 2 * keys.sides;
        let mut cells = Cells::default();
        let mut dense = vec![[0u32; 3]; slots];
        for row in &table.rows {
            // A self-comparison (refused by `PairTable::push`) has no slot.
            let Some((slot, flip)) = keys.dense_of(row) else {
                continue;
            };
            let count = &mut dense[slot][SLOT[usize::from(flip)][outcome_index(row.outcome)]];
            *count = count.saturating_add(row.count);
        }
        // Sized once for the most cells there can be (pages never written
        // are never touched): growing four arrays of ~10⁶ cells by doubling
        // copied them and faulted in fresh pages at every step.
        let n_cells = table.rows.len().min(dense.len());
        cells.reserve(n_cells);
        if keys.order_effect {
            cells.advantage.reserve_exact(n_cells);
        }
        let mut sweep = dense.iter();
        for a in 0..n as u32 {
            for b in a + 1..n as u32 {
                for side in 0..keys.sides {
                    let Some(c) = sweep.next() else { continue };
                    if c[0] | c[1] | c[2] == 0 {
                        continue;
                    }
                    let adv = keys.order_effect.then_some(side as f64 - 1.0);
                    cells.push_cell(a, b, adv);
                    if let Some(last) = cells.counts.last_mut() {
                        *last = Counts {
                            wins_a: f64::from(c[0]),
                            wins_b: f64::from(c[1]),
                            ties: f64::from(c[2]),
                        };
                    }
                }
            }
        }
        cells
    }

    /// Counts through a hash map of the keys seen (a sparse key space).
    fn counted_by_hash(table: &PairTable, keys: Keys) -> Self {
        let mut cells = Cells::default();
        let mut index: FxHashMap<u64, u32> = FxHashMap::default();
        for row in &table.rows {
            if row.count == 0 {
                continue;
            }
            let (key, flip) = keys.of(row);
            let slot = index.entry(key as u64).or_insert(u32::MAX);
            if *slot == u32::MAX {
                *slot = cells.len() as u32;
                let (a, b, adv) = keys.cell(key);
                cells.push_cell(a, b, keys.order_effect.then_some(adv));
            }
            let idx = *slot as usize;
            add(cells.counts.get_mut(idx), row.outcome, flip, row.count);
        }
        cells
    }

    fn reserve(&mut self, n: usize) {
        self.item_a.reserve_exact(n);
        self.item_b.reserve_exact(n);
        self.counts.reserve_exact(n);
    }

    /// A new cell with no counts; `advantage` with an order effect only.
    fn push_cell(&mut self, a: u32, b: u32, advantage: Option<f64>) {
        self.item_a.push(a);
        self.item_b.push(b);
        if let Some(advantage) = advantage {
            self.advantage.push(advantage);
        }
        self.counts.push(Counts::default());
    }

    /// The features of cell `k`.
    pub fn features_of(&self, k: usize) -> &[f64] {
        &self.features[k * self.n_features..(k + 1) * self.n_features]
    }
}

/// A cell's key: (lower item, higher item) and, with an order effect,
/// which side had the advantage (−1, 0, +1 for the lower item).
#[derive(Debug, Clone, Copy)]
struct Keys {
    n_items: usize,
    /// 3 with an order effect, else 1 (the advantage is always 0).
    sides: usize,
    order_effect: bool,
    /// How many keys there are.
    count: usize,
}

impl Keys {
    fn new(n_items: usize, order_effect: bool) -> Self {
        let sides = if order_effect { 3 } else { 1 };
        Self {
            n_items,
            sides,
            order_effect,
            count: n_items * n_items * sides,
        }
    }

    /// The row's key, and whether the row lists the higher item first.
    fn of(self, row: &crate::data::table::PairRow) -> (usize, bool) {
        let (lo, hi, side, flip) = self.oriented(row);
        ((lo * self.n_items + hi) * self.sides + side, flip)
    }

    /// The row's slot in [`Cells::counted_densely`]'s array (pairs a < b
    /// in order, then the side), and whether the row lists the higher item
    /// first; `None` for a self-comparison.
    fn dense_of(self, row: &crate::data::table::PairRow) -> Option<(usize, bool)> {
        let (lo, hi, side, flip) = self.oriented(row);
        if lo == hi {
            return None;
        }
        // Pairs before lo's: (n − 1) + (n − 2) + … + (n − lo).
        let pair = lo * (2 * self.n_items - lo - 1) / 2 + (hi - lo - 1);
        Some((pair * self.sides + side, flip))
    }

    /// The row as its cell sees it: (lower item, higher item, side — 0
    /// without an order effect, else 0, 1, 2 for the advantage −1, 0, +1
    /// of the lower item —, whether the row lists the higher item first).
    fn oriented(self, row: &crate::data::table::PairRow) -> (usize, usize, usize, bool) {
        let flip = row.item_a > row.item_b;
        let (lo, hi) = (row.item_a.min(row.item_b), row.item_a.max(row.item_b));
        let side = if self.order_effect {
            let s = row.advantage.sign();
            (if flip { -s } else { s } + 1) as usize
        } else {
            0
        };
        (lo as usize, hi as usize, side, flip)
    }

    /// The cell of a key: (item a, item b, advantage of a).
    fn cell(self, key: usize) -> (u32, u32, f64) {
        let pair = key / self.sides;
        let adv = if self.order_effect {
            (key % self.sides) as f64 - 1.0
        } else {
            0.0
        };
        (
            (pair / self.n_items) as u32,
            (pair % self.n_items) as u32,
            adv,
        )
    }
}

/// Position of an outcome in a dense count's slots.
fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::A => 0,
        Outcome::B => 1,
        Outcome::Tie => 2,
        Outcome::BothBad => 3,
    }
}

fn add(counts: Option<&mut Counts>, outcome: Outcome, flip: bool, count: u32) {
    let Some(c) = counts else { return };
    let n = f64::from(count);
    let outcome = if flip { outcome.flipped() } else { outcome };
    match outcome {
        Outcome::A => c.wins_a += n,
        Outcome::B => c.wins_b += n,
        Outcome::Tie | Outcome::BothBad => c.ties += n,
    }
}
