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
                <button
                    id="choice-left"
                    class="choice"
                    aria-keyshortcuts="ArrowLeft"
                    disabled=no_pair
                    on:click=move |_| on_action.run(Action::Left)
                >
                    {move || label(true)}
                </button>
                <button
                    id="choice-right"
                    class="choice"
                    aria-keyshortcuts="ArrowRight"
                    disabled=no_pair
                    on:click=move |_| on_action.run(Action::Right)
                >
                    {move || label(false)}
                </button>
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
