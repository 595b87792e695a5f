//! The loss lab page: the explorer, the toy-policy trainer, comparisons
//! (β sweep, DPO vs rDPO under label noise) and scenario (9).

use std::rc::Rc;

use leptos::prelude::*;
use prefplay_core::labs::loss::{LossKind, LossParams};
use prefplay_core::labs::toy_policy::{Rater, SCENARIO_NINE_STEPS, ToyConfig, ToyMetrics, ToyRun};
use prefplay_core::playground::collect::Ballot;
use prefplay_gpu::Engine;

use super::catalogue::explain;
use super::curves::{CurvePoint, curve};
use super::runs::{self, RECORD_EVERY, Recorded};
use crate::browser::{url_parameter, yield_to_browser};
use crate::components::{LineChart, Series};
use crate::fit_job::EngineRequest;

/// A chart line's name and the metric it plots.
type Metric = (&'static str, fn(&ToyMetrics) -> f64);

/// The deck's votes, read from the playground's storage.
#[derive(Debug, Clone, Default)]
struct Votes {
    deck: String,
    labels: Vec<String>,
    ballots: Vec<Ballot>,
}

/// A numeric input bound to a signal (ignores what does not parse).
#[component]
fn NumberField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<f64>,
    min: f64,
    max: f64,
    step: f64,
    #[prop(optional)] range: bool,
) -> impl IntoView {
    let kind = if range { "range" } else { "number" };
    view! {
        <label class="field">{label} " "
            <input id=id type=kind min=min max=max step=step
                prop:value=move || value.get().to_string()
                on:input=move |e| {
                    if let Ok(v) = event_target_value(&e).parse::<f64>()
                        && v.is_finite()
                    {
                        value.set(v.clamp(min, max));
                    }
                } />
            {range.then(|| view! { <output>{move || format!("{:.2}", value.get())}</output> })}
        </label>
    }
}

/// Trains `configs` side by side for `steps` steps, recording every
/// [`RECORD_EVERY`]; stops when `generation` moves on.
async fn compare(
    engine: Rc<Engine>,
    configs: Vec<(String, ToyConfig)>,
    steps: usize,
    out: RwSignal<Vec<(String, Recorded)>>,
    generation: RwSignal<u32>,
    status: RwSignal<String>,
) -> bool {
    let mine = generation.get_untracked();
    let mut live = Vec::new();
    for (name, config) in configs {
        match ToyRun::new(config) {
            Ok(run) => {
                let mut rec = Recorded::default();
                let _ = rec.record(&run);
                live.push((name, run, rec));
            }
            Err(e) => {
                status.set(format!("Could not start {name}: {e}"));
                return false;
            }
        }
    }
    while live.iter().any(|(_, r, _)| r.steps < steps) {
        for (name, run, rec) in &mut live {
            if run.steps >= steps {
                continue;
            }
            match runs::advance(run, &engine, RECORD_EVERY).await {
                Ok(label) => status.set(format!("Step {} of {steps} on {label}.", run.steps)),
                Err(e) => {
                    status.set(format!("{name} stopped: {e}"));
                    return false;
                }
            }
            let _ = rec.record(run);
        }
        if generation.get_untracked() != mine {
            return false;
        }
        out.set(
            live.iter()
                .map(|(n, _, r)| (n.clone(), r.clone()))
                .collect(),
        );
        yield_to_browser().await;
    }
    true
}

fn metric_series(runs: &[(String, Recorded)], metric: fn(&ToyMetrics) -> f64) -> Vec<Series> {
    runs.iter()
        .map(|(name, rec)| Series {
            name: name.clone(),
            points: rec.series(metric),
        })
        .collect()
}

/// The loss lab.
#[component]
pub fn LossLab() -> impl IntoView {
    let scenario = url_parameter("scenario").is_some_and(|s| s == "9");
    let seed = url_parameter("seed")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(ToyConfig::default().seed);

    // The explorer.
    // β = 1 (not TRL's 0.1) so the curves' shapes show on ±10 nats.
    let beta = RwSignal::new(1.0);
    let epsilon = RwSignal::new(0.0);
    let gamma = RwSignal::new(0.5);
    let tau = RwSignal::new(0.05);
    let default_shown = if scenario {
        vec![LossKind::Sigmoid, LossKind::Ipo]
    } else {
        vec![
            LossKind::Sigmoid,
            LossKind::Ipo,
            LossKind::Hinge,
            LossKind::Kto,
        ]
    };
    let shown = RwSignal::new(default_shown);
    let params = Memo::new(move |_| LossParams {
        beta: beta.get(),
        label_smoothing: epsilon.get(),
        gamma: gamma.get(),
        tau: tau.get(),
        ..LossParams::default()
    });
    let curves = Memo::new(move |_| {
        let p = params.get();
        shown
            .get()
            .into_iter()
            .map(|k| (k, curve(k, &p)))
            .collect::<Vec<_>>()
    });
    let curve_error = move || {
        curves.with(|c| {
            c.iter()
                .find_map(|(_, r)| r.as_ref().err().map(ToString::to_string))
        })
    };
    let curve_series = move |value: fn(&CurvePoint) -> f64| {
        Signal::derive(move || {
            curves.with(|c| {
                c.iter()
                    .filter_map(|(k, r)| {
                        r.as_ref().ok().map(|pts| Series {
                            name: k.name().to_string(),
                            points: pts.iter().map(|p| (p.margin, value(p))).collect(),
                        })
                    })
                    .collect()
            })
        })
    };
    let loss_series = curve_series(|p| p.loss);
    let weight_series = curve_series(|p| p.weight);
    let toggle = move |kind: LossKind| {
        shown.update(|s| {
            if let Some(i) = s.iter().position(|&k| k == kind) {
                s.remove(i);
            } else {
                s.push(kind);
            }
        });
    };

    // The engine, built once.
    let engine = StoredValue::new_local(None::<Rc<Engine>>);
    let engine_name = RwSignal::new(String::from("starting…"));
    let request = EngineRequest::from_param(url_parameter("engine").as_deref());
    // The playground's votes.
    let votes = StoredValue::new_local(Votes::default());
    let votes_note = RwSignal::new(String::new());

    // The trainer.
    let train_kind = RwSignal::new(LossKind::Sigmoid);
    let train_beta = RwSignal::new(0.5);
    let learning_rate = RwSignal::new(1.0);
    let prompts = RwSignal::new(4.0);
    let responses = RwSignal::new(8.0);
    let pairs = RwSignal::new(8.0);
    let noise = RwSignal::new(0.0);
    let online = RwSignal::new(false);
    let from_votes = RwSignal::new(false);
    let train_seed = RwSignal::new(seed as f64);
    let target_steps = RwSignal::new(500.0);
    let run = StoredValue::new_local(None::<ToyRun>);
    let recorded = RwSignal::new(Recorded::default());
    let running = RwSignal::new(false);
    let status = RwSignal::new(String::from("Not started."));
    let policy = RwSignal::new(Vec::<(String, f64)>::new());
    let comparison = RwSignal::new(Vec::<(String, Recorded)>::new());
    let comparison_title = RwSignal::new(String::new());
    let compare_status = RwSignal::new(String::new());
    let generation = RwSignal::new(0u32);
    let scenario_done = RwSignal::new(false);

    let config = move || ToyConfig {
        prompts: prompts.get_untracked() as usize,
        responses: responses.get_untracked() as usize,
        pairs: pairs.get_untracked() as usize,
        online: online.get_untracked(),
        rater: Rater {
            noise: noise.get_untracked(),
            ..Rater::default()
        },
        kind: train_kind.get_untracked(),
        params: LossParams {
            beta: train_beta.get_untracked(),
            label_smoothing: if train_kind.get_untracked() == LossKind::Robust {
                noise.get_untracked().min(0.49)
            } else {
                0.0
            },
            ..LossParams::default()
        },
        learning_rate: learning_rate.get_untracked(),
        seed: train_seed.get_untracked() as u64,
        ..ToyConfig::default()
    };
    let new_run = move || -> Result<ToyRun, String> {
        if from_votes.get_untracked() {
            let v = votes.get_value();
            if v.labels.len() < 2 {
                return Err("The playground's deck has fewer than two items.".into());
            }
            let r = runs::run_on_votes(config(), v.labels.len(), &v.ballots)
                .map_err(|e| e.to_string())?;
            if r.data.is_empty() {
                return Err(format!(
                    "Deck \"{}\" has no decided votes yet: vote in the playground first.",
                    v.deck
                ));
            }
            Ok(r)
        } else {
            ToyRun::new(config()).map_err(|e| e.to_string())
        }
    };
    let show_policy = move |r: &ToyRun| {
        if from_votes.get_untracked() {
            let labels = votes.with_value(|v| v.labels.clone());
            let probs = r.problem.log_probs(&r.logits);
            let mut rows: Vec<(String, f64)> = labels
                .into_iter()
                .zip(probs.iter().map(|l| l.exp()))
                .collect();
            rows.sort_by(|a, b| b.1.total_cmp(&a.1));
            policy.set(rows);
        } else {
            policy.set(Vec::new());
        }
    };
    let reset = move || {
        running.set(false);
        run.set_value(None);
        recorded.set(Recorded::default());
        policy.set(Vec::new());
        status.set("Not started.".into());
    };
    let start = move || {
        if running.get_untracked() {
            return;
        }
        let Some(eng) = engine.get_value() else {
            return;
        };
        let current = run.try_update_value(Option::take).flatten();
        let mut r = match current {
            Some(r) => r,
            None => match new_run() {
                Ok(r) => {
                    let mut rec = Recorded::default();
                    let _ = rec.record(&r);
                    recorded.set(rec);
                    r
                }
                Err(e) => {
                    status.set(e);
                    return;
                }
            },
        };
        running.set(true);
        leptos::task::spawn_local(async move {
            let target = target_steps.get_untracked() as usize;
            while running.get_untracked() && r.steps < target {
                let chunk = RECORD_EVERY.min(target - r.steps);
                match runs::advance(&mut r, &eng, chunk).await {
                    Ok(label) => {
                        engine_name.set(label);
                        status.set(format!("Step {} of {target}.", r.steps));
                    }
                    Err(e) => {
                        status.set(format!("Training stopped: {e}"));
                        break;
                    }
                }
                recorded.update(|rec| {
                    let _ = rec.record(&r);
                });
                show_policy(&r);
                yield_to_browser().await;
            }
            if r.steps >= target {
                status.set(format!("Done: {} steps.", r.steps));
            }
            running.set(false);
            run.set_value(Some(r));
        });
    };
    let start_comparison =
        move |title: String, configs: Vec<(String, ToyConfig)>, steps: usize, is_scenario: bool| {
            let Some(eng) = engine.get_value() else {
                return;
            };
            generation.update(|g| *g += 1);
            comparison_title.set(title);
            comparison.set(Vec::new());
            compare_status.set("Starting…".into());
            leptos::task::spawn_local(async move {
                let finished =
                    compare(eng, configs, steps, comparison, generation, compare_status).await;
                if finished {
                    compare_status.set(format!("Done: {steps} steps each."));
                    if is_scenario {
                        scenario_done.set(true);
                    }
                }
            });
        };
    let beta_sweep = move || {
        let configs = runs::beta_sweep(config())
            .into_iter()
            .map(|c| (format!("β = {}", c.params.beta), c))
            .collect();
        start_comparison(
            "β sweep: the same data and loss at six values of β".into(),
            configs,
            target_steps.get_untracked() as usize,
            false,
        );
    };
    let noise_compare = move || {
        let rate = noise.get_untracked().clamp(0.2, 0.45);
        let base = ToyConfig {
            rater: Rater {
                noise: rate,
                ..Rater::default()
            },
            pairs: 64,
            ..config()
        };
        let dpo = ToyConfig {
            kind: LossKind::Sigmoid,
            params: LossParams {
                label_smoothing: 0.0,
                ..base.params
            },
            ..base
        };
        let rdpo = ToyConfig {
            kind: LossKind::Robust,
            params: LossParams {
                label_smoothing: rate,
                ..base.params
            },
            ..base
        };
        start_comparison(
            format!(
                "Label noise: {:.0}% of labels flipped; DPO vs robust DPO told ε = {rate}",
                rate * 100.0
            ),
            vec![("DPO".into(), dpo), ("rDPO".into(), rdpo)],
            target_steps.get_untracked() as usize,
            false,
        );
    };

    leptos::task::spawn_local(async move {
        let (e, note) = request.create().await;
        engine_name.set(match note {
            Some(why) => format!("{} ({why})", e.label()),
            None => e.label(),
        });
        engine.set_value(Some(Rc::new(e)));
        let loaded = crate::storage::load().await;
        let w = loaded.workspace;
        let deck = w.deck();
        let v = Votes {
            deck: deck.name.clone(),
            labels: deck.labels(),
            ballots: w.deck_ballots().to_vec(),
        };
        votes_note.set(format!(
            "The playground's deck \"{}\": {} items, {} ballots.",
            v.deck,
            v.labels.len(),
            v.ballots.len()
        ));
        votes.set_value(v);
        if scenario {
            start_comparison(
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

    let training_series = move |metrics: &'static [Metric]| {
        Signal::derive(move || {
            recorded.with(|rec| {
                metrics
                    .iter()
                    .map(|(name, f)| Series {
                        name: (*name).to_string(),
                        points: rec.series(*f),
                    })
                    .collect()
            })
        })
    };
    let logps = training_series(&[
        ("log π(chosen)", |m| m.chosen_log_prob),
        ("log π(rejected)", |m| m.rejected_log_prob),
    ]);
    let margin = training_series(&[("β · margin", |m| m.reward_margin)]);
    let accuracy = training_series(&[
        ("preference accuracy", |m| m.preference_accuracy),
        ("ranking accuracy", |m| m.ranking_accuracy),
    ]);
    let kl = training_series(&[("KL(π ‖ π_ref)", |m| m.kl)]);
    let reward = training_series(&[
        ("true reward", |m| m.true_reward),
        ("largest probability", |m| m.max_probability),
    ]);
    let compare_series = move |f: fn(&ToyMetrics) -> f64| {
        Signal::derive(move || comparison.with(|c| metric_series(c, f)))
    };
    let scenario_value = move |i: usize, f: fn(&ToyMetrics) -> f64| {
        comparison.with(|c| {
            c.get(i)
                .and_then(|(_, r)| r.last().map(f))
                .map(|v| v.to_string())
        })
    };

    view! {
        <header class="top">
            <h1>"prefplay — loss lab"</h1>
            <p class="tagline">"How the DPO family's losses differ, and what they do to a policy."</p>
            <p id="engine" class="engine">{move || engine_name.get()}</p>
            <a id="to-playground" href="./">"← Back to voting"</a>
        </header>
        {scenario.then(|| view! {
            <section id="scenario" class="lab-section" aria-label="Scenario 9">
                <h2>"Scenario 9: few pairs, DPO vs IPO, offline vs online"</h2>
                <p class="explain-text">
                    "Four prompts, eight responses each, and only eight preference pairs drawn from the reference policy. "
                    "DPO keeps pushing each pair's margin up, so the KL to the reference keeps growing and the policy heads for deterministic choices; "
                    "IPO regresses the margin to 1/(2β) and stays near the reference. "
                    "Offline pairs never show the responses the reference rarely writes; online pairs, drawn from the policy as it trains and labelled by the same rater, do, and the true reward climbs."
                </p>
                <p id="scenario-status" class="fit-info"
                    data-done=move || scenario_done.get().to_string()
                    data-dpo-kl=move || scenario_value(0, |m| m.kl)
                    data-ipo-kl=move || scenario_value(1, |m| m.kl)
                    data-dpo-max-probability=move || scenario_value(0, |m| m.max_probability)
                    data-ipo-max-probability=move || scenario_value(1, |m| m.max_probability)
                    data-offline-reward=move || scenario_value(0, |m| m.true_reward)
                    data-online-reward=move || scenario_value(2, |m| m.true_reward)
                >{move || compare_status.get()}</p>
                <p class="hint">{format!("Seed {seed}; replay another with ?scenario=9&seed=N.")}</p>
            </section>
        })}
        <section id="explorer" class="lab-section" aria-label="Loss explorer">
            <h2>"Losses against the implicit reward margin"</h2>
            <p class="explain-text">
                "The margin h is how much more the policy prefers the chosen response over the rejected one than the reference does, in nats. "
                "The gradient weight is how hard a loss pushes a pair at that margin: DPO's fades to zero but never stops, IPO's turns negative past 1/(2β), the hinge stops dead at 1/β."
            </p>
            <div class="controls">
                <NumberField id="lab-beta" label="β" value=beta min=0.01 max=5.0 step=0.01 range=true />
                <NumberField id="lab-epsilon" label="ε (label smoothing)" value=epsilon min=0.0 max=0.45 step=0.01 range=true />
                <NumberField id="lab-gamma" label="γ (SimPO margin)" value=gamma min=0.0 max=3.0 step=0.05 range=true />
                <NumberField id="lab-tau" label="τ (DiscoPOP)" value=tau min=0.01 max=2.0 step=0.01 range=true />
            </div>
            <fieldset class="loss-picker">
                <legend>"Losses shown"</legend>
                {LossKind::ALL.map(|k| view! {
                    <label class="check">
                        <input type="checkbox" id=format!("loss-toggle-{}", k.name())
                            prop:checked=move || shown.with(|s| s.contains(&k))
                            on:change=move |_| toggle(k) />
                        {k.name()}
                    </label>
                }).collect_view()}
            </fieldset>
            {move || curve_error().map(|e| view! { <p class="message" role="alert">{e}</p> })}
            <div class="charts">
                <LineChart id="loss-chart" title="Loss" x_label="margin h (nats)" y_label="loss" series=loss_series y_cap=8.0 />
                <LineChart id="weight-chart" title="Gradient weight −dL/dh" x_label="margin h (nats)" y_label="weight" series=weight_series y_cap=3.0 />
            </div>
            <div class="explains">
                {move || shown.get().into_iter().map(|k| {
                    let e = explain(k);
                    view! {
                        <article class="explain" data-loss=k.name()>
                            <h3>{e.title}</h3>
                            <p>{e.text}</p>
                            <p class="paper">{e.paper}</p>
                        </article>
                    }
                }).collect_view()}
            </div>
        </section>
        <section id="training" class="lab-section" aria-label="Train a toy policy">
            <h2>"Train a toy policy"</h2>
            <p class="explain-text">
                "A softmax policy over K responses for each of P prompts, started at a reference policy, trained by gradient descent on preference pairs. "
                "The pairs come from a simulated rater with a hidden reward (offline: drawn from the reference; online: drawn from the policy as it trains) or from the playground's votes."
            </p>
            <div class="controls">
                <label class="field">"Loss "
                    <select id="train-loss" prop:value=move || train_kind.get().name().to_string()
                        on:change=move |e| {
                            if let Ok(k) = LossKind::parse(&event_target_value(&e)) {
                                train_kind.set(k);
                            }
                        }>
                        {LossKind::ALL.map(|k| view! { <option value=k.name()>{explain(k).title}</option> }).collect_view()}
                    </select>
                </label>
                <NumberField id="train-beta" label="β" value=train_beta min=0.01 max=10.0 step=0.01 />
                <NumberField id="train-lr" label="Step size" value=learning_rate min=0.001 max=10.0 step=0.01 />
                <NumberField id="train-steps" label="Steps" value=target_steps min=10.0 max=20000.0 step=10.0 />
                <NumberField id="train-prompts" label="Prompts" value=prompts min=1.0 max=64.0 step=1.0 />
                <NumberField id="train-responses" label="Responses" value=responses min=2.0 max=64.0 step=1.0 />
                <NumberField id="train-pairs" label="Pairs" value=pairs min=1.0 max=4096.0 step=1.0 />
                <NumberField id="train-noise" label="Label noise" value=noise min=0.0 max=0.45 step=0.01 />
                <NumberField id="train-seed" label="Seed" value=train_seed min=0.0 max=1e9 step=1.0 />
                <label class="check"><input type="checkbox" id="train-online" prop:checked=move || online.get()
                    on:change=move |_| online.update(|o| *o = !*o) />"Online data"</label>
                <label class="check"><input type="checkbox" id="train-votes" prop:checked=move || from_votes.get()
                    on:change=move |_| from_votes.update(|o| *o = !*o) />"Train on the playground's votes"</label>
            </div>
            <p class="hint">{move || votes_note.get()}</p>
            <div class="secondary">
                <button id="train-start" disabled=move || running.get() on:click=move |_| start()>"Train"</button>
                <button id="train-pause" disabled=move || !running.get() on:click=move |_| running.set(false)>"Pause"</button>
                <button id="train-reset" on:click=move |_| reset()>"Reset"</button>
                <button id="train-beta-sweep" on:click=move |_| beta_sweep()>"β sweep"</button>
                <button id="train-noise-compare" on:click=move |_| noise_compare()>"Label noise: DPO vs rDPO"</button>
            </div>
            <p id="train-status" class="fit-info" aria-live="polite"
                data-step=move || recorded.with(|r| r.steps.last().copied().unwrap_or(0).to_string())
                data-running=move || running.get().to_string()
            >{move || status.get()}</p>
            <div class="charts">
                <LineChart id="chart-logps" title="Log-probabilities of the data's responses (likelihood displacement when both fall)" x_label="step" y_label="mean log π (nats)" series=logps />
                <LineChart id="chart-margin" title="Implicit reward margin" x_label="step" y_label="mean β·h" series=margin />
                <LineChart id="chart-accuracy" title="Preference and ranking accuracy on the data" x_label="step" y_label="share of pairs" series=accuracy />
                <LineChart id="chart-kl" title="KL to the reference" x_label="step" y_label="nats per prompt" series=kl />
                <LineChart id="chart-reward" title="True reward of the policy (simulated rater) and its largest probability" x_label="step" y_label="reward / probability" series=reward />
            </div>
            {move || (!policy.with(Vec::is_empty)).then(|| view! {
                <table id="policy-table" class="leaderboard">
                    <caption>"The trained policy over the deck's items"</caption>
                    <thead><tr><th scope="col">"Item"</th><th scope="col" class="num">"π"</th></tr></thead>
                    <tbody>
                        {policy.get().into_iter().map(|(label, p)| view! {
                            <tr data-item=label.clone() data-probability=p.to_string()><td>{label.clone()}</td><td class="num">{format!("{p:.3}")}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
        <section id="comparison" class="lab-section" aria-label="Comparison"
            class:hidden=move || comparison.with(Vec::is_empty)>
            <h2>{move || comparison_title.get()}</h2>
            <p id="compare-status" class="fit-info">{move || compare_status.get()}</p>
            <div class="charts">
                <LineChart id="compare-reward" title="True reward" x_label="step" y_label="reward" series=compare_series(|m| m.true_reward) />
                <LineChart id="compare-kl" title="KL to the reference" x_label="step" y_label="nats per prompt" series=compare_series(|m| m.kl) />
                <LineChart id="compare-max" title="Largest probability (1: deterministic)" x_label="step" y_label="probability" series=compare_series(|m| m.max_probability) />
                <LineChart id="compare-chosen" title="log π(chosen)" x_label="step" y_label="nats" series=compare_series(|m| m.chosen_log_prob) />
            </div>
        </section>
    }
}
