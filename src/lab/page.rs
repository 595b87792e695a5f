//! The loss lab page: the explorer, the toy-policy trainer, comparisons
//! (β sweep, DPO vs rDPO under label noise) and scenario (9). Every
//! training run is a job of the lab's worker (`state`); the page draws.

use leptos::prelude::*;
use prefplay_core::labs::toy_policy::{SCENARIO_NINE_STEPS, ToyConfig};

use super::comparison::{ComparisonSection, ScenarioSection};
use super::explorer::Explorer;
use super::runs;
use super::state::{LabState, Votes};
use super::trainer::Trainer;
use crate::browser::url_parameter;

/// The loss lab.
#[component]
pub fn LossLab() -> impl IntoView {
    let scenario = url_parameter("scenario").is_some_and(|s| s == "9");
    let seed = url_parameter("seed")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(ToyConfig::default().seed);
    let lab = LabState::provide(seed);
    leptos::task::spawn_local(async move {
        load_votes(lab).await;
        if scenario {
            lab.start_comparison(
                "Scenario 9: DPO, IPO and online data on few pairs".into(),
                runs::scenario_nine(seed)
                    .into_iter()
                    .map(|(n, c)| (n.to_string(), c))
                    .collect(),
                SCENARIO_NINE_STEPS,
                true,
            );
        }
    });
    view! {
        <header class="top">
            <h1>"prefplay — loss lab"</h1>
            <p class="tagline">"How the DPO family's losses differ, and what they do to a policy."</p>
            <p id="engine" class="engine">{move || lab.engine_label.get()}</p>
            <a id="to-playground" href="./">"← Back to voting"</a>
        </header>
        // Scenario (9)'s point is its comparison: right under its story.
        {scenario.then(|| view! { <ScenarioSection seed /> <ComparisonSection /> })}
        <Explorer scenario />
        <Trainer />
        {(!scenario).then(|| view! { <ComparisonSection /> })}
    }
}

/// Reads the playground's deck for "Train on the playground's votes".
async fn load_votes(lab: LabState) {
    let loaded = crate::storage::load().await;
    let w = loaded.workspace;
    let deck = w.deck();
    let v = Votes {
        deck: deck.name.clone(),
        labels: deck.labels(),
        ballots: w.deck_ballots().to_vec(),
    };
    lab.votes_note.set(format!(
        "The playground's deck \"{}\": {} items, {} ballots.",
        v.deck,
        v.labels.len(),
        v.ballots.len()
    ));
    lab.votes.set_value(v);
}
