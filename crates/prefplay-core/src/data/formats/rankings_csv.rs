//! Rankings CSV: `ranking` (items best first, separated by `>`), optional
//! `unranked` (items shown but not ranked, separated by `|`), `count` and
//! `rater`. A best-of-k choice is `ranking = chosen` with the others in
//! `unranked`. Labels cannot contain `>` or `|`.

use std::io::{Read, Write};

use super::csv_util::{Csv, count_field, error, line_of, next_record, optional_field, text};
use super::write_error;
use crate::Result;
use crate::data::rankings::{Ranking, RankingTable};

pub(crate) const REQUIRED: [&str; 1] = ["ranking"];

fn labels(cell: &str, separator: char) -> impl Iterator<Item = &str> {
    cell.split(separator)
        .map(str::trim)
        .filter(|l| !l.is_empty())
}

pub(crate) fn read<R: Read>(input: R, source_name: &str, table: &mut RankingTable) -> Result<()> {
    let mut csv = Csv::open(input, source_name)?;
    let col = csv.column("ranking")?;
    let col_unranked = csv.optional("unranked");
    let col_count = csv.optional("count");
    let col_rater = csv.optional("rater");
    let mut record = csv::ByteRecord::new();
    while next_record(&mut csv, &mut record)? {
        let line = line_of(&record);
        let cell = text(&record, col, source_name, line, "ranking")?;
        let order: Vec<u32> = labels(cell, '>').map(|l| table.item_id(l)).collect();
        if order.is_empty() {
            return Err(error(source_name, line, "ranking", "no items ranked"));
        }
        let unranked = match col_unranked {
            Some(c) => labels(text(&record, c, source_name, line, "unranked")?, '|')
                .map(|l| table.item_id(l))
                .collect(),
            None => Vec::new(),
        };
        if order.len() + unranked.len() < 2 {
            return Err(error(
                source_name,
                line,
                "ranking",
                "a ranking needs at least two items shown",
            ));
        }
        let count = count_field(&record, col_count, source_name, line)?;
        let rater = optional_field(&record, col_rater, source_name, line, "rater")?
            .map(|r| table.rater_id(r));
        table
            .push(Ranking {
                order,
                unranked,
                count,
                rater,
            })
            .map_err(|_| error(source_name, line, "ranking", "an item is listed twice"))?;
    }
    Ok(())
}

pub(crate) fn write<W: Write>(table: &RankingTable, output: W) -> Result<()> {
    let with_unranked = table.rankings.iter().any(|r| !r.unranked.is_empty());
    let with_count = table.rankings.iter().any(|r| r.count != 1);
    let with_rater = table.rankings.iter().any(|r| r.rater.is_some());
    let mut header = vec!["ranking"];
    for (on, name) in [
        (with_unranked, "unranked"),
        (with_count, "count"),
        (with_rater, "rater"),
    ] {
        if on {
            header.push(name);
        }
    }
    let mut w = csv::Writer::from_writer(output);
    w.write_record(&header).map_err(write_error)?;
    let items = table.items();
    let join = |ids: &[u32], sep: &str| {
        ids.iter()
            .map(|&i| items[i as usize].as_str())
            .collect::<Vec<_>>()
            .join(sep)
    };
    for r in &table.rankings {
        let mut rec = vec![join(&r.order, " > ")];
        if with_unranked {
            rec.push(join(&r.unranked, "|"));
        }
        if with_count {
            rec.push(r.count.to_string());
        }
        if with_rater {
            rec.push(
                r.rater
                    .map_or(String::new(), |i| table.raters()[i as usize].clone()),
            );
        }
        w.write_record(&rec).map_err(write_error)?;
    }
    w.flush().map_err(write_error)
}
