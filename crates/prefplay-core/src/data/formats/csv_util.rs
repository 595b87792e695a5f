//! What the CSV readers share: opening with a checked header, typed fields
//! with errors that name the line and column.

use std::io::Read;

use crate::data::table::PairTable;
use crate::{Error, Result};

/// A format error at `line` in `field`.
pub(crate) fn error(
    source_name: &str,
    line: u64,
    field: &str,
    message: impl Into<String>,
) -> Error {
    Error::Format {
        source_name: source_name.to_string(),
        line,
        field: field.to_string(),
        message: message.into(),
    }
}

/// A record's fields by column: a csv crate record, or a line split by
/// [`super::quote_free`].
pub(crate) trait Fields {
    /// Field `col`, `None` past the end of a short row.
    fn field(&self, col: usize) -> Option<&[u8]>;
}

impl Fields for csv::ByteRecord {
    fn field(&self, col: usize) -> Option<&[u8]> {
        self.get(col)
    }
}

/// A CSV reader with its lower-cased header, checked for duplicates.
pub(crate) struct Csv<R: Read> {
    pub reader: csv::Reader<R>,
    pub headers: Vec<String>,
    pub source_name: String,
}

impl<R: Read> Csv<R> {
    pub fn open(input: R, source_name: &str) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
        let raw = reader
            .byte_headers()
            .map_err(|e| error(source_name, 1, "header", e.to_string()))?
            .clone();
        if raw.is_empty() || raw.iter().all(|h| h.is_empty()) {
            return Err(error(source_name, 1, "header", "the file is empty"));
        }
        let mut headers = Vec::with_capacity(raw.len());
        for h in raw.iter() {
            let h = std::str::from_utf8(h)
                .map_err(|_| error(source_name, 1, "header", "not valid UTF-8"))?
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase();
            if headers.contains(&h) {
                return Err(error(source_name, 1, &h, format!("duplicate column `{h}`")));
            }
            headers.push(h);
        }
        Ok(Self {
            reader,
            headers,
            source_name: source_name.to_string(),
        })
    }

    /// The position of a required column.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.optional(name).ok_or_else(|| {
            error(
                &self.source_name,
                1,
                name,
                format!(
                    "missing column `{name}` (the header has: {})",
                    self.headers.join(",")
                ),
            )
        })
    }

    /// The position of an optional column.
    pub fn optional(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

/// Field `col` of `record` as UTF-8 text ("" when the row is short).
pub(crate) fn text<'r>(
    record: &'r impl Fields,
    col: usize,
    source_name: &str,
    line: u64,
    field: &str,
) -> Result<&'r str> {
    std::str::from_utf8(record.field(col).unwrap_or(b""))
        .map(str::trim)
        .map_err(|_| error(source_name, line, field, "not valid UTF-8"))
}

/// A non-empty label.
pub(crate) fn label<'r>(
    record: &'r impl Fields,
    col: usize,
    source_name: &str,
    line: u64,
    field: &str,
) -> Result<&'r str> {
    let t = text(record, col, source_name, line, field)?;
    if t.is_empty() {
        return Err(error(source_name, line, field, "empty item label"));
    }
    Ok(t)
}

/// The fast path of [`item`] and [`rater`]: the field's bytes with ASCII
/// white space trimmed. When they equal a stored label, the Unicode trim of
/// the field is that label too (stored labels are trimmed), so the field
/// needs no UTF-8 check.
fn raw_trimmed(record: &impl Fields, col: usize) -> &[u8] {
    record.field(col).unwrap_or(b"").trim_ascii()
}

/// An item label field (non-empty) as the item's id in `table`.
pub(crate) fn item(
    record: &impl Fields,
    col: usize,
    source_name: &str,
    line: u64,
    field: &str,
    table: &mut PairTable,
) -> Result<u32> {
    if let Some(id) = table.find_item_bytes(raw_trimmed(record, col)) {
        return Ok(id);
    }
    label(record, col, source_name, line, field).map(|l| table.item_id(l))
}

/// An optional rater field (absent column or empty cell: `None`) as the
/// rater's id in `table`.
pub(crate) fn rater(
    record: &impl Fields,
    col: Option<usize>,
    source_name: &str,
    line: u64,
    field: &str,
    table: &mut PairTable,
) -> Result<Option<u32>> {
    if let Some(id) = col.and_then(|c| table.find_rater_bytes(raw_trimmed(record, c))) {
        return Ok(Some(id));
    }
    Ok(optional_field(record, col, source_name, line, field)?.map(|r| table.rater_id(r)))
}

/// The `count` field in column `col` (absent column or empty cell: 1).
pub(crate) fn count_field(
    record: &impl Fields,
    col: Option<usize>,
    source_name: &str,
    line: u64,
) -> Result<u32> {
    match col {
        Some(c) => count(
            text(record, c, source_name, line, "count")?,
            source_name,
            line,
        ),
        None => Ok(1),
    }
}

/// An optional non-empty field (absent column or empty cell: `None`).
pub(crate) fn optional_field<'r>(
    record: &'r impl Fields,
    col: Option<usize>,
    source_name: &str,
    line: u64,
    field: &str,
) -> Result<Option<&'r str>> {
    match col {
        Some(c) => Ok(Some(text(record, c, source_name, line, field)?).filter(|t| !t.is_empty())),
        None => Ok(None),
    }
}

/// A vote count: a non-negative integer below 2³²; empty means 1.
fn count(text: &str, source_name: &str, line: u64) -> Result<u32> {
    if text.is_empty() {
        return Ok(1);
    }
    text.parse::<u32>().map_err(|_| {
        error(
            source_name,
            line,
            "count",
            format!("`{text}` is not a non-negative integer"),
        )
    })
}

/// A finite number.
pub(crate) fn number(text: &str, source_name: &str, line: u64, field: &str) -> Result<f64> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(error(
            source_name,
            line,
            field,
            format!("`{text}` is not a finite number"),
        )),
    }
}

/// The 1-based line of a record (the header is line 1).
pub(crate) fn line_of(record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, |p| p.line())
}

/// Reads the next record; errors name the line.
pub(crate) fn next_record<R: Read>(csv: &mut Csv<R>, record: &mut csv::ByteRecord) -> Result<bool> {
    csv.reader.read_byte_record(record).map_err(|e| {
        let line = e.position().map_or(0, |p| p.line());
        error(&csv.source_name, line, "record", e.to_string())
    })
}
