//! Held-out check: a fifth of the votes set aside, the model fitted to
//! the rest and scored on them: log-loss beside a coin flip's, and the
//! reliability diagram (predicted against observed win rates).

use leptos::prelude::*;
use prefplay_core::Vote;
use prefplay_core::evaluation::HeldOut;
use prefplay_core::model_choice::{ModelChoice, held_out};

use super::{LineChart, Series};

/// Fewest comparisons before the check runs.
pub const MIN_VOTES: usize = 20;
/// Most comparisons the page checks (on its own thread, after each fit).
pub const PAGE_MAX_VOTES: usize = 200_000;
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
    let result = Memo::new(move |_| {
        let n = votes.with(Vec::len);
        if n < MIN_VOTES {
            return Err(format!(
                "The held-out check starts at {MIN_VOTES} comparisons ({n} so far)."
            ));
        }
        if n > PAGE_MAX_VOTES {
            return Err(format!(
                "{n} comparisons are more than the page checks on its own thread ({PAGE_MAX_VOTES}); `prefplay eval FILE --holdout 0.2` does it on the command line."
            ));
        }
        labels
            .with(|l| votes.with(|v| held_out(l, v, &model.get(), HOLDOUT, 1)))
            .map_err(|e| e.to_string())
    });
    let lines = Signal::derive(move || {
        result.with(|r| r.as_ref().map(reliability_lines).unwrap_or_default())
    });
    view! {
        <section id="calibration" class="calibration" aria-label="Held-out check">
            <LineChart id="reliability" title="Calibration on held-out votes"
                x_label="predicted P(left item wins)" y_label="observed share of left wins" series=lines />
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
                "If the model is right, of the pairs it gives 70% to, the left item wins about 70% of the time: the dots sit on the diagonal. "
                "Dots below it mean overconfidence (try a stronger prior), and a log-loss near a coin flip's means the votes are mostly noise."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::evaluation::CalibrationBin;

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
