//! The six guided classroom scenarios, each loaded from the address
//! (`?scenario=N`, N = 1 … 6 or its name, `&seed=S` to replay one class
//! exactly; default seed 1). A scenario works on its own deck
//! ("Scenario N: …", id `scenario-N`, a copy of the ice-cream deck) with
//! its own settings, so the user's decks, votes and settings are never
//! touched. Loading the address again replays the simulated class, but a
//! scenario deck holding votes a person cast is kept as it is (a reload
//! of a live class vote loses nothing); "Start again" replaces it, after
//! a confirmation. Pure logic (no DOM), tested natively.

use prefplay_core::playground::collect::Observation;
use prefplay_core::playground::model_choice::ModelChoice;

use crate::class_sim::{ClassSettings, start_class};
use crate::decks::DEFAULT_DECK_ID;
use crate::workspace::{Mode, Settings, StrategyChoice, Workspace};

/// One guided scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// 1. A live class vote: the leaderboard with intervals.
    ClassVote,
    /// 2. A simulated class recovers hidden utilities.
    Recover,
    /// 3. Elo's order dependence against BT.
    EloOrder,
    /// 4. Active selection against random.
    Active,
    /// 5. A disconnected comparison graph.
    Disconnected,
    /// 6. Position bias found and corrected by the order effect.
    PositionBias,
}

impl Scenario {
    /// All six, in order.
    pub const ALL: [Scenario; 6] = [
        Scenario::ClassVote,
        Scenario::Recover,
        Scenario::EloOrder,
        Scenario::Active,
        Scenario::Disconnected,
        Scenario::PositionBias,
    ];

    /// 1-based number.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    /// The name in the address.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::ClassVote => "class-vote",
            Scenario::Recover => "recover",
            Scenario::EloOrder => "elo-order",
            Scenario::Active => "active",
            Scenario::Disconnected => "disconnected",
            Scenario::PositionBias => "position-bias",
        }
    }

    /// From `?scenario=`: a number 1 … 6 or a name.
    pub fn from_param(value: &str) -> Option<Self> {
        let v = value.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|s| s.name() == v || s.number().to_string() == v)
    }

    /// The title on the banner.
    pub fn title(self) -> &'static str {
        match self {
            Scenario::ClassVote => "A live class vote",
            Scenario::Recover => "Does the model find the hidden truth?",
            Scenario::EloOrder => "Elo depends on the order of the votes; Bradley–Terry does not",
            Scenario::Active => "Active selection needs fewer votes",
            Scenario::Disconnected => "Two groups that were never compared",
            Scenario::PositionBias => "Position bias: the left side wins too often",
        }
    }

    /// What to look at, in 2–3 sentences.
    pub fn explain(self) -> &'static str {
        match self {
            Scenario::ClassVote => {
                "Put the page on the projector (press P) and let the class vote: A or B, by show of hands or on their phones with a share link. After every vote the leaderboard refits; watch the bars in the forest plot shrink as votes come in, and the rank intervals narrow from \"anywhere\" to one place."
            }
            Scenario::Recover => {
                "Twenty simulated voters with hidden tastes cast 300 votes. The scatter sets each item's hidden utility against the fitted score: the dots line up, and the race below shows the error falling as votes are added."
            }
            Scenario::EloOrder => {
                "The same 300 simulated votes are replayed twice through Elo, once as cast and once shuffled: the ratings and even the leader differ. Bradley–Terry uses all votes at once, so the order cannot matter."
            }
            Scenario::Active => {
                "Many simulated classes vote twice on the same hidden utilities: once on random pairs, once on the pairs the model is least sure about. The active curve reaches the same Kendall τ with fewer votes, because random pairs waste votes on foregone conclusions."
            }
            Scenario::Disconnected => {
                "The votes only ever compare items within two groups, never across. The comparison graph falls apart into two pieces; within a piece the order is known, but between the pieces only the prior sets the scores, and the intervals stay wide."
            }
            Scenario::PositionBias => {
                "These simulated voters prefer whatever is on the left (log-odds +1). The order-effect model is switched on: it estimates the bias (see the note above the leaderboard) and ranks the items as if each had been shown on both sides. Switch the order effect off to see the bias leak into the scores."
            }
        }
    }

    /// The class this scenario simulates, if any.
    fn class(self, seed: u64) -> Option<ClassSettings> {
        let base = ClassSettings {
            seed,
            random_share: 0.0,
            tie_rate: 0.0,
            ..ClassSettings::default()
        };
        match self {
            Scenario::ClassVote | Scenario::Active => None,
            Scenario::Recover | Scenario::EloOrder => Some(base),
            Scenario::Disconnected => Some(ClassSettings { votes: 600, ..base }),
            Scenario::PositionBias => Some(ClassSettings {
                votes: 800,
                position_bias: 1.0,
                ..base
            }),
        }
    }

    /// Whether it simulates a class (scenarios 1 and 4 do not: a live
    /// vote, and the race alone).
    pub fn simulates_class(self) -> bool {
        self.class(1).is_some()
    }

    /// The id of the section that shows the scenario's point, and what to
    /// call it in a link ("the race"); `None` where the leaderboard beside
    /// the vote is the point.
    pub fn point(self) -> Option<(&'static str, &'static str)> {
        match self {
            Scenario::ClassVote => None,
            Scenario::Recover => Some(("estimate-vs-truth", "the estimate against the truth")),
            Scenario::EloOrder => Some(("elo-vs-bt", "Elo against Bradley–Terry")),
            Scenario::Active => Some(("race", "the race")),
            Scenario::Disconnected => Some(("comparison-graph", "the comparison graph")),
            Scenario::PositionBias => Some(("leaderboard", "the leaderboard and its order effect")),
        }
    }

    /// Whether the truth is revealed at once.
    pub fn reveals_truth(self) -> bool {
        self == Scenario::Recover
    }

    /// Whether the race of random against active selection runs at once.
    pub fn runs_race(self) -> bool {
        matches!(self, Scenario::Recover | Scenario::Active)
    }

    /// Whether the Elo vs BT replay opens at once.
    pub fn opens_elo(self) -> bool {
        self == Scenario::EloOrder
    }

    /// The deck id the scenario works on.
    pub fn deck_id(self) -> String {
        format!("scenario-{}", self.number())
    }

    /// Opens the scenario's deck: made afresh (a copy of the ice-cream
    /// deck, its simulated class, the scenario's mode and model) unless it
    /// holds votes a person cast and `start_again` is false, in which case
    /// it is kept as it is. The deck on screen before is remembered as the
    /// home deck; the rest of `workspace` stays as it was.
    pub fn load(
        self,
        workspace: &mut Workspace,
        seed: u64,
        start_again: bool,
    ) -> Result<Opened, String> {
        let id = self.deck_id();
        if Self::from_deck_id(&workspace.active_deck).is_none() {
            workspace.home_deck = Some(workspace.active_deck.clone());
        }
        let cast_here = workspace.ballots.get(&id).map_or(0, |list| {
            list.iter()
                .filter(|b| !workspace.is_simulated(b.participant))
                .count()
        });
        if cast_here > 0 && !start_again && workspace.decks.iter().any(|d| d.id == id) {
            workspace.select_deck(&id);
            return Ok(Opened::Kept(cast_here));
        }
        self.make_deck(workspace)?;
        workspace.settings = Settings {
            mode: Mode::Pair,
            strategy: StrategyChoice::InformationGain,
            view: prefplay_core::playground::collect::View::Pooled,
            model: ModelChoice {
                order_effect: self == Scenario::PositionBias,
                ..ModelChoice::default()
            },
            ..workspace.settings
        };
        if let Some(class) = self.class(seed) {
            let mut run = start_class(workspace, &class)?;
            let total = run.total();
            let mut ballots = run.take(total, 0.0);
            if self == Scenario::Disconnected {
                let n = workspace.deck().items.len() as u32;
                let half = |i: u32| i < n / 2;
                ballots.retain(|b| match b.observation {
                    Observation::Pair { left, right, .. } => half(left) == half(right),
                    _ => true,
                });
            }
            workspace.ballots.insert(id, ballots);
        }
        Ok(Opened::Fresh)
    }

    /// The scenario whose deck has id `id`, if any.
    pub fn from_deck_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.deck_id() == id)
    }

    /// Makes the scenario's deck afresh (no votes, no truth) and puts it
    /// on screen: in the place of the old one, or after the scenario decks
    /// numbered below it, so they stay in order.
    fn make_deck(self, workspace: &mut Workspace) -> Result<(), String> {
        let id = self.deck_id();
        let mut deck = workspace
            .decks
            .iter()
            .find(|d| d.id == DEFAULT_DECK_ID)
            .cloned()
            .ok_or("the ice-cream deck is missing")?;
        deck.id = id.clone();
        deck.name = format!("Scenario {}: {}", self.number(), self.title());
        deck.check()?;
        workspace.ballots.remove(&id);
        workspace.truths.remove(&id);
        match workspace.decks.iter().position(|d| d.id == id) {
            Some(at) => workspace.decks[at] = deck,
            None => {
                let after = |d: &prefplay_core::playground::collect::Deck| {
                    Self::from_deck_id(&d.id).is_some_and(|s| s.number() > self.number())
                };
                let at = workspace
                    .decks
                    .iter()
                    .position(after)
                    .unwrap_or(workspace.decks.len());
                workspace.decks.insert(at, deck);
            }
        }
        workspace.select_deck(&id);
        Ok(())
    }
}

/// What opening a scenario did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    /// Its deck was made afresh.
    Fresh,
    /// Its deck was kept: it holds this many votes cast by people.
    Kept(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::inference::diagnosis::PairGraph;
    use prefplay_core::playground::collect::{View, fit_votes};

    #[test]
    fn every_scenario_loads_on_its_own_deck_and_replays_with_its_seed() {
        for s in Scenario::ALL {
            assert_eq!(Scenario::from_param(s.name()), Some(s));
            assert_eq!(Scenario::from_param(&s.number().to_string()), Some(s));
            let mut w = Workspace::default();
            let decks_before = w.decks.len();
            s.load(&mut w, 7, false).unwrap();
            assert_eq!(w.active_deck, s.deck_id());
            assert_eq!(w.decks.len(), decks_before + 1);
            let first = w.deck_ballots().to_vec();
            s.load(&mut w, 7, false).unwrap();
            assert_eq!(w.decks.len(), decks_before + 1, "loading again replaces");
            assert_eq!(w.deck_ballots(), &first[..], "same seed, same votes");
            assert_eq!(
                first.is_empty(),
                matches!(s, Scenario::ClassVote | Scenario::Active)
            );
        }
        assert_eq!(Scenario::from_param("7"), None);
    }

    #[test]
    fn the_disconnected_scenario_splits_the_graph_and_the_bias_one_sets_the_order_effect() {
        let mut w = Workspace::default();
        Scenario::Disconnected.load(&mut w, 1, false).unwrap();
        let n = w.deck().items.len();
        let votes = fit_votes(n, w.deck_ballots(), View::Pooled);
        assert!(votes.len() > 100);
        let g = PairGraph::from_pairs(n, votes.iter().map(|v| (v.item_a, v.item_b)));
        assert_eq!(g.n_components, 2);
        Scenario::PositionBias.load(&mut w, 1, false).unwrap();
        assert!(w.settings.model.order_effect);
        let mut other = Workspace::default();
        Scenario::PositionBias.load(&mut other, 2, false).unwrap();
        assert_ne!(
            w.deck_ballots(),
            other.deck_ballots(),
            "another seed, another class"
        );
    }

    #[test]
    fn a_reload_keeps_the_votes_people_cast_and_start_again_replaces_them() {
        let mut w = Workspace::default();
        Scenario::ClassVote.load(&mut w, 1, false).unwrap();
        for left in 0..5 {
            w.cast(prefplay_core::playground::collect::Ballot {
                id: format!("b{left}"),
                participant: 0,
                prompt: None,
                time_ms: 0.0,
                observation: Observation::Pair {
                    left,
                    right: left + 1,
                    outcome: prefplay_core::Outcome::A,
                },
            });
        }
        assert_eq!(
            Scenario::ClassVote.load(&mut w, 1, false).unwrap(),
            Opened::Kept(5)
        );
        assert_eq!(
            w.deck_ballots().len(),
            5,
            "the class's votes survive a reload"
        );
        assert_eq!(
            Scenario::ClassVote.load(&mut w, 1, true).unwrap(),
            Opened::Fresh
        );
        assert!(w.deck_ballots().is_empty(), "start again, confirmed");
        // A simulated class alone is replayed (another seed, another class).
        Scenario::Recover.load(&mut w, 1, false).unwrap();
        let first = w.deck_ballots().to_vec();
        assert_eq!(
            Scenario::Recover.load(&mut w, 2, false).unwrap(),
            Opened::Fresh
        );
        assert_ne!(w.deck_ballots(), &first[..]);
    }

    #[test]
    fn scenarios_keep_their_settings_to_their_own_decks_and_stay_in_order() {
        let mut w = Workspace::default();
        let home = w.active_deck.clone();
        for s in [
            Scenario::PositionBias,
            Scenario::Active,
            Scenario::ClassVote,
        ] {
            s.load(&mut w, 1, false).unwrap();
        }
        Scenario::PositionBias.load(&mut w, 1, false).unwrap();
        assert!(w.settings.model.order_effect);
        assert_eq!(w.home_deck.as_deref(), Some(home.as_str()));
        w.select_deck(&home);
        assert!(
            !w.settings.model.order_effect,
            "the user's deck keeps its own model"
        );
        let order: Vec<&str> = w
            .decks
            .iter()
            .filter_map(|d| d.id.strip_prefix("scenario-"))
            .collect();
        assert_eq!(order, ["1", "4", "6"]);
    }

    #[test]
    fn the_readme_counts_of_the_scenarios_hold() {
        // README: scenario 2 "20 simulated voters, 300 votes"; scenario 5
        // "a class of 600 votes … (274 with seed 1)".
        let mut w = Workspace::default();
        Scenario::Recover.load(&mut w, 1, false).unwrap();
        assert_eq!(w.deck_ballots().len(), 300);
        let voters: std::collections::BTreeSet<u32> =
            w.deck_ballots().iter().map(|b| b.participant).collect();
        assert_eq!(voters.len(), 20);
        Scenario::Disconnected.load(&mut w, 1, false).unwrap();
        assert_eq!(w.deck_ballots().len(), 274);
        Scenario::PositionBias.load(&mut w, 1, false).unwrap();
        assert_eq!(w.deck_ballots().len(), 800);
    }
}
