//! The page: vote, see the leaderboard move, export or reset.

use leptos::ev;
use leptos::prelude::*;
use prefplay_core::Dataset;

use crate::components::{Leaderboard, VotePanel};
use crate::fit_job::EngineRequest;
use crate::fit_runner::{FitOutputs, FitRunner, FitState, FitSummary};
use crate::keys::action_for_key;
use crate::session::{Action, Session};
use crate::{deck, export, storage};

/// The value of `name` in the address's query, if any.
fn url_parameter(name: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get(name))
}

/// `?engine=cpu|gpu` in the address forces an engine; else auto.
fn engine_by_url() -> EngineRequest {
    EngineRequest::from_param(url_parameter("engine").as_deref())
}

/// `?simulate=N[&items=M][&seed=S]`: instead of the stored votes, the page
/// fits N simulated votes on M items (default 12), made in the fit worker
/// — a load test of the worker that keeps the page responsive.
fn simulation_by_url() -> Option<(usize, usize, u64)> {
    let votes = url_parameter("simulate")?.parse().ok()?;
    let items = url_parameter("items")
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let seed = url_parameter("seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    Some((votes, items, seed))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let loaded = storage::load(deck::builtin_deck());
    let items = StoredValue::new(loaded.items);
    let message = RwSignal::new(loaded.warning);
    let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    let session = RwSignal::new(Session::new(items.with_value(Vec::len), loaded.votes, seed));
    let votes = Memo::new(move |_| session.with(|s| s.votes().to_vec()));
    let (fit, set_fit) = signal(Err::<FitSummary, String>("Fitting…".into()));
    let outputs = FitOutputs {
        result: set_fit,
        state: RwSignal::new(FitState::Idle),
        engine: RwSignal::new(None),
        progress_events: RwSignal::new(0),
        last_span_ms: RwSignal::new(None),
    };
    let runner = FitRunner::start(outputs, engine_by_url());
    let confirming_reset = RwSignal::new(false);
    // Why the CPU engine was chosen, when it was.
    let engine_note = Signal::derive(move || outputs.engine.get().and_then(|(_, note)| note));
    let simulation = simulation_by_url();
    if let Some((n_votes, n_items, seed)) = simulation {
        runner.request_simulation(n_votes, n_items, seed);
    }

    Effect::new(move |_| {
        let votes = votes.get();
        if let Err(e) = storage::save(&items.get_value(), &votes) {
            message.set(Some(e));
        }
        if simulation.is_none() {
            runner.request(items.get_value(), votes);
        }
    });

    let act = move |action: Action| {
        session.update(|s| {
            s.apply(action);
        });
    };
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.repeat() || e.alt_key() {
            return;
        }
        if e.key() == "Escape" && matches!(outputs.state.get_untracked(), FitState::Running { .. })
        {
            e.prevent_default();
            runner.cancel();
            return;
        }
        if confirming_reset.get_untracked() {
            if e.key() == "Escape" {
                confirming_reset.set(false);
            }
            return;
        }
        if let Some(action) = action_for_key(&e.key(), e.ctrl_key() || e.meta_key()) {
            e.prevent_default();
            act(action);
        }
    });
    on_cleanup(move || keys.remove());

    let pair = Signal::derive(move || {
        let pair = session.with(Session::pair)?;
        items.with_value(|labels| Some((labels[pair.0].clone(), labels[pair.1].clone())))
    });
    let export_csv = move |_| {
        let result = Dataset::new(items.get_value(), votes.get_untracked())
            .map_err(|e| e.to_string())
            .and_then(|data| export::download_votes_csv(&data));
        if let Err(e) = result {
            message.set(Some(e));
        }
    };
    let rows = Signal::derive(move || {
        fit.with(|f| f.as_ref().map(|s| s.rows.clone()).unwrap_or_default())
    });
    let fitted_votes = Signal::derive(move || fit.with(|f| f.as_ref().map_or(0, |s| s.n_votes)));

    view! {
        <header class="top">
            <h1>"prefplay"</h1>
            <p class="tagline">"Vote on pairs; a Bradley–Terry model ranks them after every vote."</p>
            <p id="engine" class="engine">
                {move || match fit.get() {
                    Ok(s) => match (s.fallback_reason, s.choice) {
                        (Some(why), _) => format!("{} (GPU failed: {why})", s.engine),
                        (None, Some(why)) => format!("{} ({why})", s.engine),
                        (None, None) => s.engine,
                    },
                    Err(_) => "Starting…".to_string(),
                }}
            </p>
            {move || engine_note.get().map(|why| view! { <p id="engine-note" class="engine-note">{why}</p> })}
        </header>
        {move || message.get().map(|m| view! {
            <p class="message" role="alert">
                {m} " "
                <button on:click=move |_| message.set(None)>"Dismiss"</button>
            </p>
        })}
        <main class="layout">
            <div class="left">
                <VotePanel
                    pair=pair
                    can_undo=Signal::derive(move || !votes.with(Vec::is_empty))
                    on_action=Callback::new(act)
                />
                <p id="vote-count" class="count">
                    {move || match votes.with(Vec::len) {
                        1 => "1 vote".to_string(),
                        n => format!("{n} votes"),
                    }}
                </p>
                <div class="tools">
                    <button id="export" on:click=export_csv>"Export CSV"</button>
                    <button id="reset" class="danger" on:click=move |_| confirming_reset.set(true)>"Reset…"</button>
                </div>
                <Show when=move || confirming_reset.get()>
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
                        <p id="confirm-text">
                            {move || format!("Delete all {} votes? This cannot be undone; export them first if you want to keep them.", votes.with(Vec::len))}
                        </p>
                        <button id="confirm-reset" class="danger" on:click=move |_| {
                            session.update(Session::reset);
                            confirming_reset.set(false);
                        }>"Delete votes"</button>
                        <button id="cancel-reset" on:click=move |_| confirming_reset.set(false)>"Cancel (Esc)"</button>
                    </div>
                </Show>
            </div>
            <div class="right">
                <Leaderboard rows=rows n_votes=fitted_votes />
                <p
                    id="fit-info"
                    class="fit-info"
                    aria-live="polite"
                    data-state=move || match outputs.state.get() {
                        FitState::Idle => "idle",
                        FitState::Running { .. } => "running",
                        FitState::Cancelled { .. } => "cancelled",
                    }
                    data-progress-events=move || outputs.progress_events.get().to_string()
                    data-fit-span-ms=move || outputs.last_span_ms.get().map(|(a, b)| format!("{a:.1} {b:.1}"))
                >
                    {move || match (outputs.state.get(), fit.get()) {
                        (FitState::Running { step, .. }, _) if step > 0 => format!("Fitting… Newton step {step}."),
                        (FitState::Running { .. }, _) => "Fitting…".to_string(),
                        (FitState::Cancelled { started_ms, at_ms }, _) => format!(
                            "Fit cancelled after {:.0} ms; the table shows the last finished fit.",
                            at_ms - started_ms
                        ),
                        (FitState::Idle, Ok(s)) => format!(
                            "Fit on {} votes: {:.1} ms, {} Newton steps, in the {}.",
                            s.n_votes, s.fit_ms, s.iterations, s.thread
                        ),
                        (FitState::Idle, Err(e)) => e,
                    }}
                </p>
                <Show when=move || matches!(outputs.state.get(), FitState::Running { .. })>
                    <button id="cancel-fit" on:click=move |_| runner.cancel()>"Cancel fit (Esc)"</button>
                </Show>
            </div>
        </main>
    }
}
