//! Reading loss rows from CSV: `policy_chosen_logp, policy_rejected_logp,
//! ref_chosen_logp, ref_rejected_logp` (the reference columns may be left
//! out for losses without a reference: SimPO, CPO, ORPO, BT), optional
//! `chosen_len, rejected_len` (default 1) and `label` (read by KTO and DRO
//! only). A row
//! with a label is one response in the chosen columns, so its rejected
//! cells may be empty.

use std::io::Read;

use super::{LossKind, LossRow, check_rows};
use crate::data::formats::csv_util::{Csv, error, line_of, next_record, number, text};
use crate::{Error, Result};

/// The rows of a loss CSV read from `input`; errors name `source_name`,
/// the line and the column.
pub fn read_loss_rows(kind: LossKind, input: impl Read, source_name: &str) -> Result<Vec<LossRow>> {
    let mut csv = Csv::open(input, source_name)?;
    let policy_chosen = csv.column("policy_chosen_logp")?;
    let policy_rejected = csv.column("policy_rejected_logp")?;
    let (ref_chosen, ref_rejected) = if kind.uses_reference() {
        (
            Some(csv.column("ref_chosen_logp")?),
            Some(csv.column("ref_rejected_logp")?),
        )
    } else {
        (
            csv.optional("ref_chosen_logp"),
            csv.optional("ref_rejected_logp"),
        )
    };
    let chosen_len = csv.optional("chosen_len");
    let rejected_len = csv.optional("rejected_len");
    let label = csv.optional("label").filter(|_| kind.single_response());
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let name = csv.source_name.clone();
        let field = |col: Option<usize>, field: &str, empty: Option<f64>| -> Result<Option<f64>> {
            let Some(col) = col else { return Ok(empty) };
            let t = text(&record, col, &name, line, field)?;
            if t.is_empty() {
                return match empty {
                    Some(v) => Ok(Some(v)),
                    None => Err(error(&name, line, field, "empty; a number is needed")),
                };
            }
            number(t, &name, line, field).map(Some)
        };
        let label = match label {
            Some(col) if !text(&record, col, &name, line, "label")?.is_empty() => {
                field(Some(col), "label", None)?
            }
            _ => None,
        };
        // A labelled row's rejected cells are not read by the loss.
        let rejected_default = label.map(|_| 0.0);
        let row = LossRow {
            policy_chosen: field(Some(policy_chosen), "policy_chosen_logp", None)?.unwrap_or(0.0),
            policy_rejected: field(
                Some(policy_rejected),
                "policy_rejected_logp",
                rejected_default,
            )?
            .unwrap_or(0.0),
            ref_chosen: field(ref_chosen, "ref_chosen_logp", Some(0.0))?.unwrap_or(0.0),
            ref_rejected: field(ref_rejected, "ref_rejected_logp", Some(0.0))?.unwrap_or(0.0),
            chosen_len: field(chosen_len, "chosen_len", Some(1.0))?.unwrap_or(1.0),
            rejected_len: field(rejected_len, "rejected_len", Some(1.0))?.unwrap_or(1.0),
            label,
        };
        if let Err(e) = check_rows(kind, std::slice::from_ref(&row)) {
            return Err(match e {
                Error::InvalidRow {
                    field,
                    value,
                    reason,
                    ..
                } => error(&name, line, field, format!("{value}: {reason}")),
                other => other,
            });
        }
        rows.push(row);
    }
    Ok(rows)
}
