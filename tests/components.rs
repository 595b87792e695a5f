//! Components mounted in a real browser (headless Chromium, via
//! wasm-bindgen-test-runner). Native builds compile this file to nothing.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use leptos::prelude::*;
use prefplay_app::App;
use prefplay_app::components::{ForestPlot, Leaderboard};
use prefplay_app::job_runner::RowView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn row(rank: usize, label: &str, score: f64) -> RowView {
    RowView {
        rank,
        label: label.into(),
        score,
        ci_low: score - 1.0,
        ci_high: score + 1.0,
        wins: 2,
        losses: 1,
        ties: 0,
        rank_best: rank,
        rank_worst: rank + 1,
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh host element attached to `<body>`.
fn host() -> web_sys::HtmlElement {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Polls `check` every 20 ms for up to 10 s.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        sleep_ms(20).await;
    }
    panic!("timed out waiting for {what}");
}

fn texts(root: &web_sys::HtmlElement, css: &str) -> Vec<String> {
    let nodes = root.query_selector_all(css).unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn leaderboard_shows_one_row_per_item_and_follows_its_signal() {
    let host = host();
    let rows = RwSignal::new(vec![row(1, "Mango", 1.25), row(2, "Kiwi", -1.25)]);
    let _mounted = leptos::mount::mount_to(
        host.clone(),
        move || view! { <Leaderboard rows=rows n_votes=Signal::derive(|| 3usize) /> },
    );
    assert_eq!(texts(&host, "tbody tr").len(), 2);
    assert_eq!(
        texts(&host, "tbody tr td:nth-child(2)"),
        vec!["Mango", "Kiwi"]
    );
    assert_eq!(
        texts(&host, "tbody tr:first-child td:nth-child(3)"),
        vec!["1.250"]
    );
    assert_eq!(
        texts(&host, "tbody tr:first-child td:nth-child(4)"),
        vec!["[0.250, 2.250]"]
    );
    let table = host.query_selector("table").unwrap().unwrap();
    assert_eq!(table.get_attribute("data-votes").as_deref(), Some("3"));

    rows.set(vec![
        row(1, "Kiwi", 0.5),
        row(2, "Mango", 0.0),
        row(3, "Fig", -0.5),
    ]);
    eventually("three rows", || texts(&host, "tbody tr").len() == 3).await;
    assert_eq!(
        texts(&host, "tbody tr td:nth-child(2)"),
        vec!["Kiwi", "Mango", "Fig"]
    );
}

#[wasm_bindgen_test]
async fn the_forest_plot_draws_a_focusable_row_per_item() {
    let host = host();
    let rows = RwSignal::new(vec![row(1, "Mango", 1.25), row(2, "Kiwi", -1.25)]);
    let _mounted = leptos::mount::mount_to(host.clone(), move || {
        view! { <ForestPlot id="test-forest" rows=rows n_votes=Signal::derive(|| 3usize) /> }
    });
    let marks = host.query_selector_all(".forest-row").unwrap();
    assert_eq!(marks.length(), 2);
    let first: web_sys::Element = marks.item(0).unwrap().unchecked_into();
    assert_eq!(first.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(
        first.get_attribute("aria-label").as_deref(),
        Some("Mango: 1.250, 95% interval [0.250, 2.250], rank 1–2")
    );
    rows.update(|r| r.push(row(3, "Fig", -2.0)));
    eventually("three rows", || {
        host.query_selector_all(".forest-row").unwrap().length() == 3
    })
    .await;
    assert!(
        host.query_selector("#test-forest-export-png")
            .unwrap()
            .is_some()
    );
}

fn press(key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn app_records_keyboard_votes_and_refits() {
    rexie::Rexie::delete(prefplay_app::storage::DB_NAME)
        .await
        .unwrap();
    let host = host();
    let _mounted = leptos::mount::mount_to(host.clone(), App);
    let count = || texts(&host, "#vote-count").concat();
    let fitted = || {
        host.query_selector("#leaderboard")
            .unwrap()
            .and_then(|t| t.get_attribute("data-votes"))
    };
    eventually("the stored workspace to load", || {
        host.query_selector("#choice-left").ok().flatten().is_some()
    })
    .await;
    assert_eq!(count(), "0 votes");
    let left = host
        .query_selector("#choice-left")
        .unwrap()
        .and_then(|b| b.get_attribute("data-item"))
        .unwrap();
    press("ArrowLeft");
    eventually("1 vote", || count() == "1 vote").await;
    press("ArrowDown");
    press("ArrowRight");
    eventually("3 votes", || count() == "3 votes").await;
    press("Backspace");
    eventually("undo", || count() == "2 votes").await;
    eventually("a fit on 2 votes", || fitted().as_deref() == Some("2")).await;
    assert_eq!(texts(&host, "#leaderboard tbody tr").len(), 12);
    let engine = texts(&host, "#engine").concat();
    assert!(
        engine.starts_with("GPU: ") || engine.starts_with("CPU"),
        "{engine}"
    );
    // The first vote went to the left item: one win, no loss (the tie may
    // or may not have involved it).
    let row = format!("#leaderboard tbody tr[data-item=\"{left}\"]");
    assert_eq!(
        texts(&host, &format!("{row} td:nth-child(6)")),
        vec!["1"],
        "wins of {left}"
    );
    assert_eq!(
        texts(&host, &format!("{row} td:nth-child(7)")),
        vec!["0"],
        "losses of {left}"
    );
    let loaded = prefplay_app::storage::load().await;
    let ballots = loaded.workspace.deck_ballots().to_vec();
    assert_eq!(ballots.len(), 2, "two ballots saved");
    assert_eq!(
        ballots[0].observation,
        prefplay_core::playground::collect::Observation::Pair {
            left: ballots[0].observation.items()[0],
            right: ballots[0].observation.items()[1],
            outcome: prefplay_core::data::table::Outcome::A,
        },
        "the left vote is saved"
    );
}
