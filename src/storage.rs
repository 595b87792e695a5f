//! The workspace kept across reloads in the browser's localStorage.
//!
//! Key [`WORKSPACE_KEY`] holds `{"version": 2, "workspace": {...}}`
//! ([`crate::workspace::Workspace`] as JSON). Saved data that cannot be
//! read is never overwritten: it is copied to [`BACKUP_KEY`] first and the
//! page says so. Votes saved by the first version of the page (key
//! [`V1_VOTES_KEY`]) are moved into the workspace once, and the old key is
//! kept.

use gloo_storage::{LocalStorage, Storage};
use prefplay_core::Vote;
use prefplay_core::collect::{Ballot, Deck, DeckItem, Observation};
use prefplay_core::table::Outcome;
use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

/// Where the workspace lives.
pub const WORKSPACE_KEY: &str = "prefplay.v2.workspace";
/// Where unreadable saved data is moved before starting afresh.
pub const BACKUP_KEY: &str = "prefplay.v2.workspace.unreadable";
/// Where the first version of the page kept its votes.
pub const V1_VOTES_KEY: &str = "prefplay.v1.votes";
const FORMAT_VERSION: u32 = 2;

#[derive(Deserialize)]
struct Stored {
    version: u32,
    workspace: Workspace,
}

#[derive(Serialize)]
struct StoredRef<'a> {
    version: u32,
    workspace: &'a Workspace,
}

#[derive(Deserialize)]
struct StoredV1 {
    items: Vec<String>,
    votes: Vec<Vote>,
}

/// What was found in storage.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The saved workspace, or a fresh one.
    pub workspace: Workspace,
    /// A message for the user when saved data could not be used.
    pub warning: Option<String>,
}

/// Reads the saved workspace; a fresh one when nothing (usable) is saved.
pub fn load() -> Loaded {
    let raw = match LocalStorage::raw().get_item(WORKSPACE_KEY) {
        Ok(Some(raw)) => raw,
        Ok(None) => return load_v1(),
        Err(e) => {
            return Loaded {
                workspace: Workspace::default(),
                warning: Some(format!(
                    "Storage is not available ({e:?}); votes will last only until you close this tab."
                )),
            };
        }
    };
    let parsed = serde_json::from_str::<Stored>(&raw)
        .map_err(|e| e.to_string())
        .and_then(|s| {
            if s.version == FORMAT_VERSION {
                Ok(s.workspace)
            } else {
                Err(format!("unknown format version {}", s.version))
            }
        });
    match parsed {
        Ok(mut workspace) => {
            workspace.normalize();
            Loaded {
                workspace,
                warning: None,
            }
        }
        Err(reason) => {
            let kept = LocalStorage::raw().set_item(BACKUP_KEY, &raw).is_ok();
            let where_kept = if kept {
                format!("it was copied to localStorage key \"{BACKUP_KEY}\"")
            } else {
                "it could not be backed up and is left as it was".to_string()
            };
            Loaded {
                workspace: Workspace::default(),
                warning: Some(format!(
                    "Saved data in \"{WORKSPACE_KEY}\" could not be read ({reason}); {where_kept}."
                )),
            }
        }
    }
}

/// A fresh workspace holding the first version's votes, if any: on the
/// built-in deck with the same items, else on a new deck of those items.
fn load_v1() -> Loaded {
    let mut workspace = Workspace::default();
    let Ok(Some(raw)) = LocalStorage::raw().get_item(V1_VOTES_KEY) else {
        return Loaded {
            workspace,
            warning: None,
        };
    };
    let Ok(old) = serde_json::from_str::<StoredV1>(&raw) else {
        return Loaded {
            workspace,
            warning: Some(format!(
                "Votes saved by an older version (\"{V1_VOTES_KEY}\") could not be read; they are left there untouched."
            )),
        };
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
                return Loaded {
                    workspace,
                    warning: Some(format!(
                        "Votes saved by an older version (\"{V1_VOTES_KEY}\") name unusable items; they are left there untouched."
                    )),
                };
            }
        }
    }
    for v in old.votes {
        workspace.cast(Ballot {
            participant: 0,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Pair {
                left: v.item_a as u32,
                right: v.item_b as u32,
                outcome: match v.winner {
                    prefplay_core::Winner::A => Outcome::A,
                    prefplay_core::Winner::B => Outcome::B,
                    prefplay_core::Winner::Tie => Outcome::Tie,
                },
            },
        });
    }
    Loaded {
        workspace,
        warning: None,
    }
}

/// Saves the workspace; `Err` carries a message for the user (e.g. quota
/// exceeded). What was saved before stays as it was.
pub fn save(workspace: &Workspace) -> Result<(), String> {
    let stored = StoredRef {
        version: FORMAT_VERSION,
        workspace,
    };
    LocalStorage::set(WORKSPACE_KEY, &stored).map_err(|e| {
        format!(
            "Could not save ({e}). Your votes are still here in this tab: export them before closing it."
        )
    })
}
