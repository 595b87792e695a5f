//! Held-out check: a fifth of the votes set aside, the model fitted to
//! the rest and scored on them: log-loss beside a coin flip's, and the
//! reliability diagram (predicted against observed win rates). Computed in
//! the worker ([`Job::HeldOut`]) after each fit.

use leptos::prelude::*;
use prefplay_core::Vote;
use prefplay_core::inference::evaluation::HeldOut;
use prefplay_core::playground::model_choice::ModelChoice;

use super::{LineChart, Series};
use crate::job_runner::use_analysis;
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

/// Fewest comparisons before the check runs.
pub const MIN_VOTES: usize = 20;
/// The share of the votes held out.
pub const HOLDOUT: f64 = 0.2;
/// A coin flip's log-loss, ln 2.
const COIN_LOG_LOSS: f64 = std::f64::consts::LN_2;

/// The diagram's two lines: the diagonal and the held-out bins with votes.
pub fn reliability_lines(h: &HeldOut) -> Vec<Series> {
    vec![
        Series {
            name: "perfectly calibrated".into(),
            points: vec![(0.0, 0.0), (1.0, 1.0)],
        },
        Series {
            name: "held-out votes".into(),
            points: h
                .calibration
                .iter()
                .filter(|b| b.votes > 0)
                .map(|b| (b.predicted, b.observed))
                .collect(),
        },
    ]
}

/// `#calibration`: the diagram (`#reliability`) and `#held-out` (with
/// `data-log-loss`, `data-n-test`).
#[component]
pub fn Calibration(
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
    let enough = move || votes.with(Vec::len) >= MIN_VOTES;
    let answer = use_analysis(AnalysisKind::HeldOut, move || {
        enough().then(|| {
            let job = Job::HeldOut {
                items: labels.get(),
                model: model.get(),
                fraction: HOLDOUT,
                seed: 1,
            };
            (job, votes.get())
        })
    });
    let result = Memo::new(move |_| {
        let n = votes.with(Vec::len);
        if n < MIN_VOTES {
            return Err(format!(
                "The held-out check starts at {MIN_VOTES} comparisons ({n} so far)."
            ));
        }
        match answer.get() {
            Some(Ok(JobResult::HeldOut(h))) => Ok(h),
            Some(Ok(_)) => Err("an unexpected reply".to_string()),
            Some(Err(e)) => Err(e),
            None => Err("Checking on held-out votes…".to_string()),
        }
    });
    let lines = Signal::derive(move || {
        result.with(|r| r.as_ref().map(reliability_lines).unwrap_or_default())
    });
    view! {
        <section id="calibration" class="calibration" aria-label="Held-out check">
            <LineChart id="reliability" title="Calibration on held-out votes"
                x_label="predicted P(left item wins)" y_label="observed share of left wins" series=lines note="Held-out votes grouped by the probability the model gave the left item; on the diagonal, predictions come true as often as they say. With few held-out votes the line is jagged." />
            <p id="held-out" class="fit-info"
                data-log-loss=move || result.with(|r| r.as_ref().map(|h| h.log_loss.to_string()).unwrap_or_default())
                data-n-test=move || result.with(|r| r.as_ref().map(|h| h.n_test.to_string()).unwrap_or_default())>
                {move || result.with(|r| match r {
                    Ok(h) => format!(
                        "Held-out log-loss {:.3} on {} votes (a coin flip scores {COIN_LOG_LOSS:.3}; lower is better); the favourite won {:.0}% of them.",
                        h.log_loss, h.n_test, 100.0 * h.accuracy
                    ),
                    Err(e) => e.clone(),
                })}
            </p>
            <p class="explain">
                "A fifth of the votes, drawn at random, are hidden from the model; it is fitted to the rest and asked to predict them. "
                "If the model is right, of the pairs it gives 70% to, the left item wins about 70% of the time: the line follows the diagonal. "
                "A line below it means overconfidence (try a stronger prior), and a log-loss near a coin flip's means the votes are mostly noise. "
                "With a few dozen held-out votes each bin holds a handful, so the line zigzags; trust it as votes accumulate."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::inference::evaluation::CalibrationBin;

    #[test]
    fn the_diagram_leaves_out_empty_bins() {
        let bin = |predicted, votes| CalibrationBin {
            predicted,
            observed: 0.5,
            votes,
        };
        let h = HeldOut {
            log_loss: 0.6,
            accuracy: 0.7,
            brier: 0.2,
            n_test: 3,
            calibration: vec![bin(0.05, 0), bin(0.55, 2), bin(0.75, 1)],
        };
        let lines = reliability_lines(&h);
        assert_eq!(lines[1].points, vec![(0.55, 0.5), (0.75, 0.5)]);
    }
}
