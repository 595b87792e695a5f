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
//!
//! Layout, by job:
//! - [`data`]: the data model, file formats, the class simulator;
//! - [`models`]: the models and their solvers (one Newton–CG state machine,
//!   [`models::pairwise::NewtonCg`], for the pairwise family);
//! - [`inference`]: uncertainty, evaluation, diagnosis, pair selection;
//! - [`labs`]: the loss lab's catalogue and toy policy;
//! - [`playground`]: what the page's menus and charts ask of the rest;
//! - [`numerics`]: stable primitives shared by all.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod data;
mod error;
pub mod inference;
pub mod labs;
pub mod models;
pub mod numerics;
mod parallel;
pub mod playground;

pub use data::dataset::{Dataset, Vote};
pub use data::table::Outcome;
pub use error::{Error, Result};
pub use inference::leaderboard::{ItemRecord, LeaderboardRow};
