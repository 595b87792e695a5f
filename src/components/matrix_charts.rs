//! Two small SVG charts: a scatter of labelled points coloured by group,
//! and a heat map of a square matrix (values in −1 … 1 or 0 … 1).

use leptos::prelude::*;

use super::ChartExport;
use super::line_chart::PALETTE;

const SIZE: f64 = 300.0;
const PAD: f64 = 16.0;

/// Points (x, y) with a label and a group; each `<circle>` is focusable
/// and carries `data-label` and `data-group`.
#[component]
pub fn Scatter(
    /// The figure's id (its SVG's is `{id}-svg`).
    id: &'static str,
    /// Accessible name and caption.
    #[prop(into)]
    title: String,
    /// (label, x, y, group).
    #[prop(into)]
    points: Signal<Vec<(String, f64, f64, usize)>>,
    /// Names of the x and y axes: written along them and in each point's
    /// tooltip with its values (without them the tooltip names the group).
    #[prop(optional)]
    axes: Option<(&'static str, &'static str)>,
    /// Both axes on one range, with the line y = x dashed across it.
    #[prop(optional)]
    diagonal: bool,
    /// What the chart shows and how to read it.
    #[prop(into)]
    note: String,
) -> impl IntoView {
    let caption = title.clone();
    view! {
        <figure id=id class="chart">
            <figcaption>{caption}</figcaption>
            <svg id=format!("{id}-svg") xmlns="http://www.w3.org/2000/svg" class="chart-svg square" viewBox=format!("0 0 {SIZE} {SIZE}") role="img" aria-label=title>
                {move || {
                    let p = points.get();
                    let span = |f: fn(&(String, f64, f64, usize)) -> f64| {
                        let lo = p.iter().map(f).fold(f64::INFINITY, f64::min);
                        let hi = p.iter().map(f).fold(f64::NEG_INFINITY, f64::max);
                        if hi - lo < 1e-9 { (lo - 1.0, hi + 1.0) } else { (lo, hi) }
                    };
                    let (mut xr, mut yr) = (span(|q| q.1), span(|q| q.2));
                    if diagonal {
                        let both = (xr.0.min(yr.0), xr.1.max(yr.1));
                        (xr, yr) = (both, both);
                    }
                    let sx = move |x: f64| PAD + (x - xr.0) / (xr.1 - xr.0) * (SIZE - 2.0 * PAD);
                    let sy = move |y: f64| SIZE - PAD - (y - yr.0) / (yr.1 - yr.0) * (SIZE - 2.0 * PAD);
                    let guide = diagonal.then(|| view! {
                        <line class="diagonal" x1=sx(xr.0) y1=sy(yr.0) x2=sx(xr.1) y2=sy(yr.1)
                            stroke="#8c959f" stroke-dasharray="4 4" />
                    });
                    let names = axes.map(|(x, y)| view! {
                        <text class="axis-label" x=SIZE / 2.0 y=SIZE - 2.0 text-anchor="middle">{format!("{x} →")}</text>
                        <text class="axis-label" x="10" y=SIZE / 2.0 text-anchor="middle"
                            transform=format!("rotate(-90 10 {})", SIZE / 2.0)>{format!("{y} →")}</text>
                        // The ends of each axis, in its units.
                        <text class="tick" x=PAD y=SIZE - 2.0 text-anchor="start">{format!("{:.1}", xr.0)}</text>
                        <text class="tick" x=SIZE - PAD y=SIZE - 2.0 text-anchor="end">{format!("{:.1}", xr.1)}</text>
                        <text class="tick" x="2" y=SIZE - PAD text-anchor="start">{format!("{:.1}", yr.0)}</text>
                        <text class="tick" x="2" y=PAD + 4.0 text-anchor="start">{format!("{:.1}", yr.1)}</text>
                    });
                    let dots = p.into_iter().map(|(label, x, y, g)| {
                        let tip = match axes {
                            Some((xn, yn)) => format!("{label}: {xn} {x:.2}, {yn} {y:.2}"),
                            None => format!("{label}: group {}", g + 1),
                        };
                        let name = tip.clone();
                        view! {
                            <circle cx=sx(x) cy=sy(y) r="6" fill=PALETTE[g % PALETTE.len()] tabindex="0"
                                aria-label=name data-label=label data-group=g.to_string()>
                                <title>{tip}</title>
                            </circle>
                        }
                    }).collect_view();
                    view! { {guide} {names} {dots} }
                }}
            </svg>
            <p class="chart-note">{note}</p>
            <ChartExport id=id />
        </figure>
    }
}

/// Characters of a heat map's label that fit its margin.
const LABEL_CHARS: usize = 11;
/// The left and top margins for the labels: 11 characters at 11 px are
/// up to about 78 units wide.
const LABEL_MARGIN: f64 = 86.0;

/// A heat map: cell (i, j) is `values[i][j]`, blue for high and orange for
/// low (colour-blind safe), grey where it is not finite (no data), with
/// row labels; each `<rect>` has `data-value`.
#[component]
pub fn Heatmap(
    /// The figure's id (its SVG's is `{id}-svg`).
    id: &'static str,
    /// Accessible name and caption.
    #[prop(into)]
    title: String,
    /// Row and column labels.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The matrix.
    #[prop(into)]
    values: Signal<Vec<Vec<f64>>>,
    /// The value drawn white (0 for τ, 0.5 for probabilities).
    middle: f64,
    /// The value drawn darkest blue (1 for τ and probabilities; the
    /// largest count for counts, shown without decimals).
    #[prop(into, default = Signal::stored(1.0))]
    top: Signal<f64>,
    /// What the chart shows and how to read it.
    #[prop(into)]
    note: String,
) -> impl IntoView {
    let caption = title.clone();
    view! {
        <figure id=id class="chart">
            <figcaption>{caption}</figcaption>
            <svg id=format!("{id}-svg") xmlns="http://www.w3.org/2000/svg" class="chart-svg square" viewBox=format!("0 0 {SIZE} {SIZE}") role="img" aria-label=title>
                {move || {
                    let v = values.get();
                    let l = labels.get();
                    let n = v.len().max(1);
                    let left = LABEL_MARGIN;
                    let cell = (SIZE - left) / n as f64;
                    let top = top.get();
                    let counts = top > 1.0;
                    let colour = move |x: f64| {
                        if !x.is_finite() {
                            return "#e1e4e8".to_string();
                        }
                        let t = ((x - middle) / (top - middle).max(1e-9)).clamp(-1.0, 1.0);
                        let (r, g, b) = if t >= 0.0 { (0.0, 114.0, 178.0) } else { (230.0, 159.0, 0.0) };
                        let a = t.abs();
                        format!(
                            "rgb({:.0},{:.0},{:.0})",
                            255.0 + (r - 255.0) * a,
                            255.0 + (g - 255.0) * a,
                            255.0 + (b - 255.0) * a
                        )
                    };
                    let cells = v.iter().enumerate().flat_map(|(i, row)| {
                        let l = l.clone();
                        row.iter().enumerate().map(move |(j, &x)| {
                            let (row, col) = (
                                l.get(i).cloned().unwrap_or_default(),
                                l.get(j).cloned().unwrap_or_default(),
                            );
                            let tip = if counts && x.is_finite() {
                                format!("{row} vs {col}: {x:.0}")
                            } else if x.is_finite() {
                                format!("{row} vs {col}: {x:.2}")
                            } else {
                                format!("{row} vs {col}: no data")
                            };
                            let name = tip.clone();
                            view! {
                                <rect x=left + j as f64 * cell y=left + i as f64 * cell
                                    width=cell height=cell fill=colour(x) tabindex="0" aria-label=name
                                    data-row=i.to_string() data-col=j.to_string() data-value=x.to_string()>
                                    <title>{tip}</title>
                                </rect>
                            }
                        }).collect::<Vec<_>>()
                    }).collect_view();
                    // Labels shortened to fit the margin, in full on hover;
                    // rows on the left, columns upright along the top.
                    let rows = l.iter().enumerate().map(|(i, name)| view! {
                        <text class="tick" x=left - 4.0 y=left + (i as f64 + 0.6) * cell text-anchor="end">
                            {crate::words::shorten(name, LABEL_CHARS)}<title>{name.clone()}</title>
                        </text>
                    }).collect_view();
                    let columns = l.iter().enumerate().map(|(j, name)| {
                        let x = left + (j as f64 + 0.6) * cell;
                        view! {
                            <text class="tick column-label" x=x y=left - 4.0 text-anchor="start"
                                transform=format!("rotate(-90 {x} {})", left - 4.0)>
                                {crate::words::shorten(name, LABEL_CHARS)}<title>{name.clone()}</title>
                            </text>
                        }
                    }).collect_view();
                    view! { {cells} {rows} {columns} }
                }}
            </svg>
            <p class="heat-legend" aria-hidden="true">
                {move || {
                    let top = top.get();
                    let counts = top > 1.0;
                    let low = if counts { 0.0 } else { 2.0 * middle - top };
                    let fmt = move |v: f64| if counts { format!("{v:.0}") } else { format!("{v:.1}") };
                    view! {
                        <span>{fmt(low)}</span>
                        <span class=if counts { "ramp counts" } else { "ramp" }></span>
                        <span>{fmt(top)}</span>
                    }
                }}
            </p>
            <p class="chart-note">{note}</p>
            <ChartExport id=id />
        </figure>
    }
}
