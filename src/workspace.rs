//! Everything the page keeps: decks, participants, ballots per deck and
//! settings. Pure data and edits (no DOM), so it is tested natively;
//! `storage.rs` saves it.

use std::collections::BTreeMap;

use prefplay_core::playground::collect::{Ballot, BallotId, Deck};
use serde::{Deserialize, Serialize};

use crate::decks::{DEFAULT_DECK_ID, builtin_decks, is_builtin};

mod settings;

pub use settings::{Mode, Settings, StrategyChoice};

/// Decks, participants, ballots (by deck id) and settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Built-in decks first, then the user's.
    pub decks: Vec<Deck>,
    /// The deck on screen.
    pub active_deck: String,
    /// Participant names; a ballot's `participant` indexes this list.
    pub participants: Vec<String>,
    /// Who is voting now.
    pub active_participant: u32,
    /// Ballots per deck id, oldest first.
    pub ballots: BTreeMap<String, Vec<Ballot>>,
    /// Page settings.
    #[serde(default)]
    pub settings: Settings,
    /// Per deck id, the hidden utilities of a simulated class (on the
    /// scale of the fitted scores, centred), one per item.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub truths: BTreeMap<String, Vec<f64>>,
    /// The settings of each deck not on screen (the one on screen has
    /// [`Self::settings`]): every deck keeps its own mode and model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deck_settings: BTreeMap<String, Settings>,
    /// The deck that was on screen before an address (`?scenario=`)
    /// opened a scenario's deck: the page goes back to it when opened
    /// without that address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_deck: Option<String>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            decks: builtin_decks(),
            active_deck: DEFAULT_DECK_ID.into(),
            participants: vec!["Me".into()],
            active_participant: 0,
            ballots: BTreeMap::new(),
            settings: Settings::default(),
            truths: BTreeMap::new(),
            deck_settings: BTreeMap::new(),
            home_deck: None,
        }
    }
}

impl Workspace {
    /// Repairs what a stored or imported workspace may lack: the built-in
    /// decks (added back, current versions), a participant, an active deck
    /// and participant that exist.
    pub fn normalize(&mut self) {
        let builtins = builtin_decks();
        self.decks.retain(|d| !is_builtin(&d.id));
        let mut decks = builtins;
        decks.append(&mut self.decks);
        self.decks = decks;
        if self.participants.is_empty() {
            self.participants.push("Me".into());
        }
        if self.active_participant as usize >= self.participants.len() {
            self.active_participant = 0;
        }
        if !self.decks.iter().any(|d| d.id == self.active_deck) {
            self.active_deck = DEFAULT_DECK_ID.into();
        }
        let decks = &self.decks;
        self.deck_settings
            .retain(|id, _| decks.iter().any(|d| d.id == *id));
        if self
            .home_deck
            .as_ref()
            .is_some_and(|h| !decks.iter().any(|d| d.id == *h))
        {
            self.home_deck = None;
        }
        self.settings.k = self.settings.k.clamp(3, 6);
        self.settings.top_k = self.settings.top_k.max(1);
        let decks = &self.decks;
        self.truths.retain(|id, truth| {
            decks
                .iter()
                .any(|d| d.id == *id && d.items.len() == truth.len())
        });
        for list in self.ballots.values_mut() {
            for (k, b) in list.iter_mut().enumerate() {
                if b.id.is_empty() {
                    b.id = BallotId::unnamed(k);
                }
            }
        }
    }

    /// A copy without the ballots (what is stored as the meta record).
    pub fn clone_meta(&self) -> Workspace {
        Workspace {
            decks: self.decks.clone(),
            active_deck: self.active_deck.clone(),
            participants: self.participants.clone(),
            active_participant: self.active_participant,
            ballots: BTreeMap::new(),
            settings: self.settings,
            truths: self.truths.clone(),
            deck_settings: self.deck_settings.clone(),
            home_deck: self.home_deck.clone(),
        }
    }

    /// Puts deck `id` on screen with its own settings (a deck without any
    /// yet takes the current ones); the settings of the deck it replaces
    /// are kept for it.
    pub fn select_deck(&mut self, id: &str) {
        if id == self.active_deck {
            return;
        }
        let leaving = std::mem::replace(&mut self.active_deck, id.to_string());
        self.deck_settings.insert(leaving, self.settings);
        if let Some(own) = self.deck_settings.remove(id) {
            self.settings = own;
        }
    }

    /// The voters the menus offer on the deck on screen: everyone but the
    /// simulated voters of other decks' classes ("Sim N" voters appear on
    /// the decks they voted on), and the active voter.
    pub fn voters_here(&self) -> Vec<(u32, String)> {
        let here = self.deck_ballots();
        self.participants
            .iter()
            .enumerate()
            .map(|(i, name)| (i as u32, name))
            .filter(|&(i, _)| {
                !self.is_simulated(i)
                    || i == self.active_participant
                    || here.iter().any(|b| b.participant == i)
            })
            .map(|(i, name)| (i, name.clone()))
            .collect()
    }

    /// Whether voter `participant` is one of a simulated class's ("Sim N").
    pub fn is_simulated(&self, participant: u32) -> bool {
        self.participants
            .get(participant as usize)
            .and_then(|name| name.strip_prefix("Sim "))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The deck on screen.
    pub fn deck(&self) -> &Deck {
        self.decks
            .iter()
            .find(|d| d.id == self.active_deck)
            .unwrap_or(&self.decks[0])
    }

    /// The active deck's ballots, oldest first.
    pub fn deck_ballots(&self) -> &[Ballot] {
        self.ballots
            .get(&self.active_deck)
            .map_or(&[], Vec::as_slice)
    }

    /// Records a ballot on the active deck.
    pub fn cast(&mut self, ballot: Ballot) {
        self.ballots
            .entry(self.active_deck.clone())
            .or_default()
            .push(ballot);
    }

    /// Removes and returns the active participant's latest ballot on the
    /// active deck.
    pub fn undo(&mut self) -> Option<Ballot> {
        let who = self.active_participant;
        let list = self.ballots.get_mut(&self.active_deck)?;
        let at = list.iter().rposition(|b| b.participant == who)?;
        Some(list.remove(at))
    }

    /// Deletes every ballot on the active deck.
    pub fn clear_deck_ballots(&mut self) {
        self.ballots.remove(&self.active_deck);
    }

    /// Adds a participant (or selects an existing one of that name) and
    /// makes them active. Empty names are refused.
    pub fn add_participant(&mut self, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("A participant needs a name.".into());
        }
        let id = match self.participants.iter().position(|p| p == name) {
            Some(i) => i,
            None => {
                self.participants.push(name.to_string());
                self.participants.len() - 1
            }
        };
        self.active_participant = id as u32;
        Ok(())
    }

    /// Adds a deck and makes it active. Its id must be new.
    pub fn add_deck(&mut self, deck: Deck) -> Result<(), String> {
        deck.check()?;
        if self.decks.iter().any(|d| d.id == deck.id) {
            return Err(format!("a deck with id \"{}\" exists", deck.id));
        }
        let id = deck.id.clone();
        self.decks.push(deck);
        self.select_deck(&id);
        Ok(())
    }

    /// A copy of the active deck (no ballots) named "<name> (copy)" under
    /// `new_id`, made active.
    pub fn duplicate_deck(&mut self, new_id: String) -> Result<(), String> {
        let name = format!("{} (copy)", self.deck().name);
        self.copy_deck(new_id, name)
    }

    /// A copy of the active deck (no ballots) named `name` under `new_id`,
    /// made active.
    pub fn copy_deck(&mut self, new_id: String, name: String) -> Result<(), String> {
        let mut copy = self.deck().clone();
        copy.id = new_id;
        copy.name = name;
        self.add_deck(copy)
    }

    /// Deletes the active deck and its ballots (built-in decks cannot be
    /// deleted); the first deck becomes active.
    pub fn delete_deck(&mut self) -> Result<(), String> {
        if is_builtin(&self.active_deck) {
            return Err("Built-in decks cannot be deleted; duplicate one to change it.".into());
        }
        let id = self.active_deck.clone();
        self.decks.retain(|d| d.id != id);
        self.ballots.remove(&id);
        self.truths.remove(&id);
        self.select_deck(DEFAULT_DECK_ID);
        self.deck_settings.remove(&id);
        Ok(())
    }

    /// Renames the active deck, sets its question and edits its items
    /// (user decks only). `labels` are the items one per line: line k
    /// renames item k (votes stay with it), extra lines add items, and
    /// fewer lines remove items from the end — only items no vote
    /// mentions. Decks with hidden features or images cannot gain items.
    /// Nothing changes on an error.
    pub fn edit_deck(&mut self, name: &str, question: &str, labels: &str) -> Result<(), String> {
        if is_builtin(&self.active_deck) {
            return Err("Built-in decks cannot be edited; duplicate one to change it.".into());
        }
        let id = self.active_deck.clone();
        let mut deck = self.deck().clone();
        deck.name = name.trim().to_string();
        deck.question = question.trim().to_string();
        let new: Vec<String> = labels
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let old_len = deck.items.len();
        if new.len() > old_len
            && (!deck.feature_names.is_empty()
                || deck.kind == prefplay_core::playground::collect::DeckKind::Images)
        {
            return Err(
                "Items cannot be added to a deck with hidden features or images; make a new deck."
                    .into(),
            );
        }
        if new.len() < old_len {
            let ballots = self.deck_ballots();
            if let Some(used) = (new.len()..old_len).find(|&i| {
                ballots
                    .iter()
                    .any(|b| b.observation.items().contains(&(i as u32)))
            }) {
                return Err(format!(
                    "\"{}\" has votes, so it cannot be removed (items are removed from the end of the list).",
                    deck.items[used].label
                ));
            }
            deck.items.truncate(new.len());
        }
        for (k, label) in new.into_iter().enumerate() {
            match deck.items.get_mut(k) {
                Some(item) => item.label = label,
                None => deck
                    .items
                    .push(prefplay_core::playground::collect::DeckItem {
                        label,
                        ..Default::default()
                    }),
            }
        }
        deck.check()?;
        if deck.items.len() != old_len {
            self.truths.remove(&id);
        }
        if let Some(d) = self.decks.iter_mut().find(|d| d.id == id) {
            *d = deck;
        }
        Ok(())
    }

    /// A deck id not yet used: `user-<n>`.
    pub fn fresh_deck_id(&self) -> String {
        (1..)
            .map(|n| format!("user-{n}"))
            .find(|id| !self.decks.iter().any(|d| &d.id == id))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
