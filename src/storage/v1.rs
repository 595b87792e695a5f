//! Votes saved by the first version of the page in localStorage (key
//! [`V1_VOTES_KEY`]), copied in once when the database is empty.

use gloo_storage::{LocalStorage, Storage};
use prefplay_core::Vote;
use prefplay_core::playground::collect::{Ballot, Deck, DeckItem, Observation};
use serde::Deserialize;

use super::V1_VOTES_KEY;
use crate::workspace::Workspace;

#[derive(Deserialize)]
struct StoredV1 {
    items: Vec<String>,
    votes: Vec<Vote>,
}

/// A fresh workspace holding the first version's votes, if any: on the
/// built-in deck with the same items, else on a new deck of those items.
pub(super) fn migrate() -> (Workspace, Option<String>) {
    let mut workspace = Workspace::default();
    let Ok(Some(raw)) = LocalStorage::raw().get_item(V1_VOTES_KEY) else {
        return (workspace, None);
    };
    let untouched = |why: &str| {
        Some(format!(
            "Votes saved by an older version (localStorage \"{V1_VOTES_KEY}\") {why}; they are left there untouched."
        ))
    };
    let Ok(old) = serde_json::from_str::<StoredV1>(&raw) else {
        return (workspace, untouched("could not be read"));
    };
    match workspace.decks.iter().find(|d| d.labels() == old.items) {
        Some(d) => workspace.active_deck = d.id.clone(),
        None => {
            let deck = Deck {
                id: workspace.fresh_deck_id(),
                name: "Saved votes".into(),
                items: old
                    .items
                    .iter()
                    .map(|label| DeckItem {
                        label: label.clone(),
                        ..DeckItem::default()
                    })
                    .collect(),
                ..Deck::default()
            };
            if workspace.add_deck(deck).is_err() {
                return (workspace, untouched("name unusable items"));
            }
        }
    }
    for v in old.votes {
        workspace.cast(Ballot {
            id: String::new(),
            participant: 0,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Pair {
                left: v.item_a as u32,
                right: v.item_b as u32,
                outcome: v.outcome,
            },
        });
    }
    workspace.normalize();
    (workspace, None)
}
