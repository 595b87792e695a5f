//! The playground's performance figures (issue "see and teach", point 7),
//! measured in headless Chromium and printed as `MEASURE:` lines:
//! the initial download (gzipped), the time to the first possible vote,
//! the re-fit after one vote on a 50-item deck, and the frame rate while
//! a simulated class streams votes into the charts.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{WAIT, attr, click, eventually, press, set_value, wait_for, with_page};

/// The gzip -9 size of a file of `dist/`.
fn gzipped(name: &str) -> Result<u64> {
    let path = prefplay_e2e::repo_root().join("dist").join(name);
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(&path)
        .output()
        .with_context(|| format!("gzip {}", path.display()))?;
    ensure!(out.status.success(), "gzip failed on {}", path.display());
    Ok(out.stdout.len() as u64)
}

/// The files the page loads before the first vote, and the worker's.
fn download_sizes() -> Result<(u64, u64)> {
    let mut page = 0;
    let mut worker = 0;
    for entry in std::fs::read_dir(prefplay_e2e::repo_root().join("dist"))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let size = gzipped(&name)?;
        if name.starts_with("prefplay-worker") {
            worker += size;
        } else if name.ends_with(".html")
            || name.ends_with(".js")
            || name.ends_with(".wasm")
            || name.ends_with(".css")
        {
            page += size;
        }
    }
    Ok((page, worker))
}

/// (fit span on the page clock, fit time reported) of the last fit.
async fn last_fit(client: &Client) -> Result<(f64, f64)> {
    let span = attr(client, "#fit-info", "data-fit-span-ms").await?;
    let mut parts = span.split(' ').filter_map(|p| p.parse::<f64>().ok());
    let (a, b) = (parts.next().unwrap_or(0.0), parts.next().unwrap_or(0.0));
    let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
    let fit_ms = info
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(" ms").next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    Ok((b - a, fit_ms))
}

async fn fitted_votes(client: &Client) -> Result<usize> {
    Ok(attr(client, "#leaderboard", "data-votes").await?.parse()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_first_vote_refit_and_frame_rate() -> Result<()> {
    let (page, worker) = download_sizes()?;
    println!(
        "MEASURE: initial download {:.0} kB gzipped (page {:.0} kB + fit worker {:.0} kB)",
        (page + worker) as f64 / 1e3,
        page as f64 / 1e3,
        worker as f64 / 1e3
    );
    ensure!(page + worker <= 1_500_000, "over 1.5 MB gzipped");
    with_page("performance", async |client, url, _| {
        client.goto(url).await?;
        wait_for(client, "#choice-left").await?;
        let ready: f64 = attr(client, "body", "data-ready-ms").await?.parse()?;
        println!("MEASURE: navigation to first possible vote {ready:.0} ms");
        ensure!(ready <= 1500.0, "first vote after {ready} ms");
        // A deck of 50 items.
        click(client, "#new-deck").await?;
        let items: Vec<String> = (1..=50).map(|i| format!("Item {i}")).collect();
        // Typed (Leptos listens for bubbling input events).
        client.find(Locator::Css("#deck-name")).await?.send_keys("Fifty").await?;
        client
            .find(Locator::Css("#deck-items"))
            .await?
            .send_keys(&items.join("\n"))
            .await?;
        click(client, "#create-deck").await?;
        eventually("the 50-item deck", WAIT, || async {
            let n = client.find_all(Locator::Css("#leaderboard tbody tr")).await?.len();
            Ok((n == 50).then_some(()))
        })
        .await?;
        // Frame times while 1,000 simulated votes stream in at 200 a second.
        client
            .execute(
                "window.__frames = []; const f = t => { window.__frames.push(t); requestAnimationFrame(f); }; requestAnimationFrame(f);",
                Vec::new(),
            )
            .await?;
        client.find(Locator::Css("#simulate summary")).await?.click().await?;
        set_value(client, "#sim-votes", "1000", "change").await?;
        set_value(client, "#sim-speed", "200", "change").await?;
        let start: f64 = client
            .execute("return performance.now();", Vec::new())
            .await?
            .as_f64()
            .unwrap_or_default();
        click(client, "#sim-start").await?;
        eventually("1,000 streamed votes", Duration::from_secs(120), || async {
            Ok((fitted_votes(client).await? == 1000).then_some(()))
        })
        .await?;
        let frames: Vec<f64> = client
            .execute(
                "return window.__frames.filter(t => t >= arguments[0]);",
                vec![start.into()],
            )
            .await?
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        ensure!(frames.len() > 10, "{} frames", frames.len());
        let span_s = (frames[frames.len() - 1] - frames[0]) / 1e3;
        let fps = (frames.len() - 1) as f64 / span_s;
        // The worst one-second window.
        let mut worst = f64::INFINITY;
        for (i, &t) in frames.iter().enumerate() {
            let end = frames[i..].iter().take_while(|&&u| u <= t + 1000.0).count();
            if t + 1000.0 <= frames[frames.len() - 1] {
                worst = worst.min(end as f64);
            }
        }
        let longest = frames.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        println!(
            "MEASURE: while 1,000 votes stream in (200/s, 50 items, all charts): {fps:.1} fps mean, {worst:.0} frames in the worst second, longest frame {longest:.0} ms, over {span_s:.1} s"
        );
        // One vote on the 50-item deck, five times: the re-fit.
        let mut spans = Vec::new();
        for k in 0..5 {
            press(client, &Key::Left.to_string()).await?;
            eventually("the re-fit", WAIT, || async {
                Ok((fitted_votes(client).await? == 1001 + k).then_some(()))
            })
            .await?;
            spans.push(last_fit(client).await?);
        }
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (median_span, median_fit) = spans[2];
        println!(
            "MEASURE: re-fit after one vote on 50 items (1,001+ votes): median {median_span:.1} ms from request to result on the page clock ({median_fit:.1} ms fit in the worker); all {:?}",
            spans.iter().map(|s| (s.0 * 10.0).round() / 10.0).collect::<Vec<_>>()
        );
        // The fit itself (aggregation, solve, rows) is held to the 16 ms
        // target; the span adds the message round trip to the worker and
        // whatever the page's thread is doing when the reply arrives
        // (drawing the vote), so it gets a looser bound.
        ensure!(median_fit <= 16.0, "the re-fit took {median_fit} ms");
        ensure!(median_span <= 50.0, "vote to result took {median_span} ms");
        ensure!(fps >= 30.0, "{fps} fps");
        Ok(())
    })
    .await
}
