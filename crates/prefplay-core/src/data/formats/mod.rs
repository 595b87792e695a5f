//! Reading and writing preference files, all through [`PairTable`].
//!
//! | format | shape |
//! |---|---|
//! | `pairs` | CSV `item_a,item_b,winner` + optional `count`, `rater`, `advantage`, `prompt`, `f_<name>` |
//! | `winner-loser` | CSV `winner,loser` + optional `count`, `tie` (1/true: a tie) |
//! | `arena` | Chatbot Arena battles, JSON array or JSON lines: `model_a`, `model_b`, `winner`, optional `judge` |
//! | `hf` | Hugging Face preference JSON lines: `prompt`, `chosen`, `rejected` |
//! | `crowdkit` | crowd-kit CSV `worker,left,right,label` (`label`: the preferred item) |
//! | `rankings` | CSV `ranking` (`a > b > c`) + optional `unranked` (`d|e`), `count`, `rater` |
//! | `prefplay` | prefplay's own versioned JSON dataset |
//!
//! Rankings read as pairs are broken into every implied pairwise win
//! ([`RankingTable::to_pairs`]); use [`read_rankings`] for Plackett–Luce.
//!
//! Readers stream (CSV and JSON lines are read record by record) and stop
//! at the first bad record with an error naming the file, line and field.

mod arena;
mod crowdkit;
pub(crate) mod csv_util;
mod hf;
mod json_records;
mod pairs;
mod prefplay_json;
mod quote_free;
mod rankings_csv;
mod winner_loser;

use std::io::{BufRead, Write};

use crate::data::rankings::RankingTable;
use crate::data::table::PairTable;
use crate::{Error, Result};

/// A file format. See the module docs for each one's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Canonical pairs CSV.
    Pairs,
    /// `winner,loser` CSV.
    WinnerLoser,
    /// Arena battles JSON / JSON lines.
    Arena,
    /// Hugging Face preference JSON lines.
    Hf,
    /// crowd-kit pairwise CSV.
    CrowdKit,
    /// Rankings / best-of-k CSV.
    Rankings,
    /// prefplay's versioned JSON.
    Prefplay,
}

impl Format {
    /// Every format, in the order of the module table.
    pub const ALL: [Format; 7] = [
        Format::Pairs,
        Format::WinnerLoser,
        Format::Arena,
        Format::Hf,
        Format::CrowdKit,
        Format::Rankings,
        Format::Prefplay,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pairs => "pairs",
            Format::WinnerLoser => "winner-loser",
            Format::Arena => "arena",
            Format::Hf => "hf",
            Format::CrowdKit => "crowdkit",
            Format::Rankings => "rankings",
            Format::Prefplay => "prefplay",
        }
    }

    /// The format with this command-line name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Guesses the format from the first bytes of a file: a CSV header's
/// columns, or the keys of the first JSON record. Two matches or none are
/// errors that say what was seen.
pub fn detect(source_name: &str, head: &[u8]) -> Result<Format> {
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let err = |message: String| Error::Format {
        source_name: source_name.to_string(),
        line: 1,
        field: "format".into(),
        message,
    };
    if trimmed.is_empty() {
        return Err(err("the file is empty".into()));
    }
    let mut found = Vec::new();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let first_record = trimmed.trim_start_matches('[').trim_start();
        let has = |key: &str| first_record.contains(&format!("\"{key}\""));
        if has("format") && first_record.contains("\"prefplay\"") {
            found.push(Format::Prefplay);
        }
        if has("model_a") && has("model_b") {
            found.push(Format::Arena);
        }
        if has("chosen") && has("rejected") {
            found.push(Format::Hf);
        }
    } else {
        let header = trimmed.lines().next().unwrap_or("");
        let columns: Vec<String> = header
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
            .collect();
        let has_all = |names: &[&str]| names.iter().all(|n| columns.iter().any(|c| c == n));
        if has_all(&pairs::REQUIRED) {
            found.push(Format::Pairs);
        }
        if has_all(&winner_loser::REQUIRED) {
            found.push(Format::WinnerLoser);
        }
        if has_all(&crowdkit::REQUIRED) {
            found.push(Format::CrowdKit);
        }
        if has_all(&rankings_csv::REQUIRED) {
            found.push(Format::Rankings);
        }
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(err(
            "cannot tell the format: expected a CSV header with item_a,item_b,winner (pairs), winner,loser (winner-loser) worker,left,right,label (crowdkit) or ranking (rankings), or JSON records with model_a/model_b (arena), chosen/rejected (hf) or \"format\": \"prefplay\"; pass --format".into(),
        )),
        many => Err(err(format!(
            "ambiguous: the file looks like {}; pass --format",
            many.iter().map(|f| f.name()).collect::<Vec<_>>().join(" and ")
        ))),
    }
}

/// Reads a table. `known_items` come first, in that order (e.g. a deck).
pub fn read_table<R: BufRead>(
    reader: R,
    format: Format,
    source_name: &str,
    known_items: &[String],
) -> Result<PairTable> {
    let mut table = PairTable::with_items(known_items);
    match format {
        Format::Pairs => pairs::read(reader, source_name, &mut table)?,
        Format::WinnerLoser => winner_loser::read(reader, source_name, &mut table)?,
        Format::Arena => arena::read(reader, source_name, &mut table)?,
        Format::Hf => hf::read(reader, source_name, &mut table)?,
        Format::CrowdKit => crowdkit::read(reader, source_name, &mut table)?,
        Format::Rankings => return Ok(read_rankings(reader, source_name, known_items)?.to_pairs()),
        Format::Prefplay => return prefplay_json::read(reader, source_name, known_items),
    }
    Ok(table)
}

/// Writes a table. Formats that cannot hold something in the table (ties
/// in crowd-kit, say) refuse with an error rather than drop it.
pub fn write_table<W: Write>(table: &PairTable, format: Format, writer: W) -> Result<()> {
    match format {
        Format::Pairs => pairs::write(table, writer),
        Format::WinnerLoser => winner_loser::write(table, writer),
        Format::Arena => arena::write(table, writer),
        Format::Hf => hf::write(table, writer),
        Format::CrowdKit => crowdkit::write(table, writer),
        Format::Rankings => {
            let (rankings, ties) = RankingTable::from_pairs(table);
            if ties > 0 {
                return Err(Error::Unsupported(format!(
                    "rankings have no ties, and {ties} votes are ties"
                )));
            }
            rankings_csv::write(&rankings, writer)
        }
        Format::Prefplay => prefplay_json::write(table, writer),
    }
}

/// Reads a rankings CSV as rankings (for Plackett–Luce).
pub fn read_rankings<R: BufRead>(
    reader: R,
    source_name: &str,
    known_items: &[String],
) -> Result<RankingTable> {
    let mut table = RankingTable::with_items(known_items);
    rankings_csv::read(reader, source_name, &mut table)?;
    Ok(table)
}

/// Writes rankings as a rankings CSV.
pub fn write_rankings<W: Write>(table: &RankingTable, writer: W) -> Result<()> {
    rankings_csv::write(table, writer)
}

/// An I/O error while writing, as an [`Error`].
pub(crate) fn write_error(e: impl std::fmt::Display) -> Error {
    Error::Io(e.to_string())
}

#[cfg(test)]
mod tests;
