//! The built-in decks (files in `www/decks/`, compiled in so the page
//! needs no fetch) and the deck a pasted list or CSV file makes.

use prefplay_core::data::deck::parse_deck;
use prefplay_core::playground::collect::{Deck, DeckItem, DeckKind, parse_csv_deck};

const ICE_CREAM: &str = include_str!("../www/decks/ice-cream.txt");
const EMOJI: &str = include_str!("../www/decks/emoji.txt");
const COLOURS: &str = include_str!("../www/decks/colours.csv");
const ANSWERS: &str = include_str!("../www/decks/answers.txt");

/// Id of the deck a fresh page starts with.
pub const DEFAULT_DECK_ID: &str = "builtin-ice-cream";

fn text_items(text: &str) -> Vec<DeckItem> {
    parse_deck(text)
        .into_iter()
        .map(|label| DeckItem {
            label,
            ..DeckItem::default()
        })
        .collect()
}

/// The four built-in decks: ice-cream flavours (text), food emoji, colour
/// swatches (hidden RGB features) and candidate answers to one question.
pub fn builtin_decks() -> Vec<Deck> {
    let (colours, colour_features) =
        parse_csv_deck(COLOURS, "www/decks/colours.csv").unwrap_or_default();
    vec![
        Deck {
            id: DEFAULT_DECK_ID.into(),
            name: "Ice-cream flavours".into(),
            kind: DeckKind::Text,
            question: "Which flavour is better?".into(),
            feature_names: Vec::new(),
            items: text_items(ICE_CREAM),
        },
        Deck {
            id: "builtin-emoji".into(),
            name: "Food emoji".into(),
            kind: DeckKind::Emoji,
            question: "Which would you rather eat now?".into(),
            feature_names: Vec::new(),
            items: text_items(EMOJI),
        },
        Deck {
            id: "builtin-colours".into(),
            name: "Colours".into(),
            kind: DeckKind::Colour,
            question: "Which colour do you like more?".into(),
            feature_names: colour_features,
            items: colours,
        },
        Deck {
            id: "builtin-answers".into(),
            name: "Which answer is better?".into(),
            kind: DeckKind::Answers,
            question: "Which answer explains recursion better to a 10-year-old?".into(),
            feature_names: Vec::new(),
            items: text_items(ANSWERS),
        },
    ]
}

/// Whether `id` names a built-in deck (those are never deleted or edited;
/// duplicate one to change it).
pub fn is_builtin(id: &str) -> bool {
    id.starts_with("builtin-")
}

/// A deck from pasted text: CSV (a header line with a `label` column, and
/// optional `f_<name>` feature columns) or else one item per line.
/// `Err` is a message naming the source, line and field.
pub fn deck_from_text(id: String, name: &str, question: &str, text: &str) -> Result<Deck, String> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let is_csv = first
        .split(',')
        .any(|h| h.trim().eq_ignore_ascii_case("label"));
    let (items, feature_names) = if is_csv {
        parse_csv_deck(text, name).map_err(|e| e.to_string())?
    } else {
        (text_items(text), Vec::new())
    };
    let deck = Deck {
        id,
        name: name.trim().to_string(),
        kind: DeckKind::Text,
        question: question.trim().to_string(),
        feature_names,
        items,
    };
    deck.check()?;
    Ok(deck)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_decks_are_valid_and_distinct() {
        let decks = builtin_decks();
        assert_eq!(decks.len(), 4);
        for d in &decks {
            d.check().unwrap_or_else(|e| panic!("{}: {e}", d.name));
            assert!(is_builtin(&d.id));
        }
        assert_eq!(decks[0].items.len(), 12);
        assert_eq!(decks[0].items[0].label, "Vanilla");
        assert_eq!(decks[2].feature_names, vec!["red", "green", "blue"]);
        assert_eq!(decks[2].items.len(), 12);
    }

    #[test]
    fn pasted_text_makes_a_deck_or_names_the_problem() {
        let d = deck_from_text("u1".into(), "Fruit", "", "apple\n\npear\napple\n").unwrap();
        assert_eq!(d.labels(), vec!["apple", "pear"]);
        let d = deck_from_text("u2".into(), "Tones", "", "label,f_x\nlow,0\nhigh,1\n").unwrap();
        assert_eq!(d.feature_names, vec!["x"]);
        let e = deck_from_text("u3".into(), "Tones", "", "label,f_x\nlow,0\nhigh,?\n").unwrap_err();
        assert!(e.contains("Tones, line 3, field `f_x`"), "{e}");
        assert!(deck_from_text("u4".into(), "One", "", "solo").is_err());
    }
}
