//! The glossary under the charts: the words the page uses, in plain
//! terms.

use leptos::prelude::*;

/// (term, anchor, explanation).
pub const GLOSSARY: [(&str, &str, &str); 10] = [
    (
        "Bradley–Terry (BT)",
        "bt",
        "Each item has a strength; the chance that A beats B is strength(A) / (strength(A) + \
         strength(B)). The model finds the strengths that make the votes most likely.",
    ),
    (
        "Score",
        "score",
        "The logarithm of an item's strength, shifted so the average item scores 0. A gap of 1 \
         means the better item wins about 73% of the time; a gap of 2, about 88%.",
    ),
    (
        "95% interval",
        "interval",
        "The scores the votes are consistent with: score ± 1.96 standard errors. It narrows as \
         the item takes part in more votes.",
    ),
    (
        "Rank interval",
        "rank-interval",
        "The places an item could hold given the intervals: it is certainly below the items whose \
         intervals lie wholly above its own, and above those wholly below.",
    ),
    (
        "Ties",
        "ties",
        "A tie can count as half a win each (the default), or be modelled: Davidson (1970) adds \
         a tie chance that grows when the items are close; Rao and Kupper (1967) add a \
         threshold below which differences are not noticed.",
    ),
    (
        "Information gain (nats)",
        "information-gain",
        "How much a vote on a pair is expected to teach the model about the scores, in nats \
         (the natural unit of information; 0.69 nats is one yes-or-no answer). Information \
         gain shows the pair with the most.",
    ),
    (
        "Thurstone",
        "thurstone",
        "Like BT with the normal distribution in place of the logistic: nearly the same order, \
         scores on a different scale.",
    ),
    (
        "Plackett–Luce",
        "plackett-luce",
        "BT for rankings and best-of-k: the first choice is picked in proportion to strength, \
         then the next among the rest, and so on.",
    ),
    (
        "Elo",
        "elo",
        "An online rating: after each vote the winner takes K × (1 − expected) points from the \
         loser. It depends on the order of the votes; BT does not.",
    ),
    (
        "Comparison graph",
        "graph",
        "Items as points, compared pairs as lines. Scores are only comparable between items \
         linked by a chain of comparisons.",
    ),
];

/// The glossary (`#glossary`, a `<details>` closed by default; each
/// term is a `<dt id=glossary-{anchor}>`).
#[component]
pub fn Glossary() -> impl IntoView {
    view! {
        <details id="glossary" class="glossary">
            <summary>"Glossary"</summary>
            <dl>
                {GLOSSARY
                    .iter()
                    .map(|(term, anchor, text)| view! {
                        <dt id=format!("glossary-{anchor}")>{*term}</dt>
                        <dd>{*text}</dd>
                    })
                    .collect_view()}
            </dl>
        </details>
    }
}
