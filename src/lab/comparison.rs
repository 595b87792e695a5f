//! The comparison section (runs trained side by side in the worker) and
//! scenario (9)'s section, whose claims read the comparison's last
//! records.

use leptos::prelude::*;
use prefplay_core::labs::toy_policy::ToyMetrics;

use super::state::LabState;
use crate::components::{LineChart, Series};

/// The comparison's charts.
#[component]
pub fn ComparisonSection() -> impl IntoView {
    let c = expect_context::<LabState>().comparison;
    let series = move |metric: fn(&ToyMetrics) -> f64| {
        Signal::derive(move || {
            c.lines.with(|lines| {
                lines
                    .iter()
                    .map(|(name, rec)| Series {
                        name: name.clone(),
                        points: rec.series(metric),
                    })
                    .collect()
            })
        })
    };
    view! {
        <section id="comparison" class="lab-section" aria-label="Comparison"
            class:hidden=move || c.lines.with(Vec::is_empty)>
            <h2>{move || c.title.get()}</h2>
            <p id="compare-status" class="fit-info">{move || c.status.get()}</p>
            <div class="charts">
                <LineChart id="compare-reward" title="True reward" x_label="step" y_label="reward" series=series(|m| m.true_reward) note="The simulated rater's reward of each run's policy; higher is better." />
                <LineChart id="compare-kl" title="KL to the reference" x_label="step" y_label="nats per prompt" series=series(|m| m.kl) note="How far each run's policy has moved from the reference, in nats per prompt." />
                <LineChart id="compare-max" title="Largest probability (1: deterministic)" x_label="step" y_label="probability" series=series(|m| m.max_probability) note="Each policy's largest probability: 1 means it always writes the same response." />
                <LineChart id="compare-chosen" title="log π(chosen)" x_label="step" y_label="nats" series=series(|m| m.chosen_log_prob) note="Mean log-probability of the chosen responses: falling means the data's responses lose probability." />
            </div>
        </section>
    }
}

/// Scenario (9)'s explanation and its measured claims (as data
/// attributes: the end-to-end test reads them).
#[component]
pub fn ScenarioSection(seed: u64) -> impl IntoView {
    let c = expect_context::<LabState>().comparison;
    let value = move |i: usize, f: fn(&ToyMetrics) -> f64| {
        c.lines.with(|lines| {
            lines
                .get(i)
                .and_then(|(_, r)| r.last().map(f))
                .map(|v| v.to_string())
        })
    };
    view! {
        <section id="scenario" class="lab-section" aria-label="Scenario 9">
            <h2>"Scenario 9: few pairs, DPO vs IPO, offline vs online"</h2>
            <p class="explain-text">
                "Four prompts, eight responses each, and only eight preference pairs drawn from the reference policy. "
                "DPO keeps pushing each pair's margin up, so the KL to the reference keeps growing and the policy heads for deterministic choices; "
                "IPO regresses the margin to 1/(2β) and stays near the reference. "
                "Offline pairs never show the responses the reference rarely writes; online pairs, drawn from the policy as it trains and labelled by the same rater, do, and the true reward climbs."
            </p>
            <p id="scenario-status" class="fit-info"
                data-done=move || c.scenario_done.get().to_string()
                data-dpo-kl=move || value(0, |m| m.kl)
                data-ipo-kl=move || value(1, |m| m.kl)
                data-dpo-max-probability=move || value(0, |m| m.max_probability)
                data-ipo-max-probability=move || value(1, |m| m.max_probability)
                data-offline-reward=move || value(0, |m| m.true_reward)
                data-online-reward=move || value(2, |m| m.true_reward)
            >{move || c.status.get()}</p>
            <p class="hint">{format!("Seed {seed}; replay another with ?scenario=9&seed=N.")}</p>
        </section>
    }
}
