//! Elo beside Bradley–Terry as votes arrive: Elo's ratings after each vote
//! in the order cast and in a shuffled order of the same votes, and BT
//! refitted on growing prefixes. Elo's ending depends on the order; BT's
//! does not. Computed in the worker ([`Job::EloReplay`]) only while the
//! panel is open (it refits BT about 40 times).

use leptos::prelude::*;
use prefplay_core::Vote;

use super::LineChart;
use crate::analyses::{FOLLOWED, Replay};
use crate::job_runner::{RowView, use_analysis};
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

/// K values offered (rating points per unit surprise).
pub const K_CHOICES: [f64; 4] = [4.0, 16.0, 32.0, 64.0];
/// The K the panel opens with.
pub const DEFAULT_K: f64 = 16.0;
/// The shuffle's seed.
const SHUFFLE_SEED: u64 = 7;

/// What the replay shows, in words.
fn elo_note(d: &Replay) -> String {
    format!(
        "The top {} items of the leaderboard, followed through {} votes. Elo moves each rating a little after every vote, so the order matters: it ends with {} on top as cast and {} on top shuffled, and the two final orders agree with Kendall τ = {:.2} (1 = the same order). Bradley–Terry fits all the votes at once, so any order of the same votes gives the same scores; its lines settle as votes arrive.",
        FOLLOWED.min(d.elo_cast.len()),
        d.votes,
        d.leaders.0,
        d.leaders.1,
        d.tau
    )
}

/// Elo's K.
#[component]
fn EloK(k: RwSignal<f64>) -> impl IntoView {
    view! {
        <label>"Elo's K "
            <select id="elo-k" prop:value=move || k.get().to_string() on:change=move |e| {
                if let Ok(v) = event_target_value(&e).parse::<f64>() {
                    k.set(v);
                }
            }>
                {K_CHOICES.map(|v| view! { <option value=v.to_string()>{v.to_string()}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// The panel (`#elo-vs-bt`), closed until asked for.
#[component]
pub fn EloVsBt(
    /// Item labels in deck order.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The votes the fit uses, in the order cast.
    #[prop(into)]
    votes: Signal<Vec<Vote>>,
    /// Leaderboard rows, ranked.
    #[prop(into)]
    rows: Signal<Vec<RowView>>,
    /// Open at once (a scenario asks for it).
    #[prop(optional)]
    open_at_start: bool,
) -> impl IntoView {
    let open = RwSignal::new(open_at_start);
    let k = RwSignal::new(DEFAULT_K);
    // Asked again whenever the votes, the followed items or K change
    // while the panel is open.
    let answer = use_analysis(AnalysisKind::EloReplay, move || {
        if !open.get() {
            return None;
        }
        let items = labels.get();
        let followed: Vec<usize> = rows.with(|r| {
            r.iter()
                .take(FOLLOWED)
                .filter_map(|row| items.iter().position(|l| *l == row.label))
                .collect()
        });
        let job = Job::EloReplay {
            items,
            followed,
            k: k.get(),
            seed: SHUFFLE_SEED,
        };
        Some((job, votes.get()))
    });
    let result = Signal::derive(move || {
        answer.get().map(|r| match r {
            Ok(JobResult::EloReplay(replay)) => Ok(replay),
            Ok(_) => Err("an unexpected reply".to_string()),
            Err(e) => Err(e),
        })
    });
    let data = move || result.get().and_then(Result::ok).unwrap_or_default();
    let cast = Signal::derive(move || data().elo_cast);
    let shuffled = Signal::derive(move || data().elo_shuffled);
    let bt = Signal::derive(move || data().bt);
    view! {
        <section id="elo-vs-bt" class="elo-vs-bt" aria-label="Elo and Bradley–Terry as votes arrive"
            data-tau=move || data().tau.to_string() data-votes=move || data().votes.to_string()>
            <button id="elo-vs-bt-toggle" class="small" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Hide Elo vs Bradley–Terry" } else { "Elo vs Bradley–Terry: does the order of votes matter?" }}
            </button>
            <Show when=move || open.get()>
                <EloK k />
                {move || match result.get() {
                    Some(Err(e)) => view! { <p class="message">{e}</p> }.into_any(),
                    _ => ().into_any(),
                }}
                <div class="pair-of-charts">
                    <LineChart id="elo-cast" title="Elo, votes in the order cast" x_label="votes" y_label="Elo rating (points)" series=cast note="The followed items' Elo ratings after each vote, replayed in the order the votes were cast." />
                    <LineChart id="elo-shuffled" title="Elo, the same votes shuffled" x_label="votes" y_label="Elo rating (points)" series=shuffled note="The same votes in another order: Elo ends somewhere else, because it weighs recent votes more." />
                </div>
                <LineChart id="bt-growing" title="Bradley–Terry refitted as votes arrive" x_label="votes" y_label="BT score (log-strength)" series=bt note="Bradley–Terry fitted to the first n votes: its end point does not depend on their order." />
                <p id="elo-note" class="explain">
                    {move || elo_note(&data())}
                </p>
            </Show>
        </section>
    }
}
