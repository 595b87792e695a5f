//! "Simulate a class": settings, start / pause / stop, progress, and the
//! switch that reveals the truth next to the estimate.

use std::time::Duration;

use leptos::prelude::*;

use crate::app::{AppState, Applied, Edit};
use crate::class_sim::{ClassRun, ClassSettings};
use crate::workspace::Workspace;

/// How often simulated votes arrive.
const TICK: Duration = Duration::from_millis(100);

/// A running class: its ballots, its deck, its timer.
struct Running {
    run: ClassRun,
    deck: String,
    timer: Option<IntervalHandle>,
    /// Fractional votes carried to the next tick.
    carry: f64,
}

/// A number input bound to one field of the settings.
#[component]
fn NumberField(
    /// Input id.
    id: &'static str,
    /// Label text.
    label: &'static str,
    /// Step of the input.
    step: &'static str,
    /// Reads the field.
    get: fn(&ClassSettings) -> f64,
    /// Writes the field.
    set: fn(&mut ClassSettings, f64),
    /// The settings.
    settings: RwSignal<ClassSettings>,
) -> impl IntoView {
    view! {
        <label>{label} " "
            <input id=id type="number" step=step prop:value=move || settings.with(|s| get(s).to_string())
                on:change=move |e| {
                    if let Ok(v) = event_target_value(&e).parse::<f64>() {
                        settings.update(|s| set(s, v));
                    }
                } />
        </label>
    }
}

/// A class streaming its ballots into its deck, a tick at a time.
#[derive(Clone, Copy)]
struct Stream {
    running: StoredValue<Option<Running>, LocalStorage>,
    /// (done, total, live) of the class, if one was started.
    progress: RwSignal<Option<(usize, usize, bool)>>,
    settings: RwSignal<ClassSettings>,
    state: AppState,
}

impl Stream {
    fn stop_timer(self) {
        self.running.update_value(|r| {
            if let Some(t) = r.as_mut().and_then(|r| r.timer.take()) {
                t.clear();
            }
        });
    }

    fn start_timer(self) {
        self.stop_timer();
        let handle = set_interval_with_handle(move || self.tick(), TICK).ok();
        self.running.update_value(|r| {
            if let Some(r) = r.as_mut() {
                r.timer = handle;
            }
        });
    }

    /// Pauses a live class, or resumes a paused one that has votes left.
    fn pause_or_resume(self) {
        match self.progress.get_untracked() {
            Some((done, total, true)) => {
                self.stop_timer();
                self.progress.set(Some((done, total, false)));
            }
            Some((done, total, false)) if done < total => {
                self.progress.set(Some((done, total, true)));
                self.start_timer();
            }
            _ => {}
        }
    }

    /// Adds the ballots due since the last tick.
    fn tick(self) {
        let speed = self.settings.with_untracked(|s| s.speed);
        let batch = self.running.try_update_value(|r| {
            let r = r.as_mut()?;
            let due = speed * TICK.as_secs_f64() + r.carry;
            let n = due.floor() as usize;
            r.carry = due - n as f64;
            Some((
                r.deck.clone(),
                r.run.take(n, js_sys::Date::now()),
                r.run.done(),
                r.run.total(),
            ))
        });
        let Some(Some((deck, ballots, done, total))) = batch else {
            return;
        };
        // Adding ballots is never refused.
        let _ = self.state.apply(Edit::AddBallots { deck, ballots });
        self.progress.set(Some((done, total, done < total)));
        if done >= total {
            self.stop_timer();
        }
    }
}

/// The simulated class's settings.
#[component]
fn ClassSettingsFields(settings: RwSignal<ClassSettings>) -> impl IntoView {
    view! {
            <div class="sim-grid">
                <NumberField id="sim-raters" label="Voters" step="1" settings=settings
                    get=|s| s.raters as f64 set=|s, v| s.raters = v.max(0.0) as usize />
                <label>"Taste groups "
                    <select id="sim-groups" prop:value=move || settings.with(|s| s.groups.to_string())
                        on:change=move |e| {
                            if let Ok(g) = event_target_value(&e).parse::<usize>() {
                                settings.update(|s| s.groups = g);
                            }
                        }>
                        <option value="1">"1"</option>
                        <option value="2">"2"</option>
                        <option value="3">"3"</option>
                    </select>
                </label>
                <NumberField id="sim-spread" label="Group disagreement" step="0.1" settings=settings
                    get=|s| s.group_spread set=|s, v| s.group_spread = v />
                <NumberField id="sim-noise" label="Noise" step="0.1" settings=settings
                    get=|s| s.noise set=|s, v| s.noise = v />
                <NumberField id="sim-ties" label="Tie rate" step="0.05" settings=settings
                    get=|s| s.tie_rate set=|s, v| s.tie_rate = v />
                <NumberField id="sim-bias" label="Left-side bias" step="0.1" settings=settings
                    get=|s| s.position_bias set=|s, v| s.position_bias = v />
                <NumberField id="sim-random" label="Random voters (share)" step="0.05" settings=settings
                    get=|s| s.random_share set=|s, v| s.random_share = v />
                <NumberField id="sim-votes" label="Votes" step="1" settings=settings
                    get=|s| s.votes as f64 set=|s, v| s.votes = v.max(0.0) as usize />
                <NumberField id="sim-speed" label="Votes per second" step="1" settings=settings
                    get=|s| s.speed set=|s, v| s.speed = v />
                <NumberField id="sim-seed" label="Seed" step="1" settings=settings
                    get=|s| s.seed as f64 set=|s, v| s.seed = v.max(0.0) as u64 />
            </div>
    }
}

/// The simulate-a-class panel.
#[component]
pub fn ClassPanel(
    /// The page's state.
    workspace: RwSignal<Workspace>,
    /// Whether the truth is shown in the leaderboard.
    reveal: RwSignal<bool>,
    /// Called when the voter list changed.
    on_change: Callback<()>,
    /// Shows a message.
    on_message: Callback<String>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let settings = RwSignal::new(ClassSettings::default());
    let running = StoredValue::new_local(None::<Running>);
    let progress = RwSignal::new(None::<(usize, usize, bool)>);
    let stream = Stream {
        running,
        progress,
        settings,
        state,
    };
    let start = move |_| {
        stream.stop_timer();
        let s = settings.get_untracked();
        match state.apply(Edit::StartClass(s)) {
            Ok(Applied::ClassStarted(run, deck)) => {
                progress.set(Some((0, run.total(), true)));
                running.set_value(Some(Running {
                    run: *run,
                    deck,
                    timer: None,
                    carry: 0.0,
                }));
                on_change.run(());
                stream.start_timer();
            }
            Ok(_) => {}
            Err(e) => on_message.run(e),
        }
    };
    let pause = move |_| stream.pause_or_resume();
    let stop = move |_| {
        stream.stop_timer();
        running.set_value(None);
        progress.set(None);
    };
    on_cleanup(move || stream.stop_timer());
    let has_truth = move || workspace.with(|w| w.truths.contains_key(&w.active_deck));
    view! {
        <details id="simulate" class="panel-details">
            <summary>"Simulate a class"</summary>
            <p class="hint">"Simulated voters with hidden tastes vote on a copy of this deck (\"… — simulated class\"), so they never mix with your own votes; the votes stream in and the leaderboard follows. Reveal the truth to compare."</p>
            <ClassSettingsFields settings />
            <div class="secondary">
                <button id="sim-start" on:click=start>"Start"</button>
                <button id="sim-pause" disabled=move || progress.get().is_none_or(|(done, total, _)| done >= total) on:click=pause>
                    {move || match progress.get() {
                        Some((_, _, false)) => "Resume",
                        _ => "Pause",
                    }}
                </button>
                <button id="sim-stop" disabled=move || progress.get().is_none_or(|(done, total, _)| done >= total) on:click=stop>"Stop"</button>
                <label>
                    <input id="reveal-truth" type="checkbox" disabled=move || !has_truth()
                        prop:checked=move || reveal.get() on:change=move |e| reveal.set(event_target_checked(&e)) />
                    " Reveal the truth"
                </label>
            </div>
            <p id="sim-progress" class="progress" data-done=move || progress.get().map_or(0, |p| p.0).to_string()>
                {move || progress.get().map(|(done, total, live)| format!(
                    "{done} of {total} simulated votes{}",
                    if live { "…" } else if done < total { " (paused)" } else { "." }
                ))}
            </p>
        </details>
    }
}
