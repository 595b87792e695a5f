//! Storage: two tabs stay consistent, a failed save (quota) loses nothing,
//! and the votes survive closing and reopening the browser.

use anyhow::{Context, Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    ChromeDriver, StaticServer, WAIT, eventually, fresh_dir, press, repo_root, saved_workspace,
};

/// The number in "#vote-count" once the page has loaded.
async fn vote_count(client: &Client) -> Result<usize> {
    let t = client
        .find(Locator::Css("#vote-count"))
        .await?
        .text()
        .await?;
    t.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("vote count in {t:?}"))
}

async fn wait_votes(client: &Client, n: usize, what: &str) -> Result<()> {
    eventually(what, WAIT, || async move {
        let ready = !client
            .find_all(Locator::Css("#choice-left"))
            .await?
            .is_empty();
        Ok((ready && vote_count(client).await? == n).then_some(()))
    })
    .await
}

async fn stored_ballots(client: &Client) -> Result<usize> {
    let w = saved_workspace(client).await?;
    Ok(w["ballots"]["builtin-ice-cream"]
        .as_array()
        .map_or(0, Vec::len))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tabs_quota_and_restart() -> Result<()> {
    let root = repo_root();
    let server = StaticServer::start(&root.join("dist"))?;
    let downloads = fresh_dir("persist-downloads")?;
    let profile = fresh_dir("persist-profile")?;
    let driver = ChromeDriver::start()?;
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = two_tabs_and_quota(&client, &server.url).await;
    let _ = client.close().await;
    outcome?;

    // The browser is closed; a new one on the same profile finds the votes.
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = async {
        client.goto(&server.url).await?;
        wait_votes(&client, 4, "4 votes after a browser restart").await
    }
    .await;
    let _ = client.close().await;
    outcome
}

async fn two_tabs_and_quota(client: &Client, url: &str) -> Result<()> {
    client.goto(url).await?;
    wait_votes(client, 0, "the page").await?;
    let first = client.window().await?;
    press(client, &Key::Left).await?;
    wait_votes(client, 1, "1 vote in tab 1").await?;

    // A second tab shows the vote, and its own vote reaches the first tab.
    let second = client.new_window(true).await?.handle;
    client.switch_to_window(second.clone()).await?;
    client.goto(url).await?;
    wait_votes(client, 1, "tab 2 loads tab 1's vote").await?;
    press(client, &Key::Right).await?;
    wait_votes(client, 2, "2 votes in tab 2").await?;
    client.switch_to_window(first.clone()).await?;
    wait_votes(client, 2, "tab 1 sees tab 2's vote without a reload").await?;
    press(client, &Key::Down).await?;
    wait_votes(client, 3, "3 votes in tab 1").await?;
    client.switch_to_window(second).await?;
    wait_votes(client, 3, "tab 2 sees tab 1's vote").await?;
    client.close_window().await?;
    client.switch_to_window(first).await?;
    ensure!(stored_ballots(client).await? == 3, "3 ballots stored");

    // Storage full: every put fails with QuotaExceededError. The page says
    // so, keeps the vote on screen, and what was stored stays.
    client
        .execute(
            "window.realPut = IDBObjectStore.prototype.put;\
             IDBObjectStore.prototype.put = function () {\
               throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');\
             };",
            Vec::new(),
        )
        .await?;
    press(client, &Key::Left).await?;
    wait_votes(client, 4, "the 4th vote on screen").await?;
    let alert = eventually("the storage message", WAIT, || async {
        let found = client.find_all(Locator::Css(".message")).await?;
        match found.first() {
            Some(e) => Ok(Some(e.text().await?)),
            None => Ok(None),
        }
    })
    .await?;
    ensure!(
        alert.contains("Could not save") && alert.contains("quota"),
        "message {alert:?}"
    );
    ensure!(
        stored_ballots(client).await? == 3,
        "a failed save keeps the 3 stored ballots"
    );
    // Space again: the next save writes everything, the 4th vote included.
    client
        .execute("IDBObjectStore.prototype.put = window.realPut;", Vec::new())
        .await?;
    press(client, &Key::Space).await?;
    client
        .find(Locator::Css("#mode"))
        .await?
        .select_by_value("pair")
        .await?;
    client
        .find(Locator::Css("#strategy"))
        .await?
        .select_by_value("balanced")
        .await?;
    eventually(
        "the 4th ballot stored after space returns",
        WAIT,
        || async { Ok((stored_ballots(client).await? == 4).then_some(())) },
    )
    .await?;
    Ok(())
}
