//! A line chart in SVG: several series on shared axes, a colour-blind-safe
//! palette (Okabe–Ito), each line focusable with its name and last value
//! as a tooltip, and SVG and PNG export.

use leptos::prelude::*;

use super::ChartExport;
use super::forest_plot::nice_ticks;

/// Okabe & Ito's colour-blind-safe palette (without black and yellow,
/// which read poorly on white).
pub const PALETTE: [&str; 7] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#6a3d9a",
];

/// One line.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// Shown in the legend and tooltip.
    pub name: String,
    /// (x, y) points; non-finite ones are skipped.
    pub points: Vec<(f64, f64)>,
}

const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// The data range over every series' finite points, y clipped to `y_cap`
/// from above; a flat range is widened so the scale is defined.
pub fn bounds(series: &[Series], y_cap: Option<f64>) -> ((f64, f64), (f64, f64)) {
    let mut x = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y = (f64::INFINITY, f64::NEG_INFINITY);
    for &(px, py) in series.iter().flat_map(|s| &s.points) {
        if px.is_finite() && py.is_finite() {
            x = (x.0.min(px), x.1.max(px));
            y = (y.0.min(py), y.1.max(py));
        }
    }
    if let Some(cap) = y_cap {
        y.1 = y.1.min(cap);
        y.0 = y.0.min(y.1);
    }
    let widen = |(lo, hi): (f64, f64)| {
        if !lo.is_finite() {
            (0.0, 1.0)
        } else if hi - lo < 1e-9 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        }
    };
    (widen(x), widen(y))
}

fn tick_label(v: f64) -> String {
    if v.abs() >= 100.0 || v == v.round() {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The polyline `points` attribute of `points` scaled into the plot area,
/// y clipped to the range.
pub fn polyline(points: &[(f64, f64)], xr: (f64, f64), yr: (f64, f64)) -> String {
    let sx = |x: f64| LEFT + (x - xr.0) / (xr.1 - xr.0) * (WIDTH - LEFT - RIGHT);
    let sy = |y: f64| TOP + (yr.1 - y.clamp(yr.0, yr.1)) / (yr.1 - yr.0) * (HEIGHT - TOP - BOTTOM);
    points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chart. Each line carries `data-series` and `data-points` (how many
/// points it has) for scripts; the figure has `data-series-count`.
#[component]
pub fn LineChart(
    /// The figure's id (the SVG's is `{id}-svg`).
    id: &'static str,
    /// Title above the chart (also the SVG's accessible name).
    #[prop(into)]
    title: String,
    /// The x axis's label, with its unit.
    #[prop(into)]
    x_label: String,
    /// The y axis's label, with its unit.
    #[prop(into)]
    y_label: String,
    /// The lines.
    #[prop(into)]
    series: Signal<Vec<Series>>,
    /// What the chart shows and how to read it, in a sentence or two.
    #[prop(into)]
    note: String,
    /// Values above this are drawn at the top edge (the note then says
    /// so, and the figure has `data-clipped="true"`).
    #[prop(optional)]
    y_cap: Option<f64>,
) -> impl IntoView {
    let clipped = move || {
        y_cap.is_some_and(|cap| {
            series.with(|s| {
                s.iter()
                    .flat_map(|l| &l.points)
                    .any(|p| p.1.is_finite() && p.1 > cap)
            })
        })
    };
    let svg_id = format!("{id}-svg");
    let title_text = title.clone();
    view! {
        <figure id=id class="chart" data-series-count=move || series.with(Vec::len).to_string()
            data-clipped=move || clipped().to_string()>
            <figcaption>{title.clone()}</figcaption>
            <svg
                id=svg_id
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="img"
                aria-label=title_text
                class="chart-svg"
            >
                {move || {
                    let s = series.get();
                    let (xr, yr) = bounds(&s, y_cap);
                    let grid = nice_ticks(yr)
                        .into_iter()
                        .map(|v| {
                            let y = TOP + (yr.1 - v) / (yr.1 - yr.0) * (HEIGHT - TOP - BOTTOM);
                            view! {
                                <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y />
                                <text class="tick" x=LEFT - 4.0 y=y + 4.0 text-anchor="end">{tick_label(v)}</text>
                            }
                        })
                        .collect_view();
                    let xticks = nice_ticks(xr)
                        .into_iter()
                        .map(|v| {
                            let x = LEFT + (v - xr.0) / (xr.1 - xr.0) * (WIDTH - LEFT - RIGHT);
                            // A label centred on the last tick would run
                            // past the drawing's right edge: end it there.
                            let anchor = if x > WIDTH - RIGHT - 24.0 { "end" } else { "middle" };
                            view! {
                                <text class="tick" x=x y=HEIGHT - BOTTOM + 16.0 text-anchor=anchor>{tick_label(v)}</text>
                            }
                        })
                        .collect_view();
                    let lines = s
                        .iter()
                        .enumerate()
                        .map(|(i, line)| {
                            let colour = PALETTE[i % PALETTE.len()];
                            let last = line.points.iter().rev().find(|p| p.1.is_finite());
                            let tip = match last {
                                Some((x, y)) => format!(
                                    "{}: {} at {}",
                                    line.name,
                                    crate::words::value(*y),
                                    crate::words::value(*x)
                                ),
                                None => line.name.clone(),
                            };
                            let label = tip.clone();
                            view! {
                                <polyline
                                    class="series"
                                    fill="none"
                                    stroke=colour
                                    stroke-width="2"
                                    stroke-dasharray={if i >= PALETTE.len() { "6 3" } else { "none" }}
                                    tabindex="0"
                                    aria-label=label
                                    data-series=line.name.clone()
                                    data-points=line.points.len().to_string()
                                    points=polyline(&line.points, xr, yr)
                                >
                                    <title>{tip}</title>
                                </polyline>
                            }
                        })
                        .collect_view();
                    view! {
                        {grid}
                        {xticks}
                        <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=HEIGHT - BOTTOM />
                        <line class="axis" x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
                        {lines}
                    }
                }}
                <text class="axis-label" x=(LEFT + WIDTH - RIGHT) / 2.0 y=HEIGHT - 6.0 text-anchor="middle">{x_label}</text>
                <text class="axis-label" x="12" y=(TOP + HEIGHT - BOTTOM) / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 12 {})", (TOP + HEIGHT - BOTTOM) / 2.0)>{y_label}</text>
            </svg>
            <ul class="legend">
                {move || series.get().into_iter().enumerate().map(|(i, s)| view! {
                    <li><span class="swatch" style=format!("background:{}", PALETTE[i % PALETTE.len()])></span>{s.name}</li>
                }).collect_view()}
            </ul>
            <p class="chart-note">{note}
                {move || clipped().then(|| format!(
                    " Values above {} are drawn at the top edge (clipped): hover a line for its last value.",
                    crate::words::value(y_cap.unwrap_or_default())
                ))}
            </p>
            <ChartExport id=id />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_skip_non_finite_points_and_honour_the_cap() {
        let s = vec![Series {
            name: "a".into(),
            points: vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 50.0), (3.0, -1.0)],
        }];
        assert_eq!(bounds(&s, None), ((0.0, 3.0), (-1.0, 50.0)));
        assert_eq!(bounds(&s, Some(5.0)), ((0.0, 3.0), (-1.0, 5.0)));
        assert_eq!(bounds(&[], None), ((0.0, 1.0), (0.0, 1.0)));
    }

    #[test]
    fn polylines_scale_into_the_plot_area() {
        let p = polyline(
            &[(0.0, 0.0), (1.0, 1.0), (2.0, f64::INFINITY)],
            (0.0, 1.0),
            (0.0, 1.0),
        );
        assert_eq!(
            p,
            format!(
                "{LEFT:.1},{:.1} {:.1},{TOP:.1}",
                HEIGHT - BOTTOM,
                WIDTH - RIGHT
            )
        );
    }
}
