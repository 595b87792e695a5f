//! The CPU's driver of the one solver: [`NewtonCg`] fed with `f64`
//! evaluations over the cells, as every CPU fit, path and bootstrap
//! replicate runs it.

use super::problem::{Evaluation, Problem};
use super::solver::{FitStatus, NewtonCg, SolverState};

/// The result of [`newton`].
#[derive(Debug, Clone)]
pub(crate) struct Solved {
    pub theta: Vec<f64>,
    /// The log-likelihood at `theta` (NaN unless asked for).
    pub log_lik: f64,
    pub iterations: u32,
    pub cg_iterations: u32,
    pub status: FitStatus,
}

/// Maximises the problem's objective from `theta` on the CPU (`f64`
/// evaluations driving [`NewtonCg`]); with `want_log_lik` the
/// log-likelihood at the result is computed too.
pub(crate) fn newton(problem: &Problem, theta: Vec<f64>, want_log_lik: bool) -> Solved {
    newton_observed(problem, theta, want_log_lik, &mut |_| {})
}

/// [`newton`], calling `on_step` after every accepted step.
pub(crate) fn newton_observed(
    problem: &Problem,
    theta: Vec<f64>,
    want_log_lik: bool,
    on_step: &mut dyn FnMut(&NewtonCg),
) -> Solved {
    let mut solver = NewtonCg::new(problem, theta);
    let status = run_on_cpu(problem, &mut solver, on_step);
    let log_lik = if want_log_lik {
        let mut full = Evaluation::default();
        problem.likelihood_with(solver.point(), &mut full, true);
        full.log_lik
    } else {
        f64::NAN
    };
    Solved {
        iterations: solver.iterations(),
        cg_iterations: solver.cg_iterations(),
        theta: solver.point().to_vec(),
        log_lik,
        status,
    }
}

/// Drives `solver` to the end with `f64` evaluations.
/// `on_step` is called after every accepted step.
pub(crate) fn run_on_cpu(
    problem: &Problem,
    solver: &mut NewtonCg,
    on_step: &mut dyn FnMut(&NewtonCg),
) -> FitStatus {
    if problem.settings.max_iterations == 0 {
        return FitStatus::MaxIterations;
    }
    loop {
        let mut ev = solver.take_spare();
        let request = solver.request();
        problem.likelihood_with(request.point, &mut ev, request.with_log_lik);
        let steps = solver.steps_taken();
        let state = solver.advance_problem(problem, ev);
        if solver.steps_taken() > steps {
            on_step(solver);
        }
        match state {
            Ok(SolverState::Continue) => {}
            Ok(SolverState::Done(status)) => return status,
            // The CPU's own evaluations always fit the problem.
            Err(_) => return FitStatus::Stalled,
        }
    }
}
