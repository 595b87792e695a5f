//! The playground's charts: the forest plot beside the leaderboard
//! (present, one row per item, narrower intervals after more votes,
//! focusable rows with tooltips, PNG and SVG export), the rank-interval
//! column, the comparison graph (its groups and what they mean), and
//! presentation mode by key and by URL, and the page at phone width.

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{attr, downloaded, eventually, press, wait_for, with_page};

async fn ballots(client: &Client) -> Result<usize> {
    Ok(attr(client, "#vote-count", "data-ballots").await?.parse()?)
}

/// Votes `n` times with ← (the left item wins), waiting for each.
async fn vote(client: &Client, n: usize) -> Result<()> {
    for _ in 0..n {
        let before = ballots(client).await?;
        press(client, &Key::Left.to_string()).await?;
        eventually("the vote", prefplay_e2e::WAIT, || async move {
            Ok((ballots(client).await? == before + 1).then_some(()))
        })
        .await?;
    }
    Ok(())
}

/// The forest plot's (votes behind it, mean interval width) once the fit
/// of `votes` votes has landed.
async fn forest_after(client: &Client, votes: usize) -> Result<f64> {
    eventually("the forest plot", prefplay_e2e::WAIT, || async move {
        let shown: usize = attr(client, "#forest", "data-votes").await?.parse()?;
        if shown != votes {
            return Ok(None);
        }
        Ok(Some(
            attr(client, "#forest", "data-mean-width").await?.parse()?,
        ))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_forest_plot_follows_the_votes_and_exports_png_and_svg() -> Result<()> {
    with_page("charts", async |client, url, downloads| {
        client.goto(url).await?;
        wait_for(client, "#forest").await?;
        vote(client, 6).await?;
        let early = forest_after(client, 6).await?;
        // Six votes cannot link twelve items: the graph says so.
        let groups: usize = attr(client, "#comparison-graph", "data-components")
            .await?
            .parse()?;
        let note = client
            .find(Locator::Css("#comparison-graph .graph-note"))
            .await?
            .text()
            .await?;
        println!("MEASURE: after 6 votes, {groups} groups: {note}");
        ensure!(
            groups > 1 && note.contains(&format!("{groups} groups")),
            "{groups}: {note}"
        );
        vote(client, 30).await?;
        let later = forest_after(client, 36).await?;
        println!("MEASURE: mean 95% interval width {early:.3} after 6 votes, {later:.3} after 36");
        ensure!(
            later < early,
            "intervals narrow with votes: {early} → {later}"
        );
        let table_rows = client
            .find_all(Locator::Css("#leaderboard tbody tr"))
            .await?
            .len();
        let rows: usize = attr(client, "#forest", "data-rows").await?.parse()?;
        ensure!(
            rows == table_rows.min(30) && rows > 2,
            "{rows} rows vs {table_rows}"
        );
        // Rank intervals are ordered and contain the rank.
        for tr in client
            .find_all(Locator::Css("#leaderboard tbody tr"))
            .await?
        {
            let best: usize = tr
                .attr("data-rank-best")
                .await?
                .unwrap_or_default()
                .parse()?;
            let worst: usize = tr
                .attr("data-rank-worst")
                .await?
                .unwrap_or_default()
                .parse()?;
            ensure!(best >= 1 && best <= worst && worst <= table_rows);
        }
        let items: usize = attr(client, "#comparison-graph", "data-items")
            .await?
            .parse()?;
        let edges: usize = attr(client, "#comparison-graph", "data-edges")
            .await?
            .parse()?;
        let nodes = client
            .find_all(Locator::Css("#comparison-graph .graph-node"))
            .await?
            .len();
        ensure!(
            items == table_rows && nodes == items && edges > 6,
            "{items} items, {nodes} nodes, {edges} edges"
        );
        prefplay_e2e::click(client, "#comparison-graph-export-svg").await?;
        let graph_svg =
            std::fs::read_to_string(downloaded(downloads, "prefplay-comparison-graph.svg").await?)?;
        ensure!(graph_svg.matches("class=\"graph-edge\"").count() == edges);
        // The model's win probabilities beside the observed win rates.
        let cells = client
            .find_all(Locator::Css("#win-model rect"))
            .await?
            .len();
        ensure!(cells == rows * rows, "{cells} cells for {rows} items");
        let observed = client.find_all(Locator::Css("#win-observed rect")).await?;
        let mut unseen = 0;
        for cell in &observed {
            if cell.attr("data-value").await?.as_deref() == Some("NaN") {
                unseen += 1;
            }
        }
        ensure!(
            observed.len() == cells && unseen > 0 && unseen < cells,
            "{unseen} of {cells} pairs unseen"
        );
        // The glossary explains the words the charts use.
        let terms = client.find_all(Locator::Css("#glossary dt")).await?.len();
        ensure!(terms >= 9, "{terms} glossary terms");
        ensure!(
            !client
                .find_all(Locator::Css("#glossary-rank-interval"))
                .await?
                .is_empty()
        );
        // Elo vs BT: the same votes as cast and shuffled.
        prefplay_e2e::click(client, "#elo-vs-bt-toggle").await?;
        eventually("the replay", prefplay_e2e::WAIT, || async {
            let votes = attr(client, "#elo-vs-bt", "data-votes").await?;
            let lines = attr(client, "#elo-cast", "data-series-count").await?;
            Ok((votes == "36" && lines == "4").then_some(()))
        })
        .await?;
        ensure!(attr(client, "#elo-shuffled", "data-series-count").await? == "4");
        ensure!(attr(client, "#bt-growing", "data-series-count").await? == "4");
        let tau: f64 = attr(client, "#elo-vs-bt", "data-tau").await?.parse()?;
        ensure!((-1.0..=1.0).contains(&tau), "τ {tau}");
        let note = client.find(Locator::Css("#elo-note")).await?.text().await?;
        println!("MEASURE: Elo vs BT after 36 votes (K = 16): {note}");
        let before = attr(client, "#elo-cast polyline", "points").await?;
        prefplay_e2e::choose(client, "#elo-k", "64").await?;
        eventually("the replay with K = 64", prefplay_e2e::WAIT, || async {
            let now = attr(client, "#elo-cast polyline", "points").await?;
            Ok((now != before).then_some(()))
        })
        .await?;
        // Rows are focusable and say what they show.
        let first = client.find(Locator::Css("#forest .forest-row")).await?;
        ensure!(first.attr("tabindex").await?.as_deref() == Some("0"));
        let label = first.attr("aria-label").await?.unwrap_or_default();
        ensure!(
            label.contains("95% interval") && label.contains("rank"),
            "{label}"
        );
        // Exports.
        prefplay_e2e::click(client, "#forest-export-svg").await?;
        let svg = std::fs::read_to_string(downloaded(downloads, "prefplay-forest.svg").await?)?;
        ensure!(
            svg.starts_with("<svg")
                && svg.contains("xmlns=\"http://www.w3.org/2000/svg\"")
                && svg.contains("<style>")
                && svg.matches("class=\"forest-row\"").count() == rows
                && svg.trim_end().ends_with("</svg>"),
            "a standalone SVG with a row per item"
        );
        prefplay_e2e::click(client, "#forest-export-png").await?;
        let png = std::fs::read(downloaded(downloads, "prefplay-forest.png").await?)?;
        ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
        // Width and height from the IHDR chunk: twice the SVG's.
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        ensure!(width == 960, "PNG width {width}");
        println!(
            "MEASURE: forest PNG {} bytes, SVG {} bytes",
            png.len(),
            svg.len()
        );
        client
            .execute(
                "document.querySelector('#forest').scrollIntoView();",
                Vec::new(),
            )
            .await?;
        let docs = prefplay_e2e::repo_root().join("docs");
        std::fs::write(docs.join("charts.png"), client.screenshot().await?)?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presentation_mode_by_key_and_by_url() -> Result<()> {
    with_page("present", async |client, url, _| {
        client.goto(url).await?;
        wait_for(client, "#forest").await?;
        let on = async || -> Result<bool> {
            let class = attr(client, "body", "class").await.unwrap_or_default();
            Ok(class.split_whitespace().any(|c| c == "present"))
        };
        ensure!(!on().await?, "off by default");
        press(client, "p").await?;
        eventually("presentation mode on", prefplay_e2e::WAIT, || async {
            Ok(on().await?.then_some(()))
        })
        .await?;
        ensure!(attr(client, "#present", "aria-pressed").await? == "true");
        let size: f64 = client
            .execute(
                "return parseFloat(getComputedStyle(document.body).fontSize);",
                Vec::new(),
            )
            .await?
            .as_f64()
            .unwrap_or_default();
        ensure!(size >= 22.0, "large type: {size}px");
        press(client, "p").await?;
        eventually("presentation mode off", prefplay_e2e::WAIT, || async {
            Ok((!on().await?).then_some(()))
        })
        .await?;
        client.goto(&format!("{url}?present=1")).await?;
        wait_for(client, "#forest").await?;
        eventually(
            "presentation mode from the URL",
            prefplay_e2e::WAIT,
            || async { Ok(on().await?.then_some(())) },
        )
        .await?;
        // A few votes so the screenshot shows a leaderboard.
        vote(client, 12).await?;
        forest_after(client, 12).await?;
        let docs = prefplay_e2e::repo_root().join("docs");
        std::fs::write(docs.join("presentation.png"), client.screenshot().await?)?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_fits_a_phone_in_portrait() -> Result<()> {
    with_page("phone", async |client, url, _| {
        client.set_window_size(390, 844).await?;
        client.goto(url).await?;
        wait_for(client, "#forest").await?;
        vote(client, 4).await?;
        forest_after(client, 4).await?;
        let (page, view): (f64, f64) = {
            let v = client
                .execute(
                    "return [document.scrollingElement.scrollWidth, window.innerWidth];",
                    Vec::new(),
                )
                .await?;
            let a = v.as_array().cloned().unwrap_or_default();
            (
                a.first().and_then(|x| x.as_f64()).unwrap_or_default(),
                a.get(1).and_then(|x| x.as_f64()).unwrap_or_default(),
            )
        };
        println!("MEASURE: phone portrait: page {page} px wide in a {view} px window");
        ensure!(page <= view + 1.0, "no sideways scrolling: {page} > {view}");
        Ok(())
    })
    .await
}
