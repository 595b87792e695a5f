//! Newton's method for the MAP Bradley–Terry scores, as a state machine.
//!
//! The solver never evaluates the likelihood itself: it says at which point
//! it needs [`NewtonPieces`] ([`BtNewton::point`]) and takes them in
//! [`BtNewton::step`]. The same update rule therefore drives the CPU loop, the
//! GPU loop (where evaluation is asynchronous) and step-by-step animations.
//!
//! Objective: log-likelihood − (λ/2)‖s‖² with λ = `l2`, strictly concave for
//! λ > 0. Each step solves (I + λ·Id) d = ∇ by Cholesky (I the observed
//! information) and halves the step while the objective decreases
//! (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §3.1 and §3.4).

use nalgebra::{DMatrix, DVector};

use super::{BtFit, BtSettings, NewtonPieces};
use crate::{ComparisonGraph, Error, Result};

/// Where the solver stands after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewtonStatus {
    /// Evaluate the pieces at [`BtNewton::point`] and call `step` again.
    Continue,
    /// The Newton step fell below the tolerance.
    Converged,
    /// `max_iterations` Newton steps were taken without converging.
    MaxIterations,
    /// Step halving could not increase the objective (usually: the pieces
    /// are too noisy for the tolerance asked, e.g. `f32` pieces and 1e-10).
    Stalled,
}

/// Smallest step fraction tried before declaring [`NewtonStatus::Stalled`].
const MIN_STEP_SCALE: f64 = 1.0 / 1024.0;

/// The Newton solver's state. See the module docs.
#[derive(Debug, Clone)]
pub struct BtNewton {
    settings: BtSettings,
    accepted: Vec<f64>,
    accepted_objective: f64,
    information: Option<DMatrix<f64>>,
    direction: Vec<f64>,
    step_scale: f64,
    trial: Vec<f64>,
    iterations: u32,
}

impl BtNewton {
    /// Starts at `start` (a warm start) or at all zeros; checks `settings`.
    pub fn new(n_items: usize, settings: BtSettings, start: Option<&[f64]>) -> Result<Self> {
        settings.check()?;
        let trial = match start {
            Some(s) if s.len() == n_items && s.iter().all(|x| x.is_finite()) => s.to_vec(),
            Some(_) => {
                return Err(Error::InvalidParameter {
                    name: "start",
                    value: "(vector)".into(),
                    reason: "must hold one finite score per item",
                });
            }
            None => vec![0.0; n_items],
        };
        Ok(Self {
            settings,
            accepted: trial.clone(),
            accepted_objective: f64::NEG_INFINITY,
            information: None,
            direction: vec![0.0; n_items],
            step_scale: 1.0,
            trial,
            iterations: 0,
        })
    }

    /// The scores at which the next [`NewtonPieces`] must be evaluated.
    pub fn point(&self) -> &[f64] {
        &self.trial
    }

    /// The best point accepted so far (the start before the first step).
    pub fn best_point(&self) -> &[f64] {
        &self.accepted
    }

    /// Newton steps taken so far.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Takes the pieces evaluated at [`Self::point`] and moves on.
    pub fn step(&mut self, graph: &ComparisonGraph, pieces: &NewtonPieces) -> Result<NewtonStatus> {
        let n = self.trial.len();
        if pieces.grad.len() != n
            || pieces.info_diag.len() != n
            || pieces.info_offdiag.len() != graph.n_entries()
        {
            return Err(Error::Numerical("Newton pieces do not match the graph"));
        }
        let l2 = self.settings.l2;
        let objective = pieces.log_lik - 0.5 * l2 * self.trial.iter().map(|s| s * s).sum::<f64>();
        // Accept unless the objective clearly decreased; the slack absorbs
        // rounding in f32 pieces near the optimum.
        let slack = 1e-6 * (1.0 + self.accepted_objective.abs());
        let improved = objective.is_finite()
            && (self.information.is_none() || objective >= self.accepted_objective - slack);
        if !improved {
            self.step_scale *= 0.5;
            if self.information.is_none() || self.step_scale < MIN_STEP_SCALE {
                return Ok(NewtonStatus::Stalled);
            }
            self.set_trial();
            return Ok(NewtonStatus::Continue);
        }
        self.accepted.clone_from(&self.trial);
        self.accepted_objective = objective;
        let information = information_matrix(graph, pieces, l2);
        let gradient = DVector::from_iterator(
            n,
            pieces
                .grad
                .iter()
                .zip(&self.accepted)
                .map(|(g, s)| g - l2 * s),
        );
        let chol = information.clone().cholesky().ok_or(Error::Numerical(
            "information matrix is not positive definite",
        ))?;
        let direction = chol.solve(&gradient);
        self.information = Some(information);
        self.direction = direction.iter().copied().collect();
        self.iterations += 1;
        let step_size = self.direction.iter().fold(0.0f64, |m, d| m.max(d.abs()));
        if step_size <= self.settings.tolerance {
            return Ok(NewtonStatus::Converged);
        }
        if self.iterations >= self.settings.max_iterations {
            return Ok(NewtonStatus::MaxIterations);
        }
        self.step_scale = 1.0;
        self.set_trial();
        Ok(NewtonStatus::Continue)
    }

    fn set_trial(&mut self) {
        for ((t, a), d) in self
            .trial
            .iter_mut()
            .zip(&self.accepted)
            .zip(&self.direction)
        {
            *t = a + self.step_scale * d;
        }
    }

    /// The best point so far, with standard errors from the information
    /// matrix there. `status` is what the last [`Self::step`] returned.
    pub fn finish(&self, status: NewtonStatus) -> Result<BtFit> {
        let information = self
            .information
            .as_ref()
            .ok_or(Error::Numerical("finish called before any step"))?;
        let standard_errors = centred_standard_errors(information)?;
        Ok(BtFit {
            scores: self.accepted.clone(),
            standard_errors,
            log_posterior: self.accepted_objective,
            iterations: self.iterations,
            status,
        })
    }
}

/// Dense (information + λ·Id) from the CSR pieces.
fn information_matrix(graph: &ComparisonGraph, pieces: &NewtonPieces, l2: f64) -> DMatrix<f64> {
    let n = graph.n_items();
    let mut m = DMatrix::zeros(n, n);
    for i in 0..n {
        m[(i, i)] = pieces.info_diag[i] + l2;
        for e in graph.row(i) {
            m[(i, graph.opponent[e] as usize)] = pieces.info_offdiag[e];
        }
    }
    m
}

/// Standard errors of the centred scores sᵢ − mean(s): the square roots of
/// the diagonal of P C P, with C = information⁻¹ and P = Id − 11ᵀ/n.
fn centred_standard_errors(information: &DMatrix<f64>) -> Result<Vec<f64>> {
    let n = information.nrows();
    let cov = information
        .clone()
        .cholesky()
        .ok_or(Error::Numerical(
            "information matrix is not positive definite",
        ))?
        .inverse();
    let nf = n as f64;
    let row_means: Vec<f64> = (0..n).map(|i| cov.row(i).sum() / nf).collect();
    let grand_mean = row_means.iter().sum::<f64>() / nf;
    Ok((0..n)
        .map(|i| {
            (cov[(i, i)] - 2.0 * row_means[i] + grand_mean)
                .max(0.0)
                .sqrt()
        })
        .collect())
}
