//! Every change the playground makes to the workspace, as a value
//! ([`Edit`]), and the one entry that applies it ([`AppState::apply`]):
//! a catalogue, one match arm per edit.

use leptos::prelude::*;
use prefplay_core::playground::collect::{Ballot, BallotId, Deck, Observation};

use super::state::AppState;
use crate::class_sim::{ClassRun, ClassSettings, start_class};
use crate::decks::deck_from_text;
use crate::scenario::{Opened, Scenario};
use crate::share::ShareState;
use crate::storage::Changed;
use crate::workspace::{Settings, Workspace};

/// One change of the workspace: what [`AppState::apply`] takes. Every
/// change the playground makes is one of these.
pub enum Edit {
    /// A ballot cast now by the active voter.
    Cast(Observation),
    /// The active voter's last ballot on this deck taken back.
    Undo,
    /// Every ballot on this deck deleted (after a confirmation).
    ClearDeck,
    /// The voting row's or the model menu's settings, replaced.
    Settings(Settings),
    /// Who is voting now.
    SelectVoter(u32),
    /// A new voter (the name checked; it becomes the active voter).
    AddVoter(String),
    /// The deck shown.
    SelectDeck(String),
    /// A new deck from the form: name, question, and items (one per line,
    /// or CSV with a `label` column).
    NewDeck {
        /// Its name.
        name: String,
        /// The question shown above its items.
        question: String,
        /// Its items.
        text: String,
    },
    /// A deck built elsewhere (images); it gets a fresh id here.
    AddDeck(Box<Deck>),
    /// A copy of the deck shown.
    DuplicateDeck,
    /// The deck shown, renamed and its items edited (votes kept).
    ChangeDeck {
        /// Its name.
        name: String,
        /// Its question.
        question: String,
        /// Its items, one per line.
        labels: String,
    },
    /// The deck shown deleted, with its votes (after a confirmation).
    DeleteDeck,
    /// A confirmed import: the workspace with the file merged in.
    Import(Box<Workspace>),
    /// A simulated class on the deck shown: its voters and hidden truth
    /// added; the run streams its ballots through [`Edit::AddBallots`].
    StartClass(ClassSettings),
    /// Ballots streamed by a simulated class into deck `deck`.
    AddBallots {
        /// The deck's id.
        deck: String,
        /// The ballots.
        ballots: Vec<Ballot>,
    },
    /// A guided scenario's deck and settings: kept when it holds votes
    /// people cast, unless `start_again` (confirmed by the user).
    LoadScenario {
        /// Which.
        scenario: Scenario,
        /// The simulated class's seed.
        seed: u64,
        /// Replace its deck even if people voted on it.
        start_again: bool,
    },
    /// Back to the deck that was on screen before an address opened a
    /// scenario's deck (the page opened without `?scenario=`).
    ReturnHome,
    /// A shared link's deck and votes, merged (nothing overwritten).
    OpenLink(Box<ShareState>),
}

/// What an [`Edit`] gave back.
pub enum Applied {
    /// Nothing to report.
    Done,
    /// The ballot an undo took back, if any.
    Undone(Option<Ballot>),
    /// The simulated class started, on the deck with this id.
    ClassStarted(Box<ClassRun>, String),
    /// A shared link opened, adding this many votes.
    LinkOpened(usize),
    /// A scenario's deck was kept with this many votes people cast.
    ScenarioKept(usize),
}

impl Edit {
    /// What applying this edit to `w` changes, for storage: the meta
    /// record, the ballots of the decks it touches, or everything.
    pub fn changes(&self, w: &Workspace) -> Changed {
        let active = w.active_deck.as_str();
        match self {
            Edit::Cast(_) | Edit::Undo | Edit::ClearDeck => Changed::ballots(active),
            Edit::AddBallots { deck, .. } => Changed::ballots(deck),
            Edit::Settings(_)
            | Edit::SelectVoter(_)
            | Edit::AddVoter(_)
            | Edit::SelectDeck(_)
            | Edit::ReturnHome
            | Edit::NewDeck { .. }
            | Edit::AddDeck(_)
            // The copy has no ballots.
            | Edit::DuplicateDeck => Changed::meta(),
            Edit::ChangeDeck { .. } | Edit::DeleteDeck | Edit::StartClass(_) => {
                Changed::deck(active)
            }
            Edit::LoadScenario { scenario, .. } => Changed::deck(&scenario.deck_id()),
            Edit::Import(_) | Edit::OpenLink(_) => Changed::all(),
        }
    }
}

impl AppState {
    /// Opens scenario `sc`'s deck (see [`Scenario::load`]) and says on the
    /// message line when its votes were kept.
    pub fn open_scenario(self, sc: Scenario, seed: u64, start_again: bool) {
        let edit = Edit::LoadScenario {
            scenario: sc,
            seed,
            start_again,
        };
        match self.apply(edit) {
            Ok(Applied::ScenarioKept(n)) => self.message.set(Some(format!(
                "Scenario {}'s deck is kept as it was, with the {n} votes cast on it; \"Start again\" replaces them.",
                sc.number()
            ))),
            Ok(_) => {}
            Err(e) => self
                .message
                .set(Some(format!("Scenario {}: {e}", sc.number()))),
        }
    }

    /// The one entry through which the playground changes the workspace;
    /// storage saves what it changed (`persistence`). A refused edit
    /// (a bad name, a deck that cannot be deleted) changes nothing and
    /// says why.
    pub fn apply(self, edit: Edit) -> Result<Applied, String> {
        let w = self.workspace;
        // Marked before the change, so the save it triggers writes it (a
        // refused edit changes nothing, and its save finds nothing to do).
        let changes = w.with_untracked(|w| edit.changes(w));
        self.unsaved.update_value(|c| c.merge(changes));
        // A message about an earlier action (or another deck) is stale
        // once the user votes or moves on.
        if matches!(edit, Edit::Cast(_) | Edit::Undo | Edit::SelectDeck(_)) {
            self.message.set(None);
        }
        let done = |r: Option<Result<(), String>>| match r {
            Some(Err(e)) => Err(e),
            _ => Ok(Applied::Done),
        };
        match edit {
            Edit::Cast(observation) => {
                let n = self
                    .cast_count
                    .try_update_value(|c| {
                        *c += 1;
                        *c
                    })
                    .unwrap_or(0);
                self.workspace.update(|w| {
                    let time_ms = crate::browser::epoch_ms();
                    w.cast(Ballot {
                        id: BallotId::of(
                            time_ms,
                            &BallotId::tab_source(crate::browser::tab_id()),
                            n,
                        ),
                        participant: w.active_participant,
                        prompt: Some(w.deck().question.clone()).filter(|q| !q.is_empty()),
                        time_ms,
                        observation,
                    });
                });
                Ok(Applied::Done)
            }
            Edit::Undo => Ok(Applied::Undone(w.try_update(Workspace::undo).flatten())),
            Edit::ClearDeck => done(w.try_update(|w| {
                w.clear_deck_ballots();
                Ok(())
            })),
            Edit::Settings(settings) => done(w.try_update(|w| {
                w.settings = settings;
                Ok(())
            })),
            Edit::SelectVoter(p) => done(w.try_update(|w| {
                w.active_participant = p;
                Ok(())
            })),
            Edit::AddVoter(name) => done(w.try_update(|w| w.add_participant(&name))),
            Edit::SelectDeck(id) => done(w.try_update(|w| {
                w.select_deck(&id);
                w.home_deck = None;
                Ok(())
            })),
            Edit::ReturnHome => done(w.try_update(|w| {
                if let Some(home) = w.home_deck.take()
                    && Scenario::from_deck_id(&w.active_deck).is_some()
                {
                    w.select_deck(&home);
                }
                Ok(())
            })),
            Edit::NewDeck {
                name,
                question,
                text,
            } => done(w.try_update(|w| {
                let deck = deck_from_text(w.fresh_deck_id(), &name, &question, &text)?;
                w.add_deck(deck)
            })),
            Edit::AddDeck(mut deck) => done(w.try_update(|w| {
                deck.id = w.fresh_deck_id();
                w.add_deck(*deck)
            })),
            Edit::DuplicateDeck => done(w.try_update(|w| {
                let id = w.fresh_deck_id();
                w.duplicate_deck(id)
            })),
            Edit::ChangeDeck {
                name,
                question,
                labels,
            } => done(w.try_update(|w| w.edit_deck(&name, &question, &labels))),
            Edit::DeleteDeck => done(w.try_update(Workspace::delete_deck)),
            Edit::Import(merged) => {
                w.set(*merged);
                Ok(Applied::Done)
            }
            Edit::StartClass(settings) => match w.try_update(|w| {
                // A class never mixes into a person's votes: it votes on a
                // copy of their deck (a class's or a scenario's deck is
                // used as it is).
                let simulated = w.truths.contains_key(&w.active_deck)
                    || Scenario::from_deck_id(&w.active_deck).is_some();
                if !simulated {
                    let name = format!("{} — simulated class", w.deck().name);
                    w.copy_deck(w.fresh_deck_id(), name)?;
                }
                start_class(w, &settings).map(|run| (run, w.active_deck.clone()))
            }) {
                Some(Ok((run, deck))) => Ok(Applied::ClassStarted(Box::new(run), deck)),
                Some(Err(e)) => Err(e),
                None => Ok(Applied::Done),
            },
            Edit::AddBallots { deck, ballots } => {
                if !ballots.is_empty() {
                    w.update(|w| w.ballots.entry(deck).or_default().extend(ballots));
                }
                Ok(Applied::Done)
            }
            Edit::LoadScenario {
                scenario,
                seed,
                start_again,
            } => match w.try_update(|w| scenario.load(w, seed, start_again)) {
                Some(Ok(Opened::Kept(n))) => Ok(Applied::ScenarioKept(n)),
                Some(Err(e)) => Err(e),
                _ => Ok(Applied::Done),
            },
            Edit::OpenLink(link) => match w.try_update(|w| link.open_in(w)) {
                Some(Ok(n)) => Ok(Applied::LinkOpened(n)),
                Some(Err(e)) => Err(e),
                None => Ok(Applied::Done),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::Outcome;

    #[test]
    fn each_edit_names_what_storage_must_write() {
        let w = Workspace::default();
        let active = w.active_deck.clone();
        let vote = Edit::Cast(Observation::Pair {
            left: 0,
            right: 1,
            outcome: Outcome::A,
        });
        assert_eq!(vote.changes(&w), Changed::ballots(&active));
        assert_eq!(Edit::Undo.changes(&w), Changed::ballots(&active));
        assert_eq!(Edit::SelectVoter(1).changes(&w), Changed::meta());
        assert_eq!(Edit::DeleteDeck.changes(&w), Changed::deck(&active));
        let streamed = Edit::AddBallots {
            deck: "other".into(),
            ballots: Vec::new(),
        };
        assert_eq!(streamed.changes(&w), Changed::ballots("other"));
        assert_eq!(Edit::DuplicateDeck.changes(&w), Changed::meta());
        let scenario = Edit::LoadScenario {
            scenario: Scenario::ClassVote,
            seed: 1,
            start_again: false,
        };
        assert_eq!(scenario.changes(&w), Changed::deck("scenario-1"));
        assert!(Edit::Import(Box::default()).changes(&w).touches("any deck"));
    }
}
