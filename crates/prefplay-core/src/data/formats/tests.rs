//! Round trips, detection and bad input for every format.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::Error;
use crate::data::table::{Advantage, Outcome, PairRow};

fn read(text: &str, format: Format) -> Result<PairTable> {
    read_table(text.as_bytes(), format, "in.txt", &[])
}

fn write(table: &PairTable, format: Format) -> String {
    let mut out = Vec::new();
    write_table(table, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn assert_line_field(result: Result<PairTable>, line: u64, field: &str) {
    match result {
        Err(Error::Format {
            source_name,
            line: l,
            field: f,
            message,
        }) => {
            assert_eq!(
                (source_name.as_str(), l, f.as_str()),
                ("in.txt", line, field),
                "{message}"
            );
        }
        other => panic!("expected a format error at line {line}, field {field}: {other:?}"),
    }
}

fn rich_table() -> PairTable {
    let mut t = PairTable::with_items(&[
        "Mint, choc chip".to_string(),
        "\"Rocky\" road".into(),
        "Vanilla".into(),
    ]);
    t.feature_names = vec!["len".into()];
    let ann = t.rater_id("ann");
    let rows = [
        (0, 1, Outcome::A, Advantage::A, 2, Some(ann), 0.5),
        (1, 2, Outcome::Tie, Advantage::None, 1, None, -1.0),
        (2, 0, Outcome::BothBad, Advantage::B, 3, Some(ann), 0.0),
        (2, 1, Outcome::B, Advantage::A, 0, None, 2.25),
    ];
    for (a, b, outcome, advantage, count, rater, x) in rows {
        t.prompts.push(format!("prompt {a}{b}"));
        t.push(
            PairRow {
                item_a: a,
                item_b: b,
                outcome,
                advantage,
                count,
                rater,
            },
            &[x],
        )
        .unwrap();
    }
    t
}

#[test]
fn pairs_and_prefplay_round_trip_everything() {
    let t = rich_table();
    for format in [Format::Pairs, Format::Prefplay] {
        let text = write(&t, format);
        let back = read(&text, format).unwrap();
        assert_eq!(back, t, "{format:?}:\n{text}");
        assert_eq!(detect("x", text.as_bytes()).unwrap(), format);
    }
}

#[test]
fn the_page_export_keeps_three_columns() {
    let mut t = PairTable::with_items(&["x".to_string(), "y".into()]);
    t.push(
        PairRow {
            item_a: 0,
            item_b: 1,
            outcome: Outcome::A,
            advantage: Advantage::A,
            count: 1,
            rater: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!(write(&t, Format::Pairs), "item_a,item_b,winner\nx,y,a\n");
}

#[test]
fn other_formats_keep_the_outcomes() {
    let mut t = PairTable::with_items(&["x".to_string(), "y".into(), "z".into()]);
    let judge = t.rater_id("j1");
    for (a, b, outcome) in [(0, 1, Outcome::A), (1, 2, Outcome::B), (2, 0, Outcome::A)] {
        t.push(
            PairRow {
                item_a: a,
                item_b: b,
                outcome,
                advantage: Advantage::A,
                count: 2,
                rater: Some(judge),
            },
            &[],
        )
        .unwrap();
    }
    for format in [
        Format::WinnerLoser,
        Format::Arena,
        Format::Hf,
        Format::CrowdKit,
    ] {
        let text = write(&t, format);
        assert_eq!(detect("x", text.as_bytes()).unwrap(), format, "{text}");
        let back = read(&text, format).unwrap();
        assert_eq!(back.n_votes(), 6, "{format:?}");
        // Every win is kept, whichever side it was listed on.
        for (winner, loser) in [("x", "y"), ("z", "y"), ("z", "x")] {
            let wins: u64 = back
                .rows
                .iter()
                .filter(|r| {
                    let (w, l) = match r.outcome {
                        Outcome::B => (r.item_b, r.item_a),
                        _ => (r.item_a, r.item_b),
                    };
                    back.items()[w as usize] == winner && back.items()[l as usize] == loser
                })
                .map(|r| u64::from(r.count))
                .sum();
            assert_eq!(wins, 2, "{format:?}: {winner} over {loser}\n{text}");
        }
    }
}

#[test]
fn formats_that_cannot_hold_ties_refuse() {
    let t = rich_table();
    for format in [Format::CrowdKit, Format::Hf] {
        let mut out = Vec::new();
        assert!(matches!(
            write_table(&t, format, &mut out),
            Err(Error::Unsupported(_))
        ));
    }
}

#[test]
fn arena_reads_json_arrays_and_lines_with_line_numbers() {
    let array = "[\n {\"model_a\": \"m1\", \"model_b\": \"m2\", \"winner\": \"model_a\", \"tstamp\": 1},\n {\"model_a\": \"m2\", \"model_b\": \"m3\", \"winner\": \"tie (bothbad)\", \"judge\": \"u\"}\n]\n";
    let t = read(array, Format::Arena).unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].outcome, Outcome::BothBad);
    assert_eq!(t.raters(), &["u"]);
    let bad = "{\"model_a\": \"m1\", \"model_b\": \"m2\", \"winner\": \"model_a\"}\n\n{\"model_a\": \"m1\", \"model_b\": \"m2\", \"winner\": \"left\"}\n";
    assert_line_field(read(bad, Format::Arena), 3, "winner");
    let bad_array = "[\n{\"model_a\": \"m1\", \"model_b\": \"m2\", \"winner\": \"model_a\"},\n{\"model_a\": \"m1\", \"winner\": \"model_a\"}]";
    assert_line_field(read(bad_array, Format::Arena), 3, "model_b");
}

#[test]
fn hf_reads_strings_and_conversations() {
    let text = "{\"prompt\": \"hi\", \"chosen\": \"hello!\", \"rejected\": \"go away\"}\n{\"prompt\": \"hi\", \"chosen\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"hello!\"}], \"rejected\": \"meh\"}\n";
    let t = read(text, Format::Hf).unwrap();
    assert_eq!(t.items(), &["hello!", "go away", "meh"]);
    assert_eq!(t.prompts, vec!["hi", "hi"]);
    assert_line_field(read("{\"chosen\": \"a\"}\n", Format::Hf), 1, "rejected");
}

#[test]
fn bad_csv_input_names_line_and_field() {
    let p = Format::Pairs;
    assert_line_field(read("", p), 1, "header");
    assert_eq!(read("item_a,item_b,winner\n", p).unwrap().rows.len(), 0);
    assert_line_field(
        read("item_a,item_b,winner\nx,y,a\nx,z,left\n", p),
        3,
        "winner",
    );
    assert_line_field(read("item_a,winner\nx,a\n", p), 1, "item_b");
    assert_line_field(
        read("item_a,item_b,winner,item_a\nx,y,a,x\n", p),
        1,
        "item_a",
    );
    assert_line_field(
        read("item_a,item_b,winner,count\nx,y,a,-2\n", p),
        2,
        "count",
    );
    assert_line_field(
        read("item_a,item_b,winner,count\nx,y,a,NaN\n", p),
        2,
        "count",
    );
    assert_line_field(
        read("item_a,item_b,winner,f_len\nx,y,a,inf\n", p),
        2,
        "f_len",
    );
    assert_line_field(read("item_a,item_b,winner\nx,x,a\n", p), 2, "item_b");
    assert_line_field(read("item_a,item_b,winner\n,x,a\n", p), 2, "item_a");
    assert_line_field(
        read_table(
            &b"item_a,item_b,winner\nx,\xff\xfe,a\n"[..],
            p,
            "in.txt",
            &[],
        ),
        2,
        "item_b",
    );
    assert_line_field(
        read("worker,left,right,label\nw,x,y,z\n", Format::CrowdKit),
        2,
        "label",
    );
    assert_line_field(
        read("winner,loser,tie\nx,y,maybe\n", Format::WinnerLoser),
        2,
        "tie",
    );
}

#[test]
fn detection_explains_ambiguity_and_failure() {
    let both = "item_a,item_b,winner,loser\n";
    match detect("f.csv", both.as_bytes()) {
        Err(Error::Format { message, .. }) => {
            assert!(message.contains("pairs and winner-loser"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(detect("f.csv", b"a,b,c\n").is_err());
    assert!(detect("f.csv", b"  \n").is_err());
    assert_eq!(
        detect("f.csv", b"\xef\xbb\xbfitem_a,item_b,winner\n").unwrap(),
        Format::Pairs
    );
}

#[test]
fn known_items_come_first() {
    let known = vec!["p".to_string(), "q".into()];
    let t = read_table(
        &b"item_a,item_b,winner\nr,q,b\n"[..],
        Format::Pairs,
        "k.csv",
        &known,
    )
    .unwrap();
    assert_eq!(t.items(), &["p", "q", "r"]);
}

#[test]
fn rankings_round_trip_and_break_into_pairs() {
    let text = "ranking,unranked,count,rater\nx > y > z,,2,ann\nz,x|y,1,\n";
    let r = read_rankings(text.as_bytes(), "r.csv", &[]).unwrap();
    assert_eq!(r.rankings.len(), 2);
    assert_eq!(r.rankings[1].unranked, vec![0, 1]);
    let mut out = Vec::new();
    write_rankings(&r, &mut out).unwrap();
    assert_eq!(read_rankings(&out[..], "r2.csv", &[]).unwrap(), r);
    assert_eq!(detect("r.csv", text.as_bytes()).unwrap(), Format::Rankings);
    let pairs = read(text, Format::Rankings).unwrap();
    // x>y, x>z, y>z twice each, then z>x and z>y once.
    assert_eq!(pairs.n_votes(), 8);
    assert_line_field(read("ranking\nx > x\n", Format::Rankings), 2, "ranking");
    assert_line_field(read("ranking\nx\n", Format::Rankings), 2, "ranking");
}
