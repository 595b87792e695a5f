//! Pairs listed by item in CSR form, the layout the pair kernels read:
//! row i's entries are `row_start[i]..row_start[i + 1]`, one for every
//! pair that has i on a side.

/// One entry of a row: the pair seen from the row's item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    let mut row_start = vec![0u32; n_items + 1];
    for (&a, &b) in item_a.iter().zip(item_b) {
        row_start[a as usize + 1] += 1;
        row_start[b as usize + 1] += 1;
    }
    for i in 0..n_items {
        row_start[i + 1] += row_start[i];
    }
    let mut next = row_start.clone();
    let blank = PairEntry {
        opponent: 0,
        pair: 0,
        flipped: false,
    };
    let mut entries = vec![blank; 2 * item_a.len()];
    for (k, (&a, &b)) in item_a.iter().zip(item_b).enumerate() {
        for (row, opponent, flipped) in [(a, b, false), (b, a, true)] {
            entries[next[row as usize] as usize] = PairEntry {
                opponent,
                pair: k as u32,
                flipped,
            };
            next[row as usize] += 1;
        }
    }
    (row_start, entries)
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
