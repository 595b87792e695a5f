//! The model as the one solver's drivers see it: a [`NewtonCg`] to drive
//! with any evaluator (the GPU engine's kernel, then the CPU's finish), the
//! CPU's `f64` evaluation that is every kernel's twin, the cells a plain
//! Bradley–Terry kernel reads, and the Newton path the convergence
//! animation replays.

use super::problem::Evaluation;
use super::settings::TieModel;
use super::solver::{DIVERGED_AT, NewtonCg};
use super::{PairwiseModel, cpu};

impl PairwiseModel {
    /// The reported scores before the first Newton step and after each
    /// one, at most `max_steps` steps, starting from all scores equal
    /// (not the win-ratio start [`Self::fit`] uses, so that the path shows
    /// the whole climb): the convergence animation's frames. Stops early
    /// once the solver has converged or fails.
    pub fn newton_path(&self, max_steps: u32) -> Vec<Vec<f64>> {
        let mut theta = self.start(Some(&vec![0.0; self.problem.layout.dim]));
        if let Some(k) = self.problem.layout.tie {
            theta[k] = if self.problem.tie_must_be_positive() {
                0.5
            } else {
                0.0
            };
        }
        let mut frames = vec![self.report_scores(&theta)];
        if max_steps == 0 {
            return frames;
        }
        let mut solver = NewtonCg::new(&self.problem, theta).with_max_iterations(max_steps);
        cpu::run_on_cpu(&self.problem, &mut solver, &mut |s| {
            // A step too far (diverged) is not a frame.
            if frames.len() <= max_steps as usize
                && s.point().iter().all(|t| t.abs() <= DIVERGED_AT)
            {
                frames.push(self.report_scores(s.point()));
            }
        });
        frames
    }

    /// The solver for this model, from `start` (a previous fit's
    /// [`PairwiseFit::parameters`]; a start of the wrong length is ignored)
    /// or the default start: for evaluators other than the CPU's (the GPU
    /// engine drives it with its kernels, then finishes with [`Self::fit`]
    /// from the solver's point).
    pub fn solver(&self, start: Option<&[f64]>) -> NewtonCg {
        NewtonCg::new(&self.problem, self.start(start))
    }

    /// The likelihood's part of an evaluation at θ in `f64` (no prior):
    /// what [`NewtonCg::advance`] takes, and the CPU twin of the GPU's
    /// evaluation kernels.
    pub fn likelihood_pieces(&self, theta: &[f64], with_log_lik: bool) -> Evaluation {
        let mut ev = Evaluation::default();
        if theta.len() == self.problem.layout.dim {
            self.problem.likelihood_with(theta, &mut ev, with_log_lik);
        }
        ev
    }

    /// Number of parameters θ holds (scores, then the extras).
    pub fn n_parameters(&self) -> usize {
        self.problem.layout.dim
    }

    /// The cells as plain Bradley–Terry sees them — (item a, item b, wins
    /// of a, wins of b), ties as halves — when the model is plain BT
    /// (logit link, ties as halves or dropped, no order effect, no
    /// features): what the GPU's evaluation kernel reads. `None` otherwise.
    pub fn plain_bt_cells(&self) -> Option<Vec<(u32, u32, f64, f64)>> {
        if !self.problem.plain_logit() {
            return None;
        }
        let c = &self.problem.cells;
        let tie_weight = if self.problem.settings.ties == TieModel::Half {
            0.5
        } else {
            0.0
        };
        Some(
            (0..c.len())
                .map(|k| {
                    let n = c.counts[k];
                    (
                        c.item_a[k],
                        c.item_b[k],
                        n.wins_a + tie_weight * n.ties,
                        n.wins_b + tie_weight * n.ties,
                    )
                })
                .collect(),
        )
    }
}
