//! The personalized page (`?page=personal`, `?scenario=7`, `?scenario=8`):
//! every personalized model trained in the worker (`Job::Personal`), then
//! the sections that show the result (`views`) and a new voter's quiz
//! (`quiz`).

use leptos::prelude::*;
use prefplay_core::models::personal::RaterVotes;

use super::analysis::{Analysis, DeckVotes, Scenario, scenario_data, votes_of_ballots};
use super::quiz::{Quiz, QuizSection};
use super::views::{Boards, Maps, ModelsTable, YourTop};
use crate::browser::{url_parameter, yield_to_browser};
use crate::fit_job::{EngineRequest, FitSummary};
use crate::job_runner::{FitOutputs, JobRunner};
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

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
    let quiz = Quiz::new();
    // Where the deck's votes came from (none for a scenario).
    let source = RwSignal::new(None::<String>);

    // Every model trains in the worker (`Job::Personal`), on its engine.
    let (_, set_fit) = signal(Err::<FitSummary, String>(String::new()));
    let request = EngineRequest::from_param(url_parameter("engine").as_deref());
    let runner = JobRunner::start(FitOutputs::new(set_fit), request);
    ask_for_analysis(
        runner,
        scenario,
        seed,
        Asked {
            you,
            status,
            done,
            source,
        },
    );
    let shown = Shown {
        analysis,
        status,
        done,
        engines,
        ari,
        curves,
        quiz,
    };
    show_results(runner, shown);

    view! {
        <header class="top">
            <h1>"prefplay — one leaderboard per person"</h1>
            <p class="tagline">"People disagree; personalized models say how."</p>
            <a id="to-playground" href="./">"← Back to voting"</a>
        </header>
        <ScenarioIntro scenario ari />
        <p id="personal-status" class="fit-info" aria-live="polite" data-done=move || done.get().to_string() data-engines=move || engines.get()>{move || status.get()}</p>
        {move || source.get().map(|s| view! { <p id="personal-source" class="fit-info">{s}</p> })}
        <section class="lab-section" aria-label="Models"><ModelsTable analysis=analysis /></section>
        <section class="lab-section" aria-label="Leaderboards side by side">
            <h2>"Leaderboards side by side"</h2>
            <Boards analysis=analysis />
        </section>
        <YourTop analysis=analysis you=you />
        <QuizSection quiz=quiz labels=Signal::derive(move || analysis.with(|a| a.as_ref().map(|a| a.items.clone()).unwrap_or_default())) />
        <Maps analysis=analysis curves=curves />
    }
}

/// Scenario 7's or 8's story above the results (8 with its measured
/// group recovery).
#[component]
fn ScenarioIntro(scenario: Option<Scenario>, ari: RwSignal<Option<f64>>) -> impl IntoView {
    match scenario {
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
    }
}

/// What asking for the analysis sets.
#[derive(Clone, Copy)]
struct Asked {
    /// Which voter is "you".
    you: RwSignal<usize>,
    status: RwSignal<String>,
    done: RwSignal<bool>,
    /// Where the deck's votes came from.
    source: RwSignal<Option<String>>,
}

/// Where a deck's votes came from, so the count can be matched with the
/// voting page's (which counts ballots).
fn source_note(here: &DeckVotes) -> String {
    use crate::words::count;
    format!(
        "{} from {} on this deck (a best-of-k or ranking ballot gives one vote per pair it implies), by the {} who voted on it.",
        count(here.data.votes.len(), "pairwise vote", "pairwise votes"),
        count(here.ballots, "ballot", "ballots"),
        count(here.data.raters.len(), "voter", "voters"),
    )
}

/// What the page shows of the worker's analysis.
#[derive(Clone, Copy)]
struct Shown {
    analysis: RwSignal<Option<Analysis>>,
    status: RwSignal<String>,
    done: RwSignal<bool>,
    /// Which engines ran the training loops.
    engines: RwSignal<String>,
    ari: RwSignal<Option<f64>>,
    curves: RwSignal<Option<(Vec<f64>, Vec<f64>)>>,
    quiz: Quiz,
}

/// Shows the worker's analysis when it comes (or why it failed).
fn show_results(runner: JobRunner, shown: Shown) {
    let Shown {
        analysis,
        status,
        done,
        engines,
        ari,
        curves,
        quiz,
    } = shown;
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
            quiz.start(&a.population, a.items.clone());
            analysis.set(Some(a));
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
}

/// Reads the votes (the scenario's, or the playground's deck) and asks the
/// worker to fit every model to them; too few votes are said instead.
fn ask_for_analysis(runner: JobRunner, scenario: Option<Scenario>, seed: u64, asked: Asked) {
    let Asked {
        you,
        status,
        done,
        source,
    } = asked;
    leptos::task::spawn_local(async move {
        yield_to_browser().await;
        let data: RaterVotes = match scenario {
            Some(s) => scenario_data(s, seed),
            None => {
                let loaded = crate::storage::load().await;
                let w = loaded.workspace;
                let here = votes_of_ballots(
                    w.deck(),
                    &w.participants,
                    w.deck_ballots(),
                    w.active_participant,
                );
                you.set(here.you.unwrap_or(0));
                source.set(Some(source_note(&here)));
                here.data
            }
        };
        if data.votes.len() < 10 {
            status.set(format!(
                "{} on this deck: vote a little more (several voters) in the playground first.",
                crate::words::count(data.votes.len(), "vote", "votes")
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
}
