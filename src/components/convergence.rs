//! The convergence animation: the solver's Newton steps replayed, each
//! item's score from "all equal" to the fit, step by step or played.

use leptos::prelude::*;
use prefplay_core::Vote;
use prefplay_core::playground::model_choice::{ModelChoice, ModelKind};

use super::{LineChart, Series};
use crate::job_runner::use_analysis;
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

/// Most items drawn (the top of the final fit).
pub const CONVERGENCE_ITEMS: usize = 8;
/// Most Newton steps replayed.
pub const MAX_STEPS: u32 = 40;
/// Milliseconds per frame when playing.
const FRAME_MS: u64 = 700;

/// Frames (scores per step, the first all equal) and the lines of the top
/// [`CONVERGENCE_ITEMS`] items by their final score, cut after `step`.
pub fn convergence_lines(labels: &[String], frames: &[Vec<f64>], step: usize) -> Vec<Series> {
    let Some(last) = frames.last() else {
        return Vec::new();
    };
    let mut order: Vec<usize> = (0..last.len()).collect();
    order.sort_by(|&a, &b| last[b].total_cmp(&last[a]));
    order
        .into_iter()
        .take(CONVERGENCE_ITEMS)
        .map(|i| Series {
            name: labels.get(i).cloned().unwrap_or_default(),
            points: frames
                .iter()
                .take(step + 1)
                .enumerate()
                .map(|(t, f)| (t as f64, f[i]))
                .collect(),
        })
        .collect()
}

/// The largest change of any score in step `step` (0 for the start).
pub fn largest_change(frames: &[Vec<f64>], step: usize) -> f64 {
    if step == 0 || step >= frames.len() {
        return 0.0;
    }
    frames[step]
        .iter()
        .zip(&frames[step - 1])
        .fold(0.0, |m, (a, b)| f64::max(m, (a - b).abs()))
}

/// The step player: the step pinned (`None` follows the end), play and
/// its timer.
#[derive(Clone, Copy)]
struct Player {
    pinned: RwSignal<Option<usize>>,
    playing: RwSignal<bool>,
    timer: StoredValue<Option<IntervalHandle>>,
    last: Signal<usize>,
}

impl Player {
    fn stop(self) {
        if let Some(h) = self.timer.get_value() {
            h.clear();
        }
        self.timer.set_value(None);
    }

    /// Plays from the first step (or pauses).
    fn play(self) {
        self.stop();
        if self.playing.get_untracked() {
            self.playing.set(false);
            return;
        }
        self.pinned.set(Some(0));
        self.playing.set(true);
        let tick = move || {
            let end = self.last.get_untracked();
            let next = self.pinned.get_untracked().unwrap_or(end) + 1;
            if next >= end {
                self.pinned.set(None);
                self.playing.set(false);
                self.stop();
            } else {
                self.pinned.set(Some(next));
            }
        };
        self.timer.set_value(
            set_interval_with_handle(tick, std::time::Duration::from_millis(FRAME_MS)).ok(),
        );
    }

    /// Shows step `to` (the end follows new votes).
    fn go(self, to: usize) {
        self.stop();
        self.playing.set(false);
        let end = self.last.get_untracked();
        self.pinned.set((to < end).then_some(to));
    }
}

/// What step `s` of `frames` did, in words.
fn status_text(frames: &[Vec<f64>], s: usize, model: ModelKind) -> String {
    let last = frames.len().saturating_sub(1);
    let whose = match model {
        ModelKind::PlackettLuce | ModelKind::Elo => {
            " (Bradley–Terry's steps: the animation follows the pairwise solver)"
        }
        _ => "",
    };
    match s {
        0 => format!("Start: every score 0; {last} steps to the fit{whose}."),
        s => format!(
            "Step {s} of {last}: the largest score moved by {:.3}{whose}.",
            largest_change(frames, s)
        ),
    }
}

/// The animation (`#convergence`): a chart, a step slider
/// (`#convergence-step`), ◀ ▶ and play buttons, and what the step did.
#[component]
pub fn Convergence(
    /// Item labels in deck order.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The votes the fit uses.
    #[prop(into)]
    votes: Signal<Vec<Vote>>,
    /// The model controls' choice.
    #[prop(into)]
    model: Signal<ModelChoice>,
) -> impl IntoView {
    // The frames come from the worker, which drives the same solver.
    let answer = use_analysis(AnalysisKind::NewtonPath, move || {
        let job = Job::NewtonPath {
            items: labels.get(),
            model: model.get(),
            max_steps: MAX_STEPS,
        };
        Some((job, votes.get()))
    });
    let frames = Memo::new(move |_| match answer.get() {
        Some(Ok(JobResult::NewtonPath(frames))) => frames,
        _ => Vec::new(),
    });
    let last = Signal::derive(move || frames.with(|f| f.len().saturating_sub(1)));
    // The step shown; `None` follows the end as new votes arrive.
    let pinned = RwSignal::new(None::<usize>);
    let step = Signal::derive(move || pinned.get().unwrap_or(last.get()).min(last.get()));
    let series = Signal::derive(move || {
        labels.with(|l| frames.with(|f| convergence_lines(l, f, step.get())))
    });
    let player = Player {
        pinned,
        playing: RwSignal::new(false),
        timer: StoredValue::new(None),
        last,
    };
    on_cleanup(move || player.stop());
    let (playing, go) = (player.playing, move |to: usize| player.go(to));
    view! {
        <section id="convergence" class="convergence" aria-label="Convergence animation"
            data-steps=move || last.get().to_string() data-step=move || step.get().to_string()>
            <LineChart id="convergence-chart" title="How the fit converges: scores after each Newton step"
                x_label="Newton step" y_label="score (log-strength)" series=series note="Every item starts at 0; each Newton step moves all scores at once, and after a few steps they stop moving: that is the fit." />
            <div class="player">
                <button id="convergence-prev" class="small" aria-label="Previous step"
                    disabled=move || step.get() == 0 on:click=move |_| go(step.get_untracked().saturating_sub(1))>"◀"</button>
                <button id="convergence-play" class="small" aria-pressed=move || playing.get().to_string() on:click=move |_| player.play()>
                    {move || if playing.get() { "Pause" } else { "Play from the start" }}
                </button>
                <button id="convergence-next" class="small" aria-label="Next step"
                    disabled=move || { step.get() >= last.get() } on:click=move |_| go(step.get_untracked() + 1)>"▶"</button>
                <label>"Step "
                    <input id="convergence-step" type="range" min="0" max=move || last.get().to_string()
                        aria-label="Newton step shown"
                        prop:value=move || step.get().to_string()
                        on:input=move |e| {
                            if let Ok(s) = event_target_value(&e).parse::<usize>() {
                                go(s);
                            }
                        } />
                </label>
                <span id="convergence-status" class="hint">
                    {move || match answer.get() {
                        Some(Err(e)) => e,
                        _ => frames.with(|f| status_text(f, step.get(), model.get().model)),
                    }}
                </span>
            </div>
            <p class="explain">
                "The solver starts with every item equal and takes Newton steps: each uses the slope and the curvature of the likelihood to jump towards the best scores. "
                "The first step does most of the work; later steps only polish, each about squaring the remaining error, so the lines go flat after a handful of steps. "
                "Changing the prior, the tie model or the order effect changes where the lines end."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_top_items_up_to_the_step() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let frames = vec![
            vec![0.0, 0.0, 0.0],
            vec![0.5, -0.2, -0.3],
            vec![0.6, -0.25, -0.35],
        ];
        let lines = convergence_lines(&labels, &frames, 1);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].name, "a");
        assert_eq!(lines[0].points, vec![(0.0, 0.0), (1.0, 0.5)]);
        assert!((largest_change(&frames, 1) - 0.5).abs() < 1e-12);
        assert!((largest_change(&frames, 2) - 0.1).abs() < 1e-9);
        assert_eq!(largest_change(&frames, 0), 0.0);
        assert!(convergence_lines(&labels, &[], 0).is_empty());
    }
}
