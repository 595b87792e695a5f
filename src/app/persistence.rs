//! The persistence hook: the stored workspace read at start (then links and
//! the scenario applied), every change saved, another tab's saves read
//! back, and the save line's state.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::edit::Edit;
use super::state::AppState;
use crate::{fragment, storage};

/// Loads, saves and follows other tabs for `state`.
pub fn use_persistence(state: AppState) {
    let AppState {
        workspace,
        store,
        message,
        ..
    } = state;
    // Another tab saved: read the database again.
    let channel = web_sys::BroadcastChannel::new(storage::CHANNEL).ok();
    let reload_from_store = move || {
        let Some(s) = store.get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match s.read().await {
                Ok((Some(w), warning)) => {
                    workspace.set(w);
                    if warning.is_some() {
                        message.set(warning);
                    }
                    state.show_next();
                }
                Ok((None, _)) => {}
                Err(e) => message.set(Some(format!("Could not read another tab's changes: {e}"))),
            }
        });
    };
    if let Some(ch) = &channel {
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |_: web_sys::MessageEvent| reload_from_store(),
        );
        ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    let channel = StoredValue::new_local(channel);
    leptos::task::spawn_local(load(state));
    Effect::new(move |_| {
        workspace.track();
        if !state.ready.get() {
            return;
        }
        let Some(s) = store.get_value() else {
            return;
        };
        let changed = state
            .unsaved
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if changed.is_empty() {
            // Another tab's changes read back: already stored.
            return;
        }
        let write = workspace.with_untracked(|w| s.save(w, &changed));
        state.saves_in_flight.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let result = write.await;
            state.saves_in_flight.update(|n| *n -= 1);
            match result {
                Ok(true) => channel.with_value(|c| {
                    if let Some(c) = c {
                        let _ = c.post_message(&wasm_bindgen::JsValue::from_str("saved"));
                    }
                }),
                Ok(false) => {}
                Err(e) => {
                    state.save_failed.set(true);
                    message.set(Some(format!(
                        "Could not save ({e}). Nothing saved before is lost, and your votes are still here in this tab: export them before closing it."
                    )));
                    return;
                }
            }
            state.save_failed.set(false);
        });
    });
}

/// Reads the stored workspace, opens a link in the address, loads the
/// scenario, then marks the page ready.
async fn load(state: AppState) {
    let AppState {
        workspace, message, ..
    } = state;
    let loaded = storage::load().await;
    workspace.set(loaded.workspace);
    if loaded.warning.is_some() {
        message.set(loaded.warning);
    }
    if let Some(s) = &loaded.store {
        let (s, w) = (s.clone(), workspace.get_untracked());
        leptos::task::spawn_local(async move {
            let _ = s.collect_garbage(&w).await;
        });
    }
    state.store.set_value(loaded.store);
    fragment::open(state);
    match state.scenario {
        Some((sc, seed)) => {
            state.open_scenario(sc, seed, false);
            state.reveal.set(sc.reveals_truth());
        }
        None => {
            let _ = state.apply(Edit::ReturnHome);
        }
    }
    // The first save compares everything read (and migrated) with what
    // is stored.
    state
        .unsaved
        .update_value(|c| c.merge(storage::Changed::all()));
    state.ready.set(true);
    state.show_next();
}

/// (data-state, text) of the save line.
pub fn save_state(state: AppState) -> (&'static str, &'static str) {
    match (
        state.ready.get(),
        state.store.with_value(Option::is_some),
        state.saves_in_flight.get(),
        state.save_failed.get(),
    ) {
        (false, _, _, _) => ("loading", "Loading…"),
        (_, false, _, _) => ("off", "Not saved: storage is unavailable."),
        (_, _, n, _) if n > 0 => ("saving", "Saving…"),
        (_, _, _, true) => ("failed", "Not saved: see the message above."),
        _ => ("saved", "All changes saved in this browser."),
    }
}
