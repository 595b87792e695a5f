//! The playground's state, built once by [`crate::App`] and provided
//! through Leptos context: the workspace (changed only through
//! [`AppState::apply`]), the job runner and the last fit, what is shown
//! next, and the page's switches. Every field is a signal or a handle, so
//! the state is `Copy` into closures.

use leptos::prelude::*;
use prefplay_core::playground::collect;
use prefplay_core::playground::model_choice::ModelChoice;

use super::edit::{Applied, Edit};
use crate::components::Preview;
use crate::images::Images;
use crate::job_runner::{FitOutputs, FitSummary, JobRunner};
use crate::scenario::Scenario;
use crate::session::{Action, Chooser, Estimates, Task};
use crate::storage;
use crate::workspace::{Mode, Workspace};

/// See the module docs.
#[derive(Clone, Copy)]
pub struct AppState {
    /// Decks, voters, ballots and settings. Read freely; change through
    /// [`Self::apply`].
    pub workspace: RwSignal<Workspace>,
    /// Whether the stored workspace is in (nothing is shown, voted or
    /// saved before).
    pub ready: RwSignal<bool>,
    /// The IndexedDB store, once open (`None`: storage unavailable).
    pub store: StoredValue<Option<storage::Store>, LocalStorage>,
    /// The message line (errors and notices), if any.
    pub message: RwSignal<Option<String>>,
    /// An import waiting for confirmation.
    pub pending: RwSignal<Option<Preview>, LocalStorage>,
    /// Lesson mode: the deck, settings and file tools hidden.
    pub lesson: RwSignal<bool>,
    /// Saves started and not finished.
    pub saves_in_flight: RwSignal<u32>,
    /// Whether the last save failed.
    pub save_failed: RwSignal<bool>,
    /// Picks what is shown next.
    pub chooser: StoredValue<Chooser>,
    /// Ballots cast in this tab (the ballot ids' counter).
    pub cast_count: StoredValue<u64>,
    /// What the edits since the last save changed: what the next save
    /// writes.
    pub unsaved: StoredValue<storage::Changed>,
    /// What is shown, and why.
    pub task: RwSignal<Option<(Task, String)>>,
    /// The order on screen in ranking mode.
    pub ranking: RwSignal<Vec<u32>>,
    /// The keyboard cursor in ranking mode.
    pub cursor: RwSignal<usize>,
    /// The last finished fit, or why there is none.
    pub fit: ReadSignal<Result<FitSummary, String>>,
    /// What the job runner writes (state of the fit, engine, analyses).
    pub outputs: FitOutputs,
    /// Runs every job off the page's thread.
    pub runner: JobRunner,
    /// The reset dialog is open.
    pub confirming_reset: RwSignal<bool>,
    /// The simulated truth is shown.
    pub reveal: RwSignal<bool>,
    /// Presentation mode.
    pub present: RwSignal<bool>,
    /// The scenario the address asked for, and its seed.
    pub scenario: Option<(Scenario, u64)>,
    /// `?simulate=` (votes, items, seed).
    pub simulation: Option<(usize, usize, u64)>,
    /// The active deck.
    pub deck: Memo<collect::Deck>,
    /// Its labels.
    pub labels: Memo<Vec<String>>,
    /// The pairwise votes the fit uses (the deck's ballots under the view).
    pub fit_input: Memo<Vec<prefplay_core::Vote>>,
    /// The model controls' choice.
    pub model: Memo<ModelChoice>,
    /// The last fit's typed estimates, when it fitted this deck.
    pub estimates: Memo<Option<Estimates>>,
    /// The votes as of the last finished fit: the charts redraw when a
    /// fit lands, not while it runs, so their work never delays the re-fit
    /// a vote asks for (and they agree with the leaderboard).
    pub settled_votes: Memo<Vec<prefplay_core::Vote>>,
}

impl AppState {
    /// The state; starts the job runner and provides both through context.
    pub fn new(
        engine: crate::fit_job::EngineRequest,
        scenario: Option<(Scenario, u64)>,
        simulation: Option<(usize, usize, u64)>,
        present: bool,
    ) -> Self {
        let workspace = RwSignal::new(Workspace::default());
        let store = StoredValue::new_local(None::<storage::Store>);
        provide_context(Images::new(store));
        let seed = (js_sys::Math::random() * 9_007_199_254_740_992.0) as u64;
        let (fit, set_fit) = signal(Err::<FitSummary, String>("Fitting…".into()));
        let outputs = FitOutputs::new(set_fit);
        let runner = JobRunner::start(outputs, engine);
        provide_context(runner);
        let deck = Memo::new(move |_| workspace.with(|w| w.deck().clone()));
        let labels = Memo::new(move |_| deck.with(|d| d.labels()));
        let fit_input = Memo::new(move |_| {
            workspace.with(|w| {
                let n = w.deck().items.len();
                collect::fit_votes(n, w.deck_ballots(), w.settings.view)
            })
        });
        let estimates = Memo::new(move |_| {
            fit.with(|f| {
                f.as_ref()
                    .ok()
                    .and_then(|s| labels.with(|l| estimates_of(s, l)))
            })
        });
        let settled_votes = Memo::new(move |_| {
            fit.track();
            fit_input.get_untracked()
        });
        let state = Self {
            workspace,
            ready: RwSignal::new(false),
            store,
            message: RwSignal::new(None),
            pending: RwSignal::new_local(None),
            lesson: RwSignal::new(false),
            saves_in_flight: RwSignal::new(0),
            save_failed: RwSignal::new(false),
            chooser: StoredValue::new(Chooser::new(seed)),
            cast_count: StoredValue::new(0),
            unsaved: StoredValue::new(storage::Changed::default()),
            task: RwSignal::new(None),
            ranking: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(0),
            fit,
            outputs,
            runner,
            confirming_reset: RwSignal::new(false),
            reveal: RwSignal::new(false),
            present: RwSignal::new(present),
            scenario,
            simulation,
            deck,
            labels,
            fit_input,
            model: Memo::new(move |_| workspace.with(|w| w.settings.model)),
            estimates,
            settled_votes,
        };
        provide_context(state);
        state
    }

    /// Picks what is shown next (after a ballot, a skip or a change of
    /// deck, mode, strategy or voter) — never on its own, so the screen
    /// does not change under the voter's finger when a fit lands.
    pub fn show_next(self) {
        let next = self.workspace.with_untracked(|w| {
            let n = w.deck().items.len();
            let e = self.estimates.get_untracked();
            self.chooser.try_update_value(|c| {
                c.next(
                    n,
                    &w.settings,
                    e.as_ref(),
                    w.deck_ballots(),
                    w.active_participant,
                )
            })
        });
        let next = next.flatten();
        if let Some((Task::Several(items), _)) = &next {
            self.ranking.set(items.clone());
            self.cursor.set(0);
        }
        self.task.set(next);
    }

    /// Skip, undo, or a vote on what is shown (when it fits the mode).
    pub fn act(self, action: Action) {
        if !self.ready.get_untracked() {
            return;
        }
        match action {
            Action::Skip => {
                if let Some((t, _)) = self.task.get_untracked() {
                    self.chooser.update_value(|c| c.skip(&t));
                }
                self.show_next();
            }
            Action::Undo => {
                if let Ok(Applied::Undone(Some(b))) = self.apply(Edit::Undo) {
                    let again = Task::of(&b.observation);
                    if let Task::Several(items) = &again {
                        self.ranking.set(items.clone());
                        self.cursor.set(0);
                    }
                    self.task
                        .set(Some((again, "Undone: shown again.".to_string())));
                }
            }
            action => {
                let Some((t, _)) = self.task.get_untracked() else {
                    return;
                };
                let mode = self.workspace.with_untracked(|w| w.settings.mode);
                // A ranking submits the order on screen; other actions
                // must match the mode's task.
                let fits_mode = matches!(
                    (&action, mode),
                    (Action::Pair(_), Mode::Pair)
                        | (Action::Choose(_), Mode::BestOf)
                        | (Action::Rank(_), Mode::Ranking)
                        | (Action::Thumb(_), Mode::Thumb)
                        | (Action::Likert(_), Mode::Likert)
                );
                let Some(observation) = t.observe(&action).filter(|_| fits_mode) else {
                    return;
                };
                // Casting is never refused.
                let _ = self.apply(Edit::Cast(observation));
                self.show_next();
            }
        }
    }

    /// After a change of deck, mode, strategy or voter: skips are
    /// forgotten and the next task chosen afresh.
    pub fn changed(self) {
        self.chooser.update_value(Chooser::forget_skips);
        self.show_next();
    }
}

/// The last fit's typed estimates, if it was a fit of this deck's items.
fn estimates_of(fit: &FitSummary, labels: &[String]) -> Option<Estimates> {
    (fit.items == labels && fit.scores.len() == labels.len()).then(|| Estimates {
        scores: fit.scores.clone(),
        standard_errors: fit.standard_errors.clone(),
        link: fit.link,
        model: fit.model.clone(),
    })
}
