//! Personalized and pluralistic preference models: one leaderboard per
//! rater, groups of raters, and preferences with cycles.
//!
//! Every model predicts P(a ≻ b | rater u) for each vote of a
//! [`RaterVotes`]. A vote's label y is 1 when a won, 0 when b won, ½ for a
//! tie; fits minimise the mean cross-entropy −[y log p + (1 − y) log(1 − p)]
//! plus the model's Gaussian penalties.
//!
//! - [`PersonalKind::Bt`]: pooled Bradley–Terry, one score per item (the
//!   baseline).
//! - [`PersonalKind::Shrinkage`]: θ_u = θ̄ + δ_u with δ_u ~ N(0, 1/λ): each
//!   rater's scores shrunk to the population's (hierarchical BT). λ is
//!   chosen from [`SHRINKAGE_GRID`] by held-out log-loss on a split inside
//!   the training data (never the test data).
//! - [`PersonalKind::LowRank`]: θ_u = θ̄ + V w_u with V items × K (LoRe,
//!   Bose et al. 2025): raters differ along K shared directions. K is chosen
//!   from 1–[`MAX_RANK`] the same way.
//! - [`PersonalKind::Mixture`]: K groups of raters, each with its own BT
//!   scores, fitted by EM (rater-level responsibilities); K chosen from
//!   1–[`MAX_GROUPS`] the same way.
//! - [`PersonalKind::Gpm`]: pooled, skew-symmetric preference embeddings
//!   (Zhang et al. 2024, "General Preference Modeling"): P(a ≻ b) =
//!   σ(v_aᵀ R v_b) with R block-diagonal [[0, 1], [−1, 0]], which can hold
//!   cycles (rock ≻ scissors ≻ paper ≻ rock) that no score can.
//! - [`PersonalKind::Features`] and [`PersonalKind::IdealPoints`]: models
//!   of item features (see `feature_models.rs`): a reward head per rater, and
//!   PAL's ideal points (Chen et al. 2024).
//!
//! Gradient fits use full-batch Adam ([`adam`]) from a seeded start.

mod data;
mod feature_models;
mod features;
mod few_shot;
mod fits;
mod fitting;
mod loops;
mod mixture;
mod sim;
#[cfg(test)]
mod tests;
mod trainer;
mod views;

pub use crate::models::adam::{AdamSettings, adam};
pub use data::{PersonalVote, RaterVotes, split_within_raters};
pub use feature_models::{
    FeatureModel, PAL_DIMS, feature_start, features_from_params, train_features,
};
pub use features::{deck_features, standardise};
pub use few_shot::{FewShot, PairChoice, accuracy_by_answers};
pub use fits::{FEATURE_HIDDEN, Fitted, PersonalKind, PersonalSettings, metrics};
pub use fitting::{fit, fit_with};
pub use loops::{
    gpm_start, low_rank_from_params, low_rank_start, train_gpm, train_low_rank, train_shrinkage,
};
pub use mixture::{EM_ITERATIONS, MixtureState, mixture_m_steps, mixture_start, train_mixture};
pub use sim::{
    adjusted_rand_index, group_utilities, simulate_cycle, simulate_feature_groups, simulate_groups,
};
pub use trainer::{CpuTrainer, Trainer};
pub use views::{agreement, rater_map};

/// λ values tried for the shrinkage model.
pub const SHRINKAGE_GRID: [f64; 5] = [0.3, 1.0, 3.0, 10.0, 30.0];

/// Largest rank tried for the low-rank model.
pub const MAX_RANK: usize = 3;

/// Largest number of groups tried for the mixture.
pub const MAX_GROUPS: usize = 4;

/// Held-out scores of a model's predictions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PersonalMetrics {
    /// Mean cross-entropy in nats (ties count as y = ½).
    pub log_loss: f64,
    /// Share of decided votes whose winner had p > ½.
    pub accuracy: f64,
    /// Mean (p − y)².
    pub brier: f64,
    /// Votes scored.
    pub n_test: usize,
}
