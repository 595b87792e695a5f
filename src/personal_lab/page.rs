//! The personalized page.

use leptos::prelude::*;
use prefplay_core::models::personal::{FewShot, PairChoice, PersonalKind, RaterVotes};

use super::analysis::{Analysis, Scenario, scenario_data, votes_of_ballots};
use crate::browser::{url_parameter, yield_to_browser};
use crate::components::{Heatmap, LineChart, Scatter, Series};
use crate::fit_job::{EngineRequest, FitSummary};
use crate::job_runner::{FitOutputs, JobRunner};
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

fn model_title(kind: PersonalKind) -> &'static str {
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
fn top(items: &[String], scores: &[f64], n: usize) -> Vec<(String, f64)> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order
        .into_iter()
        .take(n)
        .map(|i| (items[i].clone(), scores[i]))
        .collect()
}

/// The personalized page.
#[component]
pub fn PersonalLab() -> impl IntoView {
    let scenario = match url_parameter("scenario").as_deref() {
        Some("7") => Some(Scenario::Cycle),
        Some("8") => Some(Scenario::TwoGroups),
        _ => None,
    };
    let seed = url_parameter("seed")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(match scenario {
            Some(Scenario::Cycle) => 7,
            _ => 8,
        });
    let analysis = RwSignal::new(None::<Analysis>);
    let status = RwSignal::new(String::from("Fitting…"));
    let done = RwSignal::new(false);
    // Which engines ran the training loops.
    let engines = RwSignal::new(String::new());
    let you = RwSignal::new(0usize);
    let ari = RwSignal::new(None::<f64>);
    let curves = RwSignal::new(None::<(Vec<f64>, Vec<f64>)>);
    // A new voter's quick personal model: pairs chosen by information.
    let quiz = StoredValue::new_local(None::<FewShot>);
    let quiz_pair = RwSignal::new(None::<(u32, u32)>);
    let quiz_answers = RwSignal::new(0usize);
    let quiz_top = RwSignal::new(Vec::<String>::new());
    let quiz_rng = StoredValue::new_local(rand_pcg::Pcg64Mcg::new(0x9e37_79b9_7f4a_7c15));
    let quiz_refresh = move || {
        let items = analysis
            .with_untracked(|a| a.as_ref().map(|a| a.items.clone()))
            .unwrap_or_default();
        quiz.with_value(|q| {
            if let Some(q) = q {
                let pair =
                    quiz_rng.try_update_value(|rng| q.next_pair(PairChoice::Information, rng));
                quiz_pair.set(pair);
                quiz_top.set(
                    top(&items, &q.scores(), 10)
                        .into_iter()
                        .map(|(l, _)| l)
                        .collect(),
                );
            }
        });
    };
    let quiz_answer = move |a_wins: bool| {
        let Some((a, b)) = quiz_pair.get_untracked() else {
            return;
        };
        quiz.update_value(|q| {
            if let Some(q) = q {
                q.answer(a, b, if a_wins { 1.0 } else { 0.0 });
            }
        });
        quiz_answers.update(|n| *n += 1);
        quiz_refresh();
    };
    let _ = window_event_listener(leptos::ev::keydown, move |e| {
        if quiz_pair.get_untracked().is_none() {
            return;
        }
        match e.key().as_str() {
            "ArrowLeft" => quiz_answer(true),
            "ArrowRight" => quiz_answer(false),
            _ => {}
        }
    });

    // Every model trains in the worker (`Job::Personal`), on its engine.
    let (_, set_fit) = signal(Err::<FitSummary, String>(String::new()));
    let request = EngineRequest::from_param(url_parameter("engine").as_deref());
    let runner = JobRunner::start(FitOutputs::new(set_fit), request);
    leptos::task::spawn_local(async move {
        yield_to_browser().await;
        let data: RaterVotes = match scenario {
            Some(s) => scenario_data(s, seed),
            None => {
                let loaded = crate::storage::load().await;
                let w = loaded.workspace;
                you.set(w.active_participant as usize);
                votes_of_ballots(w.deck(), &w.participants, w.deck_ballots())
            }
        };
        if data.votes.len() < 10 {
            status.set(format!(
                "{} votes on this deck: vote a little more (several voters) in the playground first.",
                data.votes.len()
            ));
            done.set(true);
            return;
        }
        status.set(format!(
            "Fitting every model to {} votes…",
            data.votes.len()
        ));
        let job = Job::Personal {
            data,
            seed,
            scenario,
        };
        runner.request_analysis(job, Vec::new());
    });
    Effect::new(move |_| match runner.analysis(AnalysisKind::Personal) {
        Some(Ok(JobResult::Personal(r))) => {
            let a = r.analysis;
            ari.set(r.ari);
            curves.set(r.curves);
            status.set(format!(
                "{} votes by {} voters on {} items; every model fitted in {:.0} ms. Trained on: {}.",
                a.n_votes,
                a.raters.len(),
                a.items.len(),
                r.fit_ms,
                r.engines.join("; ")
            ));
            engines.set(r.engines.join("; "));
            quiz.set_value(FewShot::new(&a.population));
            analysis.set(Some(a));
            quiz_refresh();
            done.set(true);
        }
        Some(Ok(_)) => {
            status.set("The models could not be fitted: an unexpected reply".into());
            done.set(true);
        }
        Some(Err(e)) => {
            status.set(format!("The models could not be fitted: {e}"));
            done.set(true);
        }
        None => {}
    });

    let with = move |f: &dyn Fn(&Analysis) -> AnyView| analysis.with(|a| a.as_ref().map(f));
    let models = move || {
        with(&|a: &Analysis| {
            let best = a.best;
            view! {
                <table id="personal-models" class="leaderboard">
                    <caption>"Every model on the same held-out votes (a fifth of each voter's votes)"</caption>
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
            }
            .into_any()
        })
    };
    let boards = move || {
        with(&|a: &Analysis| {
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
        })
    };
    let your_top = move || {
        with(&|a: &Analysis| {
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
                    <p class="hint">{format!("From the {} model, the best on held-out votes; your votes never leave this device.", model_title(a.best))}</p>
                </section>
            }
            .into_any()
        })
    };
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
    // Voters ordered by group, so agreement shows as blocks.
    let by_group = move |a: &Analysis| {
        let mut order: Vec<usize> = (0..a.raters.len()).collect();
        order.sort_by_key(|&u| (a.groups.get(u).copied().unwrap_or(0), u));
        order
    };
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
    let few_shot = Signal::derive(move || {
        curves.get().map_or_else(Vec::new, |(eig, random)| {
            let points = |c: &[f64]| c.iter().enumerate().map(|(k, &v)| (k as f64, v)).collect();
            vec![
                Series {
                    name: "pairs chosen by information".into(),
                    points: points(&eig),
                },
                Series {
                    name: "random pairs".into(),
                    points: points(&random),
                },
            ]
        })
    });

    view! {
        <header class="top">
            <h1>"prefplay — one leaderboard per person"</h1>
            <p class="tagline">"People disagree; personalized models say how."</p>
            <a id="to-playground" href="./">"← Back to voting"</a>
        </header>
        {match scenario {
            Some(Scenario::Cycle) => view! {
                <section id="scenario" class="lab-section" aria-label="Scenario 7">
                    <h2>"Scenario 7: rock, paper, scissors"</h2>
                    <p class="explain-text">"Rock beats scissors, scissors beat paper, paper beats rock, each 9 times in 10. No list of scores can hold a cycle, so Bradley–Terry gives all three about the same score and guesses. Preference embeddings (GPM) place the items around a circle and predict each vote of the cycle."</p>
                </section>
            }.into_any(),
            Some(Scenario::TwoGroups) => view! {
                <section id="scenario" class="lab-section" aria-label="Scenario 8">
                    <h2>"Scenario 8: two groups who disagree"</h2>
                    <p class="explain-text">"Half the voters rank the items one way, half another. The pooled leaderboard averages two tastes that nobody has; the mixture finds the two groups from 20 votes each, and each voter's leaderboard follows their group."</p>
                    <p id="scenario-ari" data-ari=move || ari.get().map(|v| v.to_string())>
                        {move || ari.get().map(|v| format!("Groups recovered: adjusted Rand index {v:.2} (1 = exactly the true groups)."))}
                    </p>
                </section>
            }.into_any(),
            None => ().into_any(),
        }}
        <p id="personal-status" class="fit-info" aria-live="polite" data-done=move || done.get().to_string() data-engines=move || engines.get()>{move || status.get()}</p>
        <section class="lab-section" aria-label="Models">{models}</section>
        <section class="lab-section" aria-label="Leaderboards side by side">
            <h2>"Leaderboards side by side"</h2>
            {boards}
        </section>
        {your_top}
        {move || quiz_pair.get().map(|(a, b)| {
            let label = |i: u32| analysis.with(|x| x.as_ref().and_then(|x| x.items.get(i as usize).cloned())).unwrap_or_default();
            view! {
                <section id="quiz" class="lab-section" aria-label="A personal model from a few answers">
                    <h2>"New here? A personal leaderboard from a few answers"</h2>
                    <p class="explain-text">"Each pair is the one whose answer tells the model most about you (expected information gain under the voters so far). Your answers stay on this page and are not saved as votes."</p>
                    <div class="pair">
                        <button id="quiz-left" class="choice" aria-keyshortcuts="ArrowLeft" on:click=move |_| quiz_answer(true)>{label(a)} " " <kbd>"←"</kbd></button>
                        <button id="quiz-right" class="choice" aria-keyshortcuts="ArrowRight" on:click=move |_| quiz_answer(false)>{label(b)} " " <kbd>"→"</kbd></button>
                    </div>
                    <p id="quiz-count" data-answers=move || quiz_answers.get().to_string()>{move || format!("{} answers", quiz_answers.get())}</p>
                    <ol id="quiz-top">{move || quiz_top.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
                </section>
            }
        })}
        <section class="lab-section" aria-label="Maps">
            <div class="charts">
                <Scatter id="rater-map" title="Voters mapped by their scores (two principal components), coloured by group" points=map_points />
                <Heatmap id="agreement" title="Agreement between voters (Kendall τ), ordered by group" labels=rater_labels values=agreement middle=0.0 />
                <Heatmap id="cycle-matrix" title="P(row beats column), preference embeddings" labels=item_labels values=gpm middle=0.5 />
                {move || curves.with(Option::is_some).then(|| view! {
                    <LineChart id="few-shot" title="A new voter: accuracy after k answers" x_label="answers k" y_label="pairs ordered right" series=few_shot />
                })}
            </div>
        </section>
    }
}
