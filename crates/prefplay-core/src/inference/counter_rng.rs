//! A counter-based random source for bootstraps that a GPU kernel
//! reproduces bit for bit (`prefplay-gpu`'s `poisson_weights.wgsl`): every
//! draw is a pure function of (seed, replicate, slot) computed with 32-bit
//! integer operations only, as WGSL has no 64-bit integers and no shared
//! generator state between invocations.
//!
//! The hash is PCG-RXS-M-XS 32 used as a hash function ("pcg_hash",
//! Jarzynski & Olano, *Hash Functions for GPU Rendering*, JCGT 9(3),
//! 2020).
//!
//! The bootstrap it serves is the Poisson bootstrap (Hanley & MacGibbon
//! 2006; Chamandy et al. 2012): instead of redrawing N votes with
//! replacement, every vote gets an independent Poisson(1) count. A cell
//! holding c votes of one outcome then holds Poisson(c) votes, drawn here
//! with one uniform by inverting the Poisson(c) CDF through a table of
//! integer thresholds ([`PoissonTables`]). The tables are built once on the
//! CPU (with `libm`, so native and wasm32 builds agree) and read by the
//! GPU; the draw itself is integer comparisons only, so CPU and GPU agree
//! exactly.

/// PCG-RXS-M-XS 32 as a hash of one word.
pub fn pcg_hash(input: u32) -> u32 {
    let state = input.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// The uniform 32-bit draw for (`seed`, `replicate`, `slot`).
pub fn draw(seed: u32, replicate: u32, slot: u32) -> u32 {
    pcg_hash(pcg_hash(pcg_hash(seed) ^ replicate) ^ slot)
}

/// A 64-bit seed (the CLI's `--seed`) folded to the 32 bits the counter
/// hash takes.
pub fn fold_seed(seed: u64) -> u32 {
    (seed ^ (seed >> 32)) as u32
}

/// Probability mass left out of each table, below and above (the draw is
/// clamped to the table's range there).
pub const TAIL_MASS: f64 = 1e-12;

/// One table: the smallest value it yields, and its thresholds'
/// `start..start + len` in [`PoissonTables::thresholds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct TableSpan {
    /// The value drawn when the uniform is below every threshold.
    pub lo: u32,
    /// First threshold.
    pub start: u32,
    /// Number of thresholds.
    pub len: u32,
}

/// Inverse-CDF tables of Poisson(mean) for a list of slots (one mean per
/// slot; equal means share a table). Slot k's draw in replicate r is
/// `lo + #{thresholds ≤ u}` with u = [`draw`]`(seed, r, k)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PoissonTables {
    /// Per slot, the index of its table in `spans`.
    pub slot_table: Vec<u32>,
    /// The tables.
    pub spans: Vec<TableSpan>,
    /// ⌊P(K ≤ lo + k)·2³²⌋ for each table, concatenated, nondecreasing
    /// within a table.
    pub thresholds: Vec<u32>,
}

impl PoissonTables {
    /// Tables for the slots' means (counts of votes; negative, NaN or zero
    /// means draw 0).
    pub fn new(means: impl IntoIterator<Item = f64>) -> Self {
        let mut out = Self::default();
        let mut known = rustc_hash::FxHashMap::<u64, u32>::default();
        for mean in means {
            let mean = if mean.is_finite() && mean > 0.0 {
                mean
            } else {
                0.0
            };
            let table = *known.entry(mean.to_bits()).or_insert_with(|| {
                let (lo, thresholds) = poisson_thresholds(mean);
                out.spans.push(TableSpan {
                    lo,
                    start: out.thresholds.len() as u32,
                    len: thresholds.len() as u32,
                });
                out.thresholds.extend(thresholds);
                out.spans.len() as u32 - 1
            });
            out.slot_table.push(table);
        }
        out
    }

    /// Number of slots.
    pub fn n_slots(&self) -> usize {
        self.slot_table.len()
    }

    /// The Poisson draw of `slot` in bootstrap `replicate`.
    pub fn weight(&self, seed: u32, replicate: u32, slot: u32) -> u32 {
        let span = self.spans[self.slot_table[slot as usize] as usize];
        let start = span.start as usize;
        let table = &self.thresholds[start..start + span.len as usize];
        let u = draw(seed, replicate, slot);
        span.lo + table.partition_point(|&t| t <= u) as u32
    }
}

/// (lo, thresholds) of Poisson(`mean`): thresholds[k] = ⌊P(K ≤ lo + k)·2³²⌋
/// over the values whose tails hold more than [`TAIL_MASS`].
fn poisson_thresholds(mean: f64) -> (u32, Vec<u32>) {
    if mean <= 0.0 {
        return (0, Vec::new());
    }
    let log_pmf = |k: f64| -mean + k * libm::log(mean) - libm::lgamma(k + 1.0);
    // Walk out from the mode until each tail is negligible; the pmf falls
    // faster than geometrically beyond the mode, so the tail left out is
    // at most a few times the last term.
    let mode = libm::floor(mean);
    let mut lo = mode;
    while lo > 0.0 && libm::exp(log_pmf(lo - 1.0)) > TAIL_MASS * 1e-3 {
        lo -= 1.0;
    }
    let scale = 4_294_967_296.0;
    let mut thresholds = Vec::new();
    let mut cdf = 0.0;
    let mut k = lo;
    loop {
        cdf += libm::exp(log_pmf(k));
        let t = libm::floor(cdf * scale);
        if t >= scale - 1.0 || (k > mode && libm::exp(log_pmf(k + 1.0)) < TAIL_MASS * 1e-3) {
            break;
        }
        thresholds.push(t as u32);
        k += 1.0;
    }
    // Values below the first nonzero threshold are never drawn.
    let zeros = thresholds.iter().take_while(|&&t| t == 0).count();
    (lo as u32 + zeros as u32, thresholds.split_off(zeros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcg_hash_matches_the_published_function() {
        // Computed independently (Python, from the paper's listing).
        assert_eq!(pcg_hash(0), 129_708_002);
        assert_eq!(pcg_hash(1), 2_831_084_092);
    }

    #[test]
    fn the_poisson1_table_is_the_cdf() {
        // ⌊P(K ≤ k)·2³²⌋ for K ~ Poisson(1), computed independently.
        let want = [
            1_580_030_168u32,
            3_160_060_337,
            3_950_075_421,
            4_213_413_783,
        ];
        let (lo, table) = poisson_thresholds(1.0);
        assert_eq!(lo, 0);
        for (k, (&t, &w)) in table.iter().zip(&want).enumerate() {
            assert!(t.abs_diff(w) <= 1, "k = {k}: {t} vs {w}");
        }
        assert!(table.windows(2).all(|w| w[0] <= w[1]));
    }

    fn moments(mean: f64) -> (f64, f64) {
        let n = 100_000u32;
        let tables = PoissonTables::new([mean]);
        let draws: Vec<f64> = (0..n).map(|r| f64::from(tables.weight(7, r, 0))).collect();
        let m = draws.iter().sum::<f64>() / f64::from(n);
        let v = draws.iter().map(|w| (w - m).powi(2)).sum::<f64>() / f64::from(n);
        (m, v)
    }

    #[test]
    fn draws_have_the_poisson_mean_and_variance() {
        for mean in [0.5, 1.0, 3.0, 40.0, 2500.0, 1e6] {
            let (m, v) = moments(mean);
            let sd_of_mean = (mean / 100_000.0).sqrt();
            assert!((m - mean).abs() < 5.0 * sd_of_mean, "mean {mean}: {m}");
            assert!((v / mean - 1.0).abs() < 0.03, "mean {mean}: variance {v}");
        }
    }

    #[test]
    fn zero_and_bad_means_draw_zero() {
        let tables = PoissonTables::new([0.0, -1.0, f64::NAN]);
        assert_eq!(tables.spans.len(), 1);
        assert!((0..3).all(|slot| tables.weight(1, 2, slot) == 0));
    }

    #[test]
    fn equal_means_share_a_table_and_slots_draw_independently() {
        let tables = PoissonTables::new(vec![5.0; 1000]);
        assert_eq!(tables.spans.len(), 1);
        let first: Vec<u32> = (0..1000).map(|k| tables.weight(3, 0, k)).collect();
        let differ = |seed: u32, r: u32| {
            (0..1000)
                .filter(|&k| tables.weight(seed, r, k) != first[k as usize])
                .count()
        };
        assert!(differ(3, 1) > 700);
        assert!(differ(4, 0) > 700);
        assert!(first.iter().collect::<std::collections::HashSet<_>>().len() > 5);
    }

    #[test]
    fn fold_seed_keeps_both_halves() {
        assert_ne!(fold_seed(1), fold_seed(1 << 32 | 1));
        assert_eq!(fold_seed(5), 5);
    }
}
