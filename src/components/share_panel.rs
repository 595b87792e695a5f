//! Sharing by link: the page's state in the URL fragment, "send my
//! votes" for a student, and pasting several links to merge them.

use leptos::prelude::*;
use prefplay_core::playground::collect::View;

use super::transfer_bar::Preview;
use crate::share::{ShareOptions, decode, encode};
use crate::transfer::Incoming;
use crate::workspace::Workspace;

/// The page's address without its fragment.
fn base_url() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

/// Copies `text` to the clipboard (best effort; the link stays selectable).
fn copy(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

/// A share link of the workspace under `options`, copied to the
/// clipboard, and the note under it (`what` first); or an empty link and
/// why it could not be made.
fn make_link(
    workspace: RwSignal<Workspace>,
    options: ShareOptions,
    what: &str,
) -> (String, String) {
    match workspace.with_untracked(|w| encode(w, options)) {
        Ok((fragment, fit)) => {
            let url = format!("{}#{fragment}", base_url());
            let note = if fit {
                format!("{what} Copied to the clipboard.")
            } else {
                format!(
                    "{what} The votes are too many for a link and were left out: export a file instead."
                )
            };
            copy(&url);
            (url, note)
        }
        Err(e) => (String::new(), e),
    }
}

/// The merge of the pasted links (one per line) into `w`, for
/// confirmation; a link that cannot be read is named by its line.
fn preview_links(w: &Workspace, pasted: &str) -> Preview {
    let started = js_sys::Date::now();
    let mut incoming = Vec::new();
    let mut errors = Vec::new();
    for (k, line) in pasted
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        match decode(line) {
            Ok(state) => incoming.push(Incoming::Workspace(state.to_file())),
            Err(e) => errors.push(format!("link {}: {e}", k + 1)),
        }
    }
    Preview::of(w, incoming, errors, started)
}

/// Share links and link merging.
#[component]
pub fn SharePanel(
    /// The page's state.
    workspace: RwSignal<Workspace>,
    /// The merge waiting for confirmation (shown by the transfer bar).
    pending: RwSignal<Option<Preview>, LocalStorage>,
    /// A lesson page shows only "send my votes".
    lesson: Signal<bool>,
) -> impl IntoView {
    let with_votes = RwSignal::new(true);
    let as_lesson = RwSignal::new(false);
    let link = RwSignal::new(None::<(String, String)>);
    let pasted = RwSignal::new(String::new());
    let make = move |options: ShareOptions, what: &str| {
        link.set(Some(make_link(workspace, options, what)))
    };
    let share = move |_| {
        let options = ShareOptions {
            votes: with_votes.get_untracked().then_some(View::Pooled),
            lesson: as_lesson.get_untracked(),
        };
        make(options, "A link to this deck and its settings.");
    };
    let send_mine = move |_| {
        let me = workspace.with_untracked(|w| w.active_participant);
        make(
            ShareOptions {
                votes: Some(View::Participant(me)),
                lesson: false,
            },
            "A link with your votes on this deck: send it to your teacher.",
        );
    };
    let merge_links = move |_| {
        let p = workspace.with_untracked(|w| preview_links(w, &pasted.get_untracked()));
        pending.set(Some(p));
        pasted.set(String::new());
    };
    view! {
        <div class="tools transfer">
            <span class="tools-label">"Share"</span>
            <button id="send-votes" on:click=send_mine>"Send my votes (link)"</button>
            <Show when=move || !lesson.get()>
                <button id="share" on:click=share>"Link to this deck"</button>
                <label><input id="share-votes" type="checkbox" prop:checked=move || with_votes.get()
                    on:change=move |e| with_votes.set(event_target_checked(&e)) />" with votes"</label>
                <label><input id="share-lesson" type="checkbox" prop:checked=move || as_lesson.get()
                    on:change=move |e| as_lesson.set(event_target_checked(&e)) />" as a lesson page"</label>
            </Show>
        </div>
        {move || link.get().map(|(url, note)| view! {
            <div class="panel share-result">
                <input id="share-link" readonly prop:value=url.clone() aria-label="Link" />
                <p id="share-note" class="hint">{note}</p>
            </div>
        })}
        <Show when=move || !lesson.get()>
            <details class="panel-details" id="merge-links-box">
                <summary>"Merge links from students"</summary>
                <textarea id="merge-links" rows="4" placeholder="Paste one link per line"
                    prop:value=move || pasted.get() on:input=move |e| pasted.set(event_target_value(&e))></textarea>
                <div class="secondary">
                    <button id="merge-links-go" on:click=merge_links>"Preview merge"</button>
                </div>
            </details>
        </Show>
    }
}
