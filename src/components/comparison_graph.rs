//! The comparison graph: items as nodes on a circle, compared pairs as
//! edges (thicker for more comparisons), each connected component in its
//! own colour, and a plain-words note on what the graph's shape does to
//! the fit.

use leptos::prelude::*;
use prefplay_core::inference::diagnosis::{GraphDiagnosis, PairGraph};
use prefplay_core::{Outcome, Vote};

use super::{ChartExport, PALETTE};

/// Most items drawn with their names (more are drawn without).
const NAMED_NODES: usize = 24;
const SIZE: f64 = 360.0;
/// The circle's radius leaves 80 units for an outward label
/// ([`LABEL_CHARS`] at 11 px) on each side.
const RADIUS: f64 = 90.0;
/// Characters of a node's label (full on hover).
const LABEL_CHARS: usize = 11;

/// The graph of `votes` over `n` items, and the winner → loser arcs'
/// diagnosis (a tie draws both arcs).
pub fn graph_of(n: usize, votes: &[Vote]) -> (PairGraph, GraphDiagnosis) {
    let graph = PairGraph::from_pairs(n, votes.iter().map(|v| (v.item_a, v.item_b)));
    let arcs = votes.iter().flat_map(|v| {
        let (a, b) = (v.item_a, v.item_b);
        match v.outcome {
            Outcome::A => vec![(a, b)],
            Outcome::B => vec![(b, a)],
            Outcome::Tie | Outcome::BothBad => vec![(a, b), (b, a)],
        }
    });
    (graph, GraphDiagnosis::from_arcs(n, arcs))
}

/// Names of `items`, "a, b and c".
fn list(labels: &[String], items: &[usize]) -> String {
    let names: Vec<&str> = items
        .iter()
        .filter_map(|&i| labels.get(i).map(String::as_str))
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What the graph's shape means for the fit, in plain words.
pub fn graph_note(labels: &[String], graph: &PairGraph, diagnosis: &GraphDiagnosis) -> String {
    let unseen = diagnosis.unseen.len();
    let unseen_note = match unseen {
        0 => String::new(),
        1 => " One item has no votes yet.".to_string(),
        u => format!(" {u} items have no votes yet."),
    };
    if graph.n_components > 1 {
        return format!(
            "The votes split the items into {} groups (colours) never compared with each other. \
             Scores compare only within a group: each group is centred on its own, so whether the \
             best of one group beats the best of another is a guess, and the wide intervals say \
             so. Comparing items across groups joins them.{unseen_note}",
            graph.n_components
        );
    }
    let one_sided: Vec<usize> = diagnosis
        .never_lost
        .iter()
        .chain(&diagnosis.never_won)
        .copied()
        .collect();
    if !one_sided.is_empty() && !diagnosis.mle_exists() {
        return format!(
            "Every item is linked to every other through compared pairs, but {} {} only won or \
             only lost. Without the fit's weak prior such a score would run off to ±∞, so read \
             its value and interval as \"at least\" or \"at most\".",
            list(labels, &one_sided),
            if one_sided.len() == 1 { "has" } else { "have" }
        );
    }
    "Every item is linked to every other through compared pairs, and each has both won and lost, \
     so all scores sit on one scale."
        .to_string()
}

/// The graph drawn: items around a circle, grouped by component, and a
/// line per compared pair (thicker for more comparisons).
fn drawing(l: Vec<String>, graph: PairGraph) -> impl IntoView {
    let n = l.len();
    // Around the circle by component, so each group sits together.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (graph.component[i], i));
    let mut at = vec![(0.0, 0.0); n];
    for (k, &i) in order.iter().enumerate() {
        let angle =
            std::f64::consts::TAU * k as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
        at[i] = (
            SIZE / 2.0 + RADIUS * angle.cos(),
            SIZE / 2.0 + RADIUS * angle.sin(),
        );
    }
    let lines = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .filter(|&(a, b)| graph.counts[a][b] > 0)
        .map(|(a, b)| {
            let count = graph.counts[a][b];
            let tip = format!("{} vs {}: {count} comparisons", l[a], l[b]);
            view! {
                <line class="graph-edge" x1=at[a].0 y1=at[a].1 x2=at[b].0 y2=at[b].1
                    stroke="#57606a" stroke-opacity="0.55"
                    stroke-width=1.0 + f64::from(count).log2()
                    data-count=count.to_string()>
                    <title>{tip}</title>
                </line>
            }
        })
        .collect_view();
    let nodes = (0..n)
        .map(|i| {
            let degree = graph.counts[i].iter().filter(|&&c| c > 0).count();
            let c = graph.component[i];
            let tip = format!(
                "{}: compared with {degree} items, group {}",
                l[i],
                c + 1
            );
            let aria = tip.clone();
            let (x, y) = at[i];
            let outward = if x >= SIZE / 2.0 { "start" } else { "end" };
            let dx = if x >= SIZE / 2.0 { 10.0 } else { -10.0 };
            let name = crate::words::shorten(&l[i], LABEL_CHARS);
            view! {
                <g class="graph-node" tabindex="0" aria-label=aria data-component=c.to_string()>
                    <title>{tip}</title>
                    <circle cx=x cy=y r="7" fill=PALETTE[c % PALETTE.len()] stroke="#1f2328" stroke-width="1" />
                    {(n <= NAMED_NODES).then(|| view! {
                        <text class="label" x=x + dx y=y + 4.0 text-anchor=outward>{name}</text>
                    })}
                </g>
            }
        })
        .collect_view();
    view! { {lines} {nodes} }
}

/// The chart (`#{id}`, SVG `#{id}-svg`); the figure carries
/// `data-items`, `data-edges` and `data-components`.
#[component]
pub fn ComparisonGraphChart(
    /// The figure's id.
    id: &'static str,
    /// Item labels.
    #[prop(into)]
    labels: Signal<Vec<String>>,
    /// The votes the fit uses.
    #[prop(into)]
    votes: Signal<Vec<Vote>>,
) -> impl IntoView {
    let shape = Memo::new(move |_| {
        let n = labels.with(Vec::len);
        votes.with(|v| graph_of(n, v))
    });
    let edges = move || {
        shape.with(|(g, _)| {
            g.counts
                .iter()
                .enumerate()
                .map(|(a, row)| row.iter().skip(a + 1).filter(|&&c| c > 0).count())
                .sum::<usize>()
        })
    };
    let title = "Who was compared with whom";
    view! {
        <figure
            id=id
            class="chart graph"
            data-items=move || labels.with(Vec::len).to_string()
            data-edges=move || edges().to_string()
            data-components=move || shape.with(|(g, _)| g.n_components).to_string()
        >
            <figcaption>{title}</figcaption>
            <svg
                id=format!("{id}-svg")
                xmlns="http://www.w3.org/2000/svg"
                viewBox=format!("0 0 {SIZE} {SIZE}")
                role="img"
                aria-label=title
                class="chart-svg square"
            >
                {move || drawing(labels.get(), shape.get().0)}
            </svg>
            <p class="explain graph-note">
                {move || labels.with(|l| shape.with(|(g, d)| graph_note(l, g, d)))}
            </p>
            <ChartExport id=id />
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("item {i}")).collect()
    }

    #[test]
    fn the_note_names_split_groups_and_one_sided_items() {
        let split = [Vote::new(0, 1, Outcome::A), Vote::new(2, 3, Outcome::Tie)];
        let (g, d) = graph_of(4, &split);
        let note = graph_note(&labels(4), &g, &d);
        assert!(
            note.starts_with("The votes split the items into 2 groups"),
            "{note}"
        );
        let one_sided = [Vote::new(0, 1, Outcome::A), Vote::new(1, 2, Outcome::Tie)];
        let (g, d) = graph_of(3, &one_sided);
        let note = graph_note(&labels(3), &g, &d);
        assert!(note.contains("item 0 has only won or only lost"), "{note}");
        let cycle = [
            Vote::new(0, 1, Outcome::A),
            Vote::new(1, 2, Outcome::A),
            Vote::new(2, 0, Outcome::A),
        ];
        let (g, d) = graph_of(3, &cycle);
        assert!(graph_note(&labels(3), &g, &d).contains("one scale"));
    }
}
