//! The address's `#` part: a shared link opened on load, and the lesson
//! flag kept across reloads (see `share.rs` for what a link holds).

use leptos::prelude::*;

use crate::app::{Applied, Edit};
use crate::share;

/// Replaces the address's fragment with `keep` (`"#lesson"` or `""`),
/// keeping the path and query, without adding a history entry.
pub fn replace(keep: &str) {
    let location = window().location();
    let path = format!(
        "{}{}{keep}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// Applies the fragment once the stored workspace is in: `#s=…` opens a
/// shared link ([`share::ShareState::open_in`]: its deck and votes are
/// merged, nothing stored is overwritten, its settings apply); `#lesson`
/// keeps the lesson page. The fragment is then replaced by `#lesson` or
/// nothing, so a reload does not apply it again.
pub fn open(state: crate::app::AppState) {
    let (lesson, message) = (state.lesson, state.message);
    let hash = window().location().hash().unwrap_or_default();
    if hash == "#lesson" {
        lesson.set(true);
        return;
    }
    if !hash.starts_with("#s=") {
        return;
    }
    let opened = share::decode(&hash).and_then(|link| {
        let added = match state.apply(Edit::OpenLink(Box::new(link.clone())))? {
            Applied::LinkOpened(n) => n,
            _ => 0,
        };
        Ok((link, added))
    });
    match opened {
        Ok((state, added)) => {
            lesson.set(state.lesson);
            let votes = match added {
                0 => String::new(),
                1 => " and 1 vote".to_string(),
                n => format!(" and {n} votes"),
            };
            message.set(Some(format!(
                "Opened a shared link: deck \"{}\"{votes}.",
                state.deck.name
            )));
        }
        Err(e) => message.set(Some(format!("This link could not be opened: {e}"))),
    }
    replace(if lesson.get_untracked() {
        "#lesson"
    } else {
        ""
    });
}
