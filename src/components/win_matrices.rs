//! The model's win probabilities beside the observed win rates, items in
//! leaderboard order: where the two disagree the model smooths (few
//! votes) or misses (a pattern Bradley–Terry cannot hold, like a cycle).

use leptos::prelude::*;
use prefplay_core::numerics::sigmoid;
use prefplay_core::{Outcome, Vote};

use super::Heatmap;
use crate::job_runner::RowView;

/// Most items the matrices show (the top of the leaderboard).
pub const WIN_MATRIX_ITEMS: usize = 16;

/// The matrices of [`win_matrices`], items in leaderboard order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WinMatrixSet {
    /// The shown labels.
    pub shown: Vec<String>,
    /// P(row beats column) under the fit.
    pub model: Vec<Vec<f64>>,
    /// The observed share of the row's wins against the column (ties
    /// count ½; NaN where the pair was never compared).
    pub observed: Vec<Vec<f64>>,
    /// How often each pair was compared.
    pub counts: Vec<Vec<f64>>,
}

/// The top [`WIN_MATRIX_ITEMS`] of the leaderboard: the model's win
/// probabilities, the observed win shares and the comparison counts.
pub fn win_matrices(rows: &[RowView], labels: &[String], votes: &[Vote]) -> WinMatrixSet {
    let shown: Vec<&RowView> = rows.iter().take(WIN_MATRIX_ITEMS).collect();
    let index: Vec<Option<usize>> = shown
        .iter()
        .map(|r| labels.iter().position(|l| *l == r.label))
        .collect();
    let model = shown
        .iter()
        .map(|a| shown.iter().map(|b| sigmoid(a.score - b.score)).collect())
        .collect();
    let n = labels.len();
    let (mut wins, mut games) = (vec![vec![0.0; n]; n], vec![vec![0.0; n]; n]);
    for v in votes {
        let (a, b) = (v.item_a, v.item_b);
        if a >= n || b >= n || a == b {
            continue;
        }
        let share = match v.outcome {
            Outcome::A => 1.0,
            Outcome::B => 0.0,
            Outcome::Tie | Outcome::BothBad => 0.5,
        };
        wins[a][b] += share;
        wins[b][a] += 1.0 - share;
        games[a][b] += 1.0;
        games[b][a] += 1.0;
    }
    let by_index = |f: &dyn Fn(Option<usize>, Option<usize>) -> f64| -> Vec<Vec<f64>> {
        index
            .iter()
            .map(|&a| index.iter().map(|&b| f(a, b)).collect())
            .collect()
    };
    let observed = by_index(&|a, b| match (a, b) {
        (Some(a), Some(b)) if a == b => 0.5,
        (Some(a), Some(b)) if games[a][b] > 0.0 => wins[a][b] / games[a][b],
        _ => f64::NAN,
    });
    let counts = by_index(&|a, b| match (a, b) {
        (Some(a), Some(b)) => games[a][b],
        _ => 0.0,
    });
    WinMatrixSet {
        shown: shown.iter().map(|r| r.label.clone()).collect(),
        model,
        observed,
        counts,
    }
}

/// The two heat maps side by side (`#win-model`, `#win-observed`) and
/// what they say.
#[component]
pub fn WinMatrices(
    /// Leaderboard rows, ranked.
    #[prop(into)]
    rows: Signal<Vec<RowView>>,
    /// Item labels in deck order.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The votes the fit uses.
    #[prop(into)]
    votes: Signal<Vec<Vote>>,
) -> impl IntoView {
    let matrices =
        Memo::new(move |_| rows.with(|r| labels.with(|l| votes.with(|v| win_matrices(r, l, v)))));
    let shown = Signal::derive(move || matrices.with(|m| m.shown.clone()));
    let model = Signal::derive(move || matrices.with(|m| m.model.clone()));
    let observed = Signal::derive(move || matrices.with(|m| m.observed.clone()));
    let counts = Signal::derive(move || matrices.with(|m| m.counts.clone()));
    let most = Signal::derive(move || {
        matrices.with(|m| m.counts.iter().flatten().fold(1.5f64, |a, &b| a.max(b)))
    });
    view! {
        <section class="win-matrices" aria-label="Win probabilities">
            <div class="pair-of-charts">
                <Heatmap id="win-model" title="Model: P(row beats column)" labels=shown values=model middle=0.5 note="Blue: the row's item is expected to win; orange: to lose; white: a coin toss. Rows and columns in leaderboard order." />
                <Heatmap id="win-observed" title="Observed: share of the row's wins (grey: never compared)" labels=shown values=observed middle=0.5 note="What the votes say for each pair, before any model: set it beside the model's matrix to see where the model smooths." />
            </div>
            <p class="explain">
                "Left, the chance the model gives each row item of beating each column item; right, what the votes say, ties counting half. "
                "Bradley–Terry orders every pair the same way as the leaderboard, so the left map shades smoothly from blue to orange. "
                "Where the right map disagrees with few votes, the model is smoothing noise; where it disagrees with many, the items may not fit one scale (a cycle, or groups who disagree)."
            </p>
            <Heatmap id="count-matrix" title="Comparisons per pair" labels=shown values=counts middle=0.0 top=most note="How many votes compared each pair (darker: more); white cells were never compared." />
            <p class="explain">
                "How many times each pair was compared. Pale cells are pairs the model knows only through other items; "
                "an even spread gives the narrowest intervals for a given number of votes, and the active strategies aim the next vote where it teaches the most."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_and_observed_follow_the_leaderboard_order() {
        let labels: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let rows = [
            RowView::example("b", 1.0, 1.0),
            RowView::example("a", 0.0, 1.0),
            RowView::example("c", -1.0, 1.0),
        ];
        let votes = [
            Vote::new(1, 0, Outcome::A),
            Vote::new(0, 1, Outcome::Tie),
            Vote::new(1, 2, Outcome::B),
        ];
        let WinMatrixSet {
            shown,
            model,
            observed,
            counts,
        } = win_matrices(&rows, &labels, &votes);
        assert_eq!(counts[0][1], 2.0);
        assert_eq!(counts[1][2], 0.0);
        assert_eq!(shown, vec!["b", "a", "c"]);
        assert!((model[0][1] - sigmoid(1.0)).abs() < 1e-12);
        assert!((model[0][1] + model[1][0] - 1.0).abs() < 1e-12);
        // b vs a: one win, one tie → 0.75.
        assert!((observed[0][1] - 0.75).abs() < 1e-12);
        assert!((observed[1][0] - 0.25).abs() < 1e-12);
        // b vs c: c won.
        assert_eq!(observed[0][2], 0.0);
        // a and c never met.
        assert!(observed[1][2].is_nan());
        assert_eq!(observed[2][2], 0.5);
    }
}
