//! Keyboard shortcuts.

use crate::session::Action;

/// The action for a `KeyboardEvent.key` value with the Ctrl (or ⌘) state,
/// or `None` for keys the page does not use.
///
/// ← left is better · → right is better · ↓ tie · Space skip ·
/// Backspace or Ctrl/⌘+Z undo.
pub fn action_for_key(key: &str, ctrl_or_meta: bool) -> Option<Action> {
    match (key, ctrl_or_meta) {
        ("ArrowLeft", false) => Some(Action::Left),
        ("ArrowRight", false) => Some(Action::Right),
        ("ArrowDown", false) => Some(Action::Tie),
        (" " | "Spacebar", false) => Some(Action::Skip),
        ("Backspace", false) | ("z" | "Z", true) => Some(Action::Undo),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_keys_map_to_actions() {
        assert_eq!(action_for_key("ArrowLeft", false), Some(Action::Left));
        assert_eq!(action_for_key("ArrowRight", false), Some(Action::Right));
        assert_eq!(action_for_key("ArrowDown", false), Some(Action::Tie));
        assert_eq!(action_for_key(" ", false), Some(Action::Skip));
        assert_eq!(action_for_key("Backspace", false), Some(Action::Undo));
        assert_eq!(action_for_key("z", true), Some(Action::Undo));
        assert_eq!(action_for_key("z", false), None);
        assert_eq!(action_for_key("ArrowLeft", true), None);
    }
}
