//! Splitting a loop over cells across the machine's cores (natively; the
//! browser build runs on one thread, the Web Worker being the parallelism
//! there). Results are combined in chunk order, so sums do not depend on
//! thread timing, only on the chunk count.

use std::ops::Range;

/// Loops shorter than this run on the calling thread (spawning costs tens
/// of microseconds).
pub(crate) const MIN_PARALLEL_LEN: usize = 20_000;

/// Number of worker threads available.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Number of worker threads available (one in the browser).
#[cfg(target_arch = "wasm32")]
pub(crate) fn workers() -> usize {
    1
}

/// `len` split into `parts` contiguous ranges of near-equal length.
pub(crate) fn chunks(len: usize, parts: usize) -> Vec<Range<usize>> {
    let parts = parts.max(1);
    (0..parts)
        .map(|p| (p * len / parts)..((p + 1) * len / parts))
        .filter(|r| !r.is_empty())
        .collect()
}

/// How many chunks a loop of `len` should use.
pub(crate) fn chunk_count(len: usize) -> usize {
    if len < MIN_PARALLEL_LEN { 1 } else { workers() }
}

/// Runs `f(k)` for `k` in `0..n`, each on its own thread when `n > 1`,
/// and returns the results in order.
pub(crate) fn map_each<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    if n <= 1 {
        return (0..n).map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n).map(|k| scope.spawn(move || f(k))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Runs `f` on each chunk of `0..len` (in parallel when worthwhile) and
/// returns the results in chunk order.
pub(crate) fn map_chunks<T: Send>(len: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let ranges = chunks(len, chunk_count(len));
    if ranges.len() <= 1 {
        return ranges.into_iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|r| scope.spawn(move || f(r)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
