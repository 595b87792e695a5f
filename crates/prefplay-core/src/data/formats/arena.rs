//! Chatbot Arena battles: JSON array or JSON lines of objects with
//! `model_a`, `model_b`, `winner` (`model_a`, `model_b`, `tie`,
//! `tie (bothbad)`), optional `judge` (the rater); other keys (`tstamp`,
//! …) are ignored. `model_a` was shown on the left.

use std::io::{BufRead, Write};

use super::csv_util::error;
use super::json_records::{for_each_record, required, string_field};
use super::write_error;
use crate::Result;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};

pub(crate) fn read<R: BufRead>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    for_each_record(input, source_name, |line, map| {
        let a = required(&map, "model_a", source_name, line)?;
        let b = required(&map, "model_b", source_name, line)?;
        if a == b {
            return Err(error(
                source_name,
                line,
                "model_b",
                "a model is compared with itself",
            ));
        }
        let raw = required(&map, "winner", source_name, line)?;
        let outcome = Outcome::parse(raw).ok_or_else(|| {
            error(
                source_name,
                line,
                "winner",
                format!("`{raw}` is not one of model_a, model_b, tie, tie (bothbad)"),
            )
        })?;
        let rater = string_field(&map, "judge", source_name, line)?.map(|j| table.rater_id(j));
        let row = PairRow {
            item_a: table.item_id(a),
            item_b: table.item_id(b),
            outcome,
            advantage: Advantage::A,
            count: 1,
            rater,
        };
        table.push(row, &[])
    })
}

pub(crate) fn write<W: Write>(table: &PairTable, mut output: W) -> Result<()> {
    let items = table.items();
    for r in &table.rows {
        let winner = match r.outcome {
            Outcome::A => "model_a",
            Outcome::B => "model_b",
            Outcome::Tie => "tie",
            Outcome::BothBad => "tie (bothbad)",
        };
        let mut record = serde_json::json!({
            "model_a": items[r.item_a as usize],
            "model_b": items[r.item_b as usize],
            "winner": winner,
        });
        if let Some(j) = r.rater {
            record["judge"] = serde_json::Value::String(table.raters()[j as usize].clone());
        }
        let line = record.to_string();
        for _ in 0..r.count {
            writeln!(output, "{line}").map_err(write_error)?;
        }
    }
    output.flush().map_err(write_error)
}
