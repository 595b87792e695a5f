use super::*;
use prefplay_core::data::table::Outcome;
use prefplay_core::playground::collect::Observation;

fn pair_ballot(participant: u32) -> Ballot {
    Ballot {
        id: String::new(),
        participant,
        prompt: None,
        time_ms: 0.0,
        observation: Observation::Pair {
            left: 0,
            right: 1,
            outcome: Outcome::A,
        },
    }
}

#[test]
fn undo_takes_back_the_active_participants_latest_ballot_only() {
    let mut w = Workspace::default();
    w.cast(pair_ballot(0));
    w.add_participant("Bo").unwrap();
    w.cast(pair_ballot(1));
    w.active_participant = 0;
    assert_eq!(w.undo().map(|b| b.participant), Some(0));
    assert_eq!(w.undo(), None, "Bo's ballot is not Me's to undo");
    assert_eq!(w.deck_ballots().len(), 1);
}

#[test]
fn user_decks_can_be_duplicated_edited_and_deleted_builtins_cannot() {
    let mut w = Workspace::default();
    assert!(w.delete_deck().is_err());
    assert!(w.edit_deck("x", "", "a\nb").is_err());
    let id = w.fresh_deck_id();
    w.duplicate_deck(id.clone()).unwrap();
    assert_eq!(w.active_deck, id);
    assert_eq!(w.deck().name, "Ice-cream flavours (copy)");
    let labels = w.deck().labels().join("\n");
    w.edit_deck("Sorbets", "Which is fresher?", &labels)
        .unwrap();
    assert_eq!(w.deck().question, "Which is fresher?");
    w.cast(pair_ballot(0));
    w.delete_deck().unwrap();
    assert_eq!(w.active_deck, DEFAULT_DECK_ID);
    assert!(!w.ballots.contains_key(&id));
}

#[test]
fn editing_items_renames_in_place_adds_and_removes_only_unvoted_ones() {
    let mut w = Workspace::default();
    let id = w.fresh_deck_id();
    let deck = crate::decks::deck_from_text(id, "Fruit", "", "apple\npear\nplum").unwrap();
    w.add_deck(deck).unwrap();
    w.cast(pair_ballot(0)); // items 0 and 1
    w.edit_deck("Fruit", "", "Apple\npear\nplum\nfig").unwrap();
    assert_eq!(w.deck().labels(), vec!["Apple", "pear", "plum", "fig"]);
    w.edit_deck("Fruit", "", "Apple\npear").unwrap();
    assert_eq!(w.deck().labels(), vec!["Apple", "pear"]);
    let e = w.edit_deck("Fruit", "", "Apple").unwrap_err();
    assert!(e.contains("\"pear\" has votes"), "{e}");
    assert!(
        w.edit_deck("", "", "Apple\npear").is_err(),
        "a name is needed"
    );
    assert!(w.edit_deck("Fruit", "", "Apple\nApple").is_err());
    assert_eq!(
        w.deck().labels(),
        vec!["Apple", "pear"],
        "errors change nothing"
    );
}

#[test]
fn normalize_repairs_a_damaged_workspace() {
    let mut w = Workspace {
        decks: Vec::new(),
        active_deck: "gone".into(),
        participants: Vec::new(),
        active_participant: 9,
        ballots: BTreeMap::new(),
        settings: Settings {
            k: 40,
            ..Settings::default()
        },
        truths: BTreeMap::from([("gone".to_string(), vec![0.0])]),
        deck_settings: BTreeMap::from([("gone".to_string(), Settings::default())]),
        home_deck: Some("gone".into()),
    };
    w.normalize();
    assert_eq!(w.decks.len(), 4);
    assert_eq!(w.active_deck, DEFAULT_DECK_ID);
    assert_eq!(w.participants, vec!["Me"]);
    assert_eq!(w.active_participant, 0);
    assert_eq!(w.settings.k, 6);
    assert!(w.truths.is_empty(), "a truth for a missing deck is dropped");
    assert!(w.deck_settings.is_empty() && w.home_deck.is_none());
}

#[test]
fn participants_are_added_once_and_selected() {
    let mut w = Workspace::default();
    w.add_participant(" Ada ").unwrap();
    w.add_participant("Ada").unwrap();
    assert_eq!(w.participants, vec!["Me", "Ada"]);
    assert_eq!(w.active_participant, 1);
    assert!(w.add_participant("  ").is_err());
}

#[test]
fn simulated_voters_show_only_on_the_decks_they_voted_on() {
    let mut w = Workspace::default();
    w.participants
        .extend(["Sim 1".to_string(), "Ann".to_string()]);
    let names =
        |w: &Workspace| -> Vec<String> { w.voters_here().into_iter().map(|(_, n)| n).collect() };
    assert_eq!(names(&w), ["Me", "Ann"]);
    w.cast(pair_ballot(1));
    assert_eq!(names(&w), ["Me", "Sim 1", "Ann"]);
    assert!(w.is_simulated(1) && !w.is_simulated(2));
}
