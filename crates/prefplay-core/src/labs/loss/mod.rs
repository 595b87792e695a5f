//! The loss catalogue: preference-optimisation losses of a policy's and a
//! reference policy's log-probabilities, each with its analytic gradient.
//!
//! A [`LossRow`] holds, for one prompt, the summed log-probabilities of the
//! chosen response y_w and the rejected response y_l under the policy π
//! (`policy_chosen`, `policy_rejected`) and under the reference π_ref, the
//! responses' lengths in tokens (for length-normalised losses) and,
//! for single-response losses (KTO, DRO), an optional label. Writing
//!
//! - c = log π(y_w|x), r = log π(y_l|x) (the policy log-probabilities),
//! - ρ_w = c − log π_ref(y_w|x), ρ_l = r − log π_ref(y_l|x) (log-ratios),
//! - h = ρ_w − ρ_l (the implicit reward margin, in nats),
//!
//! each loss is a function of these; [`evaluate`] returns every row's loss
//! and ∂/∂c, ∂/∂r of the batch's summed loss (the "gradients with respect
//! to the policy log-probs"). The formulas, with their papers, are on
//! [`LossKind`]'s variants; names follow TRL's `loss_type` where TRL has
//! one. Quantities TRL detaches (KTO's KL reference point, BCO's reward
//! baseline, DRO's value, WPO's weights) are computed from the batch first
//! ([`BatchContext`]) and are constants for the gradient, as in TRL.
//!
//! Single-response losses (KTO, DRO) read a row with a `label` as one
//! response: the chosen columns hold it and the label is its feedback
//! (KTO: desirable when > 0.5; DRO: the reward). A row without a label is
//! a pair, split as TRL splits paired data: the chosen response is
//! desirable (reward 1) and the rejected one undesirable (reward 0), and
//! the row's loss is the sum of both terms.

mod batch;
mod csv;
mod kinds;
#[cfg(test)]
mod tests;

use crate::Error;
use crate::error::check_finite_above;

pub use batch::{
    BatchContext, LossBatch, LossRow, RowLoss, check_rows, evaluate, evaluate_with, stable_ranks,
};
pub use csv::read_loss_rows;
pub use kinds::sigmoid_family;

/// A preference loss. The default parameters are TRL's
/// ([`LossParams::default_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LossKind {
    /// DPO (Rafailov et al. 2023, eq. 7), with conservative label
    /// smoothing ε (cDPO, Mitchell 2023):
    /// −(1 − ε) log σ(βh) − ε log σ(−βh).
    Sigmoid,
    /// Robust DPO (rDPO, Chowdhury et al. 2024, eq. 8), unbiased under
    /// labels flipped with probability ε:
    /// [−(1 − ε) log σ(βh) + ε log σ(−βh)] / (1 − 2ε).
    Robust,
    /// EXO (Ji et al. 2024, eq. 15, pairwise form): the reverse KL from the
    /// model's preference p = σ(βh) to the smoothed label (1 − ε, ε):
    /// p (log p − log(1 − ε)) + (1 − p)(log(1 − p) − log ε); ε = 1e-3 when
    /// label smoothing is 0 (TRL).
    ExoPair,
    /// SLiC hinge (Zhao et al. 2023, eq. 2 with δ = 1): max(0, 1 − βh).
    Hinge,
    /// IPO (Azar et al. 2023, eq. 17): (h − 1/(2β))².
    Ipo,
    /// BCO pair (Jung et al. 2024, eq. 12): −log σ(βρ_w − δ) − log σ(−(βρ_l − δ)),
    /// δ the mean of the batch's βρ (TRL keeps a running mean; one batch's
    /// first update is that mean), detached.
    BcoPair,
    /// SPPO hard-label (Wu et al. 2024, eq. 4.7):
    /// (ρ_w − 1/(2β))² + (ρ_l + 1/(2β))².
    SppoHard,
    /// NCA pair (Chen et al. 2024, eq. 11):
    /// −log σ(βρ_w) − ½ log σ(−βρ_w) − ½ log σ(−βρ_l).
    NcaPair,
    /// AOT (Melnyk et al. 2024, eq. 9): the sigmoid loss of the sorted
    /// policy log-ratio margins (c − r) minus the sorted reference margins,
    /// position by position over the batch.
    Aot,
    /// AOT pair (Melnyk et al. 2024): the sigmoid loss of sorted ρ_w minus
    /// sorted ρ_l, position by position over the batch.
    AotPair,
    /// APO-zero (D'Oosterlinck et al. 2024, eq. 6): 1 − σ(βρ_w) + σ(βρ_l).
    ApoZero,
    /// APO-down (D'Oosterlinck et al. 2024, eq. 7): σ(βρ_w) + 1 − σ(βh).
    ApoDown,
    /// DiscoPOP (Chris Lu et al. 2024, eq. 5, "log-ratio modulated loss"):
    /// with z = βh and m = σ(z/τ), −log σ(z)·(1 − m) + e^(−z)·m; τ = 0.05.
    Discopop,
    /// SimPO (Meng et al. 2024, eq. 6): no reference; with average
    /// log-probabilities c/|y_w|, r/|y_l| and margin γ,
    /// −log σ(β(c/|y_w| − r/|y_l|) − γ) (label smoothing as DPO's).
    Simpo,
    /// CPO (Xu et al. 2024, eq. 6): no reference; −log σ(β(c − r)) plus
    /// α times the chosen response's per-token NLL −c/|y_w| (α = 1, TRL).
    Cpo,
    /// ORPO (Hong et al. 2024, eqs. 6–7): with average log-probabilities
    /// a = c/|y_w|, b = r/|y_l| and odds(p) = p/(1 − p),
    /// −a − β log σ(log odds(eᵃ) − log odds(eᵇ)).
    Orpo,
    /// KTO (Ethayarajh et al. 2024, eq. 8): desirable responses
    /// λ_D(1 − σ(β(ρ − z₀))), undesirable λ_U(1 − σ(β(z₀ − ρ))), z₀ the
    /// KL reference point, detached: max(0, mean ρ over the batch's
    /// responses) (TRL estimates it from mismatched completions; without
    /// them the batch's own responses are the estimate).
    Kto,
    /// DRO (Richemond et al. 2024, eq. 7): one response with reward ρ's
    /// label R: ½(R − V − βρ)², V the value, detached: the constant that
    /// minimises the batch's loss, mean(R − βρ).
    Dro,
    /// The Bradley–Terry reward-model loss (Ouyang et al. 2022, eq. 1):
    /// the policy columns are the reward model's scores; −log σ(c − r).
    Bt,
}

impl LossKind {
    /// Every loss, in the catalogue's order.
    pub const ALL: [LossKind; 19] = [
        LossKind::Sigmoid,
        LossKind::Robust,
        LossKind::ExoPair,
        LossKind::Hinge,
        LossKind::Ipo,
        LossKind::BcoPair,
        LossKind::SppoHard,
        LossKind::NcaPair,
        LossKind::Aot,
        LossKind::AotPair,
        LossKind::ApoZero,
        LossKind::ApoDown,
        LossKind::Discopop,
        LossKind::Simpo,
        LossKind::Cpo,
        LossKind::Orpo,
        LossKind::Kto,
        LossKind::Dro,
        LossKind::Bt,
    ];

    /// The type name, as TRL's `loss_type` where TRL has one.
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Sigmoid => "sigmoid",
            LossKind::Robust => "robust",
            LossKind::ExoPair => "exo_pair",
            LossKind::Hinge => "hinge",
            LossKind::Ipo => "ipo",
            LossKind::BcoPair => "bco_pair",
            LossKind::SppoHard => "sppo_hard",
            LossKind::NcaPair => "nca_pair",
            LossKind::Aot => "aot",
            LossKind::AotPair => "aot_pair",
            LossKind::ApoZero => "apo_zero",
            LossKind::ApoDown => "apo_down",
            LossKind::Discopop => "discopop",
            LossKind::Simpo => "simpo",
            LossKind::Cpo => "cpo",
            LossKind::Orpo => "orpo",
            LossKind::Kto => "kto",
            LossKind::Dro => "dro",
            LossKind::Bt => "bt",
        }
    }

    /// The loss named `name` ([`LossKind::name`]; "dpo" and "cdpo" mean
    /// `sigmoid`, "rdpo" `robust`, "slic" `hinge`).
    pub fn parse(name: &str) -> crate::Result<LossKind> {
        let lower = name.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "dpo" | "cdpo" => "sigmoid",
            "rdpo" => "robust",
            "slic" => "hinge",
            other => other,
        };
        LossKind::ALL
            .into_iter()
            .find(|k| k.name() == alias)
            .ok_or_else(|| Error::InvalidParameter {
                name: "type",
                value: name.to_string(),
                reason: "is not a loss type; one of sigmoid, robust, exo_pair, hinge, ipo, \
                         bco_pair, sppo_hard, nca_pair, aot, aot_pair, apo_zero, apo_down, \
                         discopop, simpo, cpo, orpo, kto, dro, bt",
            })
    }

    /// The kernel code of this loss (its index in [`LossKind::ALL`]).
    pub fn code(self) -> u32 {
        LossKind::ALL.iter().position(|&k| k == self).unwrap_or(0) as u32
    }

    /// Whether the loss reads one response per row when rows carry labels.
    pub fn single_response(self) -> bool {
        matches!(self, LossKind::Kto | LossKind::Dro)
    }

    /// Whether the loss uses the reference log-probabilities.
    pub fn uses_reference(self) -> bool {
        !matches!(
            self,
            LossKind::Simpo | LossKind::Cpo | LossKind::Orpo | LossKind::Bt
        )
    }

    /// Whether the loss couples rows through a sort (AOT).
    pub fn sorted(self) -> bool {
        matches!(self, LossKind::Aot | LossKind::AotPair)
    }
}

/// A loss's parameters. [`LossParams::default_for`] gives TRL's defaults.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LossParams {
    /// β > 0: the inverse temperature of the implicit reward (DPO family),
    /// ORPO's λ, the scale of the reward model's margin. Default 0.1.
    pub beta: f64,
    /// Label smoothing ε in [0, 0.5) (cDPO, rDPO, EXO, AOT, SimPO, CPO).
    /// Default 0.
    pub label_smoothing: f64,
    /// SimPO's target margin γ ≥ 0. Default 0.5 (TRL's `simpo_gamma`).
    pub gamma: f64,
    /// DiscoPOP's temperature τ > 0. Default 0.05.
    pub tau: f64,
    /// CPO's weight α ≥ 0 on the chosen response's NLL. Default 1.
    pub cpo_alpha: f64,
    /// KTO's weight λ_D ≥ 0 on desirable responses. Default 1.
    pub desirable_weight: f64,
    /// KTO's weight λ_U ≥ 0 on undesirable responses. Default 1.
    pub undesirable_weight: f64,
    /// WPO weighting (Zhou et al. 2024, eq. 7): each pair's loss times
    /// exp(c/|y_w| + r/|y_l|), the geometric-mean probabilities of its two
    /// responses under the policy, detached. Pairwise losses only (not
    /// AOT, KTO, DRO). Default off.
    pub wpo: bool,
}

impl Default for LossParams {
    fn default() -> Self {
        Self {
            beta: 0.1,
            label_smoothing: 0.0,
            gamma: 0.5,
            tau: 0.05,
            cpo_alpha: 1.0,
            desirable_weight: 1.0,
            undesirable_weight: 1.0,
            wpo: false,
        }
    }
}

impl LossParams {
    /// TRL's defaults for `kind` (β = 0.1 for every loss; the rest as
    /// [`Default`]).
    pub fn default_for(_kind: LossKind) -> Self {
        Self::default()
    }

    /// Checks the ranges documented on the fields, and that WPO weighting
    /// is asked for a pairwise loss (AOT's losses belong to sorted
    /// positions, KTO's and DRO's to single responses).
    pub fn check_for(&self, kind: LossKind) -> crate::Result<()> {
        if self.wpo && (kind.sorted() || kind.single_response()) {
            return Err(Error::InvalidParameter {
                name: "wpo",
                value: kind.name().to_string(),
                reason: "WPO weights pairs; aot, aot_pair, kto and dro have no per-pair loss",
            });
        }
        self.check()
    }

    /// Checks the ranges documented on the fields.
    pub fn check(&self) -> crate::Result<()> {
        check_finite_above("beta", self.beta, 0.0, false, "must be finite and > 0")?;
        check_finite_above("tau", self.tau, 0.0, false, "must be finite and > 0")?;
        for (name, value) in [
            ("gamma", self.gamma),
            ("cpo_alpha", self.cpo_alpha),
            ("desirable_weight", self.desirable_weight),
            ("undesirable_weight", self.undesirable_weight),
        ] {
            check_finite_above(name, value, 0.0, true, "must be finite and ≥ 0")?;
        }
        if !(0.0..0.5).contains(&self.label_smoothing) {
            return Err(Error::InvalidParameter {
                name: "label_smoothing",
                value: self.label_smoothing.to_string(),
                reason: "must be in [0, 0.5)",
            });
        }
        Ok(())
    }
}
