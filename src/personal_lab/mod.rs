//! The personalized page (`?page=personal`; scenarios (7) and (8) at
//! `?scenario=7` and `?scenario=8`): one leaderboard per voter, groups of
//! voters, a map of voters, how much they agree, and cycles.

pub mod analysis;
mod page;
mod quiz;
mod views;

pub use page::PersonalLab;
