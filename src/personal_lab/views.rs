//! The personalized page's sections, each drawn from the worker's
//! [`Analysis`]: every model's held-out scores, the leaderboards side by
//! side, your top 10, and the maps.

use leptos::prelude::*;
use prefplay_core::models::personal::PersonalKind;

use super::analysis::Analysis;
use crate::components::{Heatmap, LineChart, Scatter, Series};

/// The model's name on the page.
pub fn model_title(kind: PersonalKind) -> &'static str {
    match kind {
        PersonalKind::Bt => "Pooled Bradley–Terry",
        PersonalKind::Shrinkage => "Per-voter BT, shrunk to the group",
        PersonalKind::LowRank => "Low-rank voter basis",
        PersonalKind::Mixture => "Groups of voters (mixture)",
        PersonalKind::Gpm => "Preference embeddings (GPM, cycles)",
        PersonalKind::Features => "Reward head on item features, per voter",
        PersonalKind::IdealPoints => "Ideal points (PAL prototypes)",
    }
}

/// The top `n` items of `scores`, best first.
pub fn top(items: &[String], scores: &[f64], n: usize) -> Vec<(String, f64)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
        .into_iter()
        .take(n)
        .map(|i| (items[i].clone(), scores[i]))
        .collect()
}

/// `#personal-models`: every model on the same held-out votes, the best
/// personalized one marked.
#[component]
pub fn ModelsTable(
    /// The worker's analysis, once done.
    analysis: RwSignal<Option<Analysis>>,
) -> impl IntoView {
    move || {
        analysis.with(|a| a.as_ref().map(|a| {
            let best = a.best_overall;
            view! {
                <div class="table-scroll">
                <table id="personal-models" class="leaderboard">
                    <caption>"Every model on the same held-out votes (a fifth of each voter's votes); in bold, the one that predicts them best (lowest log-loss)"</caption>
                    <thead><tr>
                        <th scope="col">"Model"</th><th scope="col" class="num">"Log-loss"</th>
                        <th scope="col" class="num">"Accuracy"</th><th scope="col">"Chosen in training"</th>
                    </tr></thead>
                    <tbody>
                        {a.models.iter().map(|m| view! {
                            <tr data-model=m.kind.name() data-log-loss=m.log_loss.to_string() data-accuracy=m.accuracy.to_string()
                                class:best=m.kind == best>
                                <td>{model_title(m.kind)}</td>
                                <td class="num">{format!("{:.3}", m.log_loss)}</td>
                                <td class="num">{format!("{:.3}", m.accuracy)}</td>
                                <td>{m.chosen.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            }
            .into_any()
        }))
    }
}

/// `#rater-boards`: the pooled leaderboard beside the first voters' own.
#[component]
pub fn Boards(
    /// The worker's analysis, once done.
    analysis: RwSignal<Option<Analysis>>,
) -> impl IntoView {
    move || {
        analysis.with(|a| a.as_ref().map(|a| {
            let pooled = top(&a.items, &a.pooled, 10);
            let shown = a.raters.len().min(6);
            view! {
                <div id="rater-boards" class="boards">
                    <table class="leaderboard board" data-rater="pooled">
                        <caption>"Everyone (pooled BT)"</caption>
                        <tbody>{pooled.into_iter().enumerate().map(|(i, (l, _))| view! { <tr><td>{i + 1}</td><td>{l}</td></tr> }).collect_view()}</tbody>
                    </table>
                    {(0..shown).map(|u| {
                        let rows = top(&a.items, &a.personal[u], 10);
                        let group = a.groups.get(u).map_or(String::new(), |g| format!(" · group {}", g + 1));
                        view! {
                            <table class="leaderboard board" data-rater=a.raters[u].clone()>
                                <caption>{format!("{}{group}", a.raters[u])}</caption>
                                <tbody>{rows.into_iter().enumerate().map(|(i, (l, _))| view! { <tr><td>{i + 1}</td><td>{l}</td></tr> }).collect_view()}</tbody>
                            </table>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any()
        }))
    }
}

/// `#your-top`: a voter's personal top 10, the voter chosen.
#[component]
pub fn YourTop(
    /// The worker's analysis, once done.
    analysis: RwSignal<Option<Analysis>>,
    /// Which voter is "you".
    you: RwSignal<usize>,
) -> impl IntoView {
    move || {
        analysis.with(|a| a.as_ref().map(|a| {
            let u = you.get().min(a.raters.len().saturating_sub(1));
            let rows = top(&a.items, &a.personal[u], 10);
            view! {
                <section id="your-top" class="lab-section" aria-label="Your personal top 10">
                    <h2>"Your personal top 10"</h2>
                    <label>"Voter "
                        <select id="your-rater" prop:value=u.to_string() on:change=move |e| {
                            if let Ok(v) = event_target_value(&e).parse::<usize>() {
                                you.set(v);
                            }
                        }>
                            {a.raters.iter().enumerate().map(|(i, r)| view! { <option value=i.to_string()>{r.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <ol id="your-top-list">
                        {rows.into_iter().map(|(l, s)| { let shown = l.clone(); view! { <li data-item=l data-score=s.to_string()>{shown}</li> } }).collect_view()}
                    </ol>
                    <p class="hint">{source_note(a)}</p>
                </section>
            }
            .into_any()
        }))
    }
}

/// Scenario (8)'s few-shot curves as chart lines.
fn few_shot_lines((eig, random): &(Vec<f64>, Vec<f64>)) -> Vec<Series> {
    let points = |c: &[f64]| c.iter().enumerate().map(|(k, &v)| (k as f64, v)).collect();
    vec![
        Series {
            name: "pairs chosen by information".into(),
            points: points(eig),
        },
        Series {
            name: "random pairs".into(),
            points: points(random),
        },
    ]
}

/// Voters ordered by group, so agreement shows as blocks.
fn by_group(a: &Analysis) -> Vec<usize> {
    let mut order: Vec<usize> = (0..a.raters.len()).collect();
    order.sort_by_key(|&u| (a.groups.get(u).copied().unwrap_or(0), u));
    order
}

/// The voter map, the agreement and cycle matrices, and (scenario 8) the
/// few-shot curves.
#[component]
pub fn Maps(
    /// The worker's analysis, once done.
    analysis: RwSignal<Option<Analysis>>,
    /// Scenario (8)'s few-shot curves: by information, at random.
    curves: RwSignal<Option<(Vec<f64>, Vec<f64>)>>,
) -> impl IntoView {
    let map_points = Signal::derive(move || {
        analysis.with(|a| {
            a.as_ref().map_or_else(Vec::new, |a| {
                a.map
                    .iter()
                    .enumerate()
                    .map(|(u, &(x, y))| {
                        (
                            a.raters[u].clone(),
                            x,
                            y,
                            a.groups.get(u).copied().unwrap_or(0),
                        )
                    })
                    .collect()
            })
        })
    });
    let rater_labels = Signal::derive(move || {
        analysis.with(|a| {
            a.as_ref().map_or_else(Vec::new, |a| {
                by_group(a)
                    .into_iter()
                    .map(|u| a.raters[u].clone())
                    .collect()
            })
        })
    });
    let agreement = Signal::derive(move || {
        analysis.with(|a| {
            a.as_ref().map_or_else(Vec::new, |a| {
                let order = by_group(a);
                order
                    .iter()
                    .map(|&u| order.iter().map(|&v| a.agreement[u][v]).collect())
                    .collect()
            })
        })
    });
    let item_labels = Signal::derive(move || {
        analysis.with(|a| a.as_ref().map_or_else(Vec::new, |a| a.items.clone()))
    });
    let gpm = Signal::derive(move || {
        analysis.with(|a| a.as_ref().map_or_else(Vec::new, |a| a.gpm.clone()))
    });
    let few_shot =
        Signal::derive(move || curves.with(|c| c.as_ref().map_or_else(Vec::new, few_shot_lines)));
    view! {
        <section class="lab-section" aria-label="Maps">
            <div class="charts">
                <Scatter id="rater-map" title="Voters mapped by their scores (two principal components), coloured by group" points=map_points note="Each dot is a voter; voters close together rank the items alike. Colours are the mixture's groups." />
                <Heatmap id="agreement" title="Agreement between voters (Kendall τ), ordered by group" labels=rater_labels values=agreement middle=0.0 note="Blue: two voters order the items alike; orange: in opposite ways; white: unrelated." />
                <Heatmap id="cycle-matrix" title="P(row beats column), preference embeddings" labels=item_labels values=gpm middle=0.5 note="Preference embeddings' chance that the row's item beats the column's: a cycle shows as blue above and below the diagonal, which no single score can give." />
                {move || curves.with(Option::is_some).then(|| view! {
                    <LineChart id="few-shot" title="A new voter: accuracy after k answers" x_label="answers k" y_label="pairs ordered right" series=few_shot note="A new voter's leaderboard after k answers: chosen pairs (information gain) against random ones." />
                })}
            </div>
        </section>
    }
}

/// Where the per-voter list comes from, and what predicts best if that is
/// not a model with per-voter scores.
pub fn source_note(a: &Analysis) -> String {
    let from = format!(
        "From the {} model, the best of those that give each voter scores on held-out votes",
        model_title(a.best)
    );
    let overall = match a.best_overall {
        PersonalKind::Bt => format!(
            "; {} predicts them better still, so these voters mostly agree",
            model_title(PersonalKind::Bt)
        ),
        PersonalKind::Gpm => format!(
            "; {} predicts them better still (it can hold cycles) but gives no list per voter",
            model_title(PersonalKind::Gpm)
        ),
        _ => String::new(),
    };
    format!("{from}{overall}. Your votes never leave this device.")
}
