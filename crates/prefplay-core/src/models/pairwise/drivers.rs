//! The model as the one solver's drivers see it: a [`NewtonCg`] to drive
//! with any evaluator (the GPU engine's kernel, then the CPU's finish), the
//! CPU's `f64` evaluation that is every kernel's twin, the cells and
//! layout an evaluation kernel reads, and the Newton path the convergence
//! animation replays.

use super::problem::Evaluation;
use super::settings::{Link, TieModel};
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

    /// The model as an evaluation kernel reads it: the cells, the link
    /// and tie model, and where each parameter sits in θ. What the GPU's
    /// pairwise kernels upload; [`Self::likelihood_pieces`] is their twin.
    pub fn kernel_view(&self) -> KernelView<'_> {
        let (c, layout) = (&self.problem.cells, &self.problem.layout);
        KernelView {
            item_a: &c.item_a,
            item_b: &c.item_b,
            advantage: if layout.order.is_some() {
                &c.advantage
            } else {
                &[]
            },
            counts: c
                .counts
                .iter()
                .map(|n| [n.wins_a, n.wins_b, n.ties])
                .collect(),
            features: &c.features,
            n_features: c.n_features,
            link: self.problem.settings.link,
            ties: self.problem.settings.ties,
            n_items: layout.n_items,
            order_index: layout.order,
            tie_index: layout.tie,
            features_start: layout.features_start,
            dim: layout.dim,
            l2: self.problem.settings.l2,
            extras_l2: self.problem.extras_l2,
            gauge: self.problem.gauge,
        }
    }
}

/// A pairwise model's cells, parameter layout and prior, for an
/// evaluation kernel ([`PairwiseModel::kernel_view`]; the batched fits
/// of `prefplay-gpu` also read the prior and gauge). θ = [item scores, order
/// effect?, tie parameter?, feature coefficients]; η of cell k is
/// θ[a] − θ[b] + h·advantage + β·features.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelView<'a> {
    /// Cell k's first item (the lower index).
    pub item_a: &'a [u32],
    /// Cell k's second item.
    pub item_b: &'a [u32],
    /// Cell k's order advantage (+1: a has it, −1: b has it, 0: neither);
    /// empty without an order effect.
    pub advantage: &'a [f64],
    /// Cell k's (wins of a, wins of b, ties).
    pub counts: Vec<[f64; 3]>,
    /// Cell k's features, `n_features` per cell, row-major.
    pub features: &'a [f64],
    /// Features per cell.
    pub n_features: usize,
    /// The link (logit: Bradley–Terry, probit: Thurstone).
    pub link: Link,
    /// The tie model.
    pub ties: TieModel,
    /// Number of items (θ's first entries).
    pub n_items: usize,
    /// θ's index of the order effect, if the model has one.
    pub order_index: Option<usize>,
    /// θ's index of the tie parameter, if the model has one.
    pub tie_index: Option<usize>,
    /// θ's index of the first feature coefficient.
    pub features_start: usize,
    /// θ's length.
    pub dim: usize,
    /// Prior strength λ on the scores (0: none, and a gauge).
    pub l2: f64,
    /// Prior strength on the other parameters (0 unless a separable fit
    /// was refitted with a prior).
    pub extras_l2: f64,
    /// The item held at 0 when λ = 0 (the reference, else item 0).
    pub gauge: Option<usize>,
}
