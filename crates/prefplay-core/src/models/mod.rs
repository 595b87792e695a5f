//! Models and their solvers: the pairwise family (Bradley–Terry, Thurstone, ties, order effect, features; the one Newton–CG solver), Plackett–Luce, Elo, Rank Centrality, the personalized models and the reward model over features.

pub mod adam;
pub mod elo;
pub mod pairwise;
pub mod personal;
pub mod plackett_luce;
pub mod rank_centrality;
pub mod reward_model;
