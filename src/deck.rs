//! Built-in decks (one label per line in `www/decks/*.txt`).

/// The ice-cream deck's file, compiled in so the page needs no fetch.
const ICE_CREAM: &str = include_str!("../www/decks/ice-cream.txt");

/// The deck the page starts with: its labels, in file order.
pub fn builtin_deck() -> Vec<String> {
    parse_deck(ICE_CREAM)
}

/// One item per non-empty line, trimmed; repeated labels are kept once.
pub fn parse_deck(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !items.iter().any(|i| i == line) {
            items.push(line.to_string());
        }
    }
    items
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

    #[test]
    fn parse_deck_trims_and_dedupes() {
        assert_eq!(parse_deck(" a \n\nb\na\n"), vec!["a", "b"]);
    }
}
