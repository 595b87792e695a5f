//! A counter-based random source for bootstraps that a GPU kernel
//! reproduces bit for bit (`prefplay-gpu`'s `poisson_weights.wgsl`): every
//! draw is a pure function of (seed, replicate, index) computed with 32-bit
//! integer operations only, as WGSL has no 64-bit integers and no shared
//! generator state between invocations.
//!
//! The hash is PCG-RXS-M-XS 32 used as a hash function ("pcg_hash",
//! Jarzynski & Olano, *Hash Functions for GPU Rendering*, JCGT 9(3),
//! 2020). Poisson(1) weights — the Poisson bootstrap, which replaces the
//! multinomial redraw of N votes by an independent Poisson(1) count per
//! vote (Hanley & MacGibbon 2006; Chamandy et al. 2012) — come from
//! inverting the CDF with integer thresholds, so no floating point is
//! involved anywhere and CPU and GPU agree exactly.

/// PCG-RXS-M-XS 32 as a hash of one word.
pub fn pcg_hash(input: u32) -> u32 {
    let state = input.wrapping_mul(747_796_405).wrapping_add(2_891_336_453);
    let word = ((state >> ((state >> 28) + 4)) ^ state).wrapping_mul(277_803_737);
    (word >> 22) ^ word
}

/// The uniform 32-bit draw for (`seed`, `replicate`, `index`).
pub fn draw(seed: u32, replicate: u32, index: u32) -> u32 {
    pcg_hash(pcg_hash(pcg_hash(seed) ^ replicate) ^ index)
}

/// ⌊P(K ≤ k)·2³²⌋ for K ~ Poisson(1), k = 0‥11 (capped at 2³² − 1). A
/// draw at or above the last gives 12; P(K > 12) ≈ 1e-10 is ignored.
pub const POISSON1_THRESHOLDS: [u32; 12] = [
    1_580_030_168,
    3_160_060_337,
    3_950_075_421,
    4_213_413_783,
    4_279_248_373,
    4_292_415_291,
    4_294_609_777,
    4_294_923_276,
    4_294_962_463,
    4_294_966_817,
    4_294_967_252,
    4_294_967_292,
];

/// The Poisson(1) weight of vote (or cell) `index` in bootstrap replicate
/// `replicate`.
pub fn poisson1_weight(seed: u32, replicate: u32, index: u32) -> u32 {
    let u = draw(seed, replicate, index);
    POISSON1_THRESHOLDS.iter().take_while(|&&t| u >= t).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thresholds_are_the_poisson_cdf() {
        let mut cdf = 0.0f64;
        let mut factorial = 1.0f64;
        for (k, &t) in POISSON1_THRESHOLDS.iter().enumerate() {
            if k > 0 {
                factorial *= k as f64;
            }
            cdf += (-1.0f64).exp() / factorial;
            let want = (cdf * 4_294_967_296.0).floor().min(f64::from(u32::MAX));
            assert!((f64::from(t) - want).abs() <= 1.0, "k = {k}: {t} vs {want}");
        }
    }

    #[test]
    fn pcg_hash_matches_the_published_function() {
        // Computed independently (Python, from the paper's listing).
        assert_eq!(pcg_hash(0), 129_708_002);
        assert_eq!(pcg_hash(1), 2_831_084_092);
    }

    #[test]
    fn weights_have_the_poisson_mean_and_variance() {
        let n = 200_000u32;
        let weights: Vec<f64> = (0..n)
            .map(|i| f64::from(poisson1_weight(7, 3, i)))
            .collect();
        let mean = weights.iter().sum::<f64>() / f64::from(n);
        let var = weights.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "variance {var}");
        let zeros = weights.iter().filter(|&&w| w == 0.0).count() as f64 / f64::from(n);
        assert!((zeros - (-1.0f64).exp()).abs() < 0.005, "P(0) {zeros}");
        // Other replicates and seeds give other weights.
        let differ = |f: &dyn Fn(u32) -> u32| {
            (0..1000)
                .filter(|&i| f(i) != poisson1_weight(7, 3, i))
                .count()
        };
        assert!(differ(&|i| poisson1_weight(7, 4, i)) > 400);
        assert!(differ(&|i| poisson1_weight(8, 3, i)) > 400);
    }
}
