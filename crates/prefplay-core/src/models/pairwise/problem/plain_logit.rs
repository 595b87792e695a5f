//! The plain Bradley–Terry evaluation (logit link, ties as halves or left
//! out, scores only): the hot loop of most fits, one pass over the cells.

use std::ops::Range;

use super::{Chunk, Problem};
use crate::models::pairwise::settings::TieModel;

impl Problem {
    /// [`Self::evaluate_chunk`] for plain Bradley–Terry (logit link, ties
    /// as halves or left out, scores only). With strengths π: P(a) =
    /// πₐ/(πₐ + π_b), P(b) = π_b/(πₐ + π_b), both without cancellation;
    /// otherwise one exp per cell with e = e^{−|d|}. For the
    /// log-likelihood, with e = π_low/π_high (= e^{−|d|}): log σ(|d|) =
    /// −ln(1 + e), log σ(−|d|) = −|d| − ln(1 + e).
    pub(super) fn plain_logit_chunk(
        &self,
        theta: &[f64],
        strengths: Option<&[f64]>,
        range: Range<usize>,
        info_eta: &mut [f64],
        with_log_lik: bool,
        part: &mut Chunk,
    ) {
        // One loop per case, so the common one (strengths, no logarithms)
        // runs without the others' branches and registers.
        match (strengths, with_log_lik) {
            (Some(pi), false) => {
                self.plain_runs::<false>(theta, range, info_eta, part, |a, b, _| {
                    by_strengths(pi, a, b)
                })
            }
            (Some(pi), true) => self.plain_runs::<true>(theta, range, info_eta, part, |a, b, _| {
                by_strengths(pi, a, b)
            }),
            (None, false) => self.plain_runs::<false>(theta, range, info_eta, part, by_difference),
            (None, true) => self.plain_runs::<true>(theta, range, info_eta, part, by_difference),
        }
    }

    /// The plain cells of `range` with `prob(a, b, d)` = (P(a), P(b),
    /// e^{−|d|}). Cells come in runs of the same item a (the aggregation
    /// sorts them by pair): a's gradient and diagonal are summed in
    /// registers over its run, since adding to them in memory cell by cell
    /// chains every cell through a store and a load of the same address.
    fn plain_runs<const LOG_LIK: bool>(
        &self,
        theta: &[f64],
        range: Range<usize>,
        info_eta: &mut [f64],
        part: &mut Chunk,
        prob: impl Fn(usize, usize, f64) -> (f64, f64, f64),
    ) {
        let c = &self.cells;
        let tie_weight = if self.settings.ties == TieModel::Half {
            0.5
        } else {
            0.0
        };
        let first = range.start;
        let mut k = range.start;
        while k < range.end {
            let a = c.item_a[k] as usize;
            let (mut grad_a, mut diag_a) = (0.0, 0.0);
            while k < range.end && c.item_a[k] as usize == a {
                let counts = c.counts[k];
                let wa = counts.wins_a + tie_weight * counts.ties;
                let wb = counts.wins_b + tie_weight * counts.ties;
                let b = c.item_b[k] as usize;
                let d = theta[a] - theta[b];
                let (p, q, e) = prob(a, b, d);
                if LOG_LIK {
                    let abs_d = d.abs();
                    let log_high = -e.ln_1p();
                    let (log_pa, log_pb) = if d >= 0.0 {
                        (log_high, log_high - abs_d)
                    } else {
                        (log_high - abs_d, log_high)
                    };
                    part.log_lik += wa * log_pa + wb * log_pb;
                }
                let n = wa + wb;
                let g = wa - n * p;
                let info = n * p * q;
                grad_a += g;
                diag_a += info;
                part.grad[b] -= g;
                part.diag[b] += info;
                info_eta[k - first] = info;
                k += 1;
            }
            part.grad[a] += grad_a;
            part.diag[a] += diag_a;
        }
    }
}

/// (P(a), P(b), e^{−|d|}) from the strengths: one division a cell.
#[inline]
fn by_strengths(pi: &[f64], a: usize, b: usize) -> (f64, f64, f64) {
    let inverse = 1.0 / (pi[a] + pi[b]);
    (
        pi[a] * inverse,
        pi[b] * inverse,
        pi[a].min(pi[b]) / pi[a].max(pi[b]),
    )
}

/// (P(a), P(b), e^{−|d|}) from d = θa − θb: one exp a cell.
#[inline]
fn by_difference(_: usize, _: usize, d: f64) -> (f64, f64, f64) {
    let e = (-d.abs()).exp();
    let p_high = 1.0 / (1.0 + e);
    let p_low = 1.0 - p_high;
    if d >= 0.0 {
        (p_high, p_low, e)
    } else {
        (p_low, p_high, e)
    }
}
