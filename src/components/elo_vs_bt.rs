//! Elo beside Bradley–Terry as votes arrive: Elo's ratings after each vote
//! in the order cast and in a shuffled order of the same votes, and BT
//! refitted on growing prefixes. Elo's ending depends on the order; BT's
//! does not. Computed only while the panel is open (it refits BT about 40
//! times).

use leptos::prelude::*;
use prefplay_core::Vote;
use prefplay_core::elo::{EloSettings, elo_trajectory};
use prefplay_core::evaluation::kendall_tau;
use prefplay_core::pairwise::DEFAULT_L2;
use prefplay_core::trajectory::{bt_trajectory, checkpoints};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::{LineChart, Series};
use crate::fit_runner::RowView;

/// Items followed (the leaderboard's top).
const FOLLOWED: usize = 4;
/// Most votes replayed (the first ones).
pub const REPLAY_MAX_VOTES: usize = 5_000;
/// BT refits along the way.
const BT_POINTS: usize = 40;
/// K values offered (rating points per unit surprise).
const K_CHOICES: [f64; 4] = [4.0, 16.0, 32.0, 64.0];

/// What the panel draws.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Replay {
    /// Elo ratings of the followed items, votes as cast.
    pub elo_cast: Vec<Series>,
    /// The same, votes shuffled (seeded).
    pub elo_shuffled: Vec<Series>,
    /// BT scores of the followed items as votes arrive.
    pub bt: Vec<Series>,
    /// Kendall τ between the two final Elo orders (all items).
    pub tau: f64,
    /// The Elo leader as cast and shuffled.
    pub leaders: (String, String),
    /// Votes replayed.
    pub votes: usize,
}

/// The replay of `votes` (the first [`REPLAY_MAX_VOTES`]) with Elo's `k`,
/// following the top [`FOLLOWED`] items of `rows`.
pub fn replay(
    labels: &[String],
    votes: &[Vote],
    rows: &[RowView],
    k: f64,
    seed: u64,
) -> Result<Replay, String> {
    let votes = &votes[..votes.len().min(REPLAY_MAX_VOTES)];
    let n = labels.len();
    let followed: Vec<usize> = rows
        .iter()
        .take(FOLLOWED)
        .filter_map(|r| labels.iter().position(|l| *l == r.label))
        .collect();
    let settings = EloSettings {
        k,
        ..EloSettings::default()
    };
    let mut shuffled = votes.to_vec();
    shuffled.shuffle(&mut rand_pcg::Pcg64Mcg::seed_from_u64(seed));
    let cast = elo_trajectory(n, votes, settings).map_err(|e| e.to_string())?;
    let mixed = elo_trajectory(n, &shuffled, settings).map_err(|e| e.to_string())?;
    let at = checkpoints(votes.len(), BT_POINTS);
    let bt = bt_trajectory(labels, votes, &at, DEFAULT_L2).map_err(|e| e.to_string())?;
    let series = |rows: &[Vec<f64>], x: &dyn Fn(usize) -> f64| -> Vec<Series> {
        followed
            .iter()
            .map(|&i| Series {
                name: labels[i].clone(),
                points: rows.iter().enumerate().map(|(t, r)| (x(t), r[i])).collect(),
            })
            .collect()
    };
    let leader = |r: &[f64]| {
        (0..n)
            .max_by(|&a, &b| r[a].total_cmp(&r[b]))
            .map(|i| labels[i].clone())
            .unwrap_or_default()
    };
    let (last_cast, last_mixed) = (
        cast.last().cloned().unwrap_or_default(),
        mixed.last().cloned().unwrap_or_default(),
    );
    Ok(Replay {
        elo_cast: series(&cast, &|t| t as f64),
        elo_shuffled: series(&mixed, &|t| t as f64),
        bt: series(&bt, &|t| at[t] as f64),
        tau: kendall_tau(&last_cast, &last_mixed),
        leaders: (leader(&last_cast), leader(&last_mixed)),
        votes: votes.len(),
    })
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
    let k = RwSignal::new(16.0);
    let result = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let k = k.get();
        Some(labels.with(|l| votes.with(|v| rows.with(|r| replay(l, v, r, k, 7)))))
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
                <label>"Elo's K "
                    <select id="elo-k" prop:value=move || k.get().to_string() on:change=move |e| {
                        if let Ok(v) = event_target_value(&e).parse::<f64>() {
                            k.set(v);
                        }
                    }>
                        {K_CHOICES.map(|v| view! { <option value=v.to_string()>{v.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                {move || match result.get() {
                    Some(Err(e)) => view! { <p class="message">{e}</p> }.into_any(),
                    _ => ().into_any(),
                }}
                <div class="pair-of-charts">
                    <LineChart id="elo-cast" title="Elo, votes in the order cast" x_label="votes" y_label="Elo rating (points)" series=cast />
                    <LineChart id="elo-shuffled" title="Elo, the same votes shuffled" x_label="votes" y_label="Elo rating (points)" series=shuffled />
                </div>
                <LineChart id="bt-growing" title="Bradley–Terry refitted as votes arrive" x_label="votes" y_label="BT score (log-strength)" series=bt />
                <p id="elo-note" class="explain">
                    {move || {
                        let d = data();
                        format!(
                            "The top {} items of the leaderboard, followed through {} votes. Elo moves each rating a little after every vote, so the order matters: it ends with {} on top as cast and {} on top shuffled, and the two final orders agree with Kendall τ = {:.2} (1 = the same order). Bradley–Terry fits all the votes at once, so any order of the same votes gives the same scores; its lines settle as votes arrive.",
                            FOLLOWED.min(d.elo_cast.len()), d.votes, d.leaders.0, d.leaders.1, d.tau
                        )
                    }}
                </p>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::Winner;

    #[test]
    fn the_replay_follows_the_top_items_and_measures_order_dependence() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let votes: Vec<Vote> = (0..60)
            .map(|t| match t % 3 {
                0 => Vote::new(0, 1, Winner::A),
                1 => Vote::new(1, 2, Winner::A),
                _ => Vote::new(2, 0, if t % 2 == 0 { Winner::A } else { Winner::B }),
            })
            .collect();
        let rows = [
            RowView::example("a", 0.0, 1.0),
            RowView::example("b", 0.0, 1.0),
            RowView::example("c", 0.0, 1.0),
        ];
        let r = replay(&labels, &votes, &rows, 32.0, 7).unwrap();
        assert_eq!(r.elo_cast.len(), 3);
        assert_eq!(r.elo_cast[0].points.len(), 61);
        assert_eq!(r.bt[0].points.last().map(|p| p.0), Some(60.0));
        assert!((-1.0..=1.0).contains(&r.tau));
        assert_eq!(r.votes, 60);
    }
}
