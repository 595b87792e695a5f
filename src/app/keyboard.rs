//! The keyboard hook: voting keys for the mode on screen (`keys.rs`), Esc
//! to cancel a fit or close the reset dialog, P for presentation mode.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::AppState;
use crate::components::move_item;
use crate::job_runner::FitState;
use crate::keys::{KeyIntent, Modifiers, intent_for_key};
use crate::session::Action;

/// Whether a key event comes from a text field or menu (typing a name
/// must not vote).
fn typing_in_a_field(e: &ev::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Listens on the window for the page's keys while it is mounted.
pub fn use_keyboard(state: AppState) {
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.repeat() || e.alt_key() || typing_in_a_field(&e) {
            return;
        }
        if e.key() == "Escape"
            && matches!(
                state.outputs.state.get_untracked(),
                FitState::Running { .. }
            )
        {
            e.prevent_default();
            state.runner.cancel();
            return;
        }
        if matches!(e.key().as_str(), "p" | "P") && !e.ctrl_key() && !e.meta_key() {
            e.prevent_default();
            state.present.update(|p| *p = !*p);
            return;
        }
        if state.confirming_reset.get_untracked() {
            if e.key() == "Escape" {
                state.confirming_reset.set(false);
            }
            return;
        }
        on_vote_key(state, &e);
    });
    // A menu, checkbox or radio button chosen with the mouse or keys keeps
    // the focus, and the next arrow key would change it again instead of
    // voting: hand the focus back to the voting area.
    let changes = window_event_listener(ev::change, move |e| {
        let Some(el) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let choice = match el.tag_name().as_str() {
            "SELECT" => true,
            "INPUT" => matches!(
                el.get_attribute("type").as_deref(),
                Some("checkbox" | "radio")
            ),
            _ => false,
        };
        if choice {
            focus_voting_area();
        }
    });
    on_cleanup(move || {
        keys.remove();
        changes.remove();
    });
}

/// Moves the focus to the voting area (`#vote-area`), so the voting keys
/// work at once.
pub fn focus_voting_area() {
    if let Some(area) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("vote-area"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = area.focus();
    }
}

/// A voting key of the mode on screen.
fn on_vote_key(state: AppState, e: &ev::KeyboardEvent) {
    let mode = state.workspace.with_untracked(|w| w.settings.mode);
    let k = state
        .task
        .with_untracked(|t| t.as_ref().map(|(t, _)| t.items().len()))
        .unwrap_or(0);
    let modifiers = Modifiers {
        ctrl_or_meta: e.ctrl_key() || e.meta_key(),
        shift: e.shift_key(),
    };
    let Some(intent) = intent_for_key(mode, k, &e.key(), modifiers) else {
        return;
    };
    e.prevent_default();
    let (ranking, cursor) = (state.ranking, state.cursor);
    let n = ranking.with_untracked(Vec::len);
    match intent {
        KeyIntent::Act(action) => state.act(action),
        KeyIntent::Cursor(d) if n > 0 => {
            cursor.update(|c| *c = c.saturating_add_signed(d as isize).min(n - 1));
        }
        KeyIntent::Move(d) if n > 0 => {
            let from = cursor.get_untracked();
            let to = from.saturating_add_signed(d as isize).min(n - 1);
            ranking.update(|o| move_item(o, from, to));
            cursor.set(to);
        }
        KeyIntent::SubmitRanking => state.act(Action::Rank(ranking.get_untracked())),
        KeyIntent::Cursor(_) | KeyIntent::Move(_) => {}
    }
}

/// Presentation mode (large type, high contrast, for a projector) as a
/// class on `<body>`, following the state's switch.
pub fn use_presentation(state: AppState) {
    Effect::new(move |_| {
        let on = state.present.get();
        if let Some(body) = document().body() {
            let _ = body.class_list().toggle_with_force("present", on);
        }
    });
}
