//! Bad input at scale: a pairs CSV of 10⁷ rows, generated while it is read
//! (no 250 MB file), parses in blocks and fits without a panic; the
//! counts per item come out exact.

use std::io::{BufReader, Read};

use prefplay_core::data::formats::{Format, read_table};
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};

const ROWS: u64 = 10_000_000;
const ITEMS: u64 = 40;

/// Row `k`: items `k % 40` and `(k * 7 + 1) % 40` (shifted when equal);
/// the lower-numbered item wins two rows in three, every 11th row a tie.
fn row(k: u64) -> (u64, u64, &'static str) {
    let a = k % ITEMS;
    let mut b = (k * 7 + 1) % ITEMS;
    if a == b {
        b = (b + 1) % ITEMS;
    }
    let winner = if k.is_multiple_of(11) {
        "tie"
    } else if (a < b) != k.is_multiple_of(3) {
        "a"
    } else {
        "b"
    };
    (a, b, winner)
}

/// The CSV text, produced on demand.
struct Generated {
    next_row: u64,
    pending: Vec<u8>,
    offset: usize,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.offset == self.pending.len() {
            if self.next_row > ROWS {
                return Ok(0);
            }
            self.pending.clear();
            self.offset = 0;
            if self.next_row == 0 {
                self.pending.extend_from_slice(b"item_a,item_b,winner\n");
            } else {
                // 1000 rows at a time.
                let end = (self.next_row + 1000).min(ROWS + 1);
                for k in self.next_row..end {
                    let (a, b, w) = row(k - 1);
                    self.pending
                        .extend_from_slice(format!("item {a},item {b},{w}\n").as_bytes());
                }
                self.next_row = end - 1;
            }
            self.next_row += 1;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

#[test]
fn ten_million_rows_parse_and_fit() {
    let input = BufReader::new(Generated {
        next_row: 0,
        pending: Vec::new(),
        offset: 0,
    });
    let table = read_table(input, Format::Pairs, "generated.csv", &[]).expect("reads");
    assert_eq!(table.rows.len() as u64, ROWS);
    assert_eq!(table.items().len() as u64, ITEMS);
    let mut expected_ties = vec![0u64; ITEMS as usize];
    for k in 0..ROWS {
        let (a, b, w) = row(k);
        if w == "tie" {
            expected_ties[a as usize] += 1;
            expected_ties[b as usize] += 1;
        }
    }
    for (record, name) in table.records().iter().zip(table.items()) {
        let i: usize = name[5..].parse().expect("item number");
        assert_eq!(u64::from(record.ties), expected_ties[i], "ties of {name}");
    }
    let mut model = PairwiseModel::new(&table, PairwiseSettings::default()).expect("model");
    let fit = model.fit(None);
    assert!(fit.converged(), "{:?}", fit.status);
    assert!(fit.scores.iter().all(|s| s.is_finite()));
}
