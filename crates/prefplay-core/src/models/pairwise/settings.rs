//! What to fit: link, tie handling, order effect, prior, reference item.

use crate::error::check_finite_above;
use crate::{Error, Result};

/// How a score difference becomes a win probability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Link {
    /// Bradley–Terry: P(a beats b) = σ(sₐ − s_b) (Bradley & Terry 1952).
    #[default]
    Logit,
    /// Thurstone–Mosteller (Case V): P(a beats b) = Φ(sₐ − s_b)
    /// (Thurstone 1927; Mosteller 1951), Φ the standard normal CDF.
    Probit,
}

/// Every (link, tie model) pair a pairwise model can be: the probit link
/// has no tie parameter ([`PairwiseSettings`] refuses it with Davidson or
/// Rao–Kupper).
pub const MODELS: [(Link, TieModel); 6] = [
    (Link::Logit, TieModel::Half),
    (Link::Logit, TieModel::Drop),
    (Link::Logit, TieModel::Davidson),
    (Link::Logit, TieModel::RaoKupper),
    (Link::Probit, TieModel::Half),
    (Link::Probit, TieModel::Drop),
];

/// How ties (and `both_bad`) enter the likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TieModel {
    /// A tie is half a win for each side (Chatbot Arena's convention).
    #[default]
    Half,
    /// Ties are left out.
    Drop,
    /// Davidson (1970): P(tie) ∝ ν·√(πₐπ_b), with ν ≥ 0 estimated.
    Davidson,
    /// Rao & Kupper (1967): P(a beats b) = πₐ / (πₐ + θπ_b), θ ≥ 1 estimated.
    RaoKupper,
}

impl TieModel {
    /// Whether the model has its own tie parameter.
    pub fn has_parameter(self) -> bool {
        matches!(self, TieModel::Davidson | TieModel::RaoKupper)
    }
}

/// Settings of a pairwise fit. Checked by [`PairwiseSettings::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseSettings {
    /// Link function. Default: logit (Bradley–Terry).
    pub link: Link,
    /// Tie handling. Default: half a win.
    pub ties: TieModel,
    /// Estimate an order effect: one parameter added to the log-odds of the
    /// side that has the advantage on each row. Default: off.
    pub order_effect: bool,
    /// Use the table's feature columns (contextual Bradley–Terry, Arena's
    /// "style control"): one coefficient per feature. Default: on (a table
    /// without features has none).
    pub use_features: bool,
    /// Strength λ of the Gaussian prior N(0, 1/λ) on each item score
    /// (not on the order effect, tie parameter or feature coefficients).
    /// Default `0.1`. `0` is plain maximum likelihood. Must be finite, ≥ 0.
    pub l2: f64,
    /// Report scores as contrasts to this item (its score is 0). Default:
    /// none, scores centred to mean 0.
    pub reference: Option<usize>,
    /// Stop when the largest Newton step is at most this. Default `1e-9`.
    pub tolerance: f64,
    /// Cap on Newton steps. Default `100`, must be ≥ 1.
    pub max_iterations: u32,
}

/// The documented default prior strength.
pub const DEFAULT_L2: f64 = 0.1;

impl Default for PairwiseSettings {
    fn default() -> Self {
        Self {
            link: Link::Logit,
            ties: TieModel::Half,
            order_effect: false,
            use_features: true,
            l2: DEFAULT_L2,
            reference: None,
            tolerance: 1e-9,
            max_iterations: 100,
        }
    }
}

impl PairwiseSettings {
    /// Checks every field against its documented range (`n_items` for the
    /// reference).
    pub fn check(&self, n_items: usize) -> Result<()> {
        check_finite_above("l2", self.l2, 0.0, true, "must be finite and ≥ 0")?;
        check_finite_above("tolerance", self.tolerance, 0.0, false, "must be > 0")?;
        if self.max_iterations == 0 {
            return Err(Error::InvalidParameter {
                name: "max_iterations",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        if let Some(r) = self.reference
            && r >= n_items
        {
            return Err(Error::InvalidParameter {
                name: "reference",
                value: r.to_string(),
                reason: "must be an item of the data",
            });
        }
        if self.link == Link::Probit && self.ties.has_parameter() {
            return Err(Error::InvalidParameter {
                name: "ties",
                value: format!("{:?}", self.ties),
                reason: "Davidson and Rao–Kupper ties need the logit link",
            });
        }
        Ok(())
    }
}
