//! Page components.

mod chart_export;
mod class_panel;
mod comparison_graph;
mod controls;
mod deck_bar;
mod elo_vs_bt;
mod face;
mod forest_plot;
mod glossary;
mod leaderboard;
mod line_chart;
mod matrix_charts;
mod several;
mod share_panel;
mod single;
mod transfer_bar;
mod vote_panel;
mod win_matrices;

pub use chart_export::ChartExport;
pub use class_panel::ClassPanel;
pub use comparison_graph::ComparisonGraphChart;
pub use controls::Controls;
pub use deck_bar::DeckBar;
pub use elo_vs_bt::{EloVsBt, REPLAY_MAX_VOTES};
pub use face::{ItemFace, swatch_css};
pub use forest_plot::{FOREST_MAX_ROWS, ForestPlot};
pub use glossary::{GLOSSARY, Glossary};
pub use leaderboard::Leaderboard;
pub use line_chart::{LineChart, PALETTE, Series};
pub use matrix_charts::{Heatmap, Scatter};
pub use several::{BestOfPanel, RankingPanel, move_item};
pub use share_panel::SharePanel;
pub use single::SinglePanel;
pub use transfer_bar::{Preview, TransferBar};
pub use vote_panel::VotePanel;
pub use win_matrices::{WIN_MATRIX_ITEMS, WinMatrices};
