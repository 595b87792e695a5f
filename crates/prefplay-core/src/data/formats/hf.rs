//! Hugging Face preference data (TRL's format): JSON lines with `prompt`,
//! `chosen` and `rejected`. Items are the responses; each line is a win of
//! `chosen` over `rejected`. A response may be a string or a conversation
//! (a list of `{role, content}` messages; the last message is the response).
//! The two are not shown in a known order, so rows carry no advantage.

use std::io::{BufRead, Write};

use super::csv_util::error;
use super::json_records::for_each_record;
use super::write_error;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::{Error, Result};

fn response(
    map: &serde_json::Map<String, serde_json::Value>,
    key: &str,
    source_name: &str,
    line: u64,
) -> Result<String> {
    let text = match map.get(key) {
        Some(serde_json::Value::String(s)) => Some(s.trim().to_string()),
        Some(serde_json::Value::Array(messages)) => messages
            .last()
            .and_then(|m| m.get("content"))
            .and_then(|c| c.as_str())
            .map(|s| s.trim().to_string()),
        _ => None,
    };
    match text {
        Some(t) if !t.is_empty() => Ok(t),
        Some(_) => Err(error(source_name, line, key, "empty response")),
        None => Err(error(
            source_name,
            line,
            key,
            format!("missing `{key}` (a string or a list of messages)"),
        )),
    }
}

pub(crate) fn read<R: BufRead>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    for_each_record(input, source_name, |line, map| {
        let chosen = response(&map, "chosen", source_name, line)?;
        let rejected = response(&map, "rejected", source_name, line)?;
        if chosen == rejected {
            return Err(error(
                source_name,
                line,
                "rejected",
                "the same response is chosen and rejected",
            ));
        }
        let prompt = match map.get("prompt") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        table.prompts.push(prompt);
        let row = PairRow {
            item_a: table.item_id(&chosen),
            item_b: table.item_id(&rejected),
            outcome: Outcome::A,
            advantage: Advantage::None,
            count: 1,
            rater: None,
        };
        table.push(row, &[])
    })
}

pub(crate) fn write<W: Write>(table: &PairTable, mut output: W) -> Result<()> {
    let items = table.items();
    for (k, r) in table.rows.iter().enumerate() {
        let (chosen, rejected) = match r.outcome {
            Outcome::A => (r.item_a, r.item_b),
            Outcome::B => (r.item_b, r.item_a),
            _ => {
                return Err(Error::Unsupported(format!(
                    "HF preference data has no ties, and row {} is one",
                    k + 1
                )));
            }
        };
        let record = serde_json::json!({
            "prompt": table.prompts.get(k).cloned().unwrap_or_default(),
            "chosen": items[chosen as usize],
            "rejected": items[rejected as usize],
        });
        for _ in 0..r.count {
            writeln!(output, "{record}").map_err(write_error)?;
        }
    }
    output.flush().map_err(write_error)
}
