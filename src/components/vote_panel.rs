//! A vs B: the two big choice buttons and the tie / both bad row.

use leptos::prelude::*;
use prefplay_core::data::table::Outcome;
use prefplay_core::playground::collect::{DeckItem, DeckKind};

use super::face::ItemFace;
use crate::session::Action;

/// The pair on screen; every button names its key.
#[component]
pub fn VotePanel(
    /// The (left, right) items.
    left: DeckItem,
    /// The right item.
    right: DeckItem,
    /// How the deck draws items.
    kind: DeckKind,
    /// Called with the action a button asks for.
    on_action: Callback<Action>,
) -> impl IntoView {
    let button = move |id: &'static str, key: &'static str, item: DeckItem, outcome: Outcome| {
        let label = item.label.clone();
        view! {
            <button id=id class="choice" data-item=label aria-keyshortcuts=key on:click=move |_| on_action.run(Action::Pair(outcome))>
                <ItemFace item=item kind=kind />
                <kbd class="key">{if outcome == Outcome::A { "←" } else { "→" }}</kbd>
            </button>
        }
    };
    view! {
        <div class="pair">
            {button("choice-left", "ArrowLeft", left, Outcome::A)}
            {button("choice-right", "ArrowRight", right, Outcome::B)}
        </div>
        <div class="secondary">
            <button id="tie" aria-keyshortcuts="ArrowDown" on:click=move |_| on_action.run(Action::Pair(Outcome::Tie))>
                "Tie " <kbd>"↓"</kbd>
            </button>
            <button id="both-bad" aria-keyshortcuts="ArrowUp" on:click=move |_| on_action.run(Action::Pair(Outcome::BothBad))>
                "Both bad " <kbd>"↑"</kbd>
            </button>
        </div>
    }
}
