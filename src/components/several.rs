//! Best of k (pick one) and rank k (put them in order) over k items.

use leptos::prelude::*;
use prefplay_core::playground::collect::{Deck, DeckItem, DeckKind};
use wasm_bindgen::JsCast;

use super::face::ItemFace;
use crate::session::Action;

/// k buttons; key n picks the n-th.
#[component]
pub fn BestOfPanel(
    /// The deck (for drawing items).
    deck: Deck,
    /// Items in display order.
    shown: Vec<u32>,
    /// Called with the action a button asks for.
    on_action: Callback<Action>,
) -> impl IntoView {
    let kind = deck.kind;
    let buttons = shown
        .iter()
        .enumerate()
        .filter_map(|(pos, &i)| {
            let item = deck.items.get(i as usize)?.clone();
            let key = (pos + 1).to_string();
            let shortcut = key.clone();
            let label = item.label.clone();
            Some(view! {
                <button id=format!("choice-{}", pos + 1) class="choice" data-item=label aria-keyshortcuts=shortcut
                    on:click=move |_| on_action.run(Action::Choose(pos))>
                    <ItemFace item=item kind=kind />
                    <kbd class="key">{key}</kbd>
                </button>
            })
        })
        .collect_view();
    view! { <div class="several">{buttons}</div> }
}

/// Moves the item at `from` to `to` in `order` (both clamped).
pub fn move_item(order: &mut Vec<u32>, from: usize, to: usize) {
    if from >= order.len() {
        return;
    }
    let item = order.remove(from);
    order.insert(to.min(order.len()), item);
}

/// One row of the ranking: its place, the item, ▲ ▼; pressing on it (not
/// on a button) starts a drag.
#[component]
fn RankRow(
    pos: usize,
    item: DeckItem,
    kind: DeckKind,
    order: RwSignal<Vec<u32>>,
    cursor: RwSignal<usize>,
    dragging: RwSignal<Option<usize>>,
) -> impl IntoView {
    let label = item.label.clone();
    view! {
        <li
            class="rank-row"
            class:cursor=move || cursor.get() == pos
            class:dragging=move || dragging.get() == Some(pos)
            data-pos=pos.to_string()
            data-item=label
            on:pointerdown=move |e: web_sys::PointerEvent| {
                let on_button = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|el| el.closest("button").ok().flatten())
                    .is_some();
                if !on_button {
                    e.prevent_default();
                    dragging.set(Some(pos));
                    cursor.set(pos);
                }
            }
        >
            <span class="rank-number">{pos + 1}</span>
            <span class="grip" aria-hidden="true">"⠿"</span>
            <ItemFace item=item kind=kind />
            <span class="rank-buttons">
                <button class="up" aria-label="Move up" on:click=move |_| {
                    order.update(|o| move_item(o, pos, pos.saturating_sub(1)));
                    cursor.set(pos.saturating_sub(1));
                }>"▲"</button>
                <button class="down" aria-label="Move down" on:click=move |_| {
                    order.update(|o| move_item(o, pos, pos + 1));
                    cursor.set(pos + 1);
                }>"▼"</button>
            </span>
        </li>
    }
}

/// The ranking being arranged: drag a row, or use its ▲ ▼ buttons, or the
/// keyboard (↑ ↓ cursor, Shift+↑ ↓ move); Enter or the button submits.
#[component]
pub fn RankingPanel(
    /// The deck (for drawing items).
    deck: Deck,
    /// The order on screen, best first.
    order: RwSignal<Vec<u32>>,
    /// The keyboard cursor's position.
    cursor: RwSignal<usize>,
    /// Called with [`Action::Rank`] on submit.
    on_action: Callback<Action>,
) -> impl IntoView {
    let kind: DeckKind = deck.kind;
    let items = StoredValue::new(deck.items);
    let dragging = RwSignal::new(None::<usize>);
    let position_under = |x: i32, y: i32| -> Option<usize> {
        let element = document().element_from_point(x as f32, y as f32)?;
        let row = element.closest("[data-pos]").ok()??;
        row.get_attribute("data-pos")?.parse().ok()
    };
    let on_move = move |e: web_sys::PointerEvent| {
        let Some(from) = dragging.get_untracked() else {
            return;
        };
        if let Some(to) = position_under(e.client_x(), e.client_y())
            && to != from
        {
            order.update(|o| move_item(o, from, to));
            dragging.set(Some(to));
            cursor.set(to);
        }
    };
    let rows = move || {
        order
            .get()
            .into_iter()
            .enumerate()
            .map(|(pos, i)| {
                let item = items.with_value(|it| it.get(i as usize).cloned().unwrap_or_default());
                view! { <RankRow pos item kind order cursor dragging /> }
            })
            .collect_view()
    };
    view! {
        <ol
            id="ranking"
            class="ranking"
            on:pointermove=on_move
            on:pointerup=move |_| dragging.set(None)
            on:pointerleave=move |_| dragging.set(None)
            on:pointercancel=move |_| dragging.set(None)
        >
            {rows}
        </ol>
        <div class="secondary">
            <span class="hint">"Drag, or ↑ ↓ to pick and Shift+↑ ↓ to move; best first."</span>
            <button id="submit-ranking" aria-keyshortcuts="Enter" on:click=move |_| on_action.run(Action::Rank(order.get_untracked()))>
                "Submit ranking " <kbd>"Enter"</kbd>
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_item_moves_and_clamps() {
        let mut o = vec![1, 2, 3, 4];
        move_item(&mut o, 0, 2);
        assert_eq!(o, vec![2, 3, 1, 4]);
        move_item(&mut o, 3, 0);
        assert_eq!(o, vec![4, 2, 3, 1]);
        move_item(&mut o, 1, 99);
        assert_eq!(o, vec![4, 3, 1, 2]);
        move_item(&mut o, 9, 0);
        assert_eq!(o, vec![4, 3, 1, 2]);
    }
}
