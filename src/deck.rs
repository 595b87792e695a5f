//! Built-in decks (one label per line in `www/decks/*.txt`).

use prefplay_core::deck::parse_deck;

/// The ice-cream deck's file, compiled in so the page needs no fetch.
const ICE_CREAM: &str = include_str!("../www/decks/ice-cream.txt");

/// The deck the page starts with: its labels, in file order.
pub fn builtin_deck() -> Vec<String> {
    parse_deck(ICE_CREAM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_deck_has_twelve_distinct_items() {
        let deck = builtin_deck();
        assert_eq!(deck.len(), 12);
        assert_eq!(deck[0], "Vanilla");
    }
}
