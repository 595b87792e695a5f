//! The fit worker keeps the page responsive: a 1M-vote simulated fit runs
//! in the worker while a long-task observer watches the page's thread; a
//! long fit is cancelled from the page.
//!
//! Prints `MEASURE:` lines (the longest main-thread block during the fit,
//! the fit's time, the cancel latency).

use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use fantoccini::{Client, Locator};
use prefplay_e2e::{ChromeDriver, StaticServer, eventually, fresh_dir, repo_root};

/// The bound on a main-thread block.
const MAX_BLOCK_MS: f64 = 50.0;
/// The bound on stopping a fit.
const MAX_CANCEL_MS: f64 = 100.0;

/// Opens `page` (a 1M-vote `?simulate`), waits for the fit and checks that
/// no long task blocked the page while it ran.
async fn million_vote_fit(client: &Client, page: &str) -> Result<()> {
    client.goto(page).await?;
    eventually("the 1M-vote fit", Duration::from_secs(240), || async move {
        Ok(
            (attr(client, "#leaderboard", "data-votes").await?.as_deref() == Some("1000000"))
                .then_some(()),
        )
    })
    .await?;
    let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
    ensure!(
        info.contains("in the worker"),
        "the fit did not run in the worker: {info:?}"
    );
    let span = attr(client, "#fit-info", "data-fit-span-ms")
        .await?
        .context("the fit's start and end")?;
    let (start, end) = span
        .split_once(' ')
        .and_then(|(a, b)| Some((a.parse::<f64>().ok()?, b.parse::<f64>().ok()?)))
        .context("data-fit-span-ms")?;
    let events: u32 = attr(client, "#fit-info", "data-progress-events")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    ensure!(events > 0, "no progress message arrived");
    let tasks = client
        .execute("return window.prefplayLongTasks;", Vec::new())
        .await?;
    let tasks = tasks.as_array().context("window.prefplayLongTasks")?;
    // Long tasks that began while the fit ran: the fit now takes a few
    // hundred milliseconds, so the page's own first render (a task begun
    // before the fit was asked for) may still be running when it starts.
    let during: Vec<f64> = tasks
        .iter()
        .filter_map(|t| Some((t.get(0)?.as_f64()?, t.get(1)?.as_f64()?)))
        .filter(|(s, _)| *s >= start && *s < end)
        .map(|(_, d)| d)
        .collect();
    let longest = during.iter().copied().fold(0.0f64, f64::max);
    // The page's 5 ms heartbeat: the longest gap between beats during the
    // fit (a block, or the OS scheduling other threads), reported only.
    let gaps = client
        .execute("return window.prefplayGaps;", Vec::new())
        .await?;
    let longest_gap = gaps
        .as_array()
        .context("window.prefplayGaps")?
        .iter()
        .filter_map(|g| Some((g.get(0)?.as_f64()?, g.get(1)?.as_f64()?)))
        .filter(|(t, gap)| *t > start && t - gap < end)
        .map(|(_, gap)| gap)
        .fold(0.0f64, f64::max);
    let engine = client.find(Locator::Css("#engine")).await?.text().await?;
    println!(
        "MEASURE: 1M-vote fit in the worker ({engine}): {:.0} ms, {events} progress messages; \
         long tasks (blocks of 50 ms or more) on the page during it: {} ({} since navigation); \
         longest gap of the page's 5 ms heartbeat during it: {longest_gap:.1} ms",
        end - start,
        during.len(),
        tasks.len()
    );
    ensure!(
        during.is_empty() && longest <= MAX_BLOCK_MS,
        "the page's thread was blocked for {longest:.0} ms during the fit"
    );
    Ok(())
}

async fn attr(client: &Client, css: &str, name: &str) -> Result<Option<String>> {
    Ok(client.find(Locator::Css(css)).await?.attr(name).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fits_run_in_the_worker_without_blocking_the_page_and_can_be_cancelled() -> Result<()> {
    let root = repo_root();
    let server = StaticServer::start(&root.join("dist"))?;
    let downloads = fresh_dir("worker-downloads")?;
    let profile = fresh_dir("worker-profile")?;
    let driver = ChromeDriver::start()?;
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = scenario(&client, &server.url).await;
    let _ = client.close().await;
    outcome
}

async fn scenario(client: &Client, url: &str) -> Result<()> {
    // 1. One million simulated votes, made and fitted in the worker: by the
    //    auto engine (the CPU over a software adapter) and on WebGPU.
    for engine in ["", "&engine=gpu"] {
        million_vote_fit(client, &format!("{url}?simulate=1000000{engine}")).await?;
    }

    // 2. A long fit (3,000 items: a dense covariance of seconds) is
    //    cancelled; the page says so at once and the worker's result never
    //    arrives.
    client
        .goto(&format!("{url}?simulate=200000&items=3000"))
        .await?;
    eventually(
        "the long fit running",
        Duration::from_secs(60),
        || async move {
            Ok(
                (attr(client, "#fit-info", "data-state").await?.as_deref() == Some("running"))
                    .then_some(()),
            )
        },
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // The fit line shows the elapsed time while it runs.
    let running = client.find(Locator::Css("#fit-info")).await?.text().await?;
    let elapsed: f64 = running
        .rsplit(", ")
        .next()
        .and_then(|t| t.split(' ').next())
        .and_then(|t| t.parse().ok())
        .or_else(|| {
            running
                .split("… ")
                .nth(1)
                .and_then(|t| t.split(' ').next())
                .and_then(|t| t.parse().ok())
        })
        .unwrap_or(-1.0);
    println!("MEASURE: the fit line after 1.5 s: {running:?}");
    ensure!(
        running.contains("(Esc cancels)") && elapsed >= 1.0,
        "elapsed time shown: {running:?}"
    );
    let clicked = Instant::now();
    client
        .find(Locator::Css("#cancel-fit"))
        .await?
        .click()
        .await?;
    eventually("the fit cancelled", Duration::from_secs(5), || async move {
        Ok(
            (attr(client, "#fit-info", "data-state").await?.as_deref() == Some("cancelled"))
                .then_some(()),
        )
    })
    .await?;
    let seen_ms = clicked.elapsed().as_secs_f64() * 1e3;
    let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
    println!(
        "MEASURE: cancel: the page showed it {seen_ms:.0} ms after the click (WebDriver round trips included): {info:?}"
    );
    ensure!(
        seen_ms <= MAX_CANCEL_MS * 5.0,
        "cancel took {seen_ms:.0} ms to show"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    ensure!(
        attr(client, "#fit-info", "data-state").await?.as_deref() == Some("cancelled")
            && attr(client, "#leaderboard", "data-votes").await?.as_deref() != Some("200000"),
        "the cancelled fit still finished"
    );

    // 3. A browser whose workers lack WebGPU (simulated by
    //    ?worker-gpu=off): the page fits on its own GPU, a Newton step per
    //    task, and says so.
    client
        .goto(&format!("{url}?engine=gpu&worker-gpu=off"))
        .await?;
    client
        .find(Locator::Css("body"))
        .await?
        .send_keys(&fantoccini::key::Key::Left.to_string())
        .await?;
    let info = eventually(
        "a fit on the page",
        Duration::from_secs(30),
        || async move {
            let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
            Ok(info.contains("in the page").then_some(info))
        },
    )
    .await?;
    let engine = client.find(Locator::Css("#engine")).await?.text().await?;
    let note = client
        .find(Locator::Css("#engine-note"))
        .await?
        .text()
        .await?;
    println!("MEASURE: worker without WebGPU: {engine:?}, {note:?}: {info}");
    ensure!(
        engine.starts_with("GPU: "),
        "the page's GPU did not run: {engine:?}"
    );
    ensure!(
        note.contains("no WebGPU"),
        "the page does not say why: {note:?}"
    );
    Ok(())
}
