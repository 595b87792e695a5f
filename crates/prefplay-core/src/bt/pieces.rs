//! Newton pieces of the Bradley–Terry log-likelihood: value, gradient and
//! observed information (the negative Hessian), evaluated on a
//! [`ComparisonGraph`]. This is the CPU twin of the GPU kernel
//! `prefplay_gpu::bt_pieces` and uses the same CSR layout for its output.
//!
//! For a pair (i, j) with wᵢⱼ tie-adjusted wins of i over j, nᵢⱼ = wᵢⱼ + wⱼᵢ
//! and d = sᵢ − sⱼ, p = σ(d) (Bradley & Terry 1952; Hunter 2004, §2):
//! - log-likelihood: wᵢⱼ log σ(d) + wⱼᵢ log σ(−d)
//! - ∂/∂sᵢ: wᵢⱼ − nᵢⱼ p
//! - information: (i, i) += nᵢⱼ p(1 − p), (i, j) = −nᵢⱼ p(1 − p).

use crate::ComparisonGraph;
use crate::numerics::{log_sigmoid, sigmoid};

/// What one evaluation of the likelihood at a score vector yields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewtonPieces {
    /// The log-likelihood (prior not included).
    pub log_lik: f64,
    /// ∂ log-likelihood / ∂ sᵢ, one per item.
    pub grad: Vec<f64>,
    /// Diagonal of the observed information (−Hessian), one per item.
    pub info_diag: Vec<f64>,
    /// Off-diagonal information, one per CSR entry of the graph (row i,
    /// opponent j): the (i, j) element of −Hessian.
    pub info_offdiag: Vec<f64>,
}

/// Evaluates the Newton pieces at `scores` in `f64` (the reference).
///
/// `scores` must have one entry per item of `graph`.
pub fn bt_pieces_reference(graph: &ComparisonGraph, scores: &[f64]) -> NewtonPieces {
    let n = graph.n_items();
    let mut out = NewtonPieces {
        log_lik: 0.0,
        grad: vec![0.0; n],
        info_diag: vec![0.0; n],
        info_offdiag: vec![0.0; graph.n_entries()],
    };
    let mut twice_log_lik = 0.0;
    for i in 0..n {
        for e in graph.row(i) {
            let j = graph.opponent[e] as usize;
            let (w_for, w_against) = (graph.wins_for[e], graph.wins_against[e]);
            let d = scores[i] - scores[j];
            let p = sigmoid(d);
            let total = w_for + w_against;
            let info = total * p * (1.0 - p);
            twice_log_lik += w_for * log_sigmoid(d) + w_against * log_sigmoid(-d);
            out.grad[i] += w_for - total * p;
            out.info_diag[i] += info;
            out.info_offdiag[e] = -info;
        }
    }
    // Each pair sits in two rows, so its log-likelihood was added twice.
    out.log_lik = 0.5 * twice_log_lik;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dataset, Vote, Winner};

    #[test]
    fn gradient_matches_finite_differences() {
        let votes = vec![
            Vote::new(0, 1, Winner::A),
            Vote::new(1, 2, Winner::Tie),
            Vote::new(2, 0, Winner::A),
            Vote::new(0, 1, Winner::B),
            Vote::new(0, 2, Winner::A),
        ];
        let data = Dataset::new(vec!["a".into(), "b".into(), "c".into()], votes).unwrap();
        let g = ComparisonGraph::from_dataset(&data);
        let s = [0.3, -0.7, 0.2];
        let p = bt_pieces_reference(&g, &s);
        let h = 1e-6;
        for i in 0..3 {
            let mut up = s;
            up[i] += h;
            let mut down = s;
            down[i] -= h;
            let fd = (bt_pieces_reference(&g, &up).log_lik
                - bt_pieces_reference(&g, &down).log_lik)
                / (2.0 * h);
            assert!(
                (fd - p.grad[i]).abs() < 1e-8,
                "item {i}: {fd} vs {}",
                p.grad[i]
            );
            let fd_info = -(bt_pieces_reference(&g, &up).grad[i]
                - bt_pieces_reference(&g, &down).grad[i])
                / (2.0 * h);
            assert!((fd_info - p.info_diag[i]).abs() < 1e-7);
        }
    }
}
