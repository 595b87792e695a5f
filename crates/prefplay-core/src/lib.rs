//! prefplay-core: the pure maths of prefplay.
//!
//! Conventions, for every module in this crate:
//! - Arithmetic is `f64` on the CPU. The GPU crate computes in `f32` and is
//!   checked against the functions here (each kernel's "CPU twin").
//! - Scores are log-strengths on the logit scale: P(i beats j) = σ(sᵢ − sⱼ).
//!   Without a reference item, scores are centred to mean 0 (the Gaussian
//!   prior makes the MAP estimate centred; standard errors are those of the
//!   centred scores).
//! - Items are identified by their index into [`Dataset::items`]; in a
//!   [`Vote`], `item_a` is the item shown on the left (listed first).
//! - Nothing here touches a browser, a GPU or the file system: inputs are
//!   values and readers, outputs are values.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod collect;
pub mod counter_rng;
pub mod dataset;
pub mod deck;
pub mod diagnosis;
pub mod elo;
mod error;
pub mod evaluation;
pub mod formats;
mod labels;
pub mod leaderboard;
pub mod loss;
pub mod loss_sweep;
pub mod model_choice;
pub mod numerics;
pub mod pairwise;
mod parallel;
pub mod personal;
pub mod plackett_luce;
pub mod quasi;
pub mod race;
pub mod rank_centrality;
pub mod rankings;
pub mod reward_model;
pub mod selection;
pub mod simulate;
pub mod table;
pub mod toy_policy;
pub mod trajectory;

pub use dataset::{Dataset, Vote, Winner};
pub use error::{Error, Result};
pub use leaderboard::{ItemRecord, LeaderboardRow};
