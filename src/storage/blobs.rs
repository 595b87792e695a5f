//! The `blobs` store: the image files of image decks, kept as `Blob`s
//! under keys `img-…` and never uploaded.

use rexie::TransactionMode;
use wasm_bindgen::JsValue;

use super::{BLOBS, Store, describe};
use crate::workspace::Workspace;

impl Store {
    /// Stores image files under their keys, in one transaction.
    pub async fn put_blobs(&self, blobs: Vec<(String, web_sys::Blob)>) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[BLOBS], TransactionMode::ReadWrite)
            .map_err(|e| describe(&e))?;
        let store = tx.store(BLOBS).map_err(|e| describe(&e))?;
        store
            .put_all(
                blobs
                    .into_iter()
                    .map(|(key, blob)| (JsValue::from(blob), Some(JsValue::from_str(&key)))),
            )
            .await
            .map_err(|e| describe(&e))?;
        tx.done().await.map_err(|e| describe(&e))?;
        Ok(())
    }

    /// The image file stored under `key`, if any.
    pub async fn blob(&self, key: &str) -> Option<web_sys::Blob> {
        let tx = self
            .db
            .transaction(&[BLOBS], TransactionMode::ReadOnly)
            .ok()?;
        let store = tx.store(BLOBS).ok()?;
        let value = store.get(JsValue::from_str(key)).await.ok()??;
        wasm_bindgen::JsCast::dyn_into::<web_sys::Blob>(value).ok()
    }

    /// Deletes stored blobs that no deck of `workspace` refers to.
    pub async fn collect_garbage(&self, workspace: &Workspace) -> Result<usize, String> {
        let used: std::collections::HashSet<String> = workspace
            .decks
            .iter()
            .flat_map(|d| d.items.iter().filter_map(|i| i.image.clone()))
            .collect();
        let tx = self
            .db
            .transaction(&[BLOBS], TransactionMode::ReadWrite)
            .map_err(|e| describe(&e))?;
        let store = tx.store(BLOBS).map_err(|e| describe(&e))?;
        let keys = store
            .get_all_keys(None, None)
            .await
            .map_err(|e| describe(&e))?;
        let mut removed = 0;
        for key in keys {
            if key.as_string().is_some_and(|k| !used.contains(&k)) {
                store.delete(key).await.map_err(|e| describe(&e))?;
                removed += 1;
            }
        }
        tx.done().await.map_err(|e| describe(&e))?;
        Ok(removed)
    }
}
