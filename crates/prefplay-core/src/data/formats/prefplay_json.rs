//! prefplay's own dataset: one JSON object, versioned, holding everything
//! a [`PairTable`] holds.
//!
//! ```json
//! {"format": "prefplay", "version": 1, "items": ["x", "y"], "raters": [],
//!  "features": [], "votes": [{"a": 0, "b": 1, "outcome": "a",
//!  "advantage": "a", "count": 1, "rater": null, "x": [], "prompt": null}]}
//! ```

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::csv_util::error;
use super::write_error;
use crate::Result;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};

/// The version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    items: Vec<String>,
    #[serde(default)]
    raters: Vec<String>,
    #[serde(default)]
    features: Vec<String>,
    votes: Vec<VoteRecord>,
}

#[derive(Serialize, Deserialize)]
struct VoteRecord {
    a: u32,
    b: u32,
    outcome: Outcome,
    #[serde(default)]
    advantage: Advantage,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    rater: Option<u32>,
    #[serde(default)]
    x: Vec<f64>,
    #[serde(default)]
    prompt: Option<String>,
}

fn one() -> u32 {
    1
}

pub(crate) fn read<R: Read>(
    input: R,
    source_name: &str,
    known_items: &[String],
) -> Result<PairTable> {
    let file: File = serde_json::from_reader(input)
        .map_err(|e| error(source_name, e.line() as u64, "record", e.to_string()))?;
    if file.format != "prefplay" {
        return Err(error(
            source_name,
            1,
            "format",
            format!("`{}` is not \"prefplay\"", file.format),
        ));
    }
    if file.version > VERSION {
        return Err(error(
            source_name,
            1,
            "version",
            format!(
                "version {} is newer than this prefplay reads ({VERSION})",
                file.version
            ),
        ));
    }
    let mut table = PairTable::with_items(known_items);
    let ids: Vec<u32> = file.items.iter().map(|l| table.item_id(l.trim())).collect();
    let rater_ids: Vec<u32> = file
        .raters
        .iter()
        .map(|r| table.rater_id(r.trim()))
        .collect();
    if let Some(k) = file.items.iter().position(|l| l.trim().is_empty()) {
        return Err(error(
            source_name,
            0,
            "items",
            format!("item {} has an empty label", k + 1),
        ));
    }
    // Feature names become CSV headers `f_<name>`, which are read trimmed
    // and lower-cased: normalise them the same way here.
    let mut names: Vec<String> = Vec::with_capacity(file.features.len());
    for f in &file.features {
        let name = f.trim().to_ascii_lowercase();
        if name.is_empty() || names.contains(&name) {
            return Err(error(
                source_name,
                0,
                "features",
                format!("feature name `{f}` is empty or repeated"),
            ));
        }
        names.push(name);
    }
    table.feature_names = names;
    let any_prompt = file.votes.iter().any(|v| v.prompt.is_some());
    for (k, v) in file.votes.iter().enumerate() {
        let field_err =
            |field: &str, m: &str| error(source_name, 0, field, format!("vote {}: {m}", k + 1));
        let item = |i: u32, f: &str| {
            ids.get(i as usize)
                .copied()
                .ok_or_else(|| field_err(f, "no such item"))
        };
        let rater = match v.rater {
            Some(r) => Some(
                *rater_ids
                    .get(r as usize)
                    .ok_or_else(|| field_err("rater", "no such rater"))?,
            ),
            None => None,
        };
        if any_prompt {
            table.prompts.push(v.prompt.clone().unwrap_or_default());
        }
        let row = PairRow {
            item_a: item(v.a, "a")?,
            item_b: item(v.b, "b")?,
            outcome: v.outcome,
            advantage: v.advantage,
            count: v.count,
            rater,
        };
        table
            .push(row, &v.x)
            .map_err(|e| field_err("votes", &e.to_string()))?;
    }
    Ok(table)
}

pub(crate) fn write<W: Write>(table: &PairTable, output: W) -> Result<()> {
    let votes = table
        .rows
        .iter()
        .enumerate()
        .map(|(k, r)| VoteRecord {
            a: r.item_a,
            b: r.item_b,
            outcome: r.outcome,
            advantage: r.advantage,
            count: r.count,
            rater: r.rater,
            x: table.row_features(k).to_vec(),
            prompt: table.prompts.get(k).cloned(),
        })
        .collect();
    let file = File {
        format: "prefplay".into(),
        version: VERSION,
        items: table.items().to_vec(),
        raters: table.raters().to_vec(),
        features: table.feature_names.clone(),
        votes,
    };
    serde_json::to_writer(output, &file).map_err(write_error)
}
