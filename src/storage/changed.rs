//! What an edit of the workspace changed, as storage writes it: the meta
//! record (decks, voters, settings), some decks' ballots, or everything.
//! The playground's one edit entry (`app::edit`) gathers these between
//! saves; a save writes exactly what they name. Pure, tested natively.

use std::collections::BTreeSet;

/// The parts of the workspace changed since the last save.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changed {
    /// The meta record (everything but the ballots).
    pub meta: bool,
    /// The decks (by id) whose ballots changed.
    pub decks: BTreeSet<String>,
    /// Everything: compare the whole workspace with what is stored (after
    /// loading, an import, a scenario or a link).
    pub all: bool,
}

impl Changed {
    /// The meta record only.
    pub fn meta() -> Self {
        Self {
            meta: true,
            ..Self::default()
        }
    }

    /// Deck `deck`'s ballots only.
    pub fn ballots(deck: &str) -> Self {
        Self {
            decks: BTreeSet::from([deck.to_string()]),
            ..Self::default()
        }
    }

    /// The meta record and deck `deck`'s ballots.
    pub fn deck(deck: &str) -> Self {
        Self {
            meta: true,
            ..Self::ballots(deck)
        }
    }

    /// Everything.
    pub fn all() -> Self {
        Self {
            all: true,
            ..Self::default()
        }
    }

    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        !self.meta && !self.all && self.decks.is_empty()
    }

    /// Adds `other`'s changes to these.
    pub fn merge(&mut self, other: Changed) {
        self.meta |= other.meta;
        self.all |= other.all;
        self.decks.extend(other.decks);
    }

    /// Whether deck `deck`'s ballots must be compared with what is stored.
    pub fn touches(&self, deck: &str) -> bool {
        self.all || self.decks.contains(deck)
    }

    /// Whether the meta record must be compared with what is stored.
    pub fn touches_meta(&self) -> bool {
        self.all || self.meta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_gather_until_a_save_takes_them() {
        let mut c = Changed::default();
        assert!(c.is_empty());
        c.merge(Changed::ballots("d1"));
        assert!(c.touches("d1") && !c.touches("d2") && !c.touches_meta());
        c.merge(Changed::deck("d2"));
        assert!(c.touches("d2") && c.touches_meta());
        c.merge(Changed::all());
        assert!(c.touches("anything") && !c.is_empty());
        assert_eq!(std::mem::take(&mut c), {
            let mut all = Changed::deck("d2");
            all.decks.insert("d1".into());
            all.all = true;
            all
        });
        assert!(c.is_empty());
    }
}
