//! The page: pick a deck and a mode, vote, see the leaderboard move,
//! export or reset.

use leptos::ev;
use leptos::prelude::*;
use prefplay_core::playground::collect::{self, Ballot, BallotId};
use prefplay_core::playground::model_choice::ModelKind;
use wasm_bindgen::JsCast;

use crate::browser::url_parameter;
use crate::components::{
    BestOfPanel, Calibration, ClassPanel, ComparisonGraphChart, Controls, Convergence, DeckBar,
    EloVsBt, ForestPlot, Glossary, Leaderboard, ModelControls, Preview, RankingPanel, SharePanel,
    SimulationCharts, SinglePanel, TransferBar, VotePanel, WinMatrices, move_item,
};
use crate::fit_job::{EngineRequest, FitInput};
use crate::images::Images;
use crate::job_runner::{FitOutputs, FitState, FitSummary, JobRunner};
use crate::keys::{KeyIntent, Modifiers, intent_for_key};
use crate::scenario::Scenario;
use crate::session::{Action, Chooser, Estimates, Task};
use crate::workspace::{Mode, Workspace};
use crate::{fragment, storage};

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

/// The last fit's typed estimates, if it was a fit of this deck's items.
fn estimates_of(fit: &FitSummary, labels: &[String]) -> Option<Estimates> {
    (fit.items == labels && fit.scores.len() == labels.len()).then(|| Estimates {
        scores: fit.scores.clone(),
        standard_errors: fit.standard_errors.clone(),
        link: fit.link,
        model: fit.model.clone(),
    })
}

/// Whether a key event comes from a text field or menu (typing a name
/// must not vote).
fn typing_in_a_field(e: &ev::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let workspace = RwSignal::new(Workspace::default());
    // Nothing is shown, voted or saved until the stored workspace is in.
    let ready = RwSignal::new(false);
    let store = StoredValue::new_local(None::<storage::Store>);
    provide_context(Images::new(store));
    let message = RwSignal::new(None::<String>);
    let pending = RwSignal::new_local(None::<Preview>);
    let lesson = RwSignal::new(false);
    let counter = StoredValue::new(0u64);
    let saves_in_flight = RwSignal::new(0u32);
    let save_failed = RwSignal::new(false);
    let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
    let chooser = StoredValue::new(Chooser::new(seed));
    let task = RwSignal::new(None::<(Task, String)>);
    let ranking = RwSignal::new(Vec::<u32>::new());
    let cursor = RwSignal::new(0usize);
    let (fit, set_fit) = signal(Err::<FitSummary, String>("Fitting…".into()));
    let outputs = FitOutputs::new(set_fit);
    let runner = JobRunner::start(outputs, engine_by_url());
    provide_context(runner);
    let confirming_reset = RwSignal::new(false);
    let reveal = RwSignal::new(false);
    let engine_note = Signal::derive(move || outputs.engine.get().and_then(|(_, note)| note));
    let simulation = simulation_by_url();
    let scenario = url_parameter("scenario").and_then(|v| Scenario::from_param(&v));
    let scenario_seed: u64 = url_parameter("seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if let Some((n_votes, n_items, seed)) = simulation {
        runner.request_simulation(n_votes, n_items, seed);
    }

    let deck = Memo::new(move |_| workspace.with(|w| w.deck().clone()));
    let labels = Memo::new(move |_| deck.with(|d| d.labels()));
    let fit_input = Memo::new(move |_| {
        workspace.with(|w| {
            let n = w.deck().items.len();
            collect::fit_votes(n, w.deck_ballots(), w.settings.view)
        })
    });
    let estimates = Memo::new(move |_| {
        fit.with(|f| {
            f.as_ref()
                .ok()
                .and_then(|s| labels.with(|l| estimates_of(s, l)))
        })
    });

    // Picks what is shown next (after a ballot, a skip or a change of
    // deck, mode, strategy or voter) — never on its own, so the screen
    // does not change under the voter's finger when a fit lands.
    let show_next = move || {
        let next = workspace.with_untracked(|w| {
            let n = w.deck().items.len();
            let e = estimates.get_untracked();
            chooser.try_update_value(|c| {
                c.next(
                    n,
                    &w.settings,
                    e.as_ref(),
                    w.deck_ballots(),
                    w.active_participant,
                )
            })
        });
        let next = next.flatten();
        if let Some((Task::Several(items), _)) = &next {
            ranking.set(items.clone());
            cursor.set(0);
        }
        task.set(next);
    };

    // Another tab saved: read the database again.
    let channel = web_sys::BroadcastChannel::new(storage::CHANNEL).ok();
    let reload_from_store = move || {
        let Some(s) = store.get_value() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match s.read().await {
                Ok((Some(w), warning)) => {
                    workspace.set(w);
                    if warning.is_some() {
                        message.set(warning);
                    }
                    show_next();
                }
                Ok((None, _)) => {}
                Err(e) => message.set(Some(format!("Could not read another tab's changes: {e}"))),
            }
        });
    };
    if let Some(ch) = &channel {
        let on_message = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |_: web_sys::MessageEvent| reload_from_store(),
        );
        ch.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    let channel = StoredValue::new_local(channel);

    leptos::task::spawn_local(async move {
        let loaded = storage::load().await;
        workspace.set(loaded.workspace);
        if loaded.warning.is_some() {
            message.set(loaded.warning);
        }
        if let Some(s) = &loaded.store {
            let (s, w) = (s.clone(), workspace.get_untracked());
            leptos::task::spawn_local(async move {
                let _ = s.collect_garbage(&w).await;
            });
        }
        store.set_value(loaded.store);
        fragment::open(workspace, lesson, message);
        if let Some(sc) = scenario {
            if let Some(Err(e)) = workspace.try_update(|w| sc.load(w, scenario_seed)) {
                message.set(Some(format!("Scenario {}: {e}", sc.number())));
            }
            reveal.set(sc.reveals_truth());
        }
        ready.set(true);
        show_next();
    });

    Effect::new(move |_| {
        workspace.track();
        if !ready.get() {
            return;
        }
        let Some(s) = store.get_value() else {
            return;
        };
        let write = workspace.with_untracked(|w| s.save(w));
        saves_in_flight.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            let result = write.await;
            saves_in_flight.update(|n| *n -= 1);
            match result {
                Ok(true) => channel.with_value(|c| {
                    if let Some(c) = c {
                        let _ = c.post_message(&wasm_bindgen::JsValue::from_str("saved"));
                    }
                }),
                Ok(false) => {}
                Err(e) => {
                    save_failed.set(true);
                    message.set(Some(format!(
                        "Could not save ({e}). Nothing saved before is lost, and your votes are still here in this tab: export them before closing it."
                    )));
                    return;
                }
            }
            save_failed.set(false);
        });
    });
    let model = Memo::new(move |_| workspace.with(|w| w.settings.model));
    // The votes as of the last finished fit: the charts redraw when a fit
    // lands, not while it runs, so their work never delays the re-fit a
    // vote asks for (and they agree with the leaderboard).
    let settled_votes = Memo::new(move |_| {
        fit.track();
        fit_input.get_untracked()
    });
    Effect::new(move |_| {
        let votes = fit_input.get();
        let model = model.get();
        if simulation.is_some() {
            return;
        }
        let rankings = if model.model == ModelKind::PlackettLuce {
            workspace.with_untracked(|w| {
                collect::fit_rankings(w.deck().items.len(), w.deck_ballots(), w.settings.view)
            })
        } else {
            Vec::new()
        };
        // Labels are tracked too: a new deck with no votes yet must
        // still replace the old deck's rows.
        runner.request(FitInput {
            items: labels.get(),
            votes,
            model,
            rankings,
        });
    });

    let act = move |action: Action| {
        if !ready.get_untracked() {
            return;
        }
        let mode = workspace.with_untracked(|w| w.settings.mode);
        match action {
            Action::Skip => {
                if let Some((t, _)) = task.get_untracked() {
                    chooser.update_value(|c| c.skip(&t));
                }
                show_next();
            }
            Action::Undo => {
                let undone = workspace.try_update(Workspace::undo).flatten();
                if let Some(b) = undone {
                    let again = Task::of(&b.observation);
                    if let Task::Several(items) = &again {
                        ranking.set(items.clone());
                        cursor.set(0);
                    }
                    task.set(Some((again, "Undone: shown again.".to_string())));
                }
            }
            action => {
                let Some((t, _)) = task.get_untracked() else {
                    return;
                };
                // A ranking submits the order on screen; other actions
                // must match the mode's task.
                let fits_mode = matches!(
                    (&action, mode),
                    (Action::Pair(_), Mode::Pair)
                        | (Action::Choose(_), Mode::BestOf)
                        | (Action::Rank(_), Mode::Ranking)
                        | (Action::Thumb(_), Mode::Thumb)
                        | (Action::Likert(_), Mode::Likert)
                );
                let Some(observation) = t.observe(&action).filter(|_| fits_mode) else {
                    return;
                };
                workspace.update(|w| {
                    let prompt = Some(w.deck().question.clone()).filter(|q| !q.is_empty());
                    let participant = w.active_participant;
                    let time_ms = crate::browser::epoch_ms();
                    let n = counter.try_update_value(|c| {
                        *c += 1;
                        *c
                    });
                    w.cast(Ballot {
                        id: BallotId::new(
                            time_ms,
                            &BallotId::tab_source(crate::browser::tab_id()),
                            n.unwrap_or(0),
                        ),
                        participant,
                        prompt,
                        time_ms,
                        observation,
                    });
                });
                show_next();
            }
        }
    };
    let on_action = Callback::new(act);
    let on_change = Callback::new(move |()| {
        chooser.update_value(Chooser::forget_skips);
        show_next();
    });
    let on_message = Callback::new(move |m: String| message.set(Some(m)));

    // Presentation mode: large type and high contrast for a projector,
    // from ?present=1 or the P key.
    let present = RwSignal::new(matches!(
        url_parameter("present").as_deref(),
        Some("1" | "true" | "on")
    ));
    Effect::new(move |_| {
        let on = present.get();
        if let Some(body) = document().body() {
            let _ = body.class_list().toggle_with_force("present", on);
        }
    });
    let keys = window_event_listener(ev::keydown, move |e| {
        if e.repeat() || e.alt_key() || typing_in_a_field(&e) {
            return;
        }
        if e.key() == "Escape" && matches!(outputs.state.get_untracked(), FitState::Running { .. })
        {
            e.prevent_default();
            runner.cancel();
            return;
        }
        if matches!(e.key().as_str(), "p" | "P") && !e.ctrl_key() && !e.meta_key() {
            e.prevent_default();
            present.update(|p| *p = !*p);
            return;
        }
        if confirming_reset.get_untracked() {
            if e.key() == "Escape" {
                confirming_reset.set(false);
            }
            return;
        }
        let mode = workspace.with_untracked(|w| w.settings.mode);
        let k = task
            .with_untracked(|t| t.as_ref().map(|(t, _)| t.items().len()))
            .unwrap_or(0);
        let modifiers = Modifiers {
            ctrl_or_meta: e.ctrl_key() || e.meta_key(),
            shift: e.shift_key(),
        };
        let Some(intent) = intent_for_key(mode, k, &e.key(), modifiers) else {
            return;
        };
        e.prevent_default();
        let n = ranking.with_untracked(Vec::len);
        match intent {
            KeyIntent::Act(action) => act(action),
            KeyIntent::Cursor(d) if n > 0 => {
                cursor.update(|c| *c = c.saturating_add_signed(d as isize).min(n - 1));
            }
            KeyIntent::Move(d) if n > 0 => {
                let from = cursor.get_untracked();
                let to = from.saturating_add_signed(d as isize).min(n - 1);
                ranking.update(|o| move_item(o, from, to));
                cursor.set(to);
            }
            KeyIntent::SubmitRanking => act(Action::Rank(ranking.get_untracked())),
            KeyIntent::Cursor(_) | KeyIntent::Move(_) => {}
        }
    });
    on_cleanup(move || keys.remove());

    // While a fit runs, a clock ticking every 200 ms, so a long fit (a
    // large bootstrap, say) shows its elapsed time.
    let clock = RwSignal::new(0.0);
    let ticker = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let running = matches!(outputs.state.get(), FitState::Running { .. });
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        ticker.set_value(None);
        if running {
            clock.set(crate::browser::now_ms());
            let tick = move || clock.set(crate::browser::now_ms());
            ticker.set_value(
                set_interval_with_handle(tick, std::time::Duration::from_millis(200)).ok(),
            );
        }
    });
    let rows = Signal::derive(move || {
        fit.with(|f| f.as_ref().map(|s| s.rows.clone()).unwrap_or_default())
    });
    let fitted_votes = Signal::derive(move || fit.with(|f| f.as_ref().map_or(0, |s| s.n_votes)));
    // (data-state, text) of the save line.
    let save_state = Memo::new(move |_| {
        match (
            ready.get(),
            store.with_value(Option::is_some),
            saves_in_flight.get(),
            save_failed.get(),
        ) {
            (false, _, _, _) => ("loading", "Loading…"),
            (_, false, _, _) => ("off", "Not saved: storage is unavailable."),
            (_, _, n, _) if n > 0 => ("saving", "Saving…"),
            (_, _, _, true) => ("failed", "Not saved: see the message above."),
            _ => ("saved", "All changes saved in this browser."),
        }
    });
    let truth = Signal::derive(move || {
        if !reveal.get() {
            return std::collections::HashMap::new();
        }
        workspace.with(|w| {
            w.truths
                .get(&w.active_deck)
                .map(|t| {
                    w.deck()
                        .labels()
                        .into_iter()
                        .zip(t.iter().copied())
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let tau = move || {
        let t = workspace.with(|w| w.truths.get(&w.active_deck).cloned())?;
        let e = estimates.get()?;
        (reveal.get() && t.len() == e.scores.len())
            .then(|| prefplay_core::inference::evaluation::kendall_tau(&e.scores, &t))
    };
    let n_ballots = Signal::derive(move || workspace.with(|w| w.deck_ballots().len()));
    let progress = move || {
        let top_k = workspace.with(|w| w.settings.top_k);
        let n = fitted_votes.get();
        let more = estimates.with(|e| {
            // A model without standard errors (Elo) cannot say.
            e.as_ref().and_then(|e| {
                let se = e.standard_errors.as_ref()?;
                collect::comparisons_to_separate_top(&e.scores, se, n, top_k)
            })
        });
        match more {
            Some(0) => format!("The top {top_k} stand apart at 95%."),
            Some(m) if m > 100 * n.max(100) as u64 => format!(
                "Places {top_k} and {} are too close to call yet: many more comparisons needed.",
                top_k + 1
            ),
            Some(m) => format!("About {m} more comparisons to pin the top {top_k}."),
            None => String::new(),
        }
    };

    let vote_area = move || {
        let d = deck.get();
        let mode = workspace.with(|w| w.settings.mode);
        if !ready.get() {
            return view! { <p class="empty">"Loading your saved votes…"</p> }.into_any();
        }
        let Some((t, _)) = task.get() else {
            return view! { <p class="empty">"This deck needs at least two items."</p> }.into_any();
        };
        let item = |i: u32| d.items.get(i as usize).cloned().unwrap_or_default();
        match (t, mode) {
            (Task::Pair(l, r), Mode::Pair) => view! {
                <VotePanel left=item(l) right=item(r) kind=d.kind on_action=on_action />
            }
            .into_any(),
            (Task::Several(shown), Mode::BestOf) => view! {
                <BestOfPanel deck=d.clone() shown=shown on_action=on_action />
            }
            .into_any(),
            (Task::Several(_), Mode::Ranking) => view! {
                <RankingPanel deck=d.clone() order=ranking cursor=cursor on_action=on_action />
            }
            .into_any(),
            (Task::One(i), Mode::Thumb | Mode::Likert) => view! {
                <SinglePanel item=item(i) kind=d.kind mode=mode on_action=on_action />
            }
            .into_any(),
            _ => ().into_any(),
        }
    };

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
            <button id="present" class="small" aria-keyshortcuts="P" aria-pressed=move || present.get().to_string()
                on:click=move |_| present.update(|p| *p = !*p)>
                "Presentation mode " <kbd>"P"</kbd>
            </button>
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
        <Show when=move || !lesson.get()>
            <DeckBar workspace=workspace on_change=on_change on_message=on_message />
        </Show>
        <Controls workspace=workspace on_change=on_change on_message=on_message lesson=lesson />
        <Show when=move || !lesson.get()>
            <ClassPanel workspace=workspace reveal=reveal on_change=on_change on_message=on_message />
        </Show>
        {scenario.map(|sc| view! {
            <section id="scenario" class="scenario" data-scenario=sc.name() data-seed=scenario_seed.to_string() aria-label="Scenario">
                <h2>{format!("Scenario {}: {}", sc.number(), sc.title())}</h2>
                <p class="explain">{sc.explain()}</p>
                <p class="hint">
                    {format!("Seed {scenario_seed}: load this address again to replay the same class; change ")}
                    <code>"seed="</code>
                    " for another. Your own decks and votes are not touched."
                </p>
            </section>
        })}
        <main class="layout">
            <div class="left">
                <section class="vote" aria-label="Vote" data-mode=move || workspace.with(|w| w.settings.mode.name())>
                    {move || deck.with(|d| (!d.question.is_empty()).then(|| view! { <p id="prompt" class="prompt">{d.question.clone()}</p> }))}
                    {vote_area}
                    <div class="secondary">
                        <button id="skip" aria-keyshortcuts="Space" disabled=move || task.with(Option::is_none) on:click=move |_| act(Action::Skip)>
                            "Skip " <kbd>"Space"</kbd>
                        </button>
                        <button id="undo" aria-keyshortcuts="Backspace Control+Z"
                            disabled=move || workspace.with(|w| !w.deck_ballots().iter().any(|b| b.participant == w.active_participant))
                            on:click=move |_| act(Action::Undo)>
                            "Undo " <kbd>"⌫"</kbd>
                        </button>
                    </div>
                    <p id="why" class="why">{move || task.with(|t| t.as_ref().map(|(_, why)| format!("Why this: {why}")))}</p>
                </section>
                <p id="vote-count" class="count" data-ballots=move || n_ballots.get().to_string()>
                    {move || match n_ballots.get() {
                        1 => "1 vote".to_string(),
                        n => format!("{n} votes"),
                    }}
                    {move || {
                        let pairs = fit_input.with(Vec::len);
                        (pairs != n_ballots.get()).then(|| format!(" ({pairs} comparisons)"))
                    }}
                </p>
                <p id="progress" class="progress">{progress}</p>
                <p
                    id="save-state"
                    class="save-state"
                    data-state=move || save_state.get().0
                >
                    {move || save_state.get().1}
                </p>
                <Show when=move || !lesson.get()>
                    <TransferBar workspace=workspace on_change=on_change on_message=on_message pending=pending />
                </Show>
                <SharePanel workspace=workspace pending=pending lesson=Signal::from(lesson) />
                {move || lesson.get().then(|| view! {
                    <p class="hint"><a id="exit-lesson" href="#" on:click=move |e| {
                        e.prevent_default();
                        lesson.set(false);
                        fragment::replace("");
                    }>"Show all controls"</a></p>
                })}
                <div class="tools" class:hidden=move || lesson.get()>
                    <button id="reset" class="danger" on:click=move |_| confirming_reset.set(true)>"Reset this deck…"</button>
                </div>
                <Show when=move || confirming_reset.get()>
                    <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
                        <p id="confirm-text">
                            {move || format!("Delete all {} votes on this deck? This cannot be undone; export them first if you want to keep them.", n_ballots.get())}
                        </p>
                        <button id="confirm-reset" class="danger" on:click=move |_| {
                            workspace.update(Workspace::clear_deck_ballots);
                            confirming_reset.set(false);
                            on_change.run(());
                        }>"Delete votes"</button>
                        <button id="cancel-reset" on:click=move |_| confirming_reset.set(false)>"Cancel (Esc)"</button>
                    </div>
                </Show>
            </div>
            <div class="right">
                <ModelControls workspace=workspace />
                <div id="model-notes" class="model-notes" aria-live="polite"
                    data-model=move || fit.with(|f| f.as_ref().map(|s| s.model.clone()).unwrap_or_default())
                    data-order-effect=move || fit.with(|f| f.as_ref().ok().and_then(|s| s.order_effect).map(|(e, _)| e.to_string()))>
                    {move || fit.with(|f| f.as_ref().ok().map(|s| view! {
                        <p class="note model-line">{format!("Model: {}.", s.model)}</p>
                        {s.notes.iter().map(|n| view! { <p class="note">{n.clone()}</p> }).collect_view()}
                    }))}
                </div>
                <Leaderboard rows=rows n_votes=fitted_votes truth=truth
                    model=Signal::derive(move || fit.with(|f| f.as_ref().map(|s| s.model.clone()).unwrap_or_default())) />
                <ForestPlot id="forest" rows=rows n_votes=fitted_votes />
                <ComparisonGraphChart id="comparison-graph" labels=labels votes=settled_votes />
                <WinMatrices rows=rows labels=labels votes=settled_votes />
                <Convergence labels=labels votes=settled_votes model=model />
                <Calibration labels=labels votes=settled_votes model=model />
                <EloVsBt labels=labels votes=settled_votes rows=rows open_at_start=scenario.is_some_and(Scenario::opens_elo) />
                <SimulationCharts rows=rows truth=truth seed=scenario_seed autorun=scenario.is_some_and(Scenario::runs_race) />
                <Glossary />
                {move || tau().map(|t| view! {
                    <p id="truth-tau" class="fit-info" data-tau=t.to_string()>
                        {format!("Kendall τ between the estimate and the truth: {t:.2} (1 = same order).")}
                    </p>
                })}
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
                    data-phase-ms=move || fit.with(|f| f.as_ref().ok().map(|s| {
                        let p = s.phase_ms;
                        format!("{:.1} {:.1} {:.1}", p.aggregate, p.solve, p.intervals)
                    }))
                >
                    {move || match (outputs.state.get(), fit.get()) {
                        (FitState::Running { step, started_ms }, _) if step > 0 => format!(
                            "Fitting… Newton step {step}, {:.1} s (Esc cancels).",
                            (clock.get() - started_ms).max(0.0) / 1e3
                        ),
                        (FitState::Running { started_ms, .. }, _) => format!(
                            "Fitting ({})… {:.1} s (Esc cancels).",
                            model.get().describe(),
                            (clock.get() - started_ms).max(0.0) / 1e3
                        ),
                        (FitState::Cancelled { started_ms, at_ms }, _) => format!(
                            "Fit cancelled after {:.0} ms; the table shows the last finished fit.",
                            at_ms - started_ms
                        ),
                        (FitState::Idle, Ok(s)) => format!(
                            "Fit on {} comparisons: {:.1} ms, {} Newton steps, in the {}.",
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
