//! A fast path for CSV text without quotes: records are lines, fields are
//! split at commas, exactly as the csv crate splits such text (blank lines
//! skipped, `\r\n` accepted) — checked against it in the tests. Line
//! numbers are the file's (the csv crate's undercount after `\r\n` and
//! blank lines). A block with a quote or a lone `\r` goes to the csv crate
//! instead.
//!
//! Splitting with `memchr` instead of the csv crate's state machine saves
//! about a quarter of the time of reading a pairs CSV.

use memchr::{memchr, memchr_iter};

use super::csv_util::Fields;

/// Whether `block` can be split here: no `"` and every `\r` before a `\n`.
pub(crate) fn applies(block: &[u8]) -> bool {
    memchr(b'"', block).is_none()
        && memchr_iter(b'\r', block).all(|k| block.get(k + 1) == Some(&b'\n'))
}

/// The records of a quote-free block, one at a time.
pub(crate) struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
}

/// One record: its line and where its fields end.
pub(crate) struct Split<'a> {
    line: &'a [u8],
    /// (start, end) of each field in `line`.
    bounds: &'a [(usize, usize)],
}

impl Fields for Split<'_> {
    fn field(&self, col: usize) -> Option<&[u8]> {
        self.bounds.get(col).map(|&(a, b)| &self.line[a..b])
    }
}

impl<'a> Records<'a> {
    /// Records of `data`, which must satisfy [`applies`].
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            data,
            pos: 0,
            line: 0,
        }
    }

    /// The next record, with the line it is on (counted from 1 at the
    /// start of `data`); `bounds` is reused for its fields. `None` at the
    /// end.
    pub fn next<'b>(&mut self, bounds: &'b mut Vec<(usize, usize)>) -> Option<(Split<'b>, u64)>
    where
        'a: 'b,
    {
        while self.pos < self.data.len() {
            let rest = &self.data[self.pos..];
            let end = memchr(b'\n', rest).unwrap_or(rest.len());
            let mut line = &rest[..end];
            if let [head @ .., b'\r'] = line {
                line = head;
            }
            self.pos += end + 1;
            self.line += 1;
            if line.is_empty() {
                continue;
            }
            // Lines are short: a plain scan beats memchr's setup per comma.
            bounds.clear();
            let mut start = 0;
            for (k, &c) in line.iter().enumerate() {
                if c == b',' {
                    bounds.push((start, k));
                    start = k + 1;
                }
            }
            bounds.push((start, line.len()));
            return Some((Split { line, bounds }, self.line));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records as the csv crate reads them (no header), each with the
    /// file line it starts on (1 + the newlines before its first byte).
    fn by_csv_crate(text: &[u8]) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(text);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).expect("csv reads it") {
            // The csv crate's position is where it began reading, before
            // any line ends it skipped; the record starts after them.
            let mut start = record.position().map_or(0, |p| p.byte()) as usize;
            while matches!(text.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let line = 1 + text[..start].iter().filter(|&&c| c == b'\n').count() as u64;
            out.push((record.iter().map(<[u8]>::to_vec).collect(), line));
        }
        out
    }

    /// The fast path's records and the lines it reports.
    fn by_fast_path(text: &[u8]) -> Vec<(Vec<Vec<u8>>, u64)> {
        let mut records = Records::new(text);
        let mut out = Vec::new();
        let mut bounds = Vec::new();
        while let Some((split, line)) = records.next(&mut bounds) {
            let fields = (0..).map_while(|k| split.field(k)).map(<[u8]>::to_vec);
            out.push((fields.collect(), line));
        }
        out
    }

    #[test]
    fn splits_like_the_csv_crate() {
        let cases: [&[u8]; 9] = [
            b"a,b,c\nd,e,f\n",
            b"a,b,c\nd,e,f",
            b"a,b\r\nc,d\r\n",
            b"\n\na,b\n\n\nc\n",
            b"a,,\n,b,\n,,\n",
            b" a , b \n\tc\t,d\n",
            b"x\n\r\ny,z\r\n",
            b"",
            "é,ü\n日本,x\n".as_bytes(),
        ];
        for text in cases {
            assert!(applies(text), "{text:?}");
            assert_eq!(by_fast_path(text), by_csv_crate(text), "{text:?}");
        }
    }

    #[test]
    fn quotes_and_lone_carriage_returns_are_left_to_the_csv_crate() {
        assert!(!applies(b"a,\"b\"\n"));
        assert!(!applies(b"a\rb\n"));
        assert!(!applies(b"a,b\r"));
        assert!(applies(b"a,b\r\n"));
    }

    // proptest needs an OS random source: native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn random_quote_free_text_splits_like_the_csv_crate(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'b', b',', b'\n', b' ', b'\r', 0xC3, 0xA9]),
                0..200,
            )
        ) {
            if applies(&text) {
                proptest::prop_assert_eq!(by_fast_path(&text), by_csv_crate(&text));
            }
        }
    }
}
