//! Image decks: pick local images or drop them on the page; they are kept
//! in the browser (IndexedDB) and shown again after a reload.

use anyhow::{Result, ensure};
use fantoccini::{Client, Locator};
use prefplay_e2e::{WAIT, eventually, fresh_dir, saved_workspace, wait_for, with_page};
use serde_json::Value;

/// A 1 × 1 PNG.
const PNG: [u8; 68] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 4, 0,
    0, 0, 181, 28, 12, 2, 0, 0, 0, 11, 73, 68, 65, 84, 120, 218, 99, 100, 96, 0, 0, 0, 6, 0, 2, 48,
    129, 208, 47, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// `src` of the images in the pair on screen, once both have loaded.
async fn pair_images(client: &Client) -> Result<Vec<String>> {
    eventually("two images in the pair", WAIT, || async {
        let mut srcs = Vec::new();
        for img in client.find_all(Locator::Css(".pair .choice img")).await? {
            srcs.push(img.attr("src").await?.unwrap_or_default());
        }
        Ok((srcs.len() == 2).then_some(srcs))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_decks_from_picker_and_drop_survive_reload() -> Result<()> {
    let files = fresh_dir("img-files")?;
    let mut paths = Vec::new();
    for name in ["sunset.png", "forest.png", "sunset.jpg.png"] {
        let p = files.join(name);
        std::fs::write(&p, PNG)?;
        paths.push(p.display().to_string());
    }
    with_page("img", async |client, url, _| {
        client.goto(url).await?;
        wait_for(client, "#choice-left").await?;
        client.find(Locator::Css("#new-deck")).await?.click().await?;
        client
            .find(Locator::Css("#deck-name"))
            .await?
            .send_keys("Holiday")
            .await?;
        client
            .find(Locator::Css("#deck-images"))
            .await?
            .send_keys(&paths.join("\n"))
            .await?;
        let srcs = pair_images(client).await?;
        ensure!(srcs.iter().all(|s| s.starts_with("blob:")), "{srcs:?}");
        let w = saved_workspace(client).await?;
        let deck = w["decks"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["name"] == "Holiday").cloned())
            .unwrap_or(Value::Null);
        ensure!(deck["kind"] == "images", "{deck}");
        let labels: Vec<&str> = deck["items"]
            .as_array()
            .map(|i| i.iter().filter_map(|x| x["label"].as_str()).collect())
            .unwrap_or_default();
        ensure!(labels == ["sunset", "forest", "sunset.jpg"], "{labels:?}");
        // Dropped images make another deck.
        client
            .execute(
                "const bytes = Uint8Array.from(arguments[0]);\
                 const dt = new DataTransfer();\
                 for (const n of ['a.png', 'b.png']) dt.items.add(new File([bytes], n, {type: 'image/png'}));\
                 window.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
                vec![Value::from(PNG.to_vec())],
            )
            .await?;
        eventually("the dropped deck", WAIT, || async {
            let w = saved_workspace(client).await?;
            let n = w["decks"].as_array().map_or(0, Vec::len);
            Ok((n == 6).then_some(()))
        })
        .await?;
        let dropped = pair_images(client).await?;
        ensure!(dropped.iter().all(|s| s.starts_with("blob:")));
        // After a reload the images come back from the browser's storage.
        client.refresh().await?;
        let again = pair_images(client).await?;
        ensure!(again.iter().all(|s| s.starts_with("blob:")), "{again:?}");
        let loaded = client
            .execute(
                "return [...document.querySelectorAll('.pair img')].every(i => i.complete && i.naturalWidth === 1);",
                Vec::new(),
            )
            .await?;
        ensure!(loaded == Value::Bool(true), "images did not load");
        Ok(())
    })
    .await
}
