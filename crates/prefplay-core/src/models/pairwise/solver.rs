//! Newton's method with a matrix-free, Jacobi-preconditioned conjugate
//! gradient solve for each step (an inexact Newton method: Dembo, Eisenstat
//! & Steihaug 1982; CG: Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
//! Alg. 5.3). The information matrix is never formed: each CG iteration is
//! one pass over the cells, so a step costs O(cells), not O(items³).
//! Steps are halved while the objective decreases (backtracking, §3.1).

use super::cg::{dot, norm, pcg};
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

/// What the solver asks for next: an [`Evaluation`] (likelihood part only)
/// at `point`, with the log-likelihood when `with_log_lik`.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The parameter vector θ to evaluate at.
    pub point: &'a [f64],
    /// Whether the log-likelihood is needed (a logarithm per cell);
    /// otherwise `log_lik` may be NaN.
    pub with_log_lik: bool,
}

/// Where the solver stands after [`NewtonCg::advance`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverState {
    /// Evaluate at [`NewtonCg::request`] and advance again.
    Continue,
    /// Finished; the result is [`NewtonCg::point`].
    Done(FitStatus),
}

/// Which evaluation the solver waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// At the accepted point θ (the start, or θ again with its objective).
    Accepted,
    /// At the trial point θ + scale·d, gradient only.
    Trial,
    /// At the trial point with its objective (the slope tests were
    /// inconclusive).
    TrialObjective,
    Finished(FitStatus),
}

/// Newton's method with a matrix-free, Jacobi-preconditioned conjugate
/// gradient solve per step, as a state machine (argmin's shape: point →
/// evaluation → step → status). It never evaluates the model itself: it
/// says where it needs an [`Evaluation`] ([`Self::request`]) and takes it
/// in [`Self::advance`], so one iteration rule and one convergence test
/// serve every evaluator — the CPU's `f64` passes over the cells, the GPU
/// kernels' `f32` ones, a step-by-step animation.
///
/// A step is accepted when the objective's slope along it is still ≥ 0 at
/// the new point (for a concave objective that proves it went up, without
/// the logarithms the objective costs), or when the slopes at both ends
/// sum to > 0 and the gradient shrank (a step just past the maximum, as
/// rounding makes it near the optimum); otherwise the objectives are
/// compared, and the step halved while it decreases. Under a prior the
/// gradient alone can prove convergence (see [`Problem::curvature_floor`]).
#[derive(Debug, Clone)]
pub struct NewtonCg {
    theta: Vec<f64>,
    /// The evaluation at `theta`, prior included (empty before the first).
    ev: Evaluation,
    trial: Vec<f64>,
    trial_ev: Evaluation,
    /// An evaluation the solver is done with, whose buffers the next one
    /// may reuse ([`Self::take_spare`]).
    spare: Evaluation,
    direction: Vec<f64>,
    start_slope: f64,
    grad_norm: f64,
    scale: f64,
    iteration: u32,
    steps_taken: u32,
    cg_iterations: u32,
    tolerance: f64,
    max_iterations: u32,
    phase: Phase,
    started: bool,
}

impl NewtonCg {
    /// Starts at `theta` under the problem's tolerance and step cap.
    pub(crate) fn new(problem: &Problem, theta: Vec<f64>) -> Self {
        Self {
            trial: theta.clone(),
            theta,
            ev: Evaluation::default(),
            trial_ev: Evaluation::default(),
            spare: Evaluation::default(),
            direction: Vec::new(),
            start_slope: 0.0,
            grad_norm: f64::NAN,
            scale: 1.0,
            iteration: 1,
            steps_taken: 0,
            cg_iterations: 0,
            tolerance: problem.settings.tolerance,
            max_iterations: problem.settings.max_iterations,
            phase: Phase::Accepted,
            started: false,
        }
    }

    /// Stops once the Newton step is at most `tolerance` (default: the
    /// settings' tolerance). A coarser tolerance suits `f32` evaluations,
    /// whose rounding hides smaller steps.
    pub fn with_tolerance(mut self, tolerance: f64) -> Self {
        if tolerance.is_finite() && tolerance > 0.0 {
            self.tolerance = tolerance;
        }
        self
    }

    /// Stops after `max_iterations` steps at most (default: the
    /// settings' cap; at least 1).
    pub fn with_max_iterations(mut self, max_iterations: u32) -> Self {
        self.max_iterations = max_iterations.max(1);
        self
    }

    /// Where the next evaluation is needed, and whether with the
    /// log-likelihood.
    pub fn request(&self) -> Request<'_> {
        match self.phase {
            Phase::Accepted => Request {
                point: &self.theta,
                with_log_lik: self.started,
            },
            Phase::Trial => Request {
                point: &self.trial,
                with_log_lik: false,
            },
            Phase::TrialObjective => Request {
                point: &self.trial,
                with_log_lik: true,
            },
            Phase::Finished(_) => Request {
                point: &self.theta,
                with_log_lik: true,
            },
        }
    }

    /// An evaluation the solver no longer needs (empty at first), to be
    /// filled at [`Self::request`] and handed back to
    /// [`Self::advance`]: reusing its buffers spares a fresh allocation
    /// (and its page faults) of the per-cell arrays at every evaluation.
    pub fn take_spare(&mut self) -> Evaluation {
        std::mem::take(&mut self.spare)
    }

    /// The accepted point (the result once [`SolverState::Done`]).
    pub fn point(&self) -> &[f64] {
        &self.theta
    }

    /// Newton steps so far, counted as the fit reports them.
    pub fn iterations(&self) -> u32 {
        self.iteration
    }

    /// Conjugate-gradient iterations so far, over all Newton steps (each
    /// one pass over the cells).
    pub fn cg_iterations(&self) -> u32 {
        self.cg_iterations
    }

    /// Accepted steps so far (the start is 0).
    pub fn steps_taken(&self) -> u32 {
        self.steps_taken
    }

    /// The objective at the accepted point, when known (NaN otherwise).
    pub fn objective(&self) -> f64 {
        self.ev.objective
    }

    /// Takes the evaluation asked for by [`Self::request`] (likelihood
    /// part only: the prior is added here) and moves on.
    ///
    /// An evaluation whose lengths do not match the model is an error.
    pub fn advance(
        &mut self,
        model: &super::PairwiseModel,
        ev: Evaluation,
    ) -> crate::Result<SolverState> {
        self.advance_problem(&model.problem, ev)
    }

    pub(crate) fn advance_problem(
        &mut self,
        problem: &Problem,
        mut ev: Evaluation,
    ) -> crate::Result<SolverState> {
        if let Phase::Finished(status) = self.phase {
            return Ok(SolverState::Done(status));
        }
        if !problem.fits_evaluation(&ev) {
            return Err(crate::Error::Numerical(
                "the evaluation does not match the model's parameters and cells",
            ));
        }
        let point = match self.phase {
            Phase::Accepted => &self.theta,
            _ => &self.trial,
        };
        problem.add_prior(point, &mut ev);
        match self.phase {
            Phase::Accepted if !self.started => {
                self.started = true;
                self.ev = ev;
                self.plan(problem);
            }
            // θ's objective, asked for after inconclusive slope tests:
            // now the trial's.
            Phase::Accepted => {
                self.spare = std::mem::replace(&mut self.ev, ev);
                self.phase = Phase::TrialObjective;
            }
            Phase::Trial => self.judge_slopes(problem, ev),
            Phase::TrialObjective => {
                let slack = 1e-11 * (1.0 + self.ev.objective.abs());
                let up = ev.objective.is_finite() && ev.objective >= self.ev.objective - slack;
                self.spare = std::mem::replace(&mut self.trial_ev, ev);
                self.settle(problem, up);
            }
            Phase::Finished(_) => {}
        }
        Ok(match self.phase {
            Phase::Finished(status) => SolverState::Done(status),
            _ => SolverState::Continue,
        })
    }

    /// With the evaluation at θ in hand: converged, or the next direction
    /// and its first trial point.
    fn plan(&mut self, problem: &Problem) {
        self.grad_norm = norm(&self.ev.grad);
        // With a prior of strength ≥ λ on every parameter the information's
        // eigenvalues are ≥ λ, so the Newton step is at most ‖g‖/λ long:
        // below the tolerance, converged without solving for it.
        let floor = problem.curvature_floor();
        if floor > 0.0 && self.grad_norm <= self.tolerance * floor {
            self.phase = Phase::Finished(FitStatus::Converged);
            return;
        }
        // Forcing term: solve loosely far from the optimum, tightly near it.
        let rtol = self.grad_norm.clamp(1e-12, 1e-2);
        let (direction, cg_iterations) = pcg(problem, &self.ev, &self.ev.grad, rtol);
        self.direction = direction;
        self.cg_iterations += cg_iterations;
        let step = self.direction.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if step <= self.tolerance {
            self.phase = Phase::Finished(FitStatus::Converged);
            return;
        }
        self.start_slope = dot(&self.ev.grad, &self.direction);
        self.scale = 1.0;
        self.try_scale(problem);
    }

    /// Sets the trial point at the current scale, skipping infeasible
    /// ones (halving), or stalls.
    fn try_scale(&mut self, problem: &Problem) {
        loop {
            for ((t, x), d) in self.trial.iter_mut().zip(&self.theta).zip(&self.direction) {
                *t = x + self.scale * d;
            }
            if problem.feasible(&self.trial) {
                self.phase = Phase::Trial;
                return;
            }
            if !self.halve() {
                return;
            }
        }
    }

    /// Halves the step; false (and stalled) below the smallest scale.
    fn halve(&mut self) -> bool {
        self.scale *= 0.5;
        if self.scale < MIN_STEP_SCALE {
            self.phase = Phase::Finished(FitStatus::Stalled);
            return false;
        }
        true
    }

    /// The slope tests on the trial's gradient; the objectives when they
    /// are inconclusive.
    fn judge_slopes(&mut self, problem: &Problem, trial_ev: Evaluation) {
        let slope = dot(&trial_ev.grad, &self.direction);
        let accepted = if slope.is_finite() && slope >= 0.0 {
            Some(true)
        } else if slope.is_finite()
            && slope + self.start_slope > 0.0
            && norm(&trial_ev.grad) < self.grad_norm
        {
            // Slightly past the maximum along the step (as rounding makes
            // it near the optimum): the trapezoid estimate of the change,
            // exact for the quadratic model, is still positive, and the
            // gradient shrank.
            Some(true)
        } else {
            None
        };
        self.spare = std::mem::replace(&mut self.trial_ev, trial_ev);
        match accepted {
            Some(up) => self.settle(problem, up),
            None if self.ev.objective.is_nan() => self.phase = Phase::Accepted,
            None => self.phase = Phase::TrialObjective,
        }
    }

    /// Accepts the trial (and plans the next step) or halves the step.
    fn settle(&mut self, problem: &Problem, accepted: bool) {
        if !accepted {
            if self.halve() {
                self.try_scale(problem);
            }
            return;
        }
        std::mem::swap(&mut self.theta, &mut self.trial);
        std::mem::swap(&mut self.ev, &mut self.trial_ev);
        self.steps_taken += 1;
        if self.theta.iter().any(|t| t.abs() > DIVERGED_AT) {
            self.phase = Phase::Finished(FitStatus::Diverged);
            return;
        }
        if self.iteration >= self.max_iterations {
            self.phase = Phase::Finished(FitStatus::MaxIterations);
            return;
        }
        self.iteration += 1;
        self.plan(problem);
    }
}
