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

/// The deck being written in a form: name, question, items.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    question: RwSignal<String>,
    text: RwSignal<String>,
}

impl Draft {
    fn set(self, name: String, question: String, text: String) {
        self.name.set(name);
        self.question.set(question);
        self.text.set(text);
    }
}

/// The file input an event came from.
fn input_of(e: &leptos::ev::Event) -> Option<web_sys::HtmlInputElement> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
}

/// Reads a picked .txt or .csv file into the draft's items (and its name,
/// if none is written yet).
fn open_file(e: leptos::ev::Event, draft: Draft, on_message: Callback<String>) {
    let Some(file) = input_of(&e).and_then(|i| i.files()).and_then(|f| f.get(0)) else {
        return;
    };
    let file_name = file.name();
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(value) => {
                if draft.name.get_untracked().trim().is_empty() {
                    let stem = file_name
                        .rsplit_once('.')
                        .map_or(file_name.as_str(), |(s, _)| s);
                    draft.name.set(stem.to_string());
                }
                draft.text.set(value.as_string().unwrap_or_default());
            }
            Err(_) => on_message.run(format!("{file_name}: could not be read as text.")),
        }
    });
}

/// Makes a deck of the picked images (kept on this device).
fn open_images(
    e: leptos::ev::Event,
    draft: Draft,
    images: Option<Images>,
    state: AppState,
    done: Callback<Result<Applied, String>>,
) {
    let Some(input) = input_of(&e) else {
        return;
    };
    let files: Vec<web_sys::File> = input
        .files()
        .map(|l| (0..l.length()).filter_map(|k| l.get(k)).collect())
        .unwrap_or_default();
    input.set_value("");
    let Some(images) = images else {
        return;
    };
    leptos::task::spawn_local(async move {
        let result = images
            .add_deck(state, files, &draft.name.get_untracked())
            .await;
        done.run(result.map(|_| Applied::Done));
    });
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
    let draft = Draft {
        name: RwSignal::new(String::new()),
        question: RwSignal::new(String::new()),
        text: RwSignal::new(String::new()),
    };
    let builtin = move || workspace.with(|w| is_builtin(&w.active_deck));
    let state = expect_context::<AppState>();
    let finish = Callback::new(move |result: Result<Applied, String>| match result {
        Ok(_) => {
            form.set(Form::Closed);
            on_change.run(());
        }
        Err(e) => on_message.run(e),
    });
    view! {
        <div class="deck-bar">
            <label>"Deck "
                <select id="deck" prop:value=move || workspace.with(|w| w.active_deck.clone()) on:change=move |e| {
                    let id = event_target_value(&e);
                    finish.run(state.apply(Edit::SelectDeck(id)));
                }>
                    {move || workspace.with(|w| w.decks.iter().map(|d| {
                        view! { <option value=d.id.clone()>{d.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </label>
            <button id="new-deck" on:click=move |_| {
                draft.set(String::new(), String::new(), String::new());
                form.set(Form::New);
            }>"New deck…"</button>
            <button id="duplicate-deck" on:click=move |_| finish.run(state.apply(Edit::DuplicateDeck))>"Duplicate"</button>
            <button id="edit-deck" disabled=builtin on:click=move |_| {
                workspace.with_untracked(|w| {
                    let d = w.deck();
                    draft.set(d.name.clone(), d.question.clone(), d.labels().join("\n"));
                });
                form.set(Form::Edit);
            }>"Edit…"</button>
            <button id="delete-deck" class="danger" disabled=builtin on:click=move |_| form.set(Form::ConfirmDelete)>"Delete…"</button>
        </div>
        <DeckForms form draft workspace finish on_message />
    }
}

/// The open form: a new deck, the deck edited, or the delete
/// confirmation.
#[component]
fn DeckForms(
    form: RwSignal<Form>,
    draft: Draft,
    workspace: RwSignal<Workspace>,
    finish: Callback<Result<Applied, String>>,
    on_message: Callback<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let images = use_context::<Images>();
    let Draft {
        name,
        question,
        text,
    } = draft;
    move || {
        match form.get() {
        Form::Closed => ().into_any(),
        Form::New => view! {
            <form id="deck-form" class="panel" on:submit=move |e| {
                e.prevent_default();
                finish.run(state.apply(Edit::NewDeck { name: name.get_untracked(), question: question.get_untracked(), text: text.get_untracked() }));
            }>
                <DeckFields name=name question=question text=text
                    items_help="Items: one per line, or CSV with a label column (and f_… feature columns)" />
                <label>"…or open a .txt or .csv file " <input id="deck-file" type="file" accept=".txt,.csv,text/plain,text/csv" on:change=move |e| open_file(e, draft, on_message) /></label>
                <label>"…or make a deck of your images (they stay on this device) " <input id="deck-images" type="file" accept="image/*" multiple on:change=move |e| open_images(e, draft, images, state, finish) /></label>
                <div class="secondary">
                    <button id="create-deck" type="submit">"Create deck"</button>
                    <button type="button" on:click=move |_| form.set(Form::Closed)>"Cancel"</button>
                </div>
            </form>
        }.into_any(),
        Form::Edit => view! {
            <form id="deck-form" class="panel" on:submit=move |e| {
                e.prevent_default();
                finish.run(state.apply(Edit::ChangeDeck { name: name.get_untracked(), question: question.get_untracked(), labels: text.get_untracked() }));
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
                <button id="confirm-delete-deck" class="danger" on:click=move |_| finish.run(state.apply(Edit::DeleteDeck))>"Delete deck"</button>
                <button on:click=move |_| form.set(Form::Closed)>"Cancel"</button>
            </div>
        }.into_any(),
    }
    }
}
