//! Inference and uncertainty around a fit: held-out evaluation, comparison-graph diagnosis, quasi-variances, the counter-based bootstrap draws, the ranked leaderboard and the pair-selection strategies.

pub mod counter_rng;
pub mod diagnosis;
pub mod evaluation;
pub mod leaderboard;
pub mod quasi;
pub mod selection;
