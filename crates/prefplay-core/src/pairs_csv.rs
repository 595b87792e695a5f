//! The pairs CSV format: a header `item_a,item_b,winner`, then one vote per
//! line; `item_a` is the item shown on the left, `winner` is `a`, `b` or
//! `tie`. Other columns are ignored. Items are named by label.

use crate::{Dataset, Error, Result, Vote, Winner};

/// The header written by [`write_pairs_csv`].
pub const HEADER: [&str; 3] = ["item_a", "item_b", "winner"];

/// Reads votes from CSV text. `source_name` is used in error messages.
///
/// Items are `known_items` (in that order) followed by any other labels in
/// order of first appearance. A missing column, an empty label, an unknown
/// winner or an item compared with itself is an error that names the line
/// and the field.
pub fn read_pairs_csv(text: &str, source_name: &str, known_items: &[String]) -> Result<Dataset> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let format_error = |line: u64, field: &str, message: String| Error::Format {
        source_name: source_name.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    let headers = reader
        .headers()
        .map_err(|e| format_error(1, "header", e.to_string()))?
        .clone();
    let mut columns = [0usize; 3];
    for (slot, name) in columns.iter_mut().zip(HEADER) {
        *slot = headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format_error(1, name, format!("missing column `{name}`")))?;
    }
    let mut items: Vec<String> = known_items.to_vec();
    let mut votes = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format_error(line, "record", e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let mut index_of = |field: &str, col: usize| -> Result<usize> {
            let label = record.get(col).unwrap_or("");
            if label.is_empty() {
                return Err(format_error(line, field, "empty item label".into()));
            }
            Ok(match items.iter().position(|l| l == label) {
                Some(i) => i,
                None => {
                    items.push(label.to_string());
                    items.len() - 1
                }
            })
        };
        let item_a = index_of("item_a", columns[0])?;
        let item_b = index_of("item_b", columns[1])?;
        if item_a == item_b {
            return Err(format_error(
                line,
                "item_b",
                "an item is compared with itself".into(),
            ));
        }
        let raw_winner = record.get(columns[2]).unwrap_or("");
        let winner = Winner::parse(raw_winner).ok_or_else(|| {
            format_error(
                line,
                "winner",
                format!("`{raw_winner}` is not one of a, b, tie"),
            )
        })?;
        votes.push(Vote {
            item_a,
            item_b,
            winner,
        });
    }
    Dataset::new(items, votes)
}

/// Writes the dataset's votes as pairs CSV (header included).
pub fn write_pairs_csv(data: &Dataset) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; errors are impossible here, so they are
    // folded into an empty output rather than a panic.
    let mut ok = writer.write_record(HEADER).is_ok();
    for v in data.votes() {
        let (a, b) = (&data.items()[v.item_a], &data.items()[v.item_b]);
        ok &= writer
            .write_record([a.as_str(), b.as_str(), v.winner.as_str()])
            .is_ok();
    }
    match (ok, writer.into_inner()) {
        (true, Ok(bytes)) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_votes_with_quoted_labels() {
        let items = vec![
            "Mint, choc chip".to_string(),
            "Vanilla".into(),
            "\"Rocky\" road".into(),
        ];
        let votes = vec![
            Vote::new(0, 1, Winner::A),
            Vote::new(2, 0, Winner::Tie),
            Vote::new(1, 2, Winner::B),
        ];
        let data = Dataset::new(items.clone(), votes).unwrap();
        let text = write_pairs_csv(&data);
        assert!(text.starts_with("item_a,item_b,winner\n"));
        let back = read_pairs_csv(&text, "x.csv", &[]).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let text = "item_a,item_b,winner\nx,y,a\nx,z,left\n";
        match read_pairs_csv(text, "votes.csv", &[]) {
            Err(Error::Format {
                source_name,
                line,
                field,
                ..
            }) => {
                assert_eq!(
                    (source_name.as_str(), line, field.as_str()),
                    ("votes.csv", 3, "winner")
                );
            }
            other => panic!("{other:?}"),
        }
        let missing = read_pairs_csv("item_a,winner\nx,a\n", "m.csv", &[]);
        assert!(
            matches!(missing, Err(Error::Format { line: 1, ref field, .. }) if field == "item_b")
        );
        let selfie = read_pairs_csv("item_a,item_b,winner\nx,x,a\n", "s.csv", &[]);
        assert!(matches!(selfie, Err(Error::Format { line: 2, .. })));
        let empty = read_pairs_csv("item_a,item_b,winner\n,x,a\n", "e.csv", &[]);
        assert!(
            matches!(empty, Err(Error::Format { line: 2, ref field, .. }) if field == "item_a")
        );
    }

    #[test]
    fn known_items_come_first_and_keep_their_order() {
        let known = vec!["p".to_string(), "q".into(), "r".into()];
        let data = read_pairs_csv("item_a,item_b,winner\nr,s,b\n", "k.csv", &known).unwrap();
        assert_eq!(data.items(), &["p", "q", "r", "s"]);
        assert_eq!(data.votes()[0], Vote::new(2, 3, Winner::B));
    }
}
