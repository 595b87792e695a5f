//! The right column: the model controls and notes, the leaderboard, every
//! chart (their numbers come from the worker), the fit line and cancel.

use std::collections::HashMap;

use leptos::prelude::*;

use super::fit::fit_line;
use super::state::AppState;
use crate::components::{
    Calibration, ComparisonGraphChart, Convergence, EloVsBt, ForestPlot, Glossary, Leaderboard,
    ModelControls, SimulationCharts, WinMatrices,
};
use crate::job_runner::FitState;
use crate::scenario::Scenario;

/// See the module docs.
#[component]
pub fn ResultsColumn(
    /// The page clock while a fit runs (for its elapsed time).
    clock: ReadSignal<f64>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let AppState {
        workspace,
        fit,
        outputs,
        labels,
        model,
        settled_votes,
        ..
    } = state;
    let rows = Signal::derive(move || {
        fit.with(|f| f.as_ref().map(|s| s.rows.clone()).unwrap_or_default())
    });
    let fitted_votes = Signal::derive(move || fit.with(|f| f.as_ref().map_or(0, |s| s.n_votes)));
    let model_name = Signal::derive(move || {
        fit.with(|f| f.as_ref().map(|s| s.model.clone()).unwrap_or_default())
    });
    let truth = Signal::derive(move || revealed_truth(state));
    let tau = move || {
        let t = workspace.with(|w| w.truths.get(&w.active_deck).cloned())?;
        let e = state.estimates.get()?;
        (state.reveal.get() && t.len() == e.scores.len())
            .then(|| prefplay_core::inference::evaluation::kendall_tau(&e.scores, &t))
    };
    let scenario = state.scenario.map(|(sc, _)| sc);
    let seed = state.scenario.map_or(1, |(_, seed)| seed);
    view! {
        <div class="right">
            <ModelControls workspace=workspace />
            <div id="model-notes" class="model-notes" aria-live="polite"
                data-model=move || model_name.get()
                data-order-effect=move || fit.with(|f| f.as_ref().ok().and_then(|s| s.order_effect).map(|(e, _)| e.to_string()))>
                {move || fit.with(|f| f.as_ref().ok().map(|s| view! {
                    <p class="note model-line">{format!("Model: {}.", s.model)}</p>
                    {s.notes.iter().map(|n| view! { <p class="note">{n.clone()}</p> }).collect_view()}
                }))}
            </div>
            <Leaderboard rows=rows n_votes=fitted_votes truth=truth model=model_name />
            <ForestPlot id="forest" rows=rows n_votes=fitted_votes />
            <ComparisonGraphChart id="comparison-graph" labels=labels votes=settled_votes />
            <WinMatrices rows=rows labels=labels votes=settled_votes />
            <Convergence labels=labels votes=settled_votes model=model />
            <Calibration labels=labels votes=settled_votes model=model />
            <EloVsBt labels=labels votes=settled_votes rows=rows open_at_start=scenario.is_some_and(Scenario::opens_elo) />
            <SimulationCharts rows=rows truth=truth seed=seed autorun=scenario.is_some_and(Scenario::runs_race) />
            <Glossary />
            {move || tau().map(|t| view! {
                <p id="truth-tau" class="fit-info" data-tau=t.to_string()>
                    {format!("Kendall τ between the estimate and the truth: {t:.2} (1 = same order).")}
                </p>
            })}
            <p
                id="fit-info"
                class="fit-info"
                aria-live="polite"
                data-state=move || match outputs.state.get() {
                    FitState::Idle => "idle",
                    FitState::Running { .. } => "running",
                    FitState::Cancelled { .. } => "cancelled",
                }
                data-progress-events=move || outputs.progress_events.get().to_string()
                data-fit-span-ms=move || outputs.last_span_ms.get().map(|(a, b)| format!("{a:.1} {b:.1}"))
                data-phase-ms=move || fit.with(|f| f.as_ref().ok().map(|s| {
                    let p = s.phase_ms;
                    format!("{:.1} {:.1} {:.1}", p.aggregate, p.solve, p.intervals)
                }))
            >
                {move || fit_line(state, clock)}
            </p>
            <Show when=move || matches!(outputs.state.get(), FitState::Running { .. })>
                <button id="cancel-fit" on:click=move |_| state.runner.cancel()>"Cancel fit (Esc)"</button>
            </Show>
        </div>
    }
}

/// The simulated truth per label, once revealed (empty before).
fn revealed_truth(state: AppState) -> HashMap<String, f64> {
    if !state.reveal.get() {
        return HashMap::new();
    }
    state.workspace.with(|w| {
        w.truths
            .get(&w.active_deck)
            .map(|t| {
                w.deck()
                    .labels()
                    .into_iter()
                    .zip(t.iter().copied())
                    .collect()
            })
            .unwrap_or_default()
    })
}
