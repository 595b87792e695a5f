//! The workspace kept across reloads and browser restarts in IndexedDB.
//!
//! Database [`DB_NAME`], version 2 (version 1 lacked `blobs`; upgrading
//! keeps the other stores), three object stores:
//! - `meta`, key `"workspace"`: the workspace without its ballots, as JSON
//!   (`{"version": 2, "workspace": {...}}`);
//! - `ballots`, key `[deck id, chunk key]`: a JSON array of up to
//!   [`chunks::CHUNK`] ballots. Ballot ids start with the 13-digit cast
//!   time, and a deck's ballots are sorted by id when read;
//! - `blobs`, key `img-…`: the image files of image decks, as `Blob`s
//!   (never uploaded anywhere). Blobs no deck refers to are deleted when
//!   the page loads.
//!
//! Saving writes only what changed since the last save ([`chunks`]), so a
//! vote costs one small `put` whatever the number of ballots, and two tabs
//! writing at once never overwrite each other's ballots. After each save
//! the tab posts on the [`CHANNEL`] `BroadcastChannel`; other tabs reload
//! from the database.
//!
//! A failed save (e.g. the quota is exhausted) changes nothing stored: the
//! page says so, and the next save writes everything again. Records that
//! cannot be read are skipped with a message and left in the database.
//! Votes saved by the first version of the page in localStorage (key
//! [`V1_VOTES_KEY`]) are copied in once when the database is empty.

mod blobs;
mod changed;
mod chunks;
mod v1;

pub use changed::Changed;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use prefplay_core::playground::collect::Ballot;
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::workspace::Workspace;

/// The IndexedDB database.
pub const DB_NAME: &str = "prefplay";
/// The BroadcastChannel on which tabs announce saves.
pub const CHANNEL: &str = "prefplay-saved";
/// Where the first version of the page kept its votes.
pub const V1_VOTES_KEY: &str = "prefplay.v1.votes";
const META: &str = "meta";
const BALLOTS: &str = "ballots";
const BLOBS: &str = "blobs";
const META_KEY: &str = "workspace";
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

/// What is in the database, as far as this tab knows.
struct Snapshot {
    /// The ballot records.
    records: chunks::Snapshot,
    /// The stored meta record.
    meta: String,
    /// Write everything next time (after a failed save).
    stale: bool,
}

/// The open database and what this tab last stored.
#[derive(Clone)]
pub struct Store {
    db: Rc<Rexie>,
    snapshot: Rc<RefCell<Snapshot>>,
}

/// What was found in storage.
pub struct Loaded {
    /// The saved workspace, or a fresh one.
    pub workspace: Workspace,
    /// A message for the user when saved data could not be used.
    pub warning: Option<String>,
    /// The database, `None` when IndexedDB is unavailable.
    pub store: Option<Store>,
}

fn describe(e: &rexie::Error) -> String {
    let text = format!("{e:?}");
    if text.contains("Quota") {
        "the browser's storage quota for this page is used up".to_string()
    } else {
        text
    }
}

/// Opens the database (creating it on first use).
async fn open() -> Result<Rexie, String> {
    Rexie::builder(DB_NAME)
        .version(2)
        .add_object_store(ObjectStore::new(META))
        .add_object_store(ObjectStore::new(BALLOTS))
        .add_object_store(ObjectStore::new(BLOBS))
        .build()
        .await
        .map_err(|e| describe(&e))
}

/// Reads the saved workspace; a fresh one (with the first version's votes,
/// if any) when nothing is saved.
pub async fn load() -> Loaded {
    let db = match open().await {
        Ok(db) => db,
        Err(e) => {
            return Loaded {
                workspace: Workspace::default(),
                warning: Some(format!(
                    "Storage is not available ({e}); votes will last only until you close this tab."
                )),
                store: None,
            };
        }
    };
    let tab = crate::browser::tab_id();
    let store = Store {
        db: Rc::new(db),
        snapshot: Rc::new(RefCell::new(Snapshot {
            records: chunks::Snapshot::new(tab),
            meta: String::new(),
            stale: false,
        })),
    };
    match store.read().await {
        Ok((Some(workspace), warning)) => Loaded {
            workspace,
            warning,
            store: Some(store),
        },
        Ok((None, _)) => {
            let (workspace, warning) = v1::migrate();
            Loaded {
                workspace,
                warning,
                store: Some(store),
            }
        }
        Err(e) => Loaded {
            workspace: Workspace::default(),
            warning: Some(format!(
                "Saved data could not be read ({e}); it is left in the browser's database \"{DB_NAME}\" untouched, and nothing will be saved in this tab."
            )),
            store: None,
        },
    }
}

impl Store {
    /// Reads the workspace back (`None` when nothing is stored) and
    /// remembers what is stored. The warning names unreadable records.
    pub async fn read(&self) -> Result<(Option<Workspace>, Option<String>), String> {
        let tx = self
            .db
            .transaction(&[META, BALLOTS], TransactionMode::ReadOnly)
            .map_err(|e| describe(&e))?;
        let meta = tx.store(META).map_err(|e| describe(&e))?;
        let ballots = tx.store(BALLOTS).map_err(|e| describe(&e))?;
        let raw_meta = meta
            .get(JsValue::from_str(META_KEY))
            .await
            .map_err(|e| describe(&e))?
            .and_then(|v| v.as_string());
        let keys = ballots
            .get_all_keys(None, None)
            .await
            .map_err(|e| describe(&e))?;
        let values = ballots
            .get_all(None, None)
            .await
            .map_err(|e| describe(&e))?;
        let Some(raw_meta) = raw_meta else {
            return Ok((None, None));
        };
        let stored: Stored =
            serde_json::from_str(&raw_meta).map_err(|e| format!("the saved workspace: {e}"))?;
        if stored.version != FORMAT_VERSION {
            return Err(format!("unknown format version {}", stored.version));
        }
        let mut workspace = stored.workspace;
        let tab = crate::browser::tab_id();
        let mut records = chunks::Snapshot::new(tab);
        let mut by_deck: BTreeMap<String, Vec<Ballot>> = BTreeMap::new();
        let mut unreadable = 0usize;
        for (key, value) in keys.iter().zip(&values) {
            let key: Vec<String> = js_sys::Array::from(key)
                .iter()
                .filter_map(|k| k.as_string())
                .collect();
            let list = value
                .as_string()
                .and_then(|v| serde_json::from_str::<Vec<Ballot>>(&v).ok());
            match (key.as_slice(), list) {
                ([deck, chunk], Some(list)) => {
                    records.note_chunk(deck, chunk, list.iter().map(|b| b.id.clone()).collect());
                    by_deck.entry(deck.clone()).or_default().extend(list);
                }
                _ => unreadable += 1,
            }
        }
        for list in by_deck.values_mut() {
            list.sort_by(|a, b| a.id.cmp(&b.id));
        }
        records.finish_reading(&by_deck);
        workspace.ballots = by_deck;
        workspace.normalize();
        *self.snapshot.borrow_mut() = Snapshot {
            records,
            meta: raw_meta,
            stale: false,
        };
        let warning = (unreadable > 0).then(|| {
            format!(
                "{} of ballots could not be read; they are left in the browser's database untouched.",
                crate::words::count(unreadable, "saved record", "saved records")
            )
        });
        Ok((Some(workspace), warning))
    }

    /// Takes what changed since the last save (at once) and returns the
    /// write, which says whether it wrote anything. Writes run in the order they were taken: each creates its
    /// transaction when first polled, and IndexedDB applies overlapping
    /// transactions in creation order.
    ///
    /// `changed` names what the edits since the last save changed (the
    /// meta record, some decks' ballots); only those are compared and
    /// written. After a failed save everything is written again.
    pub fn save(
        &self,
        workspace: &Workspace,
        changed: &Changed,
    ) -> impl std::future::Future<Output = Result<bool, String>> + use<> {
        let pending = self.diff(workspace, changed);
        let store = self.clone();
        async move {
            let Some(pending) = pending? else {
                return Ok(false);
            };
            let result = store.write(pending).await;
            if result.is_err() {
                store.snapshot.borrow_mut().stale = true;
            }
            result.map(|()| true)
        }
    }

    /// The writes that bring the database to `workspace`, `None` when
    /// nothing changed. Updates the snapshot as if they succeeded.
    fn diff(&self, workspace: &Workspace, changed: &Changed) -> Result<Option<Pending>, String> {
        let mut snap = self.snapshot.borrow_mut();
        let clear_all = snap.stale;
        let meta = if clear_all || changed.touches_meta() {
            Some(
                serde_json::to_string(&StoredRef {
                    version: FORMAT_VERSION,
                    workspace: &workspace.clone_meta(),
                })
                .map_err(|e| e.to_string())?,
            )
        } else {
            None
        };
        if clear_all {
            snap.records = chunks::Snapshot::new(snap.records.tab());
        }
        let records = match snap.records.diff(&workspace.ballots, |deck| {
            clear_all || changed.touches(deck)
        }) {
            Ok(r) => r,
            Err(e) => {
                snap.stale = true;
                return Err(e);
            }
        };
        let meta = meta.filter(|m| clear_all || *m != snap.meta);
        if let Some(m) = &meta {
            snap.meta.clone_from(m);
        }
        let pending = Pending {
            meta,
            clear_all,
            records,
        };
        snap.stale = false;
        let nothing = pending.meta.is_none() && pending.records.is_empty() && !clear_all;
        Ok((!nothing).then_some(pending))
    }

    async fn write(&self, pending: Pending) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[META, BALLOTS], TransactionMode::ReadWrite)
            .map_err(|e| describe(&e))?;
        let ballots = tx.store(BALLOTS).map_err(|e| describe(&e))?;
        if let Some(meta) = &pending.meta {
            let store = tx.store(META).map_err(|e| describe(&e))?;
            store
                .put(&JsValue::from_str(meta), Some(&JsValue::from_str(META_KEY)))
                .await
                .map_err(|e| describe(&e))?;
        }
        if pending.clear_all {
            ballots.clear().await.map_err(|e| describe(&e))?;
        }
        let mut puts = Vec::new();
        for r in pending.records {
            match r {
                chunks::RecordWrite::Put { deck, chunk, json } => {
                    puts.push((JsValue::from_str(&json), Some(ballot_key(&deck, &chunk))));
                }
                chunks::RecordWrite::Delete { deck, chunk } => ballots
                    .delete(ballot_key(&deck, &chunk))
                    .await
                    .map_err(|e| describe(&e))?,
                chunks::RecordWrite::DeleteDeck { deck } => {
                    // Every key [deck, …]: chunk keys are non-empty strings,
                    // and arrays sort after strings, so [deck, []] bounds them.
                    let range = rexie::KeyRange::bound(
                        &ballot_key(&deck, ""),
                        &js_sys::Array::of2(&JsValue::from_str(&deck), &js_sys::Array::new())
                            .into(),
                        Some(false),
                        Some(false),
                    )
                    .map_err(|e| describe(&e.into()))?;
                    ballots
                        .delete(range.into())
                        .await
                        .map_err(|e| describe(&e))?;
                }
            }
        }
        ballots
            .put_all(puts.into_iter())
            .await
            .map_err(|e| describe(&e))?;
        tx.done().await.map_err(|e| describe(&e))?;
        Ok(())
    }
}

/// One save's writes.
struct Pending {
    meta: Option<String>,
    clear_all: bool,
    records: Vec<chunks::RecordWrite>,
}

fn ballot_key(deck: &str, chunk: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(deck), &JsValue::from_str(chunk)).into()
}
