//! How one item looks: text, a big emoji, a colour swatch or an answer.
//! Labels are always text nodes, never HTML.

use leptos::prelude::*;
use prefplay_core::playground::collect::{DeckItem, DeckKind};

use crate::images::Images;

/// CSS colour of a colour-deck item from its (red, green, blue) features in 0..=1.
pub fn swatch_css(item: &DeckItem) -> Option<String> {
    let [r, g, b] = item.features.get(..3)? else {
        return None;
    };
    let byte = |v: f64| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    Some(format!(
        "background: rgb({}, {}, {});",
        byte(*r),
        byte(*g),
        byte(*b)
    ))
}

/// One item drawn for its deck kind.
#[component]
pub fn ItemFace(
    /// The item.
    item: DeckItem,
    /// How the deck draws items.
    kind: DeckKind,
) -> impl IntoView {
    match kind {
        DeckKind::Colour => {
            let style = swatch_css(&item).unwrap_or_default();
            view! {
                <span class="face face-colour">
                    <span class="swatch" style=style aria-hidden="true"></span>
                    <span class="label">{item.label}</span>
                </span>
            }
            .into_any()
        }
        DeckKind::Emoji => view! { <span class="face face-emoji">{item.label}</span> }.into_any(),
        DeckKind::Answers => {
            view! { <span class="face face-answer">{item.label}</span> }.into_any()
        }
        DeckKind::Images => {
            let images = use_context::<Images>();
            let key = item.image.clone().unwrap_or_default();
            let alt = item.label.clone();
            view! {
                <span class="face face-image">
                    {move || images.and_then(|i| i.url(&key)).map(|src| view! { <img src=src alt=alt.clone() /> })}
                    <span class="label">{item.label.clone()}</span>
                </span>
            }
            .into_any()
        }
        DeckKind::Text => view! { <span class="face face-text">{item.label}</span> }.into_any(),
    }
}
