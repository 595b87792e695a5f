//! The six guided classroom scenarios, each loaded from the address
//! (`?scenario=N`, N = 1 … 6 or its name, `&seed=S` to replay one class
//! exactly; default seed 1). A scenario works on its own deck
//! ("Scenario N: …", id `scenario-N`, a copy of the ice-cream deck),
//! replaced each time it is loaded, so the user's decks and votes are
//! never touched. Pure logic (no DOM), tested natively.

use prefplay_core::playground::collect::Observation;
use prefplay_core::playground::model_choice::ModelChoice;

use crate::class_sim::{ClassSettings, start_class};
use crate::decks::DEFAULT_DECK_ID;
use crate::workspace::{Mode, StrategyChoice, Workspace};

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

    /// Replaces the scenario's deck (a copy of the ice-cream deck) and
    /// its votes, makes it active and sets the mode and model. The rest
    /// of `workspace` stays as it was.
    pub fn load(self, workspace: &mut Workspace, seed: u64) -> Result<(), String> {
        let id = self.deck_id();
        workspace.decks.retain(|d| d.id != id);
        workspace.ballots.remove(&id);
        workspace.truths.remove(&id);
        let mut deck = workspace
            .decks
            .iter()
            .find(|d| d.id == DEFAULT_DECK_ID)
            .cloned()
            .ok_or("the ice-cream deck is missing")?;
        deck.id = id.clone();
        deck.name = format!("Scenario {}: {}", self.number(), self.title());
        workspace.add_deck(deck)?;
        workspace.settings.mode = Mode::Pair;
        workspace.settings.strategy = StrategyChoice::InformationGain;
        workspace.settings.view = prefplay_core::playground::collect::View::Pooled;
        workspace.settings.model = ModelChoice {
            order_effect: self == Scenario::PositionBias,
            ..ModelChoice::default()
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
        Ok(())
    }
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
            s.load(&mut w, 7).unwrap();
            assert_eq!(w.active_deck, s.deck_id());
            assert_eq!(w.decks.len(), decks_before + 1);
            let first = w.deck_ballots().to_vec();
            s.load(&mut w, 7).unwrap();
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
        Scenario::Disconnected.load(&mut w, 1).unwrap();
        let n = w.deck().items.len();
        let votes = fit_votes(n, w.deck_ballots(), View::Pooled);
        assert!(votes.len() > 100);
        let g = PairGraph::from_pairs(n, votes.iter().map(|v| (v.item_a, v.item_b)));
        assert_eq!(g.n_components, 2);
        Scenario::PositionBias.load(&mut w, 1).unwrap();
        assert!(w.settings.model.order_effect);
        let mut other = Workspace::default();
        Scenario::PositionBias.load(&mut other, 2).unwrap();
        assert_ne!(
            w.deck_ballots(),
            other.deck_ballots(),
            "another seed, another class"
        );
    }
}
