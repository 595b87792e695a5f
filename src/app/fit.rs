//! The fit hook: a fit of the deck's votes asked for whenever they or the
//! model change (or the simulation `?simulate=` asks for), a clock that
//! ticks while a fit runs, and the fit line, engine line and progress line
//! in words.

use leptos::prelude::*;
use prefplay_core::playground::collect;
use prefplay_core::playground::model_choice::ModelKind;

use super::state::AppState;
use crate::fit_job::FitInput;
use crate::job_runner::FitState;

/// How the chooser's reason begins when there is no fit yet.
const NO_FIT_YET: &str = "No fit yet, so";
/// What it says instead once the fit has arrived.
const CHOSEN_WHILE_LOADING: &str =
    "Chosen while the model was loading (the next one follows the model):";

/// The "Why this" line for the task on screen. A task chosen before the
/// first fit arrived (after a reload) keeps its items — a voter may be
/// mid-way through it — but no longer claims there is no fit.
pub fn why_line(state: AppState) -> Option<String> {
    let fitted = state.estimates.with(Option::is_some);
    state.task.with(|t| {
        t.as_ref().map(|(_, why)| {
            let why = if fitted && why.starts_with(NO_FIT_YET) {
                why.replacen(NO_FIT_YET, CHOSEN_WHILE_LOADING, 1)
            } else {
                why.clone()
            };
            format!("Why this: {why}")
        })
    })
}

/// Asks for fits; returns the clock (page milliseconds, ticking every
/// 200 ms while a fit runs, so a long fit shows its elapsed time).
pub fn use_fit(state: AppState) -> ReadSignal<f64> {
    if let Some((n_votes, n_items, seed)) = state.simulation {
        // Asked for once the page is ready and has drawn (a macrotask after
        // the render), so the load test times the worker's fit, not the
        // page's first render beside it.
        Effect::new(move |asked: Option<bool>| {
            if asked == Some(true) || !state.ready.get() {
                return asked.unwrap_or(false);
            }
            leptos::task::spawn_local(async move {
                crate::browser::yield_to_browser().await;
                state.runner.request_simulation(n_votes, n_items, seed);
            });
            true
        });
    }
    let AppState {
        workspace, runner, ..
    } = state;
    Effect::new(move |_| {
        let votes = state.fit_input.get();
        let model = state.model.get();
        if state.simulation.is_some() {
            return;
        }
        let rankings = if model.model == ModelKind::PlackettLuce {
            workspace.with_untracked(|w| {
                collect::fit_rankings(w.deck().items.len(), w.deck_ballots(), w.settings.view)
            })
        } else {
            Vec::new()
        };
        // Labels are tracked too: a new deck with no votes yet must
        // still replace the old deck's rows.
        runner.request(FitInput {
            items: state.labels.get(),
            votes,
            model,
            rankings,
        });
    });
    let clock = RwSignal::new(0.0);
    let ticker = StoredValue::new(None::<IntervalHandle>);
    Effect::new(move |_| {
        let running = matches!(state.outputs.state.get(), FitState::Running { .. });
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        ticker.set_value(None);
        if running {
            clock.set(crate::browser::now_ms());
            let tick = move || clock.set(crate::browser::now_ms());
            ticker.set_value(
                set_interval_with_handle(tick, std::time::Duration::from_millis(200)).ok(),
            );
        }
    });
    clock.read_only()
}

/// The fit line: running (with elapsed time), cancelled, or the last fit.
pub fn fit_line(state: AppState, clock: ReadSignal<f64>) -> String {
    match (state.outputs.state.get(), state.fit.get()) {
        (FitState::Running { step, started_ms }, _) if step > 0 => format!(
            "Fitting… Newton step {step}, {:.1} s (Esc cancels).",
            (clock.get() - started_ms).max(0.0) / 1e3
        ),
        (FitState::Running { started_ms, .. }, _) => format!(
            "Fitting ({})… {:.1} s (Esc cancels).",
            state.model.get().describe(),
            (clock.get() - started_ms).max(0.0) / 1e3
        ),
        (FitState::Cancelled { started_ms, at_ms }, _) => format!(
            "Fit cancelled after {:.0} ms; the table shows the last finished fit.",
            at_ms - started_ms
        ),
        (FitState::Idle, Ok(s)) => format!(
            "Fit on {} comparisons: {:.1} ms, {}, in the {}.",
            s.n_votes,
            s.fit_ms,
            crate::words::count(s.iterations as usize, "Newton step", "Newton steps"),
            s.thread
        ),
        (FitState::Idle, Err(e)) => e,
    }
}

/// The engine line: which engine ran the last fit, and why.
pub fn engine_line(state: AppState) -> String {
    match state.fit.get() {
        Ok(s) => match (s.fallback_reason, s.choice) {
            (Some(why), _) => format!("{} (GPU failed: {why})", s.engine),
            (None, Some(why)) => format!("{} ({why})", s.engine),
            (None, None) => s.engine,
        },
        Err(_) => "Starting…".to_string(),
    }
}

/// The progress line: comparisons still needed to separate the top k.
pub fn progress_line(state: AppState) -> String {
    let top_k = state.workspace.with(|w| w.settings.top_k);
    let n = state.fit.with(|f| f.as_ref().map_or(0, |s| s.n_votes));
    let (known, more) = state.estimates.with(|e| match e {
        // A model without standard errors (Elo) cannot say.
        Some(e) if e.standard_errors.is_none() => (false, None),
        Some(e) => (
            true,
            e.standard_errors
                .as_ref()
                .and_then(|se| collect::comparisons_to_separate_top(&e.scores, se, n, top_k)),
        ),
        None => (true, None),
    });
    if !known {
        return format!(
            "This model gives no intervals, so it cannot say whether the top {top_k} stand apart."
        );
    }
    match more {
        Some(0) => format!("The top {top_k} stand apart at 95%."),
        Some(m) if m > 100 * n.max(100) as u64 => format!(
            "Places {top_k} and {} are too close to call yet: many more comparisons needed.",
            top_k + 1
        ),
        Some(m) => format!(
            "About {} more comparisons to pin the top {top_k}.",
            round_for_reading(m)
        ),
        None => String::new(),
    }
}

/// A rough count rounded to its first digit (800, 3,000): the estimate
/// moves with every vote, and more digits would only make it jump.
fn round_for_reading(m: u64) -> String {
    if m < 10 {
        return m.to_string();
    }
    let scale = 10u64.pow(m.ilog10());
    let rounded = (m + scale / 2) / scale * scale;
    crate::words::grouped(rounded)
}

#[cfg(test)]
mod tests {
    use super::round_for_reading;

    #[test]
    fn rough_counts_keep_one_digit() {
        assert_eq!(round_for_reading(7), "7");
        assert_eq!(round_for_reading(815), "800");
        assert_eq!(round_for_reading(3_319), "3,000");
        assert_eq!(round_for_reading(6_907), "7,000");
        assert_eq!(round_for_reading(2_490), "2,000");
        assert_eq!(round_for_reading(96), "100");
    }
}
