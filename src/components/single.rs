//! Thumbs and Likert: one item, judged on its own.

use leptos::prelude::*;
use prefplay_core::playground::collect::{DeckItem, DeckKind, LIKERT_MAX};

use super::face::ItemFace;
use crate::session::Action;
use crate::workspace::Mode;

/// One item with thumbs up/down or the 1–5 buttons.
#[component]
pub fn SinglePanel(
    /// The item on screen.
    item: DeckItem,
    /// How the deck draws items.
    kind: DeckKind,
    /// [`Mode::Thumb`] or [`Mode::Likert`].
    mode: Mode,
    /// Called with the action a button asks for.
    on_action: Callback<Action>,
) -> impl IntoView {
    let buttons = if mode == Mode::Thumb {
        view! {
            <button id="thumb-up" aria-keyshortcuts="ArrowUp +" on:click=move |_| on_action.run(Action::Thumb(true))>
                "👍 Up " <kbd>"↑"</kbd>
            </button>
            <button id="thumb-down" aria-keyshortcuts="ArrowDown -" on:click=move |_| on_action.run(Action::Thumb(false))>
                "👎 Down " <kbd>"↓"</kbd>
            </button>
        }
        .into_any()
    } else {
        (1..=LIKERT_MAX)
            .map(|score| {
                let id = format!("likert-{score}");
                let key = score.to_string();
                let shortcut = key.clone();
                view! {
                    <button id=id class="likert" aria-keyshortcuts=shortcut title=format!("Key {key}") on:click=move |_| on_action.run(Action::Likert(score))>
                        {score.to_string()}
                    </button>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <div class="single">
            <div id="single-item" class="single-item"><ItemFace item=item kind=kind /></div>
            <div class="secondary scale">
                {(mode == Mode::Likert).then_some(view! { <span class="hint">"1 worst · 5 best"</span> })}
                {buttons}
            </div>
        </div>
    }
}
