//! crowd-kit's pairwise CSV: `worker,left,right,label`, where `label` is the
//! preferred item (one of `left` and `right`). No ties.

use std::io::{Read, Write};

use super::csv_util::{Csv, error, label, line_of, next_record};
use super::write_error;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::{Error, Result};

pub(crate) const REQUIRED: [&str; 4] = ["worker", "left", "right", "label"];

pub(crate) fn read<R: Read>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    let mut csv = Csv::open(input, source_name)?;
    let cols = [
        csv.column("worker")?,
        csv.column("left")?,
        csv.column("right")?,
        csv.column("label")?,
    ];
    let mut record = csv::ByteRecord::new();
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let worker = label(&record, cols[0], source_name, line, "worker")?;
        let left = label(&record, cols[1], source_name, line, "left")?;
        let right = label(&record, cols[2], source_name, line, "right")?;
        let chosen = label(&record, cols[3], source_name, line, "label")?;
        if left == right {
            return Err(error(
                source_name,
                line,
                "right",
                "an item is compared with itself",
            ));
        }
        let outcome = if chosen == left {
            Outcome::A
        } else if chosen == right {
            Outcome::B
        } else {
            return Err(error(
                source_name,
                line,
                "label",
                format!("`{chosen}` is neither `{left}` nor `{right}`"),
            ));
        };
        let row = PairRow {
            item_a: table.item_id(left),
            item_b: table.item_id(right),
            outcome,
            advantage: Advantage::A,
            count: 1,
            rater: Some(table.rater_id(worker)),
        };
        table.push(row, &[])?;
    }
    Ok(())
}

pub(crate) fn write<W: Write>(table: &PairTable, output: W) -> Result<()> {
    if let Some(k) = table
        .rows
        .iter()
        .position(|r| matches!(r.outcome, Outcome::Tie | Outcome::BothBad))
    {
        return Err(Error::Unsupported(format!(
            "crowd-kit CSV has no ties, and row {} is one",
            k + 1
        )));
    }
    let mut w = csv::Writer::from_writer(output);
    w.write_record(REQUIRED).map_err(write_error)?;
    let items = table.items();
    for r in &table.rows {
        let worker = r.rater.map_or("unknown".to_string(), |i| {
            table.raters()[i as usize].clone()
        });
        let (left, right) = (&items[r.item_a as usize], &items[r.item_b as usize]);
        let chosen = if r.outcome == Outcome::A { left } else { right };
        for _ in 0..r.count {
            w.write_record([worker.as_str(), left, right, chosen])
                .map_err(write_error)?;
        }
    }
    w.flush().map_err(write_error)
}
