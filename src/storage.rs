//! Votes kept across reloads in the browser's localStorage.
//!
//! Key [`VOTES_KEY`] holds `{"version": 1, "items": [...], "votes": [...]}`.
//! Saved data that cannot be read is never overwritten: it is copied to
//! [`BACKUP_KEY`] first and the page says so.

use gloo_storage::{LocalStorage, Storage};
use prefplay_core::{Dataset, Vote};
use serde::{Deserialize, Serialize};

/// Where the votes live.
pub const VOTES_KEY: &str = "prefplay.v1.votes";
/// Where unreadable saved data is moved before starting afresh.
pub const BACKUP_KEY: &str = "prefplay.v1.votes.unreadable";
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    version: u32,
    items: Vec<String>,
    votes: Vec<Vote>,
}

/// What was found in storage.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Item labels (the deck saved with the votes, or the built-in one).
    pub items: Vec<String>,
    /// The saved votes.
    pub votes: Vec<Vote>,
    /// A message for the user when saved data could not be used.
    pub warning: Option<String>,
}

/// Reads the saved votes; `default_items` when nothing (usable) is saved.
pub fn load(default_items: Vec<String>) -> Loaded {
    let raw = match LocalStorage::raw().get_item(VOTES_KEY) {
        Ok(Some(raw)) => raw,
        Ok(None) => {
            return Loaded {
                items: default_items,
                ..Loaded::default()
            };
        }
        Err(e) => {
            return Loaded {
                items: default_items,
                votes: Vec::new(),
                warning: Some(format!(
                    "Storage is not available ({e:?}); votes will last only until you close this tab."
                )),
            };
        }
    };
    let parsed = serde_json::from_str::<Stored>(&raw)
        .map_err(|e| e.to_string())
        .and_then(|s| {
            if s.version != FORMAT_VERSION {
                return Err(format!("unknown format version {}", s.version));
            }
            Dataset::new(s.items.clone(), s.votes.clone()).map_err(|e| e.to_string())?;
            Ok(s)
        });
    match parsed {
        Ok(s) => Loaded {
            items: s.items,
            votes: s.votes,
            warning: None,
        },
        Err(reason) => {
            let kept = LocalStorage::raw().set_item(BACKUP_KEY, &raw).is_ok();
            let where_kept = if kept {
                format!("they were copied to localStorage key \"{BACKUP_KEY}\"")
            } else {
                "they could not be backed up and are left as they were".to_string()
            };
            Loaded {
                items: default_items,
                votes: Vec::new(),
                warning: Some(format!(
                    "Saved votes in \"{VOTES_KEY}\" could not be read ({reason}); {where_kept}."
                )),
            }
        }
    }
}

/// Saves the votes; `Err` carries a message for the user (e.g. quota exceeded).
pub fn save(items: &[String], votes: &[Vote]) -> Result<(), String> {
    let stored = Stored {
        version: FORMAT_VERSION,
        items: items.to_vec(),
        votes: votes.to_vec(),
    };
    LocalStorage::set(VOTES_KEY, &stored).map_err(|e| {
        format!(
            "Could not save your votes ({e}). They are still here in this tab: export them as CSV."
        )
    })
}
