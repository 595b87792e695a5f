//! Opening a preference file: format detection and streaming read.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use prefplay_core::data::deck::parse_deck;
use prefplay_core::data::formats::{Format, detect, read_rankings, read_table};
use prefplay_core::data::rankings::RankingTable;
use prefplay_core::data::table::PairTable;

/// `--format`: a file format or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Guess from the header or the first JSON record.
    Auto,
    /// CSV item_a,item_b,winner [+count,rater,advantage,prompt,f_*].
    Pairs,
    /// CSV winner,loser [+count,tie].
    WinnerLoser,
    /// Chatbot Arena battles, JSON array or JSON lines.
    Arena,
    /// Hugging Face preference JSON lines (prompt, chosen, rejected).
    Hf,
    /// crowd-kit CSV worker,left,right,label.
    Crowdkit,
    /// Rankings CSV: ranking ("a > b > c") [+unranked "d|e", count, rater].
    Rankings,
    /// prefplay's versioned JSON dataset.
    Prefplay,
}

impl FormatArg {
    /// The format, or `None` for auto.
    pub fn format(self) -> Option<Format> {
        match self {
            FormatArg::Auto => None,
            FormatArg::Pairs => Some(Format::Pairs),
            FormatArg::WinnerLoser => Some(Format::WinnerLoser),
            FormatArg::Arena => Some(Format::Arena),
            FormatArg::Hf => Some(Format::Hf),
            FormatArg::Crowdkit => Some(Format::CrowdKit),
            FormatArg::Rankings => Some(Format::Rankings),
            FormatArg::Prefplay => Some(Format::Prefplay),
        }
    }
}

/// Bytes looked at to detect the format.
const DETECT_BYTES: usize = 64 * 1024;

/// What a file holds: pairwise rows, or rankings (kept as rankings for
/// Plackett–Luce).
pub enum Loaded {
    /// Pairwise rows (rankings files are broken into pairs when asked).
    Pairs(PairTable),
    /// Rankings.
    Rankings(RankingTable),
}

/// Reads `path` (format given or detected), listing `deck` items first.
/// Returns the table and the milliseconds spent.
pub fn load(path: &Path, format: FormatArg, deck: Option<&Path>) -> Result<(PairTable, f64)> {
    match load_any(path, format, deck, false)? {
        (Loaded::Pairs(t), ms) => Ok((t, ms)),
        (Loaded::Rankings(r), ms) => Ok((r.to_pairs(), ms)),
    }
}

/// As [`load`], but a rankings file stays rankings when `keep_rankings`.
pub fn load_any(
    path: &Path,
    format: FormatArg,
    deck: Option<&Path>,
    keep_rankings: bool,
) -> Result<(Loaded, f64)> {
    let started = Instant::now();
    let known_items = match deck {
        Some(d) => {
            let text =
                std::fs::read_to_string(d).with_context(|| format!("reading {}", d.display()))?;
            parse_deck(&text)
        }
        None => Vec::new(),
    };
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("reading {name}"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let format = match format.format() {
        Some(f) => f,
        None => {
            let head = reader
                .fill_buf()
                .with_context(|| format!("reading {name}"))?;
            let head = &head[..head.len().min(DETECT_BYTES)];
            detect(&name, head)?
        }
    };
    let loaded = if format == Format::Rankings && keep_rankings {
        Loaded::Rankings(read_rankings(reader.by_ref(), &name, &known_items)?)
    } else {
        Loaded::Pairs(read_table(reader.by_ref(), format, &name, &known_items)?)
    };
    Ok((loaded, started.elapsed().as_secs_f64() * 1e3))
}
