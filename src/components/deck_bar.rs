//! Deck picker and deck management: new (paste a list or CSV, or open a
//! file), duplicate, rename, delete (with confirmation).

use crate::app::{AppState, Applied, Edit};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::decks::is_builtin;
use crate::images::Images;
use crate::workspace::Workspace;

/// Which deck form is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Closed,
    New,
    Edit,
    ConfirmDelete,
}

/// A deck's name, optional question and items (one per line), the fields
/// the new-deck and edit forms share.
#[component]
fn DeckFields(
    /// The name field.
    name: RwSignal<String>,
    /// The question field.
    question: RwSignal<String>,
    /// The items text.
    text: RwSignal<String>,
    /// What the items field takes.
    items_help: &'static str,
) -> impl IntoView {
    view! {
        <label>"Name " <input id="deck-name" required prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></label>
        <label>"Question (optional) " <input id="deck-question" prop:value=move || question.get() on:input=move |e| question.set(event_target_value(&e)) /></label>
        <label class="block">{items_help}
            <textarea id="deck-items" rows="8" prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e))></textarea>
        </label>
    }
}

/// The deck row and its forms.
#[component]
pub fn DeckBar(
    /// The page's state.
    workspace: RwSignal<Workspace>,
    /// Called after the active deck changed.
    on_change: Callback<()>,
    /// Shows a message.
    on_message: Callback<String>,
) -> impl IntoView {
    let form = RwSignal::new(Form::Closed);
    let name = RwSignal::new(String::new());
    let question = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let builtin = move || workspace.with(|w| is_builtin(&w.active_deck));
    let state = expect_context::<AppState>();
    let finish = move |result: Result<Applied, String>| match result {
        Ok(_) => {
            form.set(Form::Closed);
            on_change.run(());
        }
        Err(e) => on_message.run(e),
    };
    let create = move || {
        finish(state.apply(Edit::NewDeck {
            name: name.get_untracked(),
            question: question.get_untracked(),
            text: text.get_untracked(),
        }));
    };
    let open_file = move |e: leptos::ev::Event| {
        let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let file_name = file.name();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(value) => {
                    if name.get_untracked().trim().is_empty() {
                        let stem = file_name
                            .rsplit_once('.')
                            .map_or(file_name.as_str(), |(s, _)| s);
                        name.set(stem.to_string());
                    }
                    text.set(value.as_string().unwrap_or_default());
                }
                Err(_) => on_message.run(format!("{file_name}: could not be read as text.")),
            }
        });
    };
    let open_images = move |e: leptos::ev::Event| {
        let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<web_sys::File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|k| l.get(k)).collect())
            .unwrap_or_default();
        input.set_value("");
        let Some(images) = use_context::<Images>() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match images.add_deck(state, files, &name.get_untracked()).await {
                Ok(_) => {
                    form.set(Form::Closed);
                    on_change.run(());
                }
                Err(e) => on_message.run(e),
            }
        });
    };
    view! {
        <div class="deck-bar">
            <label>"Deck "
                <select id="deck" prop:value=move || workspace.with(|w| w.active_deck.clone()) on:change=move |e| {
                    let id = event_target_value(&e);
                    finish(state.apply(Edit::SelectDeck(id)));
                }>
                    {move || workspace.with(|w| w.decks.iter().map(|d| {
                        view! { <option value=d.id.clone()>{d.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </label>
            <button id="new-deck" on:click=move |_| {
                name.set(String::new());
                question.set(String::new());
                text.set(String::new());
                form.set(Form::New);
            }>"New deck…"</button>
            <button id="duplicate-deck" on:click=move |_| {
                finish(state.apply(Edit::DuplicateDeck));
            }>"Duplicate"</button>
            <button id="edit-deck" disabled=builtin on:click=move |_| {
                workspace.with_untracked(|w| {
                    name.set(w.deck().name.clone());
                    question.set(w.deck().question.clone());
                    text.set(w.deck().labels().join("\n"));
                });
                form.set(Form::Edit);
            }>"Edit…"</button>
            <button id="delete-deck" class="danger" disabled=builtin on:click=move |_| form.set(Form::ConfirmDelete)>"Delete…"</button>
        </div>
        {move || match form.get() {
            Form::Closed => ().into_any(),
            Form::New => view! {
                <form id="deck-form" class="panel" on:submit=move |e| { e.prevent_default(); create(); }>
                    <DeckFields name=name question=question text=text
                        items_help="Items: one per line, or CSV with a label column (and f_… feature columns)" />
                    <label>"…or open a .txt or .csv file " <input id="deck-file" type="file" accept=".txt,.csv,text/plain,text/csv" on:change=open_file /></label>
                    <label>"…or make a deck of your images (they stay on this device) " <input id="deck-images" type="file" accept="image/*" multiple on:change=open_images /></label>
                    <div class="secondary">
                        <button id="create-deck" type="submit">"Create deck"</button>
                        <button type="button" on:click=move |_| form.set(Form::Closed)>"Cancel"</button>
                    </div>
                </form>
            }.into_any(),
            Form::Edit => view! {
                <form id="deck-form" class="panel" on:submit=move |e| {
                    e.prevent_default();
                    finish(state.apply(Edit::ChangeDeck { name: name.get_untracked(), question: question.get_untracked(), labels: text.get_untracked() }));
                }>
                    <DeckFields name=name question=question text=text
                        items_help="Items, one per line: edit a line to rename that item (its votes stay), add lines to add items; removing lines removes items from the end, if they have no votes" />
                    <div class="secondary">
                        <button id="save-deck" type="submit">"Save"</button>
                        <button type="button" on:click=move |_| form.set(Form::Closed)>"Cancel"</button>
                    </div>
                </form>
            }.into_any(),
            Form::ConfirmDelete => view! {
                <div class="confirm" role="alertdialog">
                    <p>{move || workspace.with(|w| format!(
                        "Delete deck \"{}\" and its {} ballots? This cannot be undone.",
                        w.deck().name,
                        w.deck_ballots().len()
                    ))}</p>
                    <button id="confirm-delete-deck" class="danger" on:click=move |_| finish(state.apply(Edit::DeleteDeck))>"Delete deck"</button>
                    <button on:click=move |_| form.set(Form::Closed)>"Cancel"</button>
                </div>
            }.into_any(),
        }}
    }
}
