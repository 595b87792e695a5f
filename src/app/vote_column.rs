//! The left column: what to vote on, skip and undo, the counts, the save
//! line, files, links and the reset dialog.

use leptos::prelude::*;

use super::edit::Edit;
use super::persistence::save_state;
use super::state::AppState;
use crate::components::{
    BestOfPanel, RankingPanel, SharePanel, SinglePanel, TransferBar, VotePanel,
};
use crate::fragment;
use crate::session::{Action, Task};
use crate::workspace::Mode;

/// See the module docs.
#[component]
pub fn VoteColumn(
    /// After a change of deck, mode, strategy or voter.
    on_change: Callback<()>,
    /// Shows a message.
    on_message: Callback<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let AppState {
        workspace,
        lesson,
        task,
        confirming_reset,
        ..
    } = state;
    let n_ballots = Signal::derive(move || workspace.with(|w| w.deck_ballots().len()));
    view! {
        <div class="left">
            <section id="vote-area" class="vote" tabindex="-1" aria-label="Vote" data-mode=move || workspace.with(|w| w.settings.mode.name())>
                {move || prompt_text(state).map(|q| view! { <p id="prompt" class="prompt">{q}</p> })}
                {move || vote_area(state)}
                <div class="secondary">
                    <button id="skip" aria-keyshortcuts="Space" disabled=move || task.with(Option::is_none) on:click=move |_| state.act(Action::Skip)>
                        "Skip " <kbd>"Space"</kbd>
                    </button>
                    <button id="undo" aria-keyshortcuts="Backspace Control+Z"
                        disabled=move || workspace.with(|w| !w.deck_ballots().iter().any(|b| b.participant == w.active_participant))
                        on:click=move |_| state.act(Action::Undo)>
                        "Undo " <kbd>"⌫"</kbd>
                    </button>
                </div>
                <p id="why" class="why">{move || super::fit::why_line(state)}</p>
            </section>
            <p id="vote-count" class="count" data-ballots=move || n_ballots.get().to_string()>
                {move || crate::words::count(n_ballots.get(), "vote", "votes")}
                {move || {
                    let pairs = state.fit_input.with(Vec::len);
                    (pairs != n_ballots.get()).then(|| format!(" ({pairs} comparisons)"))
                }}
            </p>
            <p id="progress" class="progress">{move || super::fit::progress_line(state)}</p>
            <p id="save-state" class="save-state" data-state=move || save_state(state).0>
                {move || save_state(state).1}
            </p>
            <Show when=move || !lesson.get()>
                <TransferBar workspace=workspace on_change=on_change on_message=on_message pending=state.pending />
            </Show>
            <SharePanel workspace=workspace pending=state.pending lesson=Signal::from(lesson) />
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
                        if let Err(e) = state.apply(Edit::ClearDeck) {
                            state.message.set(Some(e));
                        }
                        confirming_reset.set(false);
                        on_change.run(());
                    }>"Delete votes"</button>
                    <button id="cancel-reset" on:click=move |_| confirming_reset.set(false)>"Cancel (Esc)"</button>
                </div>
            </Show>
        </div>
    }
}

/// The panel of the mode on screen for the task shown.
fn vote_area(state: AppState) -> AnyView {
    let d = state.deck.get();
    let mode = state.workspace.with(|w| w.settings.mode);
    if !state.ready.get() {
        return view! { <p class="empty">"Loading your saved votes…"</p> }.into_any();
    }
    let Some((t, _)) = state.task.get() else {
        return view! { <p class="empty">"This deck needs at least two items."</p> }.into_any();
    };
    let on_action = Callback::new(move |a: Action| state.act(a));
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
            <RankingPanel deck=d.clone() order=state.ranking cursor=state.cursor on_action=on_action />
        }
        .into_any(),
        (Task::One(i), Mode::Thumb | Mode::Likert) => view! {
            <SinglePanel item=item(i) kind=d.kind mode=mode on_action=on_action />
        }
        .into_any(),
        _ => ().into_any(),
    }
}

/// The question above the items: the deck's for modes that compare
/// several, one that fits a single item for thumbs and ratings.
fn prompt_text(state: AppState) -> Option<String> {
    match state.workspace.with(|w| w.settings.mode) {
        Mode::Thumb => Some("Do you like this one? Thumbs up or down.".into()),
        Mode::Likert => Some("How good is this one, from 1 (worst) to 5 (best)?".into()),
        _ => state
            .deck
            .with(|d| (!d.question.is_empty()).then(|| d.question.clone())),
    }
}
