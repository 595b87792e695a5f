//! The loss explorer: every loss of the catalogue and its gradient weight
//! against the implicit reward margin, following the sliders.

use leptos::prelude::*;
use prefplay_core::labs::loss::{LossKind, LossParams};

use super::catalogue::explain;
use super::curves::{CurvePoint, curve};
use super::fields::NumberField;
use crate::components::{LineChart, Series};

/// The explorer's β: 1 (not TRL's 0.1) so the curves' shapes show on
/// ±10 nats.
pub const EXPLORER_BETA: f64 = 1.0;

/// The explorer section; `scenario`: scenario (9) shows only DPO and IPO.
#[component]
pub fn Explorer(scenario: bool) -> impl IntoView {
    let beta = RwSignal::new(EXPLORER_BETA);
    let epsilon = RwSignal::new(0.0);
    let gamma = RwSignal::new(0.5);
    let tau = RwSignal::new(0.05);
    let shown = RwSignal::new(if scenario {
        vec![LossKind::Sigmoid, LossKind::Ipo]
    } else {
        vec![
            LossKind::Sigmoid,
            LossKind::Ipo,
            LossKind::Hinge,
            LossKind::Kto,
        ]
    });
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
    view! {
        <section id="explorer" class="lab-section" aria-label="Loss explorer">
            <h2>"Losses against the implicit reward margin"</h2>
            <p class="explain-text">
                "The margin h is how much more the policy prefers the chosen response over the rejected one than the reference does, in nats. "
                "The gradient weight is how hard a loss pushes a pair at that margin: DPO's fades to zero but never stops, IPO's turns negative past 1/(2β), the hinge stops dead at 1/β."
            </p>
            <ExplorerControls beta epsilon gamma tau shown />
            {move || curve_error().map(|e| view! { <p class="message" role="alert">{e}</p> })}
            <div class="charts">
                <LineChart id="loss-chart" title="Loss" x_label="margin h (nats)" y_label="loss" series=curve_series(|p| p.loss) y_cap=8.0 note="Each loss as the implicit reward margin h grows: most fall towards 0 as the chosen response pulls ahead." />
                <LineChart id="weight-chart" title="Gradient weight −dL/dh" x_label="margin h (nats)" y_label="weight" series=curve_series(|p| p.weight) y_cap=3.0 note="How hard each loss pushes a pair at margin h: where a line reaches 0 the loss stops learning from that pair." />
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
    }
}

/// The explorer's sliders and the losses shown.
#[component]
fn ExplorerControls(
    beta: RwSignal<f64>,
    epsilon: RwSignal<f64>,
    gamma: RwSignal<f64>,
    tau: RwSignal<f64>,
    shown: RwSignal<Vec<LossKind>>,
) -> impl IntoView {
    let toggle = move |kind: LossKind| {
        shown.update(|s| match s.iter().position(|&k| k == kind) {
            Some(i) => {
                s.remove(i);
            }
            None => s.push(kind),
        });
    };
    view! {
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
    }
}
