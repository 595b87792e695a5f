//! Image decks: local image files become a deck's items. The files are
//! stored as blobs in IndexedDB (`storage`), shown through object URLs,
//! and never leave the device.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;
use prefplay_core::playground::collect::{Deck, DeckItem, DeckKind};

use crate::storage::Store;

/// Item labels for image files: the file names without extension,
/// made unique by " (2)", " (3)", ….
pub fn image_labels(file_names: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    file_names
        .iter()
        .map(|name| {
            let stem = name
                .rsplit_once('.')
                .map_or(name.as_str(), |(s, _)| s)
                .trim();
            let stem = if stem.is_empty() { "image" } else { stem };
            let mut label = stem.to_string();
            let mut n = 1;
            while !seen.insert(label.clone()) {
                n += 1;
                label = format!("{stem} ({n})");
            }
            label
        })
        .collect()
}

/// The page's image store and the object URLs made so far (context).
#[derive(Clone, Copy)]
pub struct Images {
    store: StoredValue<Option<Store>, LocalStorage>,
    urls: RwSignal<HashMap<String, String>>,
    loading: StoredValue<HashSet<String>>,
}

impl Images {
    /// Images read from `store` (set once the database is open).
    pub fn new(store: StoredValue<Option<Store>, LocalStorage>) -> Self {
        Self {
            store,
            urls: RwSignal::new(HashMap::new()),
            loading: StoredValue::new(HashSet::new()),
        }
    }

    /// The object URL of image `key` (tracked); starts loading it if needed.
    pub fn url(&self, key: &str) -> Option<String> {
        if let Some(u) = self.urls.with(|u| u.get(key).cloned()) {
            return Some(u);
        }
        let first = self
            .loading
            .try_update_value(|l| l.insert(key.to_string()))
            .unwrap_or(false);
        if first && let Some(store) = self.store.get_value() {
            let (urls, key) = (self.urls, key.to_string());
            leptos::task::spawn_local(async move {
                if let Some(blob) = store.blob(&key).await
                    && let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob)
                {
                    urls.update(|u| {
                        u.insert(key, url);
                    });
                }
            });
        }
        None
    }

    /// Stores the image files among `files` and adds a deck of them
    /// (named `name`, or "Images") through `state`'s one entry, made
    /// active. Files that are not images are left out; `Err` says why
    /// nothing was made.
    pub async fn add_deck(
        &self,
        state: crate::app::AppState,
        files: Vec<web_sys::File>,
        name: &str,
    ) -> Result<usize, String> {
        let images: Vec<web_sys::File> = files
            .into_iter()
            .filter(|f| f.type_().starts_with("image/"))
            .collect();
        if images.len() < 2 {
            return Err("An image deck needs at least two image files.".into());
        }
        let store = self
            .store
            .get_value()
            .ok_or("Images need the browser's storage, which is unavailable.")?;
        let stamp = js_sys::Date::now() as u64;
        let keys: Vec<String> = (0..images.len())
            .map(|k| format!("img-{stamp}-{k}"))
            .collect();
        let names: Vec<String> = images.iter().map(web_sys::File::name).collect();
        let blobs = keys
            .iter()
            .cloned()
            .zip(images.iter().map(|f| web_sys::Blob::from(f.clone())))
            .collect();
        store.put_blobs(blobs).await?;
        let n = images.len();
        let deck = Deck {
            id: String::new(),
            name: if name.trim().is_empty() {
                "Images".into()
            } else {
                name.trim().to_string()
            },
            kind: DeckKind::Images,
            question: "Which picture do you like more?".into(),
            feature_names: Vec::new(),
            items: image_labels(&names)
                .into_iter()
                .zip(keys)
                .map(|(label, key)| DeckItem {
                    label,
                    features: Vec::new(),
                    image: Some(key),
                })
                .collect(),
        };
        state.apply(crate::app::Edit::AddDeck(Box::new(deck)))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_labels_are_stems_made_unique() {
        let names = ["cat.jpg", "cat.png", "dog.jpeg", ".png", "cat.gif"].map(String::from);
        assert_eq!(
            image_labels(&names),
            vec!["cat", "cat (2)", "dog", "image", "cat (3)"]
        );
    }
}
