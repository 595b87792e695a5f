//! The deck text format: one item label per line.

/// One item per non-empty line, trimmed; repeated labels are kept once, in
/// order of first appearance.
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
    fn parse_deck_trims_and_dedupes() {
        assert_eq!(parse_deck(" a \n\nb\na\n"), vec!["a", "b"]);
    }
}
