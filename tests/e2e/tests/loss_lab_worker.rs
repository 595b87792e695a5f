//! The loss lab trains in the worker: a heavy run (64 prompts × 64
//! responses, 4,096 pairs) while a long-task observer watches the page's
//! thread. Its own test binary, so no other browser shares the CPU while
//! it measures (as `worker.rs` does for the 1M-vote fit).
//!
//! Prints a `MEASURE:` line (the step reached, the long tasks seen).

use std::time::Duration;

use anyhow::{Result, ensure};
use fantoccini::{Client, Locator};
use prefplay_e2e::{attr, click, set_value, wait_attr, wait_for, with_page};

const WAIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heavy_policy_trains_in_the_worker_without_blocking_the_page() -> Result<()> {
    with_page("lab-worker", async |client, url, _| {
        heavy(client, url).await
    })
    .await
}

async fn heavy(client: &Client, url: &str) -> Result<()> {
    client.goto(&format!("{url}?page=loss&engine=cpu")).await?;
    wait_for(client, "#train-start").await?;
    for (field, value) in [
        ("#train-prompts", "64"),
        ("#train-responses", "64"),
        ("#train-pairs", "4096"),
        ("#train-steps", "20000"),
    ] {
        set_value(client, field, value, "input").await?;
    }
    let started: f64 = client
        .execute("return performance.now();", Vec::new())
        .await?
        .as_f64()
        .unwrap_or(0.0);
    click(client, "#train-start").await?;
    wait_attr::<usize>(client, "#train-status", "data-step", WAIT, |s| s >= 400).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    click(client, "#train-pause").await?;
    wait_attr::<bool>(client, "#train-status", "data-running", WAIT, |r| !r).await?;
    let held: usize = attr(client, "#train-status", "data-step").await?.parse()?;
    let tasks = client
        .execute(
            "return window.prefplayLongTasks.filter(t => t[0] >= arguments[0]).map(t => t[1]);",
            vec![started.into()],
        )
        .await?;
    let blocks: Vec<f64> = tasks
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
        .unwrap_or_default();
    println!(
        "MEASURE: loss lab, 64 × 64 policy on 4,096 pairs trained in the worker to step {held}; \
         long tasks (≥ 50 ms) on the page meanwhile: {blocks:?}"
    );
    ensure!(
        blocks.is_empty(),
        "the page's thread was blocked while the policy trained: {blocks:?} ms"
    );
    let status = client
        .find(Locator::Css("#train-status"))
        .await?
        .text()
        .await?;
    ensure!(status.starts_with("Paused at step"), "{status}");

    Ok(())
}
