//! The page's settings saved with the workspace: the mode, how the next
//! pair is chosen, and the model menu's choice.

use prefplay_core::playground::collect::View;
use prefplay_core::playground::model_choice::ModelChoice;
use serde::{Deserialize, Serialize};

/// How items are shown and judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Two items: left, right, tie, both bad, skip.
    #[default]
    Pair,
    /// k items (3–6); pick the best.
    BestOf,
    /// k items (3–6); put them in order.
    Ranking,
    /// One item: thumbs up or down.
    Thumb,
    /// One item: a score from 1 to 5.
    Likert,
}

impl Mode {
    /// Every mode, in menu order.
    pub const ALL: [Mode; 5] = [
        Mode::Pair,
        Mode::BestOf,
        Mode::Ranking,
        Mode::Thumb,
        Mode::Likert,
    ];

    /// Stable name (menu value, URL).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Pair => "pair",
            Mode::BestOf => "best-of",
            Mode::Ranking => "ranking",
            Mode::Thumb => "thumb",
            Mode::Likert => "likert",
        }
    }

    /// The mode with this [`Mode::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Mode::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Menu text.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Pair => "A vs B",
            Mode::BestOf => "Best of k",
            Mode::Ranking => "Rank k",
            Mode::Thumb => "Thumbs",
            Mode::Likert => "Rate 1–5",
        }
    }
}

/// Which pair-selection strategy chooses what is shown next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyChoice {
    /// Uniformly random.
    Random,
    /// The least-shown pair.
    Balanced,
    /// The closest predicted match.
    MostUncertain,
    /// The largest expected information gain (the default).
    #[default]
    InformationGain,
    /// Thompson sampling for the top [`Settings::top_k`].
    Thompson,
    /// LUCB for the top [`Settings::top_k`].
    Ucb,
}

impl StrategyChoice {
    /// Every strategy, in menu order.
    pub const ALL: [StrategyChoice; 6] = [
        StrategyChoice::InformationGain,
        StrategyChoice::Balanced,
        StrategyChoice::Random,
        StrategyChoice::MostUncertain,
        StrategyChoice::Thompson,
        StrategyChoice::Ucb,
    ];

    /// Stable name (menu value).
    pub fn name(self) -> &'static str {
        match self {
            StrategyChoice::Random => "random",
            StrategyChoice::Balanced => "balanced",
            StrategyChoice::MostUncertain => "uncertain",
            StrategyChoice::InformationGain => "info-gain",
            StrategyChoice::Thompson => "thompson",
            StrategyChoice::Ucb => "ucb",
        }
    }

    /// The strategy with this [`StrategyChoice::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        StrategyChoice::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Menu text.
    pub fn title(self) -> &'static str {
        match self {
            StrategyChoice::Random => "Random",
            StrategyChoice::Balanced => "Balanced (least shown)",
            StrategyChoice::MostUncertain => "Most uncertain",
            StrategyChoice::InformationGain => "Information gain",
            StrategyChoice::Thompson => "Top-k: Thompson",
            StrategyChoice::Ucb => "Top-k: UCB",
        }
    }
}

/// Page settings, saved with the workspace. Defaults: pairs, best of 4,
/// information gain, top 3, pooled view, plain Bradley–Terry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The voting mode.
    pub mode: Mode,
    /// Items shown in best-of-k and ranking modes, 3 ..= 6.
    pub k: usize,
    /// What is shown next.
    pub strategy: StrategyChoice,
    /// Size of the top set the top-k strategies and the progress line aim at.
    pub top_k: usize,
    /// Whose ballots the leaderboard fits.
    pub view: View,
    /// The model the leaderboard fits, and how (defaults in
    /// `prefplay_core::playground::model_choice::ModelChoice`).
    pub model: ModelChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: Mode::Pair,
            k: 4,
            strategy: StrategyChoice::InformationGain,
            top_k: 3,
            view: View::Pooled,
            model: ModelChoice::default(),
        }
    }
}
