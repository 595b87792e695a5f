//! Export buttons, and import by file picker or drag-and-drop with a
//! preview that must be confirmed.

use crate::app::{AppState, Edit};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::export::download;
use crate::images::Images;
use crate::transfer::{ExportKind, Incoming, MergeReport, merge, read_file};
use crate::workspace::Workspace;

/// A merge waiting for confirmation (from files or pasted links).
#[derive(Clone)]
pub struct Preview {
    merged: Workspace,
    report: MergeReport,
    errors: Vec<String>,
    read_ms: f64,
}

/// Reads `files` (name, bytes) and merges the readable ones into a copy
/// of the workspace.
fn preview(workspace: &Workspace, files: Vec<(String, Vec<u8>)>, started: f64) -> Preview {
    let mut errors = Vec::new();
    let mut incoming = Vec::new();
    for (name, bytes) in files {
        match read_file(&name, &bytes) {
            Ok(f) => incoming.push(f),
            Err(e) => errors.push(e),
        }
    }
    Preview::of(workspace, incoming, errors, started)
}

impl Preview {
    /// Merges `incoming` into a copy of `workspace`; `errors` are shown
    /// with the result; `started` (ms since the epoch) times the work.
    pub fn of(
        workspace: &Workspace,
        incoming: Vec<Incoming>,
        mut errors: Vec<String>,
        started: f64,
    ) -> Preview {
        let mut merged = workspace.clone();
        let report = match merge(&mut merged, incoming) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                merged = workspace.clone();
                MergeReport::default()
            }
        };
        Preview {
            merged,
            report,
            errors,
            read_ms: js_sys::Date::now() - started,
        }
    }
}

/// The files of a `FileList`, taken at once (an input's list is live:
/// clearing the input empties it).
fn files_of(list: &web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|k| list.get(k)).collect()
}

/// The bytes of each file.
async fn read_all(files: Vec<web_sys::File>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for file in files {
        let name = file.name();
        let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
            Err(_) => Vec::new(),
        };
        out.push((name, bytes));
    }
    out
}

/// Export and import controls.
#[component]
pub fn TransferBar(
    /// The page's state.
    workspace: RwSignal<Workspace>,
    /// Called after an import changed the workspace.
    on_change: Callback<()>,
    /// Shows a message.
    on_message: Callback<String>,
    /// The merge waiting for confirmation (shared with the share panel).
    pending: RwSignal<Option<Preview>, LocalStorage>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let images = use_context::<Images>();
    let take = move |files: Vec<web_sys::File>| {
        let started = js_sys::Date::now();
        leptos::task::spawn_local(async move {
            let files = read_all(files).await;
            if files.is_empty() {
                return;
            }
            let p = workspace.with_untracked(|w| preview(w, files, started));
            pending.set(Some(p));
        });
    };
    let export = move |kind: ExportKind| {
        let result = workspace.with_untracked(|w| crate::transfer::export(w, kind));
        match result.and_then(|(text, note)| {
            download(&text, kind.file_name(), kind.mime())?;
            Ok(note)
        }) {
            Ok(Some(note)) => on_message.run(note),
            Ok(None) => {}
            Err(e) => on_message.run(e),
        }
    };
    listen_for_drops(dragging, images, take, on_change, on_message);
    let on_pick = move |e: ev::Event| {
        let input = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(input) = input {
            if let Some(files) = input.files() {
                take(files_of(&files));
            }
            input.set_value("");
        }
    };
    view! {
        <div class="tools transfer">
            <span class="tools-label">"Export"</span>
            <button id="export" on:click=move |_| export(ExportKind::PairsCsv)>{ExportKind::PairsCsv.title()}</button>
            {[ExportKind::Workspace, ExportKind::Arena, ExportKind::Hf, ExportKind::AnonymousCsv].map(|kind| view! {
                <button id=format!("export-{}", kind.name()) on:click=move |_| export(kind)>{kind.title()}</button>
            }).collect_view()}
        </div>
        <div class="tools transfer">
            <label class="button" for="import-file">"Import files…"</label>
            <input id="import-file" class="visually-hidden" type="file" multiple
                accept=".csv,.json,.jsonl,.txt,application/json,text/csv" on:change=on_pick />
            <span class="hint">"or drop files anywhere on the page: pairs, winner/loser, Arena, HF, crowd-kit, rankings, prefplay — or images, to make a deck of them."</span>
        </div>
        <Show when=move || dragging.get()>
            <div class="drop-zone" aria-hidden="true">"Drop files to import"</div>
        </Show>
        <ImportPreview pending on_change />
    }
}

/// Files dropped anywhere on the page: images make a deck, the rest are
/// read for import (`take`); `dragging` shows the drop zone.
fn listen_for_drops(
    dragging: RwSignal<bool>,
    images: Option<Images>,
    take: impl Fn(Vec<web_sys::File>) + Copy + 'static,
    on_change: Callback<()>,
    on_message: Callback<String>,
) {
    let state = expect_context::<AppState>();
    let over = window_event_listener(ev::dragover, move |e| {
        e.prevent_default();
        dragging.set(true);
    });
    let leave = window_event_listener(ev::dragleave, move |e| {
        if e.related_target().is_none() {
            dragging.set(false);
        }
    });
    let drop = window_event_listener(ev::drop, move |e| {
        e.prevent_default();
        dragging.set(false);
        if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
            let files = files_of(&files);
            let all_images =
                !files.is_empty() && files.iter().all(|f| f.type_().starts_with("image/"));
            match (all_images, images) {
                (true, Some(images)) => leptos::task::spawn_local(async move {
                    match images.add_deck(state, files, "").await {
                        Ok(_) => on_change.run(()),
                        Err(e) => on_message.run(e),
                    }
                }),
                _ => take(files),
            }
        }
    });
    on_cleanup(move || {
        over.remove();
        leave.remove();
        drop.remove();
    });
}

/// The import waiting for confirmation: what it adds, what it could not
/// read, Import and Cancel.
#[component]
fn ImportPreview(
    pending: RwSignal<Option<Preview>, LocalStorage>,
    on_change: Callback<()>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        {move || pending.get().map(|p| {
            let errors = p.errors.clone();
            let lines = p.report.lines.clone();
            let added = p.report.added;
            view! {
                <div id="import-preview" class="panel" role="dialog" aria-label="Import"
                    data-added=added.to_string() data-read-ms=format!("{:.0}", p.read_ms)>
                    <p><strong>{format!("Import adds {}; nothing stored is changed or removed.", crate::words::count(added, "ballot", "ballots"))}</strong></p>
                    <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    {(!errors.is_empty()).then(|| view! {
                        <ul class="errors">{errors.into_iter().map(|e| view! { <li class="import-error">{e}</li> }).collect_view()}</ul>
                    })}
                    <div class="secondary">
                        <button id="confirm-import" disabled=added == 0 on:click=move |_| {
                            if let Some(p) = pending.get_untracked() {
                                // A confirmed import is never refused.
                                let _ = state.apply(Edit::Import(Box::new(p.merged)));
                                pending.set(None);
                                on_change.run(());
                            }
                        }>"Import"</button>
                        <button id="cancel-import" on:click=move |_| pending.set(None)>"Cancel"</button>
                    </div>
                </div>
            }
        })}
    }
}
