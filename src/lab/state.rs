//! The loss lab's state, shared through Leptos context: the job runner
//! (every run trains in the worker, `Job::Policy`), the trainer's
//! settings, the playground's votes, and the comparison's lines. Results
//! come back as [`PolicyTrack`]s; the page only draws them.

use leptos::prelude::*;
use prefplay_core::labs::loss::{LossKind, LossParams};
use prefplay_core::labs::toy_policy::{Rater, ToyConfig};
use prefplay_core::playground::collect::Ballot;

use super::runs::{self, PolicyStart, Recorded};
use crate::browser::url_parameter;
use crate::fit_job::{EngineRequest, FitSummary};
use crate::job_runner::{FitOutputs, JobRunner};
use crate::worker_protocol::{AnalysisKind, Job, JobResult, PolicyPurpose};

/// The deck's votes, read from the playground's storage.
#[derive(Debug, Clone, Default)]
pub struct Votes {
    /// The deck's name.
    pub deck: String,
    /// Its item labels.
    pub labels: Vec<String>,
    /// Its ballots.
    pub ballots: Vec<Ballot>,
}

/// The trainer's settings (the comparisons start from them too).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub kind: RwSignal<LossKind>,
    pub beta: RwSignal<f64>,
    pub learning_rate: RwSignal<f64>,
    pub prompts: RwSignal<f64>,
    pub responses: RwSignal<f64>,
    pub pairs: RwSignal<f64>,
    pub noise: RwSignal<f64>,
    pub online: RwSignal<bool>,
    pub from_votes: RwSignal<bool>,
    pub seed: RwSignal<f64>,
    pub steps: RwSignal<f64>,
}

/// The trainer's β (TRL's 0.1 moves a toy policy too slowly to watch).
pub const DEFAULT_BETA: f64 = 0.5;
/// Steps a run trains to unless told otherwise.
pub const DEFAULT_STEPS: usize = 500;

impl Settings {
    /// [`DEFAULT_BETA`], [`DEFAULT_STEPS`] and otherwise
    /// [`ToyConfig::default`]'s problem (4 prompts, 8 responses, 8 pairs,
    /// step size 1), with `seed`.
    fn new(seed: u64) -> Self {
        let toy = ToyConfig::default();
        Self {
            kind: RwSignal::new(LossKind::Sigmoid),
            beta: RwSignal::new(DEFAULT_BETA),
            learning_rate: RwSignal::new(toy.learning_rate),
            prompts: RwSignal::new(toy.prompts as f64),
            responses: RwSignal::new(toy.responses as f64),
            pairs: RwSignal::new(toy.pairs as f64),
            noise: RwSignal::new(0.0),
            online: RwSignal::new(false),
            from_votes: RwSignal::new(false),
            seed: RwSignal::new(seed as f64),
            steps: RwSignal::new(DEFAULT_STEPS as f64),
        }
    }

    /// The run the settings describe (robust DPO is told the noise rate).
    pub fn config(self) -> ToyConfig {
        let kind = self.kind.get_untracked();
        let noise = self.noise.get_untracked();
        ToyConfig {
            prompts: self.prompts.get_untracked() as usize,
            responses: self.responses.get_untracked() as usize,
            pairs: self.pairs.get_untracked() as usize,
            online: self.online.get_untracked(),
            rater: Rater {
                noise,
                ..Rater::default()
            },
            kind,
            params: LossParams {
                beta: self.beta.get_untracked(),
                label_smoothing: if kind == LossKind::Robust {
                    noise.min(0.49)
                } else {
                    0.0
                },
                ..LossParams::default()
            },
            learning_rate: self.learning_rate.get_untracked(),
            seed: self.seed.get_untracked() as u64,
            ..ToyConfig::default()
        }
    }

    /// Steps to train to.
    pub fn target_steps(self) -> usize {
        self.steps.get_untracked() as usize
    }
}

/// The comparison section's lines and status.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub title: RwSignal<String>,
    pub lines: RwSignal<Vec<(String, Recorded)>>,
    pub status: RwSignal<String>,
    /// Whether the comparison running is scenario (9)'s.
    pub is_scenario: RwSignal<bool>,
    /// Scenario (9)'s runs have finished.
    pub scenario_done: RwSignal<bool>,
}

/// Everything the lab's sections share.
#[derive(Clone, Copy)]
pub struct LabState {
    pub runner: JobRunner,
    /// The engine the worker set up ("starting…" until it is ready), then
    /// the one that took the last steps.
    pub engine_label: RwSignal<String>,
    pub votes: StoredValue<Votes, LocalStorage>,
    pub votes_note: RwSignal<String>,
    pub settings: Settings,
    pub comparison: Comparison,
}

impl LabState {
    /// Starts the lab's worker and provides the state.
    pub fn provide(seed: u64) -> Self {
        let (_, set_fit) = signal(Err::<FitSummary, String>(String::new()));
        let outputs = FitOutputs::new(set_fit);
        let request = EngineRequest::from_param(url_parameter("engine").as_deref());
        let state = Self {
            runner: JobRunner::start(outputs, request),
            engine_label: RwSignal::new("starting…".into()),
            votes: StoredValue::new_local(Votes::default()),
            votes_note: RwSignal::new(String::new()),
            settings: Settings::new(seed),
            comparison: Comparison {
                title: RwSignal::new(String::new()),
                lines: RwSignal::new(Vec::new()),
                status: RwSignal::new(String::new()),
                is_scenario: RwSignal::new(false),
                scenario_done: RwSignal::new(false),
            },
        };
        Effect::new(move |_| {
            if let Some((engine, note)) = outputs.engine.get() {
                state.engine_label.set(match note {
                    Some(why) => format!("{engine} ({why})"),
                    None => engine,
                });
            }
        });
        state.watch_comparison();
        provide_context(state);
        state
    }

    /// Where a fresh run from the settings starts: the simulated problem,
    /// or the deck's votes as preferences (made here: a pass over the
    /// ballots; the run itself is made in the worker).
    pub fn fresh_start(self, name: &str) -> Result<PolicyStart, String> {
        let config = self.settings.config();
        let votes = if self.settings.from_votes.get_untracked() {
            let v = self.votes.get_value();
            if v.labels.len() < 2 {
                return Err("The playground's deck has fewer than two items.".into());
            }
            let preferences = runs::preferences_from_votes(v.labels.len(), &v.ballots);
            if preferences.is_empty() {
                return Err(format!(
                    "Deck \"{}\" has no decided votes yet: vote in the playground first.",
                    v.deck
                ));
            }
            Some((v.labels.len(), preferences))
        } else {
            None
        };
        Ok(PolicyStart::Fresh {
            name: name.to_string(),
            config,
            votes,
        })
    }

    /// Asks the worker to train the runs of `starts` up to `steps` for
    /// `purpose`.
    pub fn train(self, purpose: PolicyPurpose, starts: Vec<PolicyStart>, steps: usize) {
        self.runner.forget(AnalysisKind::Policy(purpose));
        let job = Job::Policy {
            purpose,
            starts,
            steps,
        };
        self.runner.request_analysis(job, Vec::new());
    }

    /// Trains `configs` side by side for `steps` steps in the comparison
    /// section (a comparison running is stopped first).
    pub fn start_comparison(
        self,
        title: String,
        configs: Vec<(String, ToyConfig)>,
        steps: usize,
        is_scenario: bool,
    ) {
        let c = self.comparison;
        let starts = configs
            .into_iter()
            .map(|(name, config)| PolicyStart::Fresh {
                name,
                config,
                votes: None,
            })
            .collect();
        self.runner
            .cancel_kind(AnalysisKind::Policy(PolicyPurpose::Comparison));
        c.title.set(title);
        c.lines.set(Vec::new());
        c.status.set("Starting…".into());
        c.is_scenario.set(is_scenario);
        self.train(PolicyPurpose::Comparison, starts, steps);
    }

    /// The latest result of `purpose`'s jobs, changing only when it does.
    pub fn result(self, purpose: PolicyPurpose) -> Memo<Option<Result<JobResult, String>>> {
        let runner = self.runner;
        Memo::new(move |_| runner.analysis(AnalysisKind::Policy(purpose)))
    }

    /// Whether `purpose`'s job is asked for and not finished (tracked).
    pub fn busy(self, purpose: PolicyPurpose) -> bool {
        self.runner.analysis_waiting(AnalysisKind::Policy(purpose))
    }

    /// Draws the comparison's runs as they arrive.
    fn watch_comparison(self) {
        let result = self.result(PolicyPurpose::Comparison);
        let c = self.comparison;
        Effect::new(move |_| {
            let busy = self.busy(PolicyPurpose::Comparison);
            match result.get() {
                Some(Ok(JobResult::Policy(tracks))) => {
                    let step = tracks.iter().map(|t| t.run.steps).min().unwrap_or(0);
                    c.lines.set(
                        tracks
                            .iter()
                            .map(|t| (t.name.clone(), t.recorded.clone()))
                            .collect(),
                    );
                    if busy {
                        let engine = tracks.first().map(|t| t.engine.clone()).unwrap_or_default();
                        c.status.set(format!("Step {step} on {engine}."));
                    } else {
                        c.status.set(format!("Done: {step} steps each."));
                        if c.is_scenario.get_untracked() {
                            c.scenario_done.set(true);
                        }
                    }
                }
                // A newer comparison replaced it.
                Some(Err(e)) if e == "Cancelled." => {}
                Some(Err(e)) => c.status.set(format!("Stopped: {e}")),
                Some(Ok(_)) => c.status.set("Stopped: an unexpected reply".into()),
                None => {}
            }
        });
    }
}
