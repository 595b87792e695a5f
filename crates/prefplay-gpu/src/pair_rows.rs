//! Pairs listed by item in CSR form ([`Csr`]), the layout the pair
//! kernels read: row i's entries are `row_start[i]..row_start[i + 1]`, one
//! for every pair that has i on a side.

use prefplay_core::data::csr::Csr;

/// One entry of a row: the pair seen from the row's item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PairEntry {
    /// The other item.
    pub opponent: u32,
    /// The pair's index.
    pub pair: u32,
    /// Whether the row's item is the pair's second item.
    pub flipped: bool,
}

/// The rows of `n_items` items for pairs `item_a[k]` vs `item_b[k]`; the
/// caller checks that every item is below `n_items`.
pub(crate) fn pair_rows(
    n_items: usize,
    item_a: &[u32],
    item_b: &[u32],
) -> (Vec<u32>, Vec<PairEntry>) {
    let sides = item_a
        .iter()
        .zip(item_b)
        .enumerate()
        .flat_map(|(k, (&a, &b))| {
            let k = k as u32;
            [(a, b, false), (b, a, true)].map(|(row, opponent, flipped)| {
                let entry = PairEntry {
                    opponent,
                    pair: k,
                    flipped,
                };
                (row as usize, entry)
            })
        });
    let csr = Csr::build(n_items, sides);
    (csr.start, csr.entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_is_listed_from_both_sides() {
        let (row_start, entries) = pair_rows(3, &[0, 1, 0], &[1, 2, 2]);
        assert_eq!(row_start, [0, 2, 4, 6]);
        let seen: Vec<(u32, u32, bool)> = entries
            .iter()
            .map(|e| (e.opponent, e.pair, e.flipped))
            .collect();
        assert_eq!(
            seen,
            [
                (1, 0, false),
                (2, 2, false),
                (0, 0, true),
                (2, 1, false),
                (1, 1, true),
                (0, 2, true)
            ]
        );
    }
}
