//! "Simulate a class": votes stream in, pause holds them, the truth can be
//! revealed next to the estimate.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use prefplay_e2e::{eventually, set_value, with_page};

const WAIT: Duration = Duration::from_secs(60);

/// Types `value` into a number field and commits it (a change event).
async fn done(client: &Client) -> Result<usize> {
    Ok(client
        .find(Locator::Css("#sim-progress"))
        .await?
        .attr("data-done")
        .await?
        .unwrap_or_default()
        .parse()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_simulated_class_streams_votes_and_reveals_the_truth() -> Result<()> {
    with_page("class", async |client, url, _| scenario(client, url).await).await
}

async fn scenario(client: &Client, url: &str) -> Result<()> {
    client.goto(url).await?;
    eventually("the page", WAIT, || async {
        Ok((!client
            .find_all(Locator::Css("#choice-left"))
            .await?
            .is_empty())
        .then_some(()))
    })
    .await?;
    client
        .find(Locator::Css("#simulate summary"))
        .await?
        .click()
        .await?;
    set_value(client, "#sim-votes", "400", "change").await?;
    set_value(client, "#sim-speed", "40", "change").await?;
    set_value(client, "#sim-raters", "8", "change").await?;
    client
        .find(Locator::Css("#sim-start"))
        .await?
        .click()
        .await?;
    // Votes stream in; pause holds them; resume finishes.
    let some = eventually("some votes", WAIT, || async {
        let d = done(client).await?;
        Ok((d >= 8).then_some(d))
    })
    .await?;
    client
        .find(Locator::Css("#sim-pause"))
        .await?
        .click()
        .await?;
    let held = done(client).await?;
    ensure!(held >= some && held < 400, "paused at {held}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    ensure!(done(client).await? == held, "pause holds the stream");
    set_value(client, "#sim-speed", "400", "change").await?;
    client
        .find(Locator::Css("#sim-pause"))
        .await?
        .click()
        .await?;
    eventually("all 400 votes", WAIT, || async {
        Ok((done(client).await? == 400).then_some(()))
    })
    .await?;
    eventually("a fit on 400", WAIT, || async {
        let v = client
            .find(Locator::Css("#leaderboard"))
            .await?
            .attr("data-votes")
            .await?;
        Ok((v.as_deref() == Some("400")).then_some(()))
    })
    .await?;
    let voters = client
        .find_all(Locator::Css("#participant option"))
        .await?
        .len();
    ensure!(voters == 9, "Me and 8 simulated voters, got {voters}");
    // Reveal the truth: a column and Kendall's τ.
    client
        .find(Locator::Css("#reveal-truth"))
        .await?
        .click()
        .await?;
    let tau: f64 = eventually("Kendall's tau", WAIT, || async {
        let found = client.find_all(Locator::Css("#truth-tau")).await?;
        match found.first() {
            Some(e) => Ok(e.attr("data-tau").await?.and_then(|t| t.parse().ok())),
            None => Ok(None),
        }
    })
    .await?;
    let cells = client
        .find_all(Locator::Css("#leaderboard td.truth"))
        .await?
        .len();
    ensure!(cells == 12, "a truth cell per item, got {cells}");
    println!(
        "MEASURE: simulated class of 8 voters, 400 votes: Kendall tau(estimate, truth) = {tau:.2}"
    );
    ensure!(
        tau > 0.5,
        "400 votes should recover the order roughly: tau {tau}"
    );
    let text = client
        .find(Locator::Css("#truth-tau"))
        .await?
        .text()
        .await
        .context("tau text")?;
    ensure!(text.contains("Kendall"), "{text}");
    Ok(())
}
