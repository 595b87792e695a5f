//! The two big choice buttons and the tie / skip / undo row.

use leptos::prelude::*;

use crate::session::Action;

/// Shows the pair on screen; every button names its key.
#[component]
pub fn VotePanel(
    /// Labels of the (left, right) items on screen; `None` with fewer than two items.
    #[prop(into)]
    pair: Signal<Option<(String, String)>>,
    /// Whether there is a vote to undo.
    #[prop(into)]
    can_undo: Signal<bool>,
    /// Called with the action a button asks for.
    on_action: Callback<Action>,
) -> impl IntoView {
    let label = move |left: bool| {
        pair.get()
            .map(|(l, r)| if left { l } else { r })
            .unwrap_or_default()
    };
    let no_pair = move || pair.get().is_none();
    view! {
        <section class="vote" aria-label="Vote">
            <p class="prompt">"Which flavour is better?"</p>
            <div class="pair">
                <ChoiceButton side=Side::Left label=Signal::derive(move || label(true)) disabled=Signal::derive(no_pair) on_action=on_action />
                <ChoiceButton side=Side::Right label=Signal::derive(move || label(false)) disabled=Signal::derive(no_pair) on_action=on_action />
            </div>
            <div class="secondary">
                <span class="hint">"← left · → right"</span>
                <button id="tie" aria-keyshortcuts="ArrowDown" disabled=no_pair on:click=move |_| on_action.run(Action::Tie)>
                    "Tie ↓"
                </button>
                <button id="skip" aria-keyshortcuts="Space" disabled=no_pair on:click=move |_| on_action.run(Action::Skip)>
                    "Skip ␣"
                </button>
                <button
                    id="undo"
                    aria-keyshortcuts="Backspace Control+Z"
                    disabled=move || !can_undo.get()
                    on:click=move |_| on_action.run(Action::Undo)
                >
                    "Undo ⌫"
                </button>
            </div>
        </section>
    }
}

/// Which of the two big buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left item (`item_a`), key ←.
    Left,
    /// The right item (`item_b`), key →.
    Right,
}

/// One big button whose text is the item's label.
#[component]
fn ChoiceButton(
    /// Left or right.
    side: Side,
    /// The item's label.
    label: Signal<String>,
    /// Whether the button is disabled (no pair).
    disabled: Signal<bool>,
    /// Called with [`Action::Left`] or [`Action::Right`].
    on_action: Callback<Action>,
) -> impl IntoView {
    let (id, key, action) = match side {
        Side::Left => ("choice-left", "ArrowLeft", Action::Left),
        Side::Right => ("choice-right", "ArrowRight", Action::Right),
    };
    view! {
        <button id=id class="choice" aria-keyshortcuts=key disabled=disabled on:click=move |_| on_action.run(action)>
            {label}
        </button>
    }
}
