//! The playground's model menu: one choice of model, tie handling, prior
//! strength, order effect and interval method ([`ModelChoice`]), fitted in
//! one call ([`fit_choice`]) to the page's votes and rankings.
//!
//! Every score comes back on the logit scale of [`crate::models::pairwise`] (the
//! probit scale for Thurstone), centred; Elo's ratings are converted from
//! rating points to log-odds (ln 10 / 400 per point) so that the charts
//! can set them beside the others.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::error::invalid;
use crate::models::pairwise::DEFAULT_L2;
use crate::models::pairwise::uncertainty::Method;

mod fit;

pub use fit::{
    BOOTSTRAP_SEED, ChoiceFit, LEVEL, finish_pairwise, finish_pairwise_with, fit_choice, held_out,
    newton_frames, pairwise_model,
};

/// Which model ranks the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// Bradley–Terry on the pairwise comparisons (the default).
    #[default]
    Bt,
    /// Thurstone–Mosteller Case V (probit link).
    Thurstone,
    /// Plackett–Luce on the rankings and best-of-k choices as cast.
    PlackettLuce,
    /// Elo, one pass over the votes in the order they were cast.
    Elo,
}

/// How ties enter BT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieChoice {
    /// Half a win each (the default).
    #[default]
    Half,
    /// Davidson (1970).
    Davidson,
    /// Rao & Kupper (1967).
    RaoKupper,
}

/// How the intervals are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalChoice {
    /// Inverse observed information (the default).
    #[default]
    Fisher,
    /// Huber–White sandwich.
    Sandwich,
    /// Poisson bootstrap with [`ModelChoice::bootstrap_replicates`] draws.
    Bootstrap,
}

/// Bootstrap replicates allowed on the page.
pub const REPLICATES_RANGE: std::ops::RangeInclusive<u32> = 10..=2000;
/// Prior strengths allowed on the page.
pub const PRIOR_RANGE: std::ops::RangeInclusive<f64> = 0.0..=100.0;
/// Elo K allowed on the page.
pub const ELO_K_RANGE: std::ops::RangeInclusive<f64> = 0.5..=256.0;

/// The model controls' state; defaults in brackets. Missing fields read
/// as their defaults, so older saved settings load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelChoice {
    /// Model [BT].
    pub model: ModelKind,
    /// Tie handling for BT [half a win each]; Thurstone and Plackett–Luce
    /// count a tie as half a win / leave it out.
    pub ties: TieChoice,
    /// Prior strength λ of N(0, 1/λ) on each score [0.1], 0 ..= 100.
    pub prior: f64,
    /// Estimate the advantage of the left-hand item [off] (BT, Thurstone).
    pub order_effect: bool,
    /// Interval method [Fisher].
    pub interval: IntervalChoice,
    /// Bootstrap replicates [200], 10 ..= 2000.
    pub bootstrap_replicates: u32,
    /// Elo's K [16], 0.5 ..= 256.
    pub elo_k: f64,
}

impl Default for ModelChoice {
    fn default() -> Self {
        Self {
            model: ModelKind::Bt,
            ties: TieChoice::Half,
            prior: DEFAULT_L2,
            order_effect: false,
            interval: IntervalChoice::Fisher,
            bootstrap_replicates: 200,
            elo_k: 16.0,
        }
    }
}

impl ModelChoice {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<()> {
        let bad = |name, value: String, reason| Err(invalid(name, value, reason));
        if !PRIOR_RANGE.contains(&self.prior) {
            return bad("prior", self.prior.to_string(), "must be 0 to 100");
        }
        if !REPLICATES_RANGE.contains(&self.bootstrap_replicates) {
            return bad(
                "bootstrap_replicates",
                self.bootstrap_replicates.to_string(),
                "must be 10 to 2000",
            );
        }
        if !ELO_K_RANGE.contains(&self.elo_k) {
            return bad("elo_k", self.elo_k.to_string(), "must be 0.5 to 256");
        }
        if self.model == ModelKind::Thurstone && self.ties != TieChoice::Half {
            return bad(
                "ties",
                format!("{:?}", self.ties),
                "Davidson and Rao–Kupper ties need the logit link (Bradley–Terry)",
            );
        }
        Ok(())
    }

    /// Whether this is plain BT with half-win ties and Fisher intervals:
    /// the fit the GPU engine runs (with [`Self::prior`] as its `l2`).
    pub fn is_plain_bt(&self) -> bool {
        self.model == ModelKind::Bt
            && self.ties == TieChoice::Half
            && !self.order_effect
            && self.interval == IntervalChoice::Fisher
    }

    /// Words for the page: "Bradley–Terry, Davidson ties, prior 0.1, …".
    pub fn describe(&self) -> String {
        let mut parts = vec![
            match self.model {
                ModelKind::Bt => "Bradley–Terry",
                ModelKind::Thurstone => "Thurstone",
                ModelKind::PlackettLuce => "Plackett–Luce",
                ModelKind::Elo => "Elo",
            }
            .to_string(),
        ];
        if self.model == ModelKind::Elo {
            parts.push(format!("K = {}", self.elo_k));
            return parts.join(", ");
        }
        if self.model == ModelKind::Bt {
            parts.push(
                match self.ties {
                    TieChoice::Half => "ties as half wins",
                    TieChoice::Davidson => "Davidson ties",
                    TieChoice::RaoKupper => "Rao–Kupper ties",
                }
                .into(),
            );
        }
        parts.push(format!("prior {}", self.prior));
        if self.order_effect && self.model != ModelKind::PlackettLuce {
            parts.push("order effect".into());
        }
        parts.push(match self.interval {
            IntervalChoice::Fisher => "Fisher intervals".into(),
            IntervalChoice::Sandwich => "sandwich intervals".into(),
            IntervalChoice::Bootstrap => {
                format!("bootstrap intervals ({} draws)", self.bootstrap_replicates)
            }
        });
        parts.join(", ")
    }

    /// The interval method chosen, a bootstrap drawing from `seed`.
    pub fn method(&self, seed: u64) -> Method {
        match self.interval {
            IntervalChoice::Fisher => Method::Fisher,
            IntervalChoice::Sandwich => Method::Sandwich,
            IntervalChoice::Bootstrap => Method::Bootstrap {
                replicates: self.bootstrap_replicates,
                seed,
            },
        }
    }
}

#[cfg(test)]
mod tests;
