//! Compressed sparse rows: entries grouped by row, row `i` being
//! `entries[start[i]..start[i + 1]]`, in the order they were given. The one
//! builder behind the comparison graph's adjacency (CPU) and the GPU
//! kernels' per-item and per-rater lists (`prefplay-gpu`).

/// Entries of type `T` grouped into rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr<T> {
    /// Row `i`'s entries are `entries[start[i]..start[i + 1]]`; `rows + 1` values.
    pub start: Vec<u32>,
    /// The entries, row by row, each row in the order given.
    pub entries: Vec<T>,
}

impl<T: Copy + Default> Csr<T> {
    /// Groups `(row, entry)` pairs into `rows` rows (two passes over
    /// `pairs`: count, then place). Every row must be below `rows`, and
    /// there must be fewer than 2³² entries.
    pub fn build(rows: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Self {
        let mut start = vec![0u32; rows + 1];
        for (r, _) in pairs.clone() {
            start[r + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut entries = vec![T::default(); start[rows] as usize];
        for (r, e) in pairs {
            entries[fill[r] as usize] = e;
            fill[r] += 1;
        }
        Self { start, entries }
    }
}

impl<T> Csr<T> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Row `i`'s entries.
    pub fn row(&self, i: usize) -> &[T] {
        &self.entries[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Row `i`'s length.
    pub fn degree(&self, i: usize) -> usize {
        (self.start[i + 1] - self.start[i]) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::Csr;

    #[test]
    fn rows_keep_their_entries_in_the_order_given() {
        let csr = Csr::build(3, [(2, 'a'), (0, 'b'), (2, 'c'), (0, 'd')].into_iter());
        assert_eq!(csr.start, [0, 2, 2, 4]);
        assert_eq!(csr.row(0), ['b', 'd']);
        assert_eq!(csr.row(1), [] as [char; 0]);
        assert_eq!(csr.row(2), ['a', 'c']);
        assert_eq!((csr.rows(), csr.degree(2)), (3, 2));
    }
}
