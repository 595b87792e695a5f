//! Page components.

mod leaderboard;
mod vote_panel;

pub use leaderboard::Leaderboard;
pub use vote_panel::VotePanel;
