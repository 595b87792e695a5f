//! The pairwise family: Bradley–Terry and Thurstone–Mosteller, four ways to
//! treat ties, an order effect and feature coefficients (contextual BT), as
//! one maximum-a-posteriori fit (plain maximum likelihood with `l2 = 0`).
//!
//! Build a [`PairwiseModel`] from a [`PairTable`] (this aggregates the rows,
//! diagnoses the comparison graph and settles what can be estimated), then
//! [`PairwiseModel::fit`], then ask for uncertainty (see [`uncertainty`]).
//!
//! Reported scores are log-strengths: centred to mean 0, or contrasts to the
//! reference item when one is set.

pub(crate) mod bootstrap;
mod cells;
mod cg;
mod cpu;
mod diagnosis;
mod drivers;
mod fisher;
mod likelihood;
mod problem;
pub mod raters;
mod settings;
mod solver;
pub mod uncertainty;

#[cfg(test)]
mod tests;

pub use drivers::KernelView;
pub use problem::Evaluation;
pub use settings::{DEFAULT_L2, Link, MODELS, PairwiseSettings, TieModel};
pub use solver::{DIVERGED_AT, FitStatus, NewtonCg, Request, SolverState};

use cells::Cells;
use problem::{Layout, Problem};

use crate::Result;
use crate::data::table::PairTable;
use crate::inference::diagnosis::GraphDiagnosis;

/// The tie parameter on its natural scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TieParameter {
    /// `nu` (Davidson) or `theta` (Rao–Kupper).
    pub name: &'static str,
    /// ν ≥ 0 or θ ≥ 1.
    pub estimate: f64,
}

/// A finished fit. Scores follow the module's conventions.
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseFit {
    /// One score per item (log-strength, logit or probit scale).
    pub scores: Vec<f64>,
    /// The order effect (log-odds added for the side with the advantage).
    pub order_effect: Option<f64>,
    /// The tie parameter, for Davidson and Rao–Kupper.
    pub tie_parameter: Option<TieParameter>,
    /// One coefficient per feature column.
    pub feature_coefficients: Vec<f64>,
    /// The log-likelihood at the estimate (prior not included).
    pub log_likelihood: f64,
    /// Newton steps taken.
    pub iterations: u32,
    /// Conjugate-gradient iterations over all Newton steps (each one pass
    /// over the cells): with `iterations`, where a fit's time goes.
    pub cg_iterations: u32,
    /// Why the solver stopped.
    pub status: FitStatus,
    /// The raw parameter vector (a warm start for the next fit).
    pub parameters: Vec<f64>,
}

impl PairwiseFit {
    /// Whether the solver converged.
    pub fn converged(&self) -> bool {
        self.status == FitStatus::Converged
    }
}

/// Data, settings and diagnosis, ready to fit. See the module docs.
#[derive(Debug, Clone)]
pub struct PairwiseModel {
    problem: Problem,
    diagnosis: GraphDiagnosis,
    warnings: Vec<String>,
    items: Vec<String>,
    feature_names: Vec<String>,
}

/// How many item names a warning lists before "and N more".
const NAMES_IN_WARNINGS: usize = 5;

impl PairwiseModel {
    /// Aggregates `table` under `settings` (checked here). What cannot be
    /// estimated is dropped with a warning: a tie parameter without ties, an
    /// order effect without any row that has an advantage, and — when the
    /// maximum-likelihood estimate does not exist under `l2 = 0` — the
    /// prior falls back to [`DEFAULT_L2`].
    pub fn new(table: &PairTable, mut settings: PairwiseSettings) -> Result<Self> {
        let n_items = table.items().len();
        settings.check(n_items)?;
        let mut warnings = Vec::new();
        let mut cells = Cells::from_table(table, settings.order_effect, settings.use_features);
        if settings.ties.has_parameter() && cells.counts.iter().all(|c| c.ties == 0.0) {
            warnings.push(format!(
                "the data have no ties, so the {:?} tie parameter cannot be estimated; fitted without ties",
                settings.ties
            ));
            settings.ties = TieModel::Drop;
        }
        if settings.order_effect && cells.advantage.iter().all(|&a| a == 0.0) {
            warnings.push(
                "no row gives either side an advantage; the order effect is not estimated".into(),
            );
            settings.order_effect = false;
            cells = Cells::from_table(table, false, settings.use_features);
        }
        let diagnosis = diagnosis::diagnose(&cells, settings.ties, n_items);
        let names = |list: &[usize]| diagnosis::name_list(table.items(), list);
        if !diagnosis.never_lost.is_empty() {
            warnings.push(format!("never lost: {}", names(&diagnosis.never_lost)));
        }
        if !diagnosis.never_won.is_empty() {
            warnings.push(format!("never won: {}", names(&diagnosis.never_won)));
        }
        if !diagnosis.unseen.is_empty() {
            warnings.push(format!("never compared: {}", names(&diagnosis.unseen)));
        }
        if !diagnosis.mle_exists() {
            let groups = diagnosis.strong_components.len();
            if settings.l2 == 0.0 {
                warnings.push(format!(
                    "the maximum-likelihood estimate does not exist (the win graph splits into {groups} groups that never beat each other both ways); fitted with the prior l2 = {DEFAULT_L2} instead"
                ));
                settings.l2 = DEFAULT_L2;
            } else {
                warnings.push(format!(
                    "the win graph splits into {groups} groups that never beat each other both ways; the scores between groups are set by the prior (l2 = {})",
                    settings.l2
                ));
            }
        }
        let gauge = (settings.l2 == 0.0).then(|| settings.reference.unwrap_or(0));
        let layout = Layout::new(
            n_items,
            settings.order_effect,
            settings.ties.has_parameter(),
            cells.n_features,
        );
        Ok(Self {
            problem: Problem {
                cells,
                layout,
                settings,
                gauge,
                extras_l2: 0.0,
            },
            diagnosis,
            warnings,
            items: table.items().to_vec(),
            feature_names: table.feature_names.clone(),
        })
    }

    /// The settings in force (after the fallbacks in [`Self::new`]).
    pub fn settings(&self) -> &PairwiseSettings {
        &self.problem.settings
    }

    /// The comparison-graph diagnosis.
    pub fn diagnosis(&self) -> &GraphDiagnosis {
        &self.diagnosis
    }

    /// Warnings about the data and what was dropped or changed.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Item labels.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Feature names (the `f_` columns without the prefix), if used.
    pub fn feature_names(&self) -> &[String] {
        if self.problem.cells.n_features == 0 {
            &[]
        } else {
            &self.feature_names
        }
    }

    /// Number of aggregated cells the solver iterates over.
    pub fn n_cells(&self) -> usize {
        self.problem.cells.len()
    }

    /// Fits from `start` (a previous fit's [`PairwiseFit::parameters`]; a
    /// start of the wrong length is ignored) or from the default start.
    ///
    /// A fit that diverges or does not converge while some parameter has
    /// no prior (separable data: the maximum is at infinity) is redone with
    /// a prior on every parameter (item scores keep a positive `l2`; the
    /// others get [`DEFAULT_L2`]), with a warning; the model keeps that
    /// prior for its uncertainty estimates.
    pub fn fit(&mut self, start: Option<&[f64]>) -> PairwiseFit {
        self.fit_observed(start, &mut |_| {})
    }

    /// [`Self::fit`], calling `on_step` after every accepted Newton step
    /// (for progress reports).
    pub fn fit_observed(
        &mut self,
        start: Option<&[f64]>,
        on_step: &mut dyn FnMut(&NewtonCg),
    ) -> PairwiseFit {
        let solved = cpu::newton_observed(&self.problem, self.start(start), true, on_step);
        let failed = matches!(
            solved.status,
            FitStatus::Diverged | FitStatus::MaxIterations
        );
        let has_flat_prior = self.problem.settings.l2 == 0.0
            || (self.problem.layout.dim > self.problem.layout.n_items
                && self.problem.extras_l2 == 0.0);
        if failed && has_flat_prior {
            let p = &mut self.problem;
            if p.settings.l2 == 0.0 {
                p.settings.l2 = DEFAULT_L2;
            }
            p.gauge = None;
            p.extras_l2 = DEFAULT_L2;
            self.warnings.push(format!(
                "the fit did not converge ({:?} after {} steps: the data are separable, so some estimate is infinite); refitted with the prior l2 = {} on the scores and {DEFAULT_L2} on the other parameters",
                solved.status, solved.iterations, p.settings.l2
            ));
            let retry = cpu::newton_observed(&self.problem, self.start(None), true, on_step);
            return self.report(&retry);
        }
        self.report(&solved)
    }

    fn start(&self, start: Option<&[f64]>) -> Vec<f64> {
        let lay = &self.problem.layout;
        let mut theta = match start {
            Some(s) if s.len() == lay.dim && s.iter().all(|x| x.is_finite()) => s.to_vec(),
            _ => {
                let mut t = vec![0.0; lay.dim];
                self.win_ratio_start(&mut t[..lay.n_items]);
                if let Some(k) = lay.tie {
                    // ν = 1 (Davidson); α = 0.5, θ ≈ 1.65 (Rao–Kupper).
                    t[k] = if self.problem.tie_must_be_positive() {
                        0.5
                    } else {
                        0.0
                    };
                }
                t
            }
        };
        if let Some(g) = self.problem.gauge {
            let shift = theta[g];
            theta[..lay.n_items].iter_mut().for_each(|s| *s -= shift);
        }
        theta
    }

    /// A start near the optimum for well-mixed data, saving Newton steps:
    /// sᵢ = log((wins + 1) / (losses + 1)) (ties as halves), centred, on
    /// the link's scale (probit ≈ logit / 1.7).
    fn win_ratio_start(&self, scores: &mut [f64]) {
        let n = scores.len();
        let (mut wins, mut losses) = (vec![1.0; n], vec![1.0; n]);
        let c = &self.problem.cells;
        for k in 0..c.len() {
            let (a, b) = (c.item_a[k] as usize, c.item_b[k] as usize);
            let x = c.counts[k];
            let (wa, wb) = (x.wins_a + 0.5 * x.ties, x.wins_b + 0.5 * x.ties);
            wins[a] += wa;
            losses[a] += wb;
            wins[b] += wb;
            losses[b] += wa;
        }
        let scale = match self.problem.settings.link {
            Link::Logit => 1.0,
            Link::Probit => 1.0 / 1.7,
        };
        for ((s, w), l) in scores.iter_mut().zip(&wins).zip(&losses) {
            *s = scale * (w / l).ln();
        }
        let mean = scores.iter().sum::<f64>() / n.max(1) as f64;
        scores.iter_mut().for_each(|s| *s -= mean);
    }

    pub(crate) fn report(&self, solved: &cpu::Solved) -> PairwiseFit {
        let theta = solved.theta.clone();
        let lay = &self.problem.layout;
        let scores = self.report_scores(&theta);
        let tie_parameter = lay.tie.map(|k| match self.problem.settings.ties {
            TieModel::RaoKupper => TieParameter {
                name: "theta",
                estimate: theta[k].exp(),
            },
            _ => TieParameter {
                name: "nu",
                estimate: theta[k].exp(),
            },
        });
        PairwiseFit {
            scores,
            order_effect: lay.order.map(|k| theta[k]),
            tie_parameter,
            feature_coefficients: theta[lay.features_start..].to_vec(),
            log_likelihood: solved.log_lik,
            iterations: solved.iterations,
            cg_iterations: solved.cg_iterations,
            status: solved.status,
            parameters: theta,
        }
    }

    /// P(a wins), P(b wins), P(tie) for a row under `fit` (P(tie) = 0 for
    /// models without a tie parameter).
    pub fn outcome_probabilities(
        &self,
        fit: &PairwiseFit,
        row: &crate::data::table::PairRow,
        features: &[f64],
    ) -> (f64, f64, f64) {
        let lay = &self.problem.layout;
        let theta = &fit.parameters;
        let (a, b) = (row.item_a as usize, row.item_b as usize);
        let mut eta = theta.get(a).copied().unwrap_or(0.0) - theta.get(b).copied().unwrap_or(0.0);
        if let Some(h) = lay.order {
            eta += theta[h] * f64::from(row.advantage.sign());
        }
        if self.problem.cells.n_features > 0 {
            eta += theta[lay.features_start..]
                .iter()
                .zip(features)
                .map(|(b, x)| b * x)
                .sum::<f64>();
        }
        let tie = self.problem.tie_value(theta);
        let s = &self.problem.settings;
        let unit = |c: likelihood::Counts| {
            likelihood::cell_terms(s.link, s.ties, eta, tie, c)
                .log_lik
                .exp()
        };
        let one = likelihood::Counts::default();
        let pa = unit(likelihood::Counts { wins_a: 1.0, ..one });
        let pb = unit(likelihood::Counts { wins_b: 1.0, ..one });
        let pt = if lay.tie.is_some() {
            unit(likelihood::Counts { ties: 1.0, ..one })
        } else {
            0.0
        };
        (pa, pb, pt)
    }

    /// Item scores from θ: contrasts to the reference, else centred.
    pub(crate) fn report_scores(&self, theta: &[f64]) -> Vec<f64> {
        let s = &theta[..self.problem.layout.n_items];
        let shift = match self.problem.settings.reference {
            Some(r) => s[r],
            None => s.iter().sum::<f64>() / s.len().max(1) as f64,
        };
        s.iter().map(|x| x - shift).collect()
    }
}
