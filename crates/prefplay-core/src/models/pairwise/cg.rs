//! Jacobi-preconditioned conjugate gradients on the information matrix
//! (Nocedal & Wright, *Numerical Optimization*, 2nd ed., Alg. 5.3): the
//! inner solve of each Newton step, one pass over the cells per iteration.

use super::problem::{Evaluation, Problem};

pub(crate) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves A x = rhs (A from [`Problem::apply_information`]) to relative
/// residual `rtol`, at most 2·dim + 20 iterations; returns the solution
/// and the iterations taken.
pub(crate) fn pcg(problem: &Problem, ev: &Evaluation, rhs: &[f64], rtol: f64) -> (Vec<f64>, u32) {
    let dim = rhs.len();
    let inv_diag: Vec<f64> = problem
        .information_diagonal(ev)
        .iter()
        .map(|d| if *d > 0.0 { 1.0 / d } else { 1.0 })
        .collect();
    let mut x = vec![0.0; dim];
    let mut r = rhs.to_vec();
    let mut z: Vec<f64> = r.iter().zip(&inv_diag).map(|(r, d)| r * d).collect();
    let mut p = z.clone();
    let mut ap = vec![0.0; dim];
    let mut rz = dot(&r, &z);
    let target = rtol * norm(rhs);
    let mut iterations = 0;
    for _ in 0..2 * dim + 20 {
        if norm(&r) <= target {
            break;
        }
        iterations += 1;
        problem.apply_information(ev, &p, &mut ap);
        let curvature = dot(&p, &ap);
        if curvature.is_nan() || curvature <= 0.0 {
            break;
        }
        let alpha = rz / curvature;
        for i in 0..dim {
            x[i] += alpha * p[i];
            r[i] -= alpha * ap[i];
            z[i] = r[i] * inv_diag[i];
        }
        let rz_next = dot(&r, &z);
        let beta = rz_next / rz;
        rz = rz_next;
        for i in 0..dim {
            p[i] = z[i] + beta * p[i];
        }
    }
    (x, iterations)
}
