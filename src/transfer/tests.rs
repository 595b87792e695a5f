use super::*;
use prefplay_core::data::table::Outcome;

fn pair(id: &str, participant: u32, left: u32, right: u32, outcome: Outcome) -> Ballot {
    Ballot {
        id: id.into(),
        participant,
        prompt: None,
        time_ms: 0.0,
        observation: Observation::Pair {
            left,
            right,
            outcome,
        },
    }
}

/// A student's workspace: one voter, two ballots on the ice-cream deck.
fn student(name: &str, tag: &str) -> Workspace {
    let mut w = Workspace {
        participants: vec![name.into()],
        ..Workspace::default()
    };
    w.cast(pair(&format!("1-{tag}-1"), 0, 0, 1, Outcome::A));
    w.cast(pair(&format!("1-{tag}-2"), 0, 2, 3, Outcome::Tie));
    w
}

#[test]
fn three_class_files_merge_with_their_voters_and_twice_adds_nothing() {
    let mut teacher = Workspace::default();
    let files: Vec<Incoming> = ["Ada", "Bo", "Cy"]
        .iter()
        .map(|n| {
            let text = export_workspace(&student(n, n)).unwrap();
            read_file(&format!("{n}.json"), text.as_bytes()).unwrap()
        })
        .collect();
    let report = merge(&mut teacher, files.clone()).unwrap();
    assert_eq!(report.added, 6);
    assert_eq!(teacher.participants, vec!["Me", "Ada", "Bo", "Cy"]);
    let voters: Vec<u32> = teacher
        .deck_ballots()
        .iter()
        .map(|b| b.participant)
        .collect();
    assert_eq!(voters, vec![1, 1, 2, 2, 3, 3]);
    assert_eq!(teacher.decks.len(), 4, "same decks, no copies");
    let again = merge(&mut teacher, files).unwrap();
    assert_eq!(again.added, 0);
    assert!(
        again.lines[0].contains("already there"),
        "{:?}",
        again.lines
    );
}

#[test]
fn every_export_reads_back_into_the_same_comparisons() {
    let mut w = student("Ada", "a");
    w.cast(pair("1-a-3", 0, 4, 5, Outcome::B));
    w.cast(pair("1-a-4", 0, 5, 6, Outcome::BothBad));
    for kind in ExportKind::ALL {
        let (text, note) = export(&w, kind).unwrap();
        let mut fresh = Workspace::default();
        let file = read_file(kind.file_name(), text.as_bytes())
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        merge(&mut fresh, vec![file]).unwrap();
        let got: Vec<(u32, u32, Outcome)> = fresh
            .deck_ballots()
            .iter()
            .flat_map(Ballot::implied_pairs)
            .collect();
        let mut want: Vec<(u32, u32, Outcome)> = w
            .deck_ballots()
            .iter()
            .flat_map(Ballot::implied_pairs)
            .collect();
        if kind == ExportKind::Hf {
            assert!(note.unwrap().starts_with("2 tie"));
            want.retain(|p| matches!(p.2, Outcome::A | Outcome::B));
            // HF lists the chosen item first.
            want = want
                .into_iter()
                .map(|(a, b, o)| {
                    if o == Outcome::B {
                        (b, a, Outcome::A)
                    } else {
                        (a, b, o)
                    }
                })
                .collect();
        }
        assert_eq!(got, want, "{kind:?}");
        if kind != ExportKind::Hf {
            let who = &fresh.participants[fresh.deck_ballots()[0].participant as usize];
            let expected = if kind == ExportKind::AnonymousCsv {
                "voter 1"
            } else {
                "Ada"
            };
            assert_eq!(who, expected, "{kind:?} keeps the voter");
        }
    }
}

#[test]
fn a_table_of_unknown_items_makes_a_deck_named_after_the_file() {
    let mut w = Workspace::default();
    let csv = "winner,loser\nrust,go\ngo,zig\n";
    let file = read_file("langs.csv", csv.as_bytes()).unwrap();
    let report = merge(&mut w, vec![file]).unwrap();
    assert_eq!(report.added, 2);
    let deck = w.decks.last().unwrap();
    assert_eq!(deck.name, "langs.csv");
    assert_eq!(w.active_deck, deck.id, "the new deck is shown");
    assert_eq!(deck.labels(), vec!["rust", "go", "zig"]);
    assert_eq!(w.participants, vec!["Me", "langs.csv"]);
}

#[test]
fn bad_files_name_the_line_and_field() {
    let e = read_file("bad.csv", b"item_a,item_b,winner\nx,y,maybe\n").unwrap_err();
    assert!(e.starts_with("bad.csv, line 2, field `winner`"), "{e}");
    let e = read_file("odd.txt", b"hello\n").unwrap_err();
    assert!(e.contains("cannot tell the format"), "{e}");
    let mut w = student("Ada", "a");
    w.ballots
        .get_mut("builtin-ice-cream")
        .unwrap()
        .push(pair("1-a-9", 0, 0, 99, Outcome::A));
    let text = export_workspace(&w).unwrap();
    let file = read_file("w.json", text.as_bytes()).unwrap();
    let mut fresh = Workspace::default();
    let e = merge(&mut fresh, vec![file]).unwrap_err();
    assert!(e.contains("ballot 3"), "{e}");
}

#[test]
fn a_hostile_label_stays_a_label() {
    let csv = "item_a,item_b,winner\n<img src=x onerror=alert(1)>,plain,a\n";
    let mut w = Workspace::default();
    merge(&mut w, vec![read_file("x.csv", csv.as_bytes()).unwrap()]).unwrap();
    assert_eq!(
        w.decks.last().unwrap().items[0].label,
        "<img src=x onerror=alert(1)>"
    );
}

#[test]
fn the_anonymous_export_keeps_voters_apart_without_their_names() {
    let mut w = Workspace::default();
    w.add_participant("Ada Lovelace").unwrap();
    let deck = w.deck().clone();
    w.cast(pair("t-1", 0, 0, 1, Outcome::A));
    w.cast(pair("t-2", 1, 1, 2, Outcome::A));
    let (text, _) = export(&w, ExportKind::AnonymousCsv).unwrap();
    assert!(!text.contains("Ada"), "{text}");
    assert!(
        text.contains("voter 1") && text.contains("voter 2"),
        "{text}"
    );
    assert!(text.contains(&deck.items[0].label));
    let (named, _) = export(&w, ExportKind::PairsCsv).unwrap();
    assert!(named.contains("Ada Lovelace"));
}
