//! Keyboard shortcuts, per voting mode. Every shortcut is also shown on
//! screen next to its button.
//!
//! | mode | keys |
//! |---|---|
//! | every mode | Space skip · Backspace or Ctrl/⌘+Z undo |
//! | A vs B | ← left · → right · ↓ tie · ↑ both bad |
//! | best of k | 1 … k pick |
//! | rank k | ↑ ↓ move the cursor · Shift+↑ ↓ move the item · Enter submit |
//! | thumbs | ↑ or + up · ↓ or − down |
//! | rate 1–5 | 1 … 5 |

use prefplay_core::data::table::Outcome;

use crate::session::Action;
use crate::workspace::Mode;

/// What a key asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyIntent {
    /// A voting action.
    Act(Action),
    /// Ranking: move the cursor by this many places (−1 up, +1 down).
    Cursor(i32),
    /// Ranking: move the item under the cursor by this many places.
    Move(i32),
    /// Ranking: submit the order on screen.
    SubmitRanking,
}

/// Modifier keys held with a key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Ctrl or ⌘.
    pub ctrl_or_meta: bool,
    /// Shift.
    pub shift: bool,
}

/// The intent of a `KeyboardEvent.key` value in `mode` (with `k` items on
/// screen), or `None` for keys the page does not use there.
pub fn intent_for_key(mode: Mode, k: usize, key: &str, m: Modifiers) -> Option<KeyIntent> {
    use KeyIntent::{Act, Cursor, Move, SubmitRanking};
    if m.ctrl_or_meta {
        return matches!(key, "z" | "Z").then_some(Act(Action::Undo));
    }
    match key {
        " " | "Spacebar" => return Some(Act(Action::Skip)),
        "Backspace" => return Some(Act(Action::Undo)),
        _ => {}
    }
    let digit = key
        .parse::<usize>()
        .ok()
        .filter(|d| (1..=9).contains(d) && key.len() == 1);
    match mode {
        Mode::Pair => match key {
            "ArrowLeft" => Some(Act(Action::Pair(Outcome::A))),
            "ArrowRight" => Some(Act(Action::Pair(Outcome::B))),
            "ArrowDown" => Some(Act(Action::Pair(Outcome::Tie))),
            "ArrowUp" => Some(Act(Action::Pair(Outcome::BothBad))),
            _ => None,
        },
        Mode::BestOf => digit
            .filter(|&d| d <= k)
            .map(|d| Act(Action::Choose(d - 1))),
        Mode::Ranking => match (key, m.shift) {
            ("ArrowUp", false) => Some(Cursor(-1)),
            ("ArrowDown", false) => Some(Cursor(1)),
            ("ArrowUp", true) => Some(Move(-1)),
            ("ArrowDown", true) => Some(Move(1)),
            ("Enter", _) => Some(SubmitRanking),
            _ => None,
        },
        Mode::Thumb => match key {
            "ArrowUp" | "+" => Some(Act(Action::Thumb(true))),
            "ArrowDown" | "-" => Some(Act(Action::Thumb(false))),
            _ => None,
        },
        Mode::Likert => digit
            .filter(|&d| d <= 5)
            .map(|d| Act(Action::Likert(d as u8))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Modifiers = Modifiers {
        ctrl_or_meta: false,
        shift: false,
    };

    #[test]
    fn documented_keys_map_to_intents() {
        let act = |a| Some(KeyIntent::Act(a));
        let pair = |key| intent_for_key(Mode::Pair, 2, key, NONE);
        assert_eq!(pair("ArrowLeft"), act(Action::Pair(Outcome::A)));
        assert_eq!(pair("ArrowRight"), act(Action::Pair(Outcome::B)));
        assert_eq!(pair("ArrowDown"), act(Action::Pair(Outcome::Tie)));
        assert_eq!(pair("ArrowUp"), act(Action::Pair(Outcome::BothBad)));
        assert_eq!(pair(" "), act(Action::Skip));
        assert_eq!(pair("Backspace"), act(Action::Undo));
        let ctrl = Modifiers {
            ctrl_or_meta: true,
            shift: false,
        };
        assert_eq!(
            intent_for_key(Mode::Likert, 1, "z", ctrl),
            act(Action::Undo)
        );
        assert_eq!(intent_for_key(Mode::Pair, 2, "ArrowLeft", ctrl), None);
        assert_eq!(
            intent_for_key(Mode::BestOf, 4, "4", NONE),
            act(Action::Choose(3))
        );
        assert_eq!(intent_for_key(Mode::BestOf, 4, "5", NONE), None);
        assert_eq!(
            intent_for_key(Mode::Likert, 1, "5", NONE),
            act(Action::Likert(5))
        );
        assert_eq!(intent_for_key(Mode::Likert, 1, "6", NONE), None);
        assert_eq!(
            intent_for_key(Mode::Thumb, 1, "-", NONE),
            act(Action::Thumb(false))
        );
        let shift = Modifiers {
            ctrl_or_meta: false,
            shift: true,
        };
        assert_eq!(
            intent_for_key(Mode::Ranking, 4, "ArrowUp", shift),
            Some(KeyIntent::Move(-1))
        );
        assert_eq!(
            intent_for_key(Mode::Ranking, 4, "ArrowDown", NONE),
            Some(KeyIntent::Cursor(1))
        );
        assert_eq!(
            intent_for_key(Mode::Ranking, 4, "Enter", NONE),
            Some(KeyIntent::SubmitRanking)
        );
        assert_eq!(intent_for_key(Mode::Ranking, 4, "10", NONE), None);
    }
}
