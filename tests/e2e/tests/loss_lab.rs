//! The loss lab (`?page=loss`) and scenario (9) (`?scenario=9`): every
//! loss plotted and following the sliders, an SVG export, toy-policy
//! training on the CPU and on WebGPU (SwiftShader), training on the
//! playground's own votes, and scenario (9)'s claims measured on the page.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    attr, click, eventually, foreign_requests, press, set_value, wait_attr, wait_for, wait_saved,
    with_page,
};

const WAIT: Duration = Duration::from_secs(120);

/// How many series the chart matching `chart` draws.
async fn series_count(client: &Client, chart: &str) -> Result<usize> {
    Ok(attr(client, chart, "data-series-count").await?.parse()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_plots_every_loss_and_follows_the_sliders() -> Result<()> {
    with_page("lab-explorer", async |client, url, downloads| {
        explorer(client, url, downloads).await
    })
    .await
}

async fn explorer(client: &Client, url: &str, downloads: &Path) -> Result<()> {
    client.goto(&format!("{url}?page=loss")).await?;
    wait_for(client, "#loss-chart polyline.series").await?;
    ensure!(
        series_count(client, "#loss-chart").await? == 4,
        "four losses by default"
    );
    let panels = client.find_all(Locator::Css(".explain")).await?;
    ensure!(panels.len() == 4, "an explain panel per loss shown");
    // Every loss on both charts, 201 finite points each.
    for toggle in client
        .find_all(Locator::Css(".loss-picker input[type=checkbox]"))
        .await?
    {
        if toggle.prop("checked").await?.is_none_or(|c| c != "true") {
            toggle.click().await?;
        }
    }
    eventually("19 curves", WAIT, || async {
        Ok((series_count(client, "#loss-chart").await? == 19
            && series_count(client, "#weight-chart").await? == 19)
            .then_some(()))
    })
    .await?;
    for line in client
        .find_all(Locator::Css(
            "#loss-chart polyline.series, #weight-chart polyline.series",
        ))
        .await?
    {
        let name = line.attr("data-series").await?.unwrap_or_default();
        let n = line.attr("data-points").await?.unwrap_or_default();
        let points = line.attr("points").await?.unwrap_or_default();
        ensure!(n == "201", "{name}: {n} points");
        ensure!(
            points.split(' ').count() == 201 && !points.contains("NaN"),
            "{name}: every point drawn"
        );
    }
    ensure!(client.find_all(Locator::Css(".explain")).await?.len() == 19);
    // β moves the curves.
    let dpo = "#loss-chart polyline[data-series=sigmoid]";
    let before = attr(client, dpo, "points").await?;
    set_value(client, "#lab-beta", "1.5", "input").await?;
    eventually("the curve to follow β", WAIT, || async {
        Ok((attr(client, dpo, "points").await? != before).then_some(()))
    })
    .await?;
    // A line is focusable and names itself.
    let label = attr(
        client,
        "#weight-chart polyline[data-series=ipo]",
        "aria-label",
    )
    .await?;
    ensure!(label.starts_with("ipo: "), "tooltip {label:?}");
    // SVG export.
    click(client, "#loss-chart-export-svg").await?;
    let path = downloads.join("prefplay-loss-chart.svg");
    eventually("the SVG download", WAIT, || {
        let path = path.clone();
        async move { Ok(path.is_file().then_some(())) }
    })
    .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let svg = std::fs::read_to_string(&path)?;
    ensure!(
        svg.starts_with("<svg")
            && svg.contains("xmlns=\"http://www.w3.org/2000/svg\"")
            && svg.matches("<polyline").count() == 19,
        "a standalone SVG with 19 lines"
    );
    ensure!(foreign_requests(client).await?.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_toy_policy_trains_on_the_cpu_the_gpu_and_the_class_votes() -> Result<()> {
    with_page("lab-train", async |client, url, _| {
        training(client, url).await
    })
    .await
}

async fn train(client: &Client, steps: usize) -> Result<()> {
    set_value(client, "#train-steps", &steps.to_string(), "input").await?;
    click(client, "#train-start").await?;
    wait_attr::<usize>(client, "#train-status", "data-step", WAIT, |s| s == steps).await?;
    wait_attr::<bool>(client, "#train-status", "data-running", WAIT, |r| !r).await?;
    Ok(())
}

async fn training(client: &Client, url: &str) -> Result<()> {
    // On the GPU (SwiftShader), forced.
    client.goto(&format!("{url}?page=loss&engine=gpu")).await?;
    wait_for(client, "#train-start").await?;
    eventually("the engine", WAIT, || async {
        let e = client.find(Locator::Css("#engine")).await?.text().await?;
        Ok((!e.contains("starting")).then_some(e))
    })
    .await?;
    train(client, 100).await?;
    let engine = client.find(Locator::Css("#engine")).await?.text().await?;
    ensure!(engine.starts_with("GPU"), "trained on the GPU: {engine}");
    let points = attr(client, "#chart-kl polyline.series", "data-points").await?;
    ensure!(points == "11", "KL recorded every 10 steps: {points}");
    // Pause and resume continue the same run.
    set_value(client, "#train-steps", "3000", "input").await?;
    click(client, "#train-start").await?;
    wait_attr::<usize>(client, "#train-status", "data-step", WAIT, |s| s >= 150).await?;
    click(client, "#train-pause").await?;
    let paused = wait_attr::<bool>(client, "#train-status", "data-running", WAIT, |r| !r).await;
    paused?;
    let held: usize = attr(client, "#train-status", "data-step").await?.parse()?;
    ensure!(held < 3000, "paused at {held}");
    click(client, "#train-reset").await?;
    wait_attr::<usize>(client, "#train-status", "data-step", WAIT, |s| s == 0).await?;

    // The β sweep and the noise comparison.
    set_value(client, "#train-steps", "60", "input").await?;
    click(client, "#train-beta-sweep").await?;
    eventually("six β runs", WAIT, || async {
        let status = client
            .find(Locator::Css("#compare-status"))
            .await?
            .text()
            .await?;
        Ok(
            (status.starts_with("Done") && series_count(client, "#compare-kl").await? == 6)
                .then_some(()),
        )
    })
    .await?;
    set_value(client, "#train-noise", "0.3", "input").await?;
    click(client, "#train-noise-compare").await?;
    eventually("DPO and rDPO under noise", WAIT, || async {
        let status = client
            .find(Locator::Css("#compare-status"))
            .await?
            .text()
            .await?;
        let title = client
            .find(Locator::Css("#comparison h2"))
            .await?
            .text()
            .await?;
        Ok((status.starts_with("Done")
            && title.contains("30% of labels flipped")
            && series_count(client, "#compare-reward").await? == 2)
            .then_some(()))
    })
    .await?;

    // On the playground's votes (CPU).
    client.goto(url).await?;
    wait_for(client, "#choice-left").await?;
    for k in 0..8 {
        press(client, [&*Key::Left, &*Key::Right][k % 2]).await?;
        wait_attr::<usize>(client, "#vote-count", "data-ballots", WAIT, |n| n == k + 1).await?;
    }
    wait_saved(client).await?;
    client.goto(&format!("{url}?page=loss&engine=cpu")).await?;
    wait_for(client, "#train-start").await?;
    eventually("the votes", WAIT, || async {
        let note = client
            .find(Locator::Css("#training .hint"))
            .await?
            .text()
            .await?;
        Ok(note.contains("8 ballots").then_some(()))
    })
    .await?;
    click(client, "#train-votes").await?;
    train(client, 200).await?;
    let rows = client
        .find_all(Locator::Css("#policy-table tbody tr"))
        .await?;
    ensure!(
        rows.len() == 12,
        "one row per ice-cream flavour: {}",
        rows.len()
    );
    let engine = client.find(Locator::Css("#engine")).await?.text().await?;
    ensure!(engine.starts_with("CPU"), "{engine}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_nine_loads_from_its_url_and_shows_its_claims() -> Result<()> {
    with_page("lab-scenario", async |client, url, _| {
        client.goto(&format!("{url}?scenario=9&seed=9")).await?;
        wait_attr::<bool>(client, "#scenario-status", "data-done", WAIT, |d| d).await?;
        let value = async |name: &str| -> Result<f64> {
            Ok(attr(client, "#scenario-status", name).await?.parse()?)
        };
        let dpo_kl = value("data-dpo-kl").await?;
        let ipo_kl = value("data-ipo-kl").await?;
        let dpo_max = value("data-dpo-max-probability").await?;
        let ipo_max = value("data-ipo-max-probability").await?;
        let offline = value("data-offline-reward").await?;
        let online = value("data-online-reward").await?;
        println!(
            "scenario 9: KL DPO {dpo_kl:.3} IPO {ipo_kl:.3}; largest probability DPO {dpo_max:.3} IPO {ipo_max:.3}; true reward offline {offline:.3} online {online:.3}"
        );
        ensure!(dpo_kl > 1.0 && dpo_max > 0.8, "DPO heads for determinism");
        ensure!(ipo_kl < 0.15 && ipo_max < 0.5, "IPO stays near the reference");
        ensure!(online > offline + 0.3, "online data helps");
        ensure!(series_count(client, "#compare-kl").await? == 3);
        ensure!(series_count(client, "#loss-chart").await? == 2, "DPO and IPO in the explorer");
        // The README's screenshots: the explorer, and scenario (9)'s curves.
        let docs = prefplay_e2e::repo_root().join("docs");
        std::fs::create_dir_all(&docs)?;
        std::fs::write(docs.join("loss-lab.png"), client.screenshot().await?)?;
        client
            .execute("document.querySelector('#comparison').scrollIntoView();", Vec::new())
            .await?;
        std::fs::write(docs.join("scenario-9.png"), client.screenshot().await?)?;
        Ok(())
    })
    .await
}
