//! Canonical pairs CSV: `item_a,item_b,winner` and optional `count`,
//! `rater`, `advantage`, `prompt` and numeric `f_<name>` columns.

use std::io::{Read, Write};

use super::csv_util::{
    Csv, count_field, error, label, line_of, next_record, number, optional_field, text,
};
use super::write_error;
use crate::Result;
use crate::table::{Advantage, Outcome, PairRow, PairTable};

/// Columns every pairs CSV has.
pub(crate) const REQUIRED: [&str; 3] = ["item_a", "item_b", "winner"];

pub(crate) fn read<R: Read>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    let mut csv = Csv::open(input, source_name)?;
    let [col_a, col_b, col_w] = REQUIRED.map(|c| csv.column(c));
    let (col_a, col_b, col_w) = (col_a?, col_b?, col_w?);
    let col_count = csv.optional("count");
    let col_rater = csv.optional("rater");
    let col_adv = csv.optional("advantage");
    let col_prompt = csv.optional("prompt");
    let features: Vec<(usize, String)> = csv
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("f_").map(|name| (i, name.to_string())))
        .collect();
    table.feature_names = features.iter().map(|(_, n)| n.clone()).collect();
    let mut record = csv::ByteRecord::new();
    let mut values = vec![0.0; features.len()];
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let a = label(&record, col_a, source_name, line, "item_a")?;
        let b = label(&record, col_b, source_name, line, "item_b")?;
        if a == b {
            return Err(error(
                source_name,
                line,
                "item_b",
                "an item is compared with itself",
            ));
        }
        let raw = text(&record, col_w, source_name, line, "winner")?;
        let outcome = Outcome::parse(raw).ok_or_else(|| {
            error(
                source_name,
                line,
                "winner",
                format!(
                    "`{raw}` is not one of a, b, tie, both_bad (or model_a, model_b, tie (bothbad))"
                ),
            )
        })?;
        let count = count_field(&record, col_count, source_name, line)?;
        let advantage = match col_adv {
            Some(c) => {
                let raw = text(&record, c, source_name, line, "advantage")?;
                Advantage::parse(raw).ok_or_else(|| {
                    error(
                        source_name,
                        line,
                        "advantage",
                        format!("`{raw}` is not one of a, b, none"),
                    )
                })?
            }
            None => Advantage::A,
        };
        let rater = optional_field(&record, col_rater, source_name, line, "rater")?
            .map(|r| table.rater_id(r));
        if let Some(c) = col_prompt {
            let p = text(&record, c, source_name, line, "prompt")?;
            table.prompts.push(p.to_string());
        }
        for ((col, name), v) in features.iter().zip(values.iter_mut()) {
            let field = format!("f_{name}");
            *v = number(
                text(&record, *col, source_name, line, &field)?,
                source_name,
                line,
                &field,
            )?;
        }
        let row = PairRow {
            item_a: table.item_id(a),
            item_b: table.item_id(b),
            outcome,
            advantage,
            count,
            rater,
        };
        table.push(row, &values)?;
    }
    Ok(())
}

pub(crate) fn write<W: Write>(table: &PairTable, output: W) -> Result<()> {
    let with_count = table.rows.iter().any(|r| r.count != 1);
    let with_adv = table.rows.iter().any(|r| r.advantage != Advantage::A);
    let with_rater = table.rows.iter().any(|r| r.rater.is_some());
    let with_prompt = !table.prompts.is_empty();
    let mut header: Vec<String> = REQUIRED.iter().map(|s| s.to_string()).collect();
    for (on, name) in [
        (with_count, "count"),
        (with_rater, "rater"),
        (with_adv, "advantage"),
        (with_prompt, "prompt"),
    ] {
        if on {
            header.push(name.into());
        }
    }
    header.extend(table.feature_names.iter().map(|n| format!("f_{n}")));
    let mut w = csv::Writer::from_writer(output);
    w.write_record(&header).map_err(write_error)?;
    let items = table.items();
    for (k, r) in table.rows.iter().enumerate() {
        let mut rec: Vec<String> = vec![
            items[r.item_a as usize].clone(),
            items[r.item_b as usize].clone(),
            r.outcome.as_str().into(),
        ];
        if with_count {
            rec.push(r.count.to_string());
        }
        if with_rater {
            rec.push(
                r.rater
                    .map_or(String::new(), |i| table.raters()[i as usize].clone()),
            );
        }
        if with_adv {
            rec.push(r.advantage.as_str().into());
        }
        if with_prompt {
            rec.push(table.prompts.get(k).cloned().unwrap_or_default());
        }
        rec.extend(table.row_features(k).iter().map(|x| x.to_string()));
        w.write_record(&rec).map_err(write_error)?;
    }
    w.flush().map_err(write_error)
}
