//! Newton's method with a matrix-free, Jacobi-preconditioned conjugate
//! gradient solve for each step (an inexact Newton method: Dembo, Eisenstat
//! & Steihaug 1982; CG: Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
//! Alg. 5.3). The information matrix is never formed: each CG iteration is
//! one pass over the cells, so a step costs O(cells), not O(items³).
//! Steps are halved while the objective decreases (backtracking, §3.1).

use super::problem::{Evaluation, Problem};

/// Why a fit stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitStatus {
    /// The largest Newton step fell below the tolerance.
    Converged,
    /// The iteration cap was reached first.
    MaxIterations,
    /// Halving the step could not increase the objective any more.
    Stalled,
    /// A parameter passed ±[`DIVERGED_AT`]: the maximum is at infinity
    /// (e.g. separable data under plain maximum likelihood).
    Diverged,
}

/// |parameter| beyond which a fit is declared [`FitStatus::Diverged`]
/// (odds of e⁶⁰ ≈ 10²⁶).
pub const DIVERGED_AT: f64 = 60.0;

/// Smallest step fraction tried before declaring [`FitStatus::Stalled`].
const MIN_STEP_SCALE: f64 = 1.0 / 4096.0;

/// The result of [`newton`].
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    pub theta: Vec<f64>,
    /// The log-likelihood at `theta` (NaN unless asked for).
    pub log_lik: f64,
    pub iterations: u32,
    pub status: FitStatus,
}

/// Maximises the problem's objective from `theta`; with `want_log_lik`
/// the log-likelihood at the result is computed too.
///
/// A step is accepted when the objective's slope along it is still ≥ 0 at
/// the new point (for a concave objective that proves it went up, without
/// the logarithms the objective costs), or when the slopes at both ends
/// sum to > 0 and the gradient shrank (a step just past the maximum, as
/// rounding makes it near the optimum); otherwise the objectives are
/// compared, and the step halved while it decreases. Under a prior the
/// gradient alone can prove convergence (see [`Problem::curvature_floor`]).
pub(crate) fn newton(problem: &Problem, mut theta: Vec<f64>, want_log_lik: bool) -> Solved {
    let mut ev = Evaluation::default();
    problem.evaluate_with(&theta, &mut ev, false);
    let mut trial_ev = Evaluation::default();
    let mut trial = theta.clone();
    let max_iterations = problem.settings.max_iterations;
    let finish = |theta: Vec<f64>, iterations: u32, status: FitStatus| {
        let log_lik = if want_log_lik {
            let mut full = Evaluation::default();
            problem.evaluate(&theta, &mut full);
            full.log_lik
        } else {
            f64::NAN
        };
        Solved {
            theta,
            log_lik,
            iterations,
            status,
        }
    };
    for iteration in 1..=max_iterations {
        let grad_norm = norm(&ev.grad);
        // With a prior of strength ≥ λ on every parameter the information's
        // eigenvalues are ≥ λ, so the Newton step is at most ‖g‖/λ long:
        // below the tolerance, converged without solving for it.
        let floor = problem.curvature_floor();
        if floor > 0.0 && grad_norm <= problem.settings.tolerance * floor {
            return finish(theta, iteration, FitStatus::Converged);
        }
        // Forcing term: solve loosely far from the optimum, tightly near it.
        let rtol = grad_norm.clamp(1e-12, 1e-2);
        let direction = pcg(problem, &ev, &ev.grad, rtol);
        let step = direction.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if step <= problem.settings.tolerance {
            return finish(theta, iteration, FitStatus::Converged);
        }
        let start_slope = dot(&ev.grad, &direction);
        let mut scale = 1.0;
        loop {
            for ((t, x), d) in trial.iter_mut().zip(&theta).zip(&direction) {
                *t = x + scale * d;
            }
            let accepted = problem.feasible(&trial) && {
                problem.evaluate_with(&trial, &mut trial_ev, false);
                let slope = dot(&trial_ev.grad, &direction);
                if slope.is_finite() && slope >= 0.0 {
                    true
                } else if slope.is_finite()
                    && slope + start_slope > 0.0
                    && norm(&trial_ev.grad) < grad_norm
                {
                    // Slightly past the maximum along the step (as rounding
                    // makes it near the optimum): the trapezoid estimate of
                    // the change, exact for the quadratic model, is still
                    // positive, and the gradient shrank.
                    true
                } else {
                    if ev.objective.is_nan() {
                        ev.objective = problem.objective_at(&theta);
                    }
                    let trial_objective = problem.objective_at(&trial);
                    let slack = 1e-11 * (1.0 + ev.objective.abs());
                    trial_objective.is_finite() && trial_objective >= ev.objective - slack
                }
            };
            if accepted {
                break;
            }
            scale *= 0.5;
            if scale < MIN_STEP_SCALE {
                return finish(theta, iteration, FitStatus::Stalled);
            }
        }
        std::mem::swap(&mut theta, &mut trial);
        std::mem::swap(&mut ev, &mut trial_ev);
        if theta.iter().any(|t| t.abs() > DIVERGED_AT) {
            return finish(theta, iteration, FitStatus::Diverged);
        }
        if iteration == max_iterations {
            return finish(theta, iteration, FitStatus::MaxIterations);
        }
    }
    finish(theta, max_iterations, FitStatus::MaxIterations)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves A x = rhs (A from [`Problem::apply_information`]) to relative
/// residual `rtol`, at most 2·dim + 20 iterations.
pub(crate) fn pcg(problem: &Problem, ev: &Evaluation, rhs: &[f64], rtol: f64) -> Vec<f64> {
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
    for _ in 0..2 * dim + 20 {
        if norm(&r) <= target {
            break;
        }
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
    x
}
