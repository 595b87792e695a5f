//! Import and export: files in, files out, and merging several files (a
//! class's exports) into the workspace. Pure logic (no DOM), tested natively.
//!
//! Import reads every format prefplay-core reads plus prefplay's own
//! workspace file. It only ever adds: decks, voters and ballots. Nothing
//! stored is changed or removed, and the page asks before applying
//! ([`merge`] works on a copy and reports what it would add).
//!
//! - A **workspace file** (`"format": "prefplay-workspace"`) brings its
//!   decks, voters and ballots in every mode. A deck with the same id and
//!   the same items receives the ballots; otherwise the deck is added as
//!   a new one. Voters are matched by name; ballots keep their voter.
//! - **Any other format** becomes pair ballots on the deck whose items
//!   include all of the file's items (the deck on screen first), else on
//!   a new deck named after the file. Raters become voters (by name);
//!   rows without one belong to a voter named after the file.
//!
//! Ballots are matched by id, so merging the same file twice adds nothing
//! the second time. Ballots read from a table get ids made from a hash of
//! the file's bytes and the row number.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Cursor;

use prefplay_core::data::formats::{detect, read_table};
use prefplay_core::data::table::PairTable;
use prefplay_core::playground::collect::{Ballot, Deck, DeckItem, DeckKind, Observation};
use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

mod export;

pub use export::{ExportKind, export, export_workspace};

/// The `format` value of a workspace file.
pub const WORKSPACE_FORMAT: &str = "prefplay-workspace";
/// The version this build writes and the newest it reads.
pub const WORKSPACE_VERSION: u32 = 1;
/// The most ballots one import may add (a row with a count adds that many).
pub const MAX_IMPORT_BALLOTS: usize = 5_000_000;

/// Everything, as one JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceFile {
    /// Always [`WORKSPACE_FORMAT`].
    pub format: String,
    /// [`WORKSPACE_VERSION`].
    pub version: u32,
    /// Every deck (built-in ones included, so the file stands alone).
    pub decks: Vec<Deck>,
    /// Voter names; a ballot's `participant` indexes this list.
    pub participants: Vec<String>,
    /// Ballots per deck id.
    pub ballots: std::collections::BTreeMap<String, Vec<Ballot>>,
}

/// One file read for import.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A workspace file.
    Workspace(WorkspaceFile),
    /// A table in another format, with its name and a hash of its bytes.
    Table {
        /// The file name.
        name: String,
        /// What it holds.
        table: PairTable,
        /// A hash of the bytes (for ballot ids).
        hash: u64,
    },
}

/// Reads one file; `Err` names the file, line and field.
pub fn read_file(name: &str, bytes: &[u8]) -> Result<Incoming, String> {
    let head = &bytes[..bytes.len().min(4096)];
    let head_text = String::from_utf8_lossy(head);
    if head_text.contains(&format!("\"{WORKSPACE_FORMAT}\"")) {
        let file: WorkspaceFile =
            serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
        if file.version > WORKSPACE_VERSION {
            return Err(format!(
                "{name}: workspace file version {} is newer than this page reads ({WORKSPACE_VERSION})",
                file.version
            ));
        }
        return Ok(Incoming::Workspace(file));
    }
    // The core's message ends with the CLI's remedy; the page has none
    // such, so it names the formats it reads instead.
    let format = detect(name, head).map_err(|e| {
        e.to_string().replace(
            "; pass --format",
            ": save the file as one of these formats (the README lists them)",
        )
    })?;
    let table = read_table(Cursor::new(bytes), format, name, &[]).map_err(|e| e.to_string())?;
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    Ok(Incoming::Table {
        name: name.to_string(),
        table,
        hash: hasher.finish(),
    })
}

/// What a merge added, one line per file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeReport {
    /// Human-readable lines, one per file or deck.
    pub lines: Vec<String>,
    /// Ballots added in all.
    pub added: usize,
    /// Ballots added per deck id.
    pub per_deck: std::collections::BTreeMap<String, usize>,
}

/// Merges `files` into `workspace` (see the module docs). The deck that
/// received the most ballots becomes the active one.
pub fn merge(workspace: &mut Workspace, files: Vec<Incoming>) -> Result<MergeReport, String> {
    let mut report = merge_files(workspace, files)?;
    if let Some((deck, _)) = report
        .per_deck
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by_key(|(_, n)| **n)
    {
        workspace.select_deck(&deck.clone());
    }
    report.per_deck.retain(|_, n| *n > 0);
    Ok(report)
}

fn merge_files(workspace: &mut Workspace, files: Vec<Incoming>) -> Result<MergeReport, String> {
    let mut report = MergeReport::default();
    for file in files {
        match file {
            Incoming::Workspace(f) => merge_workspace(workspace, f, &mut report)?,
            Incoming::Table { name, table, hash } => {
                merge_table(workspace, &name, &table, hash, &mut report)?;
            }
        }
        if report.added > MAX_IMPORT_BALLOTS {
            return Err(format!(
                "the import adds over {MAX_IMPORT_BALLOTS} ballots; split the files"
            ));
        }
    }
    Ok(report)
}

fn participant_id(workspace: &mut Workspace, name: &str) -> u32 {
    match workspace.participants.iter().position(|p| p == name) {
        Some(i) => i as u32,
        None => {
            workspace.participants.push(name.to_string());
            (workspace.participants.len() - 1) as u32
        }
    }
}

/// Adds `ballots` to deck `deck_id`, skipping ids already there; returns
/// how many were added.
fn add_ballots(workspace: &mut Workspace, deck_id: &str, ballots: Vec<Ballot>) -> usize {
    let list = workspace.ballots.entry(deck_id.to_string()).or_default();
    let mut seen: HashSet<String> = list.iter().map(|b| b.id.clone()).collect();
    let before = list.len();
    for b in ballots {
        if b.id.is_empty() || seen.insert(b.id.clone()) {
            list.push(b);
        }
    }
    list.sort_by(|a, b| a.id.cmp(&b.id));
    list.len() - before
}

fn merge_workspace(
    workspace: &mut Workspace,
    file: WorkspaceFile,
    report: &mut MergeReport,
) -> Result<(), String> {
    let voters: Vec<u32> = file
        .participants
        .iter()
        .map(|p| participant_id(workspace, p))
        .collect();
    let mut deck_ids: HashMap<String, String> = HashMap::new();
    for deck in &file.decks {
        let same = workspace
            .decks
            .iter()
            .find(|d| d.id == deck.id && d.labels() == deck.labels());
        let id = match same {
            Some(d) => d.id.clone(),
            None => {
                let mut copy = deck.clone();
                copy.id = workspace.fresh_deck_id();
                let id = copy.id.clone();
                copy.check()
                    .map_err(|e| format!("deck \"{}\": {e}", deck.name))?;
                workspace.decks.push(copy);
                id
            }
        };
        deck_ids.insert(deck.id.clone(), id);
    }
    for (deck_id, ballots) in file.ballots {
        let Some(target) = deck_ids.get(&deck_id).cloned() else {
            return Err(format!(
                "ballots for deck \"{deck_id}\", which the file lacks"
            ));
        };
        let n_items = workspace
            .decks
            .iter()
            .find(|d| d.id == target)
            .map_or(0, |d| d.items.len());
        let mut mapped = Vec::with_capacity(ballots.len());
        for (k, mut b) in ballots.into_iter().enumerate() {
            b.observation
                .check(n_items)
                .map_err(|e| format!("deck \"{deck_id}\", ballot {}: {e}", k + 1))?;
            b.participant = *voters.get(b.participant as usize).ok_or_else(|| {
                format!(
                    "deck \"{deck_id}\", ballot {}: voter {} is not in the file",
                    k + 1,
                    b.participant
                )
            })?;
            mapped.push(b);
        }
        let total = mapped.len();
        let added = add_ballots(workspace, &target, mapped);
        report.added += added;
        *report.per_deck.entry(target.clone()).or_default() += added;
        let name = workspace
            .decks
            .iter()
            .find(|d| d.id == target)
            .map_or(String::new(), |d| d.name.clone());
        report.lines.push(format!(
            "{} into \"{name}\"{}.",
            crate::words::count(added, "new ballot", "new ballots"),
            if added < total {
                format!(" ({} already there)", total - added)
            } else {
                String::new()
            }
        ));
    }
    Ok(())
}

/// The deck a table's ballots go to: the deck on screen if it has all of
/// the table's items, else the first deck that has, else a new deck of
/// them named after the file.
fn deck_for(workspace: &mut Workspace, name: &str, items: &[String]) -> Result<Deck, String> {
    let covers = |d: &Deck| {
        let labels = d.labels();
        items.iter().all(|i| labels.contains(i))
    };
    let active = workspace.deck().clone();
    let existing = if covers(&active) {
        Some(active)
    } else {
        workspace.decks.iter().find(|d| covers(d)).cloned()
    };
    let deck = match existing {
        Some(d) => d,
        None => {
            let deck = Deck {
                id: workspace.fresh_deck_id(),
                name: name.to_string(),
                kind: DeckKind::Text,
                question: String::new(),
                feature_names: Vec::new(),
                items: items
                    .iter()
                    .map(|l| DeckItem {
                        label: l.clone(),
                        ..DeckItem::default()
                    })
                    .collect(),
            };
            deck.check().map_err(|e| format!("{name}: {e}"))?;
            workspace.decks.push(deck.clone());
            deck
        }
    };
    Ok(deck)
}

fn merge_table(
    workspace: &mut Workspace,
    name: &str,
    table: &PairTable,
    hash: u64,
    report: &mut MergeReport,
) -> Result<(), String> {
    let items = table.items();
    let deck = deck_for(workspace, name, items)?;
    let labels = deck.labels();
    let item_map: Vec<u32> = items
        .iter()
        .map(|l| labels.iter().position(|d| d == l).unwrap_or(0) as u32)
        .collect();
    let raters: Vec<u32> = table
        .raters()
        .iter()
        .map(|r| participant_id(workspace, r))
        .collect();
    let mut file_voter = None;
    let total: u64 = table.rows.iter().map(|r| u64::from(r.count)).sum();
    if total > MAX_IMPORT_BALLOTS as u64 {
        return Err(format!(
            "{name}: {total} votes; one import takes at most {MAX_IMPORT_BALLOTS}"
        ));
    }
    let mut ballots = Vec::with_capacity(total as usize);
    for (k, row) in table.rows.iter().enumerate() {
        let participant = match row.rater {
            Some(r) => raters[r as usize],
            None => *file_voter.get_or_insert_with(|| participant_id(workspace, name)),
        };
        let prompt = table.prompts.get(k).filter(|p| !p.is_empty()).cloned();
        for c in 0..row.count {
            ballots.push(Ballot {
                id: format!("0000000000000-{hash:016x}-{k:09}-{c}"),
                participant,
                prompt: prompt.clone(),
                time_ms: 0.0,
                observation: Observation::Pair {
                    left: item_map[row.item_a as usize],
                    right: item_map[row.item_b as usize],
                    outcome: row.outcome,
                },
            });
        }
    }
    let added = add_ballots(workspace, &deck.id, ballots);
    report.added += added;
    *report.per_deck.entry(deck.id.clone()).or_default() += added;
    report.lines.push(format!(
        "{name}: {} into \"{}\"{}.",
        crate::words::count(added, "new ballot", "new ballots"),
        deck.name,
        if (added as u64) < total {
            format!(" ({} already there)", total - added as u64)
        } else {
            String::new()
        }
    ));
    Ok(())
}

#[cfg(test)]
mod tests;
