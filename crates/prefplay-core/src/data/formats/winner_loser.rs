//! `winner,loser` CSV, optional `count` and `tie` (`1`/`true`: a tie). The
//! order of the two names is not the order they were shown in, so rows
//! carry no order advantage.

use std::io::{Read, Write};

use super::csv_util::{Csv, count_field, error, item, line_of, next_record, text};
use super::write_error;
use crate::Result;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};

pub(crate) const REQUIRED: [&str; 2] = ["winner", "loser"];

pub(crate) fn read<R: Read>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    let mut csv = Csv::open(input, source_name)?;
    let (col_w, col_l) = (csv.column("winner")?, csv.column("loser")?);
    let col_count = csv.optional("count");
    let col_tie = csv.optional("tie");
    let mut record = csv::ByteRecord::new();
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let w = item(&record, col_w, source_name, line, "winner", table)?;
        let l = item(&record, col_l, source_name, line, "loser", table)?;
        if w == l {
            return Err(error(
                source_name,
                line,
                "loser",
                "an item is compared with itself",
            ));
        }
        let count = count_field(&record, col_count, source_name, line)?;
        let tie = match col_tie {
            Some(c) => match text(&record, c, source_name, line, "tie")?
                .to_ascii_lowercase()
                .as_str()
            {
                "" | "0" | "false" => false,
                "1" | "true" => true,
                other => {
                    return Err(error(
                        source_name,
                        line,
                        "tie",
                        format!("`{other}` is not 0, 1, true or false"),
                    ));
                }
            },
            None => false,
        };
        let row = PairRow {
            item_a: w,
            item_b: l,
            outcome: if tie { Outcome::Tie } else { Outcome::A },
            advantage: Advantage::None,
            count,
            rater: None,
        };
        table.push(row, &[])?;
    }
    Ok(())
}

pub(crate) fn write<W: Write>(table: &PairTable, output: W) -> Result<()> {
    let with_tie = table
        .rows
        .iter()
        .any(|r| matches!(r.outcome, Outcome::Tie | Outcome::BothBad));
    let with_count = table.rows.iter().any(|r| r.count != 1);
    let mut w = csv::Writer::from_writer(output);
    let mut header = vec!["winner", "loser"];
    if with_count {
        header.push("count");
    }
    if with_tie {
        header.push("tie");
    }
    w.write_record(&header).map_err(write_error)?;
    let items = table.items();
    for r in &table.rows {
        let (first, second) = match r.outcome {
            Outcome::B => (r.item_b, r.item_a),
            _ => (r.item_a, r.item_b),
        };
        let mut rec = vec![
            items[first as usize].clone(),
            items[second as usize].clone(),
        ];
        if with_count {
            rec.push(r.count.to_string());
        }
        if with_tie {
            let tie = matches!(r.outcome, Outcome::Tie | Outcome::BothBad);
            rec.push(if tie { "1" } else { "0" }.into());
        }
        w.write_record(&rec).map_err(write_error)?;
    }
    w.flush().map_err(write_error)
}
