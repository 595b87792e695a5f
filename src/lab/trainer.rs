//! The toy-policy trainer: its settings, Train / Pause / Reset, the two
//! comparisons it starts (β sweep, label noise), its charts, and the
//! trained policy over the deck's items. Training runs in the worker
//! (`Job::Policy`); a pause keeps the run as it stood, and Train resumes
//! it.

use leptos::prelude::*;
use prefplay_core::labs::loss::{LossKind, LossParams};
use prefplay_core::labs::toy_policy::{Rater, ToyConfig, ToyMetrics};

use super::catalogue::explain;
use super::fields::NumberField;
use super::runs::{self, PolicyStart, PolicyTrack};
use super::state::{LabState, Settings};
use crate::components::{LineChart, Series};
use crate::worker_protocol::{AnalysisKind, JobResult, PolicyPurpose};

/// A chart line's name and the metric it plots.
type Metric = (&'static str, fn(&ToyMetrics) -> f64);

const TRAINING: PolicyPurpose = PolicyPurpose::Training;

/// The trainer section.
#[component]
pub fn Trainer() -> impl IntoView {
    let lab = expect_context::<LabState>();
    let track = RwSignal::new(None::<PolicyTrack>);
    let status = RwSignal::new(String::from("Not started."));
    watch_training(lab, track, status);
    let running = move || lab.busy(TRAINING);
    let start = move || {
        if lab.busy(TRAINING) {
            return;
        }
        let start = match track.get_untracked() {
            Some(t) => PolicyStart::Resume(Box::new(t)),
            None => match lab.fresh_start("training") {
                Ok(start) => start,
                Err(e) => {
                    status.set(e);
                    return;
                }
            },
        };
        status.set(format!("Training to step {}…", lab.settings.target_steps()));
        lab.train(TRAINING, vec![start], lab.settings.target_steps());
    };
    let reset = move || {
        let kind = AnalysisKind::Policy(TRAINING);
        lab.runner.cancel_kind(kind);
        lab.runner.forget(kind);
        track.set(None);
        status.set("Not started.".into());
    };
    let step = move || track.with(|t| t.as_ref().map_or(0, |t| t.run.steps));
    view! {
        <section id="training" class="lab-section" aria-label="Train a toy policy">
            <h2>"Train a toy policy"</h2>
            <p class="explain-text">
                "A softmax policy over K responses for each of P prompts, started at a reference policy, trained by gradient descent on preference pairs. "
                "The pairs come from a simulated rater with a hidden reward (offline: drawn from the reference; online: drawn from the policy as it trains) or from the playground's votes."
            </p>
            <TrainerControls settings=lab.settings />
            <p class="hint">{move || lab.votes_note.get()}</p>
            <div class="secondary">
                <button id="train-start" disabled=running on:click=move |_| start()>"Train"</button>
                <button id="train-pause" disabled=move || !running()
                    on:click=move |_| lab.runner.cancel_kind(AnalysisKind::Policy(TRAINING))>"Pause"</button>
                <button id="train-reset" on:click=move |_| reset()>"Reset"</button>
                <button id="train-beta-sweep" on:click=move |_| beta_sweep(lab)>"β sweep"</button>
                <button id="train-noise-compare" on:click=move |_| noise_compare(lab)>"Label noise: DPO vs rDPO"</button>
            </div>
            <p id="train-status" class="fit-info" aria-live="polite"
                data-step=move || step().to_string()
                data-running=move || running().to_string()
            >{move || status.get()}</p>
            <TrainingCharts track />
            <PolicyTable track />
        </section>
    }
}

/// Follows the training job: the run as it stands, the engine, the status.
fn watch_training(lab: LabState, track: RwSignal<Option<PolicyTrack>>, status: RwSignal<String>) {
    let result = lab.result(TRAINING);
    Effect::new(move |_| {
        let busy = lab.busy(TRAINING);
        let steps = || track.with_untracked(|t| t.as_ref().map_or(0, |t| t.run.steps));
        match result.get() {
            Some(Ok(JobResult::Policy(mut tracks))) if !tracks.is_empty() => {
                let t = tracks.swap_remove(0);
                if !t.engine.is_empty() {
                    lab.engine_label.set(t.engine.clone());
                }
                status.set(if busy {
                    format!("Step {} of {}.", t.run.steps, lab.settings.target_steps())
                } else {
                    format!("Done: {} steps.", t.run.steps)
                });
                track.set(Some(t));
            }
            Some(Err(e)) if e == "Cancelled." && track.with_untracked(Option::is_some) => {
                status.set(format!("Paused at step {}.", steps()));
            }
            // Cancelled by a reset, or before the first steps came back.
            Some(Err(e)) if e == "Cancelled." => status.set("Not started.".into()),
            Some(Err(e)) => status.set(format!("Training stopped: {e}")),
            Some(Ok(_)) => status.set("Training stopped: an unexpected reply".into()),
            None => {}
        }
    });
}

/// The trainer's settings.
#[component]
fn TrainerControls(settings: Settings) -> impl IntoView {
    let s = settings;
    view! {
        <div class="controls">
            <label class="field">"Loss "
                <select id="train-loss" prop:value=move || s.kind.get().name().to_string()
                    on:change=move |e| {
                        if let Ok(k) = LossKind::parse(&event_target_value(&e)) {
                            s.kind.set(k);
                        }
                    }>
                    {LossKind::ALL.map(|k| view! { <option value=k.name()>{explain(k).title}</option> }).collect_view()}
                </select>
            </label>
            <NumberField id="train-beta" label="β" value=s.beta min=0.01 max=10.0 step=0.01 />
            <NumberField id="train-lr" label="Step size" value=s.learning_rate min=0.001 max=10.0 step=0.01 />
            <NumberField id="train-steps" label="Steps" value=s.steps min=10.0 max=20000.0 step=10.0 />
            <NumberField id="train-prompts" label="Prompts" value=s.prompts min=1.0 max=64.0 step=1.0 />
            <NumberField id="train-responses" label="Responses" value=s.responses min=2.0 max=64.0 step=1.0 />
            <NumberField id="train-pairs" label="Pairs" value=s.pairs min=1.0 max=4096.0 step=1.0 />
            <NumberField id="train-noise" label="Label noise" value=s.noise min=0.0 max=MAX_NOISE step=0.01 />
            <NumberField id="train-seed" label="Seed" value=s.seed min=0.0 max=1e9 step=1.0 />
            <label class="check"><input type="checkbox" id="train-online" prop:checked=move || s.online.get()
                on:change=move |_| s.online.update(|o| *o = !*o) />"Online data"</label>
            <label class="check"><input type="checkbox" id="train-votes" prop:checked=move || s.from_votes.get()
                on:change=move |_| s.from_votes.update(|o| *o = !*o) />"Train on the playground's votes"</label>
        </div>
    }
}

/// The training run's charts.
#[component]
fn TrainingCharts(track: RwSignal<Option<PolicyTrack>>) -> impl IntoView {
    let series = move |metrics: &'static [Metric]| {
        Signal::derive(move || {
            track.with(|t| {
                let Some(t) = t else { return Vec::new() };
                metrics
                    .iter()
                    .map(|(name, f)| Series {
                        name: (*name).to_string(),
                        points: t.recorded.series(*f),
                    })
                    .collect()
            })
        })
    };
    let logps = series(&[
        ("log π(chosen)", |m| m.chosen_log_prob),
        ("log π(rejected)", |m| m.rejected_log_prob),
    ]);
    let margin = series(&[("β · margin", |m| m.reward_margin)]);
    let accuracy = series(&[
        ("preference accuracy", |m| m.preference_accuracy),
        ("ranking accuracy", |m| m.ranking_accuracy),
    ]);
    let kl = series(&[("KL(π ‖ π_ref)", |m| m.kl)]);
    let reward = series(&[
        ("true reward", |m| m.true_reward),
        ("largest probability", |m| m.max_probability),
    ]);
    view! {
        <div class="charts">
            <LineChart id="chart-logps" title="Log-probabilities of the data's responses (likelihood displacement when both fall)" x_label="step" y_label="mean log π (nats)" series=logps note="Mean log-probability of the chosen and the rejected responses under the policy; when both fall, the policy moves probability to responses outside the data." />
            <LineChart id="chart-margin" title="Implicit reward margin" x_label="step" y_label="mean β·h" series=margin note="β times how much more the policy prefers chosen over rejected than the reference does." />
            <LineChart id="chart-accuracy" title="Preference and ranking accuracy on the data" x_label="step" y_label="share of pairs" series=accuracy note="Share of the data's pairs the policy orders right (preference), and share where the chosen response is also the more likely one (ranking)." />
            <LineChart id="chart-kl" title="KL to the reference" x_label="step" y_label="nats per prompt" series=kl note="How far the policy has moved from the reference policy, in nats per prompt." />
            <LineChart id="chart-reward" title="True reward of the policy (simulated rater) and its largest probability" x_label="step" y_label="reward / probability" series=reward note="The simulated rater's reward of what the policy would write, and its largest probability (1: it always writes the same response)." />
        </div>
    }
}

/// The trained policy over the deck's items, when it trains on the votes.
#[component]
fn PolicyTable(track: RwSignal<Option<PolicyTrack>>) -> impl IntoView {
    let lab = expect_context::<LabState>();
    let rows = Memo::new(move |_| {
        if !lab.settings.from_votes.get() {
            return Vec::new();
        }
        let labels = lab.votes.with_value(|v| v.labels.clone());
        track.with(|t| {
            let Some(t) = t
                .as_ref()
                .filter(|t| t.run.problem.responses == labels.len())
            else {
                return Vec::new();
            };
            let probs = t.run.problem.log_probs(&t.run.logits);
            let mut rows: Vec<(String, f64)> = labels
                .into_iter()
                .zip(probs.iter().map(|l| l.exp()))
                .collect();
            rows.sort_by(|a, b| b.1.total_cmp(&a.1));
            rows
        })
    });
    move || {
        (!rows.with(Vec::is_empty)).then(|| view! {
        <table id="policy-table" class="leaderboard">
            <caption>"The trained policy over the deck's items"</caption>
            <thead><tr><th scope="col">"Item"</th><th scope="col" class="num">"π"</th></tr></thead>
            <tbody>
                {rows.get().into_iter().map(|(label, p)| view! {
                    <tr data-item=label.clone() data-probability=p.to_string()><td>{label.clone()}</td><td class="num">{format!("{p:.3}")}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    })
    }
}

/// The β sweep: the same data and loss at six values of β.
fn beta_sweep(lab: LabState) {
    let configs = runs::beta_sweep(lab.settings.config())
        .into_iter()
        .map(|c| (format!("β = {}", c.params.beta), c))
        .collect();
    lab.start_comparison(
        "β sweep: the same data and loss at six values of β".into(),
        configs,
        lab.settings.target_steps(),
        false,
    );
}

/// The label noise the setting allows (its maximum), and the least the
/// DPO-against-rDPO comparison runs at.
pub const MAX_NOISE: f64 = 0.45;
pub const COMPARISON_MIN_NOISE: f64 = 0.2;

/// DPO against robust DPO told the noise rate, with 20–45% of labels
/// flipped (the noise setting, raised to 20% if below).
fn noise_compare(lab: LabState) {
    let rate = lab
        .settings
        .noise
        .get_untracked()
        .clamp(COMPARISON_MIN_NOISE, MAX_NOISE);
    let base = ToyConfig {
        rater: Rater {
            noise: rate,
            ..Rater::default()
        },
        pairs: 64,
        ..lab.settings.config()
    };
    let with = |kind, label_smoothing| ToyConfig {
        kind,
        params: LossParams {
            label_smoothing,
            ..base.params
        },
        ..base
    };
    lab.start_comparison(
        format!(
            "Label noise: {:.0}% of labels flipped; DPO vs robust DPO told ε = {rate}",
            rate * 100.0
        ),
        vec![
            ("DPO".into(), with(LossKind::Sigmoid, 0.0)),
            ("rDPO".into(), with(LossKind::Robust, rate)),
        ],
        lab.settings.target_steps(),
        false,
    );
}
