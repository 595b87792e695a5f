//! JSON records one at a time, with their line numbers: JSON lines are
//! streamed line by line; a top-level JSON array is split into its elements
//! by a small scanner that tracks strings and nesting depth.

use std::io::BufRead;

use super::csv_util::error;
use crate::Result;

/// Calls `each(line, object)` for every record.
pub(crate) fn for_each_record<R: BufRead>(
    mut input: R,
    source_name: &str,
    mut each: impl FnMut(u64, serde_json::Map<String, serde_json::Value>) -> Result<()>,
) -> Result<()> {
    let mut first = String::new();
    let mut line_no = 0u64;
    // Find the first non-blank line to tell JSON lines from an array.
    loop {
        first.clear();
        let n = input
            .read_line(&mut first)
            .map_err(|e| error(source_name, line_no + 1, "record", e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        if !first.trim().is_empty() {
            break;
        }
    }
    let parse = |line: u64, text: &str| -> Result<serde_json::Map<String, serde_json::Value>> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(map)) => Ok(map),
            Ok(_) => Err(error(source_name, line, "record", "expected a JSON object")),
            Err(e) => Err(error(
                source_name,
                line,
                "record",
                format!("invalid JSON: {e}"),
            )),
        }
    };
    if first
        .trim_start()
        .trim_start_matches('\u{feff}')
        .starts_with('[')
    {
        let mut rest = String::new();
        input
            .read_to_string(&mut rest)
            .map_err(|e| error(source_name, line_no, "record", e.to_string()))?;
        let text = format!("{first}{rest}");
        for (offset, len) in
            split_array(&text).map_err(|m| error(source_name, line_no, "record", m))?
        {
            let line = line_no + text[..offset].matches('\n').count() as u64;
            each(line, parse(line, &text[offset..offset + len])?)?;
        }
        return Ok(());
    }
    let mut line = first;
    loop {
        if !line.trim().is_empty() {
            each(line_no, parse(line_no, line.trim())?)?;
        }
        line.clear();
        let n = input
            .read_line(&mut line)
            .map_err(|e| error(source_name, line_no + 1, "record", e.to_string()))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
    }
}

/// (offset, length) of each top-level element of a JSON array.
fn split_array(text: &str) -> std::result::Result<Vec<(usize, usize)>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut start = None;
    for (i, &c) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1).ok_or("unbalanced brackets")?;
                if depth == 1 {
                    if let Some(s) = start.take() {
                        out.push((s, i + 1 - s));
                    }
                } else if depth == 0 {
                    return Ok(out);
                }
            }
            _ => {}
        }
    }
    Err("the JSON array is not closed".into())
}

/// A string field of a record, trimmed (as CSV fields are); `None` when
/// absent or null.
pub(crate) fn string_field<'m>(
    map: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
    source_name: &str,
    line: u64,
) -> Result<Option<&'m str>> {
    match map.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.trim())),
        Some(_) => Err(error(source_name, line, key, "expected a string")),
    }
}

/// A required, non-empty string field.
pub(crate) fn required<'m>(
    map: &'m serde_json::Map<String, serde_json::Value>,
    key: &str,
    source_name: &str,
    line: u64,
) -> Result<&'m str> {
    match string_field(map, key, source_name, line)? {
        Some(s) if !s.is_empty() => Ok(s),
        Some(_) => Err(error(source_name, line, key, "empty")),
        None => Err(error(
            source_name,
            line,
            key,
            format!("missing field `{key}`"),
        )),
    }
}
