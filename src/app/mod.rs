//! The playground page: pick a deck and a mode, vote, see the leaderboard
//! move, export or reset. [`App`] builds the [`AppState`], starts the hooks
//! (persistence, fits, keyboard, presentation) and lays out the sections;
//! the logic lives in the hooks and in the state's methods.

mod edit;
mod fit;
mod keyboard;
mod persistence;
mod results_column;
mod state;
pub(crate) mod url;
mod vote_column;

use leptos::prelude::*;

pub use edit::{Applied, Edit};
pub use state::AppState;

use crate::components::{ClassPanel, Controls, DeckBar};
use crate::scenario::Scenario;

/// The whole playground.
#[component]
pub fn App() -> impl IntoView {
    let scenario = url::scenario().map(|sc| (sc, url::seed()));
    let state = AppState::new(url::engine(), scenario, url::simulation(), url::present());
    persistence::use_persistence(state);
    let clock = fit::use_fit(state);
    keyboard::use_keyboard(state);
    keyboard::use_presentation(state);
    let on_change = Callback::new(move |()| state.changed());
    let on_message = Callback::new(move |m: String| state.message.set(Some(m)));
    let (workspace, lesson) = (state.workspace, state.lesson);
    view! {
        <Header />
        {move || state.message.get().map(|m| view! {
            <p id="message" class="message" role="alert">
                {m} " "
                <button on:click=move |_| state.message.set(None)>"Dismiss"</button>
            </p>
        })}
        <Show when=move || !lesson.get()>
            <DeckBar workspace=workspace on_change=on_change on_message=on_message />
        </Show>
        <Controls workspace=workspace on_change=on_change on_message=on_message lesson=lesson />
        <Show when=move || !lesson.get()>
            <ClassPanel workspace=workspace reveal=state.reveal on_change=on_change on_message=on_message />
        </Show>
        {state.scenario.map(|(sc, seed)| view! { <ScenarioBox scenario=sc seed=seed /> })}
        <main class="layout">
            <vote_column::VoteColumn on_change=on_change on_message=on_message />
            <results_column::ResultsColumn clock=clock />
        </main>
    }
}

/// The title, the links to the other pages and the scenarios, the
/// presentation switch and the engine line.
#[component]
fn Header() -> impl IntoView {
    let state = expect_context::<AppState>();
    let engine_note = Signal::derive(move || state.outputs.engine.get().and_then(|(_, note)| note));
    view! {
        <header class="top">
            <h1>"prefplay"</h1>
            <p class="tagline">"Vote; a Bradley–Terry model ranks the items after every vote."</p>
            <a id="to-loss-lab" href="?page=loss">"Loss lab →"</a>
            <a id="to-personal" href="?page=personal">"One leaderboard per person →"</a>
            <details id="scenarios" class="scenarios">
                <summary>"Guided scenarios"</summary>
                <ol>
                    {Scenario::ALL.map(|sc| view! {
                        <li><a href=format!("?scenario={}", sc.name())>{sc.title()}</a></li>
                    }).collect_view()}
                </ol>
            </details>
            <button id="present" class="small" aria-keyshortcuts="P" aria-pressed=move || state.present.get().to_string()
                on:click=move |_| state.present.update(|p| *p = !*p)>
                "Presentation mode " <kbd>"P"</kbd>
            </button>
            <p id="engine" class="engine">{move || fit::engine_line(state)}</p>
            {move || engine_note.get().map(|why| view! { <p id="engine-note" class="engine-note">{why}</p> })}
        </header>
    }
}

/// What the scenario in the address shows, how to replay it, and
/// "Start again" (confirmed: it replaces the scenario deck's votes).
#[component]
fn ScenarioBox(
    /// The scenario.
    scenario: Scenario,
    /// Its seed.
    seed: u64,
) -> impl IntoView {
    let sc = scenario;
    let state = expect_context::<AppState>();
    let confirming = RwSignal::new(false);
    let replay = if sc.simulates_class() {
        format!(
            "Seed {seed}: load this address again to replay the same simulated class (votes you cast on its deck are kept); change seed= for another."
        )
    } else {
        "Reload this address any time: the votes cast on this deck are kept.".to_string()
    };
    view! {
        <section id="scenario" class="scenario" data-scenario=sc.name() data-seed=seed.to_string() aria-label="Scenario">
            <h2>{format!("Scenario {}: {}", sc.number(), sc.title())}</h2>
            <p class="explain">{sc.explain()}
                {sc.point().map(|(id, what)| view! { " " <a id="scenario-point" href=format!("#{id}")>{format!("Go to {what} ↓")}</a> })}
            </p>
            <p class="hint">{replay}" Your own decks, votes and settings are not touched. "
                <button id="scenario-start-again" class="link-button" on:click=move |_| confirming.set(true)>"Start again…"</button>
            </p>
            <Show when=move || confirming.get()>
                <div class="confirm" role="alertdialog" aria-labelledby="start-again-text">
                    <p id="start-again-text">"Replace this scenario's deck and every vote on it? This cannot be undone."</p>
                    <button id="confirm-start-again" class="danger" on:click=move |_| {
                        state.open_scenario(sc, seed, true);
                        confirming.set(false);
                        state.show_next();
                    }>"Start again"</button>
                    <button id="cancel-start-again" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
        </section>
    }
}
