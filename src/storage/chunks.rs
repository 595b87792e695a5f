//! Which stored records a save must write: ballots are kept in chunk
//! records (up to [`CHUNK`] ballots each, keyed `[deck id, chunk key]`),
//! and this module diffs the workspace against what was last stored.
//! Pure (no browser), tested natively.
//!
//! A vote adds one small record; an import of 100k ballots adds 100
//! records instead of 100k; undo rewrites the one record holding the
//! ballot. A deck whose ballots did not change (same count and the same
//! XOR of id hashes) costs one pass of hashing and nothing else.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHasher};
use std::hash::{Hash, Hasher};

use prefplay_core::playground::collect::Ballot;

/// Ballots per chunk record at most.
pub const CHUNK: usize = 1000;

/// One change to the stored records.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordWrite {
    /// Put chunk `[deck, chunk]` with these ballots (a JSON array).
    Put {
        /// The deck id (first key part).
        deck: String,
        /// The chunk key (second key part).
        chunk: String,
        /// The chunk's ballots as a JSON array.
        json: String,
    },
    /// Delete chunk `[deck, chunk]`.
    Delete {
        /// The deck id.
        deck: String,
        /// The chunk key.
        chunk: String,
    },
    /// Delete every chunk of `deck` (one key-range request).
    DeleteDeck {
        /// The deck id.
        deck: String,
    },
}

#[derive(Debug, Default, Clone)]
struct DeckRecords {
    fingerprint: (usize, u64),
    chunk_of: HashMap<String, String>,
    chunks: HashMap<String, Vec<String>>,
}

impl DeckRecords {
    /// Rewrites (or deletes) the chunks that lost ballots no longer in
    /// `list` (an undo, a removed voter's ballots).
    fn drop_removed(
        &mut self,
        deck: &str,
        list: &[Ballot],
        writes: &mut Vec<RecordWrite>,
    ) -> Result<(), String> {
        let current: HashMap<&str, &Ballot> = list.iter().map(|b| (b.id.as_str(), b)).collect();
        let mut touched: Vec<String> = self
            .chunk_of
            .iter()
            .filter(|(id, _)| !current.contains_key(id.as_str()))
            .map(|(_, chunk)| chunk.clone())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for chunk in touched {
            let ids = self.chunks.remove(&chunk).unwrap_or_default();
            let (kept, gone): (Vec<String>, Vec<String>) = ids
                .into_iter()
                .partition(|id| current.contains_key(id.as_str()));
            for id in &gone {
                self.chunk_of.remove(id);
            }
            let deck = deck.to_string();
            if kept.is_empty() {
                writes.push(RecordWrite::Delete { deck, chunk });
            } else {
                let members: Vec<&Ballot> = kept.iter().map(|id| current[id.as_str()]).collect();
                let json = to_json(&members)?;
                self.chunks.insert(chunk.clone(), kept);
                writes.push(RecordWrite::Put { deck, chunk, json });
            }
        }
        Ok(())
    }
}

/// What is stored, as far as this tab knows.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    decks: HashMap<String, DeckRecords>,
    /// Makes chunk keys unique within this tab.
    counter: u64,
    /// Makes chunk keys unique across tabs.
    tab: u32,
}

/// Count and XOR of id hashes: equal for equal sets of ids (order free).
fn fingerprint(list: &[Ballot]) -> (usize, u64) {
    let mut x = 0u64;
    for b in list {
        let mut h = FxHasher::default();
        b.id.hash(&mut h);
        x ^= h.finish();
    }
    (list.len(), x)
}

fn to_json(ballots: &[&Ballot]) -> Result<String, String> {
    serde_json::to_string(ballots).map_err(|e| e.to_string())
}

impl Snapshot {
    /// Nothing stored yet; `tab` distinguishes this tab's chunk keys.
    pub fn new(tab: u32) -> Self {
        Self {
            tab,
            ..Self::default()
        }
    }

    /// The tab number chunk keys carry.
    pub fn tab(&self) -> u32 {
        self.tab
    }

    /// Records that `deck`'s chunk `chunk` holds `ids` (while reading).
    pub fn note_chunk(&mut self, deck: &str, chunk: &str, ids: Vec<String>) {
        let d = self.decks.entry(deck.to_string()).or_default();
        for id in &ids {
            d.chunk_of.insert(id.clone(), chunk.to_string());
        }
        d.chunks.insert(chunk.to_string(), ids);
    }

    /// After reading: fingerprints of the ballots as read.
    pub fn finish_reading(&mut self, ballots: &BTreeMap<String, Vec<Ballot>>) {
        for (deck, d) in &mut self.decks {
            d.fingerprint = ballots.get(deck).map_or((0, 0), |l| fingerprint(l));
        }
    }

    fn fresh_chunk_key(&mut self, first_id: &str) -> String {
        // One counter for the whole tab, across snapshots (a reload after
        // another tab's save starts a new snapshot with the same tab id),
        // so no chunk key is ever made twice.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        self.counter = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("{first_id}#{:08x}-{}", self.tab, self.counter)
    }

    /// The writes that bring the store from this snapshot to `ballots`;
    /// the snapshot becomes the state they leave. On `Err` the snapshot
    /// is partly updated: the caller must treat it as stale.
    ///
    /// Cost for a deck that changed: one hash lookup per ballot to find
    /// the new ones; the removed ones (undo, a cleared deck) are looked
    /// for only when the counts say some were removed.
    ///
    /// Only the decks `touched` names are compared (an edit says which
    /// decks it changed); pass `|_| true` to compare every deck.
    pub fn diff(
        &mut self,
        ballots: &BTreeMap<String, Vec<Ballot>>,
        touched: impl Fn(&str) -> bool,
    ) -> Result<Vec<RecordWrite>, String> {
        let mut writes = Vec::new();
        let empty = Vec::new();
        let mut decks: Vec<String> = ballots
            .keys()
            .chain(self.decks.keys())
            .filter(|d| touched(d))
            .cloned()
            .collect();
        decks.sort_unstable();
        decks.dedup();
        for deck in decks {
            let list = ballots.get(&deck).unwrap_or(&empty);
            let fp = fingerprint(list);
            if self.decks.get(&deck).map_or((0, 0), |d| d.fingerprint) == fp {
                continue;
            }
            if list.is_empty() {
                writes.push(RecordWrite::DeleteDeck { deck: deck.clone() });
                self.decks.remove(&deck);
                continue;
            }
            let mut d = self.decks.remove(&deck).unwrap_or_default();
            let added: Vec<&Ballot> = list
                .iter()
                .filter(|b| !d.chunk_of.contains_key(&b.id))
                .collect();
            let removed = d.chunk_of.len() + added.len() - list.len();
            if removed > 0 {
                d.drop_removed(&deck, list, &mut writes)?;
            }
            // New ballots go into new chunks, in list order.
            for group in added.chunks(CHUNK) {
                let chunk = self.fresh_chunk_key(&group[0].id);
                let ids: Vec<String> = group.iter().map(|b| b.id.clone()).collect();
                for id in &ids {
                    d.chunk_of.insert(id.clone(), chunk.clone());
                }
                d.chunks.insert(chunk.clone(), ids);
                writes.push(RecordWrite::Put {
                    deck: deck.clone(),
                    chunk,
                    json: to_json(group)?,
                });
            }
            d.fingerprint = fp;
            self.decks.insert(deck, d);
        }
        Ok(writes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::playground::collect::Observation;

    fn ballot(id: &str) -> Ballot {
        Ballot {
            id: id.into(),
            participant: 0,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Thumb { item: 0, up: true },
        }
    }

    fn deck(ids: &[String]) -> BTreeMap<String, Vec<Ballot>> {
        BTreeMap::from([("d".to_string(), ids.iter().map(|i| ballot(i)).collect())])
    }

    /// Applies writes to a map of records, as the database would.
    fn apply(db: &mut BTreeMap<(String, String), String>, writes: &[RecordWrite]) {
        for w in writes {
            match w {
                RecordWrite::Put { deck, chunk, json } => {
                    db.insert((deck.clone(), chunk.clone()), json.clone());
                }
                RecordWrite::Delete { deck, chunk } => {
                    db.remove(&(deck.clone(), chunk.clone()));
                }
                RecordWrite::DeleteDeck { deck } => db.retain(|k, _| k.0 != *deck),
            }
        }
    }

    fn stored_ids(db: &BTreeMap<(String, String), String>) -> Vec<String> {
        let mut ids: Vec<String> = db
            .values()
            .flat_map(|j| serde_json::from_str::<Vec<Ballot>>(j).unwrap())
            .map(|b| b.id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn imports_are_chunked_votes_are_single_and_undo_rewrites_one_chunk() {
        let mut db = BTreeMap::new();
        let mut snap = Snapshot::new(7);
        let mut ids: Vec<String> = (0..2500).map(|k| format!("{k:06}")).collect();
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        assert_eq!(w.len(), 3, "2,500 ballots in 3 records");
        apply(&mut db, &w);
        assert_eq!(stored_ids(&db), ids);
        // Unchanged: nothing to write.
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        assert!(w.is_empty());
        // One vote: one record.
        ids.push("999999".into());
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        assert_eq!(w.len(), 1);
        apply(&mut db, &w);
        // Removing one imported ballot rewrites its chunk only.
        ids.remove(1500);
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        assert_eq!(w.len(), 1);
        assert!(matches!(&w[0], RecordWrite::Put { json, .. } if json.len() > 1000));
        apply(&mut db, &w);
        assert_eq!(stored_ids(&db), ids);
        // Clearing the deck deletes every record, in one request.
        let w = snap.diff(&BTreeMap::new(), |_| true).unwrap();
        assert_eq!(w, vec![RecordWrite::DeleteDeck { deck: "d".into() }]);
        apply(&mut db, &w);
        assert!(db.is_empty());
    }

    #[test]
    fn only_the_decks_an_edit_names_are_compared() {
        let mut snap = Snapshot::new(3);
        let mut both = deck(&["a".to_string()]);
        both.insert("e".into(), both["d"].clone());
        assert_eq!(snap.diff(&both, |_| true).unwrap().len(), 2);
        let mut more = both.clone();
        for list in more.values_mut() {
            list.push(list[0].clone());
            list[1].id = "b".into();
        }
        let w = snap.diff(&more, |d| d == "e").unwrap();
        assert!(
            matches!(&w[..], [RecordWrite::Put { deck, .. }] if deck == "e"),
            "{w:?}"
        );
        // Deck "d" is written when an edit names it.
        assert_eq!(snap.diff(&more, |d| d == "d").unwrap().len(), 1);
        assert!(snap.diff(&more, |_| true).unwrap().is_empty());
    }

    #[test]
    fn a_removed_then_readded_ballot_never_overwrites_another_chunk() {
        let mut db = BTreeMap::new();
        let ids: Vec<String> = vec!["a".into(), "b".into()];
        let mut snap = Snapshot::new(1);
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        apply(&mut db, &w);
        let w = snap.diff(&deck(&["b".to_string()]), |_| true).unwrap();
        apply(&mut db, &w);
        let w = snap.diff(&deck(&ids), |_| true).unwrap();
        apply(&mut db, &w);
        assert_eq!(stored_ids(&db), ids);
    }

    #[test]
    fn a_snapshot_rebuilt_from_records_diffs_like_the_original() {
        let ids: Vec<String> = (0..5).map(|k| k.to_string()).collect();
        let w = Snapshot::new(1).diff(&deck(&ids), |_| true).unwrap();
        let mut read = Snapshot::new(2);
        for r in &w {
            let RecordWrite::Put { deck, chunk, json } = r else {
                panic!("only puts expected: {r:?}");
            };
            let list: Vec<Ballot> = serde_json::from_str(json).unwrap();
            read.note_chunk(deck, chunk, list.into_iter().map(|b| b.id).collect());
        }
        read.finish_reading(&deck(&ids));
        let w = read.diff(&deck(&ids), |_| true).unwrap();
        assert!(w.is_empty());
    }
}
