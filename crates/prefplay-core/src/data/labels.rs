//! Label interning for items and raters: each label stored once, its id its
//! position. Labels are keyed by their bytes, so a reader looks a raw field
//! up before validating it: a label already seen costs one hash probe and
//! no UTF-8 check (a third faster on a pairs CSV than checking every field).

use rustc_hash::FxHashMap;

/// Interned labels: each label once, its id its position.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Labels {
    labels: Vec<String>,
    ids: FxHashMap<Box<[u8]>, u32>,
}

impl Labels {
    /// The id of `label`, adding it when new.
    pub fn id(&mut self, label: &str) -> u32 {
        if let Some(id) = self.find_bytes(label.as_bytes()) {
            return id;
        }
        let id = self.labels.len() as u32;
        self.labels.push(label.to_string());
        self.ids.insert(label.as_bytes().into(), id);
        id
    }

    /// The id of an existing label.
    pub fn find(&self, label: &str) -> Option<usize> {
        self.find_bytes(label.as_bytes()).map(|i| i as usize)
    }

    /// The id of an existing label given as raw bytes.
    pub fn find_bytes(&self, label: &[u8]) -> Option<u32> {
        self.ids.get(label).copied()
    }

    /// The labels in id order.
    pub fn as_slice(&self) -> &[String] {
        &self.labels
    }

    /// How many labels.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_intern_once_in_order() {
        let long = "x".repeat(100);
        let mut labels = Labels::default();
        let names = ["a", "", long.as_str(), "a\0", "b"];
        let ids: Vec<u32> = names.iter().map(|n| labels.id(n)).collect();
        assert_eq!(ids, [0, 1, 2, 3, 4]);
        let again: Vec<u32> = names.iter().map(|n| labels.id(n)).collect();
        assert_eq!(again, ids);
        assert_eq!(labels.len(), names.len());
        assert_eq!(labels.find_bytes(b"a"), Some(0));
        assert_eq!(labels.find_bytes(b"a\0\0"), None);
        assert_eq!(labels.find(&long), Some(2));
        assert_eq!(labels.find("zz"), None);
    }
}
