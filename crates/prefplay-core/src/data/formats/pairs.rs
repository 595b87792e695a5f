//! Canonical pairs CSV: `item_a,item_b,winner` and optional `count`,
//! `rater`, `advantage`, `prompt` and numeric `f_<name>` columns.

use std::io::{BufRead, Read, Write};

use super::csv_util::{Csv, Fields, count_field, error, item, line_of, number, rater, text};
use super::quote_free;
use super::write_error;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};
use crate::{Result, parallel};

/// Columns every pairs CSV has.
pub(crate) const REQUIRED: [&str; 3] = ["item_a", "item_b", "winner"];

/// Bytes per block of the parallel reader: large enough that merging a
/// block's labels is noise, small enough to keep memory flat.
const BLOCK_BYTES: usize = 4 << 20;

/// Column positions, from the header.
struct Columns {
    a: usize,
    b: usize,
    winner: usize,
    count: Option<usize>,
    rater: Option<usize>,
    advantage: Option<usize>,
    prompt: Option<usize>,
    /// (column, name without `f_`)
    features: Vec<(usize, String)>,
}

impl Columns {
    fn new<R: Read>(csv: &Csv<R>) -> Result<Self> {
        Ok(Self {
            a: csv.column("item_a")?,
            b: csv.column("item_b")?,
            winner: csv.column("winner")?,
            count: csv.optional("count"),
            rater: csv.optional("rater"),
            advantage: csv.optional("advantage"),
            prompt: csv.optional("prompt"),
            features: csv
                .headers
                .iter()
                .enumerate()
                .filter_map(|(i, h)| h.strip_prefix("f_").map(|name| (i, name.to_string())))
                .collect(),
        })
    }

    fn feature_names(&self) -> Vec<String> {
        self.features.iter().map(|(_, n)| n.clone()).collect()
    }
}

/// Reads a pairs CSV into `table`, streaming. The body is cut into blocks
/// at line ends and the blocks are parsed on all cores (one in the
/// browser), then merged in file order (same ids, rows and first error as
/// one pass); quote-free blocks are split by [`quote_free`]. A block with a
/// quote character may hold a field that spans lines, so from there on the
/// file is read in one pass by the csv crate.
pub(crate) fn read<R: BufRead>(input: R, source_name: &str, table: &mut PairTable) -> Result<()> {
    read_in_blocks(input, source_name, table, BLOCK_BYTES)
}

/// [`read`] with blocks of about `block_bytes` (small in tests).
fn read_in_blocks<R: BufRead>(
    mut input: R,
    source_name: &str,
    table: &mut PairTable,
    block_bytes: usize,
) -> Result<()> {
    let io_error = |line: u64, e: std::io::Error| error(source_name, line, "record", e.to_string());
    let mut header = Vec::new();
    input
        .read_until(b'\n', &mut header)
        .map_err(|e| io_error(1, e))?;
    let workers = parallel::workers();
    if header.contains(&b'"') {
        let mut csv = Csv::open(header.chain(input), source_name)?;
        let cols = Columns::new(&csv)?;
        table.feature_names = cols.feature_names();
        return read_records(&mut csv.reader, &cols, source_name, 0, table);
    }
    let cols = Columns::new(&Csv::open(&header[..], source_name)?)?;
    table.feature_names = cols.feature_names();
    // Lines before the next block: the header, then every block read.
    let mut lines_before = 1u64;
    loop {
        let mut blocks = Vec::with_capacity(workers);
        for _ in 0..workers {
            let block =
                next_block(&mut input, block_bytes).map_err(|e| io_error(lines_before + 1, e))?;
            if block.is_empty() {
                break;
            }
            blocks.push(block);
        }
        if blocks.is_empty() {
            return Ok(());
        }
        if blocks.iter().any(|b| b.contains(&b'"')) {
            let rest = std::io::Cursor::new(blocks.concat()).chain(input);
            let mut reader = headerless(rest);
            return read_records(&mut reader, &cols, source_name, lines_before, table);
        }
        // Each worker counts its block's lines too; a block's errors carry
        // local line numbers until the lines before it are known.
        let parts = parallel::map_each(blocks.len(), |k| {
            let mut part = PairTable::default();
            part.feature_names = table.feature_names.clone();
            let block = &blocks[k][..];
            let read = if quote_free::applies(block) {
                read_quote_free(block, &cols, source_name, &mut part)
            } else {
                read_records(&mut headerless(block), &cols, source_name, 0, &mut part)
            };
            let lines = blocks[k].iter().filter(|&&c| c == b'\n').count() as u64;
            (read.map(|()| part), lines)
        });
        for (part, lines) in parts {
            table.append(part.map_err(|e| e.at_later_line(lines_before))?);
            lines_before += lines;
        }
    }
}

/// About `block_bytes` of input, extended to the end of its last line;
/// empty at the end of the input.
fn next_block<R: BufRead>(input: &mut R, block_bytes: usize) -> std::io::Result<Vec<u8>> {
    let mut block = Vec::with_capacity(block_bytes.min(BLOCK_BYTES) + 1024);
    input
        .by_ref()
        .take(block_bytes as u64)
        .read_to_end(&mut block)?;
    if block.len() == block_bytes && block.last() != Some(&b'\n') {
        input.read_until(b'\n', &mut block)?;
    }
    Ok(block)
}

/// A CSV reader for body lines (no header), like [`Csv::open`]'s.
fn headerless<R: Read>(input: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(input)
}

/// Reads every record of the csv crate's `reader` into `table`;
/// `lines_before` is added to line numbers in errors.
fn read_records<R: Read>(
    reader: &mut csv::Reader<R>,
    cols: &Columns,
    source_name: &str,
    lines_before: u64,
    table: &mut PairTable,
) -> Result<()> {
    let mut record = csv::ByteRecord::new();
    let mut values = vec![0.0; cols.features.len()];
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = lines_before + e.position().map_or(0, |p| p.line());
            error(source_name, line, "record", e.to_string())
        })?;
        if !more {
            return Ok(());
        }
        let line = lines_before + line_of(&record);
        read_row(&record, line, cols, source_name, table, &mut values)?;
    }
}

/// Reads every record of a quote-free block into `table` (lines counted
/// from the block's start).
fn read_quote_free(
    block: &[u8],
    cols: &Columns,
    source_name: &str,
    table: &mut PairTable,
) -> Result<()> {
    let mut records = quote_free::Records::new(block);
    let mut bounds = Vec::new();
    let mut values = vec![0.0; cols.features.len()];
    while let Some((split, line)) = records.next(&mut bounds) {
        read_row(&split, line, cols, source_name, table, &mut values)?;
    }
    Ok(())
}

/// Reads one record into `table`; `values` is scratch for the features.
fn read_row(
    record: &impl Fields,
    line: u64,
    cols: &Columns,
    source_name: &str,
    table: &mut PairTable,
    values: &mut [f64],
) -> Result<()> {
    {
        let a = item(record, cols.a, source_name, line, "item_a", table)?;
        let b = item(record, cols.b, source_name, line, "item_b", table)?;
        if a == b {
            return Err(error(
                source_name,
                line,
                "item_b",
                "an item is compared with itself",
            ));
        }
        let raw = text(record, cols.winner, source_name, line, "winner")?;
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
        let count = count_field(record, cols.count, source_name, line)?;
        let advantage = match cols.advantage {
            Some(c) => {
                let raw = text(record, c, source_name, line, "advantage")?;
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
        let rater = rater(record, cols.rater, source_name, line, "rater", table)?;
        if let Some(c) = cols.prompt {
            let p = text(record, c, source_name, line, "prompt")?;
            table.prompts.push(p.to_string());
        }
        for ((col, name), v) in cols.features.iter().zip(values.iter_mut()) {
            let field = format!("f_{name}");
            *v = number(
                text(record, *col, source_name, line, &field)?,
                source_name,
                line,
                &field,
            )?;
        }
        let row = PairRow {
            item_a: a,
            item_b: b,
            outcome,
            advantage,
            count,
            rater,
        };
        table.push(row, values)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A pairs CSV of `rows` rows over a dozen items, with raters and counts.
    fn csv_text(rows: usize) -> String {
        let mut text = String::from("item_a,item_b,winner,count,rater\n");
        for k in 0..rows {
            let (a, b) = (k * 7 % 12, (k * 5 + 1) % 12);
            let b = if a == b { (b + 1) % 12 } else { b };
            let w = ["a", "b", "tie"][k % 3];
            text.push_str(&format!("item {a},item {b},{w},{},r{}\n", k % 4, k % 5));
        }
        text
    }

    fn read_with(text: &str, block_bytes: usize) -> Result<PairTable> {
        let mut table = PairTable::default();
        read_in_blocks(text.as_bytes(), "t.csv", &mut table, block_bytes).map(|()| table)
    }

    #[test]
    fn blocks_read_like_one_pass() {
        let text = csv_text(500);
        let whole = read_with(&text, usize::MAX >> 1).expect("reads");
        for block in [1, 17, 64, 1000] {
            assert_eq!(
                read_with(&text, block).expect("reads"),
                whole,
                "block {block}"
            );
        }
        assert_eq!(whole.rows.len(), 500);
    }

    #[test]
    fn errors_in_later_blocks_name_the_whole_file_line() {
        let mut lines: Vec<String> = csv_text(300).lines().map(String::from).collect();
        lines[250] = "item 1,item 2,maybe,1,r1".into(); // line 251
        let text = lines.join("\n");
        for block in [40, 333, usize::MAX >> 1] {
            match read_with(&text, block) {
                Err(crate::Error::Format { line, field, .. }) => {
                    assert_eq!((line, field.as_str()), (251, "winner"), "block {block}");
                }
                other => panic!("block {block}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_quoted_field_spanning_lines_in_a_later_block_is_read_whole() {
        let mut text = csv_text(200);
        text.push_str("\"item\nX\",item 1,a,1,r1\nitem 2,item 3,b,1,r2\n");
        let whole = read_with(&text, usize::MAX >> 1).expect("reads");
        assert_eq!(read_with(&text, 50).expect("reads"), whole);
        assert!(whole.find_item("item\nX").is_some());
        assert_eq!(whole.rows.len(), 202);
    }
}
