//! Bradley–Terry (logit link), maximum a posteriori with a Gaussian prior.
//!
//! P(i beats j) = σ(sᵢ − sⱼ) (Bradley & Terry 1952). Ties count as half a
//! win for each side (see [`crate::graph`]). The prior sᵢ ~ N(0, 1/λ) with
//! λ = [`BtSettings::l2`] keeps every score finite, also for an item that
//! never lost, and makes the estimate centred (Σ sᵢ = 0).

mod newton;
mod pieces;

pub use newton::{BtNewton, NewtonStatus};
pub use pieces::{NewtonPieces, bt_pieces_reference};

use crate::error::check_finite_above;
use crate::{ComparisonGraph, Error, Result};

/// Settings for a Bradley–Terry fit. Checked when a solver is built.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BtSettings {
    /// Prior strength λ (precision of the N(0, 1/λ) prior on each score).
    /// Default `0.1`: a weak prior, standard deviation √10 ≈ 3.2 logits.
    /// Must be finite and > 0.
    pub l2: f64,
    /// Convergence: stop when the largest Newton step is at most this many
    /// logits. Default `1e-10`. Must be finite and > 0.
    pub tolerance: f64,
    /// Cap on Newton steps. Default `100`. Must be ≥ 1.
    pub max_iterations: u32,
}

impl Default for BtSettings {
    fn default() -> Self {
        Self {
            l2: 0.1,
            tolerance: 1e-10,
            max_iterations: 100,
        }
    }
}

impl BtSettings {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<()> {
        check_finite_above("l2", self.l2, 0.0, false, "must be finite and > 0")?;
        check_finite_above(
            "tolerance",
            self.tolerance,
            0.0,
            false,
            "must be finite and > 0",
        )?;
        if self.max_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

/// A finished fit.
#[derive(Debug, Clone, PartialEq)]
pub struct BtFit {
    /// MAP scores (log-strengths), one per item, centred.
    pub scores: Vec<f64>,
    /// Standard errors of the centred scores (from the inverse information
    /// matrix, prior included).
    pub standard_errors: Vec<f64>,
    /// Log-likelihood plus log-prior (up to a constant) at `scores`.
    pub log_posterior: f64,
    /// Newton steps taken.
    pub iterations: u32,
    /// Why the solver stopped.
    pub status: NewtonStatus,
}

/// Fits on the CPU, starting from zeros.
pub fn fit_bt(graph: &ComparisonGraph, settings: BtSettings) -> Result<BtFit> {
    fit_bt_from(graph, settings, None)
}

/// Fits on the CPU from a warm start (`None`: zeros).
pub fn fit_bt_from(
    graph: &ComparisonGraph,
    settings: BtSettings,
    start: Option<&[f64]>,
) -> Result<BtFit> {
    let mut solver = BtNewton::new(graph.n_items(), settings, start)?;
    loop {
        let pieces = bt_pieces_reference(graph, solver.point());
        let status = solver.step(graph, &pieces)?;
        if status != NewtonStatus::Continue {
            return solver.finish(status);
        }
    }
}

#[cfg(test)]
mod tests;
