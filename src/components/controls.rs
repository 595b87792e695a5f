//! The settings row: voting mode, k, selection strategy, who is voting and
//! whose votes the leaderboard shows.

use leptos::prelude::*;
use prefplay_core::playground::collect::View;

use crate::app::{AppState, Edit};
use crate::workspace::{Mode, Settings, StrategyChoice, Workspace};

/// Mode, k, strategy, participant and view pickers. Every change goes
/// through the state's one entry (`AppState::apply`) and then
/// `on_change` (which picks the next task).
#[component]
pub fn Controls(
    /// The page's state.
    workspace: RwSignal<Workspace>,
    /// Called after a change that alters what should be on screen.
    on_change: Callback<()>,
    /// Shows a message (e.g. an empty participant name).
    on_message: Callback<String>,
    /// A lesson page shows only the voter.
    lesson: RwSignal<bool>,
) -> impl IntoView {
    let full = move || !lesson.get();
    let state = expect_context::<AppState>();
    let apply = Callback::new(move |edit: Edit| match state.apply(edit) {
        Ok(_) => on_change.run(()),
        Err(e) => on_message.run(e),
    });
    view! {
        <div class="controls">
            <Show when=full>
                <VotingSettings workspace apply />
            </Show>
            <VoterPicker workspace apply on_change on_message />
            <Show when=full>
                <ViewPicker workspace apply />
            </Show>
        </div>
    }
}

/// Applies `f` to a copy of the settings and saves it.
fn set_settings(workspace: RwSignal<Workspace>, apply: Callback<Edit>, f: &dyn Fn(&mut Settings)) {
    let mut s = workspace.with_untracked(|w| w.settings);
    f(&mut s);
    apply.run(Edit::Settings(s));
}

/// The mode, k (best of k and rank) and the next-pair strategy.
#[component]
fn VotingSettings(workspace: RwSignal<Workspace>, apply: Callback<Edit>) -> impl IntoView {
    let settings = move || workspace.with(|w| w.settings);
    let set = move |f: &dyn Fn(&mut Settings)| set_settings(workspace, apply, f);
    view! {
        <label>"Mode "
            <select id="mode" prop:value=move || settings().mode.name() on:change=move |e| {
                if let Some(m) = Mode::from_name(&event_target_value(&e)) {
                    set(&|s| s.mode = m);
                }
            }>
                {Mode::ALL.map(|m| view! { <option value=m.name()>{m.title()}</option> }).collect_view()}
            </select>
        </label>
        <Show when=move || matches!(settings().mode, Mode::BestOf | Mode::Ranking)>
            <label>"k "
                <select id="k" prop:value=move || settings().k.to_string() on:change=move |e| {
                    if let Ok(k) = event_target_value(&e).parse::<usize>() {
                        set(&|s| s.k = k.clamp(3, 6));
                    }
                }>
                    {(3..=6).map(|k| view! { <option value=k.to_string()>{k.to_string()}</option> }).collect_view()}
                </select>
            </label>
        </Show>
        <label>"Next pair by "
            <select id="strategy" prop:value=move || settings().strategy.name() on:change=move |e| {
                if let Some(s) = StrategyChoice::from_name(&event_target_value(&e)) {
                    set(&|settings| settings.strategy = s);
                }
            }>
                {StrategyChoice::ALL.map(|s| view! { <option value=s.name()>{s.title()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// Who is voting, and a new voter.
#[component]
fn VoterPicker(
    workspace: RwSignal<Workspace>,
    apply: Callback<Edit>,
    on_change: Callback<()>,
    on_message: Callback<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let new_name = RwSignal::new(String::new());
    view! {
        <label>"Voter "
            <select id="participant" prop:value=move || workspace.with(|w| w.active_participant.to_string()) on:change=move |e| {
                if let Ok(p) = event_target_value(&e).parse::<u32>() {
                    apply.run(Edit::SelectVoter(p));
                }
            }>
                {move || workspace.with(Workspace::voters_here).into_iter().map(|(i, name)| {
                    view! { <option value=i.to_string()>{name}</option> }
                }).collect_view()}
            </select>
        </label>
        <form class="inline" on:submit=move |e| {
            e.prevent_default();
            match state.apply(Edit::AddVoter(new_name.get_untracked())) {
                Ok(_) => {
                    new_name.set(String::new());
                    on_change.run(());
                }
                Err(e) => on_message.run(e),
            }
        }>
            <input id="new-participant" placeholder="New voter" aria-label="New voter's name"
                prop:value=move || new_name.get() on:input=move |e| new_name.set(event_target_value(&e)) />
            <button id="add-participant" type="submit">"Add"</button>
        </form>
    }
}

/// Whose votes the leaderboard shows.
#[component]
fn ViewPicker(workspace: RwSignal<Workspace>, apply: Callback<Edit>) -> impl IntoView {
    let settings = move || workspace.with(|w| w.settings);
    view! {
        <label>"Leaderboard of "
            <select id="view" prop:value=move || view_value(settings().view) on:change=move |e| {
                let v = event_target_value(&e);
                let view = v.parse::<u32>().map_or(View::Pooled, View::Participant);
                set_settings(workspace, apply, &|s| s.view = view);
            }>
                <option value="pooled">"everyone (pooled)"</option>
                {move || workspace.with(Workspace::voters_here).into_iter().map(|(i, name)| {
                    view! { <option value=i.to_string()>{name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The view menu's value: `pooled` or the participant's index.
fn view_value(view: View) -> String {
    match view {
        View::Pooled => "pooled".into(),
        View::Participant(p) => p.to_string(),
    }
}
