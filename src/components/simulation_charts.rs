//! For simulations: the estimate against the hidden truth, and the race
//! of random against active pair selection (error against votes, both on
//! the same axes).

use std::collections::HashMap;

use leptos::prelude::*;
use prefplay_core::inference::selection::Strategy;
use prefplay_core::playground::race::{RacePoint, RaceSettings, votes_to_reach};

use super::{LineChart, Scatter, Series};
use crate::job_runner::{JobRunner, RowView};
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

/// The race's two strategies, as named on the chart.
const RACERS: [(&str, Strategy); 2] = [
    ("random pairs", Strategy::Random),
    ("active (information gain)", Strategy::InformationGain),
];

/// (label, truth, estimate, 0) for every row with a known truth.
pub fn truth_points(
    rows: &[RowView],
    truth: &HashMap<String, f64>,
) -> Vec<(String, f64, f64, usize)> {
    rows.iter()
        .filter_map(|r| {
            truth
                .get(&r.label)
                .map(|&t| (r.label.clone(), t, r.score, 0))
        })
        .collect()
}

/// The race's τ and RMSE lines, one per strategy.
pub fn race_lines(curves: &[Vec<RacePoint>]) -> (Vec<Series>, Vec<Series>) {
    let line = |f: fn(&RacePoint) -> f64| {
        RACERS
            .iter()
            .zip(curves)
            .map(|((name, _), c)| Series {
                name: (*name).to_string(),
                points: c.iter().map(|p| (p.votes as f64, f(p))).collect(),
            })
            .collect()
    };
    (line(|p| p.tau), line(|p| p.rmse))
}

/// What the race shows, in one sentence: votes each strategy needs to
/// reach the τ random selection has at half the votes.
pub fn race_summary(curves: &[Vec<RacePoint>]) -> Option<(f64, usize, usize)> {
    let random = curves.first()?;
    let target = random.get(random.len() / 2)?.tau;
    let r = votes_to_reach(random, target)?;
    let a = votes_to_reach(curves.get(1)?, target)?;
    Some((target, r, a))
}

/// The estimate against the hidden truth (`#estimate-vs-truth`), once the
/// truth is revealed.
#[component]
fn TruthScatter(points: Signal<Vec<(String, f64, f64, usize)>>) -> impl IntoView {
    view! {
    <Show when=move || points.with(|p| !p.is_empty())>
        <section id="estimate-vs-truth" class="truth" aria-label="Estimate against truth">
            <Scatter id="truth-scatter" title="Hidden utility against the fitted score" points=points
                axes=("hidden utility", "fitted score") diagonal=true note="One dot per item; the dashed line is a perfect recovery." />
            <p class="explain">
                "Each dot is an item: across, the utility the simulated voters used; up, the score the model fitted from their votes. "
                "On the dashed line the model has recovered the truth exactly; the spread around it shrinks as votes come in, and the prior pulls the extremes a little towards the middle."
            </p>
        </section>
    </Show>
    }
}

/// What the race found, in words (or why it failed).
fn race_note(
    curves: Option<&Result<Vec<Vec<RacePoint>>, String>>,
    settings: &RaceSettings,
) -> String {
    match curves {
        Some(Ok(c)) => match race_summary(c) {
            Some((t, r, a)) => format!(
                "{} simulated classes of {} items, {} votes each, the same hidden utilities for both strategies. Random pairs reach τ = {t:.2} after {r} votes; active selection after {a}. Active selection asks about pairs whose outcome is still uncertain instead of foregone conclusions, so it learns the order with fewer votes.",
                settings.replicates, settings.items, settings.votes
            ),
            None => String::new(),
        },
        Some(Err(e)) => e.clone(),
        None => String::new(),
    }
}

/// `#estimate-vs-truth` (when the truth is revealed) and `#race`.
#[component]
pub fn SimulationCharts(
    /// Leaderboard rows.
    #[prop(into)]
    rows: Signal<Vec<RowView>>,
    /// Hidden utility per label (empty until revealed).
    #[prop(into)]
    truth: Signal<HashMap<String, f64>>,
    /// Seed of the race (a scenario's `seed`).
    seed: u64,
    /// Run the race at once (a scenario asks for it).
    #[prop(optional)]
    autorun: bool,
) -> impl IntoView {
    let points = Signal::derive(move || rows.with(|r| truth.with(|t| truth_points(r, t))));
    let settings = RaceSettings {
        items: 30,
        utility_sd: 3.0,
        seed,
        ..RaceSettings::default()
    };
    // The race runs in the worker (seconds of simulated classes).
    let runner = expect_context::<JobRunner>();
    let curves = Signal::derive(move || {
        runner.analysis(AnalysisKind::Race).map(|r| match r {
            Ok(JobResult::Race(curves)) => Ok(curves),
            Ok(_) => Err("an unexpected reply".to_string()),
            Err(e) => Err(e),
        })
    });
    let running = Signal::derive(move || runner.analysis_waiting(AnalysisKind::Race));
    let run = move || {
        let strategies: Vec<Strategy> = RACERS.iter().map(|r| r.1).collect();
        runner.request_analysis(
            Job::Race {
                settings,
                strategies,
            },
            Vec::new(),
        );
    };
    if autorun {
        run();
    }
    let lines = Signal::derive(move || {
        curves.with(|c| match c {
            Some(Ok(c)) => race_lines(c),
            _ => (Vec::new(), Vec::new()),
        })
    });
    let tau = Signal::derive(move || lines.get().0);
    let rmse = Signal::derive(move || lines.get().1);
    view! {
        <TruthScatter points />
        <section id="race" class="race" aria-label="Random against active selection"
            data-state=move || if running.get() { "running" } else if curves.with(Option::is_some) { "done" } else { "idle" }
            data-summary=move || curves.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).and_then(|c| race_summary(c)).map(|(t, r, a)| format!("{t:.3} {r} {a}")))>
            <button id="race-run" class="small" disabled=move || running.get() on:click=move |_| run()>
                {move || if running.get() { "Racing…" } else { "Race random against active pair selection" }}
            </button>
            <Show when=move || curves.with(Option::is_some)>
                <div class="pair-of-charts">
                    <LineChart id="race-tau" title="Kendall τ with the truth (1 = right order)" x_label="votes" y_label="Kendall τ" series=tau note="How close each strategy's order is to the true order as votes are added, averaged over the simulated classes; higher is better." />
                    <LineChart id="race-rmse" title="Error of the scores against the truth" x_label="votes" y_label="RMSE (log-odds)" series=rmse note="The typical distance between fitted and true scores; lower is better." />
                </div>
                <p id="race-note" class="explain">
                    {move || curves.with(|c| race_note(c.as_ref(), &settings))}
                </p>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_and_lines_come_from_the_data() {
        let rows = [
            RowView::example("a", 1.0, 0.5),
            RowView::example("b", -1.0, 0.5),
        ];
        let truth: HashMap<String, f64> = [("a".to_string(), 0.8)].into();
        assert_eq!(
            truth_points(&rows, &truth),
            vec![("a".to_string(), 0.8, 1.0, 0)]
        );
        let p = |votes, tau| RacePoint {
            votes,
            tau,
            rmse: 1.0 - tau,
        };
        let curves = vec![
            vec![p(5, 0.2), p(10, 0.5), p(15, 0.6)],
            vec![p(5, 0.5), p(10, 0.7), p(15, 0.8)],
        ];
        let (tau, rmse) = race_lines(&curves);
        assert_eq!(tau.len(), 2);
        assert_eq!(rmse[1].points[0], (5.0, 0.5));
        assert_eq!(race_summary(&curves), Some((0.5, 10, 5)));
    }
}
