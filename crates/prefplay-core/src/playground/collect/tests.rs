use super::*;
use crate::Vote;
use crate::data::table::Advantage;

fn ballot(participant: u32, observation: Observation) -> Ballot {
    Ballot {
        id: String::new(),
        participant,
        prompt: None,
        time_ms: 0.0,
        observation,
    }
}

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("item {i}")).collect()
}

#[test]
fn every_mode_implies_the_documented_pairs() {
    let pair = ballot(
        0,
        Observation::Pair {
            left: 2,
            right: 0,
            outcome: Outcome::BothBad,
        },
    );
    assert_eq!(pair.implied_pairs(), vec![(2, 0, Outcome::BothBad)]);
    let best = ballot(
        0,
        Observation::BestOf {
            shown: vec![3, 1, 4],
            chosen: 1,
        },
    );
    assert_eq!(
        best.implied_pairs(),
        vec![(1, 3, Outcome::A), (1, 4, Outcome::A)]
    );
    let ranking = ballot(
        0,
        Observation::Ranking {
            order: vec![2, 0, 1],
        },
    );
    assert_eq!(
        ranking.implied_pairs(),
        vec![(2, 0, Outcome::A), (2, 1, Outcome::A), (0, 1, Outcome::A)]
    );
    assert!(
        ballot(0, Observation::Thumb { item: 1, up: true })
            .implied_pairs()
            .is_empty()
    );
}

#[test]
fn checks_reject_bad_ballots_with_a_reason() {
    let cases = [
        Observation::Pair {
            left: 1,
            right: 1,
            outcome: Outcome::A,
        },
        Observation::BestOf {
            shown: vec![0, 1],
            chosen: 0,
        },
        Observation::BestOf {
            shown: vec![0, 1, 2],
            chosen: 3,
        },
        Observation::BestOf {
            shown: vec![0, 1, 1],
            chosen: 0,
        },
        Observation::Ranking { order: vec![0, 9] },
        Observation::Likert { item: 0, score: 6 },
        Observation::Thumb { item: 5, up: true },
    ];
    for case in cases {
        assert!(case.check(5).is_err(), "{case:?} passed");
    }
    assert!(
        Observation::Likert { item: 4, score: 5 }.check(5).is_ok(),
        "a valid rating failed"
    );
}

#[test]
fn ratings_compare_within_a_participant_only_and_keep_the_latest() {
    let ballots = vec![
        ballot(0, Observation::Likert { item: 0, score: 2 }),
        ballot(0, Observation::Likert { item: 1, score: 4 }),
        ballot(0, Observation::Thumb { item: 2, up: true }),
        // Participant 0 changes their mind on item 0: now the best.
        ballot(0, Observation::Likert { item: 0, score: 5 }),
        // Another participant's ratings never pair with participant 0's.
        ballot(1, Observation::Thumb { item: 1, up: false }),
    ];
    // Item 0 (5) vs 2 (thumb up = 5) is a tie in scale: no row.
    assert_eq!(rating_pairs(&ballots), vec![(0, 0, 1), (0, 2, 1)]);
}

#[test]
fn pair_table_keeps_raters_prompts_and_views() {
    let mut with_prompt = ballot(
        1,
        Observation::Pair {
            left: 0,
            right: 1,
            outcome: Outcome::B,
        },
    );
    with_prompt.prompt = Some("Which is sweeter?".into());
    let ballots = vec![
        with_prompt,
        ballot(
            0,
            Observation::BestOf {
                shown: vec![0, 1, 2],
                chosen: 2,
            },
        ),
    ];
    let people = vec!["Ada".to_string(), "Bo".to_string()];
    let pooled = pair_table(&labels(3), &people, &ballots, View::Pooled).unwrap();
    assert_eq!(pooled.rows.len(), 3);
    assert_eq!(pooled.raters(), &["Ada", "Bo"]);
    assert_eq!(pooled.rows[0].rater, Some(1));
    assert_eq!(pooled.rows[0].advantage, Advantage::A);
    assert_eq!(pooled.rows[1].advantage, Advantage::None);
    assert_eq!(pooled.prompts, vec!["Which is sweeter?", "", ""]);
    let ada = pair_table(&labels(3), &people, &ballots, View::Participant(0)).unwrap();
    assert_eq!(ada.rows.len(), 2);
    assert!(ada.prompts.is_empty(), "no prompt in Ada's view");
    let votes = fit_votes(3, &ballots, View::Participant(1));
    assert_eq!(votes, vec![Vote::new(0, 1, Outcome::B)]);
}

#[test]
fn pair_table_names_the_bad_ballot_and_fit_votes_skip_it() {
    let ballots = vec![
        ballot(0, Observation::Thumb { item: 0, up: true }),
        ballot(
            0,
            Observation::Pair {
                left: 0,
                right: 7,
                outcome: Outcome::A,
            },
        ),
    ];
    let err = pair_table(&labels(3), &[], &ballots, View::Pooled).unwrap_err();
    assert!(err.to_string().starts_with("ballot 1:"), "{err}");
    assert!(fit_votes(3, &ballots, View::Pooled).is_empty());
}

#[test]
fn comparisons_to_separate_the_top_scale_with_the_gap() {
    // Gap 1, se_diff = √2·0.5 ≈ 0.707: (1.96·0.707)² ≈ 1.92 → 0.92·100 more.
    let more = comparisons_to_separate_top(&[1.0, 0.0, -1.0], &[0.5; 3], 100, 1).unwrap();
    assert_eq!(more, 93);
    // Twice the gap needs a quarter of the squared ratio: already separated.
    assert_eq!(
        comparisons_to_separate_top(&[2.0, 0.0, -1.0], &[0.5; 3], 100, 1),
        Some(0)
    );
    assert_eq!(
        comparisons_to_separate_top(&[0.0, 0.0], &[0.5; 2], 10, 1),
        None
    );
    assert_eq!(
        comparisons_to_separate_top(&[1.0, 0.0], &[0.5; 2], 10, 2),
        None
    );
}

#[test]
fn csv_decks_read_features_and_name_bad_fields() {
    let (items, names) =
        parse_csv_deck("label,f_red,note\nTeal,0.1,x\n Coral ,0.9,y\n", "c.csv").unwrap();
    assert_eq!(names, vec!["red"]);
    assert_eq!(items[1].label, "Coral");
    assert_eq!(items[1].features, vec![0.9]);
    let err = parse_csv_deck("label,f_red\nTeal,0.1\nCoral,lots\n", "c.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "c.csv, line 3, field `f_red`: `lots` is not a finite number"
    );
    let err = parse_csv_deck("label\nA\nA\n", "d.csv").unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
    assert!(parse_csv_deck("name\nA\n", "e.csv").is_err());
}

#[test]
fn deck_check_names_what_is_wrong() {
    let item = |l: &str| DeckItem {
        label: l.into(),
        ..DeckItem::default()
    };
    let mut deck = Deck {
        id: "d".into(),
        name: "Fruit".into(),
        items: vec![item("apple"), item("pear")],
        ..Deck::default()
    };
    assert!(deck.check().is_ok());
    deck.items.push(item("apple"));
    assert!(deck.check().unwrap_err().contains("twice"));
    deck.items.truncate(1);
    assert!(deck.check().unwrap_err().contains("at least 2"));
}

#[test]
fn ballots_round_trip_through_json() {
    let b = Ballot {
        id: String::new(),
        participant: 2,
        prompt: Some("q".into()),
        time_ms: 1.5,
        observation: Observation::Ranking { order: vec![1, 0] },
    };
    let text = serde_json::to_string(&b).unwrap();
    assert!(text.contains("\"mode\":\"ranking\""), "{text}");
    assert_eq!(serde_json::from_str::<Ballot>(&text).unwrap(), b);
}
