//! The forest plot beside the leaderboard: each item's score as a dot and
//! its 95% interval as a bar, best first, on one axis; every row a
//! focusable element whose tooltip gives the score, the interval and the
//! rank interval.

use leptos::prelude::*;

use super::{ChartExport, PALETTE};
use crate::job_runner::RowView;

/// Most rows drawn (the table lists them all).
pub const FOREST_MAX_ROWS: usize = 30;

const WIDTH: f64 = 480.0;
const ROW: f64 = 18.0;
const LEFT: f64 = 130.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 34.0;

/// The x range covering every finite interval, padded by 5%, and always
/// containing 0 (the mean score).
pub fn forest_range(rows: &[RowView]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for r in rows {
        if r.ci_low.is_finite() && r.ci_high.is_finite() {
            lo = lo.min(r.ci_low);
            hi = hi.max(r.ci_high);
        }
    }
    if hi - lo < 1e-9 {
        return (-1.0, 1.0);
    }
    let pad = 0.05 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Tick values: multiples of 1, 2 or 5 × 10^k inside `(lo, hi)`, about
/// three to six of them, so 0 is one whenever it is in range.
pub fn nice_ticks((lo, hi): (f64, f64)) -> Vec<f64> {
    let raw = (hi - lo) / 6.0;
    if !(raw.is_finite() && raw > 0.0) {
        return vec![lo];
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// The tooltip of a row.
pub fn forest_tip(r: &RowView) -> String {
    if super::leaderboard::interval_text(r) == "—" {
        return format!("{}: {:.3} (this model gives no interval)", r.label, r.score);
    }
    let ranks = if r.rank_best == r.rank_worst {
        format!("rank {}", r.rank_best)
    } else {
        format!("rank {}–{}", r.rank_best, r.rank_worst)
    };
    format!(
        "{}: {:.3}, 95% interval [{:.3}, {:.3}], {ranks}",
        r.label, r.score, r.ci_low, r.ci_high
    )
}

/// The plot's ticks, one row per item (interval bar and score dot, with
/// its tooltip) and the axis label.
fn forest_marks(rows: Vec<RowView>) -> impl IntoView {
    let (lo, hi) = forest_range(&rows);
    let x = move |v: f64| LEFT + (v - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
    let bottom = TOP + ROW * rows.len().max(1) as f64;
    let ticks = nice_ticks((lo, hi))
        .into_iter()
        .map(|v| {
            view! {
                <line class="grid" x1=x(v) x2=x(v) y1=TOP y2=bottom />
                <text class="tick" x=x(v) y=bottom + 14.0 text-anchor="middle">{format!("{}", (v * 1e6).round() / 1e6)}</text>
            }
        })
        .collect_view();
    let marks = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = TOP + ROW * (i as f64 + 0.5);
            let tip = forest_tip(r);
            let aria = tip.clone();
            let label = crate::words::shorten(&r.label, 20);
            let finite = r.ci_low.is_finite() && r.ci_high.is_finite();
            view! {
                <g
                    class="forest-row"
                    tabindex="0"
                    aria-label=aria
                    data-item=r.label.clone()
                    data-low=r.ci_low.to_string()
                    data-high=r.ci_high.to_string()
                    data-rank-best=r.rank_best.to_string()
                    data-rank-worst=r.rank_worst.to_string()
                >
                    <title>{tip}</title>
                    <text class="label" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{label}</text>
                    {finite.then(|| view! {
                        <line x1=x(r.ci_low) x2=x(r.ci_high) y1=y y2=y stroke=PALETTE[0] stroke-width="3" stroke-linecap="round" />
                    })}
                    <circle cx=x(r.score) cy=y r="4.5" fill=PALETTE[1] stroke="#1f2328" stroke-width="1" />
                </g>
            }
        })
        .collect_view();
    let empty = rows.is_empty().then(|| view! {
        <text class="label" x=(LEFT + WIDTH - RIGHT) / 2.0 y=TOP + ROW * 0.7 text-anchor="middle">"No fit yet: vote to see the scores."</text>
    });
    view! {
        {empty}
        {ticks}
        <line class="axis" x1=x(0.0) x2=x(0.0) y1=TOP y2=bottom stroke-dasharray="4 3" />
        {marks}
        <text class="axis-label" x=(LEFT + WIDTH - RIGHT) / 2.0 y=bottom + 30.0 text-anchor="middle">
            "score (log-strength; 0 = the average item)"
        </text>
    }
}

/// The plot (`#{id}`, SVG `#{id}-svg`). The figure carries `data-rows`
/// (rows drawn), `data-votes` and `data-mean-width` (the mean interval
/// width, which shrinks as votes arrive).
#[component]
pub fn ForestPlot(
    /// The figure's id.
    id: &'static str,
    /// Rows, ranked.
    #[prop(into)]
    rows: Signal<Vec<RowView>>,
    /// Votes behind the fit.
    #[prop(into)]
    n_votes: Signal<usize>,
) -> impl IntoView {
    let shown = Memo::new(move |_| {
        rows.with(|r| r.iter().take(FOREST_MAX_ROWS).cloned().collect::<Vec<_>>())
    });
    let mean_width = move || {
        rows.with(|r| {
            let widths: Vec<f64> = r
                .iter()
                .map(|r| r.ci_high - r.ci_low)
                .filter(|w| w.is_finite())
                .collect();
            widths.iter().sum::<f64>() / widths.len().max(1) as f64
        })
    };
    let height = move || TOP + BOTTOM + ROW * shown.with(Vec::len).max(1) as f64;
    let title = "Scores with 95% intervals";
    view! {
        <figure
            id=id
            class="chart forest"
            data-rows=move || shown.with(Vec::len).to_string()
            data-votes=move || n_votes.get().to_string()
            data-mean-width=move || mean_width().to_string()
        >
            <figcaption>{title}</figcaption>
            <svg
                id=format!("{id}-svg")
                xmlns="http://www.w3.org/2000/svg"
                viewBox=move || format!("0 0 {WIDTH} {}", height())
                role="img"
                aria-label=title
                class="chart-svg"
            >
                {move || forest_marks(shown.get())}
            </svg>
            {move || {
                let total = rows.with(Vec::len);
                (total > FOREST_MAX_ROWS).then(|| view! {
                    <p class="hint">{format!("The top {FOREST_MAX_ROWS} of {total} items; the table lists them all.")}</p>
                })
            }}
            <p class="explain">
                "Each dot is an item's score and each bar its 95% interval: the scores the votes so far are consistent with. "
                "Items whose bars do not overlap are told apart by the votes; the table's rank interval is the range of places an item could still take. "
                "Every vote shortens the bars of the items it compares."
            </p>
            <ChartExport id=id />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_covers_every_interval_and_zero() {
        let (lo, hi) = forest_range(&[
            RowView::example("a", 1.0, 0.5),
            RowView::example("b", 2.0, 0.2),
        ]);
        assert!(lo < 0.0 && hi > 2.2, "{lo} {hi}");
        let (lo, hi) = forest_range(&[RowView::example("a", 0.0, f64::INFINITY)]);
        assert_eq!((lo, hi), (-1.0, 1.0));
    }

    #[test]
    fn ticks_are_round_and_include_zero() {
        assert_eq!(nice_ticks((-5.04, 5.47)), vec![-4.0, -2.0, 0.0, 2.0, 4.0]);
        assert_eq!(nice_ticks((-0.3, 1.1)), vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn the_tooltip_names_the_interval_and_the_ranks() {
        let tip = forest_tip(&RowView::example("mango", 0.25, 0.5));
        assert_eq!(tip, "mango: 0.250, 95% interval [-0.250, 0.750], rank 1–2");
    }
}
