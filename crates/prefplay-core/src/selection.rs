//! Choosing the next pair to show.
//!
//! The skeleton's rule keeps exposure even: among all unordered pairs, take
//! one that has been shown the fewest times, breaking ties uniformly at
//! random (reservoir sampling), then pick which item goes left by a fair coin.

use rand::Rng;

/// How often each unordered pair has been shown, dense upper triangle.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairExposures {
    n_items: usize,
    counts: Vec<u32>,
}

impl PairExposures {
    /// All-zero counts for `n_items` items.
    pub fn new(n_items: usize) -> Self {
        Self {
            n_items,
            counts: vec![0; n_items * n_items.saturating_sub(1) / 2],
        }
    }

    fn slot(&self, a: usize, b: usize) -> Option<usize> {
        let (i, j) = (a.min(b), a.max(b));
        (i != j && j < self.n_items).then(|| i * (2 * self.n_items - i - 1) / 2 + (j - i - 1))
    }

    /// Records one showing of the pair (either order). Pairs with an item
    /// out of range, or an item with itself, are ignored.
    pub fn record(&mut self, a: usize, b: usize) {
        if let Some(s) = self.slot(a, b) {
            self.counts[s] += 1;
        }
    }

    /// How often the pair was shown (either order).
    pub fn count(&self, a: usize, b: usize) -> u32 {
        self.slot(a, b).map_or(0, |s| self.counts[s])
    }
}

/// The next pair as (left, right), or `None` with fewer than two items.
pub fn least_compared_pair<R: Rng + ?Sized>(
    exposures: &PairExposures,
    rng: &mut R,
) -> Option<(usize, usize)> {
    let n = exposures.n_items;
    let mut best: Option<(usize, usize)> = None;
    let (mut best_count, mut n_tied) = (u32::MAX, 0u32);
    for i in 0..n {
        for j in i + 1..n {
            let c = exposures.count(i, j);
            if c < best_count {
                (best, best_count, n_tied) = (Some((i, j)), c, 1);
            } else if c == best_count {
                n_tied += 1;
                if rng.random_range(0..n_tied) == 0 {
                    best = Some((i, j));
                }
            }
        }
    }
    best.map(|(i, j)| if rng.random_bool(0.5) { (i, j) } else { (j, i) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn every_pair_is_shown_once_before_any_is_shown_twice() {
        let n = 6;
        let mut exposures = PairExposures::new(n);
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let mut lefts = [0u32; 6];
        for _ in 0..15 {
            let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
            assert_eq!(exposures.count(a, b), 0, "pair ({a}, {b}) repeated early");
            exposures.record(a, b);
            lefts[a] += 1;
        }
        assert!(lefts.iter().any(|&l| l > 0) && lefts.iter().sum::<u32>() == 15);
        let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
        assert_eq!(exposures.count(a, b), 1);
    }

    #[test]
    fn left_side_is_randomized() {
        let mut exposures = PairExposures::new(2);
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut zero_left = 0;
        for _ in 0..200 {
            let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
            exposures.record(a, b);
            zero_left += usize::from(a == 0);
        }
        assert!((60..140).contains(&zero_left), "{zero_left}");
    }

    #[test]
    fn fewer_than_two_items_has_no_pair() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        assert_eq!(least_compared_pair(&PairExposures::new(1), &mut rng), None);
        assert_eq!(least_compared_pair(&PairExposures::new(0), &mut rng), None);
    }
}
